// The explicit registry of pipeline components (no static-initialiser tricks).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tocsin/pipeline.h"

namespace tocsin::internal {

std::unique_ptr<Component> MakeComponent(const std::string& name);  // null when unknown
std::vector<std::string> RegisteredComponentNames();

// Factories, one per room.
std::unique_ptr<Component> MakeCleanComponent();     // src/text/components.cc
std::unique_ptr<Component> MakeLanguageComponent();  // src/text/components.cc
std::unique_ptr<Component> MakeSegmentComponent();   // src/text/components.cc
std::unique_ptr<Component> MakeMatchComponent();     // src/lexicon/match_component.cc
std::unique_ptr<Component> MakeEntitiesComponent();  // src/extract/entities.cc
std::unique_ptr<Component> MakeEventsComponent();    // src/extract/events.cc
std::unique_ptr<Component> MakeAttachComponent();    // src/extract/attach.cc
std::unique_ptr<Component> MakeMergeComponent();     // src/resolve/merge.cc

}  // namespace tocsin::internal
