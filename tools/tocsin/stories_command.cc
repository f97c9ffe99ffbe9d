// `tocsin stories`: the stories of a run, with their documents, languages and figures by source and date.
//
// Reads a store (`tocsin code --db`), a stories file (`tocsin code --stories-file`) or events written by
// `tocsin code` (clustered here, in file order, as `--stories` would).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.h"
#include "tocsin/store.h"
#include "tocsin/story.h"

namespace tocsin::cli {
namespace {

// Events of FORMAT.md records, as far as stories need them.
Event EventFromJson(const nlohmann::json& j) {
  Event e;
  e.doc = j.value("doc", "");
  e.lang = j.value("lang", "");
  e.group = j.value("group", "");
  if (auto t = ParseEventType(j.value("type", ""))) e.type = *t;
  e.modality = j.value("modality", "asserted") == "asserted" ? Modality::kAsserted : Modality::kPredicted;
  for (const char* side : {"source", "target"})
    if (j.contains(side) && j[side].is_array())
      for (const auto& a : j[side]) {
        tocsin::Actor actor;
        if (a.contains("country") && a["country"].is_string()) actor.country = a["country"];
        if (a.contains("sector") && a["sector"].is_string()) actor.sector = a["sector"];
        (std::string(side) == "source" ? e.source : e.target).push_back(actor);
      }
  if (j.contains("place") && j["place"].is_object()) {
    const auto& p = j["place"];
    Place place;
    if (p.contains("name") && p["name"].is_string()) place.name = p["name"];
    if (p.contains("country") && p["country"].is_string()) place.country = p["country"];
    if (p.contains("admin1") && p["admin1"].is_string()) place.admin1 = p["admin1"];
    if (p.contains("precision") && p["precision"].is_string()) place.precision = p["precision"];
    if (p.contains("geonames") && p["geonames"].is_number_integer()) place.geonames = p["geonames"];
    e.place = place;
  }
  if (j.contains("date") && j["date"].is_object()) {
    DateValue d;
    d.value = j["date"].value("value", "");
    d.precision = j["date"].value("precision", "");
    d.basis = j["date"].value("basis", "");
    e.date = d;
  }
  for (auto [key, field] : {std::pair{"dead", &Event::dead}, std::pair{"injured", &Event::injured}})
    if (j.contains(key) && j[key].is_object() && j[key].contains("value") && j[key]["value"].is_number_integer()) {
      Count c;
      c.value = j[key]["value"];
      e.*field = c;
    }
  return e;
}

}  // namespace

int Stories(const StoriesArgs& args) {
  StoryOptions options;
  options.threshold = args.threshold;
  StoryIndex index(options);
  std::ifstream in;
  if (!args.db.empty()) {  // the stories a store keeps (tocsin code --db)
    StoreOptions read;
    read.read_only = true;
    auto store = Store::Open(args.db, read);
    auto loaded = store.ok() ? (*store)->LoadStories(options) : Result<StoryIndex>(store.status());
    if (!loaded.ok()) {
      std::cerr << "tocsin stories: " << loaded.status().message() << "\n";
      return kExitFatal;
    }
    index = std::move(loaded).value();
  } else if (in.open(args.input); !in) {
    std::cerr << "tocsin stories: cannot read `" << args.input << "`\n";
    return kExitFatal;
  } else if (in.peek() == '[') {  // a stories file
    in.close();
    auto loaded = StoryIndex::Load(args.input, options);
    if (!loaded.ok()) {
      std::cerr << "tocsin stories: " << loaded.status().message() << "\n";
      return kExitFatal;
    }
    index = std::move(loaded).value();
  } else {  // events: cluster them document by document, in file order
    std::vector<Event> doc_events;
    std::string line, current;
    size_t n = 0;
    auto flush = [&] {
      if (!doc_events.empty()) index.Add(&doc_events);
      doc_events.clear();
    };
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const std::exception& e) {
        std::cerr << "tocsin stories: " << args.input << ":" << n << ": not a JSON event record (" << e.what()
                  << ")\n";
        return kExitFatal;
      }
      if (!j.is_object() || !j.contains("doc") || !j.contains("type") || !ParseEventType(j.value("type", ""))) {
        std::cerr << "tocsin stories: " << args.input << ":" << n
                  << ": not an event record (no doc or type): give events from `tocsin code -o` or a stories file\n";
        return kExitFatal;
      }
      Event e = EventFromJson(j);
      if (e.doc != current) {
        flush();
        current = e.doc;
      }
      doc_events.push_back(std::move(e));
    }
    flush();
  }
  if (!args.save.empty())
    if (Status st = index.Save(args.save); !st.ok()) {
      std::cerr << "tocsin stories: " << st.message() << "\n";
      return kExitFatal;
    }
  size_t shown = 0;
  // Largest first: told by the most documents, then with the most events; creation order on a tie.
  std::vector<const Story*> order;
  for (const Story& s : index.stories()) order.push_back(&s);
  auto weight = [](const Story* s) {
    std::vector<std::string> docs;
    size_t events = 0;
    for (const Story::Report& r : s->reports) {
      if (std::find(docs.begin(), docs.end(), r.doc) == docs.end()) docs.push_back(r.doc);
      events += r.events;
    }
    return std::pair{docs.size(), events};
  };
  std::stable_sort(order.begin(), order.end(), [&](const Story* a, const Story* b) { return weight(a) > weight(b); });
  for (const Story* sp : order) {
    const Story& s = *sp;
    // One line per document: its dates, its highest figures, its events (a report may state several
    // happenings of one story).
    struct PerDoc {
      std::string lang, first, last;
      int64_t dead = -1, injured = -1;
      size_t events = 0;
    };
    std::vector<std::pair<std::string, PerDoc>> docs;
    for (const Story::Report& r : s.reports) {
      auto it = std::find_if(docs.begin(), docs.end(), [&](const auto& d) { return d.first == r.doc; });
      if (it == docs.end()) {
        docs.push_back({r.doc, PerDoc{r.lang, r.date, r.date}});
        it = docs.end() - 1;
      }
      PerDoc& d = it->second;
      if (!r.date.empty() && (d.first.empty() || r.date < d.first)) d.first = r.date;
      if (r.date > d.last) d.last = r.date;
      d.dead = std::max(d.dead, r.dead);
      d.injured = std::max(d.injured, r.injured);
      d.events += r.events;
    }
    if (docs.size() < static_cast<size_t>(args.min_reports)) continue;
    ++shown;
    std::map<std::string, int> langs;
    for (const auto& [doc, d] : docs) ++langs[d.lang];
    std::string places, lang_list;
    for (const std::string& p : s.places) places += (places.empty() ? "" : ", ") + p;
    for (const auto& [l, c] : langs) lang_list += (lang_list.empty() ? "" : ", ") + l + " " + std::to_string(c);
    std::printf("%s  %s  %s..%s  %s  %zu document(s): %s\n", s.id.c_str(), s.country.c_str(), s.first_date.c_str(),
                s.last_date.c_str(), places.empty() ? "(country)" : places.c_str(), docs.size(), lang_list.c_str());
    for (const auto& [doc, d] : docs) {
      const std::string when = d.first == d.last ? d.first : d.first + ".." + d.last;
      std::printf("    %-24s %-3s %-22s", doc.c_str(), d.lang.c_str(), when.c_str());
      if (d.dead >= 0) std::printf("  dead %lld", static_cast<long long>(d.dead));
      if (d.injured >= 0) std::printf("  injured %lld", static_cast<long long>(d.injured));
      std::printf("  (%zu event(s))\n", d.events);
    }
  }
  std::fprintf(stderr, "%zu stories, %zu shown (at least %d document(s) each)\n", index.stories().size(), shown,
               args.min_reports);
  return kExitOk;
}

}  // namespace tocsin::cli
