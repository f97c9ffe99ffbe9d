// The text components: clean → language → segment.
#include <algorithm>

#include "pipeline/registry.h"
#include "pipeline/scratch.h"
#include "text/langid.h"
#include "text/normalize.h"
#include "text/segment.h"
#include "text/utf8.h"

namespace tocsin {
namespace {

std::string MegaBytes(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

class CleanComponent final : public Component {
 public:
  std::string_view name() const override { return "clean"; }
  std::vector<std::string_view> needs() const override { return {}; }
  std::vector<std::string_view> provides() const override { return {"text"}; }
  Status Process(Doc& doc, Scratch& s) const override {
    const std::string& raw = doc.input.text;
    if (raw.size() > s.options->max_document_bytes)
      return Status::TooLarge("document is " + MegaBytes(raw.size()) + ", over the limit of " +
                              MegaBytes(s.options->max_document_bytes) +
                              " (raise it with --max-doc-mb, or split the document)");
    if (text::LooksBinary(raw))
      return Status::InvalidArgument("binary data, not text (NUL bytes or mostly invalid UTF-8): skipped");
    std::string repaired;
    const size_t bad = text::RepairUtf8(raw, &repaired);
    if (bad)
      doc.errors.push_back("repaired " + std::to_string(bad) + " invalid UTF-8 sequence(s) (replaced by U+FFFD)");
    text::CleanText(repaired, &doc.text);
    if (doc.text.empty()) return Status::InvalidArgument("empty document: no text to code");
    s.published = doc.input.published.substr(0, 10);
    return Status::Ok();
  }
};

using text::NormaliseLangTag;

// Paragraphs shorter than this are not judged on their own (headlines, bylines, "Photo: AFP").
constexpr size_t kMinParagraphBytes = 160;
// A paragraph is set apart only when the detector is this sure of it.
constexpr double kParagraphConfidence = 0.8;
// The whole document's guess must be at least this sure to skip looking at paragraphs.
constexpr double kSingleLanguageConfidence = 0.95;

class LanguageComponent final : public Component {
 public:
  std::string_view name() const override { return "language"; }
  std::vector<std::string_view> needs() const override { return {"text"}; }
  std::vector<std::string_view> provides() const override { return {"lang"}; }
  Status Process(Doc& doc, Scratch& s) const override {
    const fasttext::FastText* ft = s.model->lid.get();
    if (!doc.input.lang.empty()) {
      doc.lang = NormaliseLangTag(doc.input.lang);
      doc.lang_confidence = 1.0;
      doc.lang_basis = "input";
    } else {
      const text::LangGuess g = text::IdentifyLanguage(ft, doc.text);
      if (g.lang.empty()) {
        doc.lang = s.options->default_lang;
        doc.lang_confidence = 0;
        doc.lang_basis = "default";
      } else {
        doc.lang = g.lang;
        doc.lang_confidence = g.confidence;
        doc.lang_basis = "detected";
        doc.lang_detector = g.detector;
      }
      // A document that is not clearly one language may mix them: judge its paragraphs one by one.
      if (doc.lang_confidence < kSingleLanguageConfidence) Paragraphs(doc, ft);
    }
    s.lang = s.model->Lang(doc.lang);
    std::vector<std::string> missing;
    if (!s.lang) missing.push_back(doc.lang);
    for (const LangSpan& ls : doc.lang_spans)
      if (!s.model->Lang(ls.lang) && std::find(missing.begin(), missing.end(), ls.lang) == missing.end())
        missing.push_back(ls.lang);
    for (const std::string& m : missing) {
      std::string have;
      for (const auto& l : s.model->langs) have += (have.empty() ? "" : ", ") + l.iso;
      doc.notes.push_back("no lexicons for language `" + m + "` (this model has: " + have + "): " +
                          (m == doc.lang ? "the document" : "its paragraphs in that language") +
                          " are segmented but no events are coded");
    }
    return Status::Ok();
  }

 private:
  // Records runs of paragraphs whose language differs from the document's in doc.lang_spans.
  static void Paragraphs(Doc& doc, const fasttext::FastText* ft) {
    const std::string_view text = doc.text;
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find("\n\n", begin);
      if (end == std::string_view::npos) end = text.size();
      if (end - begin >= kMinParagraphBytes) {
        const text::LangGuess g = text::IdentifyLanguage(ft, text.substr(begin, end - begin), 2048);
        if (!g.lang.empty() && g.lang != doc.lang && g.confidence >= kParagraphConfidence) {
          const Span sp{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
          // Adjacent paragraphs in the same language are one span.
          if (!doc.lang_spans.empty() && doc.lang_spans.back().lang == g.lang &&
              text.substr(doc.lang_spans.back().span.end, begin - doc.lang_spans.back().span.end) == "\n\n") {
            doc.lang_spans.back().span.end = sp.end;
            doc.lang_spans.back().confidence = std::min(doc.lang_spans.back().confidence, g.confidence);
          } else {
            doc.lang_spans.push_back({sp, g.lang, g.confidence});
          }
        }
      }
      begin = end + 2;
    }
  }
};

class SegmentComponent final : public Component {
 public:
  std::string_view name() const override { return "segment"; }
  std::vector<std::string_view> needs() const override { return {"text", "lang"}; }
  std::vector<std::string_view> provides() const override { return {"sentences", "tokens"}; }
  Status Process(Doc& doc, Scratch& s) const override {
    doc.folded.reserve(doc.text.size());
    s.sentence_lang.clear();
    // The document in runs of one language: its own, and the paragraphs recorded in lang_spans. Each run
    // is cut with its language's segmenter (abbreviations, elision) and coded with its lexicons.
    uint32_t at = 0;
    for (const LangSpan& ls : doc.lang_spans) {
      TOCSIN_RETURN_IF_ERROR(Run(doc, s, {at, ls.span.begin}, doc.lang));
      TOCSIN_RETURN_IF_ERROR(Run(doc, s, ls.span, ls.lang));
      at = ls.span.end;
    }
    return Run(doc, s, {at, static_cast<uint32_t>(doc.text.size())}, doc.lang);
  }

 private:
  static Status Run(Doc& doc, Scratch& s, Span range, const std::string& lang) {
    if (range.end <= range.begin) return Status::Ok();
    const internal::LangData* data = s.model->Lang(lang);
    auto& seg = s.segmenters[lang];
    if (!seg) {
      text::Segmenter::Options so;
      if (data) {
        so.abbreviations = data->abbreviations;
        so.elision = data->grammar.elision;
        so.apostrophe_split = data->grammar.apostrophe_split;
      }
      auto made = text::Segmenter::Create(lang, so);
      if (!made.ok()) return made.status();
      seg = std::move(made).value();
    }
    seg->Segment(&doc, s.options->max_sentence_tokens, range);
    s.sentence_lang.resize(doc.sentences.size(), data);
    return Status::Ok();
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Component> MakeCleanComponent() { return std::make_unique<CleanComponent>(); }
std::unique_ptr<Component> MakeLanguageComponent() { return std::make_unique<LanguageComponent>(); }
std::unique_ptr<Component> MakeSegmentComponent() { return std::make_unique<SegmentComponent>(); }
}  // namespace internal

}  // namespace tocsin
