#include "resolve/gazetteer.h"

#include <marisa/iostream.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "lexicon/model_data.h"
#include "text/normalize.h"
#include "text/utf8.h"

namespace tocsin::internal {
namespace fs = std::filesystem;

struct Gazetteer::Owned {
  std::vector<GeoPlace> places;
  std::vector<GeoRegion> regions;
  std::vector<uint32_t> offsets, postings;
  std::string pool;
  std::string qualifiers;
};

Gazetteer::Gazetteer() = default;
Gazetteer::~Gazetteer() = default;

std::string_view GeoFeatureName(GeoFeature f) {
  switch (f) {
    case GeoFeature::kRegion:
      return "region";
    case GeoFeature::kContinent:
      return "continent";
    default:
      return "city";
  }
}

void AppendGeoKey(std::string_view folded, std::string* out) {
  bool space = !out->empty();  // a space is owed before the next kept character
  bool pending = false;
  for (size_t i = 0; i < folded.size();) {
    const unsigned char b = static_cast<unsigned char>(folded[i]);
    bool keep;
    size_t start = i;
    if (b < 0x80) {
      auto ascii_kept = [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
      };
      keep = ascii_kept(b);
      ++i;
      // A run of kept ASCII characters (most of a Latin word) is appended at once, not a character at a time.
      if (keep)
        while (i < folded.size() && ascii_kept(static_cast<unsigned char>(folded[i]))) ++i;
    } else {
      const char32_t c = text::NextCodePoint(folded, i);
      const int8_t cat = static_cast<int8_t>(u_charType(static_cast<UChar32>(c)));
      keep = u_isalnum(static_cast<UChar32>(c)) || cat == U_NON_SPACING_MARK || cat == U_COMBINING_SPACING_MARK;
    }
    if (!keep) {
      pending = true;
      continue;
    }
    if ((pending || space) && !out->empty() && out->back() != ' ') out->push_back(' ');
    space = false;
    pending = false;
    out->append(folded.substr(start, i - start));
  }
}

std::string GeoKey(std::string_view name) {
  std::string folded, key;
  text::FoldCase(name, &folded);
  AppendGeoKey(folded, &key);
  return key;
}

namespace {

// A GNU gettext .mo file: (msgid, msgstr) pairs. Only the layout the format defines is trusted; a damaged
// file yields what could be read.
std::vector<std::pair<std::string, std::string>> ReadMo(const fs::path& path) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto u32 = [&](size_t at) -> uint32_t {
    uint32_t v = 0;
    if (at + 4 <= b.size()) std::memcpy(&v, b.data() + at, 4);
    return v;
  };
  if (u32(0) != 0x950412deu) return out;  // little-endian files only (what Debian ships)
  const uint32_t n = u32(8), orig = u32(12), trans = u32(16);
  auto str = [&](uint32_t table, uint32_t i) -> std::string {
    const uint64_t at = static_cast<uint64_t>(table) + 8ull * i;
    const uint32_t len = u32(static_cast<size_t>(at)), off = u32(static_cast<size_t>(at + 4));
    if (at + 8 > b.size() || static_cast<uint64_t>(off) + len > b.size()) return {};
    return b.substr(off, len);
  };
  for (uint32_t i = 0; i < n && 8ull * i + 8 <= b.size(); ++i) out.emplace_back(str(orig, i), str(trans, i));
  return out;
}

std::vector<std::string> SplitOn(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t at = 0;
  for (;;) {
    const size_t e = s.find(sep, at);
    out.push_back(s.substr(at, e == std::string::npos ? std::string::npos : e - at));
    if (e == std::string::npos) break;
    at = e + 1;
  }
  return out;
}

// Alternate names that are codes, not names: airport codes ("FRU"), postal codes, links.
bool LooksLikeCode(const std::string& n, const std::string& main_name) {
  if (n.empty() || n == main_name) return n.empty();
  if (n.find("http") != std::string::npos) return true;
  bool upper = true, digit = false;
  size_t cps = 0;
  for (size_t i = 0; i < n.size();) {
    const char32_t c = text::NextCodePoint(n, i);
    ++cps;
    if (u_isdigit(static_cast<UChar32>(c))) digit = true;
    if (!u_isupper(static_cast<UChar32>(c)) && c != '-') upper = false;
  }
  return digit || cps < 2 || (upper && cps <= 4);
}

GeoFeature FeatureOf(const std::string& code) {
  if (code == "PPLC") return GeoFeature::kCapital;
  if (code == "PPLA") return GeoFeature::kSeat1;
  if (code == "PPLA2") return GeoFeature::kSeat2;
  if (code == "PPLA3") return GeoFeature::kSeat3;
  if (code.rfind("PPLA", 0) == 0) return GeoFeature::kSeat4;
  if (code == "PPLX") return GeoFeature::kSection;
  return GeoFeature::kPopulated;
}

struct Affixes {
  std::vector<std::string> prefixes, suffixes;  // GeoKeys: "state of", "oblast"
  // The key itself and the key without each affix that it carries.
  void Variants(const std::string& key, std::vector<std::string>* out) const {
    out->push_back(key);
    for (const std::string& p : prefixes)
      if (key.size() > p.size() + 1 && key.compare(0, p.size(), p) == 0 && key[p.size()] == ' ')
        out->push_back(key.substr(p.size() + 1));
    for (const std::string& s : suffixes)
      if (key.size() > s.size() + 1 && key.compare(key.size() - s.size(), s.size(), s) == 0 &&
          key[key.size() - s.size() - 1] == ' ')
        out->push_back(key.substr(0, key.size() - s.size() - 1));
  }
};

}  // namespace

size_t Gazetteer::keys() const { return trie_.empty() ? 0 : trie_.num_keys(); }

std::string_view Gazetteer::str(uint32_t offset) const {
  if (offset >= pool_.size()) return {};
  return std::string_view(pool_.data() + offset);
}

std::string_view Gazetteer::region_name(uint16_t admin1) const {
  if (admin1 >= regions_.size()) return {};
  return name(places_[regions_[admin1].place]);
}

std::span<const uint32_t> Gazetteer::Postings(uint32_t id) const {
  if (id + 1 >= offsets_.size()) return {};
  return postings_.subspan(offsets_[id], offsets_[id + 1] - offsets_[id]);
}

std::optional<uint32_t> Gazetteer::KeyOf(std::string_view key) const {
  marisa::Agent agent;
  return KeyOf(key, &agent);
}

std::optional<uint32_t> Gazetteer::KeyOf(std::string_view key, marisa::Agent* agent) const {
  if (trie_.empty() || key.empty()) return std::nullopt;
  agent->set_query(key.data(), key.size());
  if (!trie_.lookup(*agent)) return std::nullopt;
  return static_cast<uint32_t>(agent->key().id());
}

int64_t Gazetteer::LargestCity(uint16_t country, int rank) const {
  if (rank < 1 || rank > 3) return -1;
  std::call_once(ranked_once_, [&] {
    for (uint32_t row = 0; row < places_.size(); ++row) {
      const GeoPlace& p = places_[row];
      if (p.population < 10000) continue;  // no country's second city is smaller; most rows are
      if (p.feature == GeoFeature::kRegion || p.feature == GeoFeature::kContinent ||
          p.feature == GeoFeature::kSection || p.country == kNoIndex16)
        continue;
      if (p.country >= ranked_.size()) ranked_.resize(p.country + 1u, {0, 0, 0});
      auto& top = ranked_[p.country];
      for (int k = 0; k < 3; ++k) {
        if (top[k] != 0 && places_[top[k] - 1].population >= p.population) continue;
        for (int j = 2; j > k; --j) top[j] = top[j - 1];
        top[k] = row + 1;
        break;
      }
    }
  });
  if (country >= ranked_.size() || ranked_[country][rank - 1] == 0) return -1;
  return ranked_[country][rank - 1] - 1;
}

std::string Gazetteer::KeyText(uint32_t id) const {
  if (trie_.empty() || id >= trie_.num_keys()) return {};
  marisa::Agent agent;
  agent.set_query(static_cast<std::size_t>(id));
  trie_.reverse_lookup(agent);
  return std::string(agent.key().ptr(), agent.key().length());
}

std::span<const uint32_t> Gazetteer::Find(std::string_view key) const {
  const auto id = KeyOf(key);
  return id ? Postings(*id) : std::span<const uint32_t>();
}

void Gazetteer::Prefixes(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>* out) const {
  marisa::Agent agent;
  Prefixes(text, &agent, out);
}

void Gazetteer::Prefixes(std::string_view text, marisa::Agent* agent,
                         std::vector<std::pair<uint32_t, uint32_t>>* out) const {
  out->clear();
  if (trie_.empty() || text.empty()) return;
  // set_query resets the agent's search state: a search left unfinished before does not carry over.
  agent->set_query(text.data(), text.size());
  while (trie_.common_prefix_search(*agent)) {
    const size_t len = agent->key().length();
    if (len == text.size() || text[len] == ' ')
      out->emplace_back(static_cast<uint32_t>(len), static_cast<uint32_t>(agent->key().id()));
  }
}

Result<std::unique_ptr<Gazetteer>> Gazetteer::Build(const GazetteerSources& src, const std::vector<Country>& countries,
                                                    std::vector<std::string>* warnings) {
  auto g = std::make_unique<Gazetteer>();
  g->owned_ = std::make_unique<Owned>();
  Owned& o = *g->owned_;
  std::unordered_map<std::string, uint16_t> country_of;  // iso2 -> index
  for (size_t i = 0; i < countries.size(); ++i)
    if (!countries[i].iso2.empty()) country_of.emplace(countries[i].iso2, static_cast<uint16_t>(i));
  auto intern = [&](const std::string& s) {
    const uint32_t at = static_cast<uint32_t>(o.pool.size());
    o.pool += s;
    o.pool.push_back('\0');
    return at;
  };

  // The recipe: affixes of region names, continents.
  Affixes affixes;
  std::vector<std::pair<std::string, uint32_t>> names;  // (key, place row)
  struct ContinentRow {
    GeoPlace place;
    std::vector<std::string> names;
  };
  std::vector<ContinentRow> continents;
  std::unordered_map<std::string, std::vector<std::string>> extra_region_names;  // code -> names
  std::vector<std::string> skip;  // keys never filed: words that name regions only in a longer phrase
  auto read_rows = [&](const std::string& file, auto&& on_row) {
    std::ifstream in(fs::path(src.recipe_dir) / file);
    if (!in) return false;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> f = SplitOn(line, '\t');
      if (!on_row(f)) warnings->push_back("world/" + file + ":" + std::to_string(n) + ": not understood, skipped");
    }
    return true;
  };
  if (!src.recipe_dir.empty()) {
    read_rows("gazetteer.tsv", [&](const std::vector<std::string>& f) {
      if (f.size() >= 3 && f[0] == "affix") {
        (f[1] == "prefix" ? affixes.prefixes : affixes.suffixes).push_back(GeoKey(f[2]));
        return f[1] == "prefix" || f[1] == "suffix";
      }
      if (f.size() >= 2 && f[0] == "skip") {
        for (const std::string& n : SplitOn(f[1], '|')) skip.push_back(GeoKey(n));
        return true;
      }
      if (f.size() >= 5 && f[0] == "continent") {
        ContinentRow c;
        c.place.geonames = std::strtoll(f[1].c_str(), nullptr, 10);
        c.place.lat = std::strtof(f[2].c_str(), nullptr);
        c.place.lon = std::strtof(f[3].c_str(), nullptr);
        c.place.feature = GeoFeature::kContinent;
        c.names = SplitOn(f[4], '|');
        continents.push_back(std::move(c));
        return !continents.back().names.empty();
      }
      return false;
    });
    read_rows("region_names.tsv", [&](const std::vector<std::string>& f) {
      if (f.size() < 2) return false;
      for (const std::string& n : SplitOn(f[1], '|'))
        if (!n.empty()) extra_region_names[f[0]].push_back(n);
      return true;
    });
  }

  // Cities.
  std::ifstream in(src.cities);
  if (!in) return Status::NotFound("no GeoNames cities file at `" + src.cities + "`: run scripts/setup");
  std::unordered_map<std::string, uint16_t> region_of;  // "KG.08" -> region index
  std::unordered_map<std::string, uint16_t> iso_region;  // "kgo" (CLDR's form of ISO "KG-O") -> region index
  struct Box {
    float lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
    uint64_t population = 0;
    uint16_t country = kNoIndex16;
  };
  std::vector<Box> boxes;
  std::vector<std::string> region_codes;
  std::unordered_map<int64_t, uint32_t> row_of;  // GeoNames id -> row
  std::string line;
  size_t skipped = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> f = SplitOn(line, '\t');
    if (f.size() < 15) {
      ++skipped;
      continue;
    }
    auto c = country_of.find(f[8]);
    if (c == country_of.end()) {
      ++skipped;
      continue;
    }
    GeoPlace p;
    p.geonames = std::strtoll(f[0].c_str(), nullptr, 10);
    p.lat = std::strtof(f[4].c_str(), nullptr);
    p.lon = std::strtof(f[5].c_str(), nullptr);
    p.population = static_cast<uint32_t>(std::min<long long>(std::strtoll(f[14].c_str(), nullptr, 10), UINT32_MAX));
    p.country = c->second;
    p.feature = FeatureOf(f[7]);
    p.name = intern(f[1]);
    if (!f[10].empty() && f[10] != "00") {
      const std::string code = f[8] + "." + f[10];
      auto [it, fresh] = region_of.emplace(code, static_cast<uint16_t>(boxes.size()));
      if (fresh) {
        if (boxes.size() >= kNoIndex16 - 1) return Status::Corrupt("gazetteer: too many regions");
        boxes.emplace_back();
        boxes.back().country = p.country;
        region_codes.push_back(code);
      }
      p.admin1 = it->second;
      Box& b = boxes[it->second];
      b.lat0 = std::min(b.lat0, p.lat);
      b.lat1 = std::max(b.lat1, p.lat);
      b.lon0 = std::min(b.lon0, p.lon);
      b.lon1 = std::max(b.lon1, p.lon);
      b.population += p.population;
    }
    const uint32_t row = static_cast<uint32_t>(o.places.size());
    row_of[p.geonames] = row;
    o.places.push_back(p);
    names.emplace_back(GeoKey(f[1]), row | kPrimary);
    if (!f[2].empty()) names.emplace_back(GeoKey(f[2]), row | kPrimary);
    for (const std::string& alt : SplitOn(f[3], ','))
      if (!LooksLikeCode(alt, f[1])) names.emplace_back(GeoKey(alt), row);
  }
  if (o.places.empty()) return Status::Corrupt("`" + src.cities + "` holds no GeoNames rows");
  if (skipped) warnings->push_back("gazetteer: " + std::to_string(skipped) + " rows of unknown countries skipped");

  // Regions: a place row each, at the centre of the box around their places.
  std::vector<std::vector<std::string>> region_names(boxes.size());
  std::vector<std::string> region_english(boxes.size());
  // Translated names by language (libgeonames-common): of places ("1528675") and of regions ("KG.08").
  if (!src.locale_dir.empty()) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& d : fs::directory_iterator(src.locale_dir, ec)) {
      const fs::path mo = d.path() / "LC_MESSAGES" / "geonames.mo";
      if (fs::exists(mo, ec)) files.push_back(mo);
    }
    std::sort(files.begin(), files.end());  // deterministic model bytes
    for (const fs::path& mo : files) {
      const bool english = mo.parent_path().parent_path().filename() == "en";
      for (auto& [id, name] : ReadMo(mo)) {
        if (id.empty() || name.empty()) continue;
        if (id[0] >= '0' && id[0] <= '9') {
          auto r = row_of.find(std::strtoll(id.c_str(), nullptr, 10));
          if (r != row_of.end()) names.emplace_back(GeoKey(name), r->second);
        } else if (auto r = region_of.find(id); r != region_of.end()) {
          region_names[r->second].push_back(name);
          if (english) region_english[r->second] = name;
        }
      }
    }
  }
  for (auto& [code, list] : extra_region_names) {
    auto r = region_of.find(code);
    if (r == region_of.end()) {
      warnings->push_back("world/region_names.tsv: no region " + code + " in the gazetteer");
      continue;
    }
    for (const std::string& n : list) region_names[r->second].push_back(n);
  }
  // ISO 3166-2 names of first-level subdivisions (iso-codes), matched to GeoNames regions by code (where
  // GeoNames uses the ISO code, as for US states) or by name.
  if (!src.iso_codes.empty()) {
    std::ifstream js(fs::path(src.iso_codes) / "iso_3166-2.json");
    if (js) {
      try {
        const nlohmann::json j = nlohmann::json::parse(js);
        std::unordered_map<std::string, uint16_t> by_key;  // "KG osh" -> region
        for (size_t r = 0; r < boxes.size(); ++r) {
          const std::string cc = region_codes[r].substr(0, 2);
          for (const std::string& n : region_names[r]) {
            std::vector<std::string> v;
            affixes.Variants(GeoKey(n), &v);
            for (const std::string& k : v) by_key.emplace(cc + " " + k, static_cast<uint16_t>(r));
          }
        }
        for (const auto& sub : j.at("3166-2")) {
          if (sub.contains("parent")) continue;
          const std::string code = sub.value("code", ""), name = sub.value("name", "");
          if (code.size() < 4 || name.empty()) continue;
          const std::string cc = code.substr(0, 2);
          auto r = region_of.find(cc + "." + code.substr(3));
          if (r == region_of.end()) {
            std::vector<std::string> v;
            affixes.Variants(GeoKey(name), &v);
            for (const std::string& k : v)
              if (auto b = by_key.find(cc + " " + k); b != by_key.end()) {
                r = region_of.find(region_codes[b->second]);
                break;
              }
          }
          if (r == region_of.end()) continue;
          region_names[r->second].push_back(name);
          std::string cldr = code.substr(0, 2) + code.substr(3);  // "US-CA" -> "usca", CLDR's key
          for (char& ch : cldr) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          iso_region.emplace(std::move(cldr), r->second);
        }
      } catch (const std::exception& e) {
        warnings->push_back(std::string("gazetteer: iso_3166-2.json not read: ") + e.what());
      }
    }
  }
  // CLDR's names of the same subdivisions in the languages of the model (unicode-cldr-core):
  // <subdivision type="usca">Калифорния</subdivision>.
  for (const std::string& lang : src.cldr_languages) {
    std::ifstream x(fs::path(src.cldr_subdivisions) / (lang + ".xml"));
    std::string xl;
    while (x && std::getline(x, xl)) {
      const size_t a = xl.find("<subdivision type=\"");
      if (a == std::string::npos) continue;
      const size_t q = xl.find('"', a + 19), gt = xl.find('>', a), lt = xl.find("</subdivision>", a);
      if (q == std::string::npos || gt == std::string::npos || lt == std::string::npos || lt < gt) continue;
      auto r = iso_region.find(xl.substr(a + 19, q - a - 19));
      if (r == iso_region.end()) continue;
      std::string name = xl.substr(gt + 1, lt - gt - 1);
      for (auto [ent, ch] : {std::pair{"&amp;", "&"}, std::pair{"&apos;", "'"}, std::pair{"&quot;", "\""}})
        for (size_t at; (at = name.find(ent)) != std::string::npos;) name.replace(at, std::strlen(ent), ch);
      if (!name.empty()) region_names[r->second].push_back(name);
    }
  }
  for (size_t r = 0; r < boxes.size(); ++r) {
    GeoRegion reg;
    reg.code = intern(region_codes[r]);
    reg.place = static_cast<uint32_t>(o.places.size());
    o.regions.push_back(reg);
    GeoPlace p;
    const Box& b = boxes[r];
    p.lat = (b.lat0 + b.lat1) / 2;
    p.lon = (b.lon0 + b.lon1) / 2;
    p.population = static_cast<uint32_t>(std::min<uint64_t>(b.population, UINT32_MAX));
    p.country = b.country;
    p.admin1 = static_cast<uint16_t>(r);
    p.feature = GeoFeature::kRegion;
    const std::string& shown = !region_english[r].empty()     ? region_english[r]
                               : !region_names[r].empty() ? region_names[r].front()
                                                          : std::string();
    // The English name without its "Oblast"/"State of" ("State of Wyoming" is Wyoming).
    std::string display = shown;
    if (!shown.empty()) {
      std::vector<std::string> v;
      affixes.Variants(GeoKey(shown), &v);
      if (v.size() > 1) {
        // Keep the original spelling: cut the same number of words from the original.
        const std::string& k = v[1];
        const size_t words_cut = std::count(v[0].begin(), v[0].end(), ' ') - std::count(k.begin(), k.end(), ' ');
        std::vector<std::string> w = SplitOn(shown, ' ');
        if (w.size() > words_cut) {
          const bool prefix = v[0].compare(v[0].size() - k.size(), k.size(), k) == 0;
          std::vector<std::string> kept(prefix ? w.begin() + static_cast<long>(words_cut) : w.begin(),
                                        prefix ? w.end() : w.end() - static_cast<long>(words_cut));
          std::string joined;
          for (const std::string& s : kept) joined += (joined.empty() ? "" : " ") + s;
          if (GeoKey(joined) == k) display = joined;
        }
      }
    }
    p.name = intern(display);
    o.places.push_back(p);
    for (const std::string& n : region_names[r]) {
      std::vector<std::string> v;
      const std::string k = GeoKey(n);
      // A one-word abbreviation ("Ky.", "Calif.") is filed with its dot, so that the word without it ("Mass",
      // "Miss") is not the region.
      if (n.size() > 1 && n.back() == '.' && k.find(' ') == std::string::npos) {
        names.emplace_back(k + " .", reg.place | kPrimary);
        continue;
      }
      affixes.Variants(k, &v);
      for (std::string& k : v) names.emplace_back(std::move(k), reg.place | kPrimary);
    }
  }
  for (ContinentRow& c : continents) {
    c.place.name = intern(c.names.front());
    const uint32_t row = static_cast<uint32_t>(o.places.size());
    o.places.push_back(c.place);
    for (const std::string& n : c.names) names.emplace_back(GeoKey(n), row | kPrimary);
  }

  // The name index: keys in a trie, places of a key most populous first.
  std::sort(skip.begin(), skip.end());
  std::erase_if(names, [&](const auto& n) {
    return n.first.empty() || std::binary_search(skip.begin(), skip.end(), n.first);
  });
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  marisa::Keyset keyset;
  std::vector<size_t> first_of_key;  // index into names of each distinct key, in keyset order
  for (size_t i = 0; i < names.size(); ++i)
    if (i == 0 || names[i].first != names[i - 1].first) {
      keyset.push_back(names[i].first.data(), names[i].first.size());
      first_of_key.push_back(i);
    }
  try {
    g->trie_.build(keyset, static_cast<int>(MARISA_DEFAULT_NUM_TRIES) | static_cast<int>(MARISA_TEXT_TAIL));
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string("gazetteer: name index not built: ") + e.what());
  }
  std::vector<std::vector<uint32_t>> by_id(g->trie_.num_keys());
  for (size_t k = 0; k < first_of_key.size(); ++k) {
    std::vector<uint32_t>& list = by_id[keyset[k].id()];
    for (size_t i = first_of_key[k]; i < names.size() && names[i].first == names[first_of_key[k]].first; ++i)
      list.push_back(names[i].second);
    // One posting per place: its primary one when it has both.
    std::sort(list.begin(), list.end(), [](uint32_t a, uint32_t b) {
      return Row(a) != Row(b) ? Row(a) < Row(b) : Primary(a) > Primary(b);
    });
    list.erase(std::unique(list.begin(), list.end(), [](uint32_t a, uint32_t b) { return Row(a) == Row(b); }),
               list.end());
  }
  for (auto& list : by_id) {
    std::stable_sort(list.begin(), list.end(),
                     [&](uint32_t a, uint32_t b) { return o.places[Row(a)].population > o.places[Row(b)].population; });
    o.offsets.push_back(static_cast<uint32_t>(o.postings.size()));
    o.postings.insert(o.postings.end(), list.begin(), list.end());
  }
  o.offsets.push_back(static_cast<uint32_t>(o.postings.size()));
  g->places_ = o.places;
  g->regions_ = o.regions;
  g->offsets_ = o.offsets;
  g->postings_ = o.postings;
  g->pool_ = o.pool;
  for (const std::string& k : skip) {
    o.qualifiers += k;
    o.qualifiers.push_back('\n');
  }
  g->qualifier_list_ = o.qualifiers;
  for (const std::string& k : skip) g->qualifiers_.insert(k);
  return g;
}

void Gazetteer::Serialize(std::string* out) const {
  auto append_span = [&](auto span) {
    while (out->size() % 8) out->push_back('\0');
    const uint64_t n = span.size();
    out->append(reinterpret_cast<const char*>(&n), 8);
    out->append(reinterpret_cast<const char*>(span.data()), span.size_bytes());
  };
  append_span(places_);
  append_span(regions_);
  append_span(offsets_);
  append_span(postings_);
  append_span(std::span<const char>(pool_.data(), pool_.size()));
  std::ostringstream trie;
  marisa::write(trie, trie_);
  const std::string t = trie.str();
  append_span(std::span<const char>(t.data(), t.size()));
  append_span(std::span<const char>(qualifier_list_.data(), qualifier_list_.size()));
}

Result<std::unique_ptr<Gazetteer>> Gazetteer::Map(std::string_view bytes) {
  auto g = std::make_unique<Gazetteer>();
  size_t at = 0;
  bool ok = true;
  auto next = [&](auto* span) {
    using T = typename std::remove_reference_t<decltype(*span)>::element_type;
    at = (at + 7) & ~size_t{7};
    uint64_t n = 0;
    if (!ok || at + 8 > bytes.size()) return void(ok = false);
    std::memcpy(&n, bytes.data() + at, 8);
    at += 8;
    if (n > (bytes.size() - at) / sizeof(T) ||
        reinterpret_cast<uintptr_t>(bytes.data() + at) % alignof(T) != 0)
      return void(ok = false);
    *span = std::span<const T>(reinterpret_cast<const T*>(bytes.data() + at), static_cast<size_t>(n));
    at += static_cast<size_t>(n) * sizeof(T);
  };
  std::span<const char> pool, trie, qualifiers;
  next(&g->places_);
  next(&g->regions_);
  next(&g->offsets_);
  next(&g->postings_);
  next(&pool);
  next(&trie);
  next(&qualifiers);
  if (!ok) return Status::Corrupt("model file's gazetteer is damaged: rebuild the model");
  g->pool_ = std::string_view(pool.data(), pool.size());
  g->qualifier_list_ = std::string_view(qualifiers.data(), qualifiers.size());
  for (size_t at = 0; at < g->qualifier_list_.size();) {
    const size_t nl = g->qualifier_list_.find('\n', at);
    if (nl == std::string_view::npos) break;
    g->qualifiers_.emplace(g->qualifier_list_.substr(at, nl - at));
    at = nl + 1;
  }
  if (!g->pool_.empty() && g->pool_.back() != '\0') return Status::Corrupt("model file's gazetteer is damaged");
  // The model's checksum vouches for the bytes; only what a wrong writer could get wrong is checked here.
  if (!g->offsets_.empty() && g->offsets_.back() != g->postings_.size())
    return Status::Corrupt("model file's gazetteer is damaged (postings size)");
  try {
    if (!trie.empty()) g->trie_.map(trie.data(), trie.size());
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string("model file's gazetteer index is damaged: ") + e.what());
  }
  if (g->offsets_.size() != (g->trie_.empty() ? 0 : g->trie_.num_keys() + 1))
    return Status::Corrupt("model file's gazetteer is damaged (index size)");
  return g;
}

}  // namespace tocsin::internal
