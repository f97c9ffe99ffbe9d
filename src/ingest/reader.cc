#include "ingest/reader.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "ingest/warc.h"
#include "text/utf8.h"

namespace tocsin::ingest {
namespace fs = std::filesystem;

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool IsJsonl(const std::string& path) {
  const std::string ext = Lower(fs::path(path).extension().string());
  return ext == ".jsonl" || ext == ".json" || ext == ".ndjson";
}

bool Readable(const fs::path& p) {
  const std::string ext = Lower(p.extension().string());
  return ext == ".txt" || ext == ".text" || ext == ".jsonl" || ext == ".json" || ext == ".ndjson" || ext == ".html" ||
         ext == ".htm" || ext == ".xhtml" || ext == ".warc" || ext == ".gz" || ext == ".rss" || ext == ".atom" ||
         ext == ".xml";
}

// How a file is read, from its name.
enum class Kind { kText, kJsonl, kHtml, kWarc, kFeed };
Kind KindOf(const std::string& path) {
  const std::string ext = Lower(fs::path(path).extension().string());
  if (ext == ".jsonl" || ext == ".json" || ext == ".ndjson") return Kind::kJsonl;
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml") return Kind::kHtml;
  if (ext == ".warc" || ext == ".gz") return Kind::kWarc;
  if (ext == ".rss" || ext == ".atom" || ext == ".xml") return Kind::kFeed;
  return Kind::kText;
}

namespace tuning {
// A JSONL line up to this size leaves its buffers (the line's and the JSON parser's, about 15 bytes per byte
// of line) in place for the next one; a longer line's are freed once it is read, so that one huge record
// does not hold its memory for the rest of the run.
constexpr size_t kKeptLineCapacity = size_t{1} << 20;
}  // namespace tuning

// The reference's reading of a field (its values are what the fast parser must reproduce).
std::string Field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return it->dump();
}

}  // namespace

struct InputStream::LineParser {
  simdjson::dom::parser parser;
};

InputStream::InputStream() : parser_(std::make_unique<LineParser>()) {}
InputStream::~InputStream() = default;

Result<std::unique_ptr<InputStream>> InputStream::Open(const std::vector<std::string>& paths) {
  std::unique_ptr<InputStream> s(new InputStream());
  for (const std::string& p : paths) {
    if (p == "-") {
      s->files_.push_back("-");
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) return Status::NotFound("no such file or directory: `" + p + "`");
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && Readable(it->path())) found.push_back(it->path().string());
      std::sort(found.begin(), found.end());
      for (auto& f : found) {
        s->bytes_total_ += fs::file_size(f, ec);
        s->files_.push_back(std::move(f));
      }
    } else {
      s->bytes_total_ += fs::file_size(p, ec);
      s->files_.push_back(p);
    }
  }
  return s;
}

bool InputStream::OpenNext() {
  file_.close();
  file_.clear();
  stdin_ = false;
  if (files_.empty()) return false;
  current_ = files_.front();
  files_.pop_front();
  line_ = 0;
  records_ = 0;
  if (current_ == "-") {
    // gzip data on stdin is a WARC.gz stream (coded as it arrives).
    if (std::cin.peek() == 0x1f) {
      auto w = OpenWarc("-");
      if (w.ok()) {
        sub_ = std::move(w).value();
        current_ = "stdin";
        return true;
      }
    }
    stdin_ = true;
    // Sniff: JSONL when the first non-blank line starts with '{'.
    has_pending_ = false;
    std::string first;
    while (std::getline(std::cin, first)) {
      ++line_;  // blank lines count: messages name true line numbers
      if (first.find_first_not_of(" \t\r") != std::string::npos) break;
    }
    jsonl_ = first.find_first_not_of(" \t\r") != std::string::npos && first[first.find_first_not_of(" \t\r")] == '{';
    pending_ = std::move(first);
    has_pending_ = true;
    current_ = "stdin";
    return true;
  }
  jsonl_ = IsJsonl(current_);
  kind_ = static_cast<int>(KindOf(current_));
  if (KindOf(current_) == Kind::kWarc) {
    auto w = OpenWarc(current_);
    if (w.ok()) {
      sub_ = std::move(w).value();
      return true;
    }
  }
  file_.open(current_, std::ios::binary);
  return true;
}

namespace {

// Parses one JSON text. nlohmann-json reports some errors (a number too large, "1E77777") by exception
// even when asked not to, so every exception is caught here and turned into a message.
Status ParseJson(const std::string& text, nlohmann::json* out) {
  try {
    *out = nlohmann::json::parse(text);
    return Status::Ok();
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument("not a JSON object (parse error at byte " + std::to_string(e.byte) +
                                   "): each line must be one input record, see FORMAT.md");
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("not a usable JSON record (") + e.what() + ")");
  }
}

// What makes the fields read a record (FORMAT.md), for both parsers. `html()` gives the record's `html`
// field; it is read only when there is no text.
template <typename Html>
Status CompleteRecord(Input* in, const Html& html) {
  if (in->id.empty()) return Status::InvalidArgument("record has no `id`: every input record needs one (FORMAT.md)");
  if (in->text.empty()) {
    // A record may carry the page instead of its text: the clean stage extracts the report.
    in->text = html();
    if (in->text.empty()) return Status::InvalidArgument("record has no `text` (nor `html`)");
    in->format = "html";
  }
  return Status::Ok();
}

// The fields of an input record that are read, by the key's length first: most keys of a record are among
// them, and the others are passed over with one or two comparisons.
enum FieldIndex { kId, kText, kPublished, kLang, kUrl, kSource, kTitle, kHtml, kFieldCount };
int FieldIndexOf(std::string_view key) {
  switch (key.size()) {
    case 2:
      return key == "id" ? kId : -1;
    case 3:
      return key == "url" ? kUrl : -1;
    case 4:
      return key == "text" ? kText : key == "lang" ? kLang : key == "html" ? kHtml : -1;
    case 5:
      return key == "title" ? kTitle : -1;
    case 6:
      return key == "source" ? kSource : -1;
    case 9:
      return key == "published" ? kPublished : -1;
    default:
      return -1;
  }
}

// Field() for the types the fast parser takes: null is empty, a string itself, an integer in decimal. An
// integer above INT64_MAX is written as its int64_t conversion, as nlohmann-json's get<int64_t>() does.
void FieldText(const simdjson::dom::element* value, std::string* out) {
  if (value == nullptr) {
    out->clear();
    return;
  }
  std::string_view s;
  int64_t i;
  uint64_t u;
  switch (value->type()) {
    case simdjson::dom::element_type::STRING:
      if (!value->get_string().get(s)) out->assign(s);
      return;
    case simdjson::dom::element_type::INT64:
      if (!value->get_int64().get(i)) *out = std::to_string(i);
      return;
    case simdjson::dom::element_type::UINT64:
      if (!value->get_uint64().get(u)) *out = std::to_string(static_cast<int64_t>(u));
      return;
    default:
      out->clear();  // null
  }
}

// The fast path of ParseJsonLine (simdjson). Returns false, having changed nothing, when the line is not its
// to read: not valid JSON to simdjson (bad UTF-8 included: the reference repairs it and says so; a
// byte-order mark or a NUL after the object, which nlohmann-json takes), not an object, or a field read that
// is not a string, an integer or null (the reference writes those with nlohmann-json's dump(): 1.0, true,
// {"a":1}). What it takes, nlohmann-json accepts too and reads the same (reader_test.cc compares the two),
// so every message about a line that is not a JSON object comes from the reference as before.
bool ParseJsonLineFast(simdjson::dom::parser& parser, const std::string& line, Input* in, Status* status) {
  simdjson::dom::element root;
  simdjson::dom::object object;
  // Copied into the parser's own padded buffer (reused from line to line): no allocation once it is big
  // enough, and the bytes read past the line's end are the buffer's, not the std::string's spare capacity.
  if (parser.parse(line.data(), line.size(), /*realloc_if_needed=*/true).get(root)) return false;
  if (root.get_object().get(object)) return false;
  simdjson::dom::element values[kFieldCount];
  const simdjson::dom::element* fields[kFieldCount] = {};
  for (auto it = object.begin(); it != object.end(); ++it) {
    const int field = FieldIndexOf(it.key());
    if (field < 0) continue;
    values[field] = it.value();
    switch (values[field].type()) {
      case simdjson::dom::element_type::STRING:
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::NULL_VALUE:
        break;
      default:
        return false;
    }
    fields[field] = &values[field];  // a repeated key's last value wins, as in nlohmann-json
  }
  FieldText(fields[kId], &in->id);
  FieldText(fields[kText], &in->text);
  FieldText(fields[kPublished], &in->published);
  FieldText(fields[kLang], &in->lang);
  FieldText(fields[kUrl], &in->url);
  FieldText(fields[kSource], &in->source);
  FieldText(fields[kTitle], &in->title);
  *status = CompleteRecord(in, [&] {
    std::string html;
    FieldText(fields[kHtml], &html);
    return html;
  });
  return true;
}

Status ParseJsonLineWith(simdjson::dom::parser& parser, const std::string& line, Input* in) {
  Status status;
  if (ParseJsonLineFast(parser, line, in, &status)) return status;
  return internal::ParseJsonLineReference(line, in);
}

}  // namespace

Status InputStream::ParseJsonLine(const std::string& line, Input* in) {
  simdjson::dom::parser parser;  // one line: its buffers are freed on return
  return ParseJsonLineWith(parser, line, in);
}

Status internal::ParseJsonLineReference(const std::string& line, Input* in) {
  nlohmann::json j;
  Status parsed = ParseJson(line, &j);
  if (!parsed.ok()) {
    // A record whose strings hold invalid UTF-8 is still a record: repair the bytes, say so, go on.
    std::string repaired;
    const size_t bad = text::RepairUtf8(line, &repaired);
    if (bad == 0 || !ParseJson(repaired, &j).ok()) return parsed;
    in->problems.push_back("repaired " + std::to_string(bad) +
                           " invalid UTF-8 sequence(s) in the record (replaced by U+FFFD)");
  }
  if (!j.is_object()) return Status::InvalidArgument("a JSON value that is not an object: expected an input record");
  in->id = Field(j, "id");
  in->text = Field(j, "text");
  in->published = Field(j, "published");
  in->lang = Field(j, "lang");
  in->url = Field(j, "url");
  in->source = Field(j, "source");
  in->title = Field(j, "title");
  return CompleteRecord(in, [&] { return Field(j, "html"); });
}

bool InputStream::Next(Input* in, Status* error) {
  *error = Status::Ok();
  *in = Input();
  while (true) {
    if (sub_) {
      // A crawl archive or a feed: its records, one at a time.
      const uint64_t before = sub_->bytes_read();
      const bool got = sub_->Next(in, error);
      bytes_read_ += sub_->bytes_read() - before;
      if (got) return true;
      sub_.reset();
      current_.clear();
      continue;
    }
    if (!stdin_ && !file_.is_open()) {
      if (!OpenNext()) return false;
      if (sub_) continue;
      if (!stdin_ && !file_) {
        *error = Status::IoError("cannot read `" + current_ + "`");
        in->origin = current_;
        current_.clear();
        return true;
      }
    }
    std::istream& src = stdin_ ? static_cast<std::istream&>(std::cin) : file_;
    if (!jsonl_) {
      // One document: the whole file.
      std::string text;
      if (stdin_) {
        text = std::move(pending_);
        text.push_back('\n');
        has_pending_ = false;
        text.append(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        stdin_ = false;
        in->id = "stdin";
        in->origin = "stdin";
        current_.clear();
      } else {
        std::ostringstream ss;
        ss << file_.rdbuf();
        text = ss.str();
        file_.close();
        in->id = fs::path(current_).stem().string();
        in->origin = current_;
        const Kind kind = static_cast<Kind>(kind_);
        if (kind == Kind::kFeed && LooksLikeFeed(text)) {
          auto feed = OpenFeed(std::move(text), current_);
          if (!feed.ok()) {
            *error = feed.status();
            return true;
          }
          sub_ = std::move(feed).value();
          continue;
        }
        if (kind == Kind::kHtml || kind == Kind::kFeed) in->format = "html";
      }
      bytes_read_ += text.size();
      in->text = std::move(text);
      return true;
    }
    if (line_buffer_.capacity() > tuning::kKeptLineCapacity) line_buffer_ = std::string();
    std::string& line = line_buffer_;
    bool got;
    if (stdin_ && has_pending_) {
      line = std::move(pending_);
      has_pending_ = false;
      got = true;
      --line_;  // counted while sniffing; counted again below
    } else {
      got = static_cast<bool>(std::getline(src, line));
    }
    if (!got) {
      if (stdin_)
        stdin_ = false;
      else
        file_.close();
      if (records_ == 0) {
        // An empty JSONL input is worth a word: the user probably pointed at the wrong file.
        *error = Status::InvalidArgument("no input records in `" + current_ + "` (empty JSONL)");
        in->origin = current_;
        return true;
      }
      continue;
    }
    ++line_;
    bytes_read_ += line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    in->origin = current_ + ":" + std::to_string(line_);
    ++records_;
    Status s = ParseJsonLineWith(parser_->parser, line, in);
    if (parser_->parser.capacity() > tuning::kKeptLineCapacity) parser_ = std::make_unique<LineParser>();
    if (!s.ok()) *error = s.WithContext(in->origin + (in->id.empty() ? "" : " (id " + in->id + ")"));
    return true;
  }
}

}  // namespace tocsin::ingest
