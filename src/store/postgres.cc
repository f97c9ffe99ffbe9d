// The PostgreSQL driver (sql.h) over libpq.
//
// Design: each distinct statement text has its `?` placeholders rewritten to `$1..$n` and is prepared once
// per connection under a generated name (t1, t2, ...). Parameters travel as text, with no declared types, so
// the server infers each one from its context (the store casts where it cannot, as in `CAST(? AS TEXT)`).
// Results come back as text and are converted by column type. Every PGresult is owned by a unique_ptr, so no
// path leaks one, and libpq never throws, so no exception starts here.
//
// Errors: every failure is a Status whose message holds PostgreSQL's own, after a short context naming the
// statement. A statement cancelled by statement_timeout (SQLSTATE 57014) returns "timeout: ..." (IsTimeout).
// A lost connection is not re-established: prepared statements live in the server session, so every later
// call fails with a clear Status until the caller opens a new Connection.
#include <dlfcn.h>
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sql.h"
#include "text/utf8.h"

namespace tocsin::store {
namespace {

// Column type OIDs (src/include/catalog/pg_type.dat); stable across PostgreSQL releases.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// SQLSTATE of a statement cancelled by statement_timeout (or a cancel request, which this driver never sends).
constexpr std::string_view kQueryCanceled = "57014";

// Room for one number sent as text: int64 needs 20 characters, the shortest round-trip double at most 24.
constexpr size_t kNumberChars = 32;

// Statements are named in error messages by their first characters only.
constexpr size_t kContextChars = 60;

// libpq is opened on the first PostgreSQL connection, not linked: linked in, it and what it pulls in
// (OpenSSL, Kerberos, LDAP, GnuTLS: about twenty libraries) cost every start of `tocsin` some 4 ms of loading,
// relocation and library constructors, and most runs never touch PostgreSQL. The functions are looked up
// by name and typed by libpq-fe.h, so a signature change shows up at compile time.
struct Libpq {
  decltype(&::PQclear) PQclear = nullptr;
  decltype(&::PQconnectdb) PQconnectdb = nullptr;
  decltype(&::PQdb) PQdb = nullptr;
  decltype(&::PQerrorMessage) PQerrorMessage = nullptr;
  decltype(&::PQexec) PQexec = nullptr;
  decltype(&::PQexecPrepared) PQexecPrepared = nullptr;
  decltype(&::PQfinish) PQfinish = nullptr;
  decltype(&::PQftype) PQftype = nullptr;
  decltype(&::PQgetisnull) PQgetisnull = nullptr;
  decltype(&::PQgetlength) PQgetlength = nullptr;
  decltype(&::PQgetvalue) PQgetvalue = nullptr;
  decltype(&::PQhost) PQhost = nullptr;
  decltype(&::PQnfields) PQnfields = nullptr;
  decltype(&::PQntuples) PQntuples = nullptr;
  decltype(&::PQport) PQport = nullptr;
  decltype(&::PQprepare) PQprepare = nullptr;
  decltype(&::PQresStatus) PQresStatus = nullptr;
  decltype(&::PQresultErrorField) PQresultErrorField = nullptr;
  decltype(&::PQresultErrorMessage) PQresultErrorMessage = nullptr;
  decltype(&::PQresultStatus) PQresultStatus = nullptr;
  decltype(&::PQsetClientEncoding) PQsetClientEncoding = nullptr;
  decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor = nullptr;
  decltype(&::PQstatus) PQstatus = nullptr;
};

// Set once by LoadLibpq; read only after a successful load (no PGconn or PGresult exists before one).
const Libpq* loaded_libpq = nullptr;

const Libpq& Pq() { return *loaded_libpq; }

template <typename F>
bool Find(void* handle, const char* name, F* out, std::string* error) {
  *out = reinterpret_cast<F>(::dlsym(handle, name));
  if (!*out) *error = std::string("the libpq found lacks ") + name + ": it is too old for Tocsin";
  return *out != nullptr;
}

// Opens libpq.so.5 (Debian package libpq5; the soname has not changed since PostgreSQL 8.0) once per process.
Status LoadLibpq() {
  static std::once_flag once;
  static std::string error;
  std::call_once(once, [] {
    void* handle = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      error = std::string("PostgreSQL needs libpq (Debian package libpq5): ") + (why ? why : "dlopen failed");
      return;
    }
    static Libpq lib;  // never closed: connections may live until exit
    std::string* e = &error;
    if (Find(handle, "PQclear", &lib.PQclear, e) && Find(handle, "PQconnectdb", &lib.PQconnectdb, e) &&
        Find(handle, "PQdb", &lib.PQdb, e) && Find(handle, "PQerrorMessage", &lib.PQerrorMessage, e) &&
        Find(handle, "PQexec", &lib.PQexec, e) && Find(handle, "PQexecPrepared", &lib.PQexecPrepared, e) &&
        Find(handle, "PQfinish", &lib.PQfinish, e) && Find(handle, "PQftype", &lib.PQftype, e) &&
        Find(handle, "PQgetisnull", &lib.PQgetisnull, e) && Find(handle, "PQgetlength", &lib.PQgetlength, e) &&
        Find(handle, "PQgetvalue", &lib.PQgetvalue, e) && Find(handle, "PQhost", &lib.PQhost, e) &&
        Find(handle, "PQnfields", &lib.PQnfields, e) && Find(handle, "PQntuples", &lib.PQntuples, e) &&
        Find(handle, "PQport", &lib.PQport, e) && Find(handle, "PQprepare", &lib.PQprepare, e) &&
        Find(handle, "PQresStatus", &lib.PQresStatus, e) &&
        Find(handle, "PQresultErrorField", &lib.PQresultErrorField, e) &&
        Find(handle, "PQresultErrorMessage", &lib.PQresultErrorMessage, e) &&
        Find(handle, "PQresultStatus", &lib.PQresultStatus, e) &&
        Find(handle, "PQsetClientEncoding", &lib.PQsetClientEncoding, e) &&
        Find(handle, "PQsetNoticeProcessor", &lib.PQsetNoticeProcessor, e) &&
        Find(handle, "PQstatus", &lib.PQstatus, e))
      loaded_libpq = &lib;
  });
  return loaded_libpq ? Status::Ok() : Status::IoError(error);
}

struct ResultDeleter {
  void operator()(PGresult* r) const { Pq().PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// `PostgreSQL statement "SELECT ..."`, on one line and cut short, to say which statement failed.
std::string StatementContext(std::string_view sql) {
  std::string out = "PostgreSQL statement \"";
  size_t n = 0;
  bool space = false;
  for (char c : sql) {
    const bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (blank) {
      space = n > 0;
      continue;
    }
    if (n == kContextChars) {
      out += "...";
      break;
    }
    if (space) {
      out.push_back(' ');
      ++n;
      space = false;
    }
    out.push_back(c);
    ++n;
  }
  out.push_back('"');
  return out;
}

bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Rewrites `?` to `$1..$n`, leaving alone the `?` inside what PostgreSQL's lexer reads as one token or as a
// comment: '...' (and E'...' with backslash escapes), "...", $tag$...$tag$, -- to end of line and nested
// /* */. `count` receives n. Operators spelled with `?` (jsonb's `?|`) would be rewritten too: the store
// uses none.
std::string RewritePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  size_t i = 0;
  const size_t size = sql.size();
  // Copies sql[i..end) to the output and moves past it.
  auto copy_to = [&](size_t end) {
    end = std::min(end, size);
    out.append(sql.data() + i, end - i);
    i = end;
  };
  while (i < size) {
    const char c = sql[i];
    const char next = i + 1 < size ? sql[i + 1] : '\0';
    const bool after_word = i > 0 && IsIdentifierChar(sql[i - 1]);
    if (c == '?') {
      out.push_back('$');
      out += std::to_string(++n);
      ++i;
    } else if (c == '\'') {
      // E'...' (an E standing alone before the quote) honours backslash escapes; a doubled quote is a quote
      // in both forms.
      const bool escapes =
          i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && !(i > 1 && IsIdentifierChar(sql[i - 2]));
      size_t j = i + 1;
      while (j < size) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < size && sql[j + 1] == '\'') {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (c == '"') {
      // A doubled quote inside an identifier ends nothing: the scan simply resumes after it.
      const size_t end = sql.find('"', i + 1);
      copy_to(end == std::string_view::npos ? size : end + 1);
    } else if (c == '-' && next == '-') {
      const size_t end = sql.find('\n', i);
      copy_to(end == std::string_view::npos ? size : end + 1);
    } else if (c == '/' && next == '*') {
      int depth = 0;
      size_t j = i;
      while (j < size) {
        if (sql[j] == '/' && j + 1 < size && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < size && sql[j + 1] == '/') {
          j += 2;
          if (--depth == 0) break;
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (c == '$' && !after_word && !(next >= '0' && next <= '9')) {
      // A dollar quote opens with $$ or $tag$ (tag: an identifier not starting with a digit) and closes
      // with the same delimiter.
      size_t j = i + 1;
      while (j < size && sql[j] != '$' && IsIdentifierChar(sql[j])) ++j;
      if (j < size && sql[j] == '$') {
        const std::string_view delimiter = sql.substr(i, j - i + 1);
        const size_t end = sql.find(delimiter, j + 1);
        copy_to(end == std::string_view::npos ? size : end + delimiter.size());
      } else {
        copy_to(i + 1);
      }
    } else {
      out.push_back(c);
      ++i;
    }
  }
  *count = n;
  return out;
}

// Heterogeneous lookup, so finding a cached statement by its string_view allocates nothing.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { Pq().PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status Exec(std::string_view sql) override {
    const std::string text(sql);  // PQexec wants a terminated string
    ResultPtr res(Pq().PQexec(conn_, text.c_str()));
    return Check(res.get(), sql);
  }

  Result<int64_t> Insert(std::string_view sql, const std::vector<Value>& params, std::string_view key_column) override {
    std::string returning(sql);
    returning.append(" RETURNING ").append(key_column);
    int64_t key = -1;
    TOCSIN_RETURN_IF_ERROR(Run(returning, params, [&](const std::vector<Value>& r) { key = AsInt(r[0]); }));
    if (key < 0) return Status::Internal("the INSERT returned no key: " + returning);
    return key;
  }

  Status Run(std::string_view sql, const std::vector<Value>& params, const RowCallback& on_row) override {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      int count = 0;
      const std::string rewritten = RewritePlaceholders(sql, &count);
      // Checked before preparing: the server's complaint about a missing parameter would be less clear.
      TOCSIN_RETURN_IF_ERROR(CheckCount(sql, count, params.size()));
      std::string name = "t" + std::to_string(prepared_.size() + 1);
      // No parameter types (nParams 0): the server infers them from context.
      ResultPtr res(Pq().PQprepare(conn_, name.c_str(), rewritten.c_str(), 0, nullptr));
      TOCSIN_RETURN_IF_ERROR(Check(res.get(), sql));
      // Cached only once the server holds it, so a statement that failed to prepare is tried again.
      it = prepared_.emplace(std::string(sql), Prepared{std::move(name), count}).first;
    }
    const Prepared& statement = it->second;
    TOCSIN_RETURN_IF_ERROR(CheckCount(sql, statement.parameters, params.size()));
    BindParameters(params);

    // Text results (resultFormat 0): every type has a text form, and it is what the conversions below read.
    ResultPtr res(
        Pq().PQexecPrepared(conn_, statement.name.c_str(), statement.parameters, values_.data(), nullptr, nullptr, 0));
    TOCSIN_RETURN_IF_ERROR(Check(res.get(), sql));
    if (!on_row) return Status::Ok();

    const int rows = Pq().PQntuples(res.get());
    const int columns = Pq().PQnfields(res.get());
    types_.resize(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) types_[static_cast<size_t>(c)] = Pq().PQftype(res.get(), c);
    // One row buffer for the whole result: strings keep their capacity from row to row.
    row_.resize(static_cast<size_t>(columns));
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < columns; ++c) {
        Value& cell = row_[static_cast<size_t>(c)];
        if (Pq().PQgetisnull(res.get(), r, c)) {
          cell = std::monostate{};
          continue;
        }
        const char* text = Pq().PQgetvalue(res.get(), r, c);
        const size_t length = static_cast<size_t>(Pq().PQgetlength(res.get(), r, c));
        SetCell(types_[static_cast<size_t>(c)], std::string_view(text, length), &cell);
      }
      on_row(row_);
    }
    return Status::Ok();
  }

  // A SET made inside a transaction that later rolls back is undone with it (PostgreSQL's rule for every
  // setting); the store sets the limit outside transactions. A failure here (connection lost) shows up on
  // the next statement, so it is not reported twice.
  void SetTimeout(std::chrono::milliseconds limit) override {
    const long long ms = std::clamp<long long>(limit.count(), 0, INT_MAX);  // statement_timeout is an int
    ResultPtr res(Pq().PQexec(conn_, ("SET statement_timeout = " + std::to_string(ms)).c_str()));
  }

 private:
  struct Prepared {
    std::string name;
    int parameters;
  };

  // OK for a result that succeeded; otherwise the server's (or libpq's) message after the statement.
  Status Check(const PGresult* res, std::string_view sql) const {
    const ExecStatusType status = res ? Pq().PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return Status::Ok();
    // Without a result (out of memory, connection gone) libpq keeps the reason on the connection.
    const char* detail = res ? Pq().PQresultErrorMessage(res) : Pq().PQerrorMessage(conn_);
    std::string message = StatementContext(sql) + ": " + std::string(TrimRight(detail ? detail : ""));
    if (status != PGRES_FATAL_ERROR && status != PGRES_NONFATAL_ERROR) {
      // COPY and pipeline states: the store never starts them.
      return Status::Internal(message + " (unexpected result " + Pq().PQresStatus(status) + ")");
    }
    const char* sqlstate = res ? Pq().PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (sqlstate && sqlstate == kQueryCanceled) {
      return Status::IoError("timeout: " + message + "; raise the limit or narrow the query");
    }
    if (Pq().PQstatus(conn_) != CONNECTION_OK) {
      return Status::IoError(message + "; the connection is lost: open a new one");
    }
    return Status::IoError(message);
  }

  static Status CheckCount(std::string_view sql, int placeholders, size_t params) {
    if (params == static_cast<size_t>(placeholders)) return Status::Ok();
    return Status::InvalidArgument(StatementContext(sql) + " has " + std::to_string(placeholders) +
                                   " `?` placeholder(s) but " + std::to_string(params) + " parameter(s) were given");
  }

  // Fills values_ with one text pointer per parameter; numbers are formatted into numbers_.
  void BindParameters(const std::vector<Value>& params) {
    values_.resize(params.size());
    repaired_.clear();
    numbers_.resize(params.size() * kNumberChars);
    for (size_t p = 0; p < params.size(); ++p) {
      const Value& v = params[p];
      char* number = numbers_.data() + p * kNumberChars;
      if (const auto* s = std::get_if<std::string>(&v)) {
        // PostgreSQL text holds valid UTF-8 without NUL, and refuses anything else: a document id taken from
        // a file name, or a message quoting a bad header, would make the whole batch fail. Such a value is
        // stored with U+FFFD in place of each bad sequence and NUL (what SQLite stores as given, the JSON
        // writers replace the same way when reading). Parameters are NUL-terminated, so a NUL would also
        // have cut the value short.
        std::string repaired;
        const size_t bad = text::RepairUtf8(*s, &repaired);
        if (bad > 0 || s->find('\0') != std::string::npos) {
          std::string clean;
          for (char c : repaired) {
            if (c == '\0') clean += "\xEF\xBF\xBD";
            else clean.push_back(c);
          }
          repaired_.push_back(std::move(clean));
          values_[p] = repaired_.back().c_str();
        } else {
          values_[p] = s->c_str();
        }
      } else if (const auto* i = std::get_if<int64_t>(&v)) {
        *std::to_chars(number, number + kNumberChars - 1, *i).ptr = '\0';
        values_[p] = number;
      } else if (const auto* d = std::get_if<double>(&v)) {
        // Shortest text that reads back as the same double; "inf", "-inf" and "nan" are accepted by float8.
        *std::to_chars(number, number + kNumberChars - 1, *d).ptr = '\0';
        values_[p] = number;
      } else {
        values_[p] = nullptr;  // SQL NULL
      }
    }
  }

  static void SetCell(Oid type, std::string_view text, Value* cell) {
    const char* first = text.data();
    const char* last = text.data() + text.size();
    switch (type) {
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid: {
        int64_t i = 0;
        std::from_chars(first, last, i);
        *cell = i;
        return;
      }
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid: {
        // from_chars reads "NaN", "Infinity" and "-Infinity" too. A numeric beyond double's range falls back
        // to strtod, which saturates to +-HUGE_VAL (the text is terminated: libpq guarantees it).
        double d = 0;
        if (std::from_chars(first, last, d).ec != std::errc()) d = std::strtod(first, nullptr);
        *cell = d;
        return;
      }
      case kBoolOid:
        *cell = int64_t{text == "t" ? 1 : 0};
        return;
      default:
        if (auto* s = std::get_if<std::string>(cell)) {
          s->assign(text);  // reuses the previous row's buffer
        } else {
          cell->emplace<std::string>(text);
        }
    }
  }

  PGconn* conn_;
  std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>> prepared_;
  // Buffers reused by every Run, so a statement in a loop allocates nothing once they have grown.
  std::vector<const char*> values_;
  std::deque<std::string> repaired_;  // repaired copies of this statement's text parameters (stable addresses)
  std::vector<char> numbers_;
  std::vector<Oid> types_;
  std::vector<Value> row_;
};

// "host=/tmp port=5432 dbname=tocsin": what the connection was aimed at, never the password.
std::string ServerName(const PGconn* conn) {
  std::string out;
  auto add = [&](const char* key, const char* value) {
    if (!value || !*value) return;
    if (!out.empty()) out.push_back(' ');
    out += key;
    out.push_back('=');
    out += value;
  };
  add("host", Pq().PQhost(conn));
  add("port", Pq().PQport(conn));
  add("dbname", Pq().PQdb(conn));
  return out;
}

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& conninfo) {
  TOCSIN_RETURN_IF_ERROR(LoadLibpq());
  PGconn* conn = Pq().PQconnectdb(conninfo.c_str());
  if (!conn) return Status::IoError("cannot connect to PostgreSQL: libpq is out of memory");
  // Owned from here, including on failure: PQfinish releases a connection that never opened.
  auto connection = std::make_unique<PostgresConnection>(conn);
  if (Pq().PQstatus(conn) != CONNECTION_OK) {
    const std::string server = ServerName(conn);
    return Status::IoError("cannot connect to PostgreSQL" + (server.empty() ? "" : " (" + server + ")") + ": " +
                           std::string(TrimRight(Pq().PQerrorMessage(conn))) +
                           "; check the connection string and that the server is running");
  }
  // `CREATE TABLE IF NOT EXISTS` and friends report NOTICEs, which libpq prints to stderr by default.
  Pq().PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  // The store's text is UTF-8 whatever the server's or the database's default encoding.
  if (Pq().PQsetClientEncoding(conn, "UTF8") != 0) {
    return Status::IoError("cannot set client_encoding to UTF8 on PostgreSQL (" + ServerName(conn) +
                           "): " + std::string(TrimRight(Pq().PQerrorMessage(conn))));
  }
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace tocsin::store
