// Fuzz target: any bytes as a document through the whole pipeline. Invariants: no crash, no sanitizer
// report, and every event span lies inside the coded text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tocsin/pipeline.h"

namespace {

const tocsin::Pipeline& ThePipeline() {
  static std::shared_ptr<const tocsin::Pipeline> pipeline = [] {
    auto model = tocsin::Model::Load(TOCSIN_MODEL_PATH);
    if (!model.ok()) std::abort();
    auto p = tocsin::Pipeline::Create(*model, {});
    if (!p.ok()) std::abort();
    return *p;
  }();
  return *pipeline;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tocsin::Worker worker = ThePipeline().NewWorker();
  tocsin::Input in;
  in.id = "fuzz";
  in.text.assign(reinterpret_cast<const char*>(data), size);
  in.published = "2024-02-29";
  if (size % 2) in.lang = "en";  // half the inputs skip language identification, so English code runs
  tocsin::Doc doc;
  if (!worker.Code(in, &doc).ok()) return 0;
  for (const tocsin::Event& e : doc.events) {
    if (e.trigger.end > doc.text.size() || e.sentence.end > doc.text.size() || e.trigger.begin > e.trigger.end)
      std::abort();
    std::string json;
    tocsin::AppendEventJson(e, doc.text_of(e.sentence), true, &json);
  }
  return 0;
}
