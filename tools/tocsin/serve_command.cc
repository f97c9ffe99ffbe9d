// `tocsin serve`: the HTTP JSON API over a store and the offline dashboard (doc/api.md).
//
// Read-only unless started with --ingest. Every query goes through Store (bound parameters only), each
// request on a connection of its own from a small pool (a SQLite connection is one thread's), with a time
// limit. Whatever a client sends gives 2xx or 4xx; a 5xx would be a bug in here, or a store that failed.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "commands.h"
#include "ingest/reader.h"
#include "tocsin/pipeline.h"
#include "tocsin/store.h"

namespace tocsin::cli {
namespace {

using nlohmann::json;

namespace config {
constexpr int64_t kMaxApiPage = 500;               // doc/api.md: limit is 1..500
constexpr size_t kMaxBody = 32u << 20;             // POST /api/documents
constexpr size_t kMaxParamBytes = 1000;
}  // namespace config

// Read-only stores, one per request in flight; opened on demand and kept.
class StorePool {
 public:
  StorePool(std::string url, StoreOptions options) : url_(std::move(url)), options_(options) {}
  Result<std::unique_ptr<Store>> Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return Store::Open(url_, options_);
  }
  void Give(std::unique_ptr<Store> s) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(s));
  }

 private:
  std::string url_;
  StoreOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Store>> free_;
};

// An answer that is not 200, thrown nowhere: handlers return it.
struct HttpError {
  int status = 400;
  std::string message, parameter;
};

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json; charset=utf-8");
}

void ReplyError(httplib::Response& res, const HttpError& e) {
  json body = {{"error", e.message}};
  if (!e.parameter.empty()) body["parameter"] = e.parameter;
  Reply(res, e.status, body);
}

// The HTTP status for a store's failure: its own validation says 400, a timeout 503, absence 404.
HttpError FromStatus(const Status& st) {
  if (IsQueryTimeout(st)) return {503, "query took too long", ""};
  if (st.code() == Status::Code::kNotFound) return {404, st.message(), ""};
  if (st.code() == Status::Code::kInvalidArgument) {
    // ValidateFilter's messages start with the parameter's name: "category: ...".
    const size_t colon = st.message().find(':');
    return {400, st.message(), colon == std::string::npos ? "" : st.message().substr(0, colon)};
  }
  return {500, "the store failed: " + st.message(), ""};
}

// Parameters each endpoint accepts; anything else is a 400 (a typo would otherwise silently widen a query).
const std::vector<std::string> kFilterParams = {"from", "to", "country", "admin1", "category", "mode",
                                                "modality", "actor", "text", "story", "doc"};

std::optional<HttpError> CheckParams(const httplib::Request& req, std::vector<std::string> allowed) {
  for (const auto& [k, v] : req.params) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      return HttpError{400, "unknown parameter `" + k.substr(0, 64) + "`", k.substr(0, 64)};
    if (v.size() > config::kMaxParamBytes) return HttpError{400, "parameter too long", k};
  }
  return std::nullopt;
}

std::vector<std::string> Values(const httplib::Request& req, const std::string& key) {
  std::vector<std::string> out;
  auto range = req.params.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view v = it->second;
    while (!v.empty()) {
      const size_t comma = v.find(',');
      std::string_view part = v.substr(0, comma);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      if (!part.empty()) out.emplace_back(part);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

std::string One(const httplib::Request& req, const std::string& key) {
  return req.has_param(key) ? req.get_param_value(key) : std::string();
}

EventFilter FilterOf(const httplib::Request& req) {
  EventFilter f;
  f.from = One(req, "from");
  f.to = One(req, "to");
  f.countries = Values(req, "country");
  for (std::string& c : f.countries)
    for (char& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  f.admin1 = One(req, "admin1");
  f.categories = Values(req, "category");
  f.mode = One(req, "mode");
  f.modalities = Values(req, "modality");
  f.actor = One(req, "actor");
  f.text = One(req, "text");
  f.story = One(req, "story");
  f.doc = One(req, "doc");
  return f;
}

std::optional<HttpError> PageOf(const httplib::Request& req, PageRequest* page) {
  for (const auto& [name, field, lo, hi] :
       {std::tuple{"limit", &page->limit, int64_t{1}, config::kMaxApiPage},
        std::tuple{"offset", &page->offset, int64_t{0}, int64_t{1'000'000'000}}}) {
    if (!req.has_param(name)) continue;
    const std::string v = req.get_param_value(name);
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < lo || n > hi)
      return HttpError{400, std::string(name) + ": must be a whole number from " + std::to_string(lo) + " to " +
                                std::to_string(hi),
                       name};
    *field = n;
  }
  return std::nullopt;
}

json Records(const std::vector<std::string>& records) {
  json out = json::array();
  for (const std::string& r : records) out.push_back(json::parse(r, nullptr, false));
  return out;
}

json PageJson(const char* key, const Page& p, const PageRequest& req) {
  // Beyond a total that is only a lower bound, a full page means there may be more.
  const int64_t end = req.offset + static_cast<int64_t>(p.records.size());
  const bool more = end < p.total || (!p.total_exact && static_cast<int64_t>(p.records.size()) == req.limit);
  json next = more ? json(end) : json();
  return {{key, Records(p.records)}, {"limit", req.limit},         {"offset", req.offset},
          {"total", p.total},        {"total_exact", p.total_exact}, {"next", next}};
}

bool Utf8Boundary(std::string_view s, size_t at) {
  return at == 0 || at >= s.size() || (static_cast<unsigned char>(s[at]) & 0xC0) != 0x80;
}

// The evidence sentence cut into pieces by what each stretch is: trigger, source, target, place, date or
// count. Spans come from the record (document byte offsets); dates and counts, which carry only their words,
// are found in the sentence. Earlier roles win where spans overlap.
json Segments(const json& e) {
  const json sentence = e.value("sentence", json::object());
  const std::string text = StringField(sentence, "text");
  int64_t base = 0;
  if (sentence.contains("span") && sentence["span"].is_array() && !sentence["span"].empty() &&
      sentence["span"][0].is_number_integer())
    base = sentence["span"][0].get<int64_t>();
  std::vector<int> role(text.size(), -1);
  static const char* const kRoles[] = {"trigger", "source", "target", "place", "date", "count"};
  auto mark = [&](int64_t b, int64_t end, int r) {
    b -= base;
    end -= base;
    if (b < 0 || end > static_cast<int64_t>(text.size()) || b >= end) return;
    if (!Utf8Boundary(text, static_cast<size_t>(b)) || !Utf8Boundary(text, static_cast<size_t>(end))) return;
    for (int64_t i = b; i < end; ++i)
      if (role[static_cast<size_t>(i)] < 0) role[static_cast<size_t>(i)] = r;
  };
  auto mark_span = [&](const json& obj, int r) {
    if (!obj.is_object() || !obj.contains("span")) return;
    const json& sp = obj["span"];
    if (sp.is_array() && sp.size() == 2 && sp[0].is_number_integer() && sp[1].is_number_integer())
      mark(sp[0].get<int64_t>(), sp[1].get<int64_t>(), r);
  };
  auto mark_words = [&](const json& obj, int r) {
    if (!obj.is_object()) return;
    const std::string words = StringField(obj, "text");
    if (words.empty()) return;
    const size_t at = text.find(words);
    if (at != std::string::npos) mark(base + static_cast<int64_t>(at), base + static_cast<int64_t>(at + words.size()), r);
  };
  mark_span(e.value("trigger", json()), 0);
  for (const json& a : e.value("source", json::array())) mark_span(a, 1);
  for (const json& a : e.value("target", json::array())) mark_span(a, 2);
  mark_span(e.value("place", json()), 3);
  mark_words(e.value("date", json()), 4);
  for (const char* c : {"dead", "injured", "arrested", "size"}) mark_words(e.value(c, json()), 5);
  json out = json::array();
  size_t start = 0;
  for (size_t i = 1; i <= text.size(); ++i)
    if (i == text.size() || role[i] != role[start]) {
      out.push_back({{"text", text.substr(start, i - start)},
                     {"role", role[start] < 0 ? json() : json(kRoles[role[start]])}});
      start = i;
    }
  return out;
}

json DocumentSummary(Store& store, const std::string& id) {
  EventFilter f;
  f.doc = id;
  auto page = store.Documents(f, {1, 0});
  if (page.ok() && !page->records.empty()) return json::parse(page->records[0], nullptr, false);
  return json{{"id", id}};
}

std::string FindWebDir(const std::string& given, const std::string& exe_dir) {
  if (!given.empty()) return given;
  for (const std::string& d : {exe_dir + "/web", exe_dir + "/../share/tocsin/web"})
    if (std::filesystem::exists(d + "/index.html")) return d;
  return {};
}

httplib::Server* g_server = nullptr;
void StopOnSignal(int) {
  if (g_server) g_server->stop();
}

}  // namespace

int Serve(const ServeArgs& args, const std::string& exe_dir) {
  StoreOptions read;
  read.read_only = true;
  read.query_timeout = std::chrono::milliseconds(args.query_timeout_ms);
  // A writable store when ingesting (created and migrated here), and the first read-only one now, so that a
  // bad --db fails before listening.
  std::unique_ptr<Store> writer;
  std::shared_ptr<const Pipeline> pipeline;
  std::unique_ptr<Worker> worker;
  std::unique_ptr<StoryIndex> stories;
  if (args.ingest) {
    auto w = Store::Open(args.db);
    if (!w.ok()) {
      std::cerr << "tocsin serve: " << w.status().message() << "\n";
      return kExitFatal;
    }
    writer = std::move(w).value();
    auto model = FindModel(args.model, args.data, exe_dir);
    if (!model.ok()) {
      std::cerr << "tocsin serve: " << model.status().message() << "\n";
      return kExitFatal;
    }
    PipelineOptions opts;
    opts.list_places = true;
    auto p = Pipeline::Create(*model, opts);
    if (!p.ok()) {
      std::cerr << "tocsin serve: " << p.status().message() << "\n";
      return kExitFatal;
    }
    pipeline = std::shared_ptr<const Pipeline>(std::move(p).value());
    worker = std::make_unique<Worker>(pipeline->NewWorker());
    auto loaded = writer->LoadStories();
    if (!loaded.ok()) {
      std::cerr << "tocsin serve: " << loaded.status().message() << "\n";
      return kExitFatal;
    }
    stories = std::make_unique<StoryIndex>(std::move(loaded).value());
  }
  StorePool pool(args.db, read);
  {
    auto first = pool.Take();
    if (!first.ok()) {
      std::cerr << "tocsin serve: " << first.status().message() << "\n";
      return kExitFatal;
    }
    pool.Give(std::move(first).value());
  }

  httplib::Server server;
  const int threads = std::max(1, args.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(config::kMaxBody);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);

  // Runs `body` with a pooled store; maps failures to their HTTP status.
  auto with_store = [&pool](httplib::Response& res, const std::function<std::optional<HttpError>(Store&)>& body) {
    auto s = pool.Take();
    if (!s.ok()) return ReplyError(res, {503, "the store cannot be opened: " + s.status().message(), ""});
    std::optional<HttpError> err;
    try {
      err = body(**s);
    } catch (const std::exception& e) {
      err = HttpError{500, std::string("internal error: ") + e.what(), ""};
    }
    pool.Give(std::move(s).value());
    if (err) ReplyError(res, *err);
  };

  server.Get("/api/health", [&](const httplib::Request& req, httplib::Response& res) {
    if (auto e = CheckParams(req, {})) return ReplyError(res, *e);
    with_store(res, [&](Store& store) -> std::optional<HttpError> {
      auto c = store.Counts();
      if (!c.ok()) return FromStatus(c.status());
      Reply(res, 200,
            {{"status", "ok"}, {"schema_version", store.schema_version()}, {"documents", c->documents},
             {"events", c->events}, {"stories", c->stories}, {"read_only", !args.ingest},
             {"backend", std::string(store.backend())}});
      return std::nullopt;
    });
  });

  // The paged lists: their parameters, a page, and the store's method for them.
  auto serve_list = [&](const char* path, const char* key, std::vector<std::string> allowed,
                        Result<Page> (Store::*list)(const EventFilter&, PageRequest)) {
    allowed.insert(allowed.end(), {"limit", "offset"});
    server.Get(path, [&with_store, key, allowed, list](const httplib::Request& req, httplib::Response& res) {
      if (auto e = CheckParams(req, allowed)) return ReplyError(res, *e);
      PageRequest page;
      if (auto e = PageOf(req, &page)) return ReplyError(res, *e);
      const EventFilter f = FilterOf(req);
      with_store(res, [&](Store& store) -> std::optional<HttpError> {
        auto p = (store.*list)(f, page);
        if (!p.ok()) return FromStatus(p.status());
        Reply(res, 200, PageJson(key, *p, page));
        return std::nullopt;
      });
    });
  };
  serve_list("/api/events", "events", kFilterParams, &Store::Events);
  serve_list("/api/documents", "documents", kFilterParams, &Store::Documents);
  serve_list("/api/stories", "stories", {"from", "to", "country"}, &Store::Stories);

  server.Get(R"(/api/events/(.+))", [&](const httplib::Request& req, httplib::Response& res) {
    if (auto e = CheckParams(req, {})) return ReplyError(res, *e);
    const std::string id = req.matches[1];
    with_store(res, [&](Store& store) -> std::optional<HttpError> {
      auto r = store.EventRecord(id);
      if (!r.ok()) return FromStatus(r.status());
      const json e = json::parse(*r, nullptr, false);
      if (e.is_discarded()) return HttpError{500, "a stored event record is not JSON", ""};
      Reply(res, 200,
            {{"event", e},
             {"document", DocumentSummary(store, StringField(e, "doc"))},
             {"evidence",
              {{"sentence", StringField(e.value("sentence", json::object()), "text")}, {"segments", Segments(e)}}}});
      return std::nullopt;
    });
  });

  server.Get("/api/aggregate", [&](const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> allowed = kFilterParams;
    allowed.insert(allowed.end(), {"by", "split"});
    if (auto e = CheckParams(req, allowed)) return ReplyError(res, *e);
    const std::string by = req.has_param("by") ? req.get_param_value("by") : "day";
    const std::string split = One(req, "split");
    const EventFilter f = FilterOf(req);
    with_store(res, [&](Store& store) -> std::optional<HttpError> {
      auto rows = store.Aggregate(f, by, split);
      if (!rows.ok()) return FromStatus(rows.status());
      json out = json::array();
      for (const AggregateRow& r : *rows) {
        json row = {{"key", r.key}, {"events", r.events}, {"dead", r.dead}, {"injured", r.injured},
                    {"arrested", r.arrested}};
        if (!split.empty()) row["split"] = r.split;
        out.push_back(std::move(row));
      }
      Reply(res, 200, {{"by", by}, {"split", split.empty() ? json() : json(split)}, {"rows", out}});
      return std::nullopt;
    });
  });

  server.Get(R"(/api/documents/(.+))", [&](const httplib::Request& req, httplib::Response& res) {
    if (auto e = CheckParams(req, {})) return ReplyError(res, *e);
    const std::string id = req.matches[1];
    with_store(res, [&](Store& store) -> std::optional<HttpError> {
      auto r = store.DocumentRecord(id);
      if (!r.ok()) return FromStatus(r.status());
      EventFilter f;
      f.doc = id;
      auto events = store.Events(f, {kMaxPage, 0});
      if (!events.ok()) return FromStatus(events.status());
      Reply(res, 200, {{"document", json::parse(*r, nullptr, false)}, {"events", Records(events->records)}});
      return std::nullopt;
    });
  });

  server.Get(R"(/api/stories/(.+))", [&](const httplib::Request& req, httplib::Response& res) {
    if (auto e = CheckParams(req, {})) return ReplyError(res, *e);
    const std::string id = req.matches[1];
    with_store(res, [&](Store& store) -> std::optional<HttpError> {
      auto r = store.StoryRecord(id);
      if (!r.ok()) return FromStatus(r.status());
      EventFilter f;
      f.story = id;
      auto events = store.Events(f, {config::kMaxApiPage, 0});
      if (!events.ok()) return FromStatus(events.status());
      auto docs = store.Documents(f, {config::kMaxApiPage, 0});
      if (!docs.ok()) return FromStatus(docs.status());
      Reply(res, 200,
            {{"story", json::parse(*r, nullptr, false)}, {"events", Records(events->records)},
             {"documents", Records(docs->records)}});
      return std::nullopt;
    });
  });

  std::mutex ingest_mu;  // one coder and one writer: ingests are serialised
  server.Post("/api/documents", [&](const httplib::Request& req, httplib::Response& res) {
    if (!args.ingest)
      return ReplyError(res, {405, "this server is read-only; start it with --ingest to accept documents", ""});
    if (auto e = CheckParams(req, {})) return ReplyError(res, *e);
    std::vector<Input> inputs;
    json errors = json::array();
    size_t line_no = 0;
    std::string_view body = req.body;
    // One JSON object (however it is laid out) or an array of them; else JSON Lines.
    const size_t first = body.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (body[first] == '{' || body[first] == '[')) {
      const json whole = json::parse(body, nullptr, false);
      if (!whole.is_discarded()) {
        const json records = whole.is_array() ? whole : json::array({whole});
        for (const json& r : records) {
          ++line_no;
          Input in;
          if (Status st = ingest::InputStream::ParseJsonLine(r.dump(), &in); !st.ok()) {
            errors.push_back("record " + std::to_string(line_no) + ": " + st.message());
            continue;
          }
          in.origin = "POST /api/documents:" + std::to_string(line_no);
          inputs.push_back(std::move(in));
        }
        body = {};
      }
    }
    while (!body.empty()) {
      const size_t nl = body.find('\n');
      std::string line(body.substr(0, nl));
      body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      Input in;
      if (Status st = ingest::InputStream::ParseJsonLine(line, &in); !st.ok()) {
        errors.push_back("record " + std::to_string(line_no) + ": " + st.message());
        continue;
      }
      in.origin = "POST /api/documents:" + std::to_string(line_no);
      inputs.push_back(std::move(in));
    }
    if (inputs.empty()) {
      Reply(res, 400, {{"error", "no input record in the body (FORMAT.md, one JSON object per line)"}, {"errors", errors}});
      return;
    }
    std::lock_guard<std::mutex> lock(ingest_mu);
    size_t events = 0;
    Status st = writer->Begin();
    Doc doc;
    for (const Input& in : inputs) {
      if (!st.ok()) break;
      if (Status coded = worker->Code(in, &doc); !coded.ok()) errors.push_back(in.id + ": " + coded.message());
      st = writer->PutWithStories(&doc, stories.get());
      events += doc.events.size();
    }
    if (st.ok()) st = writer->PutStories(stories.get());
    if (st.ok()) st = writer->Commit();
    if (!st.ok()) {
      writer->Rollback();
      return ReplyError(res, {500, "the store refused the documents: " + st.message(), ""});
    }
    Reply(res, 200, {{"documents", inputs.size()}, {"events", events}, {"errors", errors}});
  });

  // The dashboard: its files, and the libraries it uses under /vendor/.
  const std::string web = FindWebDir(args.web, exe_dir);
  if (web.empty() || !server.set_mount_point("/", web))
    std::cerr << "tocsin serve: no dashboard files found (looked beside the binary for web/index.html); "
                 "serving the API only\n";
  server.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");

  // Answers httplib gives by itself (no such file or endpoint, a URI over 8 kB, a body over the limit) get
  // a JSON error too.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string what = res.status == 404   ? "no such endpoint or file: " + req.path.substr(0, 200)
                       : res.status == 414 ? "the request's URI is longer than 8 kB"
                       : res.status == 413 ? "the request's body is too large"
                       : res.status == 405 ? "method not allowed here"
                                           : "bad request (HTTP " + std::to_string(res.status) + ")";
    ReplyError(res, {res.status, what, ""});
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    ReplyError(res, {500, "internal error", ""});
  });

  const int port = args.port == 0 ? server.bind_to_any_port(args.host) : (server.bind_to_port(args.host, args.port) ? args.port : -1);
  if (port < 0) {
    std::cerr << "tocsin serve: cannot listen on " << args.host << ":" << args.port << " (in use?)\n";
    return kExitFatal;
  }
  const std::string url = "http://" + (args.host.find(':') != std::string::npos ? "[" + args.host + "]" : args.host) +
                          ":" + std::to_string(port) + "/";
  std::cout << "listening on " << url << std::endl;
  std::cerr << "tocsin serve: " << (args.ingest ? "read-write (--ingest)" : "read-only") << " over " << args.db
            << "; Ctrl-C stops\n";
  if (args.open) {
    const std::string cmd = "xdg-open '" + url + "' >/dev/null 2>&1 &";
    if (std::system(cmd.c_str()) != 0) std::cerr << "tocsin serve: could not open a browser; open " << url << "\n";
  }
  g_server = &server;
  std::signal(SIGINT, StopOnSignal);
  std::signal(SIGTERM, StopOnSignal);
  server.listen_after_bind();
  g_server = nullptr;
  return kExitOk;
}

}  // namespace tocsin::cli
