// Names across scripts: ICU transliteration to Latin and a spelling-tolerant key for comparing names.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "tocsin/status.h"

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class Transliterator;
U_NAMESPACE_END

namespace tocsin::text {

// The key under which a Latin spelling of a name is compared: ASCII letters only, lower case, with the
// choices that BGN, Russian passport and English press spellings make differently folded together
// ("Akayev"/"Akaev", "Aynur"/"Ainur", "Kyiv"/"Kyyiv", "Zelensky"/"Zelens'kyy"): y and j-less i-glides become
// i, an i between vowels goes, doubled letters are one. Empty when `latin` has no ASCII letter.
std::string NameKey(std::string_view latin);

// Transliterates a word into Latin with one ICU transliterator (`Russian-Latin/BGN`), then any other
// script with Any-Latin, then to ASCII. Thread safety: one instance per thread.
class Transliterator {
 public:
  static Result<std::unique_ptr<Transliterator>> Create(const std::string& id);
  ~Transliterator();
  std::string ToLatin(std::string_view utf8) const;

 private:
  Transliterator() = default;
  std::unique_ptr<icu::Transliterator> impl_;
};

}  // namespace tocsin::text
