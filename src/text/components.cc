// The text components: clean → language → segment.
#include <algorithm>
#include <map>

#include "pipeline/registry.h"
#include "pipeline/scratch.h"
#include "ingest/html.h"
#include "text/charset.h"
#include "text/furniture.h"
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
    const bool html = doc.input.format == "html";
    // Character set: as declared (HTTP header, feed, <meta>), else UTF-8, else detected (a Windows-1251 page
    // saved without a charset is not binary). The repair pass doubles as the UTF-8 check, so text that is
    // UTF-8, nearly all of it, is read once.
    std::string charset = doc.input.charset;
    if (charset.empty() && html) charset = ingest::DeclaredCharset(raw);
    const bool declared = !text::IsUtf8Name(charset);
    std::string converted;
    const std::string* bytes = &raw;
    if (declared && text::ConvertToUtf8(raw, charset, &converted).ok()) {
      bytes = &converted;
      doc.notes.push_back("converted from " + charset + " to UTF-8; offsets are in the converted text");
    }
    std::string repaired;
    size_t bad = text::RepairUtf8(*bytes, &repaired);
    if (bad && !declared && raw.find('\0') == std::string::npos && text::LooksLegacy(raw)) {
      const std::string from = text::DetectLegacyCharset(raw);
      if (!from.empty() && text::ConvertToUtf8(raw, from, &converted).ok()) {
        bytes = &converted;
        bad = text::RepairUtf8(converted, &repaired);
        doc.notes.push_back("converted from " + from + " (detected) to UTF-8; offsets are in the converted text");
      }
    }
    if (text::LooksBinary(*bytes))
      return Status::InvalidArgument("binary data, not text (NUL bytes or mostly invalid UTF-8): skipped");
    if (bad)
      doc.errors.push_back("repaired " + std::to_string(bad) + " invalid UTF-8 sequence(s) (replaced by U+FFFD)");
    // The report without its page furniture (data/text/furniture.tsv); `removed` says what went.
    if (html) {
      ingest::HtmlText page;
      TOCSIN_RETURN_IF_ERROR(ingest::ExtractHtml(repaired, s.model->furniture, &page));
      if (doc.input.title.empty()) doc.input.title = page.title;
      if (doc.input.published.empty()) doc.input.published = page.published;
      if (page.depth_cut)
        doc.errors.push_back(std::to_string(page.depth_cut) + " HTML element(s) nested deeper than 512 levels skipped");
      doc.removed = std::move(page.removed);
      repaired = std::move(page.text);
      // A crawled page that states no date: the capture date anchors "on Tuesday" instead.
      if (doc.input.published.empty() && !doc.input.fetched.empty()) {
        doc.input.published = doc.input.fetched;
        doc.notes.push_back("the page gives no publication date: the capture date " + doc.input.fetched + " is used");
      }
    } else if (s.options->remove_furniture) {
      doc.removed = text::FindFurniture(repaired, s.model->furniture);
      if (!doc.removed.empty()) repaired = text::RemoveRanges(repaired, doc.removed);
    }
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
constexpr double kParagraphConfidence = 0.9;
// fastText costs about 75 µs per KB (benchmarks: language stage), so the document is judged on its first
// 512 bytes and each paragraph first on its opening words; only a paragraph that looks different is read
// further to confirm.
constexpr size_t kDocumentSample = 512, kParagraphGlance = 160, kParagraphSample = 1024;

class LanguageComponent final : public Component {
 public:
  std::string_view name() const override { return "language"; }
  std::vector<std::string_view> needs() const override { return {"text"}; }
  std::vector<std::string_view> provides() const override { return {"lang"}; }
  Status Process(Doc& doc, Scratch& s) const override {
    const fasttext::FastText* ft = doc.input.lang.empty() ? s.model->Lid() : nullptr;
    if (!doc.input.lang.empty()) {
      doc.lang = NormaliseLangTag(doc.input.lang);
      doc.lang_confidence = 1.0;
      doc.lang_basis = "input";
    } else {
      const text::LangGuess g = DocumentLanguage(doc.text, ft, *s.model);
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
      // A quoted statement or a bilingual report changes language between paragraphs: judge each.
      Paragraphs(doc, s, ft);
    }
    s.lang = s.model->Lang(doc.lang);
    // A language the model has but cannot read (a damaged block) is an error, not a missing language.
    TOCSIN_RETURN_IF_ERROR(s.model->LangError(doc.lang));
    for (const LangSpan& ls : doc.lang_spans) TOCSIN_RETURN_IF_ERROR(s.model->LangError(ls.lang));
    std::vector<std::string> missing;
    if (!s.lang) missing.push_back(doc.lang);
    for (const LangSpan& ls : doc.lang_spans)
      if (!s.model->Lang(ls.lang) && std::find(missing.begin(), missing.end(), ls.lang) == missing.end())
        missing.push_back(ls.lang);
    for (const std::string& m : missing) {
      std::string have;
      for (const auto& l : s.model->langs) have += (have.empty() ? "" : ", ") + l.iso;
      doc.notes.push_back("no lexicons for language `" + m + "` (this model has: " + have + "): " +
                          (m == doc.lang ? "the document is" : "its paragraphs in that language are") +
                          " segmented but no events are coded");
    }
    return Status::Ok();
  }

 private:
  // The document's language from three samples (start, middle, end), so that an opening quotation in
  // another language does not decide for the whole text. A later sample that plainly reads as the first
  // one's language (ReadsAs: its stopwords) agrees without asking fastText, which is most of the cost of
  // this stage on long articles.
  static text::LangGuess DocumentLanguage(std::string_view text, const fasttext::FastText* ft,
                                          const internal::ModelData& model) {
    if (text.size() <= 3 * kDocumentSample) return text::IdentifyLanguage(ft, text, 3 * kDocumentSample);
    std::map<std::string, double> votes;
    text::LangGuess best, first;
    const internal::LangData* first_data = nullptr;
    for (size_t at : {size_t{0}, text.size() / 2, text.size() - kDocumentSample}) {
      while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
      // (IdentifyLanguage cuts its sample at a character boundary; the stopword glance needs none.)
      const std::string_view rest = text.substr(at);
      text::LangGuess g;
      if (at == 0) {
        g = first = text::IdentifyLanguage(ft, rest, kDocumentSample);
        if (!first.lang.empty()) first_data = model.Lang(first.lang);
      } else if (first_data && ReadsAs(first_data, rest.substr(0, kDocumentSample))) {
        g = first;
      } else {
        g = text::IdentifyLanguage(ft, rest, kDocumentSample);
      }
      if (g.lang.empty()) continue;
      const double v = (votes[g.lang] += g.confidence);
      if (v > best.confidence) best = {g.lang, v, g.detector};
    }
    best.confidence /= 3;
    return best;
  }

  // True when most letters of the text are ASCII: a Latin-script paragraph cannot be Persian or Russian
  // however sure a detector is of three words.
  static bool MostlyAscii(std::string_view text) {
    size_t ascii = 0, other = 0;
    for (unsigned char c : text) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        ++ascii;
      else if (c >= 0xC0)  // the lead byte of a non-ASCII character
        ++other;
    }
    return ascii >= other;
  }

  // True when the paragraph's opening words are plainly in the language of `own`: at least one in seven is
  // one of its stopwords (prose runs at one in three or more; a paragraph in another language at almost
  // none). A hash lookup per word, against ~12 µs for a fastText glance.
  static bool ReadsAs(const internal::LangData* own, std::string_view para) {
    if (!own || own->stopword_set.empty()) return false;
    constexpr int kMaxWords = 60;
    // Once this many of the (at most kMaxWords) words are stopwords the answer is yes whatever follows:
    // prose gets there within 30 words.
    constexpr int kSure = (kMaxWords + 6) / 7;
    int words = 0, hits = 0;
    char w[32];  // a longer word is no stopword
    size_t len = 0;
    for (size_t i = 0; i <= para.size() && words < kMaxWords; ++i) {
      const unsigned char c = i < para.size() ? static_cast<unsigned char>(para[i]) : ' ';
      // Words are split at ASCII spaces and punctuation; only ASCII capitals are folded (stopwords are
      // mostly written in lower case, and this is a glance, not the tokenizer).
      if (c == ' ' || c == '\n' || c == ',' || c == '.' || c == ';' || c == ':' || c == '"' || c == '(' ||
          c == ')' || c == '!' || c == '?') {
        if (len > 0) {
          ++words;
          hits += len <= sizeof w && own->stopword_set.count(std::string_view(w, len)) > 0;
          if (hits >= kSure && words >= 12) return true;
          len = 0;
        }
      } else {
        if (len < sizeof w) w[len] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
        ++len;
      }
    }
    return words >= 12 && hits * 7 >= words;
  }

  // Records runs of paragraphs whose language differs from the document's in doc.lang_spans.
  static void Paragraphs(Doc& doc, const Scratch& s, const fasttext::FastText* ft) {
    const std::string_view text = doc.text;
    const internal::LangData* own = s.model->Lang(doc.lang);
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find("\n\n", begin);
      if (end == std::string_view::npos) end = text.size();
      if (end - begin >= kMinParagraphBytes && !ReadsAs(own, text.substr(begin, end - begin))) {
        const std::string_view para = text.substr(begin, end - begin);
        text::LangGuess g = text::IdentifyLanguage(ft, para, kParagraphGlance);
        if (!g.lang.empty() && g.lang != doc.lang) g = text::IdentifyLanguage(ft, para, kParagraphSample);
        const internal::LangData* data = g.lang.empty() ? nullptr : s.model->Lang(g.lang);
        const bool script_fits = !data || (data->script == "Latn") == MostlyAscii(para);
        if (!g.lang.empty() && g.lang != doc.lang && g.confidence >= kParagraphConfidence && script_fits) {
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
