#include "text/utf8.h"

#include <cstdint>
#include <cstring>

namespace tocsin::text {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;

// The eight bytes at p as one word.
uint64_t Word(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// True when all eight bytes of `w` are printable ASCII or above: none has its top bit set and none is
// below 0x20 (the classic test for a byte less than n: (w - n*0x01..) & ~w & 0x80..).
bool AllPrintableAscii(uint64_t w) {
  return ((w | ((w - 0x2020202020202020ull) & ~w)) & kHighBits) == 0;
}

// Length of the valid sequence at s[i], or 0 when it is invalid (Unicode 15, table 3-7).
size_t ValidSequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  const size_t left = s.size() - i;
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;
  if (c < 0xE0) return left >= 2 && (b(1) & 0xC0) == 0x80 ? 2 : 0;
  if (c < 0xF0) {
    if (left < 3 || (b(2) & 0xC0) != 0x80) return 0;
    const unsigned char c1 = b(1);
    if (c == 0xE0) return c1 >= 0xA0 && c1 <= 0xBF ? 3 : 0;
    if (c == 0xED) return c1 >= 0x80 && c1 <= 0x9F ? 3 : 0;  // no surrogates
    return (c1 & 0xC0) == 0x80 ? 3 : 0;
  }
  if (c < 0xF5) {
    if (left < 4 || (b(2) & 0xC0) != 0x80 || (b(3) & 0xC0) != 0x80) return 0;
    const unsigned char c1 = b(1);
    if (c == 0xF0) return c1 >= 0x90 && c1 <= 0xBF ? 4 : 0;
    if (c == 0xF4) return c1 >= 0x80 && c1 <= 0x8F ? 4 : 0;
    return (c1 & 0xC0) == 0x80 ? 4 : 0;
  }
  return 0;
}

}  // namespace

bool IsAscii(std::string_view s) {
  size_t i = 0;
  uint64_t any = 0;
  for (; i + 8 <= s.size(); i += 8) any |= Word(s.data() + i);
  for (; i < s.size(); ++i) any |= static_cast<unsigned char>(s[i]);
  return (any & kHighBits) == 0;
}

size_t RepairUtf8(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  size_t repaired = 0;
  size_t i = 0;
  while (i < in.size()) {
    // Fast path: runs of ASCII, eight bytes at a time.
    size_t j = i;
    while (j + 8 <= in.size() && (Word(in.data() + j) & kHighBits) == 0) j += 8;
    while (j < in.size() && static_cast<unsigned char>(in[j]) < 0x80) ++j;
    out->append(in.data() + i, j - i);
    i = j;
    if (i >= in.size()) break;
    const size_t n = ValidSequenceLength(in, i);
    if (n == 0) {
      out->append("\xEF\xBF\xBD");
      ++repaired;
      ++i;
      // Skip continuation bytes that belonged to the broken sequence: one replacement per sequence.
      while (i < in.size() && (static_cast<unsigned char>(in[i]) & 0xC0) == 0x80) ++i;
    } else {
      out->append(in.data() + i, n);
      i += n;
    }
  }
  return repaired;
}

bool LooksBinary(std::string_view in) {
  const std::string_view head = in.substr(0, 64 * 1024);
  if (head.empty()) return false;
  size_t bad = 0, sequences = 0;
  size_t i = 0;
  while (i < head.size()) {
    if (i + 8 <= head.size() && AllPrintableAscii(Word(head.data() + i))) {  // nearly every byte of a text
      i += 8;
      sequences += 8;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(head[i]);
    ++sequences;
    if (c >= 0x20 && c < 0x80) {  // printable ASCII
      ++i;
      continue;
    }
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
      ++bad;
      ++i;
      continue;
    }
    const size_t n = ValidSequenceLength(head, i);
    if (n == 0) {
      // A sequence cut by the 64 KiB window is not evidence of binary data.
      if (i + 4 >= head.size() && head.size() < in.size()) break;
      ++bad;
      ++i;
    } else {
      i += n;
    }
  }
  return bad * 10 > sequences;
}

char32_t NextCodePoint(std::string_view s, size_t& i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  if (c < 0xE0 && i + 1 < s.size()) {
    char32_t r = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
    i += 2;
    return r;
  }
  if (c < 0xF0 && i + 2 < s.size()) {
    char32_t r = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
    i += 3;
    return r;
  }
  if (i + 3 < s.size()) {
    char32_t r = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
    i += 4;
    return r;
  }
  ++i;
  return 0xFFFD;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace tocsin::text
