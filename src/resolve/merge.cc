// The merge component: one happening, one event, within a sentence; ids and groups.
//
// A sentence often states one happening with several triggers: "opened fire ... killing over a hundred",
// "168 people were killed in the fighting", "She called for calm and urged ...". Events of one sentence
// with the same category and modality are merged; a casualty trigger ("killed", "injured") joins the violent
// event of its sentence, of its own category if there is one. The kept event takes the first trigger; the
// merged ones lend it actors, place, date and counts it lacks.
#include <algorithm>

#include "lexicon/model_data.h"
#include "pipeline/registry.h"
#include "pipeline/scratch.h"

namespace tocsin {
namespace {

void Absorb(Event& keep, Event&& gone) {
  if (keep.source.empty()) keep.source = std::move(gone.source);
  if (keep.target.empty()) keep.target = std::move(gone.target);
  if (!keep.reported_by) keep.reported_by = std::move(gone.reported_by);
  if ((!keep.place || keep.place->span.empty()) && gone.place && !gone.place->span.empty()) keep.place = gone.place;
  if (keep.mode.empty()) keep.mode = gone.mode;
  using CountField = std::optional<Count> Event::*;
  for (CountField field : {&Event::dead, &Event::injured, &Event::arrested, &Event::size}) {
    auto& k = keep.*field;
    auto& g = gone.*field;
    if (g && (!k || g->value > k->value)) k = g;
  }
  for (std::string& c : gone.context)
    if (std::find(keep.context.begin(), keep.context.end(), c) == keep.context.end()) keep.context.push_back(c);
  keep.explain.push_back(
      {"merged", "also `" + gone.trigger_text + "` (" + std::string(EventTypeName(gone.type)) + ")"});
  keep.confidence = std::min(1.0, std::max(keep.confidence, gone.confidence) + 0.05);
}

// Two argument lists can describe one happening when either is empty or they share an actor.
bool Compatible(const std::vector<Actor>& a, const std::vector<Actor>& b) {
  if (a.empty() || b.empty()) return true;
  for (const Actor& x : a)
    for (const Actor& y : b)
      if (x.name == y.name || x.span.begin == y.span.begin) return true;
  return false;
}

namespace config {
constexpr uint32_t kGroupReach = 6;     // sentences apart that two mentions of one happening may be
constexpr size_t kGroupsLooked = 64;    // earlier groups an event is compared with
}  // namespace config

bool Violent(EventType t) { return t == EventType::kAssault || t == EventType::kProtest; }

class MergeComponent final : public Component {
 public:
  std::string_view name() const override { return "merge"; }
  std::vector<std::string_view> needs() const override { return {"events"}; }
  std::vector<std::string_view> provides() const override { return {"groups"}; }

  Status Process(Doc& doc, Scratch& s) const override {
    std::vector<Event>& evs = doc.events;
    std::vector<uint16_t> flags = s.event_flags;
    flags.resize(evs.size(), 0);
    std::vector<uint8_t> dead(evs.size(), 0);
    // Events come in sentence order: [first, end) are the events of event i's sentence.
    size_t first = 0, end = 0;
    for (size_t i = 0; i < evs.size(); ++i) {
      if (i == end) {
        first = i;
        end = i;
        while (end < evs.size() && evs[end].sentence_index == evs[i].sentence_index) ++end;
      }
      if (dead[i]) continue;
      // A casualty trigger joins a violent event of the sentence: same category first.
      if (flags[i] & internal::kTrigCasualty) {
        size_t into = SIZE_MAX;
        for (int pass = 0; pass < 2 && into == SIZE_MAX; ++pass)
          for (size_t j = first; j < end; ++j) {
            if (j == i || dead[j] || evs[j].sentence_index != evs[i].sentence_index) continue;
            if (evs[j].modality != evs[i].modality || (flags[j] & internal::kTrigCasualty)) continue;
            if (pass == 0 ? evs[j].type == evs[i].type : Violent(evs[j].type)) {
              into = j;
              break;
            }
          }
        if (into != SIZE_MAX) {
          Absorb(evs[into], std::move(evs[i]));
          dead[i] = 1;
          continue;
        }
      }
      // "rallied outside the administration to demand shelters", "a rally of mothers demanding higher
      // benefits": the demand is what the protest is about, not a second happening.
      if (evs[i].type == EventType::kRequest && evs[i].modality == Modality::kAsserted) {
        const size_t b = evs[i].trigger.begin;
        // The trigger's first token: an infinitive after "to" or a gerund states a purpose.
        const Sentence& sent = doc.sentences[evs[i].sentence_index];
        uint32_t tt = sent.first_token;
        while (tt + 1 < sent.first_token + sent.token_count && doc.tokens[tt + 1].span.begin <= b) ++tt;
        const bool purpose =
            (tt > sent.first_token && s.fn.size() > tt && s.fn[tt - 1] == Fn::kTo) ||
            (s.sentence_lang[evs[i].sentence_index] &&
             internal::EndsWithAny(doc.folded_of(doc.tokens[tt]), s.sentence_lang[evs[i].sentence_index]->grammar.gerund, 2));
        size_t into = SIZE_MAX;
        for (size_t j = first; j < end && purpose; ++j)
          if (j != i && !dead[j] && evs[j].sentence_index == evs[i].sentence_index &&
              evs[j].type == EventType::kProtest && evs[j].trigger.begin < b)
            into = j;
        if (into != SIZE_MAX) {
          Absorb(evs[into], std::move(evs[i]));
          dead[i] = 1;
          continue;
        }
      }
      for (size_t j = i + 1; j < end; ++j) {
        if (dead[j] || evs[j].sentence_index != evs[i].sentence_index) continue;
        if (evs[j].type != evs[i].type || evs[j].modality != evs[i].modality) continue;
        // "dispersed a rally of mothers ... and detained its two organisers": different victims, two events.
        if (!Compatible(evs[i].target, evs[j].target) || !Compatible(evs[i].source, evs[j].source)) continue;
        Absorb(evs[i], std::move(evs[j]));
        dead[j] = 1;
      }
    }
    // The kept events, compacted in place (an event is some kilobytes of strings and optionals: most
    // documents merge nothing and now move nothing).
    std::vector<Event>& kept = evs;
    {
      size_t to = 0;
      for (size_t i = 0; i < evs.size(); ++i) {
        if (dead[i] || (!s.options->emit_non_asserted && evs[i].modality != Modality::kAsserted)) continue;
        if (to != i) evs[to] = std::move(evs[i]);
        ++to;
      }
      evs.erase(evs.begin() + static_cast<long>(to), evs.end());
    }
    for (Event& ev : kept) {
      // A protest whose participants go unnamed ("the protests against the price rise") was held by people
      // of the place, as ACLED codes "Protesters (Kazakhstan)": an implicit actor without a span, added
      // after merging so that it never keeps two mentions of one protest apart.
      if (ev.type == EventType::kProtest && ev.source.empty() && ev.place && !ev.place->country.empty()) {
        Actor a;
        a.name = "protesters";
        a.country = ev.place->country;
        a.sector = "PRO";
        a.via = "implicit: the protesters of the place";
        ev.source.push_back(std::move(a));
      }
      // Forces a foreign actor sends with no destination written ("sending paratroopers to crush the
      // uprising") are sent where the event is: that country is the target, as implicit as its place.
      if (ev.type == EventType::kMobilize && ev.target.empty() && !ev.source.empty() && ev.place &&
          !ev.place->country.empty() &&
          std::all_of(ev.source.begin(), ev.source.end(), [&](const Actor& a) {
            return !a.country.empty() && a.country != ev.place->country && s.model->CountryOf(a.country);
          })) {
        if (const internal::Country* c = s.model->CountryOf(ev.place->country)) {
          Actor a;
          a.name = c->name;
          a.country = c->iso3;
          a.via = "implicit: the country foreign forces are sent to";
          ev.target.push_back(std::move(a));
        }
      }
    }
    // Groups: mentions of one happening across sentences ("the storming of the palace" and "the occupation
    // of the White House"; "the clashes" and "168 people were killed"). Each group is named after its first
    // event.
    // An event joins the first group it is a mention of (SameHappening with one member) and agrees with
    // throughout (Consistent with every member): no chain of near neighbours drags in another happening.
    std::vector<size_t> group(kept.size());
    std::vector<std::vector<size_t>> members;
    for (size_t j = 0; j < kept.size(); ++j) {
      size_t g = members.size();
      // The latest groups only (config::kGroupsLooked): a report's happenings are told near each other, and a
      // huge document must not cost its events squared.
      const size_t from = members.size() > config::kGroupsLooked ? members.size() - config::kGroupsLooked : 0;
      for (size_t k = from; k < members.size() && g == members.size(); ++k) {
        bool near = false, agree = true;
        for (size_t i : members[k]) {
          near = near || SameHappening(doc, kept[i], kept[j]);
          agree = agree && Consistent(kept[i], kept[j]);
        }
        if (near && agree) g = k;
      }
      if (g == members.size()) members.emplace_back();
      members[g].push_back(j);
      group[j] = members[g].front();
    }
    // The group's figures: the highest total stated by any of its events, shown on every member when the
    // members do not all state the same.
    using CountField = std::optional<Count> Event::*;
    static constexpr std::pair<CountField, CountField> kFigures[] = {
        {&Event::dead, &Event::group_dead},
        {&Event::injured, &Event::group_injured},
        {&Event::arrested, &Event::group_arrested},
        {&Event::size, &Event::group_size}};
    // The group's place and date: a member that states less takes the most specific one a member states
    // (a city over a country; a stated day over an inherited or publication date).
    auto place_rank = [](const std::optional<Place>& p) {
      if (!p) return 0;
      return (p->precision == "country" ? 1 : 3) + (p->span.empty() ? 0 : 1);
    };
    auto date_rank = [](const std::optional<DateValue>& d) {
      if (!d) return 0;
      const int basis = d->basis == "explicit" ? 3 : d->basis == "relative-to-published" ? 2 : d->basis == "inherited" ? 1 : 0;
      return basis * 4 + (d->precision == "day" ? 2 : d->precision == "month" ? 1 : 0);
    };
    for (const std::vector<size_t>& g : members) {
      if (g.size() < 2) continue;
      size_t bp = g.front(), bd = g.front();
      for (size_t i : g) {
        if (place_rank(kept[i].place) > place_rank(kept[bp].place)) bp = i;
        if (date_rank(kept[i].date) > date_rank(kept[bd].date)) bd = i;
      }
      for (size_t i : g) {
        if (kept[i].place && kept[bp].place && kept[i].place->precision == "country" &&
            kept[bp].place->precision != "country" && kept[i].place->country == kept[bp].place->country) {
          kept[i].place = kept[bp].place;
          kept[i].place->text.clear();  // not stated in this event's sentence
          kept[i].place->span = {};
        }
        if (kept[i].date && kept[bd].date && date_rank(kept[i].date) < 8 && date_rank(kept[bd].date) >= 8) {
          kept[i].date = kept[bd].date;
          kept[i].date->text.clear();
          kept[i].date->basis = "inherited";
        }
      }
    }
    for (const std::vector<size_t>& g : members) {
      if (g.size() < 2) continue;
      bool differ = false;
      for (const auto& [own, total] : kFigures) {
        std::optional<Count> best;
        for (size_t i : g)
          if (const auto& c = kept[i].*own; c && (!best || c->value > best->value)) best = c;
        for (size_t i : g) {
          kept[i].*total = best;
          const auto& c = kept[i].*own;
          differ = differ || (best && (!c || c->value != best->value));
        }
      }
      for (size_t i : g) kept[i].has_group_counts = differ;
    }
    for (size_t i = 0; i < kept.size(); ++i) {
      const std::string n = std::to_string(i + 1), g = std::to_string(group[i] + 1);
      kept[i].id.reserve(doc.input.id.size() + 1 + n.size());
      kept[i].id.assign(doc.input.id).append("#").append(n);
      kept[i].group.reserve(doc.input.id.size() + 2 + g.size());
      kept[i].group.assign(doc.input.id).append("/g").append(g);
      if (!s.options->explain) kept[i].explain.clear();
    }
    return Status::Ok();
  }

 private:
  // Two events of one report describe one happening: both asserted, both contentious (a protest, the force
  // used on it, a seizure it led to), at compatible places (the same city, or a city and its country) and
  // dates (stated dates that agree as far as both go), and near each other (config::kGroupReach sentences)
  // unless one of them sums up the toll of violence the other is ("168 people were killed in the fighting").
  static bool SameHappening(const Doc& doc, const Event& a, const Event& b) {
    auto contentious = [](const Event& e) {
      return e.type == EventType::kProtest || e.type == EventType::kAssault ||
             (e.type == EventType::kCoerce && e.mode == "seize");
    };
    auto violent = [](const Event& e) {
      return e.type == EventType::kAssault || (e.type == EventType::kProtest && e.mode == "riot");
    };
    auto toll = [&](const Event& e) { return violent(e) && (e.dead || e.injured); };
    if (a.modality != Modality::kAsserted || b.modality != Modality::kAsserted) return false;
    if (!contentious(a) || !contentious(b)) return false;
    const uint32_t d = a.sentence_index > b.sentence_index ? a.sentence_index - b.sentence_index
                                                           : b.sentence_index - a.sentence_index;
    const bool summary = (toll(a) && violent(b)) || (toll(b) && violent(a));
    if (!summary) {
      if (d > config::kGroupReach) return false;
      if (doc.sentences[a.sentence_index].paragraph != doc.sentences[b.sentence_index].paragraph && d > 2)
        return false;
    }
    return Consistent(a, b);
  }

  // Places and dates that can be one happening's: the same city (or a city and its country), and stated
  // dates that agree as far as both go.
  static bool Consistent(const Event& a, const Event& b) {
    if (a.place && b.place) {
      if (a.place->country != b.place->country) return false;
      const bool city_a = a.place->precision != "country", city_b = b.place->precision != "country";
      if (city_a && city_b && a.place->name != b.place->name &&
          (a.place->geonames == 0 || a.place->geonames != b.place->geonames))
        return false;
    }
    if (a.date && b.date && a.date->basis != "published" && b.date->basis != "published") {
      const size_t n = std::min(a.date->value.size(), b.date->value.size());
      if (a.date->value.compare(0, n, b.date->value, 0, n) != 0) return false;
    }
    return true;
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Component> MakeMergeComponent() { return std::make_unique<MergeComponent>(); }
}  // namespace internal

}  // namespace tocsin
