// An event: who did what to whom, where, when, how many, and how sure the text is that it happened.
//
// Events are plain values produced by the pipeline (see pipeline.h) and written as the JSON records of
// FORMAT.md ("format": 1). Every span is [begin, end) in UTF-8 bytes of the coded document text
// (`Doc::text`). A field that the text does not state is empty (std::nullopt / empty vector), never guessed.
//
// Thread safety: plain data; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin {

struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;  // exclusive
  bool empty() const { return end <= begin; }
};

// The 16 PLOVER categories. Persisted in model files: do not renumber.
enum class EventType : uint8_t {
  kAgree,
  kConsult,
  kSupport,
  kConcede,
  kCooperate,
  kAid,
  kRetreat,
  kRequest,
  kAccuse,
  kReject,
  kThreaten,
  kProtest,
  kSanction,
  kMobilize,
  kCoerce,
  kAssault,
};
inline constexpr int kEventTypeCount = 16;
std::string_view EventTypeName(EventType t);                     // "ASSAULT"
std::optional<EventType> ParseEventType(std::string_view name);  // "assault" or "ASSAULT"

// How sure the text is that the event happened. Only kAsserted events are deeds.
// Persisted in model files: do not renumber.
enum class Modality : uint8_t {
  kAsserted,
  kNegated,
  kRequested,
  kPromised,
  kThreatened,
  kPredicted,
  kHypothetical,
};
std::string_view ModalityName(Modality m);  // "asserted"

struct Actor {
  std::string text;     // as written in the sentence ("the security forces")
  std::string name;     // canonical ("security forces", "Vladimir Putin")
  std::string country;  // ISO 3166-1 alpha-3, or an IGO code ("CSTO"); empty when unknown
  std::string sector;   // PLOVER/CAMEO sector (GOV, COP, PRO, ...); empty when unknown
  Span span;
  std::string via;  // how it was found: "lexicon", "coref:pronoun", "coref:name", "title", ...
};

struct Place {
  std::string text;     // as written ("the capital")
  std::string name;     // resolved name ("Bishkek")
  std::string country;  // ISO3
  std::string admin1;
  double lat = 0, lon = 0;
  bool has_coordinates = false;
  int64_t geonames = 0;   // 0 when unknown
  std::string precision;  // "city", "region", "country"
  Span span;              // empty when inferred from the document rather than the sentence
};

struct DateValue {
  std::string value;      // "2010-04-07", "2003-09" or "1990" (as precise as the text)
  std::string precision;  // "day", "month", "year"
  std::string text;       // the words it came from, empty when inherited or published
  std::string basis;      // "explicit", "relative-to-published", "inherited", "published"
};

struct Count {
  int64_t value = 0;
  std::string qualifier;     // "exact", "at_least", "at_most", "about", "range"
  int64_t min = 0, max = 0;  // for "range"
  std::string text;
};

// One rule or lexicon entry that contributed to an event, for --explain.
struct Explanation {
  std::string what;  // "trigger", "modality", "source", "target", "place", "date", "count", ...
  std::string rule;  // "triggers.tsv:112 `open ... fire` ASSAULT/firearms", "cue `urge` request over complement"
};

struct Event {
  std::string id;  // "<doc>#<n>"
  std::string doc;
  std::string lang;
  EventType type = EventType::kAssault;
  std::string mode;                  // PLOVER mode or empty
  std::vector<std::string> context;  // PLOVER contexts
  Modality modality = Modality::kAsserted;
  std::string modality_cue;  // the word that set a non-asserted modality
  std::vector<Actor> source, target;
  std::optional<Actor> reported_by;  // the speaker of reported speech
  std::optional<Place> place;
  std::optional<DateValue> date;
  std::optional<Count> dead, injured, arrested, size;
  std::string trigger_text;
  Span trigger;
  uint32_t sentence_index = 0;
  Span sentence;
  std::string group;
  // The group's figures, when its events state different ones: for each count, the highest total any of its
  // events states ("over a hundred" then "168 were killed": 168). Each event keeps its own figure.
  std::optional<Count> group_dead, group_injured, group_arrested, group_size;
  bool has_group_counts = false;
  std::string story;
  std::string cameo;
  std::string acled_type, acled_subtype;  // empty when ACLED has no such event
  double confidence = 0;
  std::vector<Explanation> explain;
};

// Appends one FORMAT.md event record (no trailing newline) to `out`. `sentence_text` is repeated into the
// record; `with_explain` adds the "explain" array. Never fails: strings are escaped as JSON.
void AppendEventJson(const Event& e, std::string_view sentence_text, bool with_explain, std::string* out);

}  // namespace tocsin
