// Word and sentence boundaries of Unicode UAX #29, as ICU 72 draws them, computed directly on UTF-8.
//
// ICU's break iterators read UTF-8 through UText one code point at a time and cost about 240 instructions
// per byte of text (benchmarks: the segment stage was a quarter of all coding). These functions give the
// same boundaries, rule statuses and abbreviation exceptions for the scripts that need no dictionary, at a
// small fraction of that. They are an accelerator, not a second opinion: the Segmenter uses them only when
// the ICU it runs on has the very rules they implement (WordRulesKnown, SentenceRulesKnown), and a text
// holding a character they leave to ICU (Chinese, Japanese, Thai and the other dictionary scripts, Hebrew
// letters, emoji, flags) is segmented by ICU. src/text/uax29_test.cc compares both on random text from every character class.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace tocsin::text::uax29 {

// One segment of the word iterator: whitespace, punctuation and words alike. `status` is ICU's rule status
// (UBRK_WORD_NONE 0, UBRK_WORD_NUMBER 100, UBRK_WORD_LETTER 200).
struct WordSegment {
  uint32_t begin, end;  // byte offsets into the text given
  int32_t status;
};

// Appends the word segments of `text` (valid UTF-8) to `out` and returns true; returns false, with `out`
// unspecified, when the text holds a character left to ICU.
bool WordSegments(std::string_view text, std::vector<WordSegment>* out);

// Sentence boundaries with ICU's filter of abbreviations (FilteredBreakIteratorBuilder::suppressBreakAfter),
// its quirks included: a break is suppressed when the text before it, less one space, ends with a listed
// abbreviation, whatever precedes the abbreviation; an abbreviation with an inner full stop ("U.S.") is
// matched forward from its first part, only when a break follows that part.
class SentenceRules {
 public:
  explicit SentenceRules(const std::vector<std::string>& abbreviations);
  ~SentenceRules();
  // Appends the end offset of every sentence of `text` (valid UTF-8), the last one text.size(), to `ends`.
  void Ends(std::string_view text, std::vector<uint32_t>* ends) const;

 private:
  struct Trie;
  bool Suppressed(std::string_view text, uint32_t at) const;
  std::unique_ptr<Trie> backward_, forward_;
};

// True when an ICU iterator (unfiltered) follows the rules implemented here: the root rules of ICU 72. A
// locale with a tailoring (Finnish words, Greek sentences) or another ICU version answers false.
bool WordRulesKnown(const icu::BreakIterator& words);
bool SentenceRulesKnown(const icu::BreakIterator& sentences);

}  // namespace tocsin::text::uax29
