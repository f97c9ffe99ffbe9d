// Language identification: fastText's lid.176 model first, CLD2 where fastText is unsure or absent.
#pragma once

#include <string>
#include <string_view>

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

// "no", "nn", "nob" -> "nb"; "fra" -> "fr"; "en-GB" -> "en".
std::string NormaliseLangTag(std::string tag);

}  // namespace tocsin::text
