// `tocsin code`: read inputs on one thread, code them on N workers, write in input order.
//
// Memory stays bounded: the reader stops when kInFlightPerThread documents per worker are read but not yet
// written. A document that fails is reported on stderr (file, line, id, reason) and the others go on.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <queue>
#include <thread>

#include "commands.h"
#include "ingest/reader.h"
#include "tocsin/pipeline.h"

namespace tocsin::cli {
namespace {

namespace config {
constexpr size_t kInFlightPerThread = 16;
constexpr auto kProgressEvery = std::chrono::milliseconds(500);
}  // namespace config

struct Job {
  uint64_t seq = 0;
  Input input;
  Status read_error;
};

struct Done {
  std::string events, docs;
  Status status;
  std::vector<std::string> warnings;
  size_t sentences = 0;
  std::array<size_t, kEventTypeCount> by_type{};
  std::array<size_t, 7> by_modality{};
  size_t events_count = 0;
  size_t dead = 0;
  std::string lang;
};

struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::queue<Job> jobs;
  bool reading_done = false;
  std::map<uint64_t, Done> done;
  size_t in_flight = 0;
};

Done CodeOne(Worker& worker, Job& job, const CodeArgs& args, Doc& doc) {
  Done d;
  if (!job.read_error.ok()) {
    d.status = job.read_error;
    return d;
  }
  d.status = worker.Code(job.input, &doc);
  d.lang = doc.lang;
  d.sentences = doc.sentences.size();
  if (d.status.ok())
    for (const std::string& w : doc.errors)
      d.warnings.push_back((job.input.origin.empty() ? job.input.id : job.input.origin) + " (id " + job.input.id + "): " + w);
  for (const Event& e : doc.events) {
    AppendEventJson(e, doc.text_of(e.sentence), args.explain, &d.events);
    d.events.push_back('\n');
    ++d.by_type[static_cast<size_t>(e.type)];
    ++d.by_modality[static_cast<size_t>(e.modality)];
    if (e.dead && e.modality == Modality::kAsserted) d.dead += static_cast<size_t>(e.dead->value);
  }
  d.events_count = doc.events.size();
  if (!args.docs.empty()) {
    AppendDocJson(doc, &d.docs);
    d.docs.push_back('\n');
  }
  return d;
}

Result<std::shared_ptr<const Model>> LoadModel(const CodeArgs& args, const std::string& exe_dir) {
  if (!args.data.empty()) return Model::FromData(args.data);
  if (!args.model.empty()) return Model::Load(args.model);
  std::string tried;
  for (const std::string& p : Model::DefaultPaths(exe_dir)) {
    std::ifstream probe(p);
    if (probe) return Model::Load(p);
    tried += "\n  " + p;
  }
  return Status::NotFound("no model file found; looked at:" + tried +
                          "\nbuild one with `tocsin model build data/ -o tocsin.model`, or pass --model or --data");
}

}  // namespace

int Code(const CodeArgs& args, const std::string& exe_dir) {
  const auto t0 = std::chrono::steady_clock::now();
  auto model = LoadModel(args, exe_dir);
  if (!model.ok()) {
    std::cerr << "tocsin code: " << model.status().message() << "\n";
    return kExitFatal;
  }
  const auto t_model = std::chrono::steady_clock::now();
  PipelineOptions opts;
  opts.explain = args.explain;
  opts.emit_non_asserted = !args.asserted_only;
  opts.max_document_bytes = static_cast<size_t>(args.max_doc_mb * 1024 * 1024);
  auto pipeline = Pipeline::Create(*model, opts);
  if (!pipeline.ok()) {
    std::cerr << "tocsin code: " << pipeline.status().message() << "\n";
    return kExitFatal;
  }
  auto stream = ingest::InputStream::Open(args.inputs);
  if (!stream.ok()) {
    std::cerr << "tocsin code: " << stream.status().message() << "\n";
    return kExitFatal;
  }
  std::ofstream out_file, docs_file;
  std::ostream* out = &std::cout;
  if (!args.output.empty()) {
    out_file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!out_file) {
      std::cerr << "tocsin code: cannot write `" << args.output << "`\n";
      return kExitFatal;
    }
    out = &out_file;
  }
  if (!args.docs.empty()) {
    docs_file.open(args.docs, std::ios::binary | std::ios::trunc);
    if (!docs_file) {
      std::cerr << "tocsin code: cannot write `" << args.docs << "`\n";
      return kExitFatal;
    }
  }
  std::ios::sync_with_stdio(false);

  Shared sh;
  const size_t threads = static_cast<size_t>(std::max(1, args.threads));
  const size_t max_in_flight = threads * config::kInFlightPerThread;
  ingest::InputStream& in = **stream;

  std::thread reader([&] {
    uint64_t seq = 0;
    while (true) {
      Job job;
      if (!in.Next(&job.input, &job.read_error)) break;
      if (!args.lang.empty()) job.input.lang = args.lang;
      job.seq = seq++;
      std::unique_lock<std::mutex> lock(sh.mu);
      sh.cv.wait(lock, [&] { return sh.in_flight < max_in_flight; });
      ++sh.in_flight;
      sh.jobs.push(std::move(job));
      sh.cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(sh.mu);
    sh.reading_done = true;
    sh.cv.notify_all();
  });

  std::vector<std::thread> workers;
  for (size_t i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      Worker worker = (*pipeline)->NewWorker();
      Doc doc;
      while (true) {
        Job job;
        {
          std::unique_lock<std::mutex> lock(sh.mu);
          sh.cv.wait(lock, [&] { return !sh.jobs.empty() || sh.reading_done; });
          if (sh.jobs.empty()) return;
          job = std::move(sh.jobs.front());
          sh.jobs.pop();
        }
        Done d = CodeOne(worker, job, args, doc);
        std::lock_guard<std::mutex> lock(sh.mu);
        sh.done.emplace(job.seq, std::move(d));
        sh.cv.notify_all();
      }
    });
  }

  // Writer: this thread, in input order.
  const bool progress = args.progress == "always" || (args.progress == "auto" && isatty(STDERR_FILENO));
  auto last_progress = std::chrono::steady_clock::now();
  uint64_t next = 0;
  size_t docs = 0, failed = 0, warned = 0, sentences = 0, events = 0, dead = 0;
  std::array<size_t, kEventTypeCount> by_type{};
  std::array<size_t, 7> by_modality{};
  std::map<std::string, size_t> langs;
  while (true) {
    Done d;
    {
      std::unique_lock<std::mutex> lock(sh.mu);
      sh.cv.wait(lock, [&] {
        return sh.done.count(next) || (sh.reading_done && sh.jobs.empty() && sh.in_flight == 0);
      });
      auto it = sh.done.find(next);
      if (it == sh.done.end()) break;
      d = std::move(it->second);
      sh.done.erase(it);
      --sh.in_flight;
      sh.cv.notify_all();
    }
    ++next;
    ++docs;
    if (!d.status.ok()) {
      ++failed;
      std::cerr << "tocsin code: " << d.status.message() << "\n";
    }
    for (const std::string& w : d.warnings) std::cerr << "tocsin code: warning: " << w << "\n";
    if (!d.warnings.empty()) ++warned;
    out->write(d.events.data(), static_cast<std::streamsize>(d.events.size()));
    if (docs_file.is_open()) docs_file.write(d.docs.data(), static_cast<std::streamsize>(d.docs.size()));
    sentences += d.sentences;
    events += d.events_count;
    dead += d.dead;
    for (size_t i = 0; i < by_type.size(); ++i) by_type[i] += d.by_type[i];
    for (size_t i = 0; i < by_modality.size(); ++i) by_modality[i] += d.by_modality[i];
    if (!d.lang.empty()) ++langs[d.lang];
    if (progress && std::chrono::steady_clock::now() - last_progress > config::kProgressEvery) {
      last_progress = std::chrono::steady_clock::now();
      std::fprintf(stderr, "\r%zu documents, %zu events, %.1f / %.1f MB read   ", docs, events,
                   static_cast<double>(in.bytes_read()) / 1e6, static_cast<double>(in.bytes_total()) / 1e6);
    }
  }
  reader.join();
  for (auto& w : workers) w.join();
  out->flush();
  if (progress) std::fprintf(stderr, "\r%60s\r", "");

  if (args.summary) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_model).count();
    const double load = std::chrono::duration<double>(t_model - t0).count();
    std::fprintf(stderr, "\nTocsin coded %zu document(s), %zu sentence(s), in %.2f s (model loaded in %.3f s).\n",
                 docs - failed, sentences, secs, load);
    if (failed) std::fprintf(stderr, "  %zu document(s) could not be coded (see messages above).\n", failed);
    std::string lang_list;
    for (const auto& [l, n] : langs) lang_list += (lang_list.empty() ? "" : ", ") + l + " " + std::to_string(n);
    if (!lang_list.empty()) std::fprintf(stderr, "  languages: %s\n", lang_list.c_str());
    std::fprintf(stderr, "  %zu event(s): %zu happened, %zu requested, %zu negated, %zu promised, %zu threatened, "
                         "%zu predicted, %zu hypothetical.\n",
                 events, by_modality[0], by_modality[2], by_modality[1], by_modality[3], by_modality[4],
                 by_modality[5], by_modality[6]);
    std::string cats;
    std::vector<std::pair<size_t, size_t>> order;
    for (size_t i = 0; i < by_type.size(); ++i)
      if (by_type[i]) order.emplace_back(by_type[i], i);
    std::sort(order.rbegin(), order.rend());
    for (const auto& [n, i] : order)
      cats += (cats.empty() ? "" : ", ") + std::string(EventTypeName(static_cast<EventType>(i))) + " " + std::to_string(n);
    if (!cats.empty()) std::fprintf(stderr, "  by category: %s\n", cats.c_str());
    if (dead) std::fprintf(stderr, "  deaths stated in events that happened: %zu (highest figure per event)\n", dead);
    if (!args.output.empty()) std::fprintf(stderr, "  events written to %s\n", args.output.c_str());
    if (!args.docs.empty()) std::fprintf(stderr, "  document records written to %s\n", args.docs.c_str());
  }
  return failed || warned ? kExitSomeFailed : kExitOk;
}

}  // namespace tocsin::cli
