// Fuzz target: any bytes as a JSONL input file. Invariants: no crash, no sanitizer report, every line
// yields a record or an error, and reading ends.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ingest/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/tocsin_fuzz_" + std::to_string(getpid()) + ".jsonl";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto stream = tocsin::ingest::InputStream::Open({path});
  if (!stream.ok()) return 0;
  tocsin::Input in;
  tocsin::Status error;
  size_t records = 0;
  while ((*stream)->Next(&in, &error)) {
    if (++records > size + 2) std::abort();  // more records than lines: the reader is looping
    if (error.ok() && in.id.empty()) std::abort();  // a good record always has an id
  }
  return 0;
}
