// UTF-8 hygiene: repairing invalid byte sequences and recognising binary data.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tocsin::text {

// Copies `in` to `out`, replacing every invalid UTF-8 sequence (bad lead byte, truncated or overlong
// sequence, surrogate, code point > U+10FFFF) with U+FFFD. Returns how many sequences were replaced.
size_t RepairUtf8(std::string_view in, std::string* out);

// True when `in` is almost certainly not text: NUL bytes, or more than 10% invalid sequences or control
// characters in its first 64 KiB. Text in any script passes.
bool LooksBinary(std::string_view in);

// True when every byte of `s` is ASCII (checked eight bytes at a time).
bool IsAscii(std::string_view s);

// Decodes the code point at `s[i]` (which must be valid UTF-8) and advances i.
char32_t NextCodePoint(std::string_view s, size_t& i);

// Appends the UTF-8 encoding of `c`.
void AppendUtf8(char32_t c, std::string* out);

}  // namespace tocsin::text
