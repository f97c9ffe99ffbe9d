// The tocsin CLI: one sub-command per verb, each a thin adapter over the library.
#pragma once

#include <string>
#include <vector>

#include "tocsin/model.h"

namespace tocsin::cli {

// Exit codes (documented in --help): 0 all documents coded cleanly; 1 some documents were refused or
// repaired (each named on stderr), the rest were coded; 2 nothing could run (bad options, no model, a
// missing input path).
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;
inline constexpr int kExitFatal = 2;

struct CodeArgs {
  std::vector<std::string> inputs;
  std::string output;  // empty: stdout
  std::string docs;    // --docs FILE
  std::string model;   // --model FILE
  std::string data;    // --data DIR (compile in memory)
  bool explain = false;
  bool summary = false;
  bool asserted_only = false;
  int threads = 1;
  double max_doc_mb = 16;
  std::string lang;  // --lang: force a language
  std::string progress = "auto";
};

int Code(const CodeArgs& args, const std::string& exe_dir);
int Eval(const std::string& gold, const std::string& system, bool as_json);
int ModelBuild(const std::string& data_dir, const std::string& out, const ModelBuildOptions& options);

}  // namespace tocsin::cli
