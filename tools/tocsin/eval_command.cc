#include <iostream>

#include "commands.h"
#include "eval/score.h"
#include "tocsin/model.h"

namespace tocsin::cli {

int Eval(const std::string& gold, const std::string& system, bool as_json) {
  auto score = eval::ScoreFiles(gold, system);
  if (!score.ok()) {
    std::cerr << "tocsin eval: " << score.status().message() << "\n";
    return kExitFatal;
  }
  std::cout << (as_json ? eval::FormatJson(*score) : eval::FormatText(*score));
  return kExitOk;
}

int ModelBuild(const std::string& data_dir, const std::string& out, const ModelBuildOptions& options) {
  ModelBuildReport report;
  Status s = Model::Build(data_dir, out, &report, options);
  if (!s.ok()) {
    std::cerr << "tocsin model build: " << s.message() << "\n";
    return kExitFatal;
  }
  for (const auto& w : report.warnings) std::cerr << "warning: " << w << "\n";
  std::string langs;
  for (const auto& l : report.languages) langs += (langs.empty() ? "" : ", ") + l;
  std::cerr << "wrote " << out << ": " << report.entries << " lexicon entries, " << report.terms << " terms, languages "
            << langs << ", " << report.bytes / 1024 << " KiB"
            << (report.lid_model.empty() ? "" : ", language identification: fastText " + report.lid_model)
            << (report.places ? ", gazetteer: " + std::to_string(report.places) + " places under " +
                                    std::to_string(report.place_names) + " names"
                              : std::string())
            << "\n";
  return kExitOk;
}

}  // namespace tocsin::cli
