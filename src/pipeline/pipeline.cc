#include "tocsin/pipeline.h"

#include <algorithm>
#include <set>

#include "lexicon/model_data.h"
#include "pipeline/registry.h"
#include "pipeline/scratch.h"

namespace tocsin {

Result<std::shared_ptr<const Pipeline>> Pipeline::Create(std::shared_ptr<const Model> model, PipelineOptions options) {
  if (!model) return Status::InvalidArgument("Pipeline::Create needs a model");
  std::shared_ptr<Pipeline> p(new Pipeline());
  p->model_ = std::move(model);
  p->options_ = std::move(options);
  std::set<std::string_view> provided;
  for (const std::string& name : p->options_.components) {
    if (std::find(p->options_.disabled.begin(), p->options_.disabled.end(), name) != p->options_.disabled.end())
      continue;
    std::unique_ptr<Component> c = internal::MakeComponent(name);
    if (!c) {
      std::string known;
      for (const auto& n : RegisteredComponents()) known += (known.empty() ? "" : ", ") + n;
      return Status::InvalidArgument("unknown pipeline component `" + name + "` (known: " + known + ")");
    }
    for (std::string_view need : c->needs())
      if (!provided.count(need))
        return Status::InvalidArgument("component `" + name + "` needs `" + std::string(need) +
                                       "`, which no earlier component provides: put it later or enable the "
                                       "component that provides it");
    for (std::string_view give : c->provides()) provided.insert(give);
    p->components_.push_back(std::move(c));
  }
  return std::shared_ptr<const Pipeline>(std::move(p));
}

std::vector<std::string> Pipeline::component_names() const {
  std::vector<std::string> out;
  for (const auto& c : components_) out.emplace_back(c->name());
  return out;
}

std::vector<std::string> Pipeline::RegisteredComponents() { return internal::RegisteredComponentNames(); }

Worker Pipeline::NewWorker() const { return Worker(this); }

Worker::Worker(const Pipeline* p) : pipeline_(p), scratch_(std::make_unique<Scratch>()) {
  scratch_->model = &p->model().data();
  scratch_->options = &p->options();
}
Worker::Worker(Worker&&) noexcept = default;
Worker& Worker::operator=(Worker&&) noexcept = default;
Worker::~Worker() = default;

Status Worker::Code(const Input& input, Doc* doc) {
  // A fresh document that keeps the last one's large buffers: its text, folded forms, tokens, sentences and
  // mentions would otherwise be reallocated and regrown for every document. They are emptied here and
  // every other field starts anew, so nothing of one document can reach the next.
  std::string text = std::move(doc->text), folded = std::move(doc->folded);
  std::vector<Token> tokens = std::move(doc->tokens);
  std::vector<Sentence> sentences = std::move(doc->sentences);
  std::vector<Mention> mentions = std::move(doc->mentions);
  *doc = Doc();
  text.clear();
  folded.clear();
  tokens.clear();
  sentences.clear();
  mentions.clear();
  doc->text = std::move(text);
  doc->folded = std::move(folded);
  doc->tokens = std::move(tokens);
  doc->sentences = std::move(sentences);
  doc->mentions = std::move(mentions);
  doc->input = input;
  doc->errors = input.problems;
  scratch_->Clear();
  for (const auto& c : pipeline_->components_) {
    Status s = c->Process(*doc, *scratch_);
    if (!s.ok()) {
      Status named = s.WithContext(input.origin.empty() ? input.id : input.origin + " (id " + input.id + ")");
      doc->errors.push_back(named.message());
      return named;
    }
  }
  doc->input.text.clear();  // the coded text is in doc->text; do not keep two copies
  doc->input.text.shrink_to_fit();
  return Status::Ok();
}

}  // namespace tocsin
