#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace tocsin::testing {

std::shared_ptr<const Model> ProjectModel() {
  static std::shared_ptr<const Model> model = [] {
    // TOCSIN_TEST_DATA=<data dir> compiles lexicons being edited instead of the model built with the tests,
    // so a lexicon writer can rerun a language suite without rebuilding.
    const char* data = std::getenv("TOCSIN_TEST_DATA");
    auto m = data && *data ? Model::FromData(data) : Model::Load(TOCSIN_MODEL_PATH);
    if (!m.ok()) {
      ADD_FAILURE() << m.status().ToString();
      return std::shared_ptr<const Model>();
    }
    return *m;
  }();
  return model;
}

Doc CodeInput(const Input& in, bool explain) {
  PipelineOptions opts;
  opts.explain = explain;
  auto p = Pipeline::Create(ProjectModel(), opts);
  Doc doc;
  if (!p.ok()) {
    ADD_FAILURE() << p.status().ToString();
    return doc;
  }
  Worker w = (*p)->NewWorker();
  Status s = w.Code(in, &doc);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return doc;
}

Doc CodeText(const std::string& text, const std::string& published, const std::string& lang, bool explain) {
  Input in;
  in.id = "t";
  in.text = text;
  in.published = published;
  in.lang = lang;
  return CodeInput(in, explain);
}

std::vector<const Event*> EventsOf(const Doc& doc, EventType type) {
  std::vector<const Event*> out;
  for (const Event& e : doc.events)
    if (e.type == type) out.push_back(&e);
  return out;
}

std::string SourceDir() { return TOCSIN_SOURCE_DIR; }

std::string SharedDir() {
  std::filesystem::path p = std::filesystem::path(TOCSIN_SOURCE_DIR) / ".." / "shared";
  std::error_code ec;
  if (std::filesystem::is_directory(p / "seeds", ec)) return p.lexically_normal().string();
  return {};
}

}  // namespace tocsin::testing
