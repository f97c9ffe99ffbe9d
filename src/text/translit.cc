#include "text/translit.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

namespace tocsin::text {

namespace {
bool Vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
}  // namespace

std::string NameKey(std::string_view latin) {
  std::string k;
  k.reserve(latin.size());
  for (char ch : latin) {
    char c = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch;
    if (c < 'a' || c > 'z') continue;  // apostrophes and soft signs ("Zelens'kyy"), digits, marks
    if (c == 'y') c = 'i';
    k.push_back(c);
  }
  // An i between two vowels is a glide that spellings write or leave out: "akaiev" = "akaev".
  std::string out;
  out.reserve(k.size());
  for (size_t i = 0; i < k.size(); ++i) {
    if (k[i] == 'i' && i > 0 && i + 1 < k.size() && Vowel(k[i - 1]) && k[i - 1] != 'i' && Vowel(k[i + 1]))
      continue;
    if (!out.empty() && out.back() == k[i]) continue;  // "kiiiv" = "kiv", "zelenskii" = "zelenski"
    out.push_back(k[i]);
  }
  return out;
}

Result<std::unique_ptr<Transliterator>> Transliterator::Create(const std::string& id) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError perr;
  const std::string full = id + "; Any-Latin; Latin-ASCII";
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8(full), UTRANS_FORWARD, perr, status));
  if (U_FAILURE(status) || !t)
    return Status::InvalidArgument("ICU has no transliterator `" + id + "` (" + u_errorName(status) + ")");
  std::unique_ptr<Transliterator> out(new Transliterator());
  out->impl_ = std::move(t);
  return out;
}

Transliterator::~Transliterator() = default;

std::string Transliterator::ToLatin(std::string_view utf8) const {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  impl_->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace tocsin::text
