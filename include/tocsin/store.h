// The event store: coded documents, their events, actors, places and stories, kept for years and queried.
//
//   auto store = tocsin::Store::Open("events.db");           // SQLite file, created when missing
//   auto pg = tocsin::Store::Open("postgresql://u@host/db");  // or a shared PostgreSQL database
//   store->Begin();  for (Doc& d : batch) store->Put(d);  store->Commit();
//   tocsin::EventFilter f;  f.countries = {"KGZ"};  f.categories = {"PROTEST"};
//   auto page = store->Events(f, {.limit = 50});              // FORMAT.md event records, newest first
//
// One schema for both backends (doc/store.md), with its version in the `meta` table: opening an older store
// migrates it in one transaction; a newer one is refused. Writes are grouped by the caller in transactions
// (`tocsin code --db` commits one per batch of documents), so a killed writer leaves every committed
// document whole and none half-written. Putting a document that is already stored replaces it and its
// events: re-coding never duplicates. Every statement binds its values as parameters; no SQL is ever built
// from a value.
//
// Thread safety: a Store is one connection; use one per thread (readers may run beside one writer).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tocsin/document.h"
#include "tocsin/status.h"
#include "tocsin/story.h"

namespace tocsin {

namespace store {
class Connection;
}

inline constexpr int kStoreSchemaVersion = 2;

// How a writer groups documents into transactions (`tocsin code --db`; store_bench measures the same): it
// commits when the open transaction holds this many documents or has been open this long, whichever comes
// first. Every commit writes each index page the transaction touched once more into the log, so fewer,
// larger transactions ingest faster (store_bench, a million events on disk: 31,400 events/s committing
// every 1,000 documents, 36,900 every 5,000); a killed writer loses only the open transaction, at most a
// second of work, which `tocsin code --resume` redoes.
inline constexpr size_t kStoreTransactionDocuments = 5000;
inline constexpr std::chrono::milliseconds kStoreTransactionTime{1000};

struct StoreOptions {
  bool read_only = false;                      // refuse writes; a missing SQLite file is an error
  std::chrono::milliseconds query_timeout{0};  // reads longer than this fail (IsQueryTimeout); 0: none
};

// Which events a query selects. Empty fields select everything; several values in one field are OR'ed,
// fields are AND'ed.
struct EventFilter {
  std::string from, to;                 // "YYYY-MM-DD", inclusive; an event counts from its date's first day
  std::vector<std::string> countries;   // ISO3 of where it happened
  std::string admin1;                   // place.admin1
  std::vector<std::string> categories;  // PLOVER categories ("PROTEST"), upper case
  std::string mode;                     // PLOVER mode
  std::vector<std::string> modalities;  // "asserted", "requested", ...
  std::string actor;                    // a name (substring, any case) or a code: "KGZ", "KGZ/COP", "/PRO"
  std::string text;                     // a substring of the evidence sentence
  std::string story, doc;
};

// Checks the filter's values (dates, categories, modalities, codes); the message names the bad field.
Status ValidateFilter(const EventFilter& filter);

struct PageRequest {
  int64_t limit = 50;  // 1..kMaxPage
  int64_t offset = 0;
};
inline constexpr int64_t kMaxPage = 10000;

// A page of JSON records and the number of rows all pages hold: exactly, or (events beyond kMaxCounted)
// at least that many.
inline constexpr int64_t kMaxCounted = 10000;
struct Page {
  std::vector<std::string> records;
  int64_t total = 0;
  bool total_exact = true;
};

// Dimensions for Aggregate: "day", "week" (its Monday), "month", "country", "admin1", "category",
// "modality", "mode", "story".
struct AggregateRow {
  std::string key, split;
  int64_t events = 0;
  int64_t dead = 0, injured = 0, arrested = 0;  // sums of asserted events' own figures
};

struct StoreCounts {
  int64_t documents = 0, events = 0, stories = 0;
};

class Store {
 public:
  // `url`: "postgresql://..." or "postgres://..." or a libpq "key=value" string for PostgreSQL; anything
  // else is a SQLite file path ("sqlite:" prefix optional).
  static Result<std::unique_ptr<Store>> Open(const std::string& url, StoreOptions options = {});
  ~Store();

  std::string_view backend() const;  // "sqlite" or "postgresql"
  int schema_version() const { return kStoreSchemaVersion; }

  // Transactions around Put calls. Without Begin, each Put is its own transaction.
  Status Begin();
  Status Commit();
  Status Rollback();

  // Stores a coded document (its record with the text, events, actors, places) in place of any earlier one
  // with its id. A document refused by the reader can be stored too: its errors are kept, with no events.
  Status Put(const Doc& doc);
  // Puts a document after giving its events their stories in `index`; when the document was stored before,
  // its reports are first taken out of the stories it was in (StoryIndex::Forget).
  Status PutWithStories(Doc* doc, StoryIndex* index);
  // Stories that `index` changed since the last call (StoryIndex::TakeChanges), in the same transaction as
  // the documents whose events joined them.
  Status PutStories(StoryIndex* index);
  // The stories kept in the store, to go on adding to them.
  Result<StoryIndex> LoadStories(StoryOptions options = {});
  // Ids of the documents stored, for `tocsin code --resume`.
  Result<std::unordered_set<std::string>> DocumentIds();

  Result<StoreCounts> Counts();
  // Event records (FORMAT.md, with "story"), newest first.
  Result<Page> Events(const EventFilter& filter, PageRequest page);
  // Every matching event (the first `limit` when it is above 0) in date order, undated last, with its
  // document's provenance, for exports: one pass, constant memory on SQLite.
  struct ScannedEvent {
    std::string_view record;
    std::string_view url, source, published;
  };
  Status ScanEvents(const EventFilter& filter, int64_t limit, const std::function<void(const ScannedEvent&)>& on_event);
  // One event record; NotFound when there is none.
  Result<std::string> EventRecord(const std::string& id);
  Result<std::vector<AggregateRow>> Aggregate(const EventFilter& filter, const std::string& by,
                                              const std::string& split = "");
  // Document summaries {"id","title","url","source","published","lang","events"}, with at least one event
  // matching `filter` when it is not empty.
  Result<Page> Documents(const EventFilter& filter, PageRequest page);
  // The document record of FORMAT.md (with its text); NotFound when there is none.
  Result<std::string> DocumentRecord(const std::string& id);
  // Story records (story.h fields; "reports" the first 500 with "reports_total"; plus "documents",
  // "languages", "events"), latest first; the filter's
  // dates and countries apply.
  Result<Page> Stories(const EventFilter& filter, PageRequest page);
  Result<std::string> StoryRecord(const std::string& id);

 private:
  Store(std::unique_ptr<store::Connection> conn, StoreOptions options);
  Status Migrate();
  // Runs `put` in the caller's transaction, or in one of its own when there is none.
  Status Atomically(const std::string& id, const std::function<Status()>& put);
  Result<bool> Stored(const std::string& id);
  // The rows of a document; `stored_before`: delete its earlier rows first.
  Status PutRows(const Doc& doc, bool stored_before);
  Result<std::string> StoryApiRecord(const std::string& record, int64_t events);
  std::unique_ptr<store::Connection> conn_;
  StoreOptions options_;
  bool in_transaction_ = false;
  // Reports of each story already stored (PutStories appends the rest); filled by LoadStories.
  std::unordered_map<std::string, size_t> reports_saved_;
};

// True when a read failed because it ran past StoreOptions::query_timeout.
bool IsQueryTimeout(const Status& s);

}  // namespace tocsin
