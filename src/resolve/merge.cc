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
    std::vector<Event> kept;
    kept.reserve(evs.size());
    for (size_t i = 0; i < evs.size(); ++i)
      if (!dead[i]) kept.push_back(std::move(evs[i]));
    if (!s.options->emit_non_asserted)
      kept.erase(
          std::remove_if(kept.begin(), kept.end(), [](const Event& e) { return e.modality != Modality::kAsserted; }),
          kept.end());
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
    for (size_t i = 0; i < kept.size(); ++i) {
      kept[i].id = doc.input.id + "#" + std::to_string(i + 1);
      kept[i].group = doc.input.id + "/g" + std::to_string(i + 1);
      if (!s.options->explain) kept[i].explain.clear();
    }
    evs.swap(kept);
    return Status::Ok();
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Component> MakeMergeComponent() { return std::make_unique<MergeComponent>(); }
}  // namespace internal

}  // namespace tocsin
