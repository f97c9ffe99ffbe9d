#include "ingest/html.h"

#include <gumbo.h>

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "text/utf8.h"

namespace tocsin::ingest {
namespace {

// Elements that never hold the report: scripts, forms, navigation, embedded media.
bool SkippedTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_MAP:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
      return true;
    default:
      return false;
  }
}

// Elements that end a block of text: a paragraph of the extracted text begins and ends at them.
bool BlockTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS:
      return true;
    default:
      return false;
  }
}

std::string_view Attr(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool EqualsLower(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != static_cast<unsigned char>(lower[i])) return false;
  return true;
}

// True when a class, id or role marks the element as furniture ("share-bar", "comments", "related_posts").
// Called for every element: no allocation.
bool FurnitureElement(const GumboElement& e, const text::Furniture& f) {
  for (unsigned k = 0; k < e.attributes.length; ++k) {
    const GumboAttribute* a = static_cast<const GumboAttribute*>(e.attributes.data[k]);
    const std::string_view name(a->name), v(a->value);
    if (name == "role") {
      for (const char* r : {"navigation", "complementary", "banner", "contentinfo", "search", "dialog"})
        if (EqualsLower(v, r)) return true;
    } else if (name == "aria-hidden") {
      if (EqualsLower(v, "true")) return true;
    } else if (name == "class" || name == "id") {
      size_t i = 0;
      while (i < v.size()) {
        size_t j = v.find_first_of(" \t\n-_", i);
        if (j == std::string_view::npos) j = v.size();
        if (j > i)
          for (const std::string& c : f.classes)
            if (EqualsLower(v.substr(i, j - i), c)) return true;
        i = j + 1;
      }
    }
  }
  return false;
}

Span SourceRange(const GumboElement& e, size_t html_size) {
  const size_t b = e.start_pos.offset;
  size_t end = e.end_pos.offset + e.original_end_tag.length;
  if (e.original_end_tag.length == 0 || end < b) end = e.end_pos.offset;
  end = std::min(end, html_size);
  return {static_cast<uint32_t>(std::min(b, html_size)), static_cast<uint32_t>(std::max(b, end))};
}

struct Block {
  std::string text;
  size_t link_chars = 0;
  Span source{0, 0};
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  bool in_main = false;
};

// HTML's whitespace (CR included: the parser reads it as LF).
bool HtmlSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r'; }

// Appends text with HTML whitespace collapsed to single spaces (runs of other bytes are copied whole).
void AppendCollapsed(std::string_view s, std::string* out) {
  // Most text of a page is words between single spaces: copied whole when no other whitespace, no
  // two spaces and no space at either end need collapsing (each test a memchr or find over the text).
  if (!s.empty() && !HtmlSpace(s.front()) && !HtmlSpace(s.back()) && s.find("  ") == std::string_view::npos &&
      std::none_of(std::begin("\n\t\r\f"), std::end("\n\t\r\f") - 1,
                   [&](char c) { return std::memchr(s.data(), c, s.size()) != nullptr; })) {
    out->append(s);
    return;
  }
  size_t i = 0;
  while (i < s.size()) {
    if (HtmlSpace(s[i])) {
      if (!out->empty() && out->back() != ' ' && out->back() != '\n') out->push_back(' ');
      while (i < s.size() && HtmlSpace(s[i])) ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !HtmlSpace(s[j])) ++j;
    out->append(s.data() + i, j - i);
    i = j;
  }
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
  return s.substr(i);
}

// All text below a node, collapsed (titles, headings, <time>).
std::string TextOf(const GumboNode* root, size_t max_depth) {
  std::string out;
  std::vector<std::pair<const GumboNode*, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
      AppendCollapsed(n->v.text.text, &out);
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT || depth > max_depth) continue;
    const GumboVector& ch = n->v.element.children;
    for (unsigned i = ch.length; i-- > 0;) stack.push_back({static_cast<const GumboNode*>(ch.data[i]), depth + 1});
  }
  return Trimmed(out);
}

// The length of the text below a node, without building it (paragraph scores).
size_t TextLength(const GumboNode* root, size_t max_depth) {
  size_t n = 0;
  std::vector<std::pair<const GumboNode*, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto [x, depth] = stack.back();
    stack.pop_back();
    if (x->type == GUMBO_NODE_TEXT || x->type == GUMBO_NODE_CDATA) {
      n += std::strlen(x->v.text.text);
      continue;
    }
    if (x->type != GUMBO_NODE_ELEMENT || depth > max_depth) continue;
    const GumboVector& ch = x->v.element.children;
    for (unsigned i = 0; i < ch.length; ++i) stack.push_back({static_cast<const GumboNode*>(ch.data[i]), depth + 1});
  }
  return n;
}

// The date a JSON-LD block gives as datePublished (searched through objects, arrays and @graph).
std::string JsonLdDate(const nlohmann::json& j, int depth = 0) {
  if (depth > 16) return {};
  if (j.is_object()) {
    for (const char* key : {"datePublished", "dateCreated", "uploadDate"}) {
      auto it = j.find(key);
      if (it != j.end() && it->is_string()) return it->get<std::string>();
    }
    for (const auto& [k, v] : j.items()) {
      std::string d = JsonLdDate(v, depth + 1);
      if (!d.empty()) return d;
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      std::string d = JsonLdDate(v, depth + 1);
      if (!d.empty()) return d;
    }
  }
  return {};
}

struct Walker {
  std::string_view html;
  const text::Furniture& f;
  const HtmlOptions& opt;
  HtmlText* out;

  // Page metadata, gathered wherever it is.
  std::string og_title, title_tag, h1, date_meta, date_jsonld, date_time;
  std::vector<Block> blocks;
  // Readability: the element whose paragraphs hold the most text is the article.
  // Paragraph text below each element, and the order in which elements were first scored (document
  // order of their first paragraph), which breaks ties: two equal articles on one page.
  struct Score {
    size_t chars = 0, seen = 0;
  };
  std::unordered_map<const GumboNode*, Score> score;

  void Meta(const GumboElement& e) {
    const std::string prop = Lower(!Attr(e, "property").empty() ? Attr(e, "property")
                                   : !Attr(e, "name").empty()   ? Attr(e, "name")
                                                                : Attr(e, "itemprop"));
    const std::string_view content = Attr(e, "content");
    if (content.empty()) return;
    if (prop == "og:title" || prop == "twitter:title") {
      if (og_title.empty()) og_title = std::string(content);
    } else if (prop == "article:published_time" || prop == "datepublished" || prop == "pubdate" ||
               prop == "publishdate" || prop == "publish-date" || prop == "date" || prop == "dc.date" ||
               prop == "dc.date.issued" || prop == "dcterms.created" || prop == "dcterms.date" ||
               prop == "sailthru.date" || prop == "parsely-pub-date" || prop == "og:published_time" ||
               prop == "article.published") {
      if (date_meta.empty()) date_meta = std::string(content);
    }
  }

  void Run(const GumboNode* root) {
    // Pass 1: metadata, and the score of each element by the paragraph text below it.
    {
      std::vector<std::tuple<const GumboNode*, size_t, bool>> stack{{root, 0, false}};
      while (!stack.empty()) {
        auto [n, depth, skip] = stack.back();
        stack.pop_back();
        if (n->type != GUMBO_NODE_ELEMENT) continue;
        const GumboElement& e = n->v.element;
        if (depth > opt.max_depth) {
          ++out->depth_cut;
          continue;
        }
        if (e.tag == GUMBO_TAG_HTML && out->lang.empty()) out->lang = Lower(Attr(e, "lang"));
        if (e.tag == GUMBO_TAG_META) Meta(e);
        if (e.tag == GUMBO_TAG_TITLE && title_tag.empty()) title_tag = TextOf(n, opt.max_depth);
        if (e.tag == GUMBO_TAG_SCRIPT && Lower(Attr(e, "type")) == "application/ld+json" && date_jsonld.empty()) {
          const std::string body = TextOf(n, 4);
          try {
            const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
            if (!j.is_discarded()) date_jsonld = JsonLdDate(j);
          } catch (const std::exception&) {
            // A broken JSON-LD block says nothing.
          }
        }
        if (e.tag == GUMBO_TAG_TIME && date_time.empty() && !skip) {
          const std::string_view dt = Attr(e, "datetime");
          if (!dt.empty()) date_time = std::string(dt);
        }
        const bool skip_here = skip || SkippedTag(e.tag) || (e.tag != GUMBO_TAG_BODY && FurnitureElement(e, f));
        if (e.tag == GUMBO_TAG_H1 && h1.empty() && !skip_here) h1 = TextOf(n, opt.max_depth);
        if (!skip_here && e.tag == GUMBO_TAG_P && n->parent) {
          const size_t len = TextLength(n, opt.max_depth);
          auto add = [&](const GumboNode* to, size_t chars) {
            auto [it, fresh] = score.try_emplace(to);
            if (fresh) it->second.seen = score.size();
            it->second.chars += chars;
          };
          add(n->parent, len);
          if (n->parent->parent) add(n->parent->parent, len / 2);
        }
        const GumboVector& ch = e.children;
        for (unsigned i = ch.length; i-- > 0;)
          stack.push_back({static_cast<const GumboNode*>(ch.data[i]), depth + 1, skip_here});
      }
    }
    // Ties go to the element scored first, never to the one that happens to lie lower in memory (which
    // differs with the allocator, and did between two parses of one page: found by fuzz_html).
    const GumboNode* best = nullptr;
    size_t best_score = 0, best_seen = 0;
    for (const auto& [n, sc] : score)
      if (sc.chars > best_score || (sc.chars == best_score && best && sc.seen < best_seen)) {
        best = n;
        best_score = sc.chars;
        best_seen = sc.seen;
      }
    if (best_score < 200) best = nullptr;  // no article body: keep every block that is not furniture

    // Pass 2: blocks of text, in document order.
    struct Frame {
      const GumboNode* node;
      size_t depth;
      bool in_link, in_main, closing;
    };
    std::vector<Frame> stack{{root, 0, false, best == nullptr, false}};
    Block cur;
    auto flush = [&] {
      cur.text = Trimmed(std::move(cur.text));
      if (!cur.text.empty()) blocks.push_back(std::move(cur));
      cur = Block();
    };
    while (!stack.empty()) {
      Frame fr = stack.back();
      stack.pop_back();
      const GumboNode* n = fr.node;
      if (fr.closing) {
        flush();
        continue;
      }
      if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
        if (cur.text.empty() && n->type != GUMBO_NODE_WHITESPACE) {
          cur.source.begin = static_cast<uint32_t>(std::min<size_t>(n->v.text.start_pos.offset, html.size()));
          cur.in_main = fr.in_main;
        }
        const size_t before = cur.text.size();
        AppendCollapsed(n->v.text.text, &cur.text);
        if (fr.in_link) cur.link_chars += cur.text.size() - before;
        cur.source.end = static_cast<uint32_t>(
            std::min<size_t>(n->v.text.start_pos.offset + n->v.text.original_text.length, html.size()));
        continue;
      }
      if (n->type != GUMBO_NODE_ELEMENT || fr.depth > opt.max_depth) continue;
      const GumboElement& e = n->v.element;
      if (SkippedTag(e.tag) || (e.tag != GUMBO_TAG_BODY && e.tag != GUMBO_TAG_HTML && FurnitureElement(e, f))) {
        if (e.tag != GUMBO_TAG_HEAD && e.tag != GUMBO_TAG_TITLE && e.tag != GUMBO_TAG_SCRIPT &&
            e.tag != GUMBO_TAG_STYLE)
          out->removed.push_back(SourceRange(e, html.size()));
        continue;
      }
      if (e.tag == GUMBO_TAG_BR) {
        cur.text.push_back('\n');
        continue;
      }
      const bool block = BlockTag(e.tag);
      if (block) {
        flush();
        cur.tag = e.tag;
        stack.push_back({n, fr.depth, false, false, true});  // flush at the element's end
      }
      const bool in_main = fr.in_main || n == best;
      const bool in_link = fr.in_link || e.tag == GUMBO_TAG_A;
      const GumboVector& ch = e.children;
      for (unsigned i = ch.length; i-- > 0;)
        stack.push_back({static_cast<const GumboNode*>(ch.data[i]), fr.depth + 1, in_link, in_main, false});
      if (block) cur.tag = e.tag;
    }
    flush();
  }
};

bool IsHeading(GumboTag t) { return t >= GUMBO_TAG_H1 && t <= GUMBO_TAG_H6; }

}  // namespace

std::string NormaliseDate(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  auto digits = [&](size_t at, size_t n) {
    if (at + n > s.size()) return false;
    for (size_t i = at; i < at + n; ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  // ISO 8601: 2022-01-07[T...]
  if (digits(0, 4) && s.size() >= 10 && s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2))
    return std::string(s.substr(0, 10));
  // RFC 822 (feeds, HTTP): "Fri, 07 Jan 2022 10:00:00 GMT"; also "7 January 2022".
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  std::string_view r = s;
  if (const size_t comma = r.find(','); comma != std::string_view::npos && comma < 5) r.remove_prefix(comma + 1);
  while (!r.empty() && r.front() == ' ') r.remove_prefix(1);
  size_t i = 0;
  int day = 0;
  while (i < r.size() && r[i] >= '0' && r[i] <= '9' && i < 2) day = day * 10 + (r[i++] - '0');
  if (day < 1 || day > 31 || i >= r.size() || r[i] != ' ') return {};
  ++i;
  int month = 0;
  if (i + 3 <= r.size()) {
    const std::string m = Lower(r.substr(i, 3));
    for (int k = 0; k < 12; ++k)
      if (m == kMonths[k]) month = k + 1;
  }
  if (!month) return {};
  while (i < r.size() && r[i] != ' ') ++i;
  ++i;
  if (i + 4 > r.size() || !std::all_of(r.begin() + static_cast<long>(i), r.begin() + static_cast<long>(i + 4),
                                       [](char c) { return c >= '0' && c <= '9'; }))
    return {};
  char md[16];
  std::snprintf(md, sizeof md, "-%02d-%02d", month % 100, day % 100);
  return std::string(r.substr(i, 4)) + md;
}

std::string CharsetOfContentType(std::string_view ct) {
  const std::string l = Lower(ct);
  size_t at = l.find("charset=");
  if (at == std::string::npos) return {};
  at += 8;
  while (at < l.size() && (l[at] == '"' || l[at] == '\'' || l[at] == ' ')) ++at;
  size_t end = at;
  while (end < l.size() && (std::isalnum(static_cast<unsigned char>(l[end])) || l[end] == '-' || l[end] == '_' ||
                            l[end] == ':' || l[end] == '.'))
    ++end;
  return l.substr(at, end - at);
}

std::string DeclaredCharset(std::string_view html) {
  const std::string head = Lower(html.substr(0, std::min<size_t>(html.size(), 4096)));
  size_t at = 0;
  while ((at = head.find("<meta", at)) != std::string::npos) {
    const size_t end = head.find('>', at);
    const std::string tag = head.substr(at, end == std::string::npos ? std::string::npos : end - at);
    std::string c = CharsetOfContentType(tag);
    if (!c.empty()) return c;
    at += 5;
  }
  return {};
}

// The deepest nesting of elements, estimated in one pass over the tags (void elements and "/>" do not
// nest). gumbo's tree construction is quadratic in the depth, so this runs before it.
size_t NestingDepth(std::string_view html) {
  static const char* kVoid[] = {"br", "img", "meta", "link", "input", "hr", "area", "base", "col", "embed",
                                "source", "track", "wbr", "param", "keygen", "!--", "!doctype"};
  size_t depth = 0, deepest = 0;
  for (size_t i = html.find('<'); i != std::string_view::npos && i + 1 < html.size(); i = html.find('<', i + 1)) {
    if (html[i + 1] == '/') {
      if (depth) --depth;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(html[i + 1])) && html[i + 1] != '!') continue;
    size_t e = i + 1;
    while (e < html.size() && (std::isalnum(static_cast<unsigned char>(html[e])) || html[e] == '!' || html[e] == '-')) ++e;
    const std::string_view name = html.substr(i + 1, e - i - 1);
    bool is_void = false;
    for (const char* v : kVoid) is_void = is_void || EqualsLower(name, v);
    const size_t close = html.find('>', e);
    if (is_void || (close != std::string_view::npos && close > 0 && html[close - 1] == '/')) continue;
    deepest = std::max(deepest, ++depth);
  }
  return deepest;
}

namespace {

// ---- Text runs kept out of the parser ---------------------------------------------------------------------
//
// gumbo reads text one character at a time and hands each to its tree builder as a token of its own, so an
// article page costs it about as much per byte of prose as per byte of markup: two thirds of the time a
// page of news took. Before parsing, each long run of plain text (between markup, character references,
// and the whitespace that starts it) is replaced by a placeholder of nine bytes; after parsing, the text
// nodes get their runs back and every node its offsets in the page, so the tree is the one gumbo would have
// built from the page itself (html_test.cc compares both trees' results on every test page and fuzz_html on
// every input it makes).
//
// The tree is the same because a placeholder is to the tree builder what the run was: characters that are
// not whitespace, after the same leading whitespace (the only distinction any insertion mode draws between
// characters, but in framesets, which are left alone). Nothing is replaced inside tags, comments,
// doctypes, or elements whose text the tokenizer reads raw (script, style, title, textarea, ...), nor in
// runs holding characters the parser changes (ParsedAsIs), nor in a page that is not valid UTF-8. A
// placeholder starts with the private-use character U+E000 (kept as it is by the parser, unlike the C1
// controls, which it replaces), followed by the run's number in six digits: a page that holds U+E000, or a
// character reference to it, is parsed as it is.
constexpr std::string_view kRunMark = "\xEE\x80\x80";
constexpr size_t kRunDigits = 6, kRunPlaceholder = kRunMark.size() + kRunDigits, kRunMin = 24;

struct ShrunkPage {
  std::string html;  // the page as parsed
  struct Run {
    uint32_t shrunk, page, length;  // placeholder at `shrunk` stands for page[page, page + length)
  };
  std::vector<Run> runs;

  // The page offset of an offset in `html` (an offset inside a placeholder goes to its run's end).
  size_t PageOffset(size_t at) const {
    auto it = std::upper_bound(runs.begin(), runs.end(), at, [](size_t v, const Run& r) { return v < r.shrunk; });
    if (it == runs.begin()) return at;
    const Run& r = *(it - 1);
    if (at == r.shrunk) return r.page;
    if (at < r.shrunk + kRunPlaceholder) return r.page + r.length;
    return r.page + r.length + (at - r.shrunk - kRunPlaceholder);
  }
};

bool AsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Whether the parser keeps every character of a run of text as it is. It changes CR (to LF), and puts
// U+FFFD for NUL and for what it calls invalid code points: controls but tab, LF, FF and CR, DEL, the C1
// controls and the noncharacters (U+FDD0-FDEF, U+xFFFE, U+xFFFF).
bool ParsedAsIs(std::string_view run) {
  for (size_t i = 0; i < run.size();) {
    const unsigned char c = static_cast<unsigned char>(run[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') || c == 0x7F) return false;
      ++i;
      continue;
    }
    const char32_t cp = text::NextCodePoint(run, i);
    if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return false;
  }
  return true;
}

size_t FindOr(std::string_view h, char c, size_t from) {
  const void* at = std::memchr(h.data() + from, c, h.size() - from);
  return at ? static_cast<size_t>(static_cast<const char*>(at) - h.data()) : h.size();
}

// Whether the page holds `lower_tag` ("<frameset") in any case.
bool HasTag(std::string_view h, std::string_view lower_tag) {
  for (size_t i = h.find('<'); i != std::string_view::npos; i = h.find('<', i + 1))
    if (h.size() - i >= lower_tag.size() && EqualsLower(h.substr(i, lower_tag.size()), lower_tag)) return true;
  return false;
}

// The end of the tag whose name starts at `i` (past its "<" or "</"), past its '>', following the
// tokenizer's tag name and attribute states (a quoted value may hold '>'; '=' and quotes in a tag name are
// part of the name); npos when the page ends inside it.
size_t TagEnd(std::string_view h, size_t i) {
  enum { kName, kBeforeAttr, kAttr, kAfterAttr, kBeforeValue, kDouble, kSingle, kUnquoted, kAfterQuoted } st = kName;
  for (; i < h.size(); ++i) {
    const char c = h[i];
    switch (st) {
      case kName:
        if (c == '>') return i + 1;
        if (HtmlSpace(c) || c == '/') st = kBeforeAttr;
        break;
      case kBeforeAttr:
        if (c == '>') return i + 1;
        if (!HtmlSpace(c) && c != '/') st = kAttr;
        break;
      case kAttr:
        if (HtmlSpace(c)) st = kAfterAttr;
        else if (c == '/') st = kBeforeAttr;
        else if (c == '=') st = kBeforeValue;
        else if (c == '>') return i + 1;
        break;
      case kAfterAttr:
        if (c == '>') return i + 1;
        if (c == '/') st = kBeforeAttr;
        else if (c == '=') st = kBeforeValue;
        else if (!HtmlSpace(c)) st = kAttr;
        break;
      case kBeforeValue:
        if (c == '>') return i + 1;
        if (c == '"') st = kDouble;
        else if (c == '\'') st = kSingle;
        else if (!HtmlSpace(c)) st = kUnquoted;
        break;
      case kDouble:
        if (c == '"') st = kAfterQuoted;
        break;
      case kSingle:
        if (c == '\'') st = kAfterQuoted;
        break;
      case kUnquoted:
        if (HtmlSpace(c)) st = kBeforeAttr;
        else if (c == '>') return i + 1;
        break;
      case kAfterQuoted:
        if (c == '>') return i + 1;
        st = (HtmlSpace(c) || c == '/') ? kBeforeAttr : kAttr;
        break;
    }
  }
  return std::string_view::npos;
}

// Fills `out` and returns true when some run was worth replacing; false: parse the page as it is.
bool ShrinkTextRuns(std::string_view h, ShrunkPage* out) {
  if (h.size() < 2 * kRunMin || h.size() >= (1u << 31) || h.find(kRunMark) != std::string_view::npos ||
      h.substr(0, 3) == "\xEF\xBB\xBF" || h.find("<![CDATA[") != std::string_view::npos ||
      HasTag(h, "<frameset") || !simdjson::validate_utf8(h.data(), h.size()))
    return false;
  out->html.clear();
  out->html.reserve(h.size() / 2);
  out->runs.clear();
  size_t copied = 0;  // h[0, copied) is in out->html
  auto replace = [&](size_t b, size_t e) {
    out->html.append(h.data() + copied, b - copied);
    const size_t n = out->runs.size();
    out->runs.push_back({static_cast<uint32_t>(out->html.size()), static_cast<uint32_t>(b), static_cast<uint32_t>(e - b)});
    char digits[kRunDigits];
    size_t v = n;
    for (size_t k = kRunDigits; k-- > 0; v /= 10) digits[k] = static_cast<char>('0' + v % 10);
    out->html.append(kRunMark).append(digits, kRunDigits);
    copied = e;
  };
  // The next '<' and '&' at or after i (h.size() when none), each found with memchr and kept until passed.
  size_t next_lt = FindOr(h, '<', 0), next_amp = FindOr(h, '&', 0), i = 0;
  while (i < h.size()) {
    // Text up to the next markup or character reference.
    if (next_lt < i) next_lt = FindOr(h, '<', i);
    if (next_amp < i) next_amp = FindOr(h, '&', i);
    const size_t e = std::min(next_lt, next_amp);
    size_t b = i;
    while (b < e && HtmlSpace(h[b])) ++b;
    if (e - b >= kRunMin && ParsedAsIs(h.substr(b, e - b))) {
      if (out->runs.size() == 999999) break;
      replace(b, e);
    }
    if (e >= h.size()) break;
    if (h[e] == '&') {  // a character reference reads letters, digits, '#' and ';' at most
      i = e + 1;
      if (i < h.size() && h[i] == '#') {  // a numeric one might name the placeholders' mark
        const bool hex = i + 1 < h.size() && (h[i + 1] == 'x' || h[i + 1] == 'X');
        uint64_t v = 0;
        size_t digits = 0;
        for (size_t k = i + (hex ? 2 : 1); k < h.size() && std::isxdigit(static_cast<unsigned char>(h[k])); ++k) {
          const int d = std::isdigit(static_cast<unsigned char>(h[k])) ? h[k] - '0' : (h[k] | 0x20) - 'a' + 10;
          if (!hex && d > 9) break;
          v = std::min<uint64_t>(v * (hex ? 16 : 10) + static_cast<uint64_t>(d), 1u << 30);
          ++digits;
        }
        // Past the code points, gumbo's reading of the number overflows, and what it then takes of the text
        // after the reference depends on the wrapped value (fuzz_html): such a page is parsed as it is.
        if (v == 0xE000 || digits > (hex ? 6u : 7u)) return false;
      }
      while (i < h.size() && (std::isalnum(static_cast<unsigned char>(h[i])) || h[i] == '#' || h[i] == ';')) ++i;
      continue;
    }
    // h[e] == '<'
    const char next = e + 1 < h.size() ? h[e + 1] : '\0';
    if (AsciiAlpha(next) || (next == '/' && e + 2 < h.size() && AsciiAlpha(h[e + 2]))) {
      const bool end_tag = next == '/';
      size_t n = e + (end_tag ? 2 : 1);
      const size_t name_begin = n;
      while (n < h.size() && !HtmlSpace(h[n]) && h[n] != '/' && h[n] != '>') ++n;
      const std::string_view name = h.substr(name_begin, n - name_begin);
      const size_t tag_end = TagEnd(h, name_begin);
      if (tag_end == std::string_view::npos) break;  // the page ends inside a tag
      i = tag_end;
      if (end_tag) continue;
      if (EqualsLower(name, "plaintext")) break;
      for (const char* raw : {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript"}) {
        if (!EqualsLower(name, raw)) continue;
        // Left as it is up to its end tag ("</name" then whitespace, '/' or '>'); a script that opens a
        // comment may hide its end tag from a simple search, so such a page is parsed as it is.
        const size_t len = std::strlen(raw);
        size_t close = i;
        for (;; ++close) {
          close = h.find("</", close);
          if (close == std::string_view::npos) break;
          if (close + 2 + len <= h.size() && EqualsLower(h.substr(close + 2, len), raw) &&
              (close + 2 + len == h.size() || HtmlSpace(h[close + 2 + len]) || h[close + 2 + len] == '/' ||
               h[close + 2 + len] == '>'))
            break;
        }
        const size_t stop = close == std::string_view::npos ? h.size() : close;
        if (len == 6 && EqualsLower(name, "script") && h.substr(i, stop - i).find("<!--") != std::string_view::npos)
          return false;
        i = stop;
        break;
      }
      continue;
    }
    if (next == '!' && h.substr(e, 4) == "<!--") {
      // A comment ends at "-->" or "--!>"; "<!-->" and "<!--->" end at once.
      if (h.substr(e + 4, 1) == ">") {
        i = e + 5;
      } else if (h.substr(e + 4, 2) == "->") {
        i = e + 6;
      } else {
        const size_t a = h.find("-->", e + 4), z = h.find("--!>", e + 4);
        const size_t end = std::min(a == std::string_view::npos ? a : a + 3, z == std::string_view::npos ? z : z + 4);
        if (end == std::string_view::npos) break;
        i = end;
      }
      continue;
    }
    if (next == '!' || next == '?' || next == '/') {  // doctype, bogus comment, "</>" : up to the next '>'
      const size_t gt = h.find('>', e + 1);
      if (gt == std::string_view::npos) break;
      i = gt + 1;
      continue;
    }
    i = e + 1;  // a '<' that starts nothing is text
  }
  if (out->runs.empty()) return false;
  out->html.append(h.data() + copied, h.size() - copied);
  return true;
}

// Gives a tree parsed from a ShrunkPage the page's own texts and offsets. The replaced text pointers are
// put back by Undo before gumbo frees the tree.
class RunRestorer {
 public:
  RunRestorer(std::string_view page, const ShrunkPage& shrunk) : page_(page), shrunk_(shrunk) {}
  ~RunRestorer() { Undo(); }

  void Restore(GumboNode* root) {
    std::vector<GumboNode*> stack{root};
    while (!stack.empty()) {
      GumboNode* n = stack.back();
      stack.pop_back();
      if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
        GumboElement& e = n->v.element;
        e.start_pos.offset = static_cast<unsigned>(shrunk_.PageOffset(e.start_pos.offset));
        e.end_pos.offset = static_cast<unsigned>(shrunk_.PageOffset(e.end_pos.offset));
        for (unsigned i = 0; i < e.children.length; ++i) stack.push_back(static_cast<GumboNode*>(e.children.data[i]));
        continue;
      }
      if (n->type != GUMBO_NODE_TEXT && n->type != GUMBO_NODE_WHITESPACE && n->type != GUMBO_NODE_CDATA &&
          n->type != GUMBO_NODE_COMMENT)
        continue;
      GumboText& t = n->v.text;
      const size_t begin = shrunk_.PageOffset(t.start_pos.offset);
      const size_t end = shrunk_.PageOffset(t.start_pos.offset + t.original_text.length);
      t.start_pos.offset = static_cast<unsigned>(begin);
      t.original_text.data = page_.data() + begin;
      t.original_text.length = end - begin;
      const std::string_view text(t.text);
      size_t at = text.find(kRunMark);
      if (at == std::string_view::npos) continue;
      std::string& full = texts_.emplace_back();
      size_t from = 0;
      for (; at != std::string_view::npos; at = text.find(kRunMark, from)) {
        size_t index = 0;
        for (size_t k = 0; k < kRunDigits; ++k)
          index = index * 10 + static_cast<size_t>(text[at + kRunMark.size() + k] - '0');
        const ShrunkPage::Run& r = shrunk_.runs[index];
        full.append(text.data() + from, at - from).append(page_.data() + r.page, r.length);
        from = at + kRunPlaceholder;
      }
      full.append(text.data() + from, text.size() - from);
      replaced_.push_back({&t, t.text});
      t.text = full.c_str();
    }
  }

  void Undo() {
    for (auto& [t, original] : replaced_) t->text = original;
    replaced_.clear();
  }

 private:
  std::string_view page_;
  const ShrunkPage& shrunk_;
  std::deque<std::string> texts_;  // the restored texts (a deque: c_str() pointers stay put)
  std::vector<std::pair<GumboText*, const char*>> replaced_;
};

}  // namespace

Status ExtractHtml(std::string_view html, const text::Furniture& furniture, HtmlText* out, const HtmlOptions& options) {
  *out = HtmlText();
  if (const size_t depth = NestingDepth(html); depth > options.max_parse_depth)
    return Status::TooLarge("HTML nested about " + std::to_string(depth) + " elements deep, over the limit of " +
                            std::to_string(options.max_parse_depth) + ": skipped");
  GumboOptions go = kGumboDefaultOptions;
  go.max_errors = 0;  // parse errors are not ours to report: record none (recording them costs time)
  ShrunkPage shrunk;
  const bool shrink = options.shrink_text_runs && ShrinkTextRuns(html, &shrunk);
  const std::string_view parsed_text = shrink ? std::string_view(shrunk.html) : html;
  GumboOutput* parsed = gumbo_parse_with_options(&go, parsed_text.data(), parsed_text.size());
  if (!parsed) return Status::InvalidArgument("the HTML parser gave up on this page");
  Walker w{html, furniture, options, out, {}, {}, {}, {}, {}, {}, {}, {}};
  {
    RunRestorer restorer(html, shrunk);
    if (shrink) restorer.Restore(parsed->root);
    w.Run(parsed->root);
  }  // the restorer puts gumbo's own texts back before gumbo frees them
  gumbo_destroy_output(&go, parsed);

  out->title = !w.og_title.empty() ? w.og_title : !w.title_tag.empty() ? w.title_tag : w.h1;
  for (const std::string* d : {&w.date_meta, &w.date_jsonld, &w.date_time}) {
    out->published = NormaliseDate(*d);
    if (!out->published.empty()) break;
  }
  // The article's blocks: those inside the best-scoring element (or all), without link lists ("related
  // articles", menus left over) and with the headline first.
  std::vector<const Block*> kept;
  std::string headline = !w.h1.empty() ? w.h1 : !w.og_title.empty() ? w.og_title : w.title_tag;
  bool headline_seen = false;
  for (const Block& b : w.blocks) {
    const bool link_list = b.link_chars * 2 > b.text.size() && b.text.size() < 300;
    if (!b.in_main || link_list) {
      if (!headline.empty() && b.text == headline && IsHeading(b.tag) && !headline_seen) {
        kept.push_back(&b);
        headline_seen = true;
        continue;
      }
      if (b.source.end > b.source.begin) out->removed.push_back(b.source);
      continue;
    }
    if (b.text == headline) headline_seen = true;
    kept.push_back(&b);
  }
  std::string text;
  std::vector<std::pair<uint32_t, const Block*>> at;  // offset in `text` of each kept block
  if (!headline_seen && !headline.empty()) text = headline + "\n\n";
  for (const Block* b : kept) {
    if (!text.empty()) text += "\n\n";
    at.push_back({static_cast<uint32_t>(text.size()), b});
    text += b->text;
  }
  // Page furniture in the text itself ("Donate via Paypal", "Leave a Reply"): the blocks it stands in
  // are removed too.
  const std::vector<Span> gone = text::FindFurniture(text, furniture);
  for (const Span& g : gone) {
    auto it = std::upper_bound(at.begin(), at.end(), g.begin,
                               [](uint32_t v, const std::pair<uint32_t, const Block*>& p) { return v < p.first; });
    if (it != at.begin() && (it - 1)->second->source.end > (it - 1)->second->source.begin)
      out->removed.push_back((it - 1)->second->source);
  }
  // gumbo decodes an out-of-range character reference ("&#x27BBBBBBBB;") to invalid UTF-8 (found by
  // fuzz_html): repair what it produced.
  text::RepairUtf8(text::RemoveRanges(text, gone), &out->text);
  while (!out->text.empty() && (out->text.back() == '\n' || out->text.back() == ' ')) out->text.pop_back();
  std::string title;
  text::RepairUtf8(out->title, &title);
  out->title = std::move(title);
  std::sort(out->removed.begin(), out->removed.end(),
            [](const Span& a, const Span& b) { return a.begin != b.begin ? a.begin < b.begin : a.end > b.end; });
  // Keep the outermost ranges only.
  std::vector<Span> outer;
  for (const Span& r : out->removed)
    if (outer.empty() || r.begin >= outer.back().end) outer.push_back(r);
  out->removed.swap(outer);
  return Status::Ok();
}

}  // namespace tocsin::ingest
