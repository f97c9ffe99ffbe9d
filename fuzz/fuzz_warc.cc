// Fuzz target: any bytes as a WARC or WARC.gz file. Invariants: no crash, no sanitizer report; reading
// ends, with at most one record or error per 5 input bytes (no endless resynchronisation). Each error
// consumes at least a "WARC/" line: a file of bare "WARC/\r\n\r\n" headers is an error every 9 bytes, and
// the bound of one per 16 bytes it had before was wrong for it (found by this fuzzer).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ingest/warc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/tocsin_fuzz_" + std::to_string(getpid()) + ".warc";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto warc = tocsin::ingest::OpenWarc(path);
  if (!warc.ok()) return 0;
  tocsin::Input in;
  tocsin::Status error;
  size_t n = 0;
  while ((*warc)->Next(&in, &error))
    if (++n > size / 5 + 4) std::abort();
  return 0;
}
