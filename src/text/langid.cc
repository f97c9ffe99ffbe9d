#include "text/langid.h"

#include <cstdio>  // cld2 uses FILE without including it

#include <cld2/public/compact_lang_det.h>
#include <fasttext/fasttext.h>

#include <algorithm>
#include <sstream>
#include <vector>

namespace tocsin::text {

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

namespace {

// Cuts at a code point boundary at or before `n`.
std::string_view Prefix(std::string_view s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

LangGuess Cld2(std::string_view text) {
  CLD2::Language langs[3];
  int percents[3];
  int text_bytes = 0;
  bool reliable = false;
  CLD2::DetectLanguageSummary(text.data(), static_cast<int>(text.size()), true, langs, percents, &text_bytes,
                              &reliable);
  LangGuess g;
  const std::string code = CLD2::LanguageCode(langs[0]);
  if (langs[0] == CLD2::UNKNOWN_LANGUAGE || code == "un") return g;
  g.lang = NormaliseLangTag(code);
  g.confidence = (reliable ? 1.0 : 0.5) * percents[0] / 100.0;
  g.detector = "cld2";
  return g;
}

}  // namespace

LangGuess IdentifyLanguage(const fasttext::FastText* ft, std::string_view text, size_t max_bytes) {
  text = Prefix(text, max_bytes);
  LangGuess best;
  if (ft) {
    // fastText reads one line: line breaks become spaces.
    std::string line(text);
    std::replace(line.begin(), line.end(), '\n', ' ');
    line.push_back('\n');
    std::istringstream in(line);
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    ft->predictLine(in, predictions, 1, 0.0);
    if (!predictions.empty()) {
      std::string label = predictions[0].second;
      if (label.rfind("__label__", 0) == 0) label.erase(0, 9);
      best.lang = NormaliseLangTag(label);
      best.confidence = predictions[0].first;
      best.detector = "fasttext";
    }
    // fastText is sure of itself on a sentence or more; on a few words CLD2 may know better.
    if (best.confidence >= 0.5) return best;
  }
  LangGuess cld = Cld2(text);
  if (!cld.lang.empty() && (best.lang.empty() || cld.confidence > best.confidence)) return cld;
  return best;
}

}  // namespace tocsin::text
