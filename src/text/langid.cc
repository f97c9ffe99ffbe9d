#include "text/langid.h"

#include <cstdio>  // cld2 uses FILE without including it

#include <cld2/public/compact_lang_det.h>
#include <fasttext/fasttext.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <unordered_map>
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

// Text mostly in capitals ("LA POLICIA DISPERSA UNA MARCHA EN LIMA"): lid.176 learnt languages from text in
// mixed case, and a headline in capitals reads to it as English or as nothing. Three letters in four upper
// case, among at least 12 letters.
bool MostlyCapitals(std::string_view text) {
  size_t upper = 0, lower = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      upper += b >= 'A' && b <= 'Z';
      lower += b >= 'a' && b <= 'z';
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(text.data(), i, text.size(), c);
    if (c < 0) continue;
    upper += u_isupper(c) || u_istitle(c);
    lower += u_islower(c);
  }
  return upper + lower >= 12 && upper >= 3 * lower;
}

}  // namespace

// fastText's predictLine without the istream, and without computing the character n-grams of a word more
// than once per thread: they are ~400 instructions per byte, nearly all of language identification, and the
// words of news repeat. What predictLine does (fastText 0.9.2, Dictionary::getLine): split at ASCII
// whitespace and NUL; each word becomes its subword ids (its own id and n-gram buckets, or for a word outside
// the vocabulary the n-grams of "<word>"); a word starting with the label prefix is skipped; the
// end-of-sentence token closes the line. Word n-grams would be added next, but only for a model trained
// with them (lid.176 was not): such a model goes through predictLine itself.
void FastTextPredict(const fasttext::FastText& ft, std::string_view text,
                     std::vector<std::pair<fasttext::real, std::string>>* out) {
  out->clear();
  struct Hash {  // lookups by string_view, without building a string per word
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Per thread, for the model last used: its dictionary (held, so that its address cannot be reused by
  // another model while the cache speaks for it), the two arguments read here (getArgs copies them all),
  // and the subword ids of the words seen.
  struct Cache {
    std::shared_ptr<const fasttext::Dictionary> dict;
    int word_ngrams = 1;
    std::string label;
    std::unordered_map<std::string, std::vector<int32_t>, Hash, std::equal_to<>> subwords;
  };
  thread_local Cache cache;
  constexpr size_t kMaxCachedWords = 200000;  // about 30 MB at most per thread
  if (std::shared_ptr<const fasttext::Dictionary> dict = ft.getDictionary(); cache.dict != dict) {
    const fasttext::Args args = ft.getArgs();
    cache.dict = std::move(dict);
    cache.word_ngrams = args.wordNgrams;
    cache.label = args.label;
    cache.subwords.clear();
  } else if (cache.subwords.size() > kMaxCachedWords) {
    cache.subwords.clear();
  }
  if (cache.word_ngrams > 1) {
    std::string line(text);
    std::replace(line.begin(), line.end(), '\n', ' ');
    line.push_back('\n');
    std::istringstream in(line);
    ft.predictLine(in, *out, 1, 0.0);
    return;
  }
  const fasttext::Dictionary* dict = cache.dict.get();
  auto add = [&](std::string_view word, std::vector<int32_t>* ids) {
    auto it = cache.subwords.find(word);
    if (it == cache.subwords.end()) {
      std::string w(word);
      std::vector<int32_t> sub;
      if (w.rfind(cache.label, 0) != 0) sub = dict->getSubwords(w);  // labels are not words
      it = cache.subwords.emplace(std::move(w), std::move(sub)).first;
    }
    ids->insert(ids->end(), it->second.begin(), it->second.end());
  };
  thread_local std::vector<int32_t> ids;
  ids.clear();
  size_t i = 0;
  while (i < text.size()) {
    auto space = [](char c) {
      return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
    };
    while (i < text.size() && space(text[i])) ++i;
    size_t j = i;
    while (j < text.size() && !space(text[j])) ++j;
    if (j > i) add(text.substr(i, j - i), &ids);
    i = j;
  }
  add(fasttext::Dictionary::EOS, &ids);
  fasttext::Predictions predictions;
  ft.predict(1, ids, predictions, 0.0);
  for (const auto& [log_prob, label] : predictions)
    out->emplace_back(std::exp(log_prob), dict->getLabel(label));
}

LangGuess IdentifyLanguage(const fasttext::FastText* ft, std::string_view text, size_t max_bytes) {
  text = Prefix(text, max_bytes);
  std::string lowered;
  if (MostlyCapitals(text)) {
    icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())))
        .toLower(icu::Locale::getRoot())
        .toUTF8String(lowered);
    text = lowered;
  }
  LangGuess best;
  if (ft) {
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    FastTextPredict(*ft, text, &predictions);
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
