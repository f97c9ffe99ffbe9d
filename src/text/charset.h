// Legacy character sets: declared ones converted with ICU, undeclared ones (Windows-1251 Russian, Windows-1252
// Western European pages saved without a charset) detected with ICU's charset detector.
#pragma once

#include <string>
#include <string_view>

#include "tocsin/status.h"

namespace tocsin::text {

// Converts `bytes` from `charset` (any name ICU knows: "windows-1251", "ISO-8859-1", "KOI8-R", "cp1256")
// to UTF-8. Unmappable bytes become U+FFFD.
Status ConvertToUtf8(std::string_view bytes, const std::string& charset, std::string* out);

// True when `bytes` is valid UTF-8 (plain ASCII included).
bool IsUtf8(std::string_view bytes);

// For bytes that are not UTF-8: the legacy charset ICU's detector is at least `min_confidence` (0-100)
// sure of, or an empty string. Looks at the first 64 KiB.
std::string DetectLegacyCharset(std::string_view bytes, int min_confidence = 25);

// True when bytes that are not UTF-8 look like a legacy 8-bit encoding rather than UTF-8 with a few bad
// bytes: no valid multi-byte UTF-8 sequence at all, and at least ten bytes above 0x7F.
bool LooksLegacy(std::string_view bytes);

// True when `charset` names UTF-8 or plain ASCII (no conversion needed).
bool IsUtf8Name(std::string_view charset);

}  // namespace tocsin::text
