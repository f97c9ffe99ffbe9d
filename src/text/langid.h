// Language identification: fastText's lid.176 model first, CLD2 where fastText is unsure or absent.
#pragma once

#include <fasttext/real.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fasttext {
class FastText;
}

namespace tocsin::text {

struct LangGuess {
  std::string lang;  // ISO 639-1 as Tocsin names its lexicons ("nb" for any Norwegian); empty = unknown
  double confidence = 0;
  const char* detector = "";  // "fasttext" or "cld2"
};

// Guesses the language of the first `max_bytes` of `text` (valid UTF-8). `ft` may be null (no fastText
// model compiled in): CLD2 alone answers then. Thread-safe when `ft` is shared read-only.
LangGuess IdentifyLanguage(const fasttext::FastText* ft, std::string_view text, size_t max_bytes = 1024);

// What fastText's predictLine gives for `text` as one line (line breaks read as spaces), the best label
// with its probability, computed without an istream and with each word's subword ids remembered per thread.
void FastTextPredict(const fasttext::FastText& ft, std::string_view text,
                     std::vector<std::pair<fasttext::real, std::string>>* out);

// "no", "nn", "nob" -> "nb"; "fra" -> "fr"; "en-GB" -> "en".
std::string NormaliseLangTag(std::string tag);

}  // namespace tocsin::text
