#include "lexicon/matcher.h"

#include <algorithm>

namespace tocsin::internal {
namespace {

// One walk down the trie from a start token.
struct Walker {
  const LangData& lang;
  const Trie& trie;
  const std::vector<Token>& tokens;
  uint32_t start, end;
  std::vector<Match>* out;

  uint32_t Child(uint32_t node, uint32_t term) const { return trie.Child(node, term); }

  // Each token offers up to four terms: its stem, its exact form, and for names an inflected form's base
  // and a transliteration (lexicon/match_component.cc). Zero means none.
  void Step(uint32_t from, const Token& t, uint32_t next) {
    if (t.stem_id)
      if (uint32_t c = Child(from, t.stem_id)) Walk(c, next);
    if (t.exact_id)
      if (uint32_t c = Child(from, t.exact_id)) Walk(c, next);
    if (t.alt_id && t.alt_id != t.exact_id)
      if (uint32_t c = Child(from, t.alt_id)) Walk(c, next);
    if (t.translit_id)
      if (uint32_t c = Child(from, t.translit_id)) Walk(c, next);
  }

  void Walk(uint32_t node, uint32_t pos) {
    const Trie::Node& n = trie.nodes[node];
    if (pos > start)
      for (uint32_t k = 0; k < n.entry_count; ++k) out->push_back({start, pos, trie.entries[n.first_entry + k]});
    if (pos < end) Step(node, tokens[pos], pos + 1);
    if (n.gap) {
      // A gap skips up to the language's max_gap words (a hyphenated compound, "segunda-feira", is one word),
      // then the next pattern word must match.
      const int max_gap = lang.grammar.max_gap;
      int skipped = 0;
      for (uint32_t p = pos; p < end; ++p) {
        const Token& t = tokens[p];
        // Gaps do not cross punctuation, except the hyphen of a compound ("a water-sharing agreement").
        if ((t.flags & kTokPunct) && p > pos && !(t.flags & kTokJoiner)) break;
        Step(n.gap, t, p + 1);
        // Going on skips t.
        if (!(t.flags & kTokJoiner) && !(p > pos && (tokens[p - 1].flags & kTokJoiner)) && ++skipped > max_gap) break;
      }
    }
  }
};

}  // namespace

void MatchAll(const LangData& lang, const std::vector<Token>& tokens, uint32_t begin, uint32_t end,
              std::vector<Match>* out) {
  Walker w{lang, lang.trie, tokens, begin, end, out};
  for (uint32_t i = begin; i < end; ++i) {
    const Token& t = tokens[i];
    if (!t.stem_id && !t.exact_id && !t.alt_id && !t.translit_id) continue;  // no entry starts with an unknown word
    w.start = i;
    w.Walk(0, i);
  }
}

void SelectLongest(const LangData& lang, std::vector<Match>* matches, SelectSpace* space) {
  std::vector<Match>& v = *matches;
  // The selection order as two integers per match: by layer, longest first, then earliest; on the same
  // span the later entry kind wins in the entity layer, and for triggers the earlier line. The order is
  // total (two matches equal in both keys are the same match found twice), so an unstable sort of the
  // keys gives what a stable sort of the matches would, and the entry is looked up once per match
  // rather than in every comparison.
  std::vector<SelectSpace::Ranked>& ranked = space->ranked;
  ranked.clear();
  ranked.reserve(v.size());
  for (const Match& m : v) {
    const EntryKind kind = lang.entries[m.entry].kind;
    const uint64_t layer = static_cast<uint64_t>(LayerOf(kind));
    const uint64_t shorter = 0xFFFFFFu - ((m.end - m.begin) & 0xFFFFFFu);  // a sentence has far fewer tokens
    ranked.push_back({layer << 56 | shorter << 32 | m.begin,
                      static_cast<uint64_t>(0xFFu - static_cast<uint8_t>(kind)) << 32 | m.entry, m});
  }
  std::sort(ranked.begin(), ranked.end(), [](const SelectSpace::Ranked& a, const SelectSpace::Ranked& b) {
    return a.major != b.major ? a.major < b.major : a.minor < b.minor;
  });
  // Kept matches go back into v, grouped by layer: a match clashes only with the kept ones of its layer,
  // v[layer_start, end).
  v.clear();
  size_t layer_start = 0;
  uint64_t layer = UINT64_MAX;
  for (const SelectSpace::Ranked& r : ranked) {
    if (r.major >> 56 != layer) {
      layer = r.major >> 56;
      layer_start = v.size();
    }
    const Match& m = r.match;
    bool clash = false;
    for (size_t k = v.size(); k-- > layer_start;)
      if (m.begin < v[k].end && v[k].begin < m.end) {
        clash = true;
        break;
      }
    if (!clash) v.push_back(m);
  }
  std::sort(v.begin(), v.end(),
            [](const Match& a, const Match& b) { return a.begin != b.begin ? a.begin < b.begin : a.end > b.end; });
}

}  // namespace tocsin::internal
