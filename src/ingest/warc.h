// Crawl archives and feeds as streams of input records.
//
// WARC (ISO 28500) and WARC.gz: records are read one at a time through zlib (which also reads plain files
// and concatenated gzip members), so a 2 GB archive is coded in constant memory. Response and resource
// records that hold HTML become documents (format "html") with the target URI, the record id in the
// document id, the HTTP charset, and the capture date as a fallback publication date. RSS and Atom
// feeds: each item is a document (title, link, date, description or content as HTML).
#pragma once

#include <memory>
#include <string>

#include "tocsin/document.h"
#include "tocsin/status.h"

namespace tocsin::ingest {

// A source of records inside one file. Next() returns false at the end; a bad record is returned with
// `*error` set (naming the file, record and byte offset) and the source goes on when it can.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  virtual bool Next(Input* in, Status* error) = 0;
  virtual uint64_t bytes_read() const = 0;
};

struct WarcOptions {
  size_t max_record_bytes = 64u << 20;  // larger records are skipped with an error naming the limit
};

// `path` "-" reads stdin. Fails when the file cannot be opened.
Result<std::unique_ptr<RecordSource>> OpenWarc(const std::string& path, const WarcOptions& options = {});

// Parses a whole RSS or Atom document (`display` names it in messages and ids).
Result<std::unique_ptr<RecordSource>> OpenFeed(std::string xml, const std::string& display);

// True when `head` (the first bytes of a file) is a WARC record or gzip data; a feed's root element.
bool LooksLikeWarc(std::string_view head);
bool LooksLikeFeed(std::string_view head);

}  // namespace tocsin::ingest
