// Sentence and word segmentation with ICU, over UTF-8 without conversion.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tocsin/document.h"
#include "tocsin/status.h"

namespace tocsin::text {

// Splits text into sentences and tokens. ICU's rules decide the boundaries; a per-language list of
// abbreviations ("Mr.", "Gen.", "U.S.") suppresses sentence breaks after them; a line break always ends a
// sentence (headlines and list items have no full stop). Whitespace is not a token. A word ending in the
// possessive "’s"/"'s" is split in two so that "Kyrgyzstan’s" matches the lexicon entry "Kyrgyzstan"; so
// are elided words ("l'armée" → "l'" "armée") and, where the language asks, suffixes after an apostrophe
// (Turkish "Bişkek'te" → "Bişkek" "'te").
//
// Thread safety: one Segmenter per thread (ICU break iterators keep state).
class Segmenter {
 public:
  struct Options {
    std::vector<std::string> abbreviations;  // "Gen.": no sentence break after them
    std::vector<std::string> elision;        // "l", "qu": split "l'armée" after the apostrophe
    bool apostrophe_split = false;           // split every word before an inner apostrophe
    // Compute ICU's boundaries directly where the rules allow (text/uax29.h); off = ICU alone, for tests
    // that compare the two.
    bool fast = true;
  };
  static Result<std::unique_ptr<Segmenter>> Create(const std::string& locale, const Options& options);
  ~Segmenter();

  // Appends the sentences and tokens of doc->text (valid UTF-8, as cleaned by CleanText), or of its byte
  // range `range` when given, to `doc`, with each token's folded form appended to doc->folded. Sentences
  // longer than `max_tokens` are cut. Ranges must come in text order (several segmenters may share a
  // document, one per language).
  void Segment(Doc* doc, size_t max_tokens, Span range = {0, UINT32_MAX});

  // Tokenises a lexicon pattern exactly as text is tokenised; returns the folded words.
  std::vector<std::string> Words(std::string_view pattern);

 private:
  Segmenter();
  // Where a word token splits (0 = nowhere): an elision or, with apostrophe_split, the apostrophe.
  size_t SplitPoint(std::string_view w) const;
  Options options_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::text
