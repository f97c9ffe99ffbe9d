#include "text/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "text/utf8.h"

namespace tocsin::text {
namespace {

bool IsAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// Characters that are formatting noise in running text.
bool IsDropped(char32_t c) {
  return c == 0x00AD || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF ||
         (c < 0x20 && c != '\n' && c != ' ') || (c >= 0x7F && c < 0xA0);
}

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == 0x00A0 || c == 0x202F || c == 0x2007 || c == 0x3000 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x1680 || c == 0x205F || c == '\f' || c == '\v';
}

}  // namespace

void CleanText(std::string_view in, std::string* out) {
  out->clear();
  std::string nfc;
  std::string_view src = in;
  if (!IsAscii(in)) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* norm = icu::Normalizer2::getNFCInstance(status);
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(in.data(), in.size()));
    if (U_SUCCESS(status) && !norm->isNormalized(u, status)) {
      icu::UnicodeString n = norm->normalize(u, status);
      if (U_SUCCESS(status)) {
        n.toUTF8String(nfc);
        src = nfc;
      }
    }
  }
  out->reserve(src.size());
  bool pending_space = false;
  int pending_newlines = 0;
  size_t i = 0;
  while (i < src.size()) {
    char32_t c;
    const unsigned char b = static_cast<unsigned char>(src[i]);
    if (b < 0x80) {
      c = b;
      ++i;
    } else {
      c = NextCodePoint(src, i);
    }
    if (c == '\r') {
      if (i < src.size() && src[i] == '\n') continue;  // CR LF: the LF will count
      c = '\n';
    }
    if (c == '\n') {
      pending_space = false;  // no trailing spaces on a line
      ++pending_newlines;
      continue;
    }
    if (IsSpace(c)) {
      pending_space = true;
      continue;
    }
    if (IsDropped(c)) continue;
    if (pending_newlines > 0) {
      if (!out->empty()) out->append(pending_newlines > 1 ? "\n\n" : "\n");
      pending_newlines = 0;
      pending_space = false;  // no leading spaces on a line
    } else if (pending_space && !out->empty()) {
      out->push_back(' ');
    }
    pending_space = false;
    if (c < 0x80)
      out->push_back(static_cast<char>(c));
    else
      AppendUtf8(c, out);
  }
}

void FoldCase(std::string_view word, std::string* out) {
  if (IsAscii(word)) {
    for (char c : word) out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    return;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), word.size()));
  u.foldCase();
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x2019)), icu::UnicodeString('\''));
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x2018)), icu::UnicodeString('\''));
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x02BC)), icu::UnicodeString('\''));
  // Digits of other scripts (Arabic-Indic ١٢٠, Persian ۱۲۰, Devanagari...) read as ASCII digits, so that
  // numbers and dates are parsed alike in every script; Turkish İ folds to "i" plus a combining dot, which
  // the lexicons (written with plain i) do not have.
  for (int32_t i = 0; i < u.length(); ++i) {
    const UChar c = u.charAt(i);
    if (c >= 0x80 && u_isdigit(c)) u.setCharAt(i, static_cast<UChar>('0' + u_charDigitValue(c)));
    // Arabic comma, semicolon and question mark work as theirs do in Latin script.
    if (c == 0x060C) u.setCharAt(i, ',');
    if (c == 0x061B) u.setCharAt(i, ';');
    if (c == 0x061F) u.setCharAt(i, '?');
    if (c == 0x0307 && i > 0 && u.charAt(i - 1) == 'i') u.remove(i--, 1);
  }
  u.toUTF8String(*out);
}

}  // namespace tocsin::text
