// The pipeline contract: explicit registry, checked order, switchable components, failures confined to
// one document.
#include <gtest/gtest.h>

#include "test_support.h"

namespace tocsin::testing {
namespace {

Input MakeInput(std::string id, std::string text, std::string published = "", std::string lang = "") {
  Input in;
  in.id = std::move(id);
  in.text = std::move(text);
  in.published = std::move(published);
  in.lang = std::move(lang);
  return in;
}

TEST(Pipeline, RejectsAnUnknownComponentNamingTheKnownOnes) {
  PipelineOptions o;
  o.components = {"clean", "language", "segment", "parse"};
  auto p = Pipeline::Create(ProjectModel(), o);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("parse"), std::string::npos);
  EXPECT_NE(p.status().message().find("segment"), std::string::npos);
}

TEST(Pipeline, RejectsAComponentBeforeWhatItNeeds) {
  PipelineOptions o;
  o.components = {"clean", "segment", "language"};
  auto p = Pipeline::Create(ProjectModel(), o);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("needs"), std::string::npos);
}

TEST(Pipeline, DisablingMergeKeepsEveryTrigger) {
  const std::string text = "Security forces opened fire on the crowd in Osh, killing 12 people.";
  PipelineOptions o;
  o.disabled = {"merge"};
  auto p = Pipeline::Create(ProjectModel(), o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Worker w = (*p)->NewWorker();
  Input in = MakeInput("x", text, "2024-01-01", "en");
  Doc unmerged;
  ASSERT_TRUE(w.Code(in, &unmerged).ok());
  Doc merged = CodeText(text, "2024-01-01");
  EXPECT_GT(unmerged.events.size(), merged.events.size());
  EXPECT_EQ(EventsOf(merged, EventType::kAssault).size(), 1u);
}

TEST(Pipeline, ComponentNamesFollowTheConfiguredOrder) {
  auto p = Pipeline::Create(ProjectModel(), {});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->component_names(), (std::vector<std::string>{"clean", "language", "segment", "match", "entities",
                                                               "events", "attach", "merge"}));
}

TEST(Worker, ABadDocumentFailsAloneAndTheWorkerGoesOn) {
  auto p = Pipeline::Create(ProjectModel(), {});
  ASSERT_TRUE(p.ok());
  Worker w = (*p)->NewWorker();
  Doc doc;
  Input empty = MakeInput("empty", "   \n\n ", "", "en");
  Status s = w.Code(empty, &doc);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("empty"), std::string::npos);
  Input good = MakeInput("good", "Police detained 30 protesters in Bishkek.", "2024-01-01", "en");
  ASSERT_TRUE(w.Code(good, &doc).ok());
  EXPECT_FALSE(doc.events.empty());
}

TEST(Worker, BinaryInputIsRefusedWithAClearMessage) {
  auto p = Pipeline::Create(ProjectModel(), {});
  ASSERT_TRUE(p.ok());
  Worker w = (*p)->NewWorker();
  Doc doc;
  Input bin = MakeInput("bin", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0", 12));
  Status s = w.Code(bin, &doc);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("binary"), std::string::npos);
}

TEST(Worker, OversizedDocumentIsRefusedNamingTheLimit) {
  PipelineOptions o;
  o.max_document_bytes = 1000;
  auto p = Pipeline::Create(ProjectModel(), o);
  ASSERT_TRUE(p.ok());
  Worker w = (*p)->NewWorker();
  Doc doc;
  Input big = MakeInput("big", std::string(5000, 'a'), "", "en");
  Status s = w.Code(big, &doc);
  EXPECT_EQ(s.code(), Status::Code::kTooLarge);
  EXPECT_NE(s.message().find("--max-doc-mb"), std::string::npos);
}

// Regression (fuzz_document, UBSan): a paragraph in a language the model has no lexicons for left its
// sentences without a language, and the entities stage read through the null pointer.
TEST(Worker, AParagraphInALanguageWithoutLexiconsIsSegmentedNotCoded) {
  Input in;
  in.id = "mixed";
  in.lang = "";
  in.published = "2024-02-29";
  in.text =
      "Police arrested 40 protesters in Almaty on Monday after a rally against the fuel price rise. The "
      "opposition called on the government to release them and to reverse the increase at once. Thousands of "
      "workers in Zhanaozen and Aktau went on strike on Tuesday and blocked the main roads of the region.\n\n"
      "La Polizia di Stato ha arrestato quaranta manifestanti a Roma lunedì dopo una Manifestazione Nazionale "
      "contro il Governo Italiano, secondo la Questura Centrale di Roma.";
  Doc doc = CodeInput(in);
  bool italian = false;
  for (const LangSpan& ls : doc.lang_spans) italian = italian || ls.lang == "it";
  EXPECT_TRUE(italian) << "the Italian paragraph should be identified as such";
  ASSERT_FALSE(doc.events.empty());
  for (const Event& e : doc.events) EXPECT_EQ(e.lang, "en");
}

}  // namespace
}  // namespace tocsin::testing
