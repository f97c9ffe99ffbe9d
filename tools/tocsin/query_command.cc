// `tocsin query`: events from a store, filtered, as JSON Lines, ACLED-like or GDELT-like CSV, or counted.
#include <unicode/locid.h>
#include <unicode/uloc.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <map>

#include "commands.h"
#include "tocsin/store.h"

namespace tocsin::cli {
namespace {

using nlohmann::json;

// English country names by ISO 3166-1 alpha-3, from ICU's CLDR data (ACLED's `country` column is a name).
const std::map<std::string, std::string>& CountryNames() {
  static const std::map<std::string, std::string> names = [] {
    std::map<std::string, std::string> m;
    for (const char* const* c = uloc_getISOCountries(); *c; ++c) {
      icu::Locale loc("", *c);
      const char* iso3 = loc.getISO3Country();
      icu::UnicodeString name;
      loc.getDisplayCountry(icu::Locale::getEnglish(), name);
      std::string utf8;
      name.toUTF8String(utf8);
      if (iso3 && *iso3) m[iso3] = utf8;
    }
    return m;
  }();
  return names;
}

std::string CountryName(const std::string& iso3) {
  auto it = CountryNames().find(iso3);
  return it == CountryNames().end() ? iso3 : it->second;
}

// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. A leading =, +, - or @ is
// kept as text by spreadsheets only behind a quote character: reports are hostile input.
void Csv(std::string_view v, std::string* out) {
  const bool formula = !v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') &&
                       !(v.size() > 1 && std::isdigit(static_cast<unsigned char>(v[1])));
  const bool quote = formula || v.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out->append(v);
    return;
  }
  out->push_back('"');
  if (formula) out->push_back('\'');
  for (char c : v) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void Row(const std::vector<std::string>& cells, std::string* out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out->push_back(',');
    Csv(cells[i], out);
  }
  out->push_back('\n');
}


std::string Num(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return {};
  return it->is_number_integer() ? std::to_string(it->get<int64_t>()) : it->dump();
}

// ACLED's interaction codes by actor sector: 1 state forces, 2 rebels, 3 political militias, 4 identity
// militias, 5 rioters, 6 protesters, 7 civilians, 8 external or other forces.
std::string Inter(const json& actor, const std::string& event_country) {
  if (actor.is_null()) return {};
  const std::string sector = StringField(actor, "sector"), country = StringField(actor, "country");
  if (!country.empty() && !event_country.empty() && country != event_country &&
      (sector == "GOV" || sector == "MIL" || sector == "COP" || sector == "SEC"))
    return "8";
  if (sector == "GOV" || sector == "MIL" || sector == "COP" || sector == "SEC" || sector == "JUD" || sector == "LEG")
    return "1";
  if (sector == "REB") return "2";
  if (sector == "UAF") return "3";
  if (sector == "PRO" || sector == "LAB" || sector == "OPP") return "6";
  if (sector == "CVL" || sector == "MED" || sector == "EDU" || sector == "REL" || sector == "REF" || sector == "HLH")
    return "7";
  if (sector == "IGO" || sector == "NGO") return "8";
  return {};
}

std::string ActorLabel(const json& a) {
  std::string name = StringField(a, "name");
  if (name.empty()) name = StringField(a, "text");
  const std::string country = StringField(a, "country");
  if (!country.empty() && country.size() == 3) name += " (" + CountryName(country) + ")";
  return name;
}

const std::vector<std::string> kAcledHeader = {
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "country",
    "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
    "tocsin_event"};

// One ACLED-like row, or false when ACLED has no such event (no ACLED type, not asserted: ACLED records what
// happened, or dated only to a year).
bool AcledRow(const json& e, const Store::ScannedEvent& s, std::string* out) {
  const json acled = e.value("acled", json());
  if (StringField(e, "modality") != "asserted" || !acled.is_object() || StringField(acled, "event_type").empty()) return false;
  const json place = e.value("place", json());
  const json date = e.value("date", json());
  // ACLED dates every event to a day, with time_precision 1 (that day), 2 (its week) or 3 (its month): a
  // month becomes its first day at precision 3; a year has no ACLED form and the event is left out.
  std::string event_date = date.is_object() ? StringField(date, "value") : std::string(s.published.substr(0, 10));
  std::string time_precision = "1";
  if (event_date.size() == 7) {
    event_date += "-01";
    time_precision = "3";
  }
  if (event_date.size() != 10) return false;
  const json sources = e.value("source", json::array()), targets = e.value("target", json::array());
  const std::string country = place.is_object() ? StringField(place, "country") : std::string();
  std::string assoc;
  for (size_t i = 1; i < sources.size(); ++i) assoc += (assoc.empty() ? "" : "; ") + ActorLabel(sources[i]);
  std::string precision;
  if (place.is_object()) {
    const std::string p = StringField(place, "precision");
    precision = p == "city" ? "1" : p == "region" ? "2" : "3";
  }
  const json dead = e.value("dead", json());
  Row({event_date, time_precision, StringField(acled, "event_type"),
       StringField(acled, "sub_event_type"), sources.empty() ? "" : ActorLabel(sources[0]), assoc,
       sources.empty() ? "" : Inter(sources[0], country), targets.empty() ? "" : ActorLabel(targets[0]),
       country.empty() ? "" : CountryName(country), place.is_object() ? StringField(place, "admin1") : "",
       place.is_object() ? StringField(place, "name") : "", place.is_object() ? Num(place, "lat") : "",
       place.is_object() ? Num(place, "lon") : "", precision, std::string(s.source.empty() ? s.url : s.source),
       StringField(e.value("sentence", json::object()), "text"), dead.is_object() ? Num(dead, "value") : "0",
       StringField(e, "id")},
      out);
  return true;
}

const std::vector<std::string> kGdeltHeader = {
    "GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor2Code", "Actor2Name",
    "Actor2CountryCode", "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "ActionGeo_Type", "ActionGeo_FullName",
    "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL", "tocsin_event", "modality"};

std::string Digits(std::string_view date) {
  std::string out;
  for (char c : date)
    if (std::isdigit(static_cast<unsigned char>(c))) out.push_back(c);
  return out;
}

void GdeltRow(const json& e, const Store::ScannedEvent& s, int64_t row_id, std::string* out) {
  const json place = e.value("place", json());
  const json date = e.value("date", json());
  const json sources = e.value("source", json::array()), targets = e.value("target", json::array());
  auto code = [](const json& a) { return StringField(a, "country") + StringField(a, "sector"); };
  auto name = [](const json& a) {
    std::string n = StringField(a, "name");
    for (char& c : n) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));  // GDELT: upper case
    return n;
  };
  const std::string cameo = StringField(e, "cameo");
  // CAMEO's quad classes by root code: 01-05 verbal cooperation, 06-08 material cooperation, 09-13 verbal
  // conflict, 14-20 material conflict.
  std::string quad;
  if (cameo.size() >= 2) {
    const int root = std::atoi(cameo.substr(0, 2).c_str());
    quad = root >= 1 && root <= 5 ? "1" : root <= 8 ? "2" : root <= 13 ? "3" : root <= 20 ? "4" : "";
  }
  std::string geo_type;
  if (place.is_object()) {
    const std::string p = StringField(place, "precision");
    const bool usa = StringField(place, "country") == "USA";
    geo_type = p == "country" ? "1" : p == "region" ? (usa ? "2" : "5") : (usa ? "3" : "4");
  }
  std::string full;
  if (place.is_object()) {
    full = StringField(place, "name");
    const std::string c = StringField(place, "country");
    if (!c.empty() && StringField(place, "precision") != "country") full += ", " + CountryName(c);
  }
  std::string sqldate = date.is_object() ? Digits(StringField(date, "value")) : Digits(s.published.substr(0, 10));
  while (!sqldate.empty() && sqldate.size() < 8) sqldate += "01";  // a month or year: its first day
  Row({std::to_string(row_id), sqldate, sources.empty() ? "" : code(sources[0]), sources.empty() ? "" : name(sources[0]),
       sources.empty() ? "" : StringField(sources[0], "country"), targets.empty() ? "" : code(targets[0]),
       targets.empty() ? "" : name(targets[0]), targets.empty() ? "" : StringField(targets[0], "country"), "1", cameo,
       cameo.substr(0, std::min<size_t>(3, cameo.size())), cameo.substr(0, std::min<size_t>(2, cameo.size())), quad,
       "", "1", "1", "1", geo_type, full, place.is_object() ? StringField(place, "country") : "",
       place.is_object() ? StringField(place, "admin1") : "", place.is_object() ? Num(place, "lat") : "",
       place.is_object() ? Num(place, "lon") : "", place.is_object() ? Num(place, "geonames") : "",
       Digits(s.published.substr(0, 10)), std::string(s.url), StringField(e, "id"), StringField(e, "modality")},
      out);
}

}  // namespace

std::string StringField(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int Query(const QueryArgs& args) {
  StoreOptions options;
  options.read_only = true;
  auto store = Store::Open(args.db, options);
  if (!store.ok()) {
    std::cerr << "tocsin query: " << store.status().message() << "\n";
    return kExitFatal;
  }
  if (Status st = ValidateFilter(args.filter); !st.ok()) {
    std::cerr << "tocsin query: " << st.message() << "\n";
    return kExitFatal;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "tocsin query: cannot write `" << args.output << "`\n";
      return kExitFatal;
    }
    out = &file;
  }
  std::ios::sync_with_stdio(false);
  std::string buf;
  auto flush = [&](bool force) {
    if (force || buf.size() > (1u << 20)) {
      out->write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  };

  if (!args.count_by.empty()) {
    auto rows = (*store)->Aggregate(args.filter, args.count_by, args.split);
    if (!rows.ok()) {
      std::cerr << "tocsin query: " << rows.status().message() << "\n";
      return kExitFatal;
    }
    if (args.format == "jsonl") {
      for (const AggregateRow& r : *rows) {
        json j = {{args.count_by, r.key}, {"events", r.events}, {"dead", r.dead}, {"injured", r.injured},
                  {"arrested", r.arrested}};
        if (!args.split.empty()) j[args.split] = r.split;
        buf += j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
      }
    } else {
      std::vector<std::string> header = {args.count_by};
      if (!args.split.empty()) header.push_back(args.split);
      for (const char* h : {"events", "dead", "injured", "arrested"}) header.push_back(h);
      Row(header, &buf);
      for (const AggregateRow& r : *rows) {
        std::vector<std::string> cells = {r.key};
        if (!args.split.empty()) cells.push_back(r.split);
        for (int64_t v : {r.events, r.dead, r.injured, r.arrested}) cells.push_back(std::to_string(v));
        Row(cells, &buf);
      }
    }
    flush(true);
    return kExitOk;
  }

  int64_t rows = 0, left_out = 0;
  if (args.format == "acled") Row(kAcledHeader, &buf);
  if (args.format == "gdelt") Row(kGdeltHeader, &buf);
  // ACLED-like rows leave some events out, so the limit is counted here rather than in SQL for them.
  const int64_t sql_limit = args.format == "acled" ? 0 : args.limit;
  Status st = (*store)->ScanEvents(args.filter, sql_limit, [&](const Store::ScannedEvent& s) {
    if (args.limit > 0 && rows >= args.limit) return;
    if (args.format == "jsonl") {
      buf.append(s.record);
      buf.push_back('\n');
      ++rows;
    } else {
      const json e = json::parse(s.record, nullptr, false);
      if (e.is_discarded()) return;
      if (args.format == "acled") {
        if (AcledRow(e, s, &buf)) ++rows;
        else ++left_out;
      } else {
        GdeltRow(e, s, ++rows, &buf);
      }
    }
    flush(false);
  });
  flush(true);
  out->flush();
  if (!st.ok()) {
    std::cerr << "tocsin query: " << st.message() << "\n";
    return kExitFatal;
  }
  if (args.format == "acled" && left_out)
    std::cerr << "tocsin query: " << left_out
              << " event(s) left out of the ACLED-like rows: not asserted, no ACLED event type, or dated only to a year\n";
  return kExitOk;
}

}  // namespace tocsin::cli
