// Per-worker state shared by the components while one document is coded.
//
// Invariant: everything here is either cached across documents (segmenters, stemmers: created on first
// use for a language and reused) or cleared by Worker::Code before each document (the analysis arrays).
// The analysis arrays hold intermediate results that are not part of the public Doc (lexicon matches,
// numbers, dates, cues); they are indices and token ranges into the Doc.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/flat_string_map.h"
#include "lexicon/matcher.h"
#include "lexicon/model_data.h"
#include "text/segment.h"
#include "text/stem.h"
#include "text/translit.h"
#include "tocsin/pipeline.h"

namespace tocsin {

// A number stated in the text with what it counts.
struct Quantity {
  uint32_t sentence = 0;
  uint32_t first_token = 0, end_token = 0;
  int64_t value = 0;
  std::string qualifier = "exact";  // exact, at_least, at_most, about
  bool vague = false;               // "dozens", "hundreds"
  bool year_like = false;           // 1900..2100 without separators: more likely a year
};

// A date expression resolved against the publication date.
struct DateMention {
  uint32_t sentence = 0;
  uint32_t first_token = 0, end_token = 0;
  DateValue date;
  bool anchors = true;  // false for "now", "today": they date a report, not a happening
  // A bare weekday names the last such day on or before publication; an event still to come ("will march
  // on Thursday") is on the next one: its value here, or empty.
  std::string ahead;
};

// A modality cue found in a sentence (from cues.tsv, or a trigger tagged cue=KIND).
struct Cue {
  uint32_t sentence = 0;
  uint32_t first_token = 0, end_token = 0;
  internal::CueKind kind = internal::CueKind::kNone;
  internal::CueScope scope = internal::CueScope::kClause;
  uint32_t entry = 0;  // for --explain: LangData::entries of the sentence's language
};

// Function-word roles (function.tsv), one per token.
enum class Fn : uint8_t {
  kNone, kBe, kHave, kBy, kOf, kFrom, kWith, kBetween, kAnd, kLoc, kTo, kRel, kComp, kSub, kStrong, kDet, kAdv, kPrep,
  kPoss,     // possessive determiner or clitic: "their", "'s"
  kQuant,    // "some", "many": "some of the protesters" is headed by the protesters
  kAgainst,  // introduces the target of a nominal trigger: "protests against X"
  kOn,       // the same for nominal triggers of force only: "a crackdown on X"
  kByAfter,  // a postposition after the agent of a passive (Turkish "tarafından")
  kIndef,    // indefinite article: "a", "an"
};
Fn ParseFn(std::string_view role);
// Words that open a noun phrase: articles, possessives and quantifiers.
inline bool IsDetLike(Fn f) { return f == Fn::kDet || f == Fn::kIndef || f == Fn::kPoss || f == Fn::kQuant; }

inline constexpr uint8_t kUsedByDate = 1, kUsedByNumber = 2;

struct Scratch {
  const internal::ModelData* model = nullptr;
  const PipelineOptions* options = nullptr;
  const internal::LangData* lang = nullptr;  // lexicons of the document's language, or null
  // Per sentence: the lexicons of its language (a paragraph may be in another language than the
  // document), or null where there are none.
  std::vector<const internal::LangData*> sentence_lang;
  bool any_lexicons() const {
    for (const auto* l : sentence_lang)
      if (l) return true;
    return false;
  }

  std::map<std::string, std::unique_ptr<text::Segmenter>> segmenters;
  std::map<std::string, std::unique_ptr<text::Stemmer>> stemmers;
  // Per language: folded word -> (stem term id, exact term id). Words repeat, so most tokens are looked up
  // here once instead of being stemmed; the cache is dropped when it grows past kTermCacheLimit words or
  // kTermCacheBytes of them.
  struct TermIds {
    uint32_t stem = 0, exact = 0, alt = 0, translit = 0;
  };
  std::map<std::string, std::unique_ptr<text::Transliterator>> transliterators;  // per language
  static constexpr size_t kTermCacheLimit = 1u << 18, kTermCacheBytes = 1u << 24;
  std::map<std::string, internal::FlatStringMap<TermIds>> term_cache;

  // Per document:
  std::vector<internal::Match> matches;    // selected matches, all sentences, by start token
  std::vector<uint32_t> sentence_matches;  // sentence i's matches start at sentence_matches[i]
  std::vector<Quantity> quantities;
  std::vector<DateMention> dates;
  std::vector<Cue> cues;
  std::string published;              // "YYYY-MM-DD" or empty
  std::vector<Fn> fn;                 // per token: function-word role
  std::vector<int32_t> mention_at;    // per token: index of the mention covering it, or -1
  std::vector<uint8_t> used;          // per token: kUsedByDate, kUsedByNumber or 0
  std::vector<uint16_t> event_flags;  // per Doc::events entry: its trigger's TriggerFlag bits
  // Place mentions merged into a larger actor mention ("Kazakh police"): kept for the document's place list.
  std::vector<Mention> absorbed_places;
  // Title mentions that name an office (titles.tsv `office=`), by first token: who holds it is looked up
  // once coreference has had its say ("the president" with no president named in the report).
  std::vector<std::pair<uint32_t, const internal::Entry*>> office_titles;
  // Whether lower_word_slots (below) holds this document's words written in lower case somewhere.
  bool lower_words_ready = false;
  // Per sentence index ranges, so that no stage scans the whole document per sentence or per event:
  // the mentions, dates and quantities of sentence i are [x[i], x[i + 1]) (filled by the entities stage).
  std::vector<uint32_t> sentence_mentions, sentence_dates, sentence_quantities;

  void Clear() {
    lang = nullptr;
    matches.clear();
    sentence_matches.clear();
    quantities.clear();
    dates.clear();
    cues.clear();
    published.clear();
    fn.clear();
    mention_at.clear();
    used.clear();
    event_flags.clear();
    absorbed_places.clear();
    office_titles.clear();
    lower_words_ready = false;
    sentence_mentions.clear();
    sentence_dates.clear();
    sentence_quantities.clear();
  }
  const internal::Entry& entry(const internal::Match& m) const { return model->langs[m.lang].entries[m.entry]; }

  // Fills `ranges` (size sentences + 1) from items sorted by their `sentence` field.
  template <typename T>
  static void IndexBySentence(const std::vector<T>& items, size_t sentences, std::vector<uint32_t>* ranges) {
    ranges->assign(sentences + 1, 0);
    size_t k = 0;
    for (size_t si = 0; si <= sentences; ++si) {
      while (k < items.size() && items[k].sentence < si) ++k;
      (*ranges)[si] = static_cast<uint32_t>(k);
    }
  }

  // --- Extraction hot path (issue 8): kept across documents (Clear leaves them). ---
  // Work space of one sentence, kept so that its capacity serves every sentence of every document (most
  // inputs are short: buffers local to a document would be allocated again for each).
  std::vector<internal::Match> sentence_match_work;  // match: one sentence's matches before selection
  internal::SelectSpace select_work;                 // match: SelectLongest's ranks
  std::vector<Mention> mention_sorted_work;                 // entities: one sentence's mentions, in order
  std::vector<uint8_t> covered_work;                       // entities: tokens a mention or date covers
  std::vector<uint32_t> order_work;                        // entities: mention order
  // geocode: the gazetteer's search state, kept so that a lookup does not allocate a new one (an agent is
  // reset by each query, so nothing of one lookup carries over to the next).
  marisa::Agent geo_agent;
  std::string geo_key_work;                                   // geocode: the key of the words from a token on
  std::vector<std::pair<uint32_t, uint32_t>> geo_ends_work;   // geocode: (key length, token end) per word
  std::vector<std::pair<uint32_t, uint32_t>> geo_hits_work;   // geocode: keys that are prefixes of the key
  // geocode, choosing places: one document's name -> key memo (cleared per document, never carried over) and
  // work space per mention.
  std::vector<std::pair<std::string_view, std::optional<uint32_t>>> geo_key_memo;
  std::vector<Mention*> geo_all_work;
  std::vector<size_t> geo_todo_work;
  std::vector<uint8_t> geo_capital_work;
  std::vector<uint32_t> geo_containers_work, geo_container_at_work;
  std::vector<int64_t> geo_chosen_work;
  std::vector<double> geo_score_work;
  std::vector<Cue> cue_work;          // events: one sentence's cues, nearest last
  // geocode: the words a long document writes in lower case, a hash set of token indices (see geocode.cc);
  // valid while lower_words_ready, which Clear resets for each document.
  std::vector<uint64_t> lower_word_slots;
  std::vector<uint8_t> verb_at_work;  // events: per token of the sentence, where triggers and cues start
};

}  // namespace tocsin
