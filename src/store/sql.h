// The SQL drivers under the store: one small interface, two implementations (SQLite, PostgreSQL).
//
// The store (store.cc) is written once against `Connection`: one schema, one set of statements, with `?`
// placeholders. Each driver binds parameters itself (never by pasting values into SQL text), caches prepared
// statements by their SQL text, and maps its errors to Status. The PostgreSQL driver rewrites `?` to `$1..$n`;
// the statements the store writes hold no `?` inside string literals.
//
// Thread safety: a Connection belongs to one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tocsin/status.h"

namespace tocsin::store {

// A parameter or a column value. Integers are 64-bit; NULL is std::monostate.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }
int64_t AsInt(const Value& v);         // 0 for NULL; parses text
double AsDouble(const Value& v);       // 0 for NULL
std::string AsString(const Value& v);  // "" for NULL; numbers formatted

enum class Dialect { kSqlite, kPostgres };

using RowCallback = std::function<void(const std::vector<Value>& row)>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // Runs SQL with no parameters and no rows (DDL, BEGIN, COMMIT); it may hold several statements.
  virtual Status Exec(std::string_view sql) = 0;

  // Runs one statement with `?` placeholders bound to `params` in order, calling `on_row` for each row (when
  // set). A statement is prepared once per connection and reused.
  virtual Status Run(std::string_view sql, const std::vector<Value>& params, const RowCallback& on_row = {}) = 0;

  // Runs an INSERT of one row into a table whose auto-numbered key is `key_column` and returns the key it
  // got. SQLite reads it from the connection (an INSERT ... RETURNING costs it about as much as all the
  // rest of an event's rows); PostgreSQL asks with RETURNING.
  virtual Result<int64_t> Insert(std::string_view sql, const std::vector<Value>& params,
                                 std::string_view key_column) = 0;

  // Statements that run longer than this fail with a Status whose message starts with "timeout:"
  // (IsTimeout). Zero: no limit.
  virtual void SetTimeout(std::chrono::milliseconds limit) = 0;
};

// True for the Status a statement stopped by SetTimeout's limit returns.
bool IsTimeout(const Status& s);

// A SQLite file; created when missing unless `read_only`. WAL journal, so readers (tocsin serve) never wait
// for a writer (tocsin code) and a killed writer loses only its open transaction.
Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path, bool read_only);

// A PostgreSQL server, from a libpq connection URI or key=value string ("postgresql://user@host/db",
// "host=/tmp port=5433 dbname=tocsin").
Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& conninfo);

}  // namespace tocsin::store
