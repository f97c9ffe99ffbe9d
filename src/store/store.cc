// The event store (include/tocsin/store.h, doc/store.md): one schema and one set of statements over the SQL
// drivers of sql.h.
#include "tocsin/store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include <unistd.h>

#include "extract/quantities.h"
#include "store/sql.h"
#include "text/normalize.h"

namespace tocsin {
namespace {

using store::AsInt;
using store::AsString;
using store::Dialect;
using store::Value;

// Ids, titles and messages come from inputs and may hold bytes that are not UTF-8 (a file name, a header):
// JSON written from them replaces such bytes rather than throwing.
constexpr auto kReplaceInvalid = nlohmann::json::error_handler_t::replace;

// Migrations, in order: migration k takes a store from schema version k to k + 1. A new version appends one
// (never edits an old one) and raises kStoreSchemaVersion. `{serial}` is the dialect's auto-numbered key,
// `{rowid}` an integer key the store gives (SQLite's row id: rows are stored in its order).
//
// Events carry the columns queries filter, sort and count on; the record column holds the whole FORMAT.md
// record, so reading an event never reassembles it. `day` is the event date's first day as days since
// 1970-01-01 (NULL when undated); `sentence_folded` the evidence sentence case-folded by ICU, for the text
// filter in any script. Actors are rows of their own (keyed by their event's `n`, version 2) for the actor filter and
// users' SQL; places too, by document. Every index costs ingest time: there is none that no query uses.
// The date indexes carry the other filter columns after the date, so a page of a filtered list is found
// by walking one index in date order and reading only the rows it returns. A story's
// reports are rows of their own, appended as documents join it: a story told by thousands of reports is
// never rewritten whole.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  title TEXT, url TEXT, source TEXT, published TEXT, fetched TEXT, origin TEXT,
  lang TEXT, focus_country TEXT,
  coded_at TEXT NOT NULL,
  errors TEXT NOT NULL,
  event_count BIGINT NOT NULL,
  record TEXT NOT NULL
);
CREATE TABLE events (
  n {serial},
  id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL,
  day BIGINT, date TEXT, date_precision TEXT,
  type TEXT NOT NULL, mode TEXT, modality TEXT NOT NULL,
  country TEXT, admin1 TEXT, location TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION, geo_precision TEXT,
  geonames BIGINT,
  dead BIGINT, injured BIGINT, arrested BIGINT, size BIGINT,
  story TEXT, grp TEXT, cameo TEXT, acled_type TEXT, acled_subtype TEXT, confidence DOUBLE PRECISION,
  sentence_folded TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX events_doc ON events (doc);
CREATE INDEX events_day ON events (day, modality, type, country);
CREATE INDEX events_country_day ON events (country, day, type, modality);
CREATE INDEX events_type_day ON events (type, day, country, modality);
CREATE INDEX events_story ON events (story);
CREATE TABLE actors (
  event_n BIGINT NOT NULL,
  role TEXT NOT NULL,
  position BIGINT NOT NULL,
  name TEXT, name_folded TEXT, text TEXT, country TEXT, sector TEXT
);
CREATE INDEX actors_event ON actors (event_n);
CREATE INDEX actors_code ON actors (country, sector);
CREATE TABLE places (
  doc TEXT NOT NULL,
  position BIGINT NOT NULL,
  text TEXT, name TEXT, country TEXT, admin1 TEXT,
  lat DOUBLE PRECISION, lon DOUBLE PRECISION, geonames BIGINT, precision TEXT,
  span_begin BIGINT, span_end BIGINT
);
CREATE INDEX places_doc ON places (doc);
CREATE TABLE stories (
  id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  first_day BIGINT, last_day BIGINT,
  country TEXT,
  record TEXT NOT NULL
);
CREATE INDEX stories_seq ON stories (seq);
CREATE INDEX stories_last ON stories (last_day, seq);
CREATE TABLE story_reports (
  story TEXT NOT NULL,
  position BIGINT NOT NULL,
  doc TEXT NOT NULL, lang TEXT, date TEXT,
  dead BIGINT, injured BIGINT, events BIGINT NOT NULL
);
CREATE INDEX story_reports_story ON story_reports (story, position);
)sql",
    // Version 2: an actor's key is its event's `n` times kActorKeysPerEvent plus its place among the event's
    // actors (sources, targets, then the reporter), so actors are appended in key order and the actor-code
    // index alone answers "which events have an actor KGZ/COP" (the event is the key divided by 1,024).
    // It replaces the index on event_n, which cost about 5 % of ingest time; a re-coded document's actors
    // are deleted by key range.
    R"sql(
CREATE TABLE actors_v2 (
  id {rowid},
  event_n BIGINT NOT NULL,
  role TEXT NOT NULL,
  position BIGINT NOT NULL,
  name TEXT, name_folded TEXT, text TEXT, country TEXT, sector TEXT
);
INSERT INTO actors_v2 (id, event_n, role, position, name, name_folded, text, country, sector)
SELECT event_n * 1024 + k, event_n, role, position, name, name_folded, text, country, sector FROM (
  SELECT a.*, ROW_NUMBER() OVER (PARTITION BY event_n ORDER BY
                                 CASE role WHEN 'source' THEN 0 WHEN 'target' THEN 1 ELSE 2 END, position) - 1 AS k
  FROM actors a) numbered
WHERE k < 1024;
DROP TABLE actors;
ALTER TABLE actors_v2 RENAME TO actors;
CREATE INDEX actors_code ON actors (country, sector);
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kStoreSchemaVersion, "one migration per schema version");

std::string ForDialect(std::string sql, Dialect d) {
  const bool sqlite = d == Dialect::kSqlite;
  const std::pair<std::string, std::string> fills[] = {
      {"{serial}", sqlite ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
      {"{rowid}", sqlite ? "INTEGER PRIMARY KEY" : "BIGINT PRIMARY KEY"}};
  for (const auto& [key, fill] : fills)
    for (size_t at; (at = sql.find(key)) != std::string::npos;) sql.replace(at, key.size(), fill);
  return sql;
}

// "2010-04-07", "2010-04" or "2010" → days since 1970-01-01 of its first day.
std::optional<int64_t> DayOf(std::string_view date) {
  auto digits = [&](size_t at, size_t n, int* out) {
    if (date.size() < at + n) return false;
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(date[i]))) return false;
      v = v * 10 + (date[i] - '0');
    }
    *out = v;
    return true;
  };
  int y = 0, m = 1, d = 1;
  if (!digits(0, 4, &y)) return std::nullopt;
  if (date.size() > 4 && (date[4] != '-' || !digits(5, 2, &m))) return std::nullopt;
  if (date.size() > 7 && (date[7] != '-' || !digits(8, 2, &d))) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return extract::DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string DateOfDay(int64_t day) {
  int y;
  unsigned m, d;
  extract::CivilFromDays(day, &y, &m, &d);
  return extract::FormatDate(y, m, d);
}

std::string NowUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Value Text(const std::string& s) { return s.empty() ? Value{} : Value{s}; }

// An actor's key: its event's `n` times this, plus its place among the event's actors (schema version 2).
// Actors past the 1,024th of one event (never seen) are in the event's record but get no row.
constexpr int64_t kActorKeysPerEvent = 1024;

const std::string& FoldedSentence(std::string_view sentence, std::string* buf) {
  buf->clear();
  text::FoldCase(sentence, buf);
  return *buf;
}
Value CountValue(const std::optional<Count>& c) { return c ? Value{c->value} : Value{}; }

// LIKE pattern for a substring, with the wildcard characters of the text escaped (ESCAPE '\').
std::string Contains(std::string_view s) {
  std::string out = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

bool IsCode(std::string_view s, size_t min, size_t max) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A WHERE clause and its parameters, grown condition by condition: values are only ever bound.
struct Where {
  std::string sql;
  std::vector<Value> params;
  void Add(std::string_view condition) { sql += sql.empty() ? " WHERE " : " AND "; sql += condition; }
  void AddIn(std::string_view column, const std::vector<std::string>& values) {
    std::string c = std::string(column) + " IN (";
    for (size_t i = 0; i < values.size(); ++i) {
      c += i ? ",?" : "?";
      params.emplace_back(values[i]);
    }
    Add(c + ")");
  }
};

Where EventWhere(const EventFilter& f) {
  Where w;
  if (!f.from.empty()) {
    w.Add("day >= ?");
    w.params.emplace_back(DayOf(f.from).value_or(0));
  }
  if (!f.to.empty()) {
    w.Add("day <= ?");
    w.params.emplace_back(DayOf(f.to).value_or(0));
  }
  if (!f.countries.empty()) w.AddIn("country", f.countries);
  if (!f.admin1.empty()) {
    w.Add("admin1 = ?");
    w.params.emplace_back(f.admin1);
  }
  if (!f.categories.empty()) {
    std::vector<std::string> up;
    for (const std::string& c : f.categories) up.push_back(Upper(c));
    w.AddIn("type", up);
  }
  if (!f.mode.empty()) {
    w.Add("mode = ?");
    w.params.emplace_back(f.mode);
  }
  if (!f.modalities.empty()) w.AddIn("modality", f.modalities);
  if (!f.story.empty()) {
    w.Add("story = ?");
    w.params.emplace_back(f.story);
  }
  if (!f.doc.empty()) {
    w.Add("doc = ?");
    w.params.emplace_back(f.doc);
  }
  if (!f.actor.empty()) {
    // "KGZ", "KGZ/COP", "/PRO": a code; anything else a name.
    const size_t slash = f.actor.find('/');
    const std::string country = f.actor.substr(0, slash);
    const std::string sector = slash == std::string::npos ? "" : f.actor.substr(slash + 1);
    if ((IsCode(country, 2, 6) || (country.empty() && !sector.empty())) && (sector.empty() || IsCode(sector, 3, 3))) {
      std::string c = "n IN (SELECT id / " + std::to_string(kActorKeysPerEvent) + " FROM actors WHERE ";
      if (!country.empty()) {
        c += "country = ?";
        w.params.emplace_back(country);
      }
      if (!sector.empty()) {
        c += country.empty() ? "sector = ?" : " AND sector = ?";
        w.params.emplace_back(sector);
      }
      w.Add(c + ")");
    } else {
      std::string folded;
      text::FoldCase(f.actor, &folded);
      w.Add("n IN (SELECT event_n FROM actors WHERE name_folded LIKE ? ESCAPE '\\')");
      w.params.emplace_back(Contains(folded));
    }
  }
  if (!f.text.empty()) {
    // Both sides case-folded by ICU: SQLite's LIKE folds ASCII letters only.
    std::string folded;
    text::FoldCase(f.text, &folded);
    w.Add("sentence_folded LIKE ? ESCAPE '\\'");
    w.params.emplace_back(Contains(folded));
  }
  return w;
}

Status CheckPage(const PageRequest& page) {
  if (page.limit < 1 || page.limit > kMaxPage || page.offset < 0)
    return Status::InvalidArgument("limit: must be 1.." + std::to_string(kMaxPage) + ", offset ≥ 0");
  return Status::Ok();
}

bool FilterEmpty(const EventFilter& f) {
  return f.from.empty() && f.to.empty() && f.countries.empty() && f.admin1.empty() && f.categories.empty() &&
         f.mode.empty() && f.modalities.empty() && f.actor.empty() && f.text.empty() && f.story.empty() &&
         f.doc.empty();
}

// The SQL for an aggregate dimension, or empty when the name is not one.
std::string DimensionSql(const std::string& by) {
  if (by == "day") return "day";
  // Days since 1970-01-01 (a Thursday) back to their Monday; the double modulo keeps days before 1970 right.
  if (by == "week") return "(day - (((day + 3) % 7) + 7) % 7)";
  if (by == "month") return "CASE WHEN date_precision IN ('day', 'month') THEN substr(date, 1, 7) END";
  if (by == "country") return "country";
  if (by == "admin1") return "admin1";
  if (by == "category") return "type";
  if (by == "modality") return "modality";
  if (by == "mode") return "mode";
  if (by == "story") return "story";
  return {};
}

std::string DimensionKey(const std::string& by, const Value& v) {
  if (store::IsNull(v)) return {};
  if (by == "day" || by == "week") return DateOfDay(AsInt(v));
  return AsString(v);
}

}  // namespace

Status ValidateFilter(const EventFilter& f) {
  for (const auto& [name, date] : {std::pair<const char*, const std::string*>{"from", &f.from}, {"to", &f.to}})
    if (!date->empty() && (date->size() != 10 || !DayOf(*date) || DateOfDay(*DayOf(*date)) != *date))
      return Status::InvalidArgument(std::string(name) + ": `" + *date + "` is not a date (YYYY-MM-DD)");
  for (const std::string& c : f.countries)
    if (!IsCode(c, 2, 6)) return Status::InvalidArgument("country: `" + c + "` is not a country code (ISO3: KGZ)");
  for (const std::string& c : f.categories)
    if (!ParseEventType(c)) return Status::InvalidArgument("category: `" + c + "` is not a PLOVER category");
  for (const std::string& m : f.modalities) {
    bool known = false;
    for (int i = 0; i <= static_cast<int>(Modality::kHypothetical); ++i)
      known |= ModalityName(static_cast<Modality>(i)) == m;
    if (!known) return Status::InvalidArgument("modality: `" + m + "` is not a modality (asserted, requested, ...)");
  }
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"admin1", &f.admin1}, {"mode", &f.mode}, {"actor", &f.actor},
        {"text", &f.text}, {"story", &f.story}, {"doc", &f.doc}})
    if (value->size() > 500 || value->find('\0') != std::string::npos)
      return Status::InvalidArgument(std::string(name) + ": longer than 500 bytes, or holds a NUL byte");
  return Status::Ok();
}

bool IsQueryTimeout(const Status& s) { return store::IsTimeout(s); }

Store::Store(std::unique_ptr<store::Connection> conn, StoreOptions options)
    : conn_(std::move(conn)), options_(options) {}
Store::~Store() {
  if (in_transaction_) conn_->Exec("ROLLBACK");
}

std::string_view Store::backend() const {
  return conn_->dialect() == Dialect::kSqlite ? "sqlite" : "postgresql";
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& url, StoreOptions options) {
  const bool postgres = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 ||
                        url.find("dbname=") != std::string::npos || url.find("host=") != std::string::npos;
  Result<std::unique_ptr<store::Connection>> conn = Status::Internal("unset");
  if (postgres) {
    conn = store::OpenPostgres(url);
  } else {
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    if (path.empty()) return Status::InvalidArgument("no store path given");
    if (options.read_only && access(path.c_str(), R_OK) != 0)
      return Status::NotFound("no store at `" + path + "` (create one with `tocsin code ... --db " + path + "`)");
    conn = store::OpenSqlite(path, options.read_only);
  }
  if (!conn.ok()) return conn.status();
  std::unique_ptr<Store> s(new Store(std::move(conn).value(), options));
  TOCSIN_RETURN_IF_ERROR(s->Migrate());
  s->conn_->SetTimeout(options.query_timeout);
  return s;
}

Status Store::Migrate() {
  // The version lives in `meta`; a database without it is new (or not ours, if it has other tables: refused
  // only if they clash, by the CREATE statements failing inside the transaction).
  const bool sqlite = conn_->dialect() == Dialect::kSqlite;
  bool has_meta = false;
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      sqlite ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
             : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'meta'",
      {}, [&](const std::vector<Value>&) { has_meta = true; }));
  int version = 0;
  if (has_meta)
    TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT value FROM meta WHERE key = 'schema_version'", {},
                                      [&](const std::vector<Value>& r) { version = static_cast<int>(AsInt(r[0])); }));
  if (version > kStoreSchemaVersion)
    return Status::Unsupported("the store's schema is version " + std::to_string(version) + ", newer than this tocsin's (" +
                               std::to_string(kStoreSchemaVersion) + "): use a newer tocsin");
  if (version == kStoreSchemaVersion) return Status::Ok();
  if (options_.read_only)
    return Status::Unsupported(version == 0 ? "not a tocsin store (no schema version)"
                                            : "the store's schema is version " + std::to_string(version) +
                                                  "; open it once for writing (tocsin code --db) to migrate it");
  TOCSIN_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
  Status st = Status::Ok();
  if (!has_meta) st = conn_->Exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  for (int v = version; st.ok() && v < kStoreSchemaVersion; ++v)
    st = conn_->Exec(ForDialect(kMigrations[v], conn_->dialect()));
  if (st.ok()) st = conn_->Run("DELETE FROM meta WHERE key = 'schema_version'", {});
  if (st.ok())
    st = conn_->Run("INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                    {Value{std::to_string(kStoreSchemaVersion)}});
  if (!st.ok()) {
    conn_->Exec("ROLLBACK");
    return st.WithContext("cannot create or migrate the store's schema");
  }
  return conn_->Exec("COMMIT");
}

Status Store::Begin() {
  if (in_transaction_) return Status::Internal("Store::Begin inside a transaction");
  TOCSIN_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
  in_transaction_ = true;
  return Status::Ok();
}

Status Store::Commit() {
  if (!in_transaction_) return Status::Internal("Store::Commit outside a transaction");
  in_transaction_ = false;
  return conn_->Exec("COMMIT");
}

Status Store::Rollback() {
  if (!in_transaction_) return Status::Ok();
  in_transaction_ = false;
  return conn_->Exec("ROLLBACK");
}

Result<bool> Store::Stored(const std::string& id) {
  bool stored = false;
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT 1 FROM documents WHERE id = ?", {Value{id}},
                                    [&](const std::vector<Value>&) { stored = true; }));
  return stored;
}

Status Store::Atomically(const std::string& id, const std::function<Status()>& put) {
  if (options_.read_only) return Status::Unsupported("the store is open read-only");
  if (id.empty()) return Status::InvalidArgument("a document without an id cannot be stored");
  const bool own = !in_transaction_;
  if (own) TOCSIN_RETURN_IF_ERROR(Begin());
  Status st = put();
  if (own) {
    if (st.ok()) return Commit();
    Rollback();
  }
  return st.ok() ? st : st.WithContext("cannot store document `" + id + "`");
}

Status Store::Put(const Doc& doc) {
  return Atomically(doc.input.id, [&]() -> Status {
    auto stored = Stored(doc.input.id);
    return stored.ok() ? PutRows(doc, *stored) : stored.status();
  });
}

Status Store::PutWithStories(Doc* doc, StoryIndex* index) {
  return Atomically(doc->input.id, [&]() -> Status {
    auto stored = Stored(doc->input.id);
    if (!stored.ok()) return stored.status();
    if (*stored) {
      std::vector<std::pair<std::string, std::string>> before;  // (group, story) of its earlier coding
      TOCSIN_RETURN_IF_ERROR(
          conn_->Run("SELECT DISTINCT grp, story FROM events WHERE doc = ? AND story IS NOT NULL ORDER BY grp, story",
                     {Value{doc->input.id}},
                     [&](const std::vector<Value>& r) { before.emplace_back(AsString(r[0]), AsString(r[1])); }));
      if (!before.empty()) index->Forget(doc->input.id, before);
    }
    index->Add(&doc->events);
    return PutRows(*doc, *stored);
  });
}

// Re-coding replaces: a document stored before loses its rows first. Most documents are new, and the
// primary-key probe that tells them apart costs less than the four deletes (one with a subquery) it
// spares them.
Status Store::PutRows(const Doc& doc, bool stored_before) {
  const Value id{doc.input.id};
  if (stored_before) {
    std::vector<int64_t> old_events;
    TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT n FROM events WHERE doc = ?", {id},
                                      [&](const std::vector<Value>& r) { old_events.push_back(AsInt(r[0])); }));
    for (int64_t n : old_events)
      TOCSIN_RETURN_IF_ERROR(conn_->Run("DELETE FROM actors WHERE id >= ? AND id < ?",
                                        {Value{n * kActorKeysPerEvent}, Value{(n + 1) * kActorKeysPerEvent}}));
    for (const char* sql :
         {"DELETE FROM places WHERE doc = ?", "DELETE FROM events WHERE doc = ?", "DELETE FROM documents WHERE id = ?"})
      TOCSIN_RETURN_IF_ERROR(conn_->Run(sql, {id}));
  }
  std::string record, errors;
  AppendDocJson(doc, &record);
  errors = nlohmann::json(doc.errors).dump(-1, ' ', false, kReplaceInvalid);
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      "INSERT INTO documents (id, title, url, source, published, fetched, origin, lang, focus_country, coded_at, "
      "errors, event_count, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {id, Text(doc.input.title), Text(doc.input.url), Text(doc.input.source), Text(doc.input.published),
       Text(doc.input.fetched), Text(doc.input.origin), Text(doc.lang), Text(doc.focus_country), Value{NowUtc()},
       Value{errors}, Value{static_cast<int64_t>(doc.events.size())}, Value{record}}));
  std::vector<Value> params;
  std::string folded;
  for (const Event& e : doc.events) {
    record.clear();
    const std::string_view sentence = doc.text_of(e.sentence);
    AppendEventJson(e, sentence, false, &record);
    std::optional<int64_t> day = e.date ? DayOf(e.date->value) : std::nullopt;
    const Place* p = e.place ? &*e.place : nullptr;
    params = {Value{e.id},
              id,
              day ? Value{*day} : Value{},
              e.date ? Text(e.date->value) : Value{},
              e.date ? Text(e.date->precision) : Value{},
              Value{std::string(EventTypeName(e.type))},
              Text(e.mode),
              Value{std::string(ModalityName(e.modality))},
              p ? Text(p->country) : Value{},
              p ? Text(p->admin1) : Value{},
              p ? Text(p->name) : Value{},
              p && p->has_coordinates ? Value{p->lat} : Value{},
              p && p->has_coordinates ? Value{p->lon} : Value{},
              p ? Text(p->precision) : Value{},
              p && p->geonames ? Value{p->geonames} : Value{},
              CountValue(e.dead),
              CountValue(e.injured),
              CountValue(e.arrested),
              CountValue(e.size),
              Text(e.story),
              Text(e.group),
              Text(e.cameo),
              Text(e.acled_type),
              Text(e.acled_subtype),
              Value{e.confidence},
              Value{FoldedSentence(sentence, &folded)},
              Value{record}};
    auto inserted = conn_->Insert(
        "INSERT INTO events (id, doc, day, date, date_precision, type, mode, modality, country, admin1, location, "
        "lat, lon, geo_precision, geonames, dead, injured, arrested, size, story, grp, cameo, acled_type, "
        "acled_subtype, confidence, sentence_folded, record) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params, "n");
    if (!inserted.ok()) return inserted.status();
    const int64_t n = *inserted;
    int64_t key = n * kActorKeysPerEvent;
    auto put_actor = [&](const Actor& a, const char* role, int64_t position) {
      if (key == (n + 1) * kActorKeysPerEvent) return Status::Ok();
      folded.clear();
      text::FoldCase(a.name, &folded);
      return conn_->Run(
          "INSERT INTO actors (id, event_n, role, position, name, name_folded, text, country, sector) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Value{key++}, Value{n}, Value{std::string(role)}, Value{position}, Text(a.name), Text(folded), Text(a.text),
           Text(a.country), Text(a.sector)});
    };
    for (size_t i = 0; i < e.source.size(); ++i)
      TOCSIN_RETURN_IF_ERROR(put_actor(e.source[i], "source", static_cast<int64_t>(i)));
    for (size_t i = 0; i < e.target.size(); ++i)
      TOCSIN_RETURN_IF_ERROR(put_actor(e.target[i], "target", static_cast<int64_t>(i)));
    if (e.reported_by) TOCSIN_RETURN_IF_ERROR(put_actor(*e.reported_by, "reported_by", 0));
  }
  for (size_t i = 0; i < doc.places.size(); ++i) {
    const Place& p = doc.places[i];
    TOCSIN_RETURN_IF_ERROR(conn_->Run(
        "INSERT INTO places (doc, position, text, name, country, admin1, lat, lon, geonames, precision, span_begin, "
        "span_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {id, Value{static_cast<int64_t>(i)}, Text(p.text), Text(p.name), Text(p.country), Text(p.admin1),
         p.has_coordinates ? Value{p.lat} : Value{}, p.has_coordinates ? Value{p.lon} : Value{},
         p.geonames ? Value{p.geonames} : Value{}, Text(p.precision),
         p.span.empty() ? Value{} : Value{int64_t{p.span.begin}},
         p.span.empty() ? Value{} : Value{int64_t{p.span.end}}}));
  }
  return Status::Ok();
}

Status Store::PutStories(StoryIndex* index) {
  if (options_.read_only) return Status::Unsupported("the store is open read-only");
  const StoryIndex::Changes changes = index->TakeChanges();
  for (size_t i : changes.rewritten) {
    TOCSIN_RETURN_IF_ERROR(conn_->Run("DELETE FROM story_reports WHERE story = ?", {Value{index->stories()[i].id}}));
    reports_saved_[index->stories()[i].id] = 0;
  }
  for (size_t i : changes.changed) {
    const Story& s = index->stories()[i];
    const auto first = DayOf(s.first_date), last = DayOf(s.last_date);
    TOCSIN_RETURN_IF_ERROR(conn_->Run(
        "INSERT INTO stories (id, seq, first_day, last_day, country, record) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day, "
        "country = excluded.country, record = excluded.record",
        {Value{s.id}, Value{static_cast<int64_t>(i)}, first ? Value{*first} : Value{}, last ? Value{*last} : Value{},
         Text(s.country), Value{StoryIndex::StoryJson(s, /*with_reports=*/false)}}));
    size_t& saved = reports_saved_[s.id];
    for (; saved < s.reports.size(); ++saved) {
      const Story::Report& r = s.reports[saved];
      TOCSIN_RETURN_IF_ERROR(conn_->Run(
          "INSERT INTO story_reports (story, position, doc, lang, date, dead, injured, events) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {Value{s.id}, Value{static_cast<int64_t>(saved)}, Value{r.doc}, Text(r.lang), Text(r.date),
           r.dead >= 0 ? Value{r.dead} : Value{}, r.injured >= 0 ? Value{r.injured} : Value{},
           Value{static_cast<int64_t>(r.events)}}));
    }
  }
  return Status::Ok();
}

Result<StoryIndex> Store::LoadStories(StoryOptions options) {
  std::vector<Story> stories;
  std::unordered_map<std::string, size_t> at;
  Status bad = Status::Ok();
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT record FROM stories ORDER BY seq", {}, [&](const std::vector<Value>& r) {
    auto s = StoryIndex::ParseStory(AsString(r[0]));
    if (!s.ok()) {
      if (bad.ok()) bad = s.status();
      return;
    }
    at[s->id] = stories.size();
    stories.push_back(std::move(s).value());
  }));
  if (!bad.ok()) return bad;
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      "SELECT story, doc, lang, date, dead, injured, events FROM story_reports ORDER BY story, position", {},
      [&](const std::vector<Value>& r) {
        auto it = at.find(AsString(r[0]));
        if (it == at.end()) return;
        stories[it->second].reports.push_back({AsString(r[1]), AsString(r[2]), AsString(r[3]),
                                               store::IsNull(r[4]) ? -1 : AsInt(r[4]),
                                               store::IsNull(r[5]) ? -1 : AsInt(r[5]),
                                               static_cast<size_t>(AsInt(r[6]))});
      }));
  reports_saved_.clear();
  for (const Story& s : stories) reports_saved_[s.id] = s.reports.size();
  return StoryIndex::FromStories(std::move(stories), options);
}

Result<std::unordered_set<std::string>> Store::DocumentIds() {
  std::unordered_set<std::string> ids;
  TOCSIN_RETURN_IF_ERROR(
      conn_->Run("SELECT id FROM documents", {}, [&](const std::vector<Value>& r) { ids.insert(AsString(r[0])); }));
  return ids;
}

Result<StoreCounts> Store::Counts() {
  StoreCounts c;
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events), (SELECT count(*) FROM stories)", {},
      [&](const std::vector<Value>& r) {
        c.documents = AsInt(r[0]);
        c.events = AsInt(r[1]);
        c.stories = AsInt(r[2]);
      }));
  return c;
}

Result<Page> Store::Events(const EventFilter& filter, PageRequest page) {
  TOCSIN_RETURN_IF_ERROR(ValidateFilter(filter));
  TOCSIN_RETURN_IF_ERROR(CheckPage(page));
  Where w = EventWhere(filter);
  Page out;
  // Counting a million matches costs more than the page: the total is exact up to kMaxCounted, and says
  // "at least" beyond (Page::total_exact).
  std::vector<Value> count_params = w.params;
  count_params.emplace_back(kMaxCounted + 1);
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT count(*) FROM (SELECT 1 FROM events" + w.sql + " LIMIT ?) AS matching",
                                    count_params, [&](const std::vector<Value>& r) { out.total = AsInt(r[0]); }));
  if (out.total > kMaxCounted) {
    out.total = kMaxCounted;
    out.total_exact = false;
  }
  std::vector<Value> params = w.params;
  params.emplace_back(page.limit);
  params.emplace_back(page.offset);
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT record FROM events" + w.sql + " ORDER BY day DESC NULLS LAST, n DESC LIMIT ? OFFSET ?",
                                    params, [&](const std::vector<Value>& r) { out.records.push_back(AsString(r[0])); }));
  return out;
}

Status Store::ScanEvents(const EventFilter& filter, int64_t limit, const std::function<void(const ScannedEvent&)>& on_event) {
  TOCSIN_RETURN_IF_ERROR(ValidateFilter(filter));
  Where w = EventWhere(filter);
  if (limit > 0) w.params.emplace_back(limit);
  std::string record, url, source, published;
  return conn_->Run(
      "SELECT record, (SELECT url FROM documents WHERE documents.id = events.doc), "
      "(SELECT source FROM documents WHERE documents.id = events.doc), "
      "(SELECT published FROM documents WHERE documents.id = events.doc) FROM events" +
          w.sql + " ORDER BY day NULLS LAST, n" + (limit > 0 ? " LIMIT ?" : ""),
      w.params, [&](const std::vector<Value>& r) {
        record = AsString(r[0]);
        url = AsString(r[1]);
        source = AsString(r[2]);
        published = AsString(r[3]);
        on_event({record, url, source, published});
      });
}

Result<std::string> Store::EventRecord(const std::string& id) {
  std::optional<std::string> record;
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT record FROM events WHERE id = ?", {Value{id}},
                                    [&](const std::vector<Value>& r) { record = AsString(r[0]); }));
  if (!record) return Status::NotFound("no event `" + id + "`");
  return *record;
}

Result<std::vector<AggregateRow>> Store::Aggregate(const EventFilter& filter, const std::string& by,
                                                   const std::string& split) {
  TOCSIN_RETURN_IF_ERROR(ValidateFilter(filter));
  const std::string key = DimensionSql(by), second = split.empty() ? std::string() : DimensionSql(split);
  if (key.empty()) return Status::InvalidArgument("by: `" + by + "` is not day, week, month, country, admin1, category, modality, mode or story");
  if (!split.empty() && second.empty())
    return Status::InvalidArgument("split: `" + split + "` is not day, week, month, country, admin1, category, modality, mode or story");
  Where w = EventWhere(filter);
  std::string sql = "SELECT " + key + " AS k1, " + (second.empty() ? "NULL" : second) +
                    " AS k2, count(*), "
                    "sum(CASE WHEN modality = 'asserted' THEN coalesce(dead, 0) ELSE 0 END), "
                    "sum(CASE WHEN modality = 'asserted' THEN coalesce(injured, 0) ELSE 0 END), "
                    "sum(CASE WHEN modality = 'asserted' THEN coalesce(arrested, 0) ELSE 0 END) FROM events" +
                    w.sql + " GROUP BY k1" + (second.empty() ? "" : ", k2") + " ORDER BY k1" +
                    (second.empty() ? "" : ", k2");
  std::vector<AggregateRow> rows;
  TOCSIN_RETURN_IF_ERROR(conn_->Run(sql, w.params, [&](const std::vector<Value>& r) {
    rows.push_back({DimensionKey(by, r[0]), split.empty() ? std::string() : DimensionKey(split, r[1]), AsInt(r[2]),
                    AsInt(r[3]), AsInt(r[4]), AsInt(r[5])});
  }));
  return rows;
}

Result<Page> Store::Documents(const EventFilter& filter, PageRequest page) {
  TOCSIN_RETURN_IF_ERROR(ValidateFilter(filter));
  TOCSIN_RETURN_IF_ERROR(CheckPage(page));
  Where w;
  if (!FilterEmpty(filter)) {
    Where e = EventWhere(filter);
    w.Add("id IN (SELECT doc FROM events" + e.sql + ")");
    w.params = e.params;
  }
  Page out;
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT count(*) FROM documents" + w.sql, w.params,
                                    [&](const std::vector<Value>& r) { out.total = AsInt(r[0]); }));
  std::vector<Value> params = w.params;
  params.emplace_back(page.limit);
  params.emplace_back(page.offset);
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      "SELECT id, title, url, source, published, lang, event_count FROM documents" + w.sql +
          " ORDER BY published DESC NULLS LAST, id LIMIT ? OFFSET ?",
      params, [&](const std::vector<Value>& r) {
        nlohmann::json j = {{"id", AsString(r[0])}};
        const char* names[] = {"title", "url", "source", "published", "lang"};
        for (size_t i = 0; i < 5; ++i) j[names[i]] = store::IsNull(r[i + 1]) ? nlohmann::json() : nlohmann::json(AsString(r[i + 1]));
        j["events"] = AsInt(r[6]);
        out.records.push_back(j.dump(-1, ' ', false, kReplaceInvalid));
      }));
  return out;
}

Result<std::string> Store::DocumentRecord(const std::string& id) {
  std::optional<std::string> record;
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT record FROM documents WHERE id = ?", {Value{id}},
                                    [&](const std::vector<Value>& r) { record = AsString(r[0]); }));
  if (!record) return Status::NotFound("no document `" + id + "`");
  return *record;
}

namespace {

// A story as the API gives it: its record with its reports (the first kMaxReportsShown; "reports_total"
// says how many), the documents and languages they come from, and its events.
constexpr int64_t kMaxReportsShown = 500;

}  // namespace

Result<std::string> Store::StoryApiRecord(const std::string& record, int64_t events) {
  nlohmann::json j = nlohmann::json::parse(record, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corrupt("a stored story record is not JSON");
  const std::string id = j.value("id", "");
  nlohmann::json reports = nlohmann::json::array();
  auto num = [](const Value& v) { return store::IsNull(v) ? nlohmann::json() : nlohmann::json(AsInt(v)); };
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      "SELECT doc, lang, date, dead, injured, events FROM story_reports WHERE story = ? ORDER BY position LIMIT ?",
      {Value{id}, Value{kMaxReportsShown}}, [&](const std::vector<Value>& r) {
        reports.push_back({{"doc", AsString(r[0])}, {"lang", AsString(r[1])}, {"date", AsString(r[2])},
                           {"dead", num(r[3])}, {"injured", num(r[4])}, {"events", AsInt(r[5])}});
      }));
  int64_t total = 0, documents = 0;
  std::vector<std::string> langs;
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT count(*), count(DISTINCT doc) FROM story_reports WHERE story = ?",
                                    {Value{id}}, [&](const std::vector<Value>& r) {
                                      total = AsInt(r[0]);
                                      documents = AsInt(r[1]);
                                    }));
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      "SELECT DISTINCT lang FROM story_reports WHERE story = ? AND lang IS NOT NULL ORDER BY lang", {Value{id}},
      [&](const std::vector<Value>& r) { langs.push_back(AsString(r[0])); }));
  j["reports"] = std::move(reports);
  j["reports_total"] = total;
  j["documents"] = documents;
  j["languages"] = langs;
  j["events"] = events;
  return j.dump(-1, ' ', false, kReplaceInvalid);
}

Result<Page> Store::Stories(const EventFilter& filter, PageRequest page) {
  TOCSIN_RETURN_IF_ERROR(ValidateFilter(filter));
  TOCSIN_RETURN_IF_ERROR(CheckPage(page));
  Where w;
  w.Add("EXISTS (SELECT 1 FROM story_reports WHERE story_reports.story = stories.id)");  // not emptied
  if (!filter.countries.empty()) w.AddIn("country", filter.countries);
  if (!filter.from.empty()) {
    w.Add("last_day >= ?");
    w.params.emplace_back(DayOf(filter.from).value_or(0));
  }
  if (!filter.to.empty()) {
    w.Add("first_day <= ?");
    w.params.emplace_back(DayOf(filter.to).value_or(0));
  }
  Page out;
  std::vector<std::pair<std::string, int64_t>> rows;
  TOCSIN_RETURN_IF_ERROR(conn_->Run("SELECT count(*) FROM stories" + w.sql, w.params,
                                    [&](const std::vector<Value>& r) { out.total = AsInt(r[0]); }));
  std::vector<Value> params = w.params;
  params.emplace_back(page.limit);
  params.emplace_back(page.offset);
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      "SELECT record, (SELECT count(*) FROM events WHERE events.story = stories.id) FROM stories" + w.sql +
          " ORDER BY last_day DESC NULLS LAST, seq DESC LIMIT ? OFFSET ?",
      params, [&](const std::vector<Value>& r) { rows.emplace_back(AsString(r[0]), AsInt(r[1])); }));
  // Each row's reports are read after the list (one statement at a time on a connection).
  for (const auto& [record, events] : rows) {
    auto api = StoryApiRecord(record, events);
    if (!api.ok()) return api.status();
    out.records.push_back(std::move(api).value());
  }
  return out;
}

Result<std::string> Store::StoryRecord(const std::string& id) {
  std::optional<std::pair<std::string, int64_t>> row;
  TOCSIN_RETURN_IF_ERROR(conn_->Run(
      "SELECT record, (SELECT count(*) FROM events WHERE events.story = stories.id) FROM stories WHERE id = ?",
      {Value{id}}, [&](const std::vector<Value>& r) { row.emplace(AsString(r[0]), AsInt(r[1])); }));
  if (!row) return Status::NotFound("no story `" + id + "`");
  return StoryApiRecord(row->first, row->second);
}

}  // namespace tocsin
