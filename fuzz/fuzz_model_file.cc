// Fuzz target: any bytes as a model file. Invariants: no crash, no sanitizer report; a damaged file is
// refused with a status, never half-loaded.
#include <cstdint>
#include <string_view>

#include "lexicon/compiler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto model = tocsin::internal::Deserialize(std::string(reinterpret_cast<const char*>(data), size));
  // Languages are parsed on first use: parse them all (a damaged block makes Lang() return null).
  if (model.ok())
    for (const auto& l : (*model)->langs) (void)(*model)->Lang(l.iso);
  return 0;
}
