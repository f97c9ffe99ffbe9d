// The tocsin CLI: one sub-command per verb, each a thin adapter over the library.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "tocsin/model.h"
#include "tocsin/store.h"

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
  bool stories = false;            // --stories: cluster events across documents (Event::story)
  std::string stories_file;        // --stories-file: load the stories of earlier runs and save them again
  double story_threshold = 5.0;    // --story-threshold
  std::string db;                  // --db: a store (SQLite file or postgresql:// URL) to write into
  bool resume = false;             // --resume: skip documents the store already holds
};

int Code(const CodeArgs& args, const std::string& exe_dir);

// A record's string field; empty when it is missing, null or not a string (records write unknowns as null).
std::string StringField(const nlohmann::json& j, const char* key);

struct QueryArgs {
  std::string db;
  EventFilter filter;
  std::string format = "jsonl";  // jsonl, acled, gdelt (events); jsonl or csv (counts)
  std::string count_by, split;   // --count-by: aggregate instead of listing
  int64_t limit = 0;             // 0: every matching event
  std::string output;
};
int Query(const QueryArgs& args);

struct ServeArgs {
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8700;
  std::string web;           // the dashboard's files (default: web/ beside the binary, then share/tocsin/web)
  bool ingest = false;       // allow POST /api/documents (codes with the model)
  std::string model, data;   // for --ingest
  int threads = 8;
  int query_timeout_ms = 2000;
  bool open = false;         // open the dashboard in a browser once listening
};
int Serve(const ServeArgs& args, const std::string& exe_dir);

// --data DIR compiles in memory; --model FILE loads; else the default places (Model::DefaultPaths).
Result<std::shared_ptr<const Model>> FindModel(const std::string& model, const std::string& data,
                                               const std::string& exe_dir);

struct LookupArgs {
  std::string name;                  // "Osh", "Otunbayeva"
  std::vector<std::string> context;  // --context KGZ,UZB: countries the text names
  std::string date;                  // --date: the day offices and relative words refer to
  std::string lang;                  // --lang: read the name as this language (default: identified)
  std::string model, data;
  int limit = 10;
};
int Geo(std::shared_ptr<const Model> model, const LookupArgs& args);

struct StoriesArgs {
  std::string input;       // a stories file (--stories-file) or events JSONL
  std::string db;          // or a store (--db)
  double threshold = 5.0;  // when clustering events
  int min_reports = 1;     // list only stories with this many reports
  std::string save;        // write the stories file here
};
int Stories(const StoriesArgs& args);
int Actor(std::shared_ptr<const Model> model, const LookupArgs& args);
int Eval(const std::string& gold, const std::string& system, bool as_json);
int ModelBuild(const std::string& data_dir, const std::string& out, const ModelBuildOptions& options);

}  // namespace tocsin::cli
