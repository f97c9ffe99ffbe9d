// Design note. AppendString tests eight bytes at once for the three kinds of byte that need escaping
// (below 0x20, '"', '\') and copies clean runs whole; most output text has none of them. AppendNumber
// rounds the common magnitudes (about 1e-8 to 1e6: confidences, coordinates) to six digits with integer
// arithmetic on the exact binary value, which is what glibc's printf does, and hands the rest to
// std::to_chars, which the standard defines "as if by printf" with the same precision.
#include "core/json.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace tocsin::json {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101;
constexpr uint64_t kHighBits = 0x8080808080808080;

// Nonzero when one of the eight bytes of `w` must be escaped. Built on the word tricks for "some byte is
// zero" and "some byte is below n" (n <= 0x80), which are exact as a yes/no answer (all that is used: which
// byte it was is found byte by byte). Flipping bit 1 maps '"' (0x22) to 0x20 and keeps the bytes below 0x20
// below it, so one "below 0x21" test finds both; bit 7 is the same in w and in both flipped words, so they
// share the "was below 0x80" mask.
constexpr uint64_t WordNeedsEscape(uint64_t w) {
  const uint64_t below_0x20_or_quote = (w ^ (kOnes * 0x02)) - kOnes * 0x21;
  const uint64_t backslash = (w ^ (kOnes * '\\')) - kOnes;
  return (below_0x20_or_quote | backslash) & ~w & kHighBits;
}

uint64_t LoadWord(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// The same test for one byte, as a table: strings shorter than a word, and the word that holds an escape,
// are looked at byte by byte.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  table['"'] = table['\\'] = true;
  return table;
}();

void AppendEscape(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out->append("\\\"", 2);
      break;
    case '\\':
      out->append("\\\\", 2);
      break;
    case '\n':
      out->append("\\n", 2);
      break;
    case '\r':
      out->append("\\r", 2);
      break;
    case '\t':
      out->append("\\t", 2);
      break;
    default: {
      const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out->append(u, 6);
    }
  }
}

// 5^0 .. 5^13: the largest power for which (2^32 - 1) * 5^s still fits 64 bits.
constexpr uint64_t kPowersOf5[] = {1,       5,        25,        125,        625,        3125,        15625,
                                   78125,   390625,   1953125,   9765625,    48828125,   244140625,   1220703125};
constexpr int kMaxScale = 13;

// For a > 0, finite: `*digits` in [100000, 999999] and `*exponent` such that `*digits` * 10^(*exponent - 5)
// is `a` rounded to six significant digits, to nearest with ties to even, on a's exact binary value.
// Returns false when `a` is outside the magnitudes done here (below about 1e-8, at or above 1e6, subnormal).
//
// With a = m * 2^e2 (m of 53 bits) and a scale s >= 0, a * 10^s = m * 5^s / 2^k with k = -e2 - s. m * 5^s
// needs up to 84 bits, so it is held as high * 2^32 + low, and the integer part and the remainder are read
// off that pair exactly. When a * 10^s < 10^6 < 2^20 and m >= 2^52, k >= 33: the integer part is in `high`.
bool RoundToSixDigits(double a, uint32_t* digits, int* exponent) {
  const uint64_t bits = std::bit_cast<uint64_t>(a);
  const int biased = static_cast<int>(bits >> 52);
  if (biased == 0) return false;  // subnormal
  const uint64_t m = (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1} << 52);
  const int e2 = biased - 1075;
  // floor(log10(2^(biased - 1023))): the decimal exponent of `a`, or one less.
  const int guess = ((biased - 1023) * 78913) >> 18;
  int scale = 4 - guess;  // first assume the larger exponent: then a * 10^scale is below 10^6
  for (int attempt = 0; attempt < 2; ++attempt, ++scale) {
    if (scale < 0 || scale > kMaxScale) return false;
    const int k = -e2 - scale;
    if (k <= 32 || k - 32 >= 64) return false;
    const uint64_t p5 = kPowersOf5[scale];
    const uint64_t low_product = (m & 0xffffffff) * p5;
    const uint64_t high = (m >> 32) * p5 + (low_product >> 32);
    const uint32_t low = static_cast<uint32_t>(low_product);
    const int shift = k - 32;
    const uint64_t whole = high >> shift;
    if (whole >= 1000000) return false;  // the guess was wrong: never for doubles, but safe
    if (whole < 100000) continue;        // the exponent is the smaller one: scale once more
    const uint64_t rest = high & ((uint64_t{1} << shift) - 1);
    const uint64_t half = uint64_t{1} << (shift - 1);
    const bool up = rest > half || (rest == half && (low != 0 || (whole & 1)));
    *digits = static_cast<uint32_t>(whole + up);
    *exponent = 5 - scale;
    if (*digits == 1000000) {
      *digits = 100000;
      ++*exponent;
    }
    return true;
  }
  return false;
}

// printf's %.6g layout of digits * 10^(exponent - 5), digits in [100000, 999999].
char* LayOutSixDigits(uint32_t digits, int exponent, char* p) {
  char d[6];
  for (int i = 5; i >= 0; --i) {
    d[i] = static_cast<char>('0' + digits % 10);
    digits /= 10;
  }
  int significant = 6;  // %g drops trailing zeros, and the point when nothing follows it
  while (significant > 1 && d[significant - 1] == '0') --significant;
  if (exponent < -4 || exponent >= 6) {
    *p++ = d[0];
    if (significant > 1) {
      *p++ = '.';
      p = std::copy(d + 1, d + significant, p);
    }
    *p++ = 'e';
    *p++ = exponent < 0 ? '-' : '+';
    const int e = exponent < 0 ? -exponent : exponent;
    if (e >= 100) *p++ = static_cast<char>('0' + e / 100);
    *p++ = static_cast<char>('0' + e / 10 % 10);
    *p++ = static_cast<char>('0' + e % 10);
  } else if (exponent >= 0) {
    p = std::copy(d, d + exponent + 1, p);
    if (significant > exponent + 1) {
      *p++ = '.';
      p = std::copy(d + exponent + 1, d + significant, p);
    }
  } else {
    *p++ = '0';
    *p++ = '.';
    p = std::fill_n(p, -exponent - 1, '0');
    p = std::copy(d, d + significant, p);
  }
  return p;
}

}  // namespace

void AppendString(std::string_view s, std::string* out) {
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  const char* const data = s.data();
  const size_t size = s.size();
  size_t i = 0, run = 0;  // bytes [run, i) are clean and not yet copied
  while (true) {
    while (i + 8 <= size && !WordNeedsEscape(LoadWord(data + i))) i += 8;
    // Fewer than eight bytes left: test them with the word that ends the string. Its first bytes were
    // looked at already; if one of them was escaped, the test fails and the bytes left are looked at below.
    if (i + 8 > size && size >= 8 && !WordNeedsEscape(LoadWord(data + size - 8))) {
      i = size;
      break;
    }
    // The next eight bytes (or the last few) hold a byte to escape, or the end: look at each.
    const size_t stop = std::min(size, i + 8);
    for (; i < stop; ++i) {
      const unsigned char c = static_cast<unsigned char>(data[i]);
      if (!kNeedsEscape[c]) continue;
      out->append(data + run, i - run);
      AppendEscape(c, out);
      run = i + 1;
    }
    if (i == size) break;
  }
  out->append(data + run, size - run);
  out->push_back('"');
}

void AppendNumber(double v, std::string* out) {
  if (!std::isfinite(v)) {
    out->append("null", 4);
    return;
  }
  char buf[32];  // "%.6g" needs at most 13 ("-1.23457e-308")
  char* p = buf;
  uint32_t digits;
  int exponent;
  if (v == 0) {
    if (std::signbit(v)) *p++ = '-';
    *p++ = '0';
  } else if (RoundToSixDigits(std::fabs(v), &digits, &exponent)) {
    if (v < 0) *p++ = '-';
    p = LayOutSixDigits(digits, exponent, p);
  } else {
    p = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6).ptr;
  }
  out->append(buf, static_cast<size_t>(p - buf));
}

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  const char* end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out->append(buf, static_cast<size_t>(end - buf));
}

}  // namespace tocsin::json
