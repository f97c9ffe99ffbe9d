// The pipeline: named components over one Doc.
//
//   clean → language → segment → match → entities → events → attach → merge
//
// Each component declares what it requires and what it provides; `Pipeline::Create` checks the order
// against those declarations, so a misconfigured list fails at start-up with a message, not with empty
// output later. Components are registered explicitly in one registry (src/pipeline/registry.cc).
//
//   auto model = tocsin::Model::Load(path);                 // once per process
//   auto pipeline = tocsin::Pipeline::Create(*model, {});   // once per process
//   tocsin::Worker worker = pipeline->NewWorker();          // once per thread
//   tocsin::Doc doc;
//   tocsin::Status s = worker.Code(input, &doc);            // per document; doc.events holds the events
//
// Thread safety: a Pipeline is immutable and shared; a Worker belongs to one thread and owns its scratch
// state (stemmers, ICU iterators, buffers), which it reuses from one document to the next.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tocsin/document.h"
#include "tocsin/model.h"
#include "tocsin/status.h"

namespace tocsin {

struct PipelineOptions {
  // Behaviour.
  std::vector<std::string> components = {"clean",    "language", "segment", "match",
                                         "entities", "events",   "attach",  "merge"};
  std::vector<std::string> disabled = {};  // names to switch off (their dependants must be off too)
  std::string default_lang = "en";         // when detection is unsure and the input gives none
  bool explain = false;                    // fill Event::explain with the rules behind each event
  bool emit_non_asserted = true;           // keep requested/negated/... events (they are labelled)
  bool remove_furniture = true;            // drop page furniture from plain text too (HTML always)
  bool list_places = true;                 // fill Doc::places with every place named (document records);
                                           // events get their place either way

  // Limits: a document over a limit is refused with kTooLarge, naming the limit and the option.
  size_t max_document_bytes = 16u << 20;  // 16 MiB of text per document
  size_t max_sentence_tokens = 400;       // longer "sentences" (tables, lists) are split
};

struct Scratch;  // per-worker reusable state (src/pipeline/scratch.h)

// One stage. Implementations live in src/<room>/ and are registered in src/pipeline/registry.cc.
class Component {
 public:
  virtual ~Component() = default;
  virtual std::string_view name() const = 0;
  virtual std::vector<std::string_view> needs() const = 0;     // facts required ("sentences", ...)
  virtual std::vector<std::string_view> provides() const = 0;  // facts added
  // Processes one document. An error fails this document only.
  virtual Status Process(Doc& doc, Scratch& scratch) const = 0;
};

class Pipeline;

class Worker {
 public:
  // Codes one input into `doc` (cleared first). On error the doc holds what was done so far and
  // `doc->errors` the message; other documents are unaffected.
  Status Code(const Input& input, Doc* doc);
  Worker(Worker&&) noexcept;
  Worker& operator=(Worker&&) noexcept;
  ~Worker();

 private:
  friend class Pipeline;
  Worker(const Pipeline* p);
  const Pipeline* pipeline_;
  std::unique_ptr<Scratch> scratch_;
};

class Pipeline {
 public:
  static Result<std::shared_ptr<const Pipeline>> Create(std::shared_ptr<const Model> model, PipelineOptions options);
  Worker NewWorker() const;
  const PipelineOptions& options() const { return options_; }
  const Model& model() const { return *model_; }
  // The names of the active components, in order.
  std::vector<std::string> component_names() const;

  // Every registered component name, for --help and error messages.
  static std::vector<std::string> RegisteredComponents();

 private:
  friend class Worker;
  Pipeline() = default;
  std::shared_ptr<const Model> model_;
  PipelineOptions options_;
  std::vector<std::unique_ptr<Component>> components_;
};

}  // namespace tocsin
