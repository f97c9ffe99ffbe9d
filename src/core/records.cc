// The FORMAT.md records: event and document JSON.
#include <array>

#include "core/json.h"
#include "tocsin/document.h"
#include "tocsin/event.h"

namespace tocsin {
namespace {

constexpr std::array<std::string_view, kEventTypeCount> kTypeNames = {
    "AGREE",  "CONSULT", "SUPPORT",  "CONCEDE", "COOPERATE", "AID",      "RETREAT", "REQUEST",
    "ACCUSE", "REJECT",  "THREATEN", "PROTEST", "SANCTION",  "MOBILIZE", "COERCE",  "ASSAULT"};

// `,"key":` for a key written in the source. Keys are plain names (checked when compiling: a key that
// would need escaping does not compile), so the whole piece is one constant and needs no escaping pass.
class QuotedKey {
 public:
  template <size_t N>
  consteval QuotedKey(const char (&key)[N]) : size_(N + 3) {  // N - 1 characters and `,"":`
    static_assert(N + 3 <= sizeof text_, "key too long for QuotedKey");
    text_[0] = ',';
    text_[1] = '"';
    for (size_t i = 0; i + 1 < N; ++i) {
      const char c = key[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
        throw "a key of letters, digits and '_' only";
      text_[2 + i] = c;
    }
    text_[N + 1] = '"';
    text_[N + 2] = ':';
  }
  std::string_view with_comma() const { return {text_, size_}; }
  std::string_view without_comma() const { return {text_ + 1, size_ - 1}; }

 private:
  char text_[32] = {};
  size_t size_;
};

void Key(const QuotedKey& k, std::string* out) { out->append(k.with_comma()); }

// A string, or null when it is empty (FORMAT.md: unknown fields are null, not "").
void StringOrNull(const std::string& v, std::string* out) {
  if (v.empty())
    out->append("null");
  else
    json::AppendString(v, out);
}

void Strings(const std::vector<std::string>& v, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    json::AppendString(v[i], out);
  }
  out->push_back(']');
}

void SpanJson(Span s, std::string* out) {
  out->push_back('[');
  json::AppendInt(s.begin, out);
  out->push_back(',');
  json::AppendInt(s.end, out);
  out->push_back(']');
}

void ActorJson(const Actor& a, bool explain, std::string* out) {
  out->append("{\"text\":");
  json::AppendString(a.text, out);
  Key("name", out);
  json::AppendString(a.name, out);
  Key("country", out);
  StringOrNull(a.country, out);
  Key("sector", out);
  StringOrNull(a.sector, out);
  Key("span", out);
  if (a.span.empty() && a.text.empty())
    out->append("null");  // an implicit actor: named by no words of the text
  else
    SpanJson(a.span, out);
  if (explain && !a.via.empty()) {
    Key("via", out);
    json::AppendString(a.via, out);
  }
  out->push_back('}');
}

void ActorsJson(const std::vector<Actor>& v, bool explain, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    ActorJson(v[i], explain, out);
  }
  out->push_back(']');
}

void PlaceJson(const Place& p, std::string* out) {
  out->append("{\"text\":");
  StringOrNull(p.text, out);
  Key("name", out);
  json::AppendString(p.name, out);
  Key("country", out);
  json::AppendString(p.country, out);
  Key("admin1", out);
  StringOrNull(p.admin1, out);
  Key("lat", out);
  if (p.has_coordinates)
    json::AppendNumber(p.lat, out);
  else
    out->append("null");
  Key("lon", out);
  if (p.has_coordinates)
    json::AppendNumber(p.lon, out);
  else
    out->append("null");
  Key("geonames", out);
  if (p.geonames)
    json::AppendInt(p.geonames, out);
  else
    out->append("null");
  Key("precision", out);
  json::AppendString(p.precision, out);
  Key("span", out);
  if (p.span.empty())
    out->append("null");
  else
    SpanJson(p.span, out);
  out->push_back('}');
}

void CountJson(const std::optional<Count>& c, std::string* out) {
  if (!c) {
    out->append("null");
    return;
  }
  out->append("{\"value\":");
  json::AppendInt(c->value, out);
  Key("qualifier", out);
  json::AppendString(c->qualifier, out);
  if (c->qualifier == "range") {
    Key("min", out);
    json::AppendInt(c->min, out);
    Key("max", out);
    json::AppendInt(c->max, out);
  }
  Key("text", out);
  json::AppendString(c->text, out);
  out->push_back('}');
}

// `"dead":…,"injured":…,"arrested":…,"size":…` without braces; `first` says whether the first key opens an
// object (no comma before it).
void CountsJson(const std::optional<Count>& dead, const std::optional<Count>& injured,
                const std::optional<Count>& arrested, const std::optional<Count>& size, bool first, std::string* out) {
  struct Field {
    QuotedKey key;
    const std::optional<Count>* count;
  };
  const Field fields[] = {{"dead", &dead}, {"injured", &injured}, {"arrested", &arrested}, {"size", &size}};
  for (const auto& [key, count] : fields) {
    out->append(first ? key.without_comma() : key.with_comma());
    first = false;
    CountJson(*count, out);
  }
}

}  // namespace

std::string_view EventTypeName(EventType t) { return kTypeNames[static_cast<size_t>(t)]; }

std::optional<EventType> ParseEventType(std::string_view name) {
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    const std::string_view n = kTypeNames[i];
    if (n.size() != name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < n.size() && same; ++k)
      same = (name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]) == n[k];
    if (same) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

std::string_view ModalityName(Modality m) {
  static constexpr std::string_view kNames[] = {"asserted",   "negated",   "requested",   "promised",
                                                "threatened", "predicted", "hypothetical"};
  return kNames[static_cast<size_t>(m)];
}

void AppendEventJson(const Event& e, std::string_view sentence_text, bool with_explain, std::string* out) {
  out->append("{\"format\":1");
  Key("id", out);
  json::AppendString(e.id, out);
  Key("doc", out);
  json::AppendString(e.doc, out);
  Key("lang", out);
  json::AppendString(e.lang, out);
  Key("type", out);
  json::AppendString(EventTypeName(e.type), out);
  Key("mode", out);
  StringOrNull(e.mode, out);
  Key("context", out);
  Strings(e.context, out);
  Key("modality", out);
  json::AppendString(ModalityName(e.modality), out);
  if (!e.modality_cue.empty()) {
    Key("modality_cue", out);
    json::AppendString(e.modality_cue, out);
  }
  Key("source", out);
  ActorsJson(e.source, with_explain, out);
  Key("target", out);
  ActorsJson(e.target, with_explain, out);
  Key("reported_by", out);
  if (e.reported_by)
    ActorJson(*e.reported_by, with_explain, out);
  else
    out->append("null");
  Key("place", out);
  if (e.place)
    PlaceJson(*e.place, out);
  else
    out->append("null");
  Key("date", out);
  if (e.date) {
    out->append("{\"value\":");
    json::AppendString(e.date->value, out);
    Key("precision", out);
    json::AppendString(e.date->precision, out);
    Key("text", out);
    StringOrNull(e.date->text, out);
    Key("basis", out);
    json::AppendString(e.date->basis, out);
    out->push_back('}');
  } else {
    out->append("null");
  }
  CountsJson(e.dead, e.injured, e.arrested, e.size, false, out);
  Key("trigger", out);
  out->append("{\"text\":");
  json::AppendString(e.trigger_text, out);
  Key("span", out);
  SpanJson(e.trigger, out);
  out->push_back('}');
  Key("sentence", out);
  out->append("{\"index\":");
  json::AppendInt(e.sentence_index, out);
  Key("span", out);
  SpanJson(e.sentence, out);
  Key("text", out);
  json::AppendString(sentence_text, out);
  out->push_back('}');
  Key("group", out);
  json::AppendString(e.group, out);
  if (e.has_group_counts) {
    // The group's figures beside the event's own (FORMAT.md: both visible).
    Key("group_counts", out);
    out->push_back('{');
    CountsJson(e.group_dead, e.group_injured, e.group_arrested, e.group_size, true, out);
    out->push_back('}');
  }
  if (!e.story.empty()) {
    Key("story", out);
    json::AppendString(e.story, out);
  }
  Key("cameo", out);
  StringOrNull(e.cameo, out);
  Key("acled", out);
  if (e.acled_type.empty()) {
    out->append("null");
  } else {
    out->append("{\"event_type\":");
    json::AppendString(e.acled_type, out);
    Key("sub_event_type", out);
    json::AppendString(e.acled_subtype, out);
    out->push_back('}');
  }
  Key("confidence", out);
  json::AppendNumber(e.confidence, out);
  if (with_explain) {
    Key("explain", out);
    out->push_back('[');
    for (size_t i = 0; i < e.explain.size(); ++i) {
      if (i) out->push_back(',');
      out->append("{\"what\":");
      json::AppendString(e.explain[i].what, out);
      Key("rule", out);
      json::AppendString(e.explain[i].rule, out);
      out->push_back('}');
    }
    out->push_back(']');
  }
  out->push_back('}');
}

void AppendDocJson(const Doc& d, std::string* out) {
  out->append("{\"format\":1");
  Key("id", out);
  json::AppendString(d.input.id, out);
  Key("lang", out);
  json::AppendString(d.lang, out);
  Key("lang_confidence", out);
  json::AppendNumber(d.lang_confidence, out);
  // How the language was found ("input", "fasttext", "cld2", "default"), and other-language paragraphs.
  Key("lang_basis", out);
  json::AppendString(d.lang_basis == "detected" ? d.lang_detector : d.lang_basis, out);
  if (!d.lang_spans.empty()) {
    Key("lang_spans", out);
    out->push_back('[');
    for (size_t i = 0; i < d.lang_spans.size(); ++i) {
      const LangSpan& ls = d.lang_spans[i];
      if (i) out->push_back(',');
      out->append("{\"span\":");
      SpanJson(ls.span, out);
      Key("lang", out);
      json::AppendString(ls.lang, out);
      out->append(",\"confidence\":");
      json::AppendNumber(ls.confidence, out);
      out->push_back('}');
    }
    out->push_back(']');
  }
  Key("published", out);
  StringOrNull(d.input.published, out);
  Key("title", out);
  StringOrNull(d.input.title, out);
  if (!d.input.url.empty()) {
    Key("url", out);
    json::AppendString(d.input.url, out);
  }
  if (!d.input.source.empty()) {
    Key("source", out);
    json::AppendString(d.input.source, out);
  }
  Key("text", out);
  json::AppendString(d.text, out);
  Key("removed", out);
  out->push_back('[');
  for (size_t i = 0; i < d.removed.size(); ++i) {
    if (i) out->push_back(',');
    SpanJson(d.removed[i], out);
  }
  out->push_back(']');
  Key("sentences", out);
  json::AppendInt(static_cast<int64_t>(d.sentences.size()), out);
  Key("events", out);
  json::AppendInt(static_cast<int64_t>(d.events.size()), out);
  Key("focus_country", out);
  StringOrNull(d.focus_country, out);
  Key("places", out);
  out->push_back('[');
  for (size_t i = 0; i < d.places.size(); ++i) {
    if (i) out->push_back(',');
    PlaceJson(d.places[i], out);
  }
  out->push_back(']');
  Key("errors", out);
  Strings(d.errors, out);
  Key("notes", out);
  Strings(d.notes, out);
  out->push_back('}');
}

}  // namespace tocsin
