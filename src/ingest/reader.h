// Readers: turn paths (files, directories, "-" for stdin) into a stream of input records.
//
// .txt files are one document each (id = file name without extension); .jsonl/.json files hold one input
// record per line (FORMAT.md); directories are walked recursively in name order; "-" reads stdin, as
// JSONL when its first non-blank byte is "{", else as one text document with id "stdin". A bad record
// (not JSON, no id, no text) is reported with its file and line and the stream goes on.
//
// Thread safety: one InputStream per thread (the CLI reads on one thread and codes on N).
#pragma once

#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tocsin/document.h"
#include "tocsin/status.h"

namespace tocsin::ingest {

class InputStream {
 public:
  // Expands directories now (so that a missing path fails at once, before any coding starts).
  static Result<std::unique_ptr<InputStream>> Open(const std::vector<std::string>& paths);

  // Next record. Returns false at the end of all inputs. When a record is bad, returns true with
  // `*error` set (naming file and line) and `in->id` set when it was known.
  bool Next(Input* in, Status* error);

  // Bytes read so far and in total (for progress), where known.
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_total() const { return bytes_total_; }

 private:
  InputStream() = default;
  bool OpenNext();
  Status ParseJsonLine(const std::string& line, Input* in);

  std::deque<std::string> files_;
  std::string current_;  // file being read
  bool jsonl_ = false;
  bool stdin_ = false;
  std::ifstream file_;
  uint64_t line_ = 0;
  uint64_t records_ = 0;  // non-blank lines read from the current JSONL input
  uint64_t bytes_read_ = 0, bytes_total_ = 0;
  std::string pending_;  // stdin: the first line read while sniffing the format
  bool has_pending_ = false;
};

}  // namespace tocsin::ingest
