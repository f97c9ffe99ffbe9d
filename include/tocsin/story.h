// Stories: events from different documents, in any language, that describe the same happening.
//
//   tocsin::StoryIndex stories;                      // or StoryIndex::Load("stories.json")
//   for (Doc& doc : coded) stories.Add(&doc.events);  // sets Event::story, in input order
//   stories.Save("stories.json");                    // a later run goes on from here
//
// The evidence is language-independent: the happening's category family, its place (GeoNames id, region,
// country), its date, the actors' country and sector codes and the figures stated. A document's groups
// (one happening each, see merge) are added one by one: a group joins the story it scores best with when the
// score reaches the threshold, else it starts a story. Incremental: a new report joins an existing story.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tocsin/event.h"
#include "tocsin/status.h"

namespace tocsin {

struct StoryOptions {
  double threshold = 5.0;  // score a happening needs to join a story (doc/stories.md)
  int max_days = 14;       // a happening further than this from a story's dates never joins it
  double same_report = 0.6;  // two documents whose asserted events overlap this much (Jaccard over category
                             // and actor codes) are one report, translated or syndicated: one story each
  size_t same_report_min_events = 3;
};

// What a story knows: enough to match new happenings and to list it (`tocsin stories`).
struct Story {
  std::string id;                       // "s1", "s2", ... in order of creation
  std::string first_date, last_date;    // of its happenings ("YYYY-MM-DD"; day precision)
  std::string country;                  // ISO3 of where it happens
  std::vector<std::string> places;      // place names (most specific first seen first)
  std::vector<int64_t> geonames;        // GeoNames ids of its places
  std::vector<std::string> admin1;      // first-level regions of its places
  std::vector<std::string> families;    // "contention", "politics", "cooperation"
  std::vector<std::string> actors;      // "KGZ/GOV", "KGZ/PRO", ...
  struct Report {
    std::string doc, lang, date;        // the document, its language, the happening's date in it
    int64_t dead = -1, injured = -1;    // the highest figures it states (-1: none)
    size_t events = 0;
  };
  std::vector<Report> reports;          // one per (document, group) that joined
};

class StoryIndex {
 public:
  explicit StoryIndex(StoryOptions options = {});

  // Assigns Event::story to the events of one document (all of one group get one story; events outside
  // any contentious or political happening, and events that are not asserted, join their group's story
  // when it has one). Documents must be added in a stable order for ids to be reproducible.
  void Add(std::vector<Event>* events);

  const std::vector<Story>& stories() const { return stories_; }

  // A JSON file holding the stories, so that a later run adds to them.
  Status Save(const std::string& path) const;
  static Result<StoryIndex> Load(const std::string& path, StoryOptions options = {});

  // For a store that keeps stories one row each (store.h): the positions in stories() of those that Add
  // created or joined (or Forget changed) since the last call, in order; a story's record as JSON (the
  // stories file's element); and an index rebuilt from such records, in their order of creation.
  struct Changes {
    std::vector<size_t> changed;    // created or joined
    std::vector<size_t> rewritten;  // of those, the ones that lost reports (Forget): store them whole again
  };
  Changes TakeChanges();
  // Removes the reports of document `doc` from the stories its events had (`group_stories`: each of its
  // groups with its story), before
  // the document, coded again, is added again: a re-coded document is never counted twice. The stories'
  // dates, places and actors are kept as they were, except for a story left with no report: it is emptied,
  // and in the next Add (the document again) the group that had it takes it again before a new story is
  // made, so story ids stay the same.
  void Forget(const std::string& doc, const std::vector<std::pair<std::string, std::string>>& group_stories);
  static std::string StoryJson(const Story& story, bool with_reports = true);
  static Result<Story> ParseStory(std::string_view json);
  static StoryIndex FromStories(std::vector<Story> stories, StoryOptions options = {});

 private:
  StoryOptions options_;
  std::vector<Story> stories_;
  std::vector<size_t> changed_, rewritten_;  // positions in stories_ touched since TakeChanges
  std::map<std::string, size_t> reusable_;   // group -> the story Forget emptied, for the next Add
  // Reports seen in this index, to recognise a translation or copy of one (same_report): each event's
  // language-independent signature with the story it went to, and the reports that have each signature.
  struct Fingerprint {
    std::vector<std::pair<std::string, std::string>> events;  // (signature, story id)
  };
  std::vector<Fingerprint> reports_;
  // Stories by country (a happening only ever joins one of its country's), for a scan that does not grow
  // with the whole archive.
  std::map<std::string, std::vector<size_t>> by_country_;
  std::map<std::string, std::vector<size_t>> by_signature_;
};

}  // namespace tocsin
