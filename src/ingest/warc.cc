#include "ingest/warc.h"

#include <gumbo.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>

#include "ingest/html.h"

namespace tocsin::ingest {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return std::string(s);
}

// Buffered reading of a FILE* through zlib's inflate: gzip members one after another (WARC.gz files are
// one member per record), or the bytes as they are when the data does not start with the gzip magic.
// The bytes come from a read function (a FILE*, or std::cin for stdin, whose buffer holds what the reader
// sniffed); the first chunk decides between gzip and plain.
class GzReader {
 public:
  using ReadFn = std::function<size_t(char*, size_t)>;
  GzReader(ReadFn read, std::function<void()> close) : read_(std::move(read)), close_(std::move(close)) {
    pending_.resize(1 << 16);
    pending_.resize(read_(pending_.data(), pending_.size()));
    gzip_ = pending_.size() >= 2 && static_cast<unsigned char>(pending_[0]) == 0x1f &&
            static_cast<unsigned char>(pending_[1]) == 0x8b;
    if (gzip_) inflateInit2(&z_, 15 + 32);
  }
  ~GzReader() {
    if (gzip_) inflateEnd(&z_);
    if (close_) close_();
  }
  // A line without its "\r\n" or "\n", at most `max` bytes kept. False at the end of the data.
  bool Line(std::string* out, size_t max) {
    out->clear();
    while (true) {
      if (pos_ == buf_.size() && !Fill()) return !out->empty();
      const size_t nl = buf_.find('\n', pos_);
      const size_t end = nl == std::string::npos ? buf_.size() : nl;
      out->append(buf_, pos_, std::min(end - pos_, max > out->size() ? max - out->size() : 0));
      consumed_ += (nl == std::string::npos ? end : end + 1) - pos_;
      pos_ = nl == std::string::npos ? end : end + 1;
      if (nl != std::string::npos) {
        if (!out->empty() && out->back() == '\r') out->pop_back();
        return true;
      }
    }
  }
  // Exactly n bytes into `out` (or skips them when out is null). False when the data ends first.
  bool Exact(size_t n, std::string* out) {
    if (out) out->clear();
    while (n > 0) {
      if (pos_ == buf_.size() && !Fill()) return false;
      const size_t take = std::min(n, buf_.size() - pos_);
      if (out) out->append(buf_, pos_, take);
      pos_ += take;
      consumed_ += take;
      n -= take;
    }
    return true;
  }
  uint64_t offset() const { return consumed_; }       // uncompressed bytes consumed
  uint64_t raw_offset() const { return raw_read_; }   // file bytes read
  const std::string& error() const { return error_; }

 private:
  // Reads file bytes into `in_`.
  bool ReadRaw() {
    in_.resize(1 << 16);
    size_t n = 0;
    if (!pending_.empty()) {
      std::memcpy(in_.data(), pending_.data(), pending_.size());
      n = pending_.size();
      pending_.clear();
    }
    if (n == 0) n = read_(in_.data(), in_.size());
    in_.resize(n);
    raw_read_ += n;
    return n > 0;
  }
  bool Fill() {
    buf_.clear();
    pos_ = 0;
    if (!gzip_) {
      if (!ReadRaw()) return false;
      buf_.swap(in_);
      return true;
    }
    buf_.resize(1 << 17);
    while (true) {
      if (z_.avail_in == 0) {
        if (!ReadRaw()) {
          if (!member_done_) error_ = "unexpected end of gzip data";
          buf_.clear();
          return false;
        }
        if (member_done_) {
          // Another member follows: start it afresh.
          inflateReset(&z_);
          member_done_ = false;
        }
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(in_.size());
      } else if (member_done_) {
        inflateReset(&z_);
        member_done_ = false;
      }
      z_.next_out = reinterpret_cast<Bytef*>(buf_.data());
      z_.avail_out = static_cast<uInt>(buf_.size());
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const size_t got = buf_.size() - z_.avail_out;
      if (rc == Z_STREAM_END) member_done_ = true;
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        error_ = std::string("damaged gzip data (") + (z_.msg ? z_.msg : "inflate error") + ")";
        buf_.resize(got);
        return got > 0;
      }
      if (got > 0) {
        buf_.resize(got);
        return true;
      }
    }
  }
  ReadFn read_;
  std::function<void()> close_;
  bool gzip_ = false, member_done_ = false;
  z_stream z_{};
  std::string pending_, in_, buf_, error_;
  size_t pos_ = 0;
  uint64_t consumed_ = 0, raw_read_ = 0;
};

class WarcSource final : public RecordSource {
 public:
  WarcSource(GzReader::ReadFn read, std::function<void()> close, std::string display, std::string id_prefix,
             WarcOptions o)
      : in_(std::move(read), std::move(close)), display_(std::move(display)), id_prefix_(std::move(id_prefix)), opt_(o) {}

  bool Next(Input* in, Status* error) override {
    *error = Status::Ok();
    std::string line;
    while (!done_) {
      const uint64_t at = in_.offset();
      // The version line; blank lines between records are allowed.
      if (pending_version_) {
        pending_version_ = false;  // Resync consumed the next record's version line
        line = "WARC/";
      } else {
        do {
          if (!in_.Line(&line, 4096)) return End(in, error);
        } while (Trim(line).empty());
      }
      if (line.rfind("WARC/", 0) != 0) {
        // Lost the record boundary: say where, then look for the next record.
        *error = Status::Corrupt(Where(at) + ": expected a WARC record header, found `" + line.substr(0, 40) + "`");
        in->origin = display_;
        Resync();
        return true;
      }
      ++record_;
      std::map<std::string, std::string> h;
      while (in_.Line(&line, 64 * 1024) && !line.empty()) {
        const size_t colon = line.find(':');
        if (colon != std::string::npos) h[Lower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
      }
      const std::string len_s = h["content-length"];
      char* end = nullptr;
      const unsigned long long len = std::strtoull(len_s.c_str(), &end, 10);
      if (len_s.empty() || (end && *end)) {
        *error = Status::Corrupt(Where(at) + ": WARC record without a valid Content-Length");
        in->origin = display_;
        Resync();
        return true;
      }
      const std::string type = Lower(h["warc-type"]);
      const std::string ctype = Lower(h["content-type"]);
      const bool wanted = (type == "response" && ctype.find("application/http") != std::string::npos) ||
                          (type == "resource" && ctype.find("html") != std::string::npos);
      if (!wanted) {
        if (!in_.Exact(len, nullptr)) return Truncated(in, error, at);
        continue;
      }
      std::string id = h["warc-record-id"];
      if (id.size() > 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
      if (id.rfind("urn:uuid:", 0) == 0) id = id.substr(9);
      in->id = id_prefix_ + "#" + (id.empty() ? std::to_string(record_) : id);
      in->origin = Where(at);
      in->url = h["warc-target-uri"];
      in->fetched = h["warc-date"].substr(0, 10);
      if (len > opt_.max_record_bytes) {
        if (!in_.Exact(len, nullptr)) return Truncated(in, error, at);
        *error = Status::TooLarge(Where(at) + ": record of " + std::to_string(len >> 20) + " MB, over the " +
                                  std::to_string(opt_.max_record_bytes >> 20) + " MB limit: skipped");
        return true;
      }
      std::string block;
      if (!in_.Exact(len, &block)) return Truncated(in, error, at);
      std::string body = std::move(block);
      if (type == "response") {
        // HTTP status line and headers, then the body.
        size_t sep = body.find("\r\n\r\n");
        size_t skip = 4;
        if (sep == std::string::npos) {
          sep = body.find("\n\n");
          skip = 2;
        }
        if (sep == std::string::npos) continue;  // no HTTP body
        const std::string head = body.substr(0, sep);
        const std::string status = head.substr(0, head.find('\n'));
        if (status.find(" 200") == std::string::npos) continue;  // redirects, errors
        std::string http_type;
        size_t p = 0;
        while (p < head.size()) {
          size_t e = head.find('\n', p);
          if (e == std::string::npos) e = head.size();
          const std::string l = head.substr(p, e - p);
          if (Lower(l).rfind("content-type:", 0) == 0) http_type = Lower(Trim(l.substr(13)));
          p = e + 1;
        }
        if (http_type.find("html") == std::string::npos) continue;  // images, scripts, PDFs
        if (Lower(head).find("transfer-encoding: chunked") != std::string::npos) {
          // Archived chunked bodies: join the chunks.
          std::string joined;
          size_t q = sep + skip;
          while (q < body.size()) {
            const size_t e = body.find("\r\n", q);
            if (e == std::string::npos) break;
            const unsigned long n = std::strtoul(body.substr(q, e - q).c_str(), nullptr, 16);
            if (n == 0 || e + 2 + n > body.size()) break;
            joined.append(body, e + 2, n);
            q = e + 2 + n + 2;
          }
          body = std::move(joined);
        } else {
          body.erase(0, sep + skip);
        }
        in->charset = CharsetOfContentType(http_type);
      }
      in->text = std::move(body);
      in->format = "html";
      return true;
    }
    return false;
  }
  uint64_t bytes_read() const override { return in_.raw_offset(); }

 private:
  std::string Where(uint64_t at) const {
    return display_ + ": record " + std::to_string(record_ + 1) + " at byte " + std::to_string(at);
  }
  bool End(Input* in, Status* error) {
    done_ = true;
    const std::string& e = in_.error();
    if (e.empty()) return false;
    *error = Status::Corrupt(display_ + ": " + e + " after byte " + std::to_string(in_.offset()) +
                             " (truncated or damaged gzip): the rest of the file is lost");
    in->origin = display_;
    return true;
  }
  bool Truncated(Input* in, Status* error, uint64_t at) {
    done_ = true;
    const std::string& e = in_.error();
    *error = Status::Corrupt(Where(at) + ": the file ends inside the record" + (e.empty() ? "" : " (" + e + ")") +
                             ": truncated");
    in->origin = display_;
    return true;
  }
  void Resync() {
    std::string line;
    while (in_.Line(&line, 4096))
      if (line.rfind("WARC/", 0) == 0) {
        pending_version_ = true;
        break;
      }
  }
  GzReader in_;
  std::string display_, id_prefix_;
  WarcOptions opt_;
  uint64_t record_ = 0;
  bool done_ = false;
  bool pending_version_ = false;
};

// ---- Feeds ----

// CDATA sections are not HTML; gumbo would drop them as comments. Their text is escaped into the
// element instead (a description's HTML then arrives as text, which is read again as HTML).
std::string UnwrapCdata(std::string xml) {
  std::string out;
  out.reserve(xml.size());
  size_t p = 0;
  while (true) {
    const size_t b = xml.find("<![CDATA[", p);
    if (b == std::string::npos) break;
    const size_t e = xml.find("]]>", b + 9);
    if (e == std::string::npos) break;
    out.append(xml, p, b - p);
    for (size_t i = b + 9; i < e; ++i) {
      const char c = xml[i];
      if (c == '<')
        out += "&lt;";
      else if (c == '>')
        out += "&gt;";
      else if (c == '&')
        out += "&amp;";
      else
        out.push_back(c);
    }
    p = e + 3;
  }
  out.append(xml, p, std::string::npos);
  return out;
}

std::string TextBelow(const GumboNode* n) {
  std::string out;
  std::vector<const GumboNode*> stack{n};
  while (!stack.empty()) {
    const GumboNode* x = stack.back();
    stack.pop_back();
    if (x->type == GUMBO_NODE_TEXT || x->type == GUMBO_NODE_CDATA || x->type == GUMBO_NODE_WHITESPACE) {
      out += x->v.text.text;
      continue;
    }
    if (x->type != GUMBO_NODE_ELEMENT) continue;
    const GumboVector& ch = x->v.element.children;
    for (unsigned i = ch.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(ch.data[i]));
  }
  return Trim(out);
}

// The element's name as written (gumbo knows no RSS tags: "pubDate", "dc:date", "content:encoded").
std::string TagName(const GumboNode* n) {
  if (n->type != GUMBO_NODE_ELEMENT) return {};
  const GumboElement& e = n->v.element;
  if (e.tag != GUMBO_TAG_UNKNOWN) return Lower(gumbo_normalized_tagname(e.tag));
  GumboStringPiece name = e.original_tag;
  gumbo_tag_from_original_text(&name);
  return Lower(std::string_view(name.data, name.length));
}

class FeedSource final : public RecordSource {
 public:
  FeedSource(std::deque<Input> items, uint64_t size) : items_(std::move(items)), size_(size) {}
  bool Next(Input* in, Status* error) override {
    *error = Status::Ok();
    if (items_.empty()) return false;
    *in = std::move(items_.front());
    items_.pop_front();
    if (items_.empty()) read_ = size_;
    return true;
  }
  uint64_t bytes_read() const override { return read_; }

 private:
  std::deque<Input> items_;
  uint64_t size_, read_ = 0;
};

}  // namespace

bool LooksLikeWarc(std::string_view head) {
  return head.rfind("WARC/", 0) == 0 ||
         (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b);
}

bool LooksLikeFeed(std::string_view head) {
  const std::string h = Lower(head.substr(0, 2048));
  return h.find("<rss") != std::string::npos || h.find("<feed") != std::string::npos ||
         h.find("<rdf:rdf") != std::string::npos;
}

Result<std::unique_ptr<RecordSource>> OpenWarc(const std::string& path, const WarcOptions& options) {
  if (path == "-") {
    auto read = [](char* buf, size_t n) {
      std::cin.read(buf, static_cast<std::streamsize>(n));
      return static_cast<size_t>(std::cin.gcount());
    };
    return std::unique_ptr<RecordSource>(new WarcSource(read, nullptr, "stdin", "stdin", options));
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::IoError("cannot read `" + path + "`");
  auto read = [f](char* buf, size_t n) { return std::fread(buf, 1, n, f); };
  const std::string name = std::filesystem::path(path).filename().string();
  return std::unique_ptr<RecordSource>(new WarcSource(read, [f] { std::fclose(f); }, path, name, options));
}

Result<std::unique_ptr<RecordSource>> OpenFeed(std::string xml, const std::string& display) {
  const uint64_t size = xml.size();
  const std::string clean = UnwrapCdata(std::move(xml));
  GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, clean.data(), clean.size());
  if (!out) return Status::InvalidArgument(display + ": not a feed");
  std::deque<Input> items;
  std::vector<const GumboNode*> stack{out->root};
  size_t n = 0;
  while (!stack.empty()) {
    const GumboNode* x = stack.back();
    stack.pop_back();
    if (x->type != GUMBO_NODE_ELEMENT) continue;
    const std::string tag = TagName(x);
    const GumboVector& ch = x->v.element.children;
    if (tag == "item" || tag == "entry") {
      Input in;
      std::string guid, body, summary;
      for (unsigned i = 0; i < ch.length; ++i) {
        const GumboNode* c = static_cast<const GumboNode*>(ch.data[i]);
        const std::string t = TagName(c);
        if (t.empty()) continue;
        if (t == "title")
          in.title = TextBelow(c);
        else if (t == "link") {
          // Atom: <link href=...>; RSS: <link>url</link>, which gumbo (HTML rules: link is void) leaves as
          // the text after the element.
          const GumboAttribute* href = gumbo_get_attribute(&c->v.element.attributes, "href");
          if (href && in.url.empty())
            in.url = href->value;
          else if (in.url.empty() && i + 1 < ch.length &&
                   static_cast<const GumboNode*>(ch.data[i + 1])->type == GUMBO_NODE_TEXT)
            in.url = Trim(static_cast<const GumboNode*>(ch.data[i + 1])->v.text.text);
        } else if (t == "guid" || t == "id")
          guid = TextBelow(c);
        else if (t == "pubdate" || t == "published" || t == "updated" || t == "dc:date") {
          if (in.published.empty()) in.published = NormaliseDate(TextBelow(c));
        } else if (t == "content:encoded" || t == "content")
          body = TextBelow(c);
        else if (t == "description" || t == "summary")
          summary = TextBelow(c);
      }
      ++n;
      in.id = display + "#" + (!guid.empty() ? guid : !in.url.empty() ? in.url : std::to_string(n));
      in.origin = display + ": item " + std::to_string(n);
      in.text = "<html><body><h1>" + in.title + "</h1>" + (!body.empty() ? body : summary) + "</body></html>";
      in.format = "html";
      items.push_back(std::move(in));
      continue;
    }
    for (unsigned i = ch.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(ch.data[i]));
  }
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  if (items.empty()) return Status::InvalidArgument(display + ": a feed without items");
  return std::unique_ptr<RecordSource>(new FeedSource(std::move(items), size));
}

}  // namespace tocsin::ingest
