// Coding throughput and model load, in process (Google Benchmark). `scripts/bench` runs these and the
// end-to-end CLI measurements (reading JSONL to writing JSONL, one core) and prints the tables.
//
// Cases:
//   BM_ModelLoad            tocsin::Model::Load of the build's tocsin.model (warm page cache)
//   BM_NewWorker            Pipeline::NewWorker, the cost of a new per-thread Worker
//   BM_CodeGigaword         one pass over the 76 records of gigaword-sample.jsonl per iteration, one Worker
//   BM_CodeHrdsattack       one pass over the 200 articles of hrdsattack-articles.jsonl per iteration
//   BM_Stage/<name>         the hrdsattack pass with only the components up to <name> enabled
//                           ({"clean"}, {"clean","language"}, ... all eight): the difference between
//                           consecutive cases is the cost of that stage
//   BM_StageGigaword/<name> the same on the GigaWord sentences (their records carry "lang", so the language
//                           stage only copies the tag there)
//
// Counters: items_processed and "sentences/s" count the sentences the full pipeline finds in the corpus (the
// same figure for every BM_Stage case, so rates compare); "MB/s" counts input text bytes (1 MB = 1e6 bytes).
// Rates are per CPU second of the benchmark thread, i.e. per core. Inputs are read once, before timing.
// Every case also reports a "min" aggregate when run with --benchmark_repetitions.
//
// The corpora are TOCSIN_SOURCE_DIR/../shared/data/bench; when that directory is absent the corpus cases
// report "../shared/data/bench is absent: ..." and are skipped.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ingest/reader.h"
#include "tocsin/document.h"
#include "tocsin/model.h"
#include "tocsin/pipeline.h"

namespace {

const std::string kBenchDir = TOCSIN_SOURCE_DIR "/../shared/data/bench";
const std::vector<std::string> kAllComponents = {"clean",    "language", "segment", "match",
                                                 "entities", "events",   "attach",  "merge"};

struct Corpus {
  std::vector<tocsin::Input> inputs;
  size_t text_bytes = 0;
  size_t sentences = 0;  // as found by the full pipeline
  std::string error;     // why the corpus is unusable; empty when fine
};

// A "min" aggregate beside mean/median/stddev: with --benchmark_repetitions the fastest repetition is the one
// least disturbed by other processes (scripts/bench reports it).
double MinOf(const std::vector<double>& v) { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }

std::string BenchAbsentMessage() {
  return "../shared/data/bench is absent: " + kBenchDir + " not found; corpus benchmarks skipped";
}

// The model, loaded once for every case except BM_ModelLoad.
const tocsin::Result<std::shared_ptr<const tocsin::Model>>& SharedModel() {
  static const auto model = tocsin::Model::Load(TOCSIN_MODEL_PATH);
  return model;
}

// Reads a corpus once and counts its sentences with the full pipeline.
const Corpus& LoadCorpus(const std::string& file) {
  static std::map<std::string, Corpus> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  Corpus& c = cache[file];
  if (!std::filesystem::is_directory(kBenchDir)) {
    c.error = BenchAbsentMessage();
    return c;
  }
  auto stream = tocsin::ingest::InputStream::Open({kBenchDir + "/" + file});
  if (!stream.ok()) {
    c.error = stream.status().ToString();
    return c;
  }
  tocsin::Input in;
  tocsin::Status read_error;
  while ((*stream)->Next(&in, &read_error)) {
    if (!read_error.ok()) {
      c.error = read_error.ToString();
      return c;
    }
    c.text_bytes += in.text.size();
    c.inputs.push_back(in);
  }
  if (c.inputs.empty()) {
    c.error = file + ": no records";
    return c;
  }
  const auto& model = SharedModel();
  if (!model.ok()) {
    c.error = "model " TOCSIN_MODEL_PATH ": " + model.status().ToString();
    return c;
  }
  auto pipeline = tocsin::Pipeline::Create(model.value(), {});
  if (!pipeline.ok()) {
    c.error = pipeline.status().ToString();
    return c;
  }
  tocsin::Worker worker = pipeline.value()->NewWorker();
  tocsin::Doc doc;
  for (const tocsin::Input& input : c.inputs) {
    (void)worker.Code(input, &doc);  // a refused document counts the sentences it got to, as the CLI does
    c.sentences += doc.sentences.size();
  }
  return c;
}

void BM_ModelLoad(benchmark::State& state) {
  if (!std::filesystem::exists(TOCSIN_MODEL_PATH)) {
    state.SkipWithError("model file " TOCSIN_MODEL_PATH " is absent: build the `model` target");
    return;
  }
  for (auto _ : state) {
    auto model = tocsin::Model::Load(TOCSIN_MODEL_PATH);
    if (!model.ok()) {
      state.SkipWithError(model.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(model.value().get());
  }
  state.counters["model_MB"] = static_cast<double>(std::filesystem::file_size(TOCSIN_MODEL_PATH)) / 1e6;
}
BENCHMARK(BM_ModelLoad)->Unit(benchmark::kMillisecond)->ComputeStatistics("min", MinOf);

void BM_NewWorker(benchmark::State& state) {
  const auto& model = SharedModel();
  if (!model.ok()) {
    state.SkipWithError(model.status().ToString().c_str());
    return;
  }
  auto pipeline = tocsin::Pipeline::Create(model.value(), {});
  if (!pipeline.ok()) {
    state.SkipWithError(pipeline.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    tocsin::Worker worker = pipeline.value()->NewWorker();
    benchmark::DoNotOptimize(&worker);
  }
}
BENCHMARK(BM_NewWorker)->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", MinOf);

// One pass over `file` per iteration with the first `stages` components of the pipeline.
void CodeCorpus(benchmark::State& state, const std::string& file, size_t stages) {
  const Corpus& corpus = LoadCorpus(file);
  if (!corpus.error.empty()) {
    state.SkipWithError(corpus.error.c_str());
    return;
  }
  tocsin::PipelineOptions options;
  options.components.assign(kAllComponents.begin(), kAllComponents.begin() + static_cast<long>(stages));
  auto pipeline = tocsin::Pipeline::Create(SharedModel().value(), options);
  if (!pipeline.ok()) {
    state.SkipWithError(pipeline.status().ToString().c_str());
    return;
  }
  tocsin::Worker worker = pipeline.value()->NewWorker();
  tocsin::Doc doc;
  size_t failed = 0, events = 0;
  for (auto _ : state) {
    for (const tocsin::Input& input : corpus.inputs) {
      if (!worker.Code(input, &doc).ok()) ++failed;
      events += doc.events.size();
      benchmark::DoNotOptimize(doc.events.data());
    }
  }
  const double passes = static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(corpus.sentences));
  state.counters["docs"] = static_cast<double>(corpus.inputs.size());
  state.counters["sentences"] = static_cast<double>(corpus.sentences);
  state.counters["text_MB"] = static_cast<double>(corpus.text_bytes) / 1e6;
  state.counters["sentences/s"] =
      benchmark::Counter(passes * static_cast<double>(corpus.sentences), benchmark::Counter::kIsRate);
  state.counters["MB/s"] =
      benchmark::Counter(passes * static_cast<double>(corpus.text_bytes) / 1e6, benchmark::Counter::kIsRate);
  state.counters["events"] = passes > 0 ? static_cast<double>(events) / passes : 0;
  if (failed) state.counters["failed_docs"] = static_cast<double>(failed) / passes;
}

void BM_CodeGigaword(benchmark::State& state) { CodeCorpus(state, "gigaword-sample.jsonl", kAllComponents.size()); }
BENCHMARK(BM_CodeGigaword)->Unit(benchmark::kMillisecond)->ComputeStatistics("min", MinOf);

void BM_CodeHrdsattack(benchmark::State& state) {
  CodeCorpus(state, "hrdsattack-articles.jsonl", kAllComponents.size());
}
BENCHMARK(BM_CodeHrdsattack)->Unit(benchmark::kMillisecond)->ComputeStatistics("min", MinOf);

// BM_Stage/<name> and BM_StageGigaword/<name>, registered in pipeline order.
const bool kStagesRegistered = [] {
  for (size_t n = 1; n <= kAllComponents.size(); ++n) {
    benchmark::RegisterBenchmark(("BM_Stage/" + kAllComponents[n - 1]).c_str(),
                                 [n](benchmark::State& s) { CodeCorpus(s, "hrdsattack-articles.jsonl", n); })
        ->Unit(benchmark::kMillisecond)
        ->ComputeStatistics("min", MinOf);
  }
  for (size_t n = 1; n <= kAllComponents.size(); ++n) {
    benchmark::RegisterBenchmark(("BM_StageGigaword/" + kAllComponents[n - 1]).c_str(),
                                 [n](benchmark::State& s) { CodeCorpus(s, "gigaword-sample.jsonl", n); })
        ->Unit(benchmark::kMicrosecond)
        ->ComputeStatistics("min", MinOf);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
