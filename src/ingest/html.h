// The report inside a web page: headline and article paragraphs, without the page furniture (navigation,
// share bars, donation and subscription appeals, comment forms, related-article lists, ads), with the
// title, publication date and language the page declares. Parsing is gumbo's (HTML5, never fails on bad
// markup); the walk over the tree is iterative, so deep nesting costs no stack.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "text/furniture.h"
#include "tocsin/document.h"
#include "tocsin/status.h"

namespace tocsin::ingest {

struct HtmlText {
  std::string text;       // headline and paragraphs, one blank line between blocks
  std::string title;      // og:title, <title> or the first h1
  std::string published;  // ISO date from article:published_time, JSON-LD datePublished, <time datetime>...
  std::string lang;       // <html lang>
  std::vector<Span> removed;  // byte ranges of the HTML left out as furniture (containers and blocks)
  size_t depth_cut = 0;       // elements below the depth limit that were skipped
};

struct HtmlOptions {
  size_t max_depth = 512;         // elements nested deeper are skipped (and counted in depth_cut)
  size_t max_parse_depth = 5000;  // pages nested deeper are refused before parsing (parsing is quadratic)
  // Long runs of plain text are kept out of the parser and put back into its tree (html.cc: the same
  // result; gumbo's time on news pages falls about sevenfold); false parses the page as it is, which the
  // tests and fuzz_html compare with.
  bool shrink_text_runs = true;
};

// `html` must be UTF-8 (see CharsetOf and text::ConvertToUtf8).
Status ExtractHtml(std::string_view html, const text::Furniture& furniture, HtmlText* out, const HtmlOptions& options = {});

// The charset an HTML page declares in its first 4 KiB (<meta charset>, http-equiv Content-Type), lower
// case, or empty.
std::string DeclaredCharset(std::string_view html);

// The charset of an HTTP Content-Type header value ("text/html; charset=windows-1251"), or empty.
std::string CharsetOfContentType(std::string_view content_type);

// "2022-01-07T10:00:00Z", "Fri, 07 Jan 2022 10:00:00 GMT", "07 Jan 2022" → "2022-01-07"; empty when not a date.
std::string NormaliseDate(std::string_view s);

}  // namespace tocsin::ingest
