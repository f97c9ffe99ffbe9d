// Fuzz target: any bytes as a web page. Invariants: no crash, no sanitizer report, no endless loop; the
// extracted text is valid UTF-8 when the page was, and removed ranges lie inside the page; keeping long
// text runs out of the parser (HtmlOptions::shrink_text_runs) changes nothing of the result.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ingest/html.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const tocsin::text::Furniture furniture = [] {
    tocsin::text::Furniture f;
    f.phrases = {"donate", "leave a reply"};
    f.lines = {"share", "[source]"};
    f.classes = {"share", "comments", "nav"};
    f.Index();
    return f;
  }();
  std::string page;
  tocsin::text::RepairUtf8(std::string_view(reinterpret_cast<const char*>(data), size), &page);
  tocsin::ingest::HtmlText out;
  if (!tocsin::ingest::ExtractHtml(page, furniture, &out).ok()) return 0;
  for (const tocsin::Span& r : out.removed)
    if (r.begin > r.end || r.end > page.size()) std::abort();
  std::string again;
  if (tocsin::text::RepairUtf8(out.text, &again) != 0) std::abort();  // text made of valid pieces stays valid
  (void)tocsin::ingest::NormaliseDate(out.published);
  tocsin::ingest::HtmlOptions as_is;
  as_is.shrink_text_runs = false;
  tocsin::ingest::HtmlText reference;
  if (!tocsin::ingest::ExtractHtml(page, furniture, &reference, as_is).ok()) std::abort();
  if (reference.text != out.text || reference.title != out.title || reference.published != out.published ||
      reference.lang != out.lang || reference.removed.size() != out.removed.size() ||
      reference.depth_cut != out.depth_cut)
    std::abort();
  for (size_t i = 0; i < out.removed.size(); ++i)
    if (out.removed[i].begin != reference.removed[i].begin || out.removed[i].end != reference.removed[i].end)
      std::abort();
  return 0;
}
