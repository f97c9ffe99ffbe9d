// Readers: turn paths (files, directories, "-" for stdin) into a stream of input records.
//
// .txt files are one document each (id = file name without extension); .jsonl/.json files hold one input
// record per line (FORMAT.md), with `text` or `html`; .html/.htm files are one web page each; .warc and
// .warc.gz files are crawl archives whose HTML responses are documents (ingest/warc.h); .rss/.atom/.xml
// feeds give a document per item. Directories are walked recursively in name order; "-" reads stdin: a
// WARC.gz stream when it starts with the gzip magic, JSONL when its first non-blank byte is "{", else one
// text document with id "stdin". A bad record (not JSON, no id, no text) is reported with its file and
// line (or record and byte offset) and the stream goes on.
//
// Thread safety: one InputStream per thread (the CLI reads on one thread and codes on N).
#pragma once

#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "ingest/warc.h"
#include "tocsin/document.h"
#include "tocsin/status.h"

namespace tocsin::ingest {

class InputStream {
 public:
  // Expands directories now (so that a missing path fails at once, before any coding starts).
  static Result<std::unique_ptr<InputStream>> Open(const std::vector<std::string>& paths);
  ~InputStream();

  // Next record. Returns false at the end of all inputs. When a record is bad, returns true with
  // `*error` set (naming file and line) and `in->id` set when it was known.
  bool Next(Input* in, Status* error);

  // One input record (FORMAT.md) from a line of JSON: used for JSONL files and by `tocsin serve --ingest`.
  // Sets id, text, published, lang, url, source and title (empty when absent or null; an integer is written
  // in decimal, another non-string value as JSON), and format "html" when the record has `html` but no
  // `text`. Invalid UTF-8 inside the line is replaced by U+FFFD and noted in `in->problems`. A record
  // without id or text is an error with the fields still set (the caller names the id in its message).
  static Status ParseJsonLine(const std::string& line, Input* in);
  // Bytes read so far and in total (for progress), where known.
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_total() const { return bytes_total_; }

 private:
  struct LineParser;  // reader.cc: the JSON parser and its buffers, reused from line to line

  InputStream();
  bool OpenNext();

  std::deque<std::string> files_;
  std::string current_;  // file being read
  bool jsonl_ = false;
  bool stdin_ = false;
  std::ifstream file_;
  uint64_t line_ = 0;
  uint64_t records_ = 0;  // non-blank lines read from the current JSONL input
  uint64_t bytes_read_ = 0, bytes_total_ = 0;
  std::string pending_;  // stdin: the first line read while sniffing the format
  int kind_ = 0;         // reader.cc Kind of the current file
  std::unique_ptr<RecordSource> sub_;  // a WARC or feed being read record by record
  bool has_pending_ = false;
  std::string line_buffer_;  // the JSONL line being read (its capacity kept for the next)
  std::unique_ptr<LineParser> parser_;
};

namespace internal {

// ParseJsonLine as it was written on nlohmann-json, kept as the reference: ParseJsonLine hands it every line
// its fast parser does not take (bad JSON, bad UTF-8, fields of unusual types), and the tests check that
// the two agree on the lines it does take.
Status ParseJsonLineReference(const std::string& line, Input* in);

}  // namespace internal

}  // namespace tocsin::ingest
