// The JSON writers against the plain implementations they replaced: output records must not change by a
// byte, so each fast path is compared with its reference on every byte, every position and many numbers.
#include "core/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace tocsin::json {
namespace {

// The byte-at-a-time writer that AppendString replaced.
std::string ReferenceString(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string String(std::string_view s) {
  std::string out = "prefix";  // appends, never overwrites
  AppendString(s, &out);
  return out.substr(6);
}

// What AppendNumber replaced.
std::string ReferenceNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string Number(double v) {
  std::string out;
  AppendNumber(v, &out);
  return out;
}

TEST(Json, EveryByteAloneIsEscapedAsBefore) {
  for (int b = 0; b < 256; ++b) {
    const std::string s(1, static_cast<char>(b));
    EXPECT_EQ(String(s), ReferenceString(s)) << "byte " << b;
  }
  EXPECT_EQ(String(std::string("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(String("\x1f\x7f\xff"), "\"\\u001f\x7f\xff\"");
  EXPECT_EQ(String("a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
  EXPECT_EQ(String(""), "\"\"");
}

// The word-at-a-time scan must find a byte to escape at any offset within and across words, and near the
// end where fewer than eight bytes are left.
TEST(Json, EveryByteAtEveryPositionOfLongStrings) {
  for (size_t length = 1; length <= 40; ++length) {
    for (size_t at = 0; at < length; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s(length, 'x');
        s[at] = static_cast<char>(b);
        ASSERT_EQ(String(s), ReferenceString(s)) << "length " << length << ", byte " << b << " at " << at;
      }
    }
  }
}

TEST(Json, RandomStringsOfEscapesAndUtf8) {
  std::mt19937_64 rng(20240611);
  const std::string pieces[] = {"a", "protest ", "\"", "\\", "\n", "\t", "\x01", "\x1f", " ", "\xc3\xa9",
                                "\xe2\x80\x9c", "\xff", "\x80", "~", "\x7f", std::string("\0", 1)};
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    const size_t parts = rng() % 64;
    for (size_t k = 0; k < parts; ++k) {
      // Mostly clean text, as in documents, with an escape now and then.
      s += rng() % 4 ? std::string(rng() % 20, static_cast<char>('a' + rng() % 26)) : pieces[rng() % std::size(pieces)];
    }
    ASSERT_EQ(String(s), ReferenceString(s)) << "case " << i;
  }
  for (int i = 0; i < 5000; ++i) {
    std::string s(rng() % 100, ' ');
    for (char& c : s) c = static_cast<char>(rng());
    ASSERT_EQ(String(s), ReferenceString(s)) << "case " << i;
  }
}

TEST(Json, NumbersAtTheEdgesAreWrittenAsPrintfDoes) {
  const double kEdges[] = {0.0,
                           1.0,
                           0.5,
                           1e-5,
                           1e-4,
                           0.0001,
                           9.999995e-5,
                           9.9999949999e-5,
                           1.5e-05,
                           999999.0,
                           999999.4,
                           999999.5,
                           999999.5000001,
                           1e6,
                           1234567.0,
                           1e21,
                           1e22,
                           1e100,
                           1e-100,
                           1e-300,
                           12345.25,  // exactly halfway at six digits: ties to even (down)
                           12345.75,  // and up
                           12345.35,
                           0.125,
                           99999.95,
                           9.999995,
                           0.1,
                           0.2 + 0.1,
                           1.0 / 3,
                           2.0 / 3,
                           31.7683,
                           -122.419,
                           std::numeric_limits<double>::min(),
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::min() / 3,
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::epsilon(),
                           static_cast<double>(std::numeric_limits<int64_t>::max())};
  for (const double v : kEdges) {
    EXPECT_EQ(Number(v), ReferenceNumber(v)) << v;
    EXPECT_EQ(Number(-v), ReferenceNumber(-v)) << -v;
    for (const double w : {std::nextafter(v, 0.0), std::nextafter(v, HUGE_VAL)}) {
      EXPECT_EQ(Number(w), ReferenceNumber(w)) << w;
    }
  }
  EXPECT_EQ(Number(-0.0), "-0");
  EXPECT_EQ(Number(1e6), "1e+06");
  EXPECT_EQ(Number(1.5e-5), "1.5e-05");
  EXPECT_EQ(Number(0.85), "0.85");
  EXPECT_EQ(Number(12345.25), "12345.2");
  EXPECT_EQ(Number(12345.75), "12345.8");
  EXPECT_EQ(Number(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(Number(-std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(Number(HUGE_VAL), "null");
  EXPECT_EQ(Number(-HUGE_VAL), "null");
}

TEST(Json, MillionsOfNumbersAreWrittenAsPrintfDoes) {
  std::mt19937_64 rng(7);
  auto check = [](double v) { ASSERT_EQ(Number(v), ReferenceNumber(v)) << std::hexfloat << v; };
  for (int i = 0; i < 400000; ++i) {
    const uint64_t bits = rng();
    double any;
    std::memcpy(&any, &bits, sizeof any);
    check(any);  // every exponent, NaNs and subnormals among them
    // Magnitudes of confidences and coordinates, where the integer path is taken.
    check(std::ldexp(static_cast<double>(bits >> 11), static_cast<int>(rng() % 90) - 100));
    // Short decimals (k / 10^j), as the pipeline's figures are.
    check(static_cast<double>(rng() % 100000000) / std::pow(10.0, static_cast<double>(rng() % 14)));
    // Near the rounding point of the sixth digit, and on it for binary fractions.
    const double near = (static_cast<double>(100000 + rng() % 900000) + 0.5) *
                        std::pow(10.0, static_cast<double>(static_cast<int>(rng() % 16) - 13));
    check(near);
    check(std::nextafter(near, 0.0));
    check(std::nextafter(near, HUGE_VAL));
    check(std::ldexp(static_cast<double>(rng() % (uint64_t{1} << 40)), -static_cast<int>(1 + rng() % 20)));
  }
}

TEST(Json, IntegersIncludingTheExtremes) {
  for (const int64_t v : {int64_t{0}, int64_t{-1}, int64_t{7}, int64_t{1234567890123}, std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max()}) {
    std::string out = "x";  // appends, never overwrites
    AppendInt(v, &out);
    EXPECT_EQ(out.substr(1), std::to_string(v));
    EXPECT_EQ(out[0], 'x');
  }
}

}  // namespace
}  // namespace tocsin::json
