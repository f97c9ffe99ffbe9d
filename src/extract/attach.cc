// The attach component: place, date and counts for each event, then the CAMEO and ACLED views.
//
// Place: among the places of the event's sentence, a city-level place beats a country; the nearest to the
// trigger wins, a place after a locative preposition in the trigger's own clause first. A sentence without
// a place inherits a city-level place from the previous sentence of its paragraph; otherwise the document's
// focus country stands (precision "country", no span).
// Date: the nearest date expression in the sentence (explicit before relative); else the date last stated
// in the paragraph ("inherited"); else the publication date ("published").
// Counts: a number is bound to a count word (counts.tsv) right before a count noun ("3,000 troops") or
// near a count verb ("168 people were killed", "killing over a hundred people"). Dead and injured go to
// violent events first, arrests to arrests, sizes to protests and mobilisations (the largest size stated).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "extract/clauses.h"
#include "pipeline/registry.h"
#include "pipeline/scratch.h"

namespace tocsin {
namespace {

using internal::Entry;
using internal::EntryKind;

namespace config {
constexpr uint32_t kCountVerbReachBefore = 5;  // "168 people were killed": number to verb
constexpr uint32_t kCountVerbReachAfter = 5;   // "killing over a hundred people"
constexpr uint32_t kTollReach = 10;            // "the death toll from the clashes in Bishkek rose to 75"
constexpr int64_t kMinBareSize = 50;           // a bare number in a protest sentence is a crowd size from here
}  // namespace config

enum CountKind { kDead, kInjured, kArrested, kSize, kCountKinds };

int CountKindOf(const std::string& mode) {
  if (mode == "dead") return kDead;
  if (mode == "injured") return kInjured;
  if (mode == "arrested") return kArrested;
  return kSize;
}

class AttachComponent final : public Component {
 public:
  std::string_view name() const override { return "attach"; }
  std::vector<std::string_view> needs() const override { return {"events", "dates", "quantities"}; }
  std::vector<std::string_view> provides() const override { return {"attributes"}; }

  Status Process(Doc& doc, Scratch& s) const override {
    if (!s.any_lexicons()) return Status::Ok();
    if (s.options->list_places) {
      for (const Mention& m : doc.mentions)
        if (auto p = PlaceOf(doc, s, m, true)) doc.places.push_back(std::move(*p));
      for (const Mention& m : s.absorbed_places)
        if (auto p = PlaceOf(doc, s, m, true)) doc.places.push_back(std::move(*p));
      std::stable_sort(doc.places.begin(), doc.places.end(),
                       [](const Place& a, const Place& b) { return a.span.begin < b.span.begin; });
    }
    if (doc.events.empty()) return Status::Ok();
    // Per sentence: the place chosen (for inheritance) and the date in force in the paragraph.
    std::vector<std::optional<Place>> sentence_place(doc.sentences.size());
    std::vector<std::optional<DateValue>> para_date(doc.sentences.size());
    {
      std::optional<DateValue> current;
      uint32_t para = UINT32_MAX;
      size_t di = 0;
      for (uint32_t si = 0; si < doc.sentences.size(); ++si) {
        if (doc.sentences[si].paragraph != para) {
          current.reset();
          para = doc.sentences[si].paragraph;
        }
        para_date[si] = current;  // what a sentence without a date of its own inherits
        // The sentence's most precise date is what the next ones inherit ("began on Tuesday ... during the
        // unrest in January": Tuesday), the later one on a tie.
        std::optional<DateValue> own;
        for (; di < s.dates.size() && s.dates[di].sentence <= si; ++di) {
          const DateMention& d = s.dates[di];
          if (d.sentence != si || !d.anchors) continue;
          if (!own || Rank(d.date) >= Rank(*own)) own = d.date;
        }
        if (own) current = own;
      }
    }
    std::vector<std::array<std::optional<Count>, kCountKinds>> counts(doc.sentences.size());
    for (uint32_t si = 0; si < doc.sentences.size(); ++si) Counts(doc, s, si, &counts[si]);

    size_t first = 0;  // the first event of the current sentence
    // The view of the current sentence: built once for all its events (events are in sentence order).
    std::optional<extract::SentenceView> sv;
    for (size_t ei = 0; ei < doc.events.size(); ++ei) {
      Event& ev = doc.events[ei];
      const uint32_t si = ev.sentence_index;
      if (doc.events[first].sentence_index != si) first = ei;
      if (ei == first) sv.emplace(doc, s, si);
      size_t end = ei;
      while (end < doc.events.size() && doc.events[end].sentence_index == si) ++end;
      ev.place = PlaceFor(doc, s, *sv, ev, sentence_place);

      ev.date = DateFor(doc, s, ev, para_date[si]);
      AttachCounts(doc, ei, first, end, counts[si]);
      Ontology(s, &ev);
    }
    return Status::Ok();
  }

 private:
  static Place FromRow(const internal::PlaceRow& p) {
    Place out;
    out.name = p.name;
    out.country = p.country;
    out.admin1 = p.admin1;
    out.lat = p.lat;
    out.lon = p.lon;
    out.has_coordinates = p.lat != 0 || p.lon != 0;
    out.geonames = p.geonames;
    out.precision = p.precision;
    return out;
  }
  static Place Capital(const internal::Country& c) {
    Place out;
    out.name = c.capital;
    out.country = c.iso3;
    out.lat = c.lat;
    out.lon = c.lon;
    out.has_coordinates = c.lat != 0 || c.lon != 0;
    out.geonames = c.geonames;
    out.precision = "city";
    return out;
  }
  static Place FromGazetteer(const internal::ModelData& model, uint32_t row) {
    const internal::Gazetteer& g = *model.gazetteer;
    const internal::GeoPlace& gp = g.place(row);
    Place out;
    out.name = std::string(g.name(gp));
    if (gp.country < model.countries.size()) out.country = model.countries[gp.country].iso3;
    out.admin1 = std::string(g.region_name(gp.admin1));
    out.lat = std::round(gp.lat * 1e4) / 1e4;
    out.lon = std::round(gp.lon * 1e4) / 1e4;
    out.has_coordinates = true;
    out.geonames = gp.geonames;
    out.precision = std::string(internal::GeoFeatureName(gp.feature));
    return out;
  }
  static Place CountryPlace(const internal::Country& c) {
    Place out;
    out.name = c.name;
    out.country = c.iso3;
    out.precision = "country";
    out.lat = c.centroid_lat;
    out.lon = c.centroid_lon;
    out.has_coordinates = c.centroid_lat != 0 || c.centroid_lon != 0;
    out.geonames = c.country_geonames;
    return out;
  }

 public:
  // The place a mention names, if it names one (exposed to the document record writer via PlaceOf).
  static std::optional<Place> PlaceOf(const Doc& doc, const Scratch& s, const Mention& m, bool country_ok) {
    const internal::ModelData& model = *s.model;
    std::optional<Place> p;
    if (m.kind == MentionKind::kPlace && m.geo >= 0 && model.gazetteer) {
      p = FromGazetteer(model, static_cast<uint32_t>(m.geo));
    } else if (m.kind == MentionKind::kPlace) {
      const internal::Country* c = model.CountryOf(m.actor.country);
      if (m.place >= 0) {
        p = FromRow(model.places[static_cast<size_t>(m.place)]);
      } else if (m.place == internal::kPlaceNone || !c) {
        // no place
      } else if (m.place == internal::kPlaceSecondCity) {
        const int64_t row =
            model.gazetteer ? model.gazetteer->LargestCity(static_cast<uint16_t>(model.country_index.at(c->iso3)), 2)
                            : -1;
        if (row >= 0) p = FromGazetteer(model, static_cast<uint32_t>(row));
      } else if (internal::IsDirection(m.place)) {
        // Part of a place: the place it qualifies ("north of the capital") or its country ("western
        // Kazakhstan"), at region precision, named as written in English.
        // (The entities stage never anchors a direction on another direction: no recursion.)
        if (m.antecedent >= 0 && static_cast<size_t>(m.antecedent) < doc.mentions.size())
          p = PlaceOf(doc, s, doc.mentions[static_cast<size_t>(m.antecedent)], true);
        if (!p) {
          p = CountryPlace(*c);
          p->lat = p->lon = 0;
          p->has_coordinates = false;
          p->geonames = 0;
        }
        // "central Bishkek" is in Bishkek: the centre of a city keeps the city's precision.
        const bool inside = m.place == internal::kPlaceCentre && p->precision == "city";
        if (!inside) {
          p->name = m.actor.name;
          p->precision = "region";
        }
        p->country = c->iso3;
      } else {
        p = m.place == internal::kPlaceCapital ? Capital(*c) : CountryPlace(*c);
      }
    } else if (m.kind == MentionKind::kCapital) {
      if (const internal::Country* c = model.CountryOf(m.actor.country)) p = Capital(*c);
    } else if ((m.kind == MentionKind::kCountry || m.kind == MentionKind::kDemonym) && country_ok) {
      if (const internal::Country* c = model.CountryOf(m.actor.country)) p = CountryPlace(*c);
      // A country's name that is also one of its first-level regions ("England", "Scotland") is the region as
      // a place, and stays the country as an actor.
      if (p && m.kind == MentionKind::kCountry && model.gazetteer) {
        const internal::Gazetteer& g = *model.gazetteer;
        const std::string_view text =
            doc.text_of({doc.tokens[m.first_token].span.begin, doc.tokens[m.end_token - 1].span.end});
        for (uint32_t posting : g.Find(internal::GeoKey(text))) {
          const internal::GeoPlace& gp = g.place(internal::Gazetteer::Row(posting));
          if (gp.feature == internal::GeoFeature::kRegion && internal::Gazetteer::Primary(posting) &&
              gp.country < model.countries.size() && model.countries[gp.country].iso3 == m.actor.country) {
            p = FromGazetteer(model, internal::Gazetteer::Row(posting));
            break;
          }
        }
      }
    }
    if (p) {
      p->span = {doc.tokens[m.first_token].span.begin, doc.tokens[m.end_token - 1].span.end};
      p->text = std::string(doc.text_of(p->span));
    }
    return p;
  }

 private:
  // `sv`: the view of ev's sentence.
  std::optional<Place> PlaceFor(const Doc& doc, const Scratch& s, const extract::SentenceView& sv, const Event& ev,
                                std::vector<std::optional<Place>>& sentence_place) const {
    const uint32_t si = ev.sentence_index;
    // Actors of the event are not its place ("Washington accused" is an actor).
    auto is_argument = [&](const Mention& m) {
      for (const auto* side : {&ev.source, &ev.target})
        for (const Actor& a : *side)
          if (a.span.begin == doc.tokens[m.first_token].span.begin) return true;
      return false;
    };
    uint32_t trig = 0;
    for (uint32_t t = sv.begin(); t < sv.end(); ++t)
      if (doc.tokens[t].span.begin == ev.trigger.begin) trig = t;
    std::optional<Place> best;
    int best_score = -1000000;
    for (uint32_t k = s.sentence_mentions[si]; k < s.sentence_mentions[si + 1]; ++k) {
      const Mention& m = doc.mentions[k];
      const int dist = static_cast<int>(m.first_token > trig ? m.first_token - trig : trig - m.first_token);
      // The most a mention can score is 120 - dist (a city after a locative in the trigger's clause): one
      // that cannot beat the best so far is not made into a Place at all.
      if (120 - dist <= best_score) continue;
      if (is_argument(m)) continue;
      const Fn prep = sv.PrepositionBefore(m);
      const bool locative = prep == Fn::kLoc || prep == Fn::kFrom || prep == Fn::kOf;
      auto p = PlaceOf(doc, s, m, locative && m.kind != MentionKind::kDemonym);
      if (!p) continue;
      int score = -dist;
      if (p->precision != "country") score += 100;
      if (locative && m.first_token > trig && sv.Between(trig, m.first_token) <= extract::Boundary::kComma) score += 20;
      if (score > best_score) {
        best_score = score;
        best = std::move(p);
      }
    }
    if (best) {
      if (best->precision != "country") sentence_place[si] = best;
      return best;
    }
    // Inherit a city from the previous sentence of the paragraph.
    if (si > 0 && doc.sentences[si - 1].paragraph == doc.sentences[si].paragraph && sentence_place[si - 1]) {
      Place p = *sentence_place[si - 1];
      p.text.clear();
      p.span = {};
      sentence_place[si] = p;
      return p;
    }
    if (const internal::Country* c = s.model->CountryOf(doc.focus_country)) return CountryPlace(*c);
    return std::nullopt;
  }

  // How much a date says: day before month before year, then stated before relative.
  static int Rank(const DateValue& d) {
    return (d.precision == "day" ? 4 : d.precision == "month" ? 2 : 0) + (d.basis == "explicit" ? 1 : 0);
  }

  std::optional<DateValue> DateFor(const Doc& doc, const Scratch& s, const Event& ev,
                                   const std::optional<DateValue>& inherited) const {
    const DateMention* best = nullptr;
    int best_score = -1000000;
    for (uint32_t k = s.sentence_dates[ev.sentence_index]; k < s.sentence_dates[ev.sentence_index + 1]; ++k) {
      const DateMention& d = s.dates[k];
      const uint32_t at = doc.tokens[d.first_token].span.begin;
      const int dist = static_cast<int>(at > ev.trigger.begin ? at - ev.trigger.begin : ev.trigger.begin - at);
      const int score = Rank(d.date) * 100000 - dist;
      if (score > best_score) {
        best_score = score;
        best = &d;
      }
    }
    if (best) {
      DateValue d = best->date;
      // "Les syndicats manifesteront jeudi": a weekday of something still to come lies ahead.
      const bool ahead = ev.modality == Modality::kPredicted || ev.modality == Modality::kPromised ||
                         ev.modality == Modality::kThreatened || ev.modality == Modality::kRequested;
      if (ahead && !best->ahead.empty()) d.value = best->ahead;
      return d;
    }
    if (inherited) {
      DateValue d = *inherited;
      d.basis = "inherited";
      d.text.clear();
      return d;
    }
    if (s.published.size() == 10) return DateValue{s.published, "day", "", "published"};
    return std::nullopt;
  }

  void Counts(const Doc& doc, const Scratch& s, uint32_t si, std::array<std::optional<Count>, kCountKinds>* out) const {
    if (s.sentence_quantities[si] == s.sentence_quantities[si + 1]) return;  // most sentences state no figure
    extract::SentenceView sv(doc, s, si);
    std::vector<const Quantity*> qs;
    for (uint32_t k = s.sentence_quantities[si]; k < s.sentence_quantities[si + 1]; ++k) qs.push_back(&s.quantities[k]);
    std::vector<uint8_t> taken(qs.size(), 0);
    auto count_of = [&](const Quantity& q) {
      Count c;
      c.value = q.value;
      c.qualifier = q.qualifier;
      c.text = std::string(doc.text_of({doc.tokens[q.first_token].span.begin, doc.tokens[q.end_token - 1].span.end}));
      return c;
    };
    auto give = [&](size_t qi, int kind) {
      taken[qi] = 1;
      auto& slot = (*out)[kind];
      if (!slot || (kind == kSize && qs[qi]->value > slot->value)) slot = count_of(*qs[qi]);
    };
    std::vector<std::pair<internal::Match, const Entry*>> words;
    for (uint32_t k = s.sentence_matches[si]; k < s.sentence_matches[si + 1]; ++k) {
      const Entry& e = s.entry(s.matches[k]);
      if (e.kind == EntryKind::kCount) words.emplace_back(s.matches[k], &e);
    }
    // Verbs of casualties and arrests first ("168 people were killed", "killing over a hundred people"),
    // then nouns of size ("3,000 troops") for the numbers left. Within a pass the closest pairs are made
    // first, one number per word: in "eight were killed and more than 300 injured" the 300 is the injured's.
    for (int pass = 0; pass < 2; ++pass) {
      struct Pair {
        uint32_t distance;
        size_t word, qi;
      };
      std::vector<Pair> pairs;
      for (size_t wi = 0; wi < words.size(); ++wi) {
        const auto& [m, e] = words[wi];
        const bool noun = e->text == "noun";
        const bool toll = e->text == "toll";  // "the death toll rose to 75": the number comes later in its clause
        if ((pass == 0) == noun) continue;
        for (size_t qi = 0; qi < qs.size(); ++qi) {
          const Quantity& q = *qs[qi];
          bool ok = false;
          uint32_t distance = 0;
          if (toll) {
            distance = q.first_token >= m.end ? q.first_token - m.end : UINT32_MAX;
            ok = distance <= config::kTollReach && sv.Between(m.end - 1, q.first_token) <= extract::Boundary::kNone;
          } else if (noun) {
            ok = q.end_token <= m.begin && m.begin - q.end_token <= 1;
            distance = m.begin - std::min(m.begin, q.end_token);
          } else if (q.end_token <= m.begin) {
            distance = m.begin - q.end_token;
            ok = distance <= config::kCountVerbReachBefore &&
                 sv.Between(q.end_token - 1, m.begin) <= extract::Boundary::kNone;
          } else if (q.first_token >= m.end) {
            distance = q.first_token - m.end;
            ok = distance <= config::kCountVerbReachAfter &&
                 sv.Between(m.end - 1, q.first_token) == extract::Boundary::kNone;
          }
          if (ok && !(q.year_like && !noun)) pairs.push_back({distance, wi, qi});
        }
      }
      std::stable_sort(pairs.begin(), pairs.end(),
                       [](const Pair& a, const Pair& b) { return a.distance < b.distance; });
      std::vector<uint8_t> word_done(words.size(), 0);
      for (const Pair& p : pairs) {
        if (taken[p.qi] || word_done[p.word]) continue;
        word_done[p.word] = 1;
        give(p.qi, CountKindOf(words[p.word].second->mode));
      }
    }
    // A bare number after "to"/"of" in a sentence with a protest is its size ("grew ... to ten thousand").
    for (size_t qi = 0; qi < qs.size(); ++qi) {
      const Quantity& q = *qs[qi];
      if (taken[qi] || q.year_like || q.value < config::kMinBareSize || q.first_token == sv.begin()) continue;
      const Fn before = sv.fn(q.first_token - 1);
      if (before == Fn::kTo || before == Fn::kOf) {
        taken[qi] = 1;
        auto& slot = (*out)[kSize];
        Count c = count_of(q);
        if (!slot || c.value > slot->value) slot = std::move(c);
      }
    }
  }

  // `first`, `end`: the events of ev's sentence (events are in sentence order).
  void AttachCounts(Doc& doc, size_t ei, size_t first, size_t end,
                    const std::array<std::optional<Count>, kCountKinds>& c) const {
    Event& ev = doc.events[ei];
    // Which event of the sentence gets which count: the first event of the preferred categories.
    auto first_of = [&](std::initializer_list<EventType> types) -> size_t {
      for (EventType t : types)
        for (size_t j = first; j < end; ++j)
          if (doc.events[j].type == t && doc.events[j].modality == Modality::kAsserted) return j;
      for (EventType t : types)
        for (size_t j = first; j < end; ++j)
          if (doc.events[j].type == t) return j;
      return SIZE_MAX;
    };
    const size_t violent = first_of({EventType::kAssault, EventType::kProtest, EventType::kCoerce});
    const size_t arrest = first_of({EventType::kCoerce, EventType::kAssault, EventType::kProtest});
    const size_t crowd = first_of({EventType::kProtest, EventType::kMobilize});
    if (c[kDead] && violent == ei) ev.dead = c[kDead];
    if (c[kInjured] && violent == ei) ev.injured = c[kInjured];
    if (c[kArrested] && arrest == ei) ev.arrested = c[kArrested];
    if (c[kSize] && crowd == ei) ev.size = c[kSize];
  }

  void Ontology(const Scratch& s, Event* ev) const {
    const internal::OntologyRow* row = nullptr;
    for (const internal::OntologyRow& o : s.model->ontology) {
      if (o.type != static_cast<uint8_t>(ev->type)) continue;
      if (o.mode == ev->mode) {
        row = &o;
        break;
      }
      if (o.mode == "*" && !row) row = &o;
    }
    if (!row) return;
    ev->cameo = row->cameo;
    ev->acled_type = row->acled_type;
    ev->acled_subtype = row->acled_subtype;
    if (ev->type == EventType::kAssault) {
      auto has = [](const std::vector<Actor>& side, std::initializer_list<std::string_view> sectors) {
        for (const Actor& a : side)
          for (std::string_view sec : sectors)
            if (a.sector == sec) return true;
        return false;
      };
      const bool state = has(ev->source, {"COP", "MIL", "SEC", "GOV"});
      if (state && has(ev->target, {"PRO", "OPP"})) {
        ev->acled_type = "Protests";
        ev->acled_subtype = "Excessive force against protesters";
      } else if (has(ev->source, {"MIL", "REB", "UAF"}) && has(ev->target, {"MIL", "REB", "UAF"})) {
        ev->acled_type = "Battles";
        ev->acled_subtype = "Armed clash";
      }
    }
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Component> MakeAttachComponent() { return std::make_unique<AttachComponent>(); }
}  // namespace internal

}  // namespace tocsin
