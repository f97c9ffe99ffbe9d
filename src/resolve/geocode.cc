#include "resolve/geocode.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "resolve/gazetteer.h"

namespace tocsin::resolve {
namespace {

using internal::GeoFeature;
using internal::GeoPlace;
using internal::Gazetteer;

namespace config {
constexpr int kMaxWords = 5;             // the longest name looked up, in words
constexpr uint32_t kBigPlace = 100000;   // a place this large needs no other evidence
constexpr size_t kMaxCandidates = 100;   // places of one name ranked (most populous first)
constexpr double kBar = 5.0;             // a name is a place when its best place scores this
constexpr double kCountryNamed = 3.0;    // the document names the place's country
constexpr double kCountryEach = 0.3;     // ... for each mention of it, up to kCountryMentions
constexpr int kCountryMentions = 5;
constexpr double kFocus = 1.5;           // ... and it is the document's focus country
constexpr double kPublisher = 2.5;       // the report was published on a web domain of its country (local news)
constexpr double kContainer = 10.0;      // "Paris, Texas": written right after it
constexpr double kRegionNamed = 3.0;     // the place's region is named elsewhere in the document
constexpr double kNear = 1.5;            // for each other place chosen in the document within kNearKm,
constexpr int kNearMost = 3;             // ... counting up to this many
constexpr double kNearKm = 250.0;
constexpr double kOtherName = -3.0;     // filed under one of its alternate names, not its own
constexpr size_t kScanLowerWords = 128;  // a document of this many tokens is scanned for a word in lower case
constexpr double kCapital = 2.0, kSeat1 = 1.0, kSeat2 = 0.5, kRegion = 1.5, kContinent = 6.0, kSection = -1.0;
}  // namespace config

// Whether two points are within `km` of each other: a box test first, then the equirectangular distance,
// which is within a fraction of a per cent of the great-circle one at these distances.
bool Within(float lat1, float lon1, float lat2, float lon2, double km) {
  const double deg = km / 111.2;
  const double dlat = lat2 - lat1;
  if (dlat > deg || dlat < -deg) return false;
  double dlon = lon2 - lon1;
  if (dlon > 180) dlon -= 360;
  if (dlon < -180) dlon += 360;
  const double x = dlon * std::cos((lat1 + lat2) * 0.008726646259971648);  // half a degree in radians
  return x * x + dlat * dlat <= deg * deg;
}

const char* FeatureWhy(GeoFeature f) {
  switch (f) {
    case GeoFeature::kCapital:
      return "a national capital";
    case GeoFeature::kSeat1:
      return "a regional capital";
    case GeoFeature::kSeat2:
      return "a district seat";
    case GeoFeature::kContinent:
      return "a continent";
    case GeoFeature::kRegion:
      return "a first-level region";
    case GeoFeature::kSection:
      return "a part of a city";
    default:
      return "";
  }
}

double FeatureBonus(GeoFeature f) {
  switch (f) {
    case GeoFeature::kCapital:
      return config::kCapital;
    case GeoFeature::kSeat1:
      return config::kSeat1;
    case GeoFeature::kSeat2:
      return config::kSeat2;
    case GeoFeature::kContinent:
      return config::kContinent;
    case GeoFeature::kRegion:
      return config::kRegion;
    case GeoFeature::kSection:
      return config::kSection;
    default:
      return 0;
  }
}

// What the document says around its place names.
struct Context {
  std::unordered_map<uint16_t, int> countries;  // country index -> mentions
  uint16_t focus = internal::kNoIndex16;
  uint16_t publisher = internal::kNoIndex16;  // the country of the report's web domain (".ca", ".co.uk")
  std::unordered_set<uint16_t> regions;          // admin1 of places chosen (pass 2)
  struct Point {
    float lat, lon;
    uint32_t key;     // the name it was chosen for: namesakes are not each other's evidence
    uint16_t admin1;  // its region
  };
  std::vector<Point> points;  // places chosen (pass 2)
};

double Score(const GeoPlace& p, const Context& c, std::span<const uint32_t> containers, uint32_t self_key,
             std::vector<std::string>* why) {
  double s = std::log10(static_cast<double>(p.population) + 1);
  if (why) why->push_back("population " + std::to_string(p.population));
  if (const double f = FeatureBonus(p.feature); f != 0) {
    s += f;
    if (why) why->push_back(FeatureWhy(p.feature));
  }
  if (auto it = c.countries.find(p.country); it != c.countries.end()) {
    s += config::kCountryNamed + config::kCountryEach * std::min(it->second, config::kCountryMentions);
    if (why) why->push_back("its country is named (" + std::to_string(it->second) + "x)");
  }
  if (p.country == c.focus && c.focus != internal::kNoIndex16) {
    s += config::kFocus;
    if (why) why->push_back("its country is the document's focus");
  }
  if (p.country == c.publisher && c.publisher != internal::kNoIndex16) {
    s += config::kPublisher;
    if (why) why->push_back("the report comes from a web domain of its country");
  }
  for (uint32_t k : containers)
    if (k == (0x10000u | p.country) || (p.admin1 != internal::kNoIndex16 && k == p.admin1)) {
      s += config::kContainer;
      if (why) why->push_back("the region or country written after it contains it");
      break;
    }
  if (p.feature != GeoFeature::kRegion && p.admin1 != internal::kNoIndex16 && c.regions.count(p.admin1)) {
    s += config::kRegionNamed;
    if (why) why->push_back("its region is named in the document");
  }
  int near = 0;
  // Near a place: within kNearKm; for a region: inside it.
  for (size_t i = 0; i < c.points.size() && near < config::kNearMost; ++i)
    if (c.points[i].key != self_key &&
        (p.feature == GeoFeature::kRegion
             ? c.points[i].admin1 == p.admin1
             : Within(p.lat, p.lon, c.points[i].lat, c.points[i].lon, config::kNearKm)))
      ++near;
  if (near) {
    s += config::kNear * near;
    if (why) why->push_back("near " + std::to_string(near) + " other place(s) of the document");
  }
  return s;
}

// The country of a URL's country-code top-level domain ("https://lfpress.com.ca/..." is Canada's), or none for
// generic domains and the country codes sold as generic ones (.tv, .io, .me...).
uint16_t PublisherCountry(const internal::ModelData& model, const std::string& url) {
  size_t host = url.find("://");
  host = host == std::string::npos ? 0 : host + 3;
  const size_t end = url.find_first_of("/:?#", host);
  std::string h = url.substr(host, end == std::string::npos ? std::string::npos : end - host);
  while (!h.empty() && (h.back() == '.' || h.back() == ' ' || h.back() == '\n')) h.pop_back();
  const size_t dot = h.rfind('.');
  if (dot == std::string::npos || h.size() - dot != 3) return internal::kNoIndex16;
  std::string tld = h.substr(dot + 1);
  static constexpr const char* kVanity[] = {"tv", "io", "me", "co", "fm", "ai", "ly", "ms", "ws", "cc", "to",
                                           "gg", "am", "is", "it", "la", "nu", "so", "st", "vc"};
  for (const char* v : kVanity)
    if (tld == v) return internal::kNoIndex16;
  if (tld == "uk") tld = "gb";
  for (char& ch : tld) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
  for (size_t i = 0; i < model.countries.size(); ++i)
    if (model.countries[i].iso2 == tld) return static_cast<uint16_t>(i);
  return internal::kNoIndex16;
}

bool IsCaseless(const internal::LangData& l) { return l.script == "Arab" || l.script == "Hebr"; }

// FNV-1a: a word is a few bytes, and a set of a document's words (whose members are compared whole) needs
// no more than this; std::hash's is several times dearer per word.
uint64_t WordHash(std::string_view w) {
  uint64_t h = 0xcbf29ce484222325u;
  for (const char c : w) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3u;
  return h;
}

}  // namespace

void FindGazetteerNames(const Doc& doc, Scratch& s, uint32_t si, std::vector<uint8_t>* covered,
                        std::vector<Mention>* out, size_t first) {
  const Gazetteer* g = s.model->gazetteer.get();
  const internal::LangData* lang = s.sentence_lang[si];
  if (!g || g->empty() || !lang) return;
  const Sentence& sent = doc.sentences[si];
  const uint32_t b = sent.first_token, e = sent.first_token + sent.token_count;
  const bool caseless = IsCaseless(*lang);
  const bool nouns_capitalised = lang->grammar.nouns_capitalised;
  auto cov = [&](uint32_t t) { return (*covered)[t - b] != 0; };
  auto word = [&](uint32_t t) { return (doc.tokens[t].flags & kTokWord) != 0; };
  auto cap = [&](uint32_t t) { return word(t) && (caseless || (doc.tokens[t].flags & kTokUpper)); };
  // A headline in capitals has no names to tell by their capitals.
  if (!caseless && sent.in_capitals) return;
  // Built on first need: most sentences have no candidate at all. A short document (a sentence sent on its
  // own, a headline) is searched instead: a few comparisons of lengths cost less than gathering every word
  // for the one or two questions it is asked. A longer one gets a set of its words in lower case, open
  // addressing over token indices: each word is hashed once, and a question is a hash and a probe or two.
  auto lower_word = [&](std::string_view f) {
    if (doc.tokens.size() <= config::kScanLowerWords) {
      for (const Token& tok : doc.tokens)
        if ((tok.flags & kTokWord) && !(tok.flags & kTokUpper) && tok.folded_len == f.size() &&
            doc.folded_of(tok) == f)
          return true;
      return false;
    }
    std::vector<uint64_t>& slots = s.lower_word_slots;
    const auto lower = [](const Token& tok) { return (tok.flags & kTokWord) && !(tok.flags & kTokUpper); };
    // A slot is (hash >> 32) << 32 | (token + 1), 0 when empty; the table is at most half full.
    if (!s.lower_words_ready) {  // (Scratch::Clear resets the flag for every document)
      s.lower_words_ready = true;
      size_t n = 0;
      for (const Token& tok : doc.tokens) n += lower(tok);
      size_t size = 16;
      while (size < 2 * n) size *= 2;
      slots.assign(size, 0);
      for (uint32_t i = 0; i < doc.tokens.size(); ++i) {
        if (!lower(doc.tokens[i])) continue;
        const std::string_view w = doc.folded_of(doc.tokens[i]);
        const uint64_t h = WordHash(w);
        for (size_t at = h & (size - 1);; at = (at + 1) & (size - 1)) {
          if (!slots[at]) {
            slots[at] = (h >> 32) << 32 | (i + 1);
            break;
          }
          if (slots[at] >> 32 == h >> 32 && doc.folded_of(doc.tokens[(slots[at] & 0xFFFFFFFFu) - 1]) == w) break;
        }
      }
    }
    const size_t size = slots.size();
    const uint64_t h = WordHash(f);
    for (size_t at = h & (size - 1); slots[at]; at = (at + 1) & (size - 1))
      if (slots[at] >> 32 == h >> 32 && doc.folded_of(doc.tokens[(slots[at] & 0xFFFFFFFFu) - 1]) == f) return true;
    return false;
  };
  // A word of the language rather than a name: a stopword, a lexicon word (not a name's), or a word the
  // document also writes in lower case.
  auto common_word = [&](uint32_t t) {
    const Token& tok = doc.tokens[t];
    const std::string_view f = doc.folded_of(tok);
    // (Cheapest test first: the term ids are at hand, the words in lower case may have to be gathered.)
    return ((tok.stem_id || tok.exact_id) && !lang->name_terms.count(tok.exact_id)) ||
           lang->stopword_set.count(f) || lower_word(f);
  };
  auto episode_at = [&](uint32_t t) {
    for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
      const internal::Match& m = s.matches[k];
      if (m.begin == t && s.entry(m).kind == internal::EntryKind::kTrigger && (s.entry(m).flags & internal::kTrigEpisode))
        return true;
    }
    return false;
  };
  std::string& key = s.geo_key_work;
  std::vector<std::pair<uint32_t, uint32_t>>& ends = s.geo_ends_work;  // (key length, token end) after each word
  std::vector<std::pair<uint32_t, uint32_t>>& hits = s.geo_hits_work;
  for (uint32_t t = b; t < e; ++t) {
    // A demonym, a country or a direction may open a longer place name ("British Columbia", "Western
    // Australia", "Central Asia"): the place wins when it reaches past the lexicon's match.
    size_t opens = SIZE_MAX, closes = SIZE_MAX;
    uint32_t lexicon_end = t;  // the end of the lexicon mentions the name may run through
    uint32_t open_end = t;     // the end of the one it opens with
    if (cov(t))
      for (size_t k = first; k < out->size(); ++k)
        if ((*out)[k].first_token == t &&
            ((*out)[k].kind == MentionKind::kDemonym || (*out)[k].kind == MentionKind::kCountry ||
             ((*out)[k].kind == MentionKind::kPlace && internal::IsDirection((*out)[k].place)))) {
          opens = k;
          lexicon_end = open_end = (*out)[k].end_token;
        }
    if ((cov(t) && opens == SIZE_MAX) || !cap(t) || s.fn[t] != Fn::kNone) continue;
    // Evidence that depends on t alone, weighed before the gazetteer is searched (the search is the dear
    // part, and most capitalised words fail here): a longer run of capitalised words is another kind of
    // name ("Jordan Peterson", "Central Bank"), unless the word before is the sentence's first and a common
    // word ("Overall Edmonton", but "Paul Murphy"), or a qualifier ("North Queensland", "Western Australia").
    const bool at_start = t == b || (t == b + 1 && (doc.tokens[b].flags & kTokPunct));
    {
      auto after_start = [&] {
        return (t == b + 1 || (t == b + 2 && (doc.tokens[b].flags & kTokPunct))) &&
               (lang->stopword_set.count(doc.folded_of(doc.tokens[t - 1])) ||
                lower_word(doc.folded_of(doc.tokens[t - 1])));
      };
      auto qualifier = [&](uint32_t u) {
        std::string k;
        internal::AppendGeoKey(doc.folded_of(doc.tokens[u]), &k);
        return g->IsQualifier(k);
      };
      if (!caseless && !at_start && cap(t - 1) && !cov(t - 1) && s.fn[t - 1] == Fn::kNone && !after_start() &&
          !qualifier(t - 1))
        continue;
    }
    key.clear();
    ends.clear();
    int words = 0;
    uint32_t dot_end = 0, dot_key = 0;  // a one-word abbreviation with its dot ("Ky.")
    for (uint32_t u = t; u < e && words < config::kMaxWords; ++u) {
      if (u > t && u >= lexicon_end && cov(u)) {
        // A country or demonym may close a longer place name ("Western Australia", "South Sudan" aside).
        size_t k = first;
        while (k < out->size() && !((*out)[k].first_token == u && ((*out)[k].kind == MentionKind::kCountry ||
                                                                  (*out)[k].kind == MentionKind::kDemonym)))
          ++k;
        if (k == out->size() || closes != SIZE_MAX) break;
        closes = k;
        lexicon_end = (*out)[k].end_token;
      }
      const Token& tok = doc.tokens[u];
      // Names go on through capitalised words and short particles ("Rio de Janeiro", "Isle of Man",
      // "Rostov-on-Don"); a longer lower-case word ends them (and the walk down the name index).
      if (u > t && !caseless && (tok.flags & kTokWord) && !(tok.flags & kTokUpper) && tok.folded_len > 3 &&
          !(doc.tokens[u - 1].flags & kTokJoiner))
        break;
      if (tok.flags & (kTokWord | kTokNumber)) {
        internal::AppendGeoKey(doc.folded_of(tok), &key);
        ends.emplace_back(static_cast<uint32_t>(key.size()), u + 1);
        ++words;
        continue;
      }
      // Inside a name only a hyphen, a dot or an apostrophe ("Jalal-Abad", "St. Louis", "Côte d'Ivoire").
      const std::string_view f = doc.folded_of(tok);
      if (f != "-" && f != "." && f != "'") break;
      if (f == "." && words == 1) {
        key.append(" .");
        const auto id = g->KeyOf(key, &s.geo_agent);
        key.resize(key.size() - 2);
        if (id) {
          dot_end = u + 1;
          dot_key = *id;
        }
      }
      if (!key.empty()) key.push_back(' ');
    }
    if (!key.empty() && key.back() == ' ') key.pop_back();
    // One word that the language uses as a common word is no place unless a locative stands before it (see
    // `common` below), whatever the gazetteer holds: every name it could yield is that one word (with a dot,
    // or without a case ending, at most), so the search is not worth making.
    const bool locative = t > b && (s.fn[t - 1] == Fn::kLoc || s.fn[t - 1] == Fn::kFrom);
    if (ends.size() == 1 && !locative && common_word(t)) continue;
    g->Prefixes(key, &s.geo_agent, &hits);
    uint32_t end = 0, key_id = 0;
    for (const auto& [len, id] : hits)
      for (const auto& [klen, tend] : ends)
        if (klen == len && tend > end) {
          end = tend;
          key_id = id;
        }
    if (dot_end > end) {
      end = dot_end;
      key_id = dot_key;
    }
    if (opens != SIZE_MAX && end <= open_end) continue;
    if (closes != SIZE_MAX && end < lexicon_end) {
      if (end > (*out)[closes].first_token) continue;  // half of the country's name: not a place name
      closes = SIZE_MAX;                                // the place stops before the country
    }
    if (end == 0) {
      // One word with a case ending or a clitic: "Бишкеке", "وحلب".
      const std::string_view f = doc.folded_of(doc.tokens[t]);
      auto try_key = [&](std::string_view w) {
        if (w.size() < 4 || end) return;
        std::string k;
        internal::AppendGeoKey(w, &k);
        if (auto id = g->KeyOf(k, &s.geo_agent)) {
          end = t + 1;
          key_id = *id;
        }
      };
      for (const std::string& x : lang->grammar.name_endings)
        if (f.size() > x.size() && f.substr(f.size() - x.size()) == x) try_key(f.substr(0, f.size() - x.size()));
      for (const std::string& x : lang->grammar.name_prefixes) {
        const std::string p = x.substr(0, x.find('>'));
        if (f.size() > p.size() && f.substr(0, p.size()) == p) try_key(f.substr(p.size()));
      }
      if (end == 0) continue;
    }
    // Evidence. (A longer run of capitalised words: tested before the lookup, above.) A short word in
    // capitals is an acronym ("CIA", "BA").
    const auto places = g->Postings(key_id);
    if (places.empty()) continue;
    // Large: a large place bears this name as its own (not as one of its alternate names: "Paul").
    bool big = false;
    {
      for (size_t k = 0; k < places.size() && k < 4 && !big; ++k) {
        const GeoPlace& p = g->place(Gazetteer::Row(places[k]));
        big = (p.population >= config::kBigPlace || p.feature == GeoFeature::kContinent ||
               p.feature == GeoFeature::kCapital) &&
              Gazetteer::Primary(places[k]);
      }
    }
    // (A capitalised word before it: tested before the lookup, above.)
    // ... unless the place is large enough to lend its name ("Edmonton Journal", "Queensland Police").
    if (!caseless && !big && end < e && cap(end) && !cov(end) && s.fn[end] == Fn::kNone) continue;
    // A name before a word that names a whole episode is the episode's name ("Orange Revolution", "Tulip
    // Revolution"), not where it happened.
    if (end < e && episode_at(end)) continue;
    // A one-word name in quotation marks is a label ("not another ‘Orange’ revolution").
    if (t > b && end < e) {
      const std::string_view before = doc.folded_of(doc.tokens[t - 1]), after = doc.folded_of(doc.tokens[end]);
      auto quote = [](std::string_view q) {
        return q == "'" || q == "\"" || q == "\u2018" || q == "\u201c" || q == "\u201d" || q == "\u00ab" || q == "\u00bb";
      };
      if (quote(before) && quote(after)) continue;
    }
    int name_words = 0;
    for (uint32_t u = t; u < end; ++u) name_words += word(u);
    const Token& first = doc.tokens[t];
    const std::string_view folded = doc.folded_of(first);
    if (name_words == 1 && (first.flags & kTokAllUpper) && folded.size() <= 4 && !dot_end &&
        std::all_of(folded.begin(), folded.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }))
      continue;
    const bool common = name_words == 1 && common_word(t);
    if (common && !locative) continue;
    const bool needs_evidence = common || at_start || (nouns_capitalised && name_words == 1) || caseless;
    if (needs_evidence && !locative && !big) continue;
    for (uint32_t u = t; u < end; ++u) (*covered)[u - b] = 1;
    // The lexicon mentions the place name swallowed, the later index first.
    size_t gone[2] = {opens, closes};
    if (gone[0] != SIZE_MAX && gone[1] != SIZE_MAX && gone[0] < gone[1]) std::swap(gone[0], gone[1]);
    for (size_t k : gone)
      if (k != SIZE_MAX) out->erase(out->begin() + static_cast<long>(k));
    Mention& mn = out->emplace_back();
    mn.sentence = si;
    mn.first_token = t;
    mn.end_token = end;
    mn.kind = MentionKind::kPlace;
    mn.geo = -2 - static_cast<int32_t>(key_id);
    mn.actor.span = {doc.tokens[t].span.begin, doc.tokens[end - 1].span.end};
    mn.actor.text = std::string(doc.text_of(mn.actor.span));
    mn.actor.name = std::string(g->name(g->place(Gazetteer::Row(places.front()))));
    mn.actor.via = "gazetteer";
    t = end - 1;
  }
}

bool ChooseGazetteerPlaces(Doc& doc, Scratch& s) {
  const internal::ModelData& model = *s.model;
  const Gazetteer* g = model.gazetteer.get();
  if (!g) return false;
  // The document's mentions, then the places merged into actors ("London hospital"): both are context, and
  // both may need choosing.
  // The key under which a name as written is filed, looked up once per document: a capital is asked about
  // first as a place and again as a region, and a report names its places more than once. (Per document
  // only, keyed by the text itself; the memo is cleared here, and this runs once per document. Its views
  // are of mention texts and of the document's text, which nothing here changes.)
  auto& memo = s.geo_key_memo;
  memo.clear();
  auto key_of = [&](std::string_view text) -> std::optional<uint32_t> {
    for (const auto& [t, id] : memo)
      if (t == text) return id;
    const auto id = g->KeyOf(internal::GeoKey(text), &s.geo_agent);
    memo.emplace_back(text, id);
    return id;
  };
  std::vector<Mention*>& all = s.geo_all_work;
  all.clear();
  for (Mention& m : doc.mentions) all.push_back(&m);
  for (Mention& m : s.absorbed_places) all.push_back(&m);
  const size_t in_doc = doc.mentions.size();
  std::vector<size_t>& todo = s.geo_todo_work;
  todo.clear();
  // A capital or place the lexicon knows is also weighed against the other places of its name: "London,
  // Ontario", "Glasgow, Ky.".
  std::vector<uint8_t>& capital = s.geo_capital_work;
  capital.assign(all.size(), 0);
  for (size_t i = 0; i < all.size(); ++i) {
    Mention& m = *all[i];
    if ((m.kind == MentionKind::kCapital || (m.kind == MentionKind::kPlace && m.place >= 0)) && m.geo == -1 &&
        !m.actor.text.empty()) {
      const auto id = key_of(m.actor.text);
      if (!id || g->Postings(*id).size() < 2) continue;
      m.geo = -2 - static_cast<int32_t>(*id);
      capital[i] = 1;
    }
    if (m.geo < -1) todo.push_back(i);
  }
  if (todo.empty()) return false;
  // Surnames of people the document names in full ("Michael Steele" ... "Steele said") are not places.
  std::unordered_set<std::string_view> surnames;
  for (const Mention* pm : all)
    if (const Mention& m = *pm; (m.kind == MentionKind::kName && m.end_token - m.first_token >= 2 &&
         m.first_token > doc.sentences[m.sentence].first_token + 1) ||
        m.kind == MentionKind::kPerson)
      surnames.insert(doc.folded_of(doc.tokens[m.end_token - 1]));
  Context c;
  auto country_index = [&](const std::string& iso3) -> uint16_t {
    auto it = model.country_index.find(iso3);
    return it == model.country_index.end() ? internal::kNoIndex16 : static_cast<uint16_t>(it->second);
  };
  for (size_t i = 0; i < all.size(); ++i) {
    const Mention& m = *all[i];
    // A capital still to be weighed is no evidence for its own country ("a London rally" in Ontario).
    if (m.geo != -1 || m.actor.country.empty()) continue;
    if (m.kind == MentionKind::kCountry || m.kind == MentionKind::kDemonym || m.kind == MentionKind::kCapital ||
        m.kind == MentionKind::kSeat || m.kind == MentionKind::kPlace || m.kind == MentionKind::kPerson)
      if (const uint16_t ci = country_index(m.actor.country); ci != internal::kNoIndex16) ++c.countries[ci];
  }
  c.publisher = PublisherCountry(model, doc.input.url);
  // The focus: the country named most often, not counting capitals still to be weighed ("a London
  // rally" three times in a report about Ontario); the document's focus when nothing else is named.
  c.focus = country_index(doc.focus_country);
  {
    int most = 0;
    for (const auto& [ci, n] : c.countries)
      if (n > most || (n == most && ci == c.focus)) {
        most = n;
        c.focus = ci;
      }
  }
  // "X, Y": what Y may be (a country, or the regions filed under its name), for each mention. Tokens, not
  // sentences, must be adjacent: "GLASGOW, Ky." may end a sentence at the abbreviation's dot.
  // (Flat: mention i's are containers[container_at[i], container_at[i + 1]), filled in order of i.)
  std::vector<uint32_t>& containers = s.geo_containers_work;
  std::vector<uint32_t>& container_at = s.geo_container_at_work;
  containers.clear();
  container_at.assign(all.size() + 1, 0);
  for (size_t i = 0; i + 1 < in_doc; ++i) {
    container_at[i] = static_cast<uint32_t>(containers.size());
    const Mention& m = doc.mentions[i];
    const Mention& n = doc.mentions[i + 1];
    if (m.geo >= -1 || n.first_token != m.end_token + 1 ||
        doc.folded_of(doc.tokens[m.end_token]) != ",")
      continue;
    if (n.kind == MentionKind::kCountry) {
      if (const uint16_t ci = country_index(n.actor.country); ci != internal::kNoIndex16)
        containers.push_back(0x10000u | ci);
    } else if (n.geo < -1) {
      for (uint32_t p : g->Postings(static_cast<uint32_t>(-2 - n.geo)))
        if (g->place(Gazetteer::Row(p)).feature == GeoFeature::kRegion)
          containers.push_back(g->place(Gazetteer::Row(p)).admin1);
    }
  }
  for (size_t i = in_doc ? in_doc - 1 : 0; i <= all.size(); ++i) container_at[i] = static_cast<uint32_t>(containers.size());
  std::vector<int64_t>& chosen = s.geo_chosen_work;
  std::vector<double>& best_score = s.geo_score_work;
  chosen.assign(all.size(), -1);
  best_score.assign(all.size(), 0);
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) {
      for (size_t i : todo)
        if (chosen[i] >= 0 && best_score[i] >= config::kBar) {
          const GeoPlace& p = g->place(static_cast<uint32_t>(chosen[i]));
          if (p.feature == GeoFeature::kRegion) c.regions.insert(p.admin1);
          if (p.feature != GeoFeature::kContinent)
            c.points.push_back({p.lat, p.lon, static_cast<uint32_t>(-2 - all[i]->geo), p.admin1});
        }
    }
    for (size_t i : todo) {
      const Mention& m = *all[i];
      const uint32_t self = static_cast<uint32_t>(-2 - m.geo);  // its own and its namesakes' points do not count
      const auto places = g->Postings(self);
      double best = -1e9;
      int64_t pick = -1;
      for (size_t k = 0; k < places.size() && k < config::kMaxCandidates; ++k) {
        const GeoPlace& p = g->place(Gazetteer::Row(places[k]));
        double sc = Score(p, c, {containers.data() + container_at[i], containers.data() + container_at[i + 1]}, self,
                          nullptr);
        if (!Gazetteer::Primary(places[k])) sc += config::kOtherName;
        if (sc > best) {
          best = sc;
          pick = Gazetteer::Row(places[k]);
        }
      }
      chosen[i] = pick;
      best_score[i] = best;
    }
  }
  // One name, one place per document: every mention of a name takes the choice made where the evidence
  // was strongest ("LONDON, Ky." at the top, "London" further down).
  {
    std::unordered_map<uint32_t, size_t> strongest;  // name key -> todo entry
    for (size_t i : todo) {
      const uint32_t key = static_cast<uint32_t>(-2 - all[i]->geo);
      auto [it, fresh] = strongest.emplace(key, i);
      if (!fresh && best_score[i] > best_score[it->second]) it->second = i;
    }
    for (size_t i : todo) {
      const size_t w = strongest[static_cast<uint32_t>(-2 - all[i]->geo)];
      if (best_score[w] >= config::kBar && best_score[i] >= config::kBar) chosen[i] = chosen[w];
    }
  }
  for (size_t i : todo) {
    Mention& m = *all[i];
    if (capital[i]) {
      // The capital stays (an actor: "London said") unless a place of another country wins.
      const bool other = chosen[i] >= 0 && best_score[i] >= config::kBar &&
                         g->place(static_cast<uint32_t>(chosen[i])).country < model.countries.size() &&
                         model.countries[g->place(static_cast<uint32_t>(chosen[i])).country].iso3 != m.actor.country;
      if (!other) {
        m.geo = -1;
        continue;
      }
      m.kind = MentionKind::kPlace;
      m.place = -1;
      m.actor.sector.clear();
    }
    const bool surname = m.end_token - m.first_token == 1 && surnames.count(doc.folded_of(doc.tokens[m.first_token]));
    if (chosen[i] < 0 || best_score[i] < config::kBar || surname) {
      // Not a place after all: a name like any other unknown capitalised run.
      m.kind = MentionKind::kName;
      m.geo = -1;
      m.actor.name = m.actor.text;
      m.actor.via = "name";
      continue;
    }
    const GeoPlace& p = g->place(static_cast<uint32_t>(chosen[i]));
    m.geo = static_cast<int32_t>(chosen[i]);
    m.actor.name = std::string(g->name(p));
    if (p.country < model.countries.size()) m.actor.country = model.countries[p.country].iso3;
  }
  // A country's or capital's name that is also a region ("Georgia", "Washington"): the region when a place
  // chosen in it is written right before it ("Atlanta, Georgia", "Seattle, Washington"), or, for a country,
  // when the document is about the region's country and names places inside the region.
  for (size_t i = 0; i < in_doc; ++i) {
    Mention& n = doc.mentions[i];
    const bool is_country = n.kind == MentionKind::kCountry;
    if ((!is_country && n.kind != MentionKind::kCapital) || n.geo != -1) continue;
    const std::string_view text = doc.text_of(n.actor.span);
    const auto id = key_of(text);
    if (!id) continue;
    for (uint32_t posting : g->Postings(*id)) {
      const GeoPlace& r = g->place(Gazetteer::Row(posting));
      if (r.feature != GeoFeature::kRegion || !Gazetteer::Primary(posting) || r.country >= model.countries.size() ||
          (is_country && model.countries[r.country].iso3 == n.actor.country))
        continue;
      bool after_place = false;
      if (i > 0) {
        const Mention& m = doc.mentions[i - 1];
        const bool comma = n.first_token == m.end_token + 1 && doc.folded_of(doc.tokens[m.end_token]) == ",";
        if (comma && m.geo >= 0) {
          after_place = g->place(static_cast<uint32_t>(m.geo)).admin1 == r.admin1;
        } else if (comma && m.kind == MentionKind::kPlace && m.place >= 0) {  // a place of the lexicons
          const internal::PlaceRow& row = model.places[static_cast<size_t>(m.place)];
          after_place = row.country == model.countries[r.country].iso3 && row.admin1 == g->name(r);
        }
      }
      int inside = 0;
      for (const Context::Point& pt : c.points) inside += pt.admin1 == r.admin1;
      if (after_place || (is_country && r.country == c.focus && inside > 0)) {
        n.kind = MentionKind::kPlace;
        n.geo = static_cast<int32_t>(Gazetteer::Row(posting));
        n.actor.name = std::string(g->name(r));
        n.actor.country = model.countries[r.country].iso3;
        n.actor.sector.clear();
        n.actor.via = is_country ? "gazetteer: a region here, not the country" : "gazetteer: a region here, not the capital";
      }
      break;
    }
  }
  return true;
}

std::vector<GeoChoice> RankPlaces(const internal::ModelData& model, const std::string& name,
                                  const std::vector<std::string>& countries) {
  std::vector<GeoChoice> out;
  const Gazetteer* g = model.gazetteer.get();
  if (!g) return out;
  Context c;
  for (const std::string& iso : countries)
    if (auto it = model.country_index.find(iso); it != model.country_index.end())
      ++c.countries[static_cast<uint16_t>(it->second)];
  const auto places = g->Find(internal::GeoKey(name));
  for (size_t k = 0; k < places.size() && k < config::kMaxCandidates; ++k) {
    GeoChoice ch;
    ch.place = Gazetteer::Row(places[k]);
    ch.score = Score(g->place(ch.place), c, {}, UINT32_MAX, &ch.why);
    if (!Gazetteer::Primary(places[k])) {
      ch.score += config::kOtherName;
      ch.why.push_back("known by this name only as an alternate");
    }
    out.push_back(std::move(ch));
  }
  std::stable_sort(out.begin(), out.end(), [](const GeoChoice& a, const GeoChoice& b) { return a.score > b.score; });
  return out;
}

}  // namespace tocsin::resolve
