// The PostgreSQL driver against a real server: values of every type round-trip, parameters are data and
// never SQL, placeholders inside literals, identifiers and comments stay as written, and errors, timeouts
// and a lost connection are Status values after which the driver behaves.
//
// The server comes from TOCSIN_TEST_PG (a libpq conninfo string); scripts/with-postgres starts a throwaway
// one and sets it. Without it these tests skip, except those that need no server.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "store/sql.h"

namespace tocsin::store {
namespace {

using Rows = std::vector<std::vector<Value>>;

const char* TestServer() {
  const char* conninfo = std::getenv("TOCSIN_TEST_PG");
  return conninfo && *conninfo ? conninfo : nullptr;
}

Result<Rows> Query(Connection& db, std::string_view sql, const std::vector<Value>& params = {}) {
  Rows rows;
  Status s = db.Run(sql, params, [&](const std::vector<Value>& row) { rows.push_back(row); });
  if (!s.ok()) return s;
  return rows;
}

// Each test has its own connection; its tables are TEMP, so they belong to that session only and vanish
// with it, whatever else runs on the server.
class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestServer()) {
      GTEST_SKIP() << "TOCSIN_TEST_PG is not set, so the PostgreSQL driver is not tested; run the tests under "
                      "scripts/with-postgres to test it";
    }
    auto opened = OpenPostgres(TestServer());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(opened).value();
  }

  // The single value of a one-row, one-column query (monostate when that is not what came back).
  Value One(std::string_view sql, const std::vector<Value>& params = {}) {
    auto rows = Query(*db_, sql, params);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok() || rows->size() != 1 || (*rows)[0].size() != 1) {
      ADD_FAILURE() << "expected one row of one column from " << sql;
      return {};
    }
    return (*rows)[0][0];
  }

  std::unique_ptr<Connection> db_;
};

TEST_F(PostgresTest, IsThePostgresDialect) { EXPECT_EQ(db_->dialect(), Dialect::kPostgres); }

TEST_F(PostgresTest, EveryParameterTypeRoundTripsWithItsType) {
  ASSERT_TRUE(db_->Exec("CREATE TEMP TABLE t (k INTEGER, i BIGINT, d DOUBLE PRECISION, s TEXT)").ok());
  const std::string insert = "INSERT INTO t (k, i, d, s) VALUES (?, ?, ?, ?)";
  const int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  ASSERT_TRUE(db_->Run(insert, {int64_t{1}, kMin, 0.1, std::string("plain")}).ok());
  ASSERT_TRUE(db_->Run(insert, {int64_t{2}, kMax, -1.0 / 3.0, std::string()}).ok());
  ASSERT_TRUE(db_->Run(insert, {int64_t{3}, std::monostate{}, std::monostate{}, std::monostate{}}).ok());
  ASSERT_TRUE(db_->Run(insert, {int64_t{4}, int64_t{0}, 1e300, std::string("x")}).ok());

  auto rows = Query(*db_, "SELECT i, d, s FROM t ORDER BY k");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 4u);
  const Rows expected = {{kMin, 0.1, std::string("plain")},
                         {kMax, -1.0 / 3.0, std::string()},
                         {std::monostate{}, std::monostate{}, std::monostate{}},
                         {int64_t{0}, 1e300, std::string("x")}};
  // Value's == compares the alternative too, so this checks the types as well as the values (and the
  // doubles exactly: they must survive the trip as text).
  EXPECT_EQ(*rows, expected);
  EXPECT_TRUE(IsNull((*rows)[2][0]));

  // NULL parameters compare as SQL NULLs: `? IS NULL` needs the cast the store writes.
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE CAST(? AS TEXT) IS NULL OR s = ?", {std::monostate{}, std::string("x")}),
            Value(int64_t{4}));
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE s IS NOT DISTINCT FROM CAST(? AS TEXT)", {std::monostate{}}),
            Value(int64_t{1}));
}

TEST_F(PostgresTest, StringParametersAreDataNeverSql) {
  ASSERT_TRUE(db_->Exec("CREATE TEMP TABLE t (k SERIAL PRIMARY KEY, s TEXT NOT NULL)").ok());
  const std::vector<std::string> strings = {
      "it's",
      "'; DROP TABLE t; --",
      "?",
      "? ? ?",
      "$1",
      "$1 $2 $$ $tag$",
      "back\\slash \\' \\\\ \\n",
      "\"double\" ''quotes''",
      "Ωμέγα, 東京, عربي, 😀",
      "line\nbreak\ttab",
      "/* not a comment */ -- nor this",
  };
  for (const std::string& s : strings) {
    Status st = db_->Run("INSERT INTO t (s) VALUES (?)", {s});
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  Rows expected;
  for (const std::string& s : strings) expected.push_back({s});
  auto rows = Query(*db_, "SELECT s FROM t ORDER BY k");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, expected);

  // Each string finds itself, and only itself, as a parameter to a comparison.
  for (const std::string& s : strings)
    EXPECT_EQ(One("SELECT count(*) FROM t WHERE s = ?", {s}), Value(int64_t{1})) << s;
  // Placeholders past the first few are numbered in order.
  EXPECT_EQ(
      One("SELECT CAST(? AS TEXT) || ? || ? || ? || ? || ? || ? || ? || ? || ? || ?",
          {std::string("a"), std::string("b"), std::string("c"), std::string("d"), std::string("e"), std::string("f"),
           std::string("g"), std::string("h"), std::string("i"), std::string("j"), std::string("k")}),
      Value(std::string("abcdefghijk")));
}

TEST_F(PostgresTest, QuestionMarksInLiteralsIdentifiersAndCommentsAreNotPlaceholders) {
  // One real placeholder among every other place PostgreSQL's lexer lets a `?` stand.
  const std::string sql =
      "SELECT '?''?' AS a, x.\"?\" AS b, CAST(? AS TEXT) AS c, /* ? /* ? */ ? */ $$?$$ AS d, $q$ '? $q$ AS e,\n"
      "       E'\\'?' AS f, e'?' AS g -- ? ?\n"
      "FROM (SELECT 7 AS \"?\") AS x";
  auto rows = Query(*db_, sql, {std::string("param")});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  const Rows expected = {{std::string("?'?"), int64_t{7}, std::string("param"), std::string("?"), std::string(" '? "),
                          std::string("'?"), std::string("?")}};
  EXPECT_EQ(*rows, expected);
}

TEST_F(PostgresTest, ColumnTypesMapToValues) {
  auto rows = Query(*db_,
                    "SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.5::float8, 3.25::numeric, true, false, NULL,"
                    " 'x'::text, DATE '2024-03-01', '{\"a\": 1}'::jsonb, 'NaN'::float8, '-Infinity'::float8");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const std::vector<Value>& row = (*rows)[0];
  ASSERT_EQ(row.size(), 14u);
  EXPECT_EQ(row[0], Value(int64_t{1}));
  EXPECT_EQ(row[1], Value(int64_t{2}));
  EXPECT_EQ(row[2], Value(int64_t{3}));
  EXPECT_EQ(row[3], Value(1.5));
  EXPECT_EQ(row[4], Value(2.5));
  EXPECT_EQ(row[5], Value(3.25));
  EXPECT_EQ(row[6], Value(int64_t{1}));
  EXPECT_EQ(row[7], Value(int64_t{0}));
  EXPECT_TRUE(IsNull(row[8]));
  EXPECT_EQ(row[9], Value(std::string("x")));
  EXPECT_EQ(row[10], Value(std::string("2024-03-01")));
  EXPECT_EQ(row[11], Value(std::string("{\"a\": 1}")));
  ASSERT_TRUE(std::holds_alternative<double>(row[12]));
  EXPECT_TRUE(std::isnan(std::get<double>(row[12])));
  EXPECT_EQ(row[13], Value(-std::numeric_limits<double>::infinity()));
}

TEST_F(PostgresTest, ARowBufferReusedAcrossRowsHoldsEachRowsValues) {
  // Strings of growing then shrinking length, NULLs in between: a reused buffer must not leak one row's
  // value into the next.
  auto rows = Query(*db_,
                    "SELECT CASE WHEN g % 3 = 0 THEN NULL ELSE repeat('ab', 10 - abs(5 - g)) END, g"
                    " FROM generate_series(0, 9) AS g ORDER BY g");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 10u);
  for (int64_t g = 0; g < 10; ++g) {
    const std::vector<Value>& row = (*rows)[static_cast<size_t>(g)];
    EXPECT_EQ(row[1], Value(g));
    if (g % 3 == 0) {
      EXPECT_TRUE(IsNull(row[0])) << g;
    } else {
      std::string s;
      for (int64_t k = 0; k < 10 - std::abs(5 - g); ++k) s += "ab";
      EXPECT_EQ(row[0], Value(s)) << g;
    }
  }
}

TEST_F(PostgresTest, AStatementIsPreparedOncePerConnection) {
  const std::string sql = "SELECT ? + 1 AS prepared_once_probe";
  for (int64_t i = 0; i < 5; ++i) EXPECT_EQ(One(sql, {i}), Value(i + 1));
  // The needle is a parameter, so this query's own text does not match it.
  EXPECT_EQ(One("SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, ?) > 0",
                {std::string("prepared_once") + "_probe"}),
            Value(int64_t{1}));
}

TEST_F(PostgresTest, ExecRunsSeveralStatementsAndTransactionsWork) {
  ASSERT_TRUE(db_->Exec("CREATE TEMP TABLE t (x INT); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);").ok());
  EXPECT_EQ(One("SELECT sum(x) FROM t"), Value(int64_t{3}));
  ASSERT_TRUE(db_->Exec("BEGIN").ok());
  ASSERT_TRUE(db_->Run("INSERT INTO t VALUES (?)", {int64_t{40}}).ok());
  ASSERT_TRUE(db_->Exec("ROLLBACK").ok());
  ASSERT_TRUE(db_->Exec("BEGIN").ok());
  ASSERT_TRUE(db_->Run("INSERT INTO t VALUES (?)", {int64_t{4}}).ok());
  ASSERT_TRUE(db_->Exec("COMMIT").ok());
  EXPECT_EQ(One("SELECT sum(x) FROM t"), Value(int64_t{7}));
  EXPECT_TRUE(db_->Exec("").ok());
}

TEST_F(PostgresTest, NoticesAreNotPrinted) {
  ::testing::internal::CaptureStderr();
  Status first = db_->Exec("CREATE TEMP TABLE IF NOT EXISTS t (x INT)");
  Status second = db_->Exec("CREATE TEMP TABLE IF NOT EXISTS t (x INT)");  // NOTICE: relation exists
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(first.ok()) << first.ToString();
  EXPECT_TRUE(second.ok()) << second.ToString();
  EXPECT_EQ(printed, "");
}

TEST_F(PostgresTest, SqlErrorsAreStatusesAndTheConnectionStaysUsable) {
  Status syntax = db_->Exec("SELEC 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.message().find("syntax error"), std::string::npos) << syntax.message();
  EXPECT_NE(syntax.message().find("SELEC 1"), std::string::npos) << "names the statement: " << syntax.message();
  EXPECT_FALSE(IsTimeout(syntax));

  // Failing to prepare does not cache the statement: once the table exists, the same text works.
  const std::string sql = "SELECT count(*) FROM created_later WHERE x = ?";
  Status missing = db_->Run(sql, {int64_t{1}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("created_later"), std::string::npos) << missing.message();
  ASSERT_TRUE(db_->Exec("CREATE TEMP TABLE created_later (x INT)").ok());
  EXPECT_EQ(One(sql, {int64_t{1}}), Value(int64_t{0}));

  // An error while executing (not preparing), then the same prepared statement succeeding.
  Status divide = db_->Run("SELECT 10 / ?", {int64_t{0}});
  ASSERT_FALSE(divide.ok());
  EXPECT_NE(divide.message().find("division by zero"), std::string::npos) << divide.message();
  EXPECT_EQ(One("SELECT 10 / ?", {int64_t{2}}), Value(int64_t{5}));

  // A mistake of the caller's, caught before the server sees it.
  Status count = db_->Run("SELECT ? + ?", {int64_t{1}});
  EXPECT_EQ(count.code(), Status::Code::kInvalidArgument) << count.ToString();
  // Text PostgreSQL cannot hold (a NUL, bytes that are not UTF-8) is stored with U+FFFD in their place rather
  // than failing the statement (and with it a batch of documents).
  EXPECT_EQ(One("SELECT CAST(? AS TEXT)", {std::string("a\0b", 3)}), Value(std::string("a\xEF\xBF\xBD" "b")));
  EXPECT_EQ(One("SELECT CAST(? AS TEXT)", {std::string("r\xff")}), Value(std::string("r\xEF\xBF\xBD")));

  EXPECT_EQ(One("SELECT 1"), Value(int64_t{1}));
}

TEST_F(PostgresTest, TimeoutIsReportedAndTheConnectionStaysUsable) {
  db_->SetTimeout(std::chrono::milliseconds(50));
  Status run = db_->Run("SELECT pg_sleep(1)", {});
  EXPECT_TRUE(IsTimeout(run)) << run.ToString();
  Status exec = db_->Exec("SELECT pg_sleep(1)");
  EXPECT_TRUE(IsTimeout(exec)) << exec.ToString();
  EXPECT_EQ(One("SELECT 2"), Value(int64_t{2}));

  db_->SetTimeout(std::chrono::milliseconds(0));
  EXPECT_EQ(One("SELECT current_setting('statement_timeout')"), Value(std::string("0")));
  Status slow = db_->Run("SELECT pg_sleep(0.1)", {});
  EXPECT_TRUE(slow.ok()) << slow.ToString();
}

TEST_F(PostgresTest, ALostConnectionIsAStatusNotACrash) {
  const Value pid = One("SELECT pg_backend_pid()");
  ASSERT_TRUE(std::holds_alternative<int64_t>(pid));
  auto other = OpenPostgres(TestServer());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  auto killed = Query(**other, "SELECT pg_terminate_backend(CAST(? AS INT), 5000)", {pid});
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();

  Status lost = db_->Run("SELECT 1", {});
  EXPECT_FALSE(lost.ok());
  EXPECT_FALSE(IsTimeout(lost)) << lost.ToString();
  // And every call after it, prepared or not.
  EXPECT_FALSE(db_->Run("SELECT 1", {}).ok());
  EXPECT_FALSE(db_->Run("SELECT 3", {}).ok());
  EXPECT_FALSE(db_->Exec("SELECT 1").ok());
  db_->SetTimeout(std::chrono::milliseconds(10));
}

// Needs no server: these fail before any statement.
TEST(PostgresOpen, AnUnreachableServerIsAnIoErrorNamingItButNotThePassword) {
  auto opened = OpenPostgres("host=/nonexistent port=1 dbname=tocsin user=nobody password=hunter2");
  ASSERT_FALSE(opened.ok());
  const Status& s = opened.status();
  EXPECT_EQ(s.code(), Status::Code::kIoError) << s.ToString();
  EXPECT_NE(s.message().find("host=/nonexistent port=1 dbname=tocsin"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("hunter2"), std::string::npos) << s.message();
}

TEST(PostgresOpen, AMalformedConnectionStringIsAnError) {
  EXPECT_FALSE(OpenPostgres("this is not a conninfo").ok());
  EXPECT_FALSE(OpenPostgres("postgresql://[::1").ok());
}

}  // namespace
}  // namespace tocsin::store
