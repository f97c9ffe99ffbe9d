#include "ingest/html.h"

#include <gumbo.h>

#include <algorithm>
#include <cstring>
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

// Appends text with HTML whitespace collapsed to single spaces (runs of other bytes are copied whole).
void AppendCollapsed(std::string_view s, std::string* out) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; };
  size_t i = 0;
  while (i < s.size()) {
    if (space(s[i])) {
      if (!out->empty() && out->back() != ' ' && out->back() != '\n') out->push_back(' ');
      while (i < s.size() && space(s[i])) ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !space(s[j])) ++j;
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
  std::unordered_map<const GumboNode*, size_t> score;

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
          score[n->parent] += len;
          if (n->parent->parent) score[n->parent->parent] += len / 2;
        }
        const GumboVector& ch = e.children;
        for (unsigned i = ch.length; i-- > 0;)
          stack.push_back({static_cast<const GumboNode*>(ch.data[i]), depth + 1, skip_here});
      }
    }
    const GumboNode* best = nullptr;
    size_t best_score = 0;
    for (const auto& [n, sc] : score)
      if (sc > best_score || (sc == best_score && best && n < best)) {
        best = n;
        best_score = sc;
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

Status ExtractHtml(std::string_view html, const text::Furniture& furniture, HtmlText* out, const HtmlOptions& options) {
  *out = HtmlText();
  if (const size_t depth = NestingDepth(html); depth > options.max_parse_depth)
    return Status::TooLarge("HTML nested about " + std::to_string(depth) + " elements deep, over the limit of " +
                            std::to_string(options.max_parse_depth) + ": skipped");
  GumboOptions go = kGumboDefaultOptions;
  go.max_errors = 0;  // parse errors are not ours to report: record none (recording them costs time)
  GumboOutput* parsed = gumbo_parse_with_options(&go, html.data(), html.size());
  if (!parsed) return Status::InvalidArgument("the HTML parser gave up on this page");
  Walker w{html, furniture, options, out, {}, {}, {}, {}, {}, {}, {}, {}};
  w.Run(parsed->root);
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
