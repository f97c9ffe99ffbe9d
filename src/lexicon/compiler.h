// Compiles data/ (doc/lexicon-format.md) into ModelData, and (de)serialises ModelData
// (doc/model-format.md).
#pragma once

#include <memory>
#include <string>

#include "lexicon/model_data.h"
#include "tocsin/model.h"
#include "tocsin/status.h"

namespace tocsin::internal {

// Reads every file of the data directory. A malformed line fails the whole build with a message naming
// the file and line: a model with silently missing entries is worse than no model.
Result<std::unique_ptr<ModelData>> CompileData(const std::string& data_dir, ModelBuildReport* report,
                                               const ModelBuildOptions& options = {});

std::string Serialize(const ModelData& m);
// Takes the file's bytes: the model keeps them, and parses each language's block on first use.
Result<std::unique_ptr<ModelData>> Deserialize(std::string bytes);
// The same over bytes that `keep` keeps alive (a mapping of the file): nothing is copied.
Result<std::unique_ptr<ModelData>> Deserialize(std::string_view bytes, std::shared_ptr<const void> keep);

}  // namespace tocsin::internal
