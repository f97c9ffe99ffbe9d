// The store on both backends: SQLite always, PostgreSQL when TOCSIN_TEST_PG names a server (scripts/test
// runs the tests under scripts/with-postgres, which starts a throwaway one). Each PostgreSQL test works in a
// schema of its own, dropped afterwards.
#include "tocsin/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "store/sql.h"

namespace tocsin {
namespace {

using nlohmann::json;

enum class Backend { kSqlite, kPostgres };

std::string PgConninfo() {
  const char* c = std::getenv("TOCSIN_TEST_PG");
  return c ? c : "";
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const std::string name = "tocsin_t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    if (GetParam() == Backend::kSqlite) {
      path_ = (std::filesystem::temp_directory_path() / (name + ".db")).string();
      url_ = path_;
    } else {
      if (PgConninfo().empty())
        GTEST_SKIP() << "TOCSIN_TEST_PG is not set, so the store is not tested on PostgreSQL; run the tests "
                        "under scripts/with-postgres (scripts/test does)";
      auto admin = store::OpenPostgres(PgConninfo());
      ASSERT_TRUE(admin.ok()) << admin.status().message();
      admin_ = std::move(admin).value();
      ASSERT_TRUE(admin_->Exec("CREATE SCHEMA " + name).ok());
      schema_ = name;
      url_ = PgConninfo() + " options=-csearch_path=" + name;
    }
    auto s = Store::Open(url_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    if (!path_.empty())
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
    if (admin_ && !schema_.empty()) admin_->Exec("DROP SCHEMA " + schema_ + " CASCADE");
  }

  std::string url_, path_, schema_;
  std::unique_ptr<store::Connection> admin_;
  std::unique_ptr<Store> store_;
};

Actor MakeActor(const std::string& name, const std::string& country, const std::string& sector) {
  Actor a;
  a.text = a.name = name;
  a.country = country;
  a.sector = sector;
  return a;
}

// A document whose text is its sentences, one event per sentence: (type, modality, date, country, dead).
struct Spec {
  EventType type;
  Modality modality;
  std::string date, country;
  int64_t dead = -1;
  std::string sentence = "Police opened fire on protesters in the capital.";
  std::vector<Actor> source = {MakeActor("police", "KGZ", "COP")};
};

Doc MakeDoc(const std::string& id, const std::vector<Spec>& specs) {
  Doc d;
  d.input.id = id;
  d.input.title = "Title of " + id;
  d.input.published = "2010-04-08";
  d.input.url = "https://example.org/" + id;
  d.lang = "en";
  for (size_t i = 0; i < specs.size(); ++i) {
    const Spec& s = specs[i];
    const uint32_t begin = static_cast<uint32_t>(d.text.size());
    d.text += s.sentence + " ";
    Event e;
    e.id = id + "#" + std::to_string(i + 1);
    e.doc = id;
    e.lang = "en";
    e.type = s.type;
    e.modality = s.modality;
    e.sentence = {begin, static_cast<uint32_t>(begin + s.sentence.size())};
    e.sentence_index = static_cast<uint32_t>(i);
    e.trigger_text = "opened fire";
    e.source = s.source;
    if (!s.date.empty()) e.date = DateValue{s.date, s.date.size() == 10 ? "day" : s.date.size() == 7 ? "month" : "year", "", "explicit"};
    if (!s.country.empty()) {
      Place p;
      p.name = p.text = s.country == "KGZ" ? "Bishkek" : "Almaty";
      p.country = s.country;
      p.lat = 42.87;
      p.lon = 74.59;
      p.has_coordinates = true;
      p.precision = "city";
      e.place = p;
    }
    if (s.dead >= 0) e.dead = Count{s.dead, "exact", 0, 0, std::to_string(s.dead)};
    d.events.push_back(std::move(e));
  }
  return d;
}

std::vector<std::string> Ids(const Page& p) {
  std::vector<std::string> out;
  for (const std::string& r : p.records) out.push_back(json::parse(r).at("id").get<std::string>());
  return out;
}

Page Events(Store& s, const EventFilter& f, int64_t limit = 100) {
  auto p = s.Events(f, {limit, 0});
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? std::move(p).value() : Page{};
}

TEST_P(StoreTest, StoresAndReadsBackEventRecordsNewestFirst) {
  ASSERT_TRUE(store_->Put(MakeDoc("a", {{EventType::kProtest, Modality::kAsserted, "2010-04-06", "KGZ"},
                                        {EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ", 84}}))
                  .ok());
  Page p = Events(*store_, {});
  EXPECT_EQ(p.total, 2);
  EXPECT_EQ(Ids(p), (std::vector<std::string>{"a#2", "a#1"}));
  const json e = json::parse(p.records[0]);
  EXPECT_EQ(e["type"], "ASSAULT");
  EXPECT_EQ(e["dead"]["value"], 84);
  EXPECT_EQ(e["sentence"]["text"], "Police opened fire on protesters in the capital.");
  auto one = store_->EventRecord("a#1");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(json::parse(*one)["type"], "PROTEST");
  EXPECT_EQ(store_->EventRecord("a#9").status().code(), Status::Code::kNotFound);
  auto doc = store_->DocumentRecord("a");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(json::parse(*doc)["text"].get<std::string>().substr(0, 6), "Police");
}

TEST_P(StoreTest, RecodingADocumentReplacesItsEventsWithoutDuplicates) {
  const Spec s{EventType::kProtest, Modality::kAsserted, "2010-04-06", "KGZ"};
  ASSERT_TRUE(store_->Put(MakeDoc("a", {s, s, s})).ok());
  ASSERT_TRUE(store_->Put(MakeDoc("b", {s})).ok());
  ASSERT_TRUE(store_->Put(MakeDoc("a", {s, s})).ok());  // re-coded: two events now
  auto c = store_->Counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->documents, 2);
  EXPECT_EQ(c->events, 3);
  EventFilter by_actor;
  by_actor.actor = "KGZ/COP";
  EXPECT_EQ(Events(*store_, by_actor).total, 3);  // the old actors went with their events
}

TEST_P(StoreTest, FiltersSelectTheRightEvents) {
  Spec kaz{EventType::kProtest, Modality::kRequested, "2022-01-05", "KAZ"};
  kaz.sentence = "Workers in Zhanaozen called for 100% of wages_paid.";
  kaz.source = {MakeActor("Рабочие нефтяники", "KAZ", "LAB")};
  ASSERT_TRUE(store_->Put(MakeDoc("a", {{EventType::kProtest, Modality::kAsserted, "2010-04-06", "KGZ"},
                                        {EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ", 84},
                                        {EventType::kCoerce, Modality::kAsserted, "2010-04", "KGZ"},
                                        kaz,
                                        {EventType::kAssault, Modality::kAsserted, "", ""}}))
                  .ok());
  auto ids = [&](EventFilter f) {
    std::vector<std::string> v = Ids(Events(*store_, f));
    std::sort(v.begin(), v.end());
    return v;
  };
  using V = std::vector<std::string>;
  EventFilter f;
  f.from = "2010-04-07";
  f.to = "2010-04-30";
  EXPECT_EQ(ids(f), V({"a#2"}));
  f.from = "2010-04-01";  // a month-precision date counts from its first day
  EXPECT_EQ(ids(f), V({"a#1", "a#2", "a#3"}));
  f = {};
  f.countries = {"KAZ"};
  EXPECT_EQ(ids(f), V({"a#4"}));
  f = {};
  f.categories = {"assault"};
  EXPECT_EQ(ids(f), V({"a#2", "a#5"}));
  f.modalities = {"requested"};
  EXPECT_EQ(ids(f), V({}));
  f = {};
  f.modalities = {"requested"};
  EXPECT_EQ(ids(f), V({"a#4"}));
  f = {};
  f.actor = "рабочие";  // a name, in any case, in any script
  EXPECT_EQ(ids(f), V({"a#4"}));
  f.actor = "/LAB";
  EXPECT_EQ(ids(f), V({"a#4"}));
  f.actor = "KGZ";
  EXPECT_EQ(ids(f), V({"a#1", "a#2", "a#3", "a#5"}));
  f = {};
  f.text = "100%";  // the wildcard characters of LIKE are literal here
  EXPECT_EQ(ids(f), V({"a#4"}));
  f.text = "Workers_in";  // as a wildcard `_` would match the space
  EXPECT_EQ(ids(f), V({}));
  f.text = "WAGES_PAID";
  EXPECT_EQ(ids(f), V({"a#4"}));
  f = {};
  f.doc = "a";
  EXPECT_EQ(Events(*store_, f).total, 5);
  // Undated events come last, newest first before them.
  EXPECT_EQ(Ids(Events(*store_, {})).back(), "a#5");
}

TEST_P(StoreTest, ValuesAreNeverSql) {
  ASSERT_TRUE(store_->Put(MakeDoc("x'; DROP TABLE events; --", {{EventType::kProtest, Modality::kAsserted, "2010-04-06", "KGZ"}})).ok());
  EventFilter f;
  f.actor = "'; DROP TABLE actors; --";
  f.text = "\" OR 1=1 --";
  f.admin1 = "?";
  EXPECT_EQ(Events(*store_, f).total, 0);
  f = {};
  f.doc = "x'; DROP TABLE events; --";
  EXPECT_EQ(Events(*store_, f).total, 1);
  EXPECT_EQ(store_->Counts()->events, 1);
}

// Regression: a document id or message with bytes that are not UTF-8 (a file name) made the JSON writer throw
// while storing it, and while listing documents (a 500 from the API).
TEST_P(StoreTest, BytesThatAreNotUtf8InIdsAndMessagesAreStoredAndListed) {
  Doc d = MakeDoc("r\xff\xfe", {{EventType::kProtest, Modality::kAsserted, "2010-04-06", "KGZ"}});
  d.errors.push_back("found `\x82\xff/` where a header was expected");
  d.input.title = "title \xc3";
  StoryIndex index;
  ASSERT_TRUE(store_->PutWithStories(&d, &index).ok());
  ASSERT_TRUE(store_->PutStories(&index).ok());
  auto docs = store_->Documents({}, {});
  ASSERT_TRUE(docs.ok()) << docs.status().message();
  ASSERT_EQ(docs->records.size(), 1u);
  EXPECT_FALSE(json::parse(docs->records[0])["id"].get<std::string>().empty());
  auto stories = store_->Stories({}, {});
  ASSERT_TRUE(stories.ok()) << stories.status().message();
}

TEST_P(StoreTest, BadFilterValuesNameTheirField) {
  EventFilter f;
  f.from = "2010-13-01";
  EXPECT_EQ(store_->Events(f, {}).status().message().rfind("from:", 0), 0u);
  f = {};
  f.categories = {"RIOT"};
  EXPECT_EQ(store_->Events(f, {}).status().message().rfind("category:", 0), 0u);
  f = {};
  f.modalities = {"maybe"};
  EXPECT_EQ(store_->Aggregate(f, "day").status().message().rfind("modality:", 0), 0u);
  EXPECT_EQ(store_->Aggregate({}, "hour").status().message().rfind("by:", 0), 0u);
  EXPECT_FALSE(store_->Events({}, {0, 0}).ok());
  EXPECT_FALSE(store_->Events({}, {10, -1}).ok());
}

TEST_P(StoreTest, AggregatesCountAndSumAssertedFigures) {
  ASSERT_TRUE(store_->Put(MakeDoc("a", {{EventType::kProtest, Modality::kAsserted, "2010-04-05", "KGZ"},
                                        {EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ", 84},
                                        {EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ", 3},
                                        {EventType::kAssault, Modality::kThreatened, "2010-04-12", "KGZ", 1000}}))
                  .ok());
  auto rows = store_->Aggregate({}, "day", "category");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].key, "2010-04-07");
  EXPECT_EQ((*rows)[1].split, "ASSAULT");
  EXPECT_EQ((*rows)[1].events, 2);
  EXPECT_EQ((*rows)[1].dead, 87);
  EXPECT_EQ((*rows)[2].dead, 0);  // threatened: not a deed, its figure is not summed
  auto weeks = store_->Aggregate({}, "week");
  ASSERT_TRUE(weeks.ok());
  ASSERT_EQ(weeks->size(), 2u);
  EXPECT_EQ((*weeks)[0].key, "2010-04-05");  // a Monday
  EXPECT_EQ((*weeks)[0].events, 3);
  EXPECT_EQ((*weeks)[1].key, "2010-04-12");
  auto months = store_->Aggregate({}, "month");
  ASSERT_TRUE(months.ok());
  ASSERT_EQ(months->size(), 1u);
  EXPECT_EQ((*months)[0].key, "2010-04");
}

TEST_P(StoreTest, ARolledBackBatchLeavesNothing) {
  const Spec s{EventType::kProtest, Modality::kAsserted, "2010-04-06", "KGZ"};
  ASSERT_TRUE(store_->Put(MakeDoc("kept", {s})).ok());
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->Put(MakeDoc("gone1", {s, s})).ok());
  ASSERT_TRUE(store_->Put(MakeDoc("kept", {s, s, s})).ok());
  ASSERT_TRUE(store_->Rollback().ok());
  auto c = store_->Counts();
  EXPECT_EQ(c->documents, 1);
  EXPECT_EQ(c->events, 1);
}

TEST_P(StoreTest, StoriesAreKeptAndGoOnAcrossRuns) {
  StoryIndex index;
  Doc a = MakeDoc("a", {{EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ", 84}});
  Doc b = MakeDoc("b", {{EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ", 80}});
  for (Doc* d : {&a, &b}) d->events[0].group = d->input.id + "/g1";
  index.Add(&a.events);
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->Put(a).ok());
  ASSERT_TRUE(store_->PutStories(&index).ok());
  ASSERT_TRUE(store_->Commit().ok());
  // A later run loads the stories and adds to them.
  auto loaded = store_->LoadStories();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->stories().size(), 1u);
  loaded->Add(&b.events);
  EXPECT_EQ(b.events[0].story, a.events[0].story);
  ASSERT_TRUE(store_->Put(b).ok());
  ASSERT_TRUE(store_->PutStories(&*loaded).ok());
  auto stories = store_->Stories({}, {});
  ASSERT_TRUE(stories.ok());
  ASSERT_EQ(stories->total, 1);
  const json s = json::parse(stories->records[0]);
  EXPECT_EQ(s["documents"], 2);
  EXPECT_EQ(s["events"], 2);
  EventFilter f;
  f.story = s["id"];
  EXPECT_EQ(Events(*store_, f).total, 2);
  auto docs = store_->Documents(f, {});
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ(docs->total, 2);
}

// Regression: re-coding a document counted its reports twice in its stories, and a happening too weak to
// join any story (dated by publication only) made a new story at every re-coding.
TEST_P(StoreTest, RecodingADocumentKeepsItsStoriesAndCountsItOnce) {
  Doc a = MakeDoc("a", {{EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ", 84}});
  Doc b = MakeDoc("b", {{EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ", 80}});
  Doc weak = MakeDoc("weak", {{EventType::kConsult, Modality::kAsserted, "", "KAZ"}});
  weak.events[0].date = DateValue{"2010-04-08", "day", "", "published"};
  for (Doc* d : {&a, &b, &weak}) d->events[0].group = d->input.id + "/g1";
  StoryIndex index;
  for (Doc* d : {&a, &b, &weak}) ASSERT_TRUE(store_->PutWithStories(d, &index).ok());
  ASSERT_TRUE(store_->PutStories(&index).ok());
  const std::string story_a = a.events[0].story, story_weak = weak.events[0].story;
  ASSERT_EQ(b.events[0].story, story_a);
  // A later run codes both again.
  auto loaded = store_->LoadStories();
  ASSERT_TRUE(loaded.ok());
  for (Doc* d : {&a, &weak}) {
    for (Event& e : d->events) e.story.clear();
    ASSERT_TRUE(store_->PutWithStories(d, &*loaded).ok());
  }
  ASSERT_TRUE(store_->PutStories(&*loaded).ok());
  EXPECT_EQ(a.events[0].story, story_a);
  EXPECT_EQ(weak.events[0].story, story_weak);
  auto stories = store_->Stories({}, {});
  ASSERT_TRUE(stories.ok());
  EXPECT_EQ(stories->total, 2);
  for (const std::string& r : stories->records) {
    const json s = json::parse(r);
    EXPECT_EQ(s["reports_total"], s["id"] == story_a ? 2 : 1) << r;
  }
}

TEST_P(StoreTest, ScanGivesEveryEventInDateOrderWithProvenance) {
  ASSERT_TRUE(store_->Put(MakeDoc("a", {{EventType::kProtest, Modality::kAsserted, "2010-04-07", "KGZ"},
                                        {EventType::kProtest, Modality::kAsserted, "2010-04-06", "KGZ"}}))
                  .ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(store_->ScanEvents({}, 0, [&](const Store::ScannedEvent& e) {
                        seen.push_back(json::parse(e.record)["id"]);
                        EXPECT_EQ(e.url, "https://example.org/a");
                      }).ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"a#2", "a#1"}));
}

TEST_P(StoreTest, SchemaVersionIsCheckedOnOpen) {
  store_.reset();
  // A store written by a newer tocsin is refused rather than misread.
  {
    auto conn = GetParam() == Backend::kSqlite ? store::OpenSqlite(path_, false) : store::OpenPostgres(url_);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'").ok());
  }
  auto s = Store::Open(url_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos) << s.status().message();
}

TEST_P(StoreTest, AVersionOneStoreIsMigratedAndItsActorsStillFilter) {
  Spec a{EventType::kProtest, Modality::kAsserted, "2010-04-06", "KGZ"};
  a.source = {MakeActor("police", "KGZ", "COP"), MakeActor("army", "KGZ", "MIL")};
  Spec b{EventType::kAssault, Modality::kAsserted, "2010-04-07", "KGZ"};
  b.source = {MakeActor("opposition", "KGZ", "OPP")};
  ASSERT_TRUE(store_->Put(MakeDoc("a", {a, b})).ok());
  store_.reset();
  // Turn it into what version 1 wrote: actors keyed by the row order, with an index on event_n.
  {
    auto conn = GetParam() == Backend::kSqlite ? store::OpenSqlite(path_, false) : store::OpenPostgres(url_);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)
                    ->Exec(R"sql(
CREATE TABLE actors_v1 (
  event_n BIGINT NOT NULL, role TEXT NOT NULL, position BIGINT NOT NULL,
  name TEXT, name_folded TEXT, text TEXT, country TEXT, sector TEXT);
INSERT INTO actors_v1 SELECT event_n, role, position, name, name_folded, text, country, sector FROM actors ORDER BY id DESC;
DROP TABLE actors;
ALTER TABLE actors_v1 RENAME TO actors;
CREATE INDEX actors_event ON actors (event_n);
CREATE INDEX actors_code ON actors (country, sector);
UPDATE meta SET value = '1' WHERE key = 'schema_version';
)sql")
                    .ok());
  }
  auto s = Store::Open(url_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  store_ = std::move(s).value();
  {
    auto conn = GetParam() == Backend::kSqlite ? store::OpenSqlite(path_, false) : store::OpenPostgres(url_);
    ASSERT_TRUE(conn.ok());
    std::vector<std::string> rows;
    ASSERT_TRUE((*conn)
                    ->Run("SELECT e.id, a.id - e.n * 1024, a.name FROM actors a JOIN events e ON e.n = a.event_n "
                          "ORDER BY a.id",
                          {},
                          [&](const std::vector<store::Value>& r) {
                            rows.push_back(store::AsString(r[0]) + " " + store::AsString(r[1]) + " " +
                                           store::AsString(r[2]));
                          })
                    .ok());
    EXPECT_EQ(rows, (std::vector<std::string>{"a#1 0 police", "a#1 1 army", "a#2 0 opposition"}));
    std::string version;
    ASSERT_TRUE((*conn)
                    ->Run("SELECT value FROM meta WHERE key = 'schema_version'", {},
                          [&](const std::vector<store::Value>& r) { version = store::AsString(r[0]); })
                    .ok());
    EXPECT_EQ(version, std::to_string(kStoreSchemaVersion));
  }
  EventFilter f;
  f.actor = "KGZ/MIL";
  EXPECT_EQ(Ids(Events(*store_, f)), (std::vector<std::string>{"a#1"}));
  f.actor = "KGZ";
  EXPECT_EQ(Ids(Events(*store_, f)), (std::vector<std::string>{"a#2", "a#1"}));
  f.actor = "opposition";
  EXPECT_EQ(Ids(Events(*store_, f)), (std::vector<std::string>{"a#2"}));
  // Re-coding after the migration replaces the old actors: none is left behind.
  ASSERT_TRUE(store_->Put(MakeDoc("a", {b})).ok());
  f.actor = "KGZ/MIL";
  EXPECT_TRUE(Ids(Events(*store_, f)).empty());
  f.actor = "KGZ";
  EXPECT_EQ(Ids(Events(*store_, f)), (std::vector<std::string>{"a#1"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return info.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

TEST(SqliteStore, MissingOrForeignFilesAreClearErrors) {
  StoreOptions ro;
  ro.read_only = true;
  auto missing = Store::Open("/nonexistent/dir/events.db", ro);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  const std::string junk = (std::filesystem::temp_directory_path() / "tocsin_not_a_db.db").string();
  {
    std::FILE* f = std::fopen(junk.c_str(), "w");
    std::fputs("this is not a database, just text that is long enough to have a header of sorts\n", f);
    std::fclose(f);
  }
  auto foreign = Store::Open(junk);
  EXPECT_FALSE(foreign.ok());
  std::filesystem::remove(junk);
}

TEST(SqliteDriver, AQueryPastItsTimeLimitStopsWithATimeout) {
  auto conn = store::OpenSqlite(":memory:", false);
  ASSERT_TRUE(conn.ok());
  (*conn)->SetTimeout(std::chrono::milliseconds(5));
  Status st = (*conn)->Run(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c",
      {});
  EXPECT_TRUE(store::IsTimeout(st)) << st.message();
  // The connection is usable afterwards.
  (*conn)->SetTimeout(std::chrono::milliseconds(0));
  int64_t one = 0;
  ASSERT_TRUE((*conn)->Run("SELECT ?", {store::Value{int64_t{1}}}, [&](const auto& r) { one = store::AsInt(r[0]); }).ok());
  EXPECT_EQ(one, 1);
}

}  // namespace
}  // namespace tocsin
