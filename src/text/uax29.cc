#include "text/uax29.h"

#include <unicode/brkiter.h>
#include <unicode/rbbi.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <array>
#include <atomic>

#include "text/utf8.h"

namespace tocsin::text::uax29 {
namespace {

// Word classes: ICU 72's word.txt sets, merged where its rules treat them alike once the characters left to
// ICU are set aside. ICU tailors UAX #29 in two places: "@" is a letter, ":" is not MidLetter.
enum WordClass : uint8_t {
  kWOther,
  kWCR,
  kWLF,
  kWNewline,
  kWExFm,       // Extend, Format, ZWJ: they join the character before them
  kWLetter,     // ALetter (the part ICU calls ALetterPlus: no dictionary script)
  kWNumeric,
  kWMidLetter,  // "·" and the like
  kWMidNumLet,  // MidNumLet and Single_Quote: "." "'" "’" (no Hebrew letters here, so they act alike)
  kWMidNum,     // "," ";"
  kWExtendNumLet,  // "_"
  kWSpace,         // WSegSpace
  kWIcu,           // left to ICU
};

// Sentence classes: Sentence_Break values.
enum SentenceClass : uint8_t {
  kSOther,
  kSCR,
  kSLF,
  kSExtend,  // Extend and Format
  kSSep,
  kSSp,
  kSLower,
  kSUpper,
  kSOLetter,
  kSNumeric,
  kSATerm,
  kSSContinue,
  kSSTerm,
  kSClose,
};

uint8_t ComputeWordClass(char32_t c) {
  if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC) ||
      u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT || (c >= 0xAC00 && c <= 0xD7A3))
    return kWIcu;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
  if (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA) return kWIcu;
  if (c == '@') return kWLetter;
  if (c == ':' || c == 0xFE55 || c == 0xFF1A) return kWOther;
  switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
    case U_WB_CR:
      return kWCR;
    case U_WB_LF:
      return kWLF;
    case U_WB_NEWLINE:
      return kWNewline;
    case U_WB_EXTEND:
    case U_WB_FORMAT:
    case U_WB_ZWJ:
      return kWExFm;
    case U_WB_ALETTER:
      return kWLetter;
    case U_WB_NUMERIC:
      return kWNumeric;
    case U_WB_MIDLETTER:
      return kWMidLetter;
    case U_WB_MIDNUMLET:
    case U_WB_SINGLE_QUOTE:
      return kWMidNumLet;
    case U_WB_MIDNUM:
      return kWMidNum;
    case U_WB_EXTENDNUMLET:
      return kWExtendNumLet;
    case U_WB_WSEGSPACE:
      return kWSpace;
    case U_WB_KATAKANA:
    case U_WB_HEBREW_LETTER:
    case U_WB_REGIONAL_INDICATOR:
    case U_WB_E_BASE:
    case U_WB_E_MODIFIER:
    case U_WB_GLUE_AFTER_ZWJ:
    case U_WB_E_BASE_GAZ:
      return kWIcu;
    default:
      return kWOther;  // Other, Double_Quote (which matters only between Hebrew letters)
  }
}

uint8_t ComputeSentenceClass(char32_t c) {
  switch (u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK)) {
    case U_SB_CR:
      return kSCR;
    case U_SB_LF:
      return kSLF;
    case U_SB_EXTEND:
    case U_SB_FORMAT:
      return kSExtend;
    case U_SB_SEP:
      return kSSep;
    case U_SB_SP:
      return kSSp;
    case U_SB_LOWER:
      return kSLower;
    case U_SB_UPPER:
      return kSUpper;
    case U_SB_OLETTER:
      return kSOLetter;
    case U_SB_NUMERIC:
      return kSNumeric;
    case U_SB_ATERM:
      return kSATerm;
    case U_SB_SCONTINUE:
      return kSSContinue;
    case U_SB_STERM:
      return kSSTerm;
    case U_SB_CLOSE:
      return kSClose;
    default:
      return kSOther;
  }
}

// Both classes of a code point in one byte (word << 4 | sentence). The Basic Multilingual Plane is looked up
// in ICU once per code point and remembered, plus one so that zero means "not yet"; relaxed atomics make the
// shared table safe for every thread (two threads may compute the same entry, and store the same value).
std::atomic<uint8_t> g_classes[0x10000];

inline uint8_t Classes(char32_t c) {
  if (c >= 0x10000) return static_cast<uint8_t>(ComputeWordClass(c) << 4 | ComputeSentenceClass(c));
  const uint8_t v = g_classes[c].load(std::memory_order_relaxed);
  if (v) return static_cast<uint8_t>(v - 1);
  const uint8_t computed = static_cast<uint8_t>(ComputeWordClass(c) << 4 | ComputeSentenceClass(c));
  g_classes[c].store(static_cast<uint8_t>(computed + 1), std::memory_order_relaxed);
  return computed;
}

// Both classes of each ASCII character, for the loops that pass over runs of one class.
const std::array<uint8_t, 128>& AsciiClasses() {
  static const std::array<uint8_t, 128> table = [] {
    std::array<uint8_t, 128> t{};
    for (char32_t c = 0; c < 128; ++c) t[c] = Classes(c);
    return t;
  }();
  return table;
}

// Moves `i` past the ASCII characters whose class (`shift` 4: word, 0: sentence) is `cls`.
inline void SkipAsciiRun(std::string_view text, size_t& i, uint8_t cls, int shift) {
  const std::array<uint8_t, 128>& ascii = AsciiClasses();
  while (i < text.size()) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b >= 0x80 || ((ascii[b] >> shift) & 0x0F) != cls) return;
    ++i;
  }
}

// The next code point of valid UTF-8 at `i`, advancing `i`.
inline char32_t Next(std::string_view s, size_t& i) {
  const unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  return NextCodePoint(s, i);
}

// The code point that ends just before `i`, moving `i` back to its start.
inline char32_t Previous(std::string_view s, size_t& i) {
  size_t start = i - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  size_t at = start;
  const char32_t c = NextCodePoint(s, at);
  i = start;
  return c;
}

// A unit of the boundary rules: one character with the Extend/Format characters that follow it.
struct Unit {
  uint32_t begin;
  uint8_t cls;
  bool extended = false;  // Extend/Format characters follow the character
};

}  // namespace

bool WordSegments(std::string_view text, std::vector<WordSegment>* out) {
  // Units (rules WB3d and WB4): a character takes the Extend/Format/ZWJ after it, except CR, LF and
  // Newline; a run of spaces is one unit. Breaks fall between units only.
  thread_local std::vector<Unit> units;
  units.clear();
  bool raw_space = false;  // the previous character was a space (not an ExFm after one)
  for (size_t i = 0; i < text.size();) {
    const uint32_t at = static_cast<uint32_t>(i);
    const uint8_t cls = Classes(Next(text, i)) >> 4;
    if (cls == kWIcu) return false;
    if (cls == kWExFm && !units.empty() && units.back().cls != kWCR && units.back().cls != kWLF &&
        units.back().cls != kWNewline) {
      units.back().extended = true;
      raw_space = false;
      continue;
    }
    if (cls == kWSpace && raw_space) continue;
    raw_space = cls == kWSpace;
    // A letter after a letter, a digit after a digit: always joined (WB5, WB8), and no rule looks inside
    // the run, so the run is one unit of the same class.
    if (cls == kWLetter || cls == kWNumeric) {
      if (units.empty() || units.back().cls != cls) units.push_back({at, cls, false});
      SkipAsciiRun(text, i, cls, 4);  // the rest of the run in ASCII, in a tight loop
      continue;
    }
    units.push_back({at, cls, false});
  }
  const size_t n = units.size();
  auto cls = [&](size_t k) -> uint8_t { return k < n ? units[k].cls : uint8_t{kWOther}; };
  auto letter = [](uint8_t c) { return c == kWLetter; };
  auto mid_letter = [](uint8_t c) { return c == kWMidLetter || c == kWMidNumLet; };
  auto mid_num = [](uint8_t c) { return c == kWMidNum || c == kWMidNumLet; };
  size_t first = 0;  // first unit of the open segment
  for (size_t k = 1; k <= n; ++k) {
    bool join = false;
    if (k < n) {
      const uint8_t a = cls(k - 1), b = cls(k);
      const uint8_t before = k >= 2 ? cls(k - 2) : uint8_t{kWOther};
      if (a == kWCR && b == kWLF) {
        join = true;  // WB3
      } else if (a == kWCR || a == kWLF || a == kWNewline || b == kWCR || b == kWLF || b == kWNewline) {
        join = false;  // WB3a, WB3b
      } else {
        join = (letter(a) && letter(b)) ||                                                  // WB5
               (letter(a) && mid_letter(b) && letter(cls(k + 1))) ||                        // WB6
               (k >= 2 && letter(before) && mid_letter(a) && letter(b)) ||                  // WB7
               (a == kWNumeric && b == kWNumeric) ||                                        // WB8
               (letter(a) && b == kWNumeric) || (a == kWNumeric && letter(b)) ||            // WB9, WB10
               (k >= 2 && before == kWNumeric && mid_num(a) && b == kWNumeric) ||           // WB11
               (a == kWNumeric && mid_num(b) && cls(k + 1) == kWNumeric) ||                 // WB12
               ((letter(a) || a == kWNumeric || a == kWExtendNumLet) && b == kWExtendNumLet) ||  // WB13a
               (a == kWExtendNumLet && (letter(b) || b == kWNumeric));                      // WB13b
      }
    }
    if (join) continue;
    // The segment units[first, k): its status is the tag of the ICU rules that end on its last unit.
    const uint8_t last = cls(k - 1);
    int32_t status = 0;
    if (last == kWNumeric) {
      status = 100;
    } else if (last == kWLetter) {
      status = 200;
    } else if (last == kWExtendNumLet && k - 1 > first && !units[k - 1].extended) {
      // The rules that end on "_" are tagged; they do not take the Extend characters after it.
      const uint8_t prev = cls(k - 2);
      status = prev == kWNumeric ? 100 : (letter(prev) || prev == kWExtendNumLet) ? 200 : 0;
    }
    const uint32_t end = k < n ? units[k].begin : static_cast<uint32_t>(text.size());
    out->push_back({units[first].begin, end, status});
    first = k;
  }
  return true;
}

// A trie over code points, as ICU's UCharsTrie is used by the filter: each node may carry a value.
struct SentenceRules::Trie {
  static constexpr int kPartial = 1, kMatch = 2;  // ICU's values (filteredbrk.cpp)
  struct Node {
    std::vector<std::pair<char32_t, uint32_t>> next;
    int value = 0;  // 0 = none
  };
  std::vector<Node> nodes{Node{}};
  void Add(const std::u32string& s, int value) {
    uint32_t at = 0;
    for (char32_t c : s) {
      auto& next = nodes[at].next;
      auto it = std::find_if(next.begin(), next.end(), [c](const auto& e) { return e.first == c; });
      if (it != next.end()) {
        at = it->second;
        continue;
      }
      nodes.push_back(Node{});
      const uint32_t child = static_cast<uint32_t>(nodes.size() - 1);
      nodes[at].next.emplace_back(c, child);
      at = child;
    }
    nodes[at].value = value;
  }
  // 0 when `c` does not continue from `node`.
  uint32_t Child(uint32_t node, char32_t c) const {
    for (const auto& [k, v] : nodes[node].next)
      if (k == c) return v;
    return 0;
  }
  bool empty() const { return nodes.size() == 1; }
};

SentenceRules::SentenceRules(const std::vector<std::string>& abbreviations)
    : backward_(std::make_unique<Trie>()), forward_(std::make_unique<Trie>()) {
  // FilteredBreakIteratorBuilder::build, step by step: the set is sorted and free of duplicates; an
  // abbreviation with a full stop before its end ("Ph.D.") puts its first part ("Ph.") in the backward
  // trie as a partial match and itself in the forward trie, as does every other entry that begins with the
  // same part; every other entry goes into the backward trie, reversed, as a full match.
  std::vector<std::u32string> set;
  for (const std::string& a : abbreviations) {
    std::u32string u;
    for (size_t i = 0; i < a.size();) u.push_back(NextCodePoint(a, i));
    set.push_back(std::move(u));
  }
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  constexpr int kSuppressInReverse = 1, kAddToForward = 2;
  std::vector<int> partials(set.size(), 0);
  for (size_t i = 0; i < set.size(); ++i) {
    const size_t nn = set[i].find(U'.');
    if (nn == std::u32string::npos || nn + 1 == set[i].size()) continue;
    bool same_as = false;
    for (size_t j = 0; j < set.size(); ++j) {
      if (j == i || set[j].size() < nn + 1 || set[i].compare(0, nn + 1, set[j], 0, nn + 1) != 0) continue;
      if (partials[j] == 0)
        partials[j] = kSuppressInReverse | kAddToForward;
      else if (partials[j] & kSuppressInReverse)
        same_as = true;
    }
    if (!same_as && partials[i] == 0) {
      std::u32string prefix = set[i].substr(0, nn + 1);
      std::reverse(prefix.begin(), prefix.end());
      backward_->Add(prefix, Trie::kPartial);
      partials[i] = kSuppressInReverse | kAddToForward;
    }
  }
  for (size_t i = 0; i < set.size(); ++i) {
    if (partials[i] == 0) {
      std::u32string r = set[i];
      std::reverse(r.begin(), r.end());
      backward_->Add(r, Trie::kMatch);
    } else {
      forward_->Add(set[i], Trie::kMatch);
    }
  }
}

SentenceRules::~SentenceRules() = default;

// SimpleFilteredSentenceBreakIterator::breakExceptionAt.
bool SentenceRules::Suppressed(std::string_view text, uint32_t at) const {
  size_t i = at;
  if (i > 0 && text[i - 1] == ' ') --i;  // "Mr. |Brown": one space is passed over
  int best_value = 0;
  size_t best_at = 0;
  uint32_t node = 0;
  while (i > 0) {
    const char32_t c = Previous(text, i);
    node = backward_->Child(node, c);
    if (node == 0) break;
    if (backward_->nodes[node].value) {
      best_value = backward_->nodes[node].value;
      best_at = i;
    }
    if (backward_->nodes[node].next.empty()) break;
  }
  if (best_value == Trie::kMatch) return true;
  if (best_value != Trie::kPartial || forward_->empty()) return false;
  // The first part matched ("Ph."): the whole abbreviation must follow from there. ICU's loop: walk while
  // the trie can go on; an exception when the walk ends on a value (or the text ends with one pending).
  node = 0;
  bool matches = true;  // USTRINGTRIE_INTERMEDIATE_VALUE before the first step
  for (size_t j = best_at; j < text.size();) {
    const char32_t c = Next(text, j);
    node = forward_->Child(node, c);
    if (node == 0) {
      matches = false;
      break;
    }
    const Trie::Node& n = forward_->nodes[node];
    matches = n.value != 0;
    if (n.next.empty()) break;
  }
  return matches;
}

void SentenceRules::Ends(std::string_view text, std::vector<uint32_t>* ends) const {
  // Breaks fall only after a terminator (ATerm, STerm) or a separator (CR, LF, Sep): the text is scanned for
  // those, and the rules read the units around each (rule SB5: a unit is a character with the
  // Extend/Format characters after it, except after CR, LF and Sep).
  const size_t n = text.size();
  const std::array<uint8_t, 128>& ascii = AsciiClasses();
  auto class_at = [&](size_t at, size_t* next) -> uint8_t {  // the class of the character at `at`
    const unsigned char b = static_cast<unsigned char>(text[at]);
    if (b < 0x80) {
      *next = at + 1;
      return ascii[b] & 0x0F;
    }
    *next = at;
    return Classes(Next(text, *next)) & 0x0F;
  };
  // The class of the unit at `at` (kSOther at the end), moving `at` past it and its Extend/Format.
  auto unit = [&](size_t& at) -> uint8_t {
    if (at >= n) return kSOther;
    size_t next;
    const uint8_t cls = class_at(at, &next);
    at = next;
    if (cls == kSCR || cls == kSLF || cls == kSSep) return cls;
    while (at < n) {
      const uint8_t x = class_at(at, &next);
      if (x != kSExtend) break;
      at = next;
    }
    return cls;
  };
  auto para_sep = [](uint8_t c) { return c == kSSep || c == kSCR || c == kSLF; };
  auto sa_term = [](uint8_t c) { return c == kSATerm || c == kSSTerm; };
  auto boundary = [&](size_t at) {
    if (at >= n) return;  // the end of the text is added once, below
    if (!backward_->empty() && Suppressed(text, static_cast<uint32_t>(at))) return;
    ends->push_back(static_cast<uint32_t>(at));
  };
  size_t i = 0;
  while (i < n) {
    // To the next terminator or separator: printable ASCII other than . ! ? is passed over in a tight loop.
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      const uint8_t c = ascii[b] & 0x0F;
      if (c != kSATerm && c != kSSTerm && c != kSCR && c != kSLF) {
        ++i;
        continue;
      }
    } else {
      size_t next;
      const uint8_t c = class_at(i, &next);
      if (c != kSATerm && c != kSSTerm && c != kSSep) {
        i = next;
        continue;
      }
    }
    const size_t at = i;
    size_t k = i;
    const uint8_t c = unit(k);
    if (c == kSCR) {  // SB3, SB4: CR LF is one separator
      size_t after = k, next;
      if (k < n && class_at(k, &next) == kSLF) after = next;
      boundary(after);
      i = after;
      continue;
    }
    if (para_sep(c)) {  // SB4
      boundary(k);
      i = k;
      continue;
    }
    const size_t after_term = k;
    for (size_t t = k; k < n && unit(t) == kSClose; t = k) k = t;  // SB9
    for (size_t t = k; k < n && unit(t) == kSSp; t = k) k = t;     // SB10
    if (k >= n) break;
    size_t t = k;
    const uint8_t next = unit(t);
    if (para_sep(next)) {  // SB11 with its ParaSep
      size_t after = t, lf;
      if (next == kSCR && t < n && class_at(t, &lf) == kSLF) after = lf;
      boundary(after);
      i = after;
      continue;
    }
    bool join = next == kSSContinue || sa_term(next);  // SB8a
    if (c == kSATerm && !join) {
      if (k == after_term && next == kSNumeric) join = true;  // SB6
      if (k == after_term && next == kSUpper) {               // SB7: the unit before the ATerm is a letter
        size_t back = at;
        uint8_t prev = kSOther;
        while (back > 0) {
          const char32_t pc = Previous(text, back);
          prev = Classes(pc) & 0x0F;
          if (prev != kSExtend) break;
        }
        if (prev == kSUpper || prev == kSLower) join = true;
      }
      if (!join) {  // SB8: only non-letters up to a lower-case letter
        size_t m = k;
        uint8_t x = kSOther;
        while (m < n) {
          x = unit(m);
          if (x == kSOLetter || x == kSUpper || x == kSLower || para_sep(x) || sa_term(x)) break;
        }
        if (x == kSLower) join = true;
      }
    }
    if (!join) boundary(k);
    i = k;
  }
  ends->push_back(static_cast<uint32_t>(text.size()));
}

namespace {
uint64_t Fnv(const icu::UnicodeString& s) {
  uint64_t h = 1469598103934665603ull;
  for (int32_t i = 0; i < s.length(); ++i) {
    h ^= s.charAt(i);
    h *= 1099511628211ull;
  }
  return h;
}
}  // namespace

// FNV-1a of the rule sources of ICU 72's root word and sentence iterators: what this file implements.
// (Finnish and Swedish tailor the word rules, Greek the sentence rules: they keep ICU.)
bool WordRulesKnown(const icu::BreakIterator& words) {
  const auto* w = dynamic_cast<const icu::RuleBasedBreakIterator*>(&words);
  return w && Fnv(w->getRules()) == 0x941fd0189cbd0448ull;
}

bool SentenceRulesKnown(const icu::BreakIterator& sentences) {
  const auto* s = dynamic_cast<const icu::RuleBasedBreakIterator*>(&sentences);
  return s && Fnv(s->getRules()) == 0x2ed1350c4bd1493aull;
}

}  // namespace tocsin::text::uax29
