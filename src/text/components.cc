// The text components: clean → language → segment.
#include <cstdio>  // cld2 uses FILE without including it

#include <cld2/public/compact_lang_det.h>

#include <algorithm>

#include "pipeline/registry.h"
#include "pipeline/scratch.h"
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

std::string NormaliseLangTag(std::string tag) {
  std::transform(tag.begin(), tag.end(), tag.begin(), [](unsigned char c) { return std::tolower(c); });
  if (auto dash = tag.find_first_of("-_"); dash != std::string::npos) tag.resize(dash);
  // Norwegian Bokmål and Nynorsk share the Norwegian lexicons; three-letter codes map to two.
  static const std::pair<const char*, const char*> kAlias[] = {
      {"no", "nb"},  {"nn", "nb"},  {"nob", "nb"}, {"nno", "nb"}, {"nor", "nb"}, {"eng", "en"},
      {"fra", "fr"}, {"fre", "fr"}, {"spa", "es"}, {"deu", "de"}, {"ger", "de"}, {"rus", "ru"},
      {"ukr", "uk"}, {"ara", "ar"}, {"por", "pt"}, {"tur", "tr"}};
  for (const auto& [from, to] : kAlias)
    if (tag == from) return to;
  return tag;
}

class LanguageComponent final : public Component {
 public:
  std::string_view name() const override { return "language"; }
  std::vector<std::string_view> needs() const override { return {"text"}; }
  std::vector<std::string_view> provides() const override { return {"lang"}; }
  Status Process(Doc& doc, Scratch& s) const override {
    if (!doc.input.lang.empty()) {
      doc.lang = NormaliseLangTag(doc.input.lang);
      doc.lang_confidence = 1.0;
      doc.lang_basis = "input";
    } else {
      const size_t n = std::min<size_t>(doc.text.size(), 64 * 1024);
      CLD2::Language langs[3];
      int percents[3];
      int text_bytes = 0;
      bool reliable = false;
      CLD2::DetectLanguageSummary(doc.text.data(), static_cast<int>(n), true, langs, percents, &text_bytes, &reliable);
      const std::string code = CLD2::LanguageCode(langs[0]);
      if (langs[0] == CLD2::UNKNOWN_LANGUAGE || code == "un") {
        doc.lang = s.options->default_lang;
        doc.lang_confidence = 0;
        doc.lang_basis = "default";
      } else {
        doc.lang = NormaliseLangTag(code);
        doc.lang_confidence = (reliable ? 1.0 : 0.5) * percents[0] / 100.0;
        doc.lang_basis = "detected";
      }
    }
    s.lang = s.model->Lang(doc.lang);
    if (!s.lang) {
      std::string have;
      for (const auto& l : s.model->langs) have += (have.empty() ? "" : ", ") + l.iso;
      doc.notes.push_back("no lexicons for language `" + doc.lang + "` (this model has: " + have +
                           "): the document is segmented but no events are coded");
    }
    return Status::Ok();
  }
};

class SegmentComponent final : public Component {
 public:
  std::string_view name() const override { return "segment"; }
  std::vector<std::string_view> needs() const override { return {"text", "lang"}; }
  std::vector<std::string_view> provides() const override { return {"sentences", "tokens"}; }
  Status Process(Doc& doc, Scratch& s) const override {
    auto& seg = s.segmenters[doc.lang];
    if (!seg) {
      text::Segmenter::Options so;
      if (s.lang) {
        so.abbreviations = s.lang->abbreviations;
        so.elision = s.lang->grammar.elision;
        so.apostrophe_split = s.lang->grammar.apostrophe_split;
      }
      auto made = text::Segmenter::Create(doc.lang, so);
      if (!made.ok()) return made.status();
      seg = std::move(made).value();
    }
    doc.folded.reserve(doc.text.size());
    seg->Segment(&doc, s.options->max_sentence_tokens);
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
