#include "pipeline/registry.h"

namespace tocsin::internal {
namespace {

struct Registered {
  const char* name;
  std::unique_ptr<Component> (*make)();
};

// Pipeline order is configuration (PipelineOptions::components); this table only names the parts.
constexpr Registered kComponents[] = {
    {"clean", MakeCleanComponent},   {"language", MakeLanguageComponent}, {"segment", MakeSegmentComponent},
    {"match", MakeMatchComponent},   {"entities", MakeEntitiesComponent}, {"events", MakeEventsComponent},
    {"attach", MakeAttachComponent}, {"merge", MakeMergeComponent},
};

}  // namespace

std::unique_ptr<Component> MakeComponent(const std::string& name) {
  for (const Registered& r : kComponents)
    if (name == r.name) return r.make();
  return nullptr;
}

std::vector<std::string> RegisteredComponentNames() {
  std::vector<std::string> out;
  for (const Registered& r : kComponents) out.emplace_back(r.name);
  return out;
}

}  // namespace tocsin::internal
