// One pass of every lexicon over a sentence.
#pragma once

#include <cstdint>
#include <vector>

#include "lexicon/model_data.h"
#include "tocsin/document.h"

namespace tocsin::internal {

struct Match {
  uint32_t begin = 0, end = 0;  // token range [begin, end) in Doc::tokens
  uint32_t entry = 0;           // index into LangData::entries
  uint32_t lang = 0;            // index into ModelData::langs: whose entries (sentences differ in language)
};

// Appends every match of every entry that starts in tokens [begin, end) and ends by `end`. Tokens must
// carry stem_id/exact_id for this language. Order: by start token, then trie order.
void MatchAll(const LangData& lang, const std::vector<Token>& tokens, uint32_t begin, uint32_t end,
              std::vector<Match>* out);

// Work space of SelectLongest. A caller that selects sentence after sentence keeps one, so that selecting
// allocates nothing per sentence.
struct SelectSpace {
  struct Ranked {
    uint64_t major = 0, minor = 0;  // the selection order, computed once per match (see matcher.cc)
    Match match;
  };
  std::vector<Ranked> ranked;
};

// Keeps, per layer, a set of non-overlapping matches: longest first, then earliest, then the later entry
// kind (a place beats an agent of the same span). Cue matches may overlap other layers, never each other.
// Result is sorted by begin token.
void SelectLongest(const LangData& lang, std::vector<Match>* matches, SelectSpace* space);
inline void SelectLongest(const LangData& lang, std::vector<Match>* matches) {
  SelectSpace space;
  SelectLongest(lang, matches, &space);
}

}  // namespace tocsin::internal
