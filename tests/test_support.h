// Shared helpers for the tests: the project's model, a pipeline over it, and coding a text.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tocsin/pipeline.h"

namespace tocsin::testing {

// The model compiled from the project's data/ by the build (loaded once per test binary).
std::shared_ptr<const Model> ProjectModel();

// Codes one text (English unless `lang` says otherwise) with the default pipeline.
Doc CodeText(const std::string& text, const std::string& published = "2024-05-10", const std::string& lang = "en",
             bool explain = false);

// Codes one input record (its url, lang and published as given).
Doc CodeInput(const Input& in, bool explain = false);

// Events of `doc` of the given type.
std::vector<const Event*> EventsOf(const Doc& doc, EventType type);

// Path to ../shared beside the checkout, or empty when it is absent (tests then skip).
std::string SharedDir();

std::string SourceDir();

}  // namespace tocsin::testing
