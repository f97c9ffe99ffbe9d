// `tocsin code`: read inputs on one thread, code them on N workers, write in input order.
//
// Memory stays bounded: the reader stops when kInFlightPerThread batches per worker are read but not yet
// written. A document that fails is reported on stderr (file, line, id, reason) and the others go on.
// With one thread everything runs inline on the calling thread.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
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
#include "tocsin/store.h"
#include "tocsin/story.h"

namespace tocsin::cli {
namespace {

namespace config {
constexpr size_t kInFlightPerThread = 4;  // batches per worker read ahead
constexpr size_t kBatchDocuments = 64;    // records per batch
constexpr size_t kBatchBytes = 1u << 20;  // or this much text, whichever comes first
constexpr auto kProgressEvery = std::chrono::milliseconds(500);
}  // namespace config

// A batch of input records: threads hand over batches, not documents, so that short inputs (one
// sentence per record) do not pay a thread hand-over each.
struct Job {
  uint64_t seq = 0;
  std::vector<Input> inputs;
  std::vector<Status> read_errors;  // parallel to inputs
};

struct Done {
  std::string events, docs;
  // With --stories: each document's events, kept as values until the writer (in input order) has given
  // them their stories; with the sentence texts their records repeat.
  struct Deferred {
    std::vector<Event> events;
    std::vector<std::string> sentences;
  };
  std::vector<Deferred> deferred;
  // With --db: the coded documents themselves (without their tokens), stored by the writer in input order
  // (a transaction holds up to a second of them: kStoreTransactionTime, store.h).
  std::vector<Doc> stored;
  std::vector<std::string> errors, warnings;  // messages, in input order
  size_t documents = 0, failed = 0, warned = 0, sentences = 0, events_count = 0, dead = 0;
  std::array<size_t, kEventTypeCount> by_type{};
  std::array<size_t, 7> by_modality{};
  std::map<std::string, size_t> langs;
  std::map<std::string, size_t> uncoded_langs;  // documents in languages without lexicons
};

struct Shared {
  std::mutex mu;
  std::condition_variable work_ready, done_ready, room;
  std::queue<Job> jobs;
  bool reading_done = false;
  std::map<uint64_t, Done> done;
  size_t in_flight = 0;  // batches read but not yet written
};

void CodeBatch(Worker& worker, Job& job, const CodeArgs& args, Doc& doc, Done* d) {
  for (size_t i = 0; i < job.inputs.size(); ++i) {
    const Input& in = job.inputs[i];
    ++d->documents;
    if (!job.read_errors[i].ok()) {
      ++d->failed;
      d->errors.push_back(job.read_errors[i].message());
      if (!args.docs.empty() && !in.id.empty()) {
        // A record refused while reading still gets its document record, naming the problem.
        doc = Doc();
        doc.input = in;
        doc.errors.push_back(job.read_errors[i].message());
        AppendDocJson(doc, &d->docs);
        d->docs.push_back('\n');
      }
      if (!args.db.empty() && !in.id.empty()) {  // kept in the store too, with its error and no events
        Doc refused;
        refused.input = in;
        refused.input.text.clear();
        refused.errors.push_back(job.read_errors[i].message());
        d->stored.push_back(std::move(refused));
      }
      continue;
    }
    Status st = worker.Code(in, &doc);
    if (!st.ok()) {
      ++d->failed;
      d->errors.push_back(st.message());
    } else if (!doc.errors.empty()) {
      ++d->warned;
      for (const std::string& w : doc.errors)
        d->warnings.push_back((in.origin.empty() ? in.id : in.origin) + " (id " + in.id + "): " + w);
    }
    if (!doc.lang.empty()) ++d->langs[doc.lang];
    // Notes about languages without lexicons ("no lexicons for language `it` ..."), not every note (a
    // charset conversion is one too).
    static constexpr std::string_view kNoLexicons = "no lexicons for language `";
    for (const std::string& note : doc.notes)
      if (st.ok() && note.rfind(kNoLexicons, 0) == 0) {
        const size_t end = note.find('`', kNoLexicons.size());
        if (end != std::string::npos) ++d->uncoded_langs[note.substr(kNoLexicons.size(), end - kNoLexicons.size())];
      }
    d->sentences += doc.sentences.size();
    for (const Event& e : doc.events) {
      ++d->by_type[static_cast<size_t>(e.type)];
      ++d->by_modality[static_cast<size_t>(e.modality)];
      if (e.dead && e.modality == Modality::kAsserted) d->dead += static_cast<size_t>(e.dead->value);
    }
    d->events_count += doc.events.size();
    if (!args.docs.empty()) {
      AppendDocJson(doc, &d->docs);
      d->docs.push_back('\n');
    }
    if (!args.db.empty()) {
      // The store needs the text, sentences, events and places; the tokens and mentions are dropped now so
      // that a batch in flight holds no more than its records would.
      d->stored.push_back(std::move(doc));
      Doc& kept = d->stored.back();
      std::vector<Token>().swap(kept.tokens);
      std::vector<Mention>().swap(kept.mentions);
      std::string().swap(kept.folded);
      kept.input.text.clear();
      doc = Doc();
      continue;
    }
    if (args.stories) {  // written by the writer once the stories are given, in input order
      Done::Deferred def;
      def.events = doc.events;
      for (const Event& e : doc.events) def.sentences.emplace_back(doc.text_of(e.sentence));
      d->deferred.push_back(std::move(def));
    } else {
      for (const Event& e : doc.events) {
        AppendEventJson(e, doc.text_of(e.sentence), args.explain, &d->events);
        d->events.push_back('\n');
      }
    }
  }
}

// Reads the next batch; false at the end of the input. Documents whose ids are in `skip` (--resume: already
// stored) are counted in `skipped` and left out.
bool ReadBatch(ingest::InputStream& in, const CodeArgs& args, const std::unordered_set<std::string>& skip,
               std::atomic<size_t>* skipped, Job* job) {
  job->inputs.clear();
  job->read_errors.clear();
  size_t bytes = 0;
  while (job->inputs.size() < config::kBatchDocuments && bytes < config::kBatchBytes) {
    Input input;
    Status err;
    if (!in.Next(&input, &err)) break;
    if (!skip.empty() && err.ok() && skip.count(input.id)) {
      ++*skipped;
      continue;
    }
    if (!args.lang.empty()) input.lang = args.lang;
    bytes += input.text.size();
    job->inputs.push_back(std::move(input));
    job->read_errors.push_back(std::move(err));
  }
  return !job->inputs.empty();
}

}  // namespace

Result<std::shared_ptr<const Model>> FindModel(const std::string& model, const std::string& data,
                                               const std::string& exe_dir) {
  if (!data.empty()) return Model::FromData(data);
  if (!model.empty()) return Model::Load(model);
  std::string tried;
  for (const std::string& p : Model::DefaultPaths(exe_dir)) {
    std::ifstream probe(p);
    if (probe) return Model::Load(p);
    tried += "\n  " + p;
  }
  return Status::NotFound("no model file found; looked at:" + tried +
                          "\nbuild one with `tocsin model build data/ -o tocsin.model`, or pass --model or --data");
}

int Code(const CodeArgs& args, const std::string& exe_dir) {
  const auto t0 = std::chrono::steady_clock::now();
  auto model = FindModel(args.model, args.data, exe_dir);
  if (!model.ok()) {
    std::cerr << "tocsin code: " << model.status().message() << "\n";
    return kExitFatal;
  }
  const auto t_model = std::chrono::steady_clock::now();
  PipelineOptions opts;
  opts.explain = args.explain;
  opts.emit_non_asserted = !args.asserted_only;
  opts.list_places = !args.docs.empty() || !args.db.empty();  // document records and the store list every place
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
  // The store: opened (and created or migrated) before any coding, so a bad --db costs nothing.
  std::unique_ptr<Store> store;
  std::unordered_set<std::string> already_stored;
  if (!args.db.empty()) {
    if (!args.stories_file.empty()) {
      std::cerr << "tocsin code: --db keeps the stories in the store; drop --stories-file\n";
      return kExitFatal;
    }
    auto opened = Store::Open(args.db);
    if (!opened.ok()) {
      std::cerr << "tocsin code: " << opened.status().message() << "\n";
      return kExitFatal;
    }
    store = std::move(opened).value();
    if (args.resume) {
      auto ids = store->DocumentIds();
      if (!ids.ok()) {
        std::cerr << "tocsin code: " << ids.status().message() << "\n";
        return kExitFatal;
      }
      already_stored = std::move(ids).value();
    }
  }
  std::atomic<size_t> skipped{0};
  std::atomic<bool> stop{false};  // set when the store refuses a batch: reading stops, nothing more is coded
  bool store_failed = false;
  bool in_transaction = false;  // the writer's open store transaction, committed in write() or at the end
  size_t transaction_docs = 0;
  auto transaction_start = std::chrono::steady_clock::now();
  std::ofstream out_file, docs_file;
  std::ostream* out = &std::cout;
  // With --db the events go to the store, and to a file only when -o names one.
  const bool write_events = args.db.empty() || !args.output.empty();
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

  const size_t threads = static_cast<size_t>(std::max(1, args.threads));
  ingest::InputStream& in = **stream;
  const bool progress = args.progress == "always" || (args.progress == "auto" && isatty(STDERR_FILENO));
  auto last_progress = std::chrono::steady_clock::now();
  // Stories across the run's documents (and those of earlier runs kept in --stories-file).
  StoryOptions story_options;
  story_options.threshold = args.story_threshold;
  StoryIndex stories(story_options);
  if (store) {
    auto loaded = store->LoadStories(story_options);
    if (!loaded.ok()) {
      std::cerr << "tocsin code: " << loaded.status().message() << "\n";
      return kExitFatal;
    }
    stories = std::move(loaded).value();
  } else if (!args.stories_file.empty()) {
    auto loaded = StoryIndex::Load(args.stories_file, story_options);
    if (!loaded.ok()) {
      std::cerr << "tocsin code: " << loaded.status().message() << "\n";
      return kExitFatal;
    }
    stories = std::move(loaded).value();
  }
  Done total;
  // Writes one finished batch: events, document records, messages; accumulates the summary.
  auto write = [&](Done& d) {
    for (const std::string& e : d.errors) std::cerr << "tocsin code: " << e << "\n";
    for (const std::string& w : d.warnings) std::cerr << "tocsin code: warning: " << w << "\n";
    for (Done::Deferred& def : d.deferred) {  // stories are given here, in input order
      stories.Add(&def.events);
      for (size_t k = 0; k < def.events.size(); ++k) {
        AppendEventJson(def.events[k], def.sentences[k], args.explain, &d.events);
        d.events.push_back('\n');
      }
    }
    if (store && !store_failed) {
      // A killed run keeps every transaction committed before, and no part of the open one.
      Status st = Status::Ok();
      if (!in_transaction) {
        st = store->Begin();
        in_transaction = st.ok();
        transaction_docs = 0;
        transaction_start = std::chrono::steady_clock::now();
      }
      for (Doc& doc : d.stored) {
        if (!st.ok()) break;
        st = store->PutWithStories(&doc, &stories);
        if (write_events)
          for (const Event& e : doc.events) {
            AppendEventJson(e, doc.text_of(e.sentence), args.explain, &d.events);
            d.events.push_back('\n');
          }
      }
      transaction_docs += d.stored.size();
      if (st.ok()) st = store->PutStories(&stories);
      if (st.ok() && (transaction_docs >= kStoreTransactionDocuments ||
                      std::chrono::steady_clock::now() - transaction_start >= kStoreTransactionTime)) {
        st = store->Commit();
        in_transaction = false;
      }
      if (!st.ok()) {
        store->Rollback();
        in_transaction = false;
        std::cerr << "tocsin code: the store refused a batch, stopping (documents before it are stored): "
                  << st.message() << "\n";
        store_failed = true;
        stop = true;
        return;
      }
    }
    if (write_events) out->write(d.events.data(), static_cast<std::streamsize>(d.events.size()));
    if (docs_file.is_open()) docs_file.write(d.docs.data(), static_cast<std::streamsize>(d.docs.size()));
    total.documents += d.documents;
    total.failed += d.failed;
    total.warned += d.warned;
    total.sentences += d.sentences;
    total.events_count += d.events_count;
    total.dead += d.dead;
    for (size_t i = 0; i < total.by_type.size(); ++i) total.by_type[i] += d.by_type[i];
    for (size_t i = 0; i < total.by_modality.size(); ++i) total.by_modality[i] += d.by_modality[i];
    for (const auto& [l, n] : d.langs) total.langs[l] += n;
    for (const auto& [l, n] : d.uncoded_langs) {
      // Not an error (the exit status stays 0): said once per language, and in the summary.
      if (total.uncoded_langs[l] == 0)
        std::cerr << "tocsin code: note: no lexicons for language `" << l
                  << "` in this model: such documents are segmented (see --docs) but no events are coded\n";
      total.uncoded_langs[l] += n;
    }
    if (progress && std::chrono::steady_clock::now() - last_progress > config::kProgressEvery) {
      last_progress = std::chrono::steady_clock::now();
      std::fprintf(stderr, "\r%zu documents, %zu events, %.1f / %.1f MB read   ", total.documents, total.events_count,
                   static_cast<double>(in.bytes_read()) / 1e6, static_cast<double>(in.bytes_total()) / 1e6);
    }
  };

  if (threads == 1) {
    // One worker: read, code and write on this thread, with no hand-over at all.
    Worker worker = (*pipeline)->NewWorker();
    Doc doc;
    Job job;
    while (!stop && ReadBatch(in, args, already_stored, &skipped, &job)) {
      Done d;
      CodeBatch(worker, job, args, doc, &d);
      write(d);
    }
  } else {
    Shared sh;
    const size_t max_in_flight = threads * config::kInFlightPerThread;
    std::thread reader([&] {
      uint64_t seq = 0;
      while (true) {
        Job job;
        if (stop || !ReadBatch(in, args, already_stored, &skipped, &job)) break;
        job.seq = seq++;
        std::unique_lock<std::mutex> lock(sh.mu);
        sh.room.wait(lock, [&] { return sh.in_flight < max_in_flight; });
        ++sh.in_flight;
        sh.jobs.push(std::move(job));
        sh.work_ready.notify_one();
      }
      std::lock_guard<std::mutex> lock(sh.mu);
      sh.reading_done = true;
      sh.work_ready.notify_all();
      sh.done_ready.notify_one();
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
            sh.work_ready.wait(lock, [&] { return !sh.jobs.empty() || sh.reading_done; });
            if (sh.jobs.empty()) return;
            job = std::move(sh.jobs.front());
            sh.jobs.pop();
          }
          Done d;
          CodeBatch(worker, job, args, doc, &d);
          std::lock_guard<std::mutex> lock(sh.mu);
          sh.done.emplace(job.seq, std::move(d));
          sh.done_ready.notify_one();
        }
      });
    }
    // Writer: this thread, in input order.
    for (uint64_t next = 0;; ++next) {
      Done d;
      {
        std::unique_lock<std::mutex> lock(sh.mu);
        sh.done_ready.wait(lock, [&] { return sh.done.count(next) || (sh.reading_done && sh.in_flight == 0); });
        auto it = sh.done.find(next);
        if (it == sh.done.end()) break;
        d = std::move(it->second);
        sh.done.erase(it);
        --sh.in_flight;
        sh.room.notify_one();
      }
      write(d);
    }
    reader.join();
    for (auto& w : workers) w.join();
  }
  out->flush();
  if (progress) std::fprintf(stderr, "\r%60s\r", "");
  if (store && in_transaction) {
    if (Status st = store->Commit(); !st.ok()) {
      std::cerr << "tocsin code: the store refused the last documents: " << st.message() << "\n";
      store_failed = true;
    }
  }
  if (store_failed) return kExitFatal;
  if (!args.stories_file.empty()) {
    if (Status st = stories.Save(args.stories_file); !st.ok()) {
      std::cerr << "tocsin code: " << st.message() << "\n";
      return kExitFatal;
    }
  }

  if (args.summary) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_model).count();
    const double load = std::chrono::duration<double>(t_model - t0).count();
    std::fprintf(stderr, "\nTocsin coded %zu document(s), %zu sentence(s), in %.2f s (model loaded in %.3f s).\n",
                 total.documents - total.failed, total.sentences, secs, load);
    if (total.failed)
      std::fprintf(stderr, "  %zu document(s) could not be coded (see messages above).\n", total.failed);
    std::string lang_list;
    for (const auto& [l, n] : total.langs) lang_list += (lang_list.empty() ? "" : ", ") + l + " " + std::to_string(n);
    if (!lang_list.empty()) std::fprintf(stderr, "  languages: %s\n", lang_list.c_str());
    std::string uncoded;
    for (const auto& [l, n] : total.uncoded_langs)
      uncoded += (uncoded.empty() ? "" : ", ") + l + " " + std::to_string(n);
    if (!uncoded.empty()) std::fprintf(stderr, "  not coded, no lexicons yet: %s\n", uncoded.c_str());
    std::fprintf(stderr,
                 "  %zu event(s): %zu happened, %zu requested, %zu negated, %zu promised, %zu threatened, "
                 "%zu predicted, %zu hypothetical.\n",
                 total.events_count, total.by_modality[0], total.by_modality[2], total.by_modality[1],
                 total.by_modality[3], total.by_modality[4], total.by_modality[5], total.by_modality[6]);
    std::string cats;
    std::vector<std::pair<size_t, size_t>> order;
    for (size_t i = 0; i < total.by_type.size(); ++i)
      if (total.by_type[i]) order.emplace_back(total.by_type[i], i);
    std::sort(order.rbegin(), order.rend());
    for (const auto& [n, i] : order)
      cats +=
          (cats.empty() ? "" : ", ") + std::string(EventTypeName(static_cast<EventType>(i))) + " " + std::to_string(n);
    if (!cats.empty()) std::fprintf(stderr, "  by category: %s\n", cats.c_str());
    if (total.dead)
      std::fprintf(stderr, "  deaths stated in events that happened: %zu (highest figure per event)\n", total.dead);
    if (!args.output.empty()) std::fprintf(stderr, "  events written to %s\n", args.output.c_str());
    if (!args.docs.empty()) std::fprintf(stderr, "  document records written to %s\n", args.docs.c_str());
    if (store)
      std::fprintf(stderr, "  stored in %s (%.*s)%s\n", args.db.c_str(), static_cast<int>(store->backend().size()),
                   store->backend().data(),
                   skipped ? (", " + std::to_string(skipped.load()) + " document(s) already there skipped").c_str() : "");
    if (args.stories || store) std::fprintf(stderr, "  stories: %zu\n", stories.stories().size());
  }
#if !defined(__SANITIZE_ADDRESS__)
  // The model, some hundred thousand small heap objects, is left to the operating system at exit: freeing
  // them one by one costs milliseconds per run for nothing. (Sanitizer builds free it, so that their leak
  // check sees everything else.)
  new std::shared_ptr<const Model>(*model);
#endif
  return total.failed || total.warned ? kExitSomeFailed : kExitOk;
}

}  // namespace tocsin::cli
