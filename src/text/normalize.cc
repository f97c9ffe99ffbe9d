#include "text/normalize.h"

#include <cstring>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "text/utf8.h"

namespace tocsin::text {
namespace {

// Printable ASCII other than the space: copied as it is.
bool IsPlainAscii(unsigned char b) { return b > 0x20 && b < 0x7F; }

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
    // Checked on the UTF-8 itself: nearly every text is already NFC, and then nothing is converted.
    if (U_SUCCESS(status) && !norm->isNormalizedUTF8(icu::StringPiece(in.data(), in.size()), status)) {
      status = U_ZERO_ERROR;
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(in.data(), in.size()));
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
    if (IsPlainAscii(b) && pending_newlines == 0 && (!pending_space || !out->empty())) {
      // The common case in bulk: a run of printable ASCII in which every space stands alone between two
      // printable characters comes out unchanged (a single space is kept, nothing is dropped).
      if (pending_space) out->push_back(' ');
      pending_space = false;
      size_t j = i + 1;
      while (j < src.size()) {
        const unsigned char n = static_cast<unsigned char>(src[j]);
        if (IsPlainAscii(n))
          ++j;
        else if (n == ' ' && j + 1 < src.size() && IsPlainAscii(static_cast<unsigned char>(src[j + 1])))
          j += 2;
        else
          break;
      }
      out->append(src.data() + i, j - i);
      i = j;
      continue;
    }
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

void FoldCaseIcu(std::string_view word, std::string* out) {
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


namespace {

// The folded form of each code point of U+0080..U+07FF (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic,
// Syriac, Thaana, NKo) and of the General Punctuation block, as FoldCaseIcu gives it for that character
// alone: case folding maps each character on its own, and so do the replacements after it. Built once.
// An entry of length 0xFF sends the word to FoldCaseIcu: U+0307, which is dropped only after an "i".
struct FoldTable {
  static constexpr char32_t kPunctuation = 0x2000, kPunctuationEnd = 0x2070;
  static constexpr size_t kSize = 0x800 + (kPunctuationEnd - kPunctuation);
  struct Entry {
    uint8_t len = 0;
    char bytes[7] = {};
  };
  Entry entries[kSize];
  static size_t Index(char32_t c) {
    if (c >= 0x80 && c < 0x800) return c;
    if (c >= kPunctuation && c < kPunctuationEnd) return 0x800 + (c - kPunctuation);
    return 0;  // not in the table
  }
  FoldTable() {
    for (char32_t c = 0x80; c < kPunctuationEnd; ++c) {
      const size_t i = Index(c);
      if (i == 0) continue;
      Entry& e = entries[i];
      if (c == 0x0307) {
        e.len = 0xFF;
        continue;
      }
      std::string one, folded;
      AppendUtf8(c, &one);
      FoldCaseIcu(one, &folded);
      if (folded.size() > sizeof e.bytes) {
        e.len = 0xFF;
        continue;
      }
      e.len = static_cast<uint8_t>(folded.size());
      std::memcpy(e.bytes, folded.data(), folded.size());
    }
  }
};

}  // namespace

void FoldCase(std::string_view word, std::string* out) {
  if (IsAscii(word)) {
    const size_t at = out->size();
    out->append(word);  // then lowered in place: no zero-filling resize, no push_back per byte
    for (char* o = out->data() + at, *end = out->data() + out->size(); o != end; ++o)
      if (*o >= 'A' && *o <= 'Z') *o = static_cast<char>(*o + 32);
    return;
  }
  // Character by character from the table where every character is in it (nearly all words of the
  // alphabetic scripts, and quotation marks and dashes); else the whole word through ICU.
  static const FoldTable* const table = new FoldTable();  // never freed: used until exit
  const size_t at = out->size();
  for (size_t i = 0; i < word.size();) {
    const unsigned char b = static_cast<unsigned char>(word[i]);
    if (b < 0x80) {
      out->push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b));
      ++i;
      continue;
    }
    const char32_t c = NextCodePoint(word, i);
    const size_t k = FoldTable::Index(c);
    if (k == 0 || table->entries[k].len == 0xFF) {
      out->resize(at);
      FoldCaseIcu(word, out);
      return;
    }
    out->append(table->entries[k].bytes, table->entries[k].len);
  }
}

std::string StripMarks(std::string_view s) {
  bool ascii = true;
  for (const char c : s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return std::string(s);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) return std::string(s);
  const icu::UnicodeString decomposed =
      nfd->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size()))), status);
  if (U_FAILURE(status)) return std::string(s);
  icu::UnicodeString bare;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    if (u_charType(c) != U_NON_SPACING_MARK) bare.append(c);
    i += U16_LENGTH(c);
  }
  std::string out;
  bare.toUTF8String(out);
  return out;
}

}  // namespace tocsin::text
