// The in-memory form of a compiled model (include/tocsin/model.h), shared read-only by all workers.
//
// Design note. Lexicon patterns are compiled to sequences of term ids: a term is a Snowball stem or an
// exact case-folded form, interned per language. At run time each token is looked up once (its stem id
// and exact id), and one trie over term ids finds every entry of every lexicon file in one pass over the
// sentence (lexicon/matcher.h). The trie is not serialised: it is rebuilt from the entries at load, which
// takes milliseconds and keeps the file format simple (doc/model-format.md).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "resolve/gazetteer.h"
#include "text/furniture.h"
#include "tocsin/status.h"

namespace fasttext {
class FastText;
}

namespace tocsin::internal {

// Lets maps keyed by std::string be searched with a string_view, without building a string.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TermMap = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

inline constexpr char kModelMagic[8] = {'T', 'O', 'C', 'S', 'I', 'N', 'M', 'D'};
// 6: the `occur` cue kind; a cue kind this build does not know is refused on load.
inline constexpr uint32_t kModelFormatVersion = 6;
inline constexpr uint32_t kGapTerm = 0xFFFFFFFFu;  // "..." in a pattern

// Persisted: do not renumber.
enum class EntryKind : uint8_t {
  kTrigger = 0,
  kAgent = 1,
  kTitle = 2,
  kPronoun = 3,
  kCue = 4,
  kNumber = 5,
  kCount = 6,
  kDate = 7,
  kCountry = 8,
  kPlace = 9,
  kOrganisation = 10,
  kPerson = 11,
  kFunction = 12,
};
inline constexpr int kEntryKindCount = 13;

// Which entries compete for the same tokens (longest match wins within a layer).
enum class Layer : uint8_t { kTrigger, kEntity, kCue, kNumber, kCount, kDate, kFunction };
inline Layer LayerOf(EntryKind k) {
  switch (k) {
    case EntryKind::kTrigger:
      return Layer::kTrigger;
    case EntryKind::kCue:
      return Layer::kCue;
    case EntryKind::kNumber:
      return Layer::kNumber;
    case EntryKind::kCount:
      return Layer::kCount;
    case EntryKind::kDate:
      return Layer::kDate;
    case EntryKind::kFunction:
      return Layer::kFunction;
    default:
      return Layer::kEntity;
  }
}
inline constexpr int kLayerCount = 7;

// Persisted: do not renumber.
enum class CueKind : uint8_t {
  kNone = 0,
  kNegation,
  kRequest,
  kPromise,
  kThreat,
  kPrediction,
  kHypothetical,
  kDeontic,
  kReport,
  kAllege,
  kExhort,
  kPast,
  kConcessive,
  kBackground,
  kOccur,  // "took place", "there were", "hubo": what it governs happened (anchors a nominal trigger)
};
inline constexpr uint8_t kCueKindCount = static_cast<uint8_t>(CueKind::kOccur) + 1;
enum class CueScope : uint8_t { kClause = 0, kComplement = 1, kNext = 2 };

enum TriggerFlag : uint16_t {
  kTrigNoun = 1,
  kTrigIntrans = 2,
  kTrigPassive = 4,
  kTrigWeak = 8,
  kTrigCasualty = 16,
  kTrigIgnore = 32,   // a blocker: wins the longest match and codes nothing ("fight for", "news conference")
  kTrigEpisode = 64,  // names a whole episode ("the uprising"): coded only when dated or placed
};
enum TitleFlag : uint16_t {
  kTitleAlone = 1,   // "the president" acts alone
  kTitleFormer = 2,  // "the former president": the holder before the one in office
};

// Place words resolved in context (places.tsv special ids): Entry::value and Mention::place below zero.
// Persisted: do not renumber.
enum PlaceWord : int32_t {
  kPlaceCapital = -1,     // @capital: "the capital", "the presidential palace"
  kPlaceCountry = -2,     // @country: "the country"
  kPlaceSecondCity = -3,  // @second_city: the country's second city by population
  kPlaceNorth = -4,       // @north: "northern X", "the north (of X)", "north of X"
  kPlaceSouth = -5,
  kPlaceEast = -6,
  kPlaceWest = -7,
  kPlaceCentre = -8,
  kPlaceNone = -100,  // at run time only: a place word that turned out to name no place ("Western governments")
};
inline bool IsDirection(int32_t place) { return place <= kPlaceNorth && place >= kPlaceCentre; }
// The special id of a places.tsv row ("@north"), or 0 when it is an ordinary id.
int32_t PlaceWordOf(const std::string& id);

struct Entry {
  EntryKind kind = EntryKind::kTrigger;
  uint32_t file = 0;  // index into ModelData::files
  uint32_t line = 0;
  std::string pattern;          // as written, for --explain
  std::vector<uint32_t> terms;  // compiled pattern
  // Payload; which fields are used depends on `kind` (see doc/lexicon-format.md):
  //  trigger: type, mode, contexts (text), flags, cue/scope (cue=KIND), target_after (text2)
  //  agent/title: sector, name, flags; title: text = people.tsv roles of the office ("president,acting_president")
  //  pronoun: mode = kind;  cue: cue, scope
  //  number: value, mode = unit|tens|mult|vague|qual|article, text = qualifier
  //  count: mode = dead|injured|arrested|size, text = verb|noun;  date: mode = kind, text = value
  //  country: value = country index, mode = role;  place/organisation/person: value = row index
  //  (place value -1 = "the capital" of the country in context, -2 = "the country");  function: mode = role
  uint8_t type = 0;
  uint8_t cue = 0, scope = 0;
  uint16_t flags = 0;
  int64_t value = 0;
  std::string mode, sector, name, text, text2;
};

struct Country {
  std::string iso3, iso2, name, capital;
  double lat = 0, lon = 0;  // of the capital
  int64_t geonames = 0;     // of the capital
  double centroid_lat = 0, centroid_lon = 0;  // the country's own point (GeoNames'), 0/0 when not given
  int64_t country_geonames = 0;
};
struct PlaceRow {
  std::string id, name, country, admin1, precision;
  double lat = 0, lon = 0;
  int64_t geonames = 0;
};
struct Organisation {
  std::string code, sector, name;
};
struct Person {
  std::string name, country, sector, role, from, to;
  std::vector<std::string> aliases;
};

// One row of ontology/plover.tsv: how a PLOVER category and mode map to CAMEO and ACLED.
struct OntologyRow {
  uint8_t type = 0;
  std::string mode;                              // "*" = any mode
  std::string cameo, acled_type, acled_subtype;  // empty when none
};

// The trie's edges, (node << 32 | term) -> child, in one array with open addressing and linear probing: a
// lookup reads one or two adjacent slots where std::unordered_map follows a pointer per bucket and per node
// (the lookup is the matcher's inner loop, once per token and trie depth). Child 0 marks an empty slot: no
// edge leads back to the root. The table is at most half full.
class EdgeMap {
 public:
  uint32_t Find(uint64_t key) const {
    if (slots_.empty()) return 0;
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (e.child == 0 || e.key == key) return e.child;
    }
  }
  // Adds key -> child unless the key is there; returns the child stored for the key.
  uint32_t Insert(uint64_t key, uint32_t child) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    for (size_t i = Slot(key);; i = (i + 1) & mask_) {
      Entry& e = slots_[i];
      if (e.child == 0) {
        e = {key, child};
        ++size_;
        return child;
      }
      if (e.key == key) return e.child;
    }
  }
  size_t size() const { return size_; }

 private:
  struct Entry {
    uint64_t key = 0;
    uint32_t child = 0;
  };
  size_t Slot(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_); }
  void Grow() {
    std::vector<Entry> old = std::move(slots_);
    const size_t capacity = old.empty() ? 64 : old.size() * 2;
    slots_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
    size_ = 0;
    for (const Entry& e : old)
      if (e.child) Insert(e.key, e.child);
  }
  std::vector<Entry> slots_;
  size_t size_ = 0, mask_ = 0;
  unsigned shift_ = 64;
};

struct Trie {
  struct Node {
    uint32_t gap = 0;                           // child reached through a "..." gap, 0 = none
    uint32_t first_entry = 0, entry_count = 0;  // into entries
  };
  std::vector<Node> nodes;        // nodes[0] is the root
  EdgeMap edges;                  // (node << 32 | term) -> child, below the root
  std::vector<uint32_t> root;     // term -> child of the root, 0 = none: dense, for the first step of every
                                  // walk, taken at every token
  std::vector<uint32_t> entries;  // entry indices, grouped by node
  uint32_t Child(uint32_t node, uint32_t term) const {
    if (node == 0) return term < root.size() ? root[term] : 0;
    return edges.Find((static_cast<uint64_t>(node) << 32) | term);
  }
};

// How a language's words and clauses behave: lang.tsv beyond name/stemmer/script (doc/lexicon-format.md).
// Every list is empty and every switch off unless lang.tsv says otherwise (English states its own).
struct LangGrammar {
  // kV2: the finite verb comes second, after the subject or after any other phrase, and a participle or
  // particle may close the clause (German, Norwegian).
  enum class Order : uint8_t { kSvo, kSov, kVso, kV2 };
  std::vector<std::string> suffixes;       // `stemmer suffix`: endings to strip
  bool agents_by_stem = false;             // agents, titles, demonyms match by stem (case languages)
  std::vector<std::string> name_endings;   // a name is also looked up without one of these endings
  std::vector<std::string> name_prefixes;  // ... or without one of these clitics
  std::string translit;                    // ICU transliterator id to Latin, for names in this script
  std::vector<std::string> elision;        // "l'", "d'": split off the word they elide into
  bool apostrophe_split = false;           // a suffix after an apostrophe is a token ("Bişkek'te")
  bool demonyms_lower = false;             // demonyms are written in lower case ("kazakhe", "казахский")
  Order order = Order::kSvo;
  std::vector<std::string> gerund, participle, finite, imperative;
  std::vector<std::string> passive_endings, agent_endings;
  std::vector<std::string> future, conditional;  // verb endings of tenses that state no deed ("protestarán")
  // The same without their accents, where that changes them: read in sentences in capitals, which drop
  // accents ("MARCHARAN" for "marcharán"). Derived by LangData::BuildIndex, not set in lang.tsv.
  std::vector<std::string> future_bare, conditional_bare;
  std::vector<std::string> future_prefixes;      // the same as prefixes (Arabic سـ: "سيتظاهر")
  std::vector<std::string> and_prefixes;         // a conjunction written on the next word (Arabic و: "والجيش")
  bool genitive_after = false;                   // a country right after a noun is its owner ("полиция Казахстана")
  std::vector<std::string> definite_prefixes;    // a definite article written on the word (Arabic ال): such a
                                                 // head has no owner after it ("الحكومة روسيا" is two phrases)
  bool nouns_capitalised = false;                // every noun has a capital (German): capitals do not make names
  bool postpositions = false;                    // case markers follow the noun (Turkish "'te", "tarafından")
  std::vector<std::string> oblique_endings;      // case endings that put a noun in a phrase ("-lere", "-dan")
  std::vector<std::string> negative_endings;     // a verb with one is negated ("saldırmadı")
  bool negation_after = false;                   // negation may follow the verb ("skjøt ikke", "schoss nicht")
  int max_gap = 4;                               // tokens a "..." gap in a pattern may skip ("nahm ... fest")
  bool postnominal_participles = false;          // "os jornalistas detidos": a participle after its noun
  bool pro_drop = false;  // a finite verb needs no subject ("Exigen rebaja ..."): imperatives need a "!"
  std::vector<std::string> first_person;  // where subjects are dropped: verb endings that say "we" or "I"
                                          // ("exigimos"); such a verb does not take the previous subject

  // Parses the `key value` rows of lang.tsv; unknown keys are an error so that typos do not pass silently.
  // Returns an empty string or the message.
  std::string Set(const std::string& key, const std::string& value);
};

// True when `w` ends with one of `endings` and keeps at least `min_left` code points before it.
bool EndsWithAny(std::string_view w, const std::vector<std::string>& endings, size_t min_left = 2);

// One language's lexicons. A model read from a file keeps each language as its serialised block (`packed`)
// until ModelData::Lang first asks for it: a run over English text never parses the other languages, which
// keeps the model load near the cost of one language (doc/model-format.md).
struct LangData {
  std::string iso, name, stemmer, script;
  std::string_view packed;  // unparsed block in ModelData::raw, or empty
  uint64_t packed_checksum = 0;  // of `packed`, verified by Unpack
  std::shared_ptr<std::once_flag> once = std::make_shared<std::once_flag>();  // guards the parse
  Status unpacked;                                                     // how the parse went
  Status Unpack(size_t file_count);  // parses `packed`, then BuildIndex
  void BuildIndex();                 // the maps and the trie, from terms and entries
  std::vector<std::string> abbreviations, stopwords;
  std::vector<std::pair<std::string, std::string>> settings;  // lang.tsv rows, serialised; parsed into `grammar`
  LangGrammar grammar;
  std::vector<Entry> entries;
  std::vector<std::string> terms;  // id -> "s:<stem>" or "x:<exact>"; id 0 unused
  // Built at load:
  TermMap stem_ids, exact_ids;
  TermMap translit_ids;                      // name key (text/translit.h) -> "t:" term id
  std::unordered_set<uint32_t> name_terms;   // terms of names: the only ones an inflected form may reach
  std::unordered_set<std::string, StringHash, std::equal_to<>> stopword_set;
  Trie trie;
  // Exact forms by their spelling without accents ("protesto" -> the id of "x:protestó"), for sentences in
  // capitals, which drop them ("EL SENADO PROTESTO"). Only forms that lose an accent and do not then spell
  // another exact form. Built on first need (most runs meet no headline in capitals), thread-safe.
  const TermMap& ExactWithoutAccents() const;
  std::shared_ptr<std::once_flag> bare_once = std::make_shared<std::once_flag>();
  mutable TermMap bare_exact_ids;
};

struct ModelData {
  // The model file's bytes, when read from one (LangData::packed points in): owned, or a read-only
  // mapping of the file kept alive by `mapping`.
  std::string raw;
  std::shared_ptr<const void> mapping;
  std::vector<std::string> files;  // data files, relative to data/, for --explain
  std::vector<LangData> langs;
  std::vector<Country> countries;
  std::vector<PlaceRow> places;
  std::vector<Organisation> organisations;
  std::vector<Person> people;
  std::vector<OntologyRow> ontology;
  std::string lid_bytes;  // fastText language identification model (lid.176.ftz), or empty
  text::Furniture furniture;  // text/furniture.tsv: page furniture phrases, lines and HTML classes
  std::unique_ptr<Gazetteer> gazetteer;  // GeoNames places, regions and continents; null when built without
  // Built at load:
  // fastText, loaded on first use (documents with a declared language never need it); null without
  // lid_bytes. predict() is const and thread-safe.
  const fasttext::FastText* Lid() const;
  mutable std::shared_ptr<const fasttext::FastText> lid_;
  std::shared_ptr<std::once_flag> lid_once = std::make_shared<std::once_flag>();
  std::unordered_map<std::string, uint32_t> country_index;  // iso3 -> index
  // The rows of `people` that share each row's name, and those of each country, in file order: a person's
  // mention and an office's title ask for them, and a scan of every row (1,400, a few hundred bytes each)
  // for each was a tenth of the entities stage.
  std::vector<uint32_t> person_same_name;      // row -> the next row with its name, kNoRow after the last
  std::vector<uint32_t> person_first_of_name;  // row -> the first row with its name
  std::unordered_map<std::string, std::vector<uint32_t>> people_of_country;  // iso3 -> rows
  static constexpr uint32_t kNoRow = ~uint32_t{0};

  // The language's lexicons, parsed on first use (thread-safe); null when the model has none for `iso` or
  // its block is damaged.
  const LangData* Lang(const std::string& iso) const {
    for (const LangData& l : langs) {
      if (l.iso != iso) continue;
      std::call_once(*l.once, [&] {
        LangData& ml = const_cast<LangData&>(l);  // lazy parse: logically const, guarded by `once`
        if (!ml.packed.empty()) ml.unpacked = ml.Unpack(files.size());
      });
      return l.unpacked.ok() ? &l : nullptr;
    }
    return nullptr;
  }
  // Why Lang(iso) is null for a language the model has: its block is damaged. Ok otherwise.
  Status LangError(const std::string& iso) const {
    for (const LangData& l : langs)
      if (l.iso == iso) return Lang(iso) ? Status::Ok() : l.unpacked;
    return Status::Ok();
  }
  const Country* CountryOf(const std::string& iso3) const {
    auto it = country_index.find(iso3);
    return it == country_index.end() ? nullptr : &countries[it->second];
  }
  // Rebuilds the vocabulary maps, tries and indices from the serialised fields, and loads the fastText
  // model. Fails only when lid_bytes is not a fastText model.
  Status Index();
};

}  // namespace tocsin::internal
