// The Python module `tocsin._tocsin`: a thin layer over the public API (doc/python.md).
//
// Design note. Python objects are read and written only while the GIL is held; everything between (coding,
// stories, store writes and queries) runs with the GIL released, so Python threads and Dask workers run
// beside it. Events leave C++ as the very JSON that `tocsin code` writes (AppendEventJson), and the Python
// side turns it into dicts with json.loads: the records are equal to the CLI's by construction.
//
// A Model keeps one Pipeline per option set and a pool of idle Workers for each, so that calling
// `model.code(text)` in a loop does not build a worker per call, and `threads=N` leases N of them. Inputs are
// coded in input order whatever the number of threads; a bad input is reported with its index and id and the
// others are coded (style habit 8).
//
// Errors: a Status crosses into Python as an exception whose class follows its code (InvalidArgument is a
// ValueError, NotFound a KeyError, IoError an OSError, ...), all subclasses of tocsin.Error.
#include <dlfcn.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tocsin/document.h"
#include "tocsin/event.h"
#include "tocsin/model.h"
#include "tocsin/pipeline.h"
#include "tocsin/status.h"
#include "tocsin/store.h"
#include "tocsin/story.h"

namespace py = pybind11;

namespace tocsin::python {
namespace {

// ---- Errors ------------------------------------------------------------------------------------------------

// A Status on its way to Python; the translator below raises the exception class of its code.
struct StatusError {
  Status status;
  bool model_missing = false;  // NotFound for a model file: also a FileNotFoundError
};

[[noreturn]] void Throw(const Status& s) { throw StatusError{s}; }

// Exception classes, indexed by Status::Code (created in the module's init, never freed).
PyObject* g_errors[8] = {};
PyObject* g_model_not_found = nullptr;

PyObject* NewError(py::module_& m, const char* name, const char* doc, std::vector<PyObject*> bases) {
  PyObject* tuple = PyTuple_New(static_cast<Py_ssize_t>(bases.size()));
  for (size_t i = 0; i < bases.size(); ++i) {
    Py_INCREF(bases[i]);
    PyTuple_SET_ITEM(tuple, static_cast<Py_ssize_t>(i), bases[i]);
  }
  const std::string qualified = std::string("tocsin.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, tuple, nullptr);
  Py_DECREF(tuple);
  if (cls == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(cls));  // the module takes a reference of its own; g_errors keeps ours
  return cls;
}

void RegisterErrors(py::module_& m) {
  PyObject* base = NewError(m, "Error", "Base class of every error Tocsin raises; the message says what to do.",
                            {PyExc_Exception});
  using C = Status::Code;
  auto at = [](C c) -> PyObject*& { return g_errors[static_cast<size_t>(c)]; };
  at(C::kInvalidArgument) =
      NewError(m, "InvalidArgument", "An unusable argument (bad option, filter or record).", {base, PyExc_ValueError});
  at(C::kNotFound) = NewError(m, "NotFound", "A missing event, document, story, file or model.", {base, PyExc_KeyError});
  at(C::kCorrupt) = NewError(m, "Corrupt", "A file or store whose content is damaged.", {base});
  at(C::kTooLarge) = NewError(m, "TooLarge", "An input over a configured limit.", {base, PyExc_ValueError});
  at(C::kIoError) = NewError(m, "IoError", "The operating system or the database refused.", {base, PyExc_OSError});
  at(C::kUnsupported) = NewError(m, "Unsupported", "Valid, but not something this build can do.", {base});
  at(C::kInternal) = NewError(m, "Internal", "A bug in Tocsin: please report it.", {base, PyExc_RuntimeError});
  at(C::kOk) = base;
  g_model_not_found = NewError(m, "ModelNotFound", "No model file where one was looked for.",
                               {PyExc_FileNotFoundError, at(C::kNotFound)});
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      PyObject* cls = e.model_missing ? g_model_not_found : g_errors[static_cast<size_t>(e.status.code())];
      PyErr_SetString(cls != nullptr ? cls : PyExc_RuntimeError, e.status.message().c_str());
    }
  });
}

// ---- Python values to C++ ----------------------------------------------------------------------------------

// A str as UTF-8. A str holding lone surrogates (text read with errors="surrogateescape") gives back the bytes
// it was read from, invalid UTF-8 included: the clean stage repairs them and says so, as for a file.
std::string Utf8Of(py::handle s) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
  if (data != nullptr) return std::string(data, static_cast<size_t>(size));
  PyErr_Clear();
  PyObject* raw = PyUnicode_AsEncodedString(s.ptr(), "utf-8", "surrogateescape");
  if (raw == nullptr) {
    PyErr_Clear();
    raw = PyUnicode_AsEncodedString(s.ptr(), "utf-8", "replace");
    if (raw == nullptr) throw py::error_already_set();
  }
  std::string out(PyBytes_AS_STRING(raw), static_cast<size_t>(PyBytes_GET_SIZE(raw)));
  Py_DECREF(raw);
  return out;
}

// A record field as the JSONL reader reads it (ingest/reader.cc Field): strings as they are, integers in
// decimal, null as absent, anything else as compact JSON. Bytes are taken as they are (possibly not UTF-8).
std::string FieldOf(py::handle v) {
  if (v.is_none()) return {};
  if (PyUnicode_Check(v.ptr())) return Utf8Of(v);
  if (PyBytes_Check(v.ptr())) return std::string(PyBytes_AS_STRING(v.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(v.ptr())));
  if (PyByteArray_Check(v.ptr()))
    return std::string(PyByteArray_AS_STRING(v.ptr()), static_cast<size_t>(PyByteArray_GET_SIZE(v.ptr())));
  if (PyLong_Check(v.ptr()) && !PyBool_Check(v.ptr())) return py::str(v).cast<std::string>();
  static py::object dumps = py::module_::import("json").attr("dumps");
  return Utf8Of(dumps(v, py::arg("ensure_ascii") = false, py::arg("separators") = py::make_tuple(",", ":")));
}

// One input as given, with the reason it cannot be coded when it cannot.
struct Item {
  Input input;
  Status error;
};

std::string Context(size_t index, const std::string& id) {
  return "item " + std::to_string(index) + (id.empty() ? "" : " (id " + id + ")");
}

Item ItemOf(py::handle obj, size_t index) {
  Item item;
  Input& in = item.input;
  in.origin = "item " + std::to_string(index);
  if (PyUnicode_Check(obj.ptr()) || PyBytes_Check(obj.ptr()) || PyByteArray_Check(obj.ptr())) {
    in.id = std::to_string(index);
    in.text = FieldOf(obj);
  } else if (PyTuple_Check(obj.ptr()) && PyTuple_GET_SIZE(obj.ptr()) == 2) {
    in.id = FieldOf(PyTuple_GET_ITEM(obj.ptr(), 0));
    in.text = FieldOf(PyTuple_GET_ITEM(obj.ptr(), 1));
    if (in.id.empty())
      item.error = Status::InvalidArgument("an (id, text) pair with an empty id: every input needs one");
  } else if (PyDict_Check(obj.ptr())) {
    // The fields of a JSONL input record (FORMAT.md), checked as ingest::InputStream::ParseJsonLine does.
    py::dict d = py::reinterpret_borrow<py::dict>(obj);
    auto get = [&](const char* key) -> std::string {
      PyObject* v = PyDict_GetItemString(d.ptr(), key);  // borrowed
      return v == nullptr ? std::string() : FieldOf(v);
    };
    in.id = get("id");
    in.text = get("text");
    in.published = get("published");
    in.lang = get("lang");
    in.url = get("url");
    in.source = get("source");
    in.title = get("title");
    if (in.id.empty()) {
      item.error = Status::InvalidArgument("record has no `id`: every input record needs one (FORMAT.md)");
    } else if (in.text.empty()) {
      in.text = get("html");
      in.format = "html";
      if (in.text.empty()) item.error = Status::InvalidArgument("record has no `text` (nor `html`)");
    }
  } else {
    item.error = Status::InvalidArgument(std::string("a `") + Py_TYPE(obj.ptr())->tp_name +
                                         "`: expected a str, bytes, an input record dict (FORMAT.md) or an "
                                         "(id, text) pair");
  }
  if (!item.error.ok()) item.error = item.error.WithContext(Context(index, in.id));
  return item;
}

// A str, bytes or dict is one input; anything else is iterated.
std::vector<Item> ItemsOf(py::handle items) {
  std::vector<Item> out;
  if (PyUnicode_Check(items.ptr()) || PyBytes_Check(items.ptr()) || PyByteArray_Check(items.ptr()) ||
      PyDict_Check(items.ptr())) {
    out.push_back(ItemOf(items, 0));
    return out;
  }
  if (PyList_Check(items.ptr()) || PyTuple_Check(items.ptr())) out.reserve(static_cast<size_t>(py::len(items)));
  for (py::handle obj : py::iter(items)) out.push_back(ItemOf(obj, out.size()));
  return out;
}

// Filter keywords (those of `tocsin query` and the API), values a str ("KGZ,UZB") or an iterable of str.
const char* const kFilterNames =
    "from, to, country, admin1, category, mode, modality, actor, text, story, doc";

std::vector<std::string> ListOf(py::handle v) {
  std::vector<std::string> out;
  auto add = [&](std::string s) {
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      if (comma == std::string::npos) comma = s.size();
      std::string part = s.substr(start, comma - start);
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      if (!part.empty()) out.push_back(part);
      start = comma + 1;
    }
  };
  if (v.is_none()) return out;
  if (PyUnicode_Check(v.ptr())) {
    add(Utf8Of(v));
  } else {
    for (py::handle x : py::iter(v)) {
      if (!PyUnicode_Check(x.ptr()))
        Throw(Status::InvalidArgument("filter values must be strings, not `" + std::string(Py_TYPE(x.ptr())->tp_name) + "`"));
      add(Utf8Of(x));
    }
  }
  return out;
}

std::string OneOf(const std::string& key, py::handle v) {
  if (v.is_none()) return {};
  if (!PyUnicode_Check(v.ptr()))
    Throw(Status::InvalidArgument("filter `" + key + "` must be a string, not `" + Py_TYPE(v.ptr())->tp_name + "`"));
  return Utf8Of(v);
}

EventFilter FilterOf(const py::dict& filters) {
  EventFilter f;
  for (auto [k, v] : filters) {
    std::string key = py::str(k);
    if (key == "from" || key == "from_") {
      f.from = OneOf(key, v);
    } else if (key == "to") {
      f.to = OneOf(key, v);
    } else if (key == "country" || key == "countries") {
      f.countries = ListOf(v);
      for (std::string& c : f.countries)
        for (char& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    } else if (key == "admin1") {
      f.admin1 = OneOf(key, v);
    } else if (key == "category" || key == "categories") {
      f.categories = ListOf(v);
    } else if (key == "mode") {
      f.mode = OneOf(key, v);
    } else if (key == "modality" || key == "modalities") {
      f.modalities = ListOf(v);
    } else if (key == "actor") {
      f.actor = OneOf(key, v);
    } else if (key == "text") {
      f.text = OneOf(key, v);
    } else if (key == "story") {
      f.story = OneOf(key, v);
    } else if (key == "doc") {
      f.doc = OneOf(key, v);
    } else {
      Throw(Status::InvalidArgument("unknown filter `" + key + "`: the filters are " + kFilterNames));
    }
  }
  if (Status s = ValidateFilter(f); !s.ok()) Throw(s);
  return f;
}

// ---- Model -------------------------------------------------------------------------------------------------

// The directory this module was loaded from (<build>/python/tocsin in the build tree).
std::string ModuleDir() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&ModuleDir), &info) == 0 || info.dli_fname == nullptr) return ".";
  return std::filesystem::path(info.dli_fname).parent_path().string();
}

// Where Model() looks: $TOCSIN_MODEL, the paths of Model::DefaultPaths relative to the module (the build
// tree's tocsin.model is two directories up), then the model of the build that compiled the module.
std::vector<std::string> DefaultModelPaths() {
  std::vector<std::string> paths = Model::DefaultPaths(ModuleDir());
#ifdef TOCSIN_BUILD_MODEL_PATH
  paths.push_back(TOCSIN_BUILD_MODEL_PATH);
#endif
  return paths;
}

// One pipeline (an option set) with its idle workers.
struct PipelinePool {
  std::shared_ptr<const Pipeline> pipeline;
  std::mutex mu;
  std::vector<std::unique_ptr<Worker>> idle;
};

// A worker taken from a pool for the length of one call, returned when done.
class WorkerLease {
 public:
  explicit WorkerLease(PipelinePool* pool) : pool_(pool) {
    {
      std::lock_guard<std::mutex> lock(pool_->mu);
      if (!pool_->idle.empty()) {
        worker_ = std::move(pool_->idle.back());
        pool_->idle.pop_back();
      }
    }
    if (!worker_) worker_ = std::make_unique<Worker>(pool_->pipeline->NewWorker());
  }
  ~WorkerLease() {
    std::lock_guard<std::mutex> lock(pool_->mu);
    pool_->idle.push_back(std::move(worker_));
  }
  WorkerLease(const WorkerLease&) = delete;
  WorkerLease& operator=(const WorkerLease&) = delete;
  Worker& operator*() { return *worker_; }

 private:
  PipelinePool* pool_;
  std::unique_ptr<Worker> worker_;
};

struct CodeOptions {
  bool explain = false;
  bool asserted_only = false;
  bool list_places = false;
  size_t threads = 1;
};

// What coding one input gave.
struct Coded {
  std::vector<Event> events;
  std::vector<std::string> sentences;  // the sentence text of each event, which its record repeats
  std::vector<std::string> errors;
  bool refused = false;  // not coded at all (the errors say why)
  std::string lang;
  std::vector<std::string> notes;
  // For stories and the store, done afterwards in input order: the document itself (without its tokens).
  std::optional<Doc> doc;
};

class PyModel {
 public:
  explicit PyModel(const std::optional<std::string>& path) {
    if (path) {
      path_ = *path;
    } else {
      std::string tried;
      for (const std::string& p : DefaultModelPaths()) {
        if (std::ifstream(p)) {
          path_ = p;
          break;
        }
        tried += "\n  " + p;
      }
      if (path_.empty())
        throw StatusError{Status::NotFound("no model file found; looked at:" + tried +
                                           "\nbuild one with `tocsin model build data/ -o tocsin.model`, set "
                                           "$TOCSIN_MODEL, or pass the path: tocsin.Model(path)"),
                          true};
    }
    Result<std::shared_ptr<const Model>> loaded = [&] {
      py::gil_scoped_release nogil;
      return Model::Load(path_);
    }();
    if (!loaded.ok()) throw StatusError{loaded.status(), loaded.status().code() == Status::Code::kNotFound};
    model_ = std::move(loaded).value();
  }

  const std::string& path() const { return path_; }
  std::vector<std::string> languages() const { return model_->languages(); }
  uint32_t format_version() const { return model_->format_version(); }

  // Codes every input in order; called without the GIL. `keep_docs`: keep each Doc for stories or the store.
  std::vector<Coded> Code(std::vector<Item>& items, const CodeOptions& options, bool keep_docs) {
    std::vector<Coded> out(items.size());
    CodeInto(items, options, keep_docs, &out, nullptr);
    return out;
  }

  // Codes items[i] into (*out)[i] (sized by the caller) on options.threads workers, calling `done(i)`, when
  // given, as each is finished (in input order with one thread). Called without the GIL.
  void CodeInto(std::vector<Item>& items, const CodeOptions& options, bool keep_docs, std::vector<Coded>* out,
                const std::function<void(size_t)>& done) {
    PipelinePool* pool = PoolFor(options);
    const size_t threads = std::max<size_t>(1, std::min(options.threads, items.size()));
    std::atomic<size_t> next{0};
    auto run = [&] {
      WorkerLease worker(pool);
      Doc doc;
      for (size_t i = next++; i < items.size(); i = next++) {
        CodeOne(*worker, items[i], i, keep_docs, &doc, &(*out)[i]);
        if (done) done(i);
      }
    };
    if (threads == 1) {
      run();
    } else {
      std::vector<std::thread> pool_threads;
      for (size_t t = 0; t < threads; ++t) pool_threads.emplace_back(run);
      for (std::thread& t : pool_threads) t.join();
    }
  }

 private:
  // Mirrors tools/tocsin/code_command.cc CodeBatch for one input.
  static void CodeOne(Worker& worker, Item& item, size_t index, bool keep_docs, Doc* doc,
                      Coded* out) {
    const Input& in = item.input;
    if (!item.error.ok()) {
      out->refused = true;
      out->errors.push_back(item.error.message());
      if (keep_docs && !in.id.empty()) {  // the store keeps a refused record too, with its error
        Doc refused;
        refused.input = in;
        refused.input.text.clear();
        refused.errors.push_back(item.error.message());
        out->doc = std::move(refused);
      }
      return;
    }
    Status st = worker.Code(in, doc);
    if (!st.ok()) {
      out->refused = true;
      out->errors.push_back(st.WithContext(Context(index, in.id)).message());
    } else {
      for (const std::string& w : doc->errors) out->errors.push_back(Context(index, in.id) + ": " + w);
    }
    out->lang = doc->lang;
    out->notes = doc->notes;
    if (keep_docs) {
      out->doc = std::move(*doc);
      Doc& kept = *out->doc;
      std::vector<Token>().swap(kept.tokens);
      std::vector<Mention>().swap(kept.mentions);
      std::string().swap(kept.folded);
      kept.input.text.clear();
      *doc = Doc();
      return;
    }
    TakeEvents(doc, out);
  }

 public:
  // Moves the document's events into `out`, with the sentence texts their records repeat.
  static void TakeEvents(Doc* doc, Coded* out) {
    out->sentences.clear();
    for (const Event& e : doc->events) out->sentences.emplace_back(doc->text_of(e.sentence));
    out->events = std::move(doc->events);
    doc->events.clear();
  }

 private:
  PipelinePool* PoolFor(const CodeOptions& o) {
    const int key = (o.explain ? 1 : 0) | (o.asserted_only ? 2 : 0) | (o.list_places ? 4 : 0);
    std::lock_guard<std::mutex> lock(mu_);
    std::unique_ptr<PipelinePool>& pool = pools_[key];
    if (!pool) {
      PipelineOptions popts;
      popts.explain = o.explain;
      popts.emit_non_asserted = !o.asserted_only;
      popts.list_places = o.list_places;
      auto pipeline = Pipeline::Create(model_, popts);
      if (!pipeline.ok()) Throw(pipeline.status());
      pool = std::make_unique<PipelinePool>();
      pool->pipeline = std::move(pipeline).value();
    }
    return pool.get();
  }

  std::string path_;
  std::shared_ptr<const Model> model_;
  std::mutex mu_;
  std::map<int, std::unique_ptr<PipelinePool>> pools_;
};

// ---- Stories -----------------------------------------------------------------------------------------------

// A StoryIndex shared by calls (and Python threads): one call adds to it at a time.
struct PyStories {
  std::mutex mu;
  StoryIndex index;
  explicit PyStories(StoryIndex i) : index(std::move(i)) {}
};

// ---- Store -------------------------------------------------------------------------------------------------

class PyStore {
 public:
  PyStore(const std::string& url, bool read_only) : url_(url) {
    StoreOptions options;
    options.read_only = read_only;
    Result<std::unique_ptr<Store>> opened = [&] {
      py::gil_scoped_release nogil;
      return Store::Open(url, options);
    }();
    if (!opened.ok()) Throw(opened.status());
    store_ = std::move(opened).value();
  }

  // Runs `f(store)` without the GIL, one call at a time (a Store is one connection).
  template <typename F>
  auto With(F&& f) {
    py::gil_scoped_release nogil;
    std::lock_guard<std::mutex> lock(mu_);
    if (!store_) Throw(Status::InvalidArgument("the store is closed"));
    return f(*store_);
  }

  void Close() {
    py::gil_scoped_release nogil;
    std::lock_guard<std::mutex> lock(mu_);
    store_.reset();
  }

  // Stores coded documents in one transaction, in input order; with stories, their events get stories from
  // those kept in the store. Fills each Coded::events.
  void Put(std::vector<Coded>& coded, bool stories) {
    With([&](Store& store) {
      // The stories are read from the store at every call, as each `tocsin code --db` run does: an index
      // kept in memory between calls would remember more than the store does (the reports' fingerprints),
      // and re-coding a document would then give other story ids than the CLI gives.
      std::unique_ptr<StoryIndex> index;
      if (stories) {
        auto loaded = store.LoadStories();
        if (!loaded.ok()) Throw(loaded.status());
        index = std::make_unique<StoryIndex>(std::move(loaded).value());
      }
      Status st = store.Begin();
      for (Coded& c : coded) {
        if (!st.ok()) break;
        if (!c.doc) continue;
        st = stories ? store.PutWithStories(&*c.doc, index.get()) : store.Put(*c.doc);
        PyModel::TakeEvents(&*c.doc, &c);
      }
      if (st.ok() && stories) st = store.PutStories(index.get());
      if (st.ok()) st = store.Commit();
      if (!st.ok()) {
        store.Rollback();
        Throw(st.WithContext("the store refused the batch, nothing of it is stored"));
      }
      return 0;
    });
  }

  const std::string& url() const { return url_; }

 private:
  std::string url_;
  std::mutex mu_;
  std::unique_ptr<Store> store_;
};

PageRequest PageOf(int64_t limit, int64_t offset) {
  PageRequest p;
  p.limit = limit;
  p.offset = offset;
  return p;
}

py::tuple PageTuple(const Result<Page>& page) {
  if (!page.ok()) Throw(page.status());
  py::list records;
  for (const std::string& r : page->records) records.append(py::bytes(r));
  return py::make_tuple(records, page->total, page->total_exact);
}

// ---- Event records as Python dicts ------------------------------------------------------------------------

// Takes a finished container out of the cycle collector's lists. The records hold no reference cycles, yet
// tracked, every container of them is walked again by the collections that the next allocations start
// (~100,000 containers for 7,600 events: 25-45 ms, a sixth of model.code, even with the collector paused
// while they were built, which is no longer needed). A dict that is later given a container is tracked
// again by CPython itself; a list is not, so a cycle a caller builds by appending a record into one of its
// own lists would not be collected (doc/python.md says so).
template <typename T>
T Untracked(T o) {
  PyObject_GC_UnTrack(o.ptr());
  return o;
}

// Builds the dict of one FORMAT.md event record, field for field what AppendEventJson (src/core/records.cc)
// writes and json.loads would read back: the same keys in the same order, null as None, numbers formatted
// with "%.6g" and read back (an integral value as an int, as json.loads gives). Building the objects
// directly costs about a third of writing JSON and parsing it again. test_bindings.py checks the equality
// against the CLI and against `_events_json`, the JSON path itself.
class EventObjects {
 public:
  // Interned keys, in the order of kNames.
  enum Key : uint8_t {
    kFormat, kId, kDoc, kLang, kType, kMode, kContext, kModality, kModalityCue, kSource, kTarget, kReportedBy, kPlace, kDate, kDead, kInjured, kArrested, kSize, kTrigger, kSentence, kGroup, kGroupCounts, kStory, kCameo, kAcled, kConfidence, kExplain, kText, kName, kCountry, kSector, kSpan, kVia, kAdmin1, kLat, kLon, kGeonames, kPrecision, kValue, kBasis, kQualifier, kMin, kMax, kIndex, kEventType, kSubEventType, kWhat, kRule,
    kKeyCount
  };

  explicit EventObjects(bool explain) : explain_(explain) {
    static const char* const kNames[] = {
        "format", "id", "doc", "lang", "type", "mode", "context", "modality", "modality_cue", "source", "target",
        "reported_by", "place", "date", "dead", "injured", "arrested", "size", "trigger", "sentence", "group",
        "group_counts", "story", "cameo", "acled", "confidence", "explain", "text", "name", "country", "sector",
        "span", "via", "admin1", "lat", "lon", "geonames", "precision", "value", "basis", "qualifier", "min",
        "max", "index", "event_type", "sub_event_type", "what", "rule"};
    static_assert(sizeof kNames / sizeof kNames[0] == kKeyCount);
    static PyObject* interned[kKeyCount] = {};  // created once, kept for the life of the process
    if (interned[0] == nullptr)
      for (size_t i = 0; i < kKeyCount; ++i) interned[i] = PyUnicode_InternFromString(kNames[i]);
    keys_ = interned;
  }

  py::object Event(const tocsin::Event& e, std::string_view sentence) const {
    py::dict d;
    Set(d, kFormat, Int(1));
    Set(d, kId, Str(e.id));
    Set(d, kDoc, Str(e.doc));
    Set(d, kLang, Code(e.lang));
    Set(d, kType, Code(EventTypeName(e.type)));
    Set(d, kMode, StrOrNone(e.mode));
    py::list context;
    for (const std::string& c : e.context) context.append(Str(c));
    Set(d, kContext, Untracked(std::move(context)));
    Set(d, kModality, Code(ModalityName(e.modality)));
    if (!e.modality_cue.empty()) Set(d, kModalityCue, Str(e.modality_cue));
    Set(d, kSource, Actors(e.source));
    Set(d, kTarget, Actors(e.target));
    Set(d, kReportedBy, e.reported_by ? Actor(*e.reported_by) : py::none());
    Set(d, kPlace, e.place ? Place(*e.place) : py::none());
    if (e.date) {
      py::dict date;
      Set(date, kValue, Str(e.date->value));
      Set(date, kPrecision, Code(e.date->precision));
      Set(date, kText, StrOrNone(e.date->text));
      Set(date, kBasis, Code(e.date->basis));
      Set(d, kDate, date);
    } else {
      Set(d, kDate, py::none());
    }
    Counts(d, e.dead, e.injured, e.arrested, e.size);
    py::dict trigger;
    Set(trigger, kText, Str(e.trigger_text));
    Set(trigger, kSpan, SpanOf(e.trigger));
    Set(d, kTrigger, Untracked(std::move(trigger)));
    py::dict sent;
    Set(sent, kIndex, Int(e.sentence_index));
    Set(sent, kSpan, SpanOf(e.sentence));
    Set(sent, kText, Str(sentence));
    Set(d, kSentence, Untracked(std::move(sent)));
    Set(d, kGroup, Str(e.group));
    if (e.has_group_counts) {
      py::dict counts;
      Counts(counts, e.group_dead, e.group_injured, e.group_arrested, e.group_size);
      Set(d, kGroupCounts, counts);
    }
    if (!e.story.empty()) Set(d, kStory, Str(e.story));
    Set(d, kCameo, StrOrNone(e.cameo));
    if (e.acled_type.empty()) {
      Set(d, kAcled, py::none());
    } else {
      py::dict acled;
      Set(acled, kEventType, Str(e.acled_type));
      Set(acled, kSubEventType, Str(e.acled_subtype));
      Set(d, kAcled, acled);
    }
    Set(d, kConfidence, Number(e.confidence));
    if (explain_) {
      py::list rules;
      for (const Explanation& x : e.explain) {
        py::dict r;
        Set(r, kWhat, Str(x.what));
        Set(r, kRule, Str(x.rule));
        rules.append(std::move(r));
      }
      Set(d, kExplain, Untracked(std::move(rules)));
    }
    return Untracked(std::move(d));
  }

 private:
  void Set(py::dict& d, Key key, const py::handle value) const {
    if (PyDict_SetItem(d.ptr(), keys_[key], value.ptr()) != 0) throw py::error_already_set();
  }
  static py::object Str(std::string_view s) {
    PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
    if (o == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
  }
  static py::object StrOrNone(const std::string& s) { return s.empty() ? py::none() : Str(s); }
  // Short codes (languages, categories, modalities, countries, sectors, precisions) come back in every
  // event: one shared str each rather than one decoded per use. Called with the GIL held; the strs are kept
  // for the life of the process, at most 4,096 of them and none longer than 12 bytes.
  static py::object Code(std::string_view s) {
    static auto* cache = new std::unordered_map<std::string, PyObject*>();
    if (s.size() > 12) return Str(s);
    const std::string key(s);  // short: no allocation
    if (auto it = cache->find(key); it != cache->end()) return py::reinterpret_borrow<py::object>(it->second);
    py::object o = Str(s);
    if (cache->size() < 4096) cache->emplace(key, o.inc_ref().ptr());
    return o;
  }
  static py::object CodeOrNone(const std::string& s) { return s.empty() ? py::none() : Code(s); }
  static py::object Int(int64_t v) { return py::int_(v); }
  // json::AppendNumber: "%.6g" (std::to_chars is defined as printf with the same precision, at a fraction
  // of snprintf's cost), null when not finite; then read back as json.loads reads it.
  static py::object Number(double v) {
    if (!std::isfinite(v)) return py::none();
    char buf[32];
    const char* end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6).ptr;
    if (std::find_if(static_cast<const char*>(buf), end, [](char c) { return c == '.' || c == 'e' || c == 'E'; }) ==
        end) {
      long long i = 0;
      std::from_chars(buf, end, i);
      return py::int_(i);
    }
    double d = 0;
    std::from_chars(buf, end, d);
    return py::float_(d);
  }
  static py::object SpanOf(Span s) {
    PyObject* list = PyList_New(2);
    if (list == nullptr) throw py::error_already_set();
    PyList_SET_ITEM(list, 0, PyLong_FromUnsignedLong(s.begin));
    PyList_SET_ITEM(list, 1, PyLong_FromUnsignedLong(s.end));
    return Untracked(py::reinterpret_steal<py::object>(list));
  }
  py::object Actor(const tocsin::Actor& a) const {
    py::dict d;
    Set(d, kText, Str(a.text));
    Set(d, kName, Str(a.name));
    Set(d, kCountry, CodeOrNone(a.country));
    Set(d, kSector, CodeOrNone(a.sector));
    Set(d, kSpan, a.span.empty() && a.text.empty() ? py::none() : SpanOf(a.span));
    if (explain_ && !a.via.empty()) Set(d, kVia, Str(a.via));
    return Untracked(std::move(d));
  }
  py::list Actors(const std::vector<tocsin::Actor>& v) const {
    py::list out;
    for (const tocsin::Actor& a : v) out.append(Actor(a));
    return Untracked(std::move(out));
  }
  py::object Place(const tocsin::Place& p) const {
    py::dict d;
    Set(d, kText, StrOrNone(p.text));
    Set(d, kName, Str(p.name));
    Set(d, kCountry, Code(p.country));
    Set(d, kAdmin1, StrOrNone(p.admin1));
    Set(d, kLat, p.has_coordinates ? Number(p.lat) : py::none());
    Set(d, kLon, p.has_coordinates ? Number(p.lon) : py::none());
    Set(d, kGeonames, p.geonames ? Int(p.geonames) : py::none());
    Set(d, kPrecision, Code(p.precision));
    Set(d, kSpan, p.span.empty() ? py::none() : SpanOf(p.span));
    return Untracked(std::move(d));
  }
  py::object Count(const std::optional<tocsin::Count>& c) const {
    if (!c) return py::none();
    py::dict d;
    Set(d, kValue, Int(c->value));
    Set(d, kQualifier, Code(c->qualifier));
    if (c->qualifier == "range") {
      Set(d, kMin, Int(c->min));
      Set(d, kMax, Int(c->max));
    }
    Set(d, kText, Str(c->text));
    return d;
  }
  void Counts(py::dict& d, const std::optional<tocsin::Count>& dead, const std::optional<tocsin::Count>& injured,
              const std::optional<tocsin::Count>& arrested, const std::optional<tocsin::Count>& size) const {
    Set(d, kDead, Count(dead));
    Set(d, kInjured, Count(injured));
    Set(d, kArrested, Count(arrested));
    Set(d, kSize, Count(size));
  }

  bool explain_;
  PyObject* const* keys_;
};

// ---- The coding call ---------------------------------------------------------------------------------------

// Appends what coding input `i` gave to the three lists CodeCall returns, and frees it.
void AppendCoded(const EventObjects& build, const Item& input, size_t i, Coded& c, py::list& events, py::list& errors,
                 py::list& documents) {
  py::list doc_events;
  for (size_t k = 0; k < c.events.size(); ++k) doc_events.append(build.Event(c.events[k], c.sentences[k]));
  events.append(Untracked(std::move(doc_events)));
  for (const std::string& e : c.errors) errors.append(py::make_tuple(i, input.input.id, e, !c.refused));
  // (read by the wrapper and dropped: no caller sees these tuples)
  documents.append(Untracked(py::make_tuple(input.input.id, c.lang, Untracked(py::cast(c.notes)))));
  c = Coded();
}

// The CPUs this process may run on (its affinity mask, as `taskset` sets it).
size_t CpusAvailable() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return std::max(1u, std::thread::hardware_concurrency());
  return static_cast<size_t>(CPU_COUNT(&set));
}

// CodeCall without stories or a store: the inputs are coded on other threads while this one, holding the
// GIL, turns the documents already coded into records. Building the records is a sixth of the call;
// overlapped, it costs next to nothing on a second core, and each input's C++ events are freed as soon as
// they are records. On a single CPU the two threads would only take turns (5-10% slower, measured): the
// call is then coded on this thread, as is a call of one batch or less.
py::tuple CodeAndBuild(PyModel& model, std::vector<Item>& inputs, const CodeOptions& options) {
  const size_t n = inputs.size();
  std::vector<Coded> coded(n);
  // The builder waits for a batch of inputs rather than each one: a wake-up and a GIL hand-over per input
  // would cost as much as building its records. A call of one batch or less is not worth a thread.
  constexpr size_t kBatch = 64;
  EventObjects build(options.explain);
  py::list events, errors, documents;
  if (n <= kBatch || CpusAvailable() < 2) {
    {
      py::gil_scoped_release nogil;
      model.CodeInto(inputs, options, false, &coded, nullptr);
    }
    for (size_t i = 0; i < n; ++i) AppendCoded(build, inputs[i], i, coded[i], events, errors, documents);
    return py::make_tuple(events, errors, documents);
  }
  struct Handoff {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<char> done;     // per input, guarded by mu
    size_t finished = 0;        // how many are done
    size_t wanted = 0;          // the builder sleeps until `finished` reaches this (and its next input is done)
    std::exception_ptr failed;  // what the coder threw (out of memory): raised here once it has stopped
  } h;
  h.done.assign(n, 0);
  std::thread coder([&] {
    try {
      model.CodeInto(inputs, options, false, &coded, [&](size_t i) {
        bool wake;
        {
          std::lock_guard<std::mutex> lock(h.mu);
          h.done[i] = 1;
          wake = ++h.finished >= h.wanted;
        }
        if (wake) h.cv.notify_one();
      });
    } catch (...) {
      std::lock_guard<std::mutex> lock(h.mu);
      h.failed = std::current_exception();
    }
    h.cv.notify_one();
  });
  // Whatever happens below (a Python error while building), the coder must be finished before the inputs
  // and results it writes go away.
  struct Join {
    std::thread& t;
    ~Join() {
      if (!t.joinable()) return;
      py::gil_scoped_release nogil;
      t.join();
    }
  } join{coder};
  for (size_t i = 0; i < n;) {
    size_t ready = i;
    {
      py::gil_scoped_release nogil;
      std::unique_lock<std::mutex> lock(h.mu);
      h.wanted = std::min(h.finished + kBatch, n);
      h.cv.wait(lock, [&] { return h.failed || (h.done[i] && (h.finished >= h.wanted || h.finished == n)); });
      if (h.failed) break;
      while (ready < n && h.done[ready]) ++ready;
    }
    for (; i < ready; ++i) AppendCoded(build, inputs[i], i, coded[i], events, errors, documents);
  }
  {
    py::gil_scoped_release nogil;
    coder.join();
  }
  if (h.failed) std::rethrow_exception(h.failed);
  return py::make_tuple(events, errors, documents);
}

// Codes `items` and returns (events, errors, documents): `events` a list per input of event dicts, `errors` [(index, id, message, coded)], `documents` [(id, lang, notes)] per input.
py::tuple CodeCall(PyModel& model, py::handle items, size_t threads, bool explain, bool asserted_only,
                   py::object stories, PyStore* store, bool store_stories) {
  std::vector<Item> inputs = ItemsOf(items);
  PyStories* story_index = stories.is_none() ? nullptr : stories.cast<PyStories*>();
  CodeOptions options;
  options.threads = threads;
  options.explain = explain;
  options.asserted_only = asserted_only;
  options.list_places = store != nullptr;  // as `tocsin code`: the store lists every place
  const bool keep_docs = store != nullptr || story_index != nullptr;
  if (!keep_docs) return CodeAndBuild(model, inputs, options);
  std::vector<Coded> coded;
  {
    py::gil_scoped_release nogil;
    coded = model.Code(inputs, options, keep_docs);
    if (story_index != nullptr && store == nullptr) {
      std::lock_guard<std::mutex> lock(story_index->mu);
      for (Coded& c : coded) {
        if (!c.doc) continue;
        story_index->index.Add(&c.doc->events);
        PyModel::TakeEvents(&*c.doc, &c);
      }
    }
  }
  if (store != nullptr) store->Put(coded, store_stories);
  EventObjects build(explain);
  py::list events, errors, documents;
  for (size_t i = 0; i < coded.size(); ++i) AppendCoded(build, inputs[i], i, coded[i], events, errors, documents);
  return py::make_tuple(events, errors, documents);
}

// Events as JSON text, exactly as `tocsin code` writes them (the reference the dicts are checked against).
py::list EventsJsonCall(PyModel& model, py::handle items, bool explain) {
  std::vector<Item> inputs = ItemsOf(items);
  CodeOptions options;
  options.explain = explain;
  std::vector<Coded> coded;
  {
    py::gil_scoped_release nogil;
    coded = model.Code(inputs, options, false);
  }
  py::list out;
  for (Coded& c : coded)
    for (size_t k = 0; k < c.events.size(); ++k) {
      std::string json;
      AppendEventJson(c.events[k], c.sentences[k], explain, &json);
      out.append(py::bytes(json));
    }
  return out;
}

}  // namespace
}  // namespace tocsin::python

PYBIND11_MODULE(_tocsin, m) {
  using namespace tocsin;
  using namespace tocsin::python;
  m.doc() = "Tocsin's C++ core (use the `tocsin` package, which wraps it).";
  RegisterErrors(m);
  m.def("default_model_paths", &DefaultModelPaths,
        "Where Model() looks for a model, in order: $TOCSIN_MODEL, beside the module and up to the build tree, "
        "the installed share/tocsin/, then the model of the build that compiled this module.");
  m.attr("FILTERS") = py::str(kFilterNames);

  py::class_<PyModel>(m, "Model", "A loaded model (lexicons, gazetteer, actors): immutable, shared by threads.")
      .def(py::init<const std::optional<std::string>&>(), py::arg("path") = py::none())
      .def_property_readonly("path", &PyModel::path, "The model file loaded.")
      .def_property_readonly("languages", &PyModel::languages, "Languages with lexicons (\"en\", ...).")
      .def_property_readonly("format_version", &PyModel::format_version)
      .def("_code", [](PyModel& self, py::handle items, size_t threads, bool explain, bool asserted_only,
                       py::object stories, PyStore* store, bool store_stories) {
             return CodeCall(self, items, threads, explain, asserted_only, std::move(stories), store, store_stories);
           },
           py::arg("items"), py::arg("threads") = 1, py::arg("explain") = false, py::arg("asserted_only") = false,
           py::arg("stories") = py::none(), py::arg("store") = nullptr, py::arg("store_stories") = true)
      .def("_events_json", &EventsJsonCall, py::arg("items"), py::arg("explain") = false,
           "The events as the JSON texts `tocsin code` writes (bytes), for tests and tools that want text.");

  py::class_<PyStories>(m, "StoryIndex",
                        "Stories across documents; pass it as `stories=` to code() calls to go on adding to it.")
      .def(py::init([](const std::optional<std::string>& path, double threshold, int max_days) {
             StoryOptions o;
             o.threshold = threshold;
             o.max_days = max_days;
             if (!path) return std::make_unique<PyStories>(StoryIndex(o));
             auto loaded = StoryIndex::Load(*path, o);
             if (!loaded.ok()) Throw(loaded.status());
             return std::make_unique<PyStories>(std::move(loaded).value());
           }),
           py::arg("path") = py::none(), py::arg("threshold") = 5.0, py::arg("max_days") = 14,
           "A new index, or the stories file at `path` (written by save() or `tocsin code --stories-file`).")
      .def("save",
           [](PyStories& self, const std::string& path) {
             std::lock_guard<std::mutex> lock(self.mu);
             if (Status s = self.index.Save(path); !s.ok()) Throw(s);
           },
           py::arg("path"))
      .def("__len__", [](PyStories& self) {
        std::lock_guard<std::mutex> lock(self.mu);
        return self.index.stories().size();
      })
      .def("_records", [](PyStories& self) {
        std::lock_guard<std::mutex> lock(self.mu);
        py::list out;
        for (const Story& s : self.index.stories()) out.append(py::bytes(StoryIndex::StoryJson(s)));
        return out;
      });

  py::class_<PyStore>(m, "Store", "An event store (SQLite file or PostgreSQL URL): one connection.")
      .def(py::init<const std::string&, bool>(), py::arg("url"), py::arg("read_only") = false)
      .def_property_readonly("url", &PyStore::url)
      .def_property_readonly("backend",
                             [](PyStore& self) { return self.With([](Store& s) { return std::string(s.backend()); }); })
      .def("close", &PyStore::Close, "Closes the connection; later calls raise.")
      .def("_counts",
           [](PyStore& self) {
             auto c = self.With([](Store& s) { return s.Counts(); });
             if (!c.ok()) Throw(c.status());
             return py::make_tuple(c->documents, c->events, c->stories);
           })
      .def("_events",
           [](PyStore& self, const py::dict& filters, int64_t limit, int64_t offset) {
             const EventFilter f = FilterOf(filters);
             return PageTuple(self.With([&](Store& s) { return s.Events(f, PageOf(limit, offset)); }));
           })
      .def("_documents",
           [](PyStore& self, const py::dict& filters, int64_t limit, int64_t offset) {
             const EventFilter f = FilterOf(filters);
             return PageTuple(self.With([&](Store& s) { return s.Documents(f, PageOf(limit, offset)); }));
           })
      .def("_stories",
           [](PyStore& self, const py::dict& filters, int64_t limit, int64_t offset) {
             const EventFilter f = FilterOf(filters);
             return PageTuple(self.With([&](Store& s) { return s.Stories(f, PageOf(limit, offset)); }));
           })
      .def("_scan",
           [](PyStore& self, const py::dict& filters, int64_t limit) {
             // Every matching event in date order: collected without the GIL, then handed over.
             const EventFilter f = FilterOf(filters);
             std::vector<std::string> records;
             Status st = self.With([&](Store& s) {
               return s.ScanEvents(f, limit, [&](const Store::ScannedEvent& e) { records.emplace_back(e.record); });
             });
             if (!st.ok()) Throw(st);
             py::list out;
             for (const std::string& r : records) out.append(py::bytes(r));
             return out;
           })
      .def("_record",
           [](PyStore& self, const std::string& kind, const std::string& id) {
             Result<std::string> r = self.With([&](Store& s) {
               if (kind == "event") return s.EventRecord(id);
               if (kind == "document") return s.DocumentRecord(id);
               return s.StoryRecord(id);
             });
             if (!r.ok()) Throw(r.status());
             return py::bytes(*r);
           })
      .def("_aggregate", [](PyStore& self, const py::dict& filters, const std::string& by, const std::string& split) {
        const EventFilter f = FilterOf(filters);
        auto rows = self.With([&](Store& s) { return s.Aggregate(f, by, split); });
        if (!rows.ok()) Throw(rows.status());
        py::list out;
        for (const AggregateRow& r : *rows)
          out.append(py::make_tuple(r.key, r.split, r.events, r.dead, r.injured, r.arrested));
        return out;
      });
}

