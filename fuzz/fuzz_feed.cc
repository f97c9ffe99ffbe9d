// Fuzz target: any bytes as an RSS or Atom feed. Invariants: no crash, no sanitizer report; every item has
// an id and HTML to code.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ingest/warc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto feed = tocsin::ingest::OpenFeed(std::string(reinterpret_cast<const char*>(data), size), "fuzz.rss");
  if (!feed.ok()) return 0;
  tocsin::Input in;
  tocsin::Status error;
  while ((*feed)->Next(&in, &error))
    if (in.id.empty() || in.format != "html") std::abort();
  return 0;
}
