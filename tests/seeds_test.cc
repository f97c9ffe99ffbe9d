// Golden test on the seed reports (../shared/seeds): figures against the bars of the "Tocsin core" issue,
// scored with the same matching as ../shared/tools/score_events.py (src/eval/score.h). Skips where
// ../shared is absent, as on a user's machine.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "eval/score.h"
#include "ingest/reader.h"
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

TEST(Seeds, NoModalityErrorInAnyLanguage) {
  const std::string shared = SharedDir();
  if (shared.empty()) GTEST_SKIP() << "../shared/seeds is absent";
  const std::string tmp = ::testing::TempDir() + "/tocsin_seeds_" + std::to_string(getpid());
  std::filesystem::create_directories(tmp);
  CodeSeeds(shared, tmp + "/seed_events_all.jsonl");
  auto score = eval::ScoreFiles(shared + "/seeds/gold/events.jsonl", tmp + "/seed_events_all.jsonl");
  ASSERT_TRUE(score.ok());
  EXPECT_TRUE(score->modality_errors.empty());
}

}  // namespace
}  // namespace tocsin::testing
