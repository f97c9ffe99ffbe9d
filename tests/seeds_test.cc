// Golden test on the seed reports (../shared/seeds): figures against the bars of the "Tocsin core" issue,
// scored with the same matching as ../shared/tools/score_events.py (src/eval/score.h). Skips where
// ../shared is absent, as on a user's machine.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "eval/score.h"
#include "ingest/reader.h"
#include "lexicon/model_data.h"
#include "test_support.h"

namespace tocsin::testing {
namespace {

// Codes the seed input and writes events to `path`.
void CodeSeeds(const std::string& shared, const std::string& path) {
  auto p = Pipeline::Create(ProjectModel(), {});
  ASSERT_TRUE(p.ok());
  Worker w = (*p)->NewWorker();
  auto in = ingest::InputStream::Open({shared + "/seeds/input.jsonl"});
  ASSERT_TRUE(in.ok());
  std::ofstream out(path);
  Input input;
  Status err;
  Doc doc;
  while ((*in)->Next(&input, &err)) {
    ASSERT_TRUE(err.ok()) << err.ToString();
    ASSERT_TRUE(w.Code(input, &doc).ok());
    std::string s;
    for (const Event& e : doc.events) {
      AppendEventJson(e, doc.text_of(e.sentence), false, &s);
      s.push_back('\n');
    }
    out << s;
  }
}

// Keeps the gold events of the documents whose language this issue covers.
std::string FilterGold(const std::string& gold, const std::vector<std::string>& prefixes, const std::string& path) {
  std::ifstream in(gold);
  std::ofstream out(path);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    for (const auto& p : prefixes)
      if (j["doc"].get<std::string>().rfind(p, 0) == 0) out << line << "\n";
  }
  return path;
}

double Ratio(const eval::Score& s, const std::string& key) {
  auto it = s.attributes.find(key);
  if (it == s.attributes.end() || it->second.second == 0) return 1.0;
  return static_cast<double>(it->second.first) / it->second.second;
}

TEST(Seeds, EnglishReportsMeetTheBars) {
  const std::string shared = SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared/seeds is absent: the golden seed test needs it beside the checkout";
  const std::string tmp = ::testing::TempDir() + "/tocsin_seeds_" + std::to_string(getpid());
  std::filesystem::create_directories(tmp);
  CodeSeeds(shared, tmp + "/seed_events.jsonl");
  const std::string gold =
      FilterGold(shared + "/seeds/gold/events.jsonl", {"000_", "001_", "003_"}, tmp + "/gold_en.jsonl");
  auto score = eval::ScoreFiles(gold, tmp + "/seed_events.jsonl");
  ASSERT_TRUE(score.ok()) << score.status().ToString();
  std::cout << eval::FormatText(*score);
  EXPECT_GE(score->recall, 0.85);
  EXPECT_GE(score->precision, 0.80);
  EXPECT_TRUE(score->modality_errors.empty());
  EXPECT_GE(Ratio(*score, "source.country"), 0.80);
  EXPECT_GE(Ratio(*score, "place"), 0.80);
  EXPECT_GE(Ratio(*score, "date"), 0.80);
}

// All five seeds coded and scored against all their gold events.
Result<eval::Score> ScoreAllSeeds(const std::string& shared, const std::string& name) {
  const std::string tmp = ::testing::TempDir() + "/" + name + "_" + std::to_string(getpid());
  std::filesystem::create_directories(tmp);
  CodeSeeds(shared, tmp + "/seed_events_all.jsonl");
  return eval::ScoreFiles(shared + "/seeds/gold/events.jsonl", tmp + "/seed_events_all.jsonl");
}

TEST(Seeds, NoModalityErrorInAnyLanguage) {
  const std::string shared = SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared/seeds is absent";
  auto score = ScoreAllSeeds(shared, "tocsin_seeds");
  ASSERT_TRUE(score.ok());
  EXPECT_TRUE(score->modality_errors.empty());
}

// The issue "Every place on the map and every actor with a code": on all five seeds, the place is right on
// at least 90 % of matched required events that have one, and so are source and target countries.
// Regressions guarded: "Paul Murphy" split by a gazetteer town took the speaker's country (source); the
// strike after a colon lost its target "against the government", and troops sent by a foreign regime lost
// the country they were sent to (target).
TEST(Seeds, PlacesAndCountriesMeetTheGazetteerBars) {
  const std::string shared = SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared/seeds is absent";
  auto score = ScoreAllSeeds(shared, "tocsin_seeds_geo");
  ASSERT_TRUE(score.ok());
  EXPECT_GE(Ratio(*score, "place"), 0.90);
  EXPECT_GE(Ratio(*score, "source.country"), 0.90);
  EXPECT_GE(Ratio(*score, "target.country"), 0.90);
}

// The Norwegian (002) and French (004) seeds: each meets the recall bar with no modality error, and, being
// translations of one statement, they give nearly the same (category, source country, target country)
// triples.
TEST(Seeds, NorwegianAndFrenchReportsMeetTheBarsAndAgree) {
  const std::string shared = SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared/seeds is absent: the golden seed test needs it beside the checkout";
  for (const char* iso : {"nb", "fr"})
    if (!ProjectModel()->data().Lang(iso)) GTEST_SKIP() << "no `" << iso << "` lexicons in this model";
  const std::string tmp = ::testing::TempDir() + "/tocsin_seeds_" + std::to_string(getpid());
  std::filesystem::create_directories(tmp);
  const std::string events = tmp + "/seed_events_nbfr.jsonl";
  CodeSeeds(shared, events);
  for (const char* doc : {"002_", "004_"}) {
    const std::string gold =
        FilterGold(shared + "/seeds/gold/events.jsonl", {doc}, tmp + "/gold_" + std::string(doc) + ".jsonl");
    auto score = eval::ScoreFiles(gold, events);
    ASSERT_TRUE(score.ok()) << score.status().ToString();
    std::cout << doc << "\n" << eval::FormatText(*score);
    EXPECT_GE(score->recall, 0.85) << doc;
    EXPECT_TRUE(score->modality_errors.empty()) << doc;
  }
  // Triples of asserted events, by document.
  std::map<std::string, std::set<std::string>> triples;
  std::ifstream in(events);
  std::string line;
  auto country = [](const nlohmann::json& actors) {
    std::set<std::string> out;
    for (const auto& a : actors)
      if (a.contains("country") && a["country"].is_string()) out.insert(a["country"].get<std::string>());
    std::string s;
    for (const auto& c : out) s += c + "+";
    return s;
  };
  while (std::getline(in, line)) {
    const auto e = nlohmann::json::parse(line);
    const std::string doc = e["doc"].get<std::string>().substr(0, 4);
    if ((doc != "002_" && doc != "004_") || e["modality"] != "asserted") continue;
    triples[doc].insert(e["type"].get<std::string>() + "|" + country(e["source"]) + "|" + country(e["target"]));
  }
  std::set<std::string> both, either;
  for (const auto& t : triples["002_"]) (triples["004_"].count(t) ? both : either).insert(t);
  for (const auto& t : triples["004_"]) either.insert(t);
  const double jaccard = either.empty() ? 0 : static_cast<double>(both.size()) / either.size();
  std::cout << "002/004 triples: " << both.size() << " shared of " << either.size() << ", Jaccard " << jaccard << "\n";
  for (const auto& t : either)
    if (!both.count(t)) std::cout << "  only in " << (triples["002_"].count(t) ? "002" : "004") << ": " << t << "\n";
  EXPECT_GE(jaccard, 0.8);
}

// Page furniture: none of the gold `boilerplate` strings stays in the coded text of a seed, and no event
// comes from one (the issue "Real inputs").
TEST(Seeds, NoBoilerplateIsCodedOrLeftInTheText) {
  const std::string shared = SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared/seeds is absent";
  std::map<std::string, std::vector<std::string>> boilerplate;
  {
    std::ifstream in(shared + "/seeds/gold/docs.jsonl");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) {
        const auto r = nlohmann::json::parse(line);
        boilerplate[r["doc"].get<std::string>()] = r["boilerplate"].get<std::vector<std::string>>();
      }
  }
  auto p = Pipeline::Create(ProjectModel(), {});
  ASSERT_TRUE(p.ok());
  Worker w = (*p)->NewWorker();
  auto in = ingest::InputStream::Open({shared + "/seeds/input.jsonl"});
  ASSERT_TRUE(in.ok());
  Input input;
  Status err;
  Doc doc;
  int strings = 0;
  while ((*in)->Next(&input, &err)) {
    ASSERT_TRUE(w.Code(input, &doc).ok());
    for (const std::string& b : boilerplate[doc.input.id]) {
      ++strings;
      EXPECT_EQ(doc.text.find(b), std::string::npos) << doc.input.id << " still holds `" << b << "`";
      for (const Event& e : doc.events)
        EXPECT_EQ(doc.text_of(e.sentence).find(b), std::string_view::npos) << "an event from `" << b << "`";
    }
  }
  EXPECT_GT(strings, 10);
}

}  // namespace
}  // namespace tocsin::testing
