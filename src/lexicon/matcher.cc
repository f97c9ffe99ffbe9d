#include "lexicon/matcher.h"

#include <algorithm>

namespace tocsin::internal {
namespace {

void Walk(const LangData& lang, const std::vector<Token>& tokens, uint32_t start, uint32_t node, uint32_t pos,
          uint32_t end, std::vector<Match>* out) {
  const Trie& trie = lang.trie;
  const Trie::Node& n = trie.nodes[node];
  if (pos > start)
    for (uint32_t k = 0; k < n.entry_count; ++k) out->push_back({start, pos, trie.entries[n.first_entry + k]});
  // Each token offers up to four terms: its stem, its exact form, and for names an inflected form's base
  // and a transliteration (lexicon/match_component.cc). Zero means none.
  auto step = [&](uint32_t from, const Token& t, uint32_t next) {
    if (t.stem_id)
      if (uint32_t c = trie.Child(from, t.stem_id)) Walk(lang, tokens, start, c, next, end, out);
    if (t.exact_id)
      if (uint32_t c = trie.Child(from, t.exact_id)) Walk(lang, tokens, start, c, next, end, out);
    if (t.alt_id && t.alt_id != t.exact_id)
      if (uint32_t c = trie.Child(from, t.alt_id)) Walk(lang, tokens, start, c, next, end, out);
    if (t.translit_id)
      if (uint32_t c = trie.Child(from, t.translit_id)) Walk(lang, tokens, start, c, next, end, out);
  };
  if (pos < end) step(node, tokens[pos], pos + 1);
  if (n.gap) {
    // A gap skips up to the language's max_gap words (a hyphenated compound, "segunda-feira", is one word),
    // then the next pattern word must match.
    const int max_gap = lang.grammar.max_gap;
    int skipped = 0;
    for (uint32_t p = pos; p < end; ++p) {
      const Token& t = tokens[p];
      // Gaps do not cross punctuation, except the hyphen of a compound ("a water-sharing agreement").
      if ((t.flags & kTokPunct) && p > pos && !(t.flags & kTokJoiner)) break;
      step(n.gap, t, p + 1);
      // Going on skips t.
      if (!(t.flags & kTokJoiner) && !(p > pos && (tokens[p - 1].flags & kTokJoiner)) && ++skipped > max_gap) break;
    }
  }
}

}  // namespace

void MatchAll(const LangData& lang, const std::vector<Token>& tokens, uint32_t begin, uint32_t end,
              std::vector<Match>* out) {
  for (uint32_t i = begin; i < end; ++i) {
    const Token& t = tokens[i];
    if (!t.stem_id && !t.exact_id && !t.alt_id && !t.translit_id) continue;  // no entry starts with an unknown word
    Walk(lang, tokens, i, 0, i, end, out);
  }
}

void SelectLongest(const LangData& lang, std::vector<Match>* matches) {
  auto layer = [&](const Match& m) { return static_cast<int>(LayerOf(lang.entries[m.entry].kind)); };
  std::vector<Match>& v = *matches;
  std::stable_sort(v.begin(), v.end(), [&](const Match& a, const Match& b) {
    if (layer(a) != layer(b)) return layer(a) < layer(b);
    const uint32_t la = a.end - a.begin, lb = b.end - b.begin;
    if (la != lb) return la > lb;
    if (a.begin != b.begin) return a.begin < b.begin;
    // Same span: the later entry kind wins in the entity layer; for triggers the earlier line wins.
    const auto ka = lang.entries[a.entry].kind, kb = lang.entries[b.entry].kind;
    if (ka != kb) return ka > kb;
    return a.entry < b.entry;
  });
  std::vector<Match> kept;
  kept.reserve(v.size());
  for (const Match& m : v) {
    bool clash = false;
    for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
      if (layer(*it) != layer(m)) break;  // kept is grouped by layer
      if (m.begin < it->end && it->begin < m.end) {
        clash = true;
        break;
      }
    }
    if (!clash) kept.push_back(m);
  }
  std::sort(kept.begin(), kept.end(),
            [](const Match& a, const Match& b) { return a.begin != b.begin ? a.begin < b.begin : a.end > b.end; });
  v.swap(kept);
}

}  // namespace tocsin::internal
