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
// possessive "’s"/"'s" is split in two so that "Kyrgyzstan’s" matches the lexicon entry "Kyrgyzstan".
//
// Thread safety: one Segmenter per thread (ICU break iterators keep state).
class Segmenter {
 public:
  static Result<std::unique_ptr<Segmenter>> Create(const std::string& locale,
                                                   const std::vector<std::string>& abbreviations);
  ~Segmenter();

  // Appends the sentences and tokens of `text` (valid UTF-8, as cleaned by CleanText) to `doc`, with each
  // token's folded form appended to doc->folded. Sentences longer than `max_tokens` are cut.
  void Segment(Doc* doc, size_t max_tokens);

  // Tokenises a lexicon pattern exactly as text is tokenised; returns the folded words.
  std::vector<std::string> Words(std::string_view pattern);

 private:
  Segmenter();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::text
