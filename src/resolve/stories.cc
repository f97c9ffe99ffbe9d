// Stories across documents (include/tocsin/story.h, doc/stories.md).
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "extract/quantities.h"
#include "tocsin/story.h"

namespace tocsin {
namespace {

// Days since 1970-01-01 of "YYYY-MM-DD" (or "YYYY-MM", taken as the 15th); false for anything else.
bool DayOf(const std::string& v, long* day) {
  if (v.size() < 7 || v[4] != '-') return false;
  const int y = std::atoi(v.substr(0, 4).c_str()), m = std::atoi(v.substr(5, 2).c_str());
  const int d = v.size() >= 10 ? std::atoi(v.substr(8, 2).c_str()) : 15;
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  *day = static_cast<long>(extract::DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
  return true;
}

std::string DateOf(long day) {
  int y = 0;
  unsigned m = 0, d = 0;
  extract::CivilFromDays(day, &y, &m, &d);
  return extract::FormatDate(y, m, d);
}

const char* FamilyOf(EventType t) {
  switch (t) {
    case EventType::kProtest:
    case EventType::kAssault:
    case EventType::kCoerce:
    case EventType::kMobilize:
      return "contention";
    case EventType::kRequest:
    case EventType::kAccuse:
    case EventType::kReject:
    case EventType::kThreaten:
    case EventType::kSanction:
    case EventType::kConsult:
      return "politics";
    default:
      return "cooperation";
  }
}

template <typename T>
void AddOnce(std::vector<T>* v, const T& x) {
  if (std::find(v->begin(), v->end(), x) == v->end()) v->push_back(x);
}

// One happening of one document: what its group of events says, in language-independent terms.
struct Happening {
  std::string doc, lang, country, place, admin1, family;
  int64_t geonames = 0;
  bool city = false;   // the place is finer than a country
  long day = 0;        // its date, in days
  bool dated = false;  // the text states the date (not the publication date standing in)
  bool has_day = false;
  std::set<std::string> actors;
  int64_t dead = -1, injured = -1;
  size_t events = 0;
};

Happening Describe(const std::vector<const Event*>& group) {
  Happening h;
  std::map<std::string, int> families;
  for (const Event* e : group) {
    h.doc = e->doc;
    h.lang = e->lang;
    ++h.events;
    ++families[FamilyOf(e->type)];
    if (e->place) {
      const bool finer = e->place->precision != "country";
      if (h.country.empty() || (finer && !h.city)) {
        h.country = e->place->country;
        h.place = e->place->name;
        h.admin1 = e->place->admin1;
        h.geonames = e->place->geonames;
        h.city = finer;
      }
    }
    if (e->date) {
      long d = 0;
      const bool stated = e->date->basis != "published";
      if (DayOf(e->date->value, &d) && (!h.has_day || (stated && !h.dated))) {
        h.day = d;
        h.has_day = true;
        h.dated = stated;
      }
    }
    for (const auto* side : {&e->source, &e->target})
      for (const Actor& a : *side)
        if (!a.country.empty() && !a.sector.empty()) h.actors.insert(a.country + "/" + a.sector);
    if (e->dead) h.dead = std::max<int64_t>(h.dead, e->dead->value);
    if (e->injured) h.injured = std::max<int64_t>(h.injured, e->injured->value);
  }
  int most = 0;
  for (const auto& [f, n] : families)
    if (n > most) {
      most = n;
      h.family = f;
    }
  return h;
}

// How well a happening fits a story; below zero when it cannot belong to it at all.
double Score(const Happening& h, const Story& s, const StoryOptions& o) {
  if (h.country.empty() || h.country != s.country) return -1;
  double score = 0;
  long first = 0, last = 0;
  if (h.has_day && DayOf(s.first_date, &first) && DayOf(s.last_date, &last)) {
    const long dist = h.day < first ? first - h.day : h.day > last ? h.day - last : 0;
    if (dist > o.max_days) return -1;
    const double d = dist == 0 ? 3 : dist <= 2 ? 2 : dist <= 7 ? 1 : 0;
    score += h.dated ? d : std::min(d, 1.0);  // a publication date says little
  }
  if (h.city && ((h.geonames != 0 && std::count(s.geonames.begin(), s.geonames.end(), h.geonames)) ||
                 std::count(s.places.begin(), s.places.end(), h.place)))
    score += 3;
  else if (h.city && !h.admin1.empty() && std::count(s.admin1.begin(), s.admin1.end(), h.admin1))
    score += 2;
  else if (!h.city)
    score += 1;
  if (std::count(s.families.begin(), s.families.end(), h.family)) score += 1;
  for (const std::string& a : h.actors)
    if (std::count(s.actors.begin(), s.actors.end(), a)) {
      score += 1;
      break;
    }
  for (const Story::Report& r : s.reports)
    if (h.dead > 0 && r.dead == h.dead) {
      score += 1;
      break;
    }
  return score;
}

void Absorb(Story* s, const Happening& h) {
  if (s->country.empty()) s->country = h.country;
  if (h.has_day) {
    long first = 0, last = 0;
    const bool have = DayOf(s->first_date, &first) && DayOf(s->last_date, &last);
    if (!have || h.day < first) s->first_date = DateOf(h.day);
    if (!have || h.day > last) s->last_date = DateOf(h.day);
  }
  if (h.city) {
    AddOnce(&s->places, h.place);
    if (h.geonames) AddOnce(&s->geonames, h.geonames);
    if (!h.admin1.empty()) AddOnce(&s->admin1, h.admin1);
  }
  AddOnce(&s->families, h.family);
  for (const std::string& a : h.actors) AddOnce(&s->actors, a);
  s->reports.push_back({h.doc, h.lang, h.has_day ? DateOf(h.day) : std::string(), h.dead, h.injured, h.events});
}

}  // namespace

StoryIndex::StoryIndex(StoryOptions options) : options_(options) {}

namespace {

constexpr size_t kStoriesLooked = 4096;  // a country's latest stories a happening is compared with
constexpr size_t kReportsKept = 50000;   // reports whose translations are recognised (memory stays bounded)

// An event in terms every language shares: its category and its actors' countries (sectors are left out:
// one language's "the authorities" is another's "the government").
std::string Signature(const Event& e) {
  std::string s(EventTypeName(e.type));
  for (const auto* side : {&e.source, &e.target}) {
    std::set<std::string> codes;
    for (const Actor& a : *side) codes.insert(a.country);
    s += "|";
    for (const std::string& c : codes) s += c + ",";
  }
  return s;
}

// Jaccard similarity of two multisets of signatures.
double Overlap(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<std::string> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  const size_t all = a.size() + b.size() - both.size();
  return all ? static_cast<double>(both.size()) / static_cast<double>(all) : 0;
}

}  // namespace

void StoryIndex::Add(std::vector<Event>* events) {
  // A translation or a copy of a report already seen: its happenings go where that report's went.
  std::vector<std::string> sigs;
  for (const Event& e : *events)
    if (e.modality == Modality::kAsserted) sigs.push_back(Signature(e));
  const Fingerprint* twin = nullptr;
  if (sigs.size() >= options_.same_report_min_events) {
    std::set<size_t> candidates;
    for (const std::string& s : sigs)
      if (auto it = by_signature_.find(s); it != by_signature_.end())
        for (auto r = it->second.rbegin(); r != it->second.rend() && candidates.size() < 256; ++r)
          candidates.insert(*r);
    double best = options_.same_report;
    for (size_t r : candidates) {
      std::vector<std::string> theirs;
      for (const auto& [sig, story] : reports_[r].events) theirs.push_back(sig);
      if (theirs.size() < options_.same_report_min_events) continue;
      if (const double o = Overlap(sigs, theirs); o >= best) {
        best = o;
        twin = &reports_[r];
      }
    }
  }
  // The document's happenings: its groups with at least one asserted event.
  std::map<std::string, std::vector<const Event*>> groups;
  std::vector<std::string> order;
  for (const Event& e : *events)
    if (e.modality == Modality::kAsserted) {
      if (!groups.count(e.group)) order.push_back(e.group);
      groups[e.group].push_back(&e);
    }
  std::map<std::string, std::string> story_of;  // group -> story id
  for (const std::string& g : order) {
    const Happening h = Describe(groups[g]);
    if (twin) {
      // The twin report's story for the same event, if it has one.
      std::string id;
      for (const Event* e : groups[g])
        for (const auto& [sig, story] : twin->events)
          if (id.empty() && !story.empty() && sig == Signature(*e)) id = story;
      // ... when the happening could belong to it at all (same country, dates within reach).
      Story* st = nullptr;
      const size_t n = std::strtoul(id.c_str() + 1, nullptr, 10);  // ids are "s<position + 1>"
      if (n >= 1 && n <= stories_.size() && stories_[n - 1].id == id) st = &stories_[n - 1];
      if (st && Score(h, *st, options_) >= 0) {
        Absorb(st, h);
        changed_.push_back(n - 1);
        story_of[g] = id;
        continue;
      }
    }
    if (h.country.empty()) continue;  // nowhere: nothing to match on
    double best = -1;
    size_t pick = stories_.size();
    // The country's latest stories (kStoriesLooked): older ones are beyond any date window by then.
    const std::vector<size_t>& mine = by_country_[h.country];
    const size_t from = mine.size() > kStoriesLooked ? mine.size() - kStoriesLooked : 0;
    for (size_t k = from; k < mine.size(); ++k)
      if (const double sc = Score(h, stories_[mine[k]], options_); sc >= options_.threshold && sc > best) {
        best = sc;
        pick = mine[k];
      }
    if (pick == stories_.size()) {
      // A story this document's earlier coding left empty (Forget) is taken again before a new one is made:
      // re-coding a document keeps its story ids.
      auto again = reusable_.find(g);
      if (again != reusable_.end() && stories_[again->second].country == h.country &&
          stories_[again->second].reports.empty()) {
        pick = again->second;
        reusable_.erase(again);
      } else {
        stories_.emplace_back();
        stories_.back().id = "s" + std::to_string(stories_.size());
        by_country_[h.country].push_back(pick);
      }
    }
    Absorb(&stories_[pick], h);
    changed_.push_back(pick);
    story_of[g] = stories_[pick].id;
  }
  for (Event& e : *events)
    if (auto it = story_of.find(e.group); it != story_of.end()) e.story = it->second;
  reusable_.clear();  // only the document that emptied them may take them again
  // Remember this report for its translations to come.
  Fingerprint f;
  for (const Event& e : *events)
    if (e.modality == Modality::kAsserted) f.events.emplace_back(Signature(e), e.story);
  if (f.events.size() >= options_.same_report_min_events) {
    if (reports_.size() >= kReportsKept) {  // start afresh: translations come within days of their original
      reports_.clear();
      by_signature_.clear();
    }
    for (const auto& [sig, story] : f.events) {
      auto& list = by_signature_[sig];
      if (list.empty() || list.back() != reports_.size()) list.push_back(reports_.size());
    }
    reports_.push_back(std::move(f));
  }
}

StoryIndex::Changes StoryIndex::TakeChanges() {
  Changes out{std::move(changed_), std::move(rewritten_)};
  changed_.clear();
  rewritten_.clear();
  for (std::vector<size_t>* v : {&out.changed, &out.rewritten}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return out;
}

void StoryIndex::Forget(const std::string& doc,
                        const std::vector<std::pair<std::string, std::string>>& group_stories) {
  for (const auto& [group, id] : group_stories) {
    const size_t n = std::strtoul(id.c_str() + (id.empty() ? 0 : 1), nullptr, 10);  // ids are "s<position + 1>"
    if (n < 1 || n > stories_.size() || stories_[n - 1].id != id) continue;
    auto& reports = stories_[n - 1].reports;
    const size_t before = reports.size();
    reports.erase(std::remove_if(reports.begin(), reports.end(), [&](const Story::Report& r) { return r.doc == doc; }),
                  reports.end());
    if (reports.size() != before) {
      changed_.push_back(n - 1);
      rewritten_.push_back(n - 1);
    }
    if (reports.empty() && before > 0) {
      Story& st = stories_[n - 1];
      st = Story{st.id, "", "", st.country, {}, {}, {}, {}, {}, {}};
    }
    // The group's old story, when nothing else holds it any more, is the one it takes again.
    if (reports.empty()) reusable_[group] = n - 1;
  }
}

namespace {

nlohmann::json StoryToJson(const Story& s, bool with_reports = true) {
  nlohmann::json reports = nlohmann::json::array();
  if (with_reports)
    for (const Story::Report& r : s.reports)
      reports.push_back({{"doc", r.doc},
                         {"lang", r.lang},
                         {"date", r.date},
                         {"dead", r.dead},
                         {"injured", r.injured},
                         {"events", r.events}});
  return {{"id", s.id},
          {"first_date", s.first_date},
          {"last_date", s.last_date},
          {"country", s.country},
          {"places", s.places},
          {"geonames", s.geonames},
          {"admin1", s.admin1},
          {"families", s.families},
          {"actors", s.actors},
          {"reports", reports}};
}

// Throws nlohmann::json::exception on a malformed record (the callers turn it into a Status).
Story StoryFromJson(const nlohmann::json& x) {
  Story s;
  s.id = x.at("id").get<std::string>();
  s.first_date = x.value("first_date", "");
  s.last_date = x.value("last_date", "");
  s.country = x.value("country", "");
  s.places = x.value("places", std::vector<std::string>{});
  s.geonames = x.value("geonames", std::vector<int64_t>{});
  s.admin1 = x.value("admin1", std::vector<std::string>{});
  s.families = x.value("families", std::vector<std::string>{});
  s.actors = x.value("actors", std::vector<std::string>{});
  for (const auto& r : x.value("reports", nlohmann::json::array()))
    s.reports.push_back({r.value("doc", ""), r.value("lang", ""), r.value("date", ""), r.value("dead", int64_t{-1}),
                         r.value("injured", int64_t{-1}), r.value("events", size_t{0})});
  return s;
}

}  // namespace

std::string StoryIndex::StoryJson(const Story& story, bool with_reports) {
  return StoryToJson(story, with_reports).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Story> StoryIndex::ParseStory(std::string_view json) {
  try {
    return StoryFromJson(nlohmann::json::parse(json));
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string("not a story record: ") + e.what());
  }
}

StoryIndex StoryIndex::FromStories(std::vector<Story> stories, StoryOptions options) {
  StoryIndex index(options);
  for (Story& s : stories) {
    index.by_country_[s.country].push_back(index.stories_.size());
    index.stories_.push_back(std::move(s));
  }
  return index;
}

Status StoryIndex::Save(const std::string& path) const {
  nlohmann::json j = nlohmann::json::array();
  for (const Story& s : stories_) j.push_back(StoryToJson(s));
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status::IoError("cannot write `" + tmp + "`");
    out << j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (!out) return Status::IoError("write to `" + tmp + "` failed (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::IoError("cannot rename `" + tmp + "` to `" + path + "`");
  return Status::Ok();
}

Result<StoryIndex> StoryIndex::Load(const std::string& path, StoryOptions options) {
  StoryIndex index(options);
  std::ifstream in(path);
  if (!in) return index;  // a first run: no stories yet
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    std::vector<Story> stories;
    for (const auto& x : j) stories.push_back(StoryFromJson(x));
    index = FromStories(std::move(stories), options);
  } catch (const std::exception& e) {
    return Status::Corrupt("`" + path + "` is not a stories file written by tocsin: " + e.what());
  }
  return index;
}

}  // namespace tocsin
