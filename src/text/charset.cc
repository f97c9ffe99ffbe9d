#include "text/charset.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include <algorithm>
#include <memory>

namespace tocsin::text {

bool IsUtf8Name(std::string_view charset) {
  std::string c(charset);
  std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return c.empty() || c == "utf-8" || c == "utf8" || c == "us-ascii" || c == "ascii";
}

bool IsUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    char32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

bool LooksLegacy(std::string_view s) {
  size_t high = 0, multibyte = 0;
  const size_t n = std::min<size_t>(s.size(), 64 * 1024);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) continue;
    ++high;
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len && i + len <= n && IsUtf8(s.substr(i, len))) {
      ++multibyte;
      i += len - 1;
    }
  }
  return multibyte == 0 && high >= 10;
}

Status ConvertToUtf8(std::string_view bytes, const std::string& charset, std::string* out) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> from(ucnv_open(charset.c_str(), &status), ucnv_close);
  if (U_FAILURE(status) || !from) return Status::Unsupported("unknown character set `" + charset + "`");
  std::unique_ptr<UConverter, void (*)(UConverter*)> to(ucnv_open("UTF-8", &status), ucnv_close);
  if (U_FAILURE(status)) return Status::Internal("ICU has no UTF-8 converter");
  // Worst case: every byte becomes a 3-byte character.
  out->resize(bytes.size() * 3 + 16);
  char* target = out->data();
  const char* source = bytes.data();
  ucnv_convertEx(to.get(), from.get(), &target, out->data() + out->size(), &source, bytes.data() + bytes.size(),
                 nullptr, nullptr, nullptr, nullptr, true, true, &status);
  if (U_FAILURE(status)) return Status::InvalidArgument("cannot convert from `" + charset + "`: " + u_errorName(status));
  out->resize(static_cast<size_t>(target - out->data()));
  return Status::Ok();
}

std::string DetectLegacyCharset(std::string_view bytes, int min_confidence) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> det(ucsdet_open(&status), ucsdet_close);
  if (U_FAILURE(status)) return {};
  const int32_t n = static_cast<int32_t>(std::min<size_t>(bytes.size(), 64 * 1024));
  ucsdet_setText(det.get(), bytes.data(), n, &status);
  const UCharsetMatch* m = ucsdet_detect(det.get(), &status);
  if (U_FAILURE(status) || !m) return {};
  const char* name = ucsdet_getName(m, &status);
  const int32_t confidence = ucsdet_getConfidence(m, &status);
  if (U_FAILURE(status) || !name || confidence < min_confidence) return {};
  const std::string s(name);
  // UTF-8 is what failed already; UTF-16/32 guesses on broken UTF-8 are noise.
  if (s == "UTF-8" || s.rfind("UTF-16", 0) == 0 || s.rfind("UTF-32", 0) == 0) return {};
  return s;
}

}  // namespace tocsin::text
