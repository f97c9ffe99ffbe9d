// The per-language sentence suites: tests/lang/<iso>/cases.jsonl, run by the same code for every language.
//
// Each case is a sentence or two written for the tests with the events a careful coder must find
// (tests/lang/en/README.md). The suite checks figures against bars, not exact output: recall of asserted
// events, precision of asserted events, modality (an event expected as requested, negated, ... must never
// come out asserted, and should come out with its modality), and attributes on matched events.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "test_support.h"

namespace tocsin::testing {
namespace {

using nlohmann::json;

struct Figures {
  int expected_asserted = 0, found_asserted = 0;
  int system_asserted = 0, system_asserted_matched = 0;
  int expected_other = 0, other_right = 0, modality_errors = 0;
  int source_country = 0, source_country_n = 0, place = 0, place_n = 0, date = 0, date_n = 0;
  int count = 0, count_n = 0;
  std::vector<std::string> notes;
};

bool TypeOk(const json& want, const Event& e) {
  if (std::string(EventTypeName(e.type)) == want.value("type", "")) return true;
  if (want.contains("type_alt"))
    for (const auto& t : want["type_alt"])
      if (t.get<std::string>() == EventTypeName(e.type)) return true;
  return false;
}

bool ActorCountryOk(const json& want, const std::vector<Actor>& got) {
  for (const Actor& a : got)
    if (a.country == want.value("country", "")) return true;
  return false;
}

void Score(const json& c, const Doc& doc, Figures* f) {
  std::set<const Event*> used;
  for (const Event& e : doc.events) f->system_asserted += e.modality == Modality::kAsserted;
  for (const json& want : c["events"]) {
    const std::string modality = want.value("modality", "asserted");
    if (modality != "asserted") {
      ++f->expected_other;
      bool wrong = false, right = false;
      for (const Event& e : doc.events) {
        if (!TypeOk(want, e)) continue;
        if (ModalityName(e.modality) == modality)
          right = true;
        else if (e.modality == Modality::kAsserted)
          wrong = true;
      }
      f->modality_errors += wrong && !right;
      f->other_right += right;
      if (wrong && !right)
        f->notes.push_back(c["id"].get<std::string>() + ": " + want["type"].get<std::string>() + " should be " +
                           modality + ", came out asserted");
      continue;
    }
    ++f->expected_asserted;
    // The expected category first, then an acceptable alternative (as the reference scorer does).
    const Event* hit = nullptr;
    for (const Event& e : doc.events)
      if (!hit && !used.count(&e) && e.modality == Modality::kAsserted &&
          EventTypeName(e.type) == want.value("type", ""))
        hit = &e;
    for (const Event& e : doc.events)
      if (!hit && !used.count(&e) && e.modality == Modality::kAsserted && TypeOk(want, e)) hit = &e;
    if (!hit) {
      f->notes.push_back(c["id"].get<std::string>() + ": missed " + want["type"].get<std::string>() +
                         " in: " + c["text"].get<std::string>());
      continue;
    }
    used.insert(hit);
    ++f->found_asserted;
    if (want.contains("source") && want["source"].contains("country")) {
      ++f->source_country_n;
      f->source_country += ActorCountryOk(want["source"], hit->source);
    }
    if (want.contains("place")) {
      ++f->place_n;
      f->place += hit->place && hit->place->country == want["place"].value("country", "") &&
                  (hit->place->name == want["place"].value("name", "") || hit->place->precision == "country");
    }
    if (want.contains("date")) {
      ++f->date_n;
      const std::string d = want["date"].get<std::string>();
      f->date += hit->date && hit->date->value.substr(0, d.size()) == d;
    }
    for (const char* k : {"dead", "injured", "arrested", "size"}) {
      if (!want.contains(k)) continue;
      ++f->count_n;
      const std::optional<Count>& got = k == std::string("dead")       ? hit->dead
                                        : k == std::string("injured")  ? hit->injured
                                        : k == std::string("arrested") ? hit->arrested
                                                                       : hit->size;
      f->count += got && got->value == want[k].get<int64_t>();
    }
  }
  f->system_asserted_matched += static_cast<int>(used.size());
  for (const Event& e : doc.events)
    if (e.modality == Modality::kAsserted && !used.count(&e))
      f->notes.push_back(c["id"].get<std::string>() + ": extra " + std::string(EventTypeName(e.type)) + " `" +
                         e.trigger_text + "`");
}

std::vector<std::string> Languages() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& d : std::filesystem::directory_iterator(SourceDir() + "/tests/lang", ec))
    if (std::filesystem::exists(d.path() / "cases.jsonl")) out.push_back(d.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class LanguageCases : public ::testing::TestWithParam<std::string> {};

TEST_P(LanguageCases, MeetsTheBars) {
  const std::string iso = GetParam();
  std::ifstream in(SourceDir() + "/tests/lang/" + iso + "/cases.jsonl");
  ASSERT_TRUE(in) << "cannot read cases for " << iso;
  Figures f;
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json c = json::parse(line);
    Doc doc = CodeText(c["text"].get<std::string>(), c.value("published", ""), iso);
    Score(c, doc, &f);
    ++cases;
  }
  ASSERT_GE(cases, 40) << "a language needs at least 40 test sentences";
  for (const std::string& n : f.notes) std::cout << "  " << n << "\n";
  const double recall = static_cast<double>(f.found_asserted) / std::max(1, f.expected_asserted);
  const double precision = static_cast<double>(f.system_asserted_matched) / std::max(1, f.system_asserted);
  const double modality = static_cast<double>(f.other_right) / std::max(1, f.expected_other);
  std::cout << iso << ": " << cases << " cases; recall " << recall << " (" << f.found_asserted << "/"
            << f.expected_asserted << "), precision " << precision << ", non-asserted events with the right modality "
            << modality << " (" << f.other_right << "/" << f.expected_other << "), modality errors "
            << f.modality_errors << ", source country " << f.source_country << "/" << f.source_country_n << ", place "
            << f.place << "/" << f.place_n << ", date " << f.date << "/" << f.date_n << ", counts " << f.count << "/"
            << f.count_n << "\n";
  EXPECT_GE(recall, 0.85);
  EXPECT_GE(precision, 0.80);
  EXPECT_EQ(f.modality_errors, 0);
  EXPECT_GE(modality, 0.70);
  EXPECT_GE(static_cast<double>(f.source_country) / std::max(1, f.source_country_n), 0.80);
  EXPECT_GE(static_cast<double>(f.place) / std::max(1, f.place_n), 0.80);
  EXPECT_GE(static_cast<double>(f.date) / std::max(1, f.date_n), 0.80);
  EXPECT_GE(static_cast<double>(f.count) / std::max(1, f.count_n), 0.75);
}

// Adding a language is adding a folder of the same shape: every data/lang/<iso>/ has English's file set, and
// every language with lexicons has a suite.
TEST(Languages, EveryLanguageHasTheSameFileSetAndASuite) {
  namespace fs = std::filesystem;
  auto files = [](const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& f : fs::directory_iterator(dir)) out.insert(f.path().filename().string());
    return out;
  };
  const fs::path lang = fs::path(SourceDir()) / "data/lang";
  const std::set<std::string> en = files(lang / "en");
  int n = 0;
  for (const auto& d : fs::directory_iterator(lang)) {
    if (!d.is_directory()) continue;
    EXPECT_EQ(files(d.path()), en) << d.path().filename() << " differs from en's file set";
    EXPECT_TRUE(fs::exists(fs::path(SourceDir()) / "tests/lang" / d.path().filename() / "cases.jsonl"))
        << d.path().filename() << " has no test suite";
    ++n;
  }
  EXPECT_GE(n, 1);
}

INSTANTIATE_TEST_SUITE_P(AllLanguages, LanguageCases, ::testing::ValuesIn(Languages()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tocsin::testing
