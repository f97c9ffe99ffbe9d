// The store's bars on a generated store (issue: 1 million events; filtered event pages p95 ≤ 50 ms on SQLite;
// ingest ≥ 20,000 events/s into SQLite). Not a test: it prints figures.
//
//   store_bench [--events N] [--db PATH|postgresql://...] [--queries Q] [--batch DOCS] [--keep]
//
// Documents of 1 to 8 events each are generated with a fixed seed: 16 categories, 7 modalities weighted
// towards asserted, 60 countries, two or three actors, a place, a sentence of about 150 bytes and a record
// as `tocsin code` writes it; ten years of news in publication order, each event dated up to two days
// before its report. They are stored in transactions as `tocsin code --db` groups them; then random
// filtered pages (what the dashboard and the API ask for) are timed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "extract/quantities.h"  // the project's calendar
#include "tocsin/store.h"

namespace {

using Clock = std::chrono::steady_clock;

const char* const kCountries[] = {"KGZ", "KAZ", "TJK", "UZB", "TKM", "RUS", "UKR", "BLR", "GEO", "ARM",
                                  "AZE", "MDA", "FRA", "DEU", "ESP", "ITA", "GBR", "USA", "MEX", "BRA",
                                  "ARG", "CHL", "COL", "VEN", "PER", "BOL", "ECU", "NGA", "KEN", "ETH",
                                  "SDN", "EGY", "TUN", "DZA", "MAR", "ZAF", "ZWE", "COD", "MLI", "BFA",
                                  "IRN", "IRQ", "SYR", "LBN", "ISR", "TUR", "PAK", "IND", "BGD", "LKA",
                                  "MMR", "THA", "KHM", "IDN", "PHL", "CHN", "HKG", "KOR", "JPN", "AUS"};
const char* const kSectors[] = {"GOV", "COP", "MIL", "PRO", "LAB", "OPP", "CVL", "MED", "REB", "JUD"};
const char* const kWords[] = {"police", "protesters", "gathered", "outside", "the", "parliament", "on",
                              "Monday", "and", "were", "dispersed", "with", "tear", "gas", "after", "hours",
                              "of", "clashes", "in", "which", "several", "people", "injured", "officials"};

// `published`: days since 1970-01-01. The events happened on that day or up to two days before.
tocsin::Doc MakeDoc(std::mt19937_64& rng, int64_t n, int64_t published) {
  tocsin::Doc d;
  d.input.id = "bench-" + std::to_string(n);
  d.input.title = "Generated report " + std::to_string(n);
  d.input.url = "https://example.org/report/" + std::to_string(n);
  d.input.source = "Generated";
  d.lang = "en";
  const char* country = kCountries[rng() % std::size(kCountries)];
  const int events = 1 + static_cast<int>(rng() % 8);
  for (int i = 0; i < events; ++i) {
    std::string sentence;
    while (sentence.size() < 150) {
      if (!sentence.empty()) sentence += ' ';
      sentence += kWords[rng() % std::size(kWords)];
    }
    sentence += '.';
    const uint32_t begin = static_cast<uint32_t>(d.text.size());
    d.text += sentence + ' ';
    tocsin::Event e;
    e.id = d.input.id + "#" + std::to_string(i + 1);
    e.doc = d.input.id;
    e.lang = "en";
    e.type = static_cast<tocsin::EventType>(rng() % tocsin::kEventTypeCount);
    const uint64_t m = rng() % 10;
    e.modality = static_cast<tocsin::Modality>(m < 4 ? 0 : m - 3);
    e.sentence = {begin, static_cast<uint32_t>(begin + sentence.size())};
    e.trigger = {begin, begin + 6};
    e.trigger_text = sentence.substr(0, 6);
    for (int a = 0; a < 2 + static_cast<int>(rng() % 2); ++a) {
      tocsin::Actor actor;
      actor.name = actor.text = kWords[rng() % std::size(kWords)];
      actor.country = country;
      actor.sector = kSectors[rng() % std::size(kSectors)];
      (a == 0 ? e.source : e.target).push_back(actor);
    }
    tocsin::Place p;
    p.name = p.text = std::string("City of ") + country;
    p.country = country;
    p.lat = static_cast<double>(rng() % 180) - 90;
    p.lon = static_cast<double>(rng() % 360) - 180;
    p.has_coordinates = true;
    p.precision = "city";
    p.admin1 = std::string(country, 2) + ".0" + std::to_string(rng() % 9);
    e.place = p;
    const int64_t day = published - static_cast<int64_t>(rng() % 3);
    int y;
    unsigned mo, da;
    tocsin::extract::CivilFromDays(day, &y, &mo, &da);
    e.date = tocsin::DateValue{tocsin::extract::FormatDate(y, mo, da), "day", "", "explicit"};
    if (rng() % 5 == 0) e.dead = tocsin::Count{static_cast<int64_t>(rng() % 50), "exact", 0, 0, "killed"};
    e.cameo = "145";
    e.confidence = 0.8;
    e.group = d.input.id + "/g" + std::to_string(i + 1);
    d.events.push_back(std::move(e));
  }
  d.input.published = d.events.front().date->value;
  return d;
}

// This process's CPU time, user and kernel (the kernel's share is mostly copying pages into the file).
double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

tocsin::EventFilter RandomFilter(std::mt19937_64& rng) {
  tocsin::EventFilter f;
  // Each dimension with some probability, as a user combines them.
  if (rng() % 2) f.countries = {kCountries[rng() % std::size(kCountries)]};
  if (rng() % 2) f.categories = {std::string(tocsin::EventTypeName(static_cast<tocsin::EventType>(rng() % 16)))};
  if (rng() % 2) f.modalities = {"asserted"};
  if (rng() % 3 == 0) {
    const int year = 2010 + static_cast<int>(rng() % 10);
    f.from = std::to_string(year) + "-01-01";
    f.to = std::to_string(year) + "-06-30";
  }
  if (rng() % 6 == 0) f.actor = std::string(kCountries[rng() % std::size(kCountries)]) + "/" + kSectors[rng() % 10];
  if (rng() % 10 == 0) f.text = "tear gas";
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t target = 1'000'000, queries = 500;
  int64_t batch_docs = static_cast<int64_t>(tocsin::kStoreTransactionDocuments);
  std::string db = (std::filesystem::temp_directory_path() / "tocsin_store_bench.db").string();
  bool keep = false, verbose = false, reuse = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--events") && i + 1 < argc) target = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
    else if (!std::strcmp(argv[i], "--queries") && i + 1 < argc) queries = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--batch") && i + 1 < argc)
      batch_docs = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--keep")) keep = true;
    else if (!std::strcmp(argv[i], "--verbose")) verbose = true;  // print the filters of slow pages
    else if (!std::strcmp(argv[i], "--reuse")) reuse = keep = true;  // query a store kept by --keep
    else {
      std::fprintf(stderr, "usage: store_bench [--events N] [--db PATH|URL] [--queries Q] [--batch DOCS] [--keep] [--reuse] [--verbose]\n");
      return 2;
    }
  }
  const bool sqlite = db.find("://") == std::string::npos && db.find('=') == std::string::npos;
  if (sqlite && !reuse)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  if (reuse) target = 0;
  auto store = tocsin::Store::Open(db);
  if (!store.ok()) {
    std::fprintf(stderr, "store_bench: %s\n", store.status().message().c_str());
    return 2;
  }
  std::mt19937_64 rng(42);
  // Generated in chunks (not timed), stored as `tocsin code --db` stores: one transaction per
  // kStoreTransactionDocuments documents (--batch) or kStoreTransactionTime of storing, whichever first.
  std::vector<tocsin::Doc> chunk;
  int64_t events = 0, docs = 0, transaction_docs = 0;
  double store_seconds = 0, store_cpu_seconds = 0, transaction_seconds = 0;
  bool open = false;
  while (events < target) {
    chunk.clear();
    for (int i = 0; i < 100 && events < target; ++i) {
      // An archive read in publication order over ten years from 2010-01-01, as a crawl or feed gives it.
      chunk.push_back(MakeDoc(rng, docs++, 14610 + events * 3650 / std::max<int64_t>(target, 1)));
      events += static_cast<int64_t>(chunk.back().events.size());
    }
    const auto t0 = Clock::now();
    const double cpu0 = CpuSeconds();
    tocsin::Status st = tocsin::Status::Ok();
    if (!open) {
      st = (*store)->Begin();
      open = st.ok();
      transaction_docs = 0;
      transaction_seconds = 0;
    }
    for (const tocsin::Doc& d : chunk)
      if (st.ok()) st = (*store)->Put(d);
    transaction_docs += static_cast<int64_t>(chunk.size());
    transaction_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    if (st.ok() && (transaction_docs >= batch_docs || events >= target ||
                    transaction_seconds >= std::chrono::duration<double>(tocsin::kStoreTransactionTime).count())) {
      st = (*store)->Commit();
      open = false;
    }
    store_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    store_cpu_seconds += CpuSeconds() - cpu0;
    if (!st.ok()) {
      std::fprintf(stderr, "store_bench: %s\n", st.message().c_str());
      return 1;
    }
  }
  if (!reuse)
    std::printf("ingest: %lld events in %lld documents in %.1f s: %.0f events/s (%s; %.1f s of CPU, kernel included)\n",
                static_cast<long long>(events), static_cast<long long>(docs), store_seconds,
                static_cast<double>(events) / store_seconds, std::string((*store)->backend()).c_str(),
                store_cpu_seconds);
  if (sqlite) std::printf("store file: %.0f MB\n", static_cast<double>(std::filesystem::file_size(db)) / 1e6);

  // Pages as the API serves them (count + page of 50), with random filters and offsets.
  tocsin::StoreOptions ro;
  ro.read_only = true;
  auto reader = tocsin::Store::Open(db, ro);
  if (!reader.ok()) return 1;
  std::vector<double> ms;
  int64_t matched = 0;
  for (int64_t q = 0; q < queries; ++q) {
    const tocsin::EventFilter f = RandomFilter(rng);
    const int64_t offset = (rng() % 4 == 0) ? 50 * static_cast<int64_t>(rng() % 20) : 0;
    const auto t0 = Clock::now();
    auto page = (*reader)->Events(f, {50, offset});
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (verbose && ms.back() > 50)
      std::printf("  slow page %.0f ms: country=%s category=%s modality=%s from=%s to=%s actor=%s text=%s offset=%lld\n",
                  ms.back(), f.countries.empty() ? "" : f.countries[0].c_str(),
                  f.categories.empty() ? "" : f.categories[0].c_str(), f.modalities.empty() ? "" : "asserted",
                  f.from.c_str(), f.to.c_str(), f.actor.c_str(), f.text.c_str(), static_cast<long long>(offset));
    if (!page.ok()) {
      std::fprintf(stderr, "store_bench: %s\n", page.status().message().c_str());
      return 1;
    }
    matched += page->total;
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))]; };
  std::printf("filtered event pages (%lld, limit 50, with total): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms "
              "(mean %.0f matching events)\n",
              static_cast<long long>(queries), pct(0.5), pct(0.95), pct(0.99), ms.back(),
              static_cast<double>(matched) / static_cast<double>(queries));
  // Aggregates as the dashboard's timeline asks for them.
  ms.clear();
  for (int q = 0; q < 20; ++q) {
    const tocsin::EventFilter f = RandomFilter(rng);
    const auto t0 = Clock::now();
    auto rows = (*reader)->Aggregate(f, "week", "category");
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!rows.ok()) return 1;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("timeline aggregates (20, by week and category): p50 %.0f ms, max %.0f ms\n", pct(0.5), ms.back());
  if (sqlite && !keep)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  return 0;
}
