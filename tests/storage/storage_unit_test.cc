// Storage pieces that need no database: settings, the error mapping, the
// migration splitter, LIKE escaping, statement shapes.
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/db_config.h"
#include "server/storage/migrations.h"
#include "server/storage/mysql_enterprise_repository.h"
#include "server/storage/rows.h"
#include "server/storage/sql_error.h"
#include "server/storage/transaction_retry.h"
#include "tests/support/status_matchers.h"

namespace envcredit::storage {
namespace {

using ::envcredit::testing::StatusIs;

TEST(SqlErrorTest, MapsEachErrorNumberToItsCode) {
  struct Case {
    int error;
    absl::StatusCode code;
    const char* reason;
  };
  const Case cases[] = {
      {1062, absl::StatusCode::kAlreadyExists, kReasonDbDuplicateKey},
      {1213, absl::StatusCode::kAborted, kReasonDbConflict},
      {1205, absl::StatusCode::kAborted, kReasonDbConflict},
      {1047, absl::StatusCode::kUnavailable, kReasonDbNotPrimary},  // Galera
      {1180, absl::StatusCode::kUnavailable, kReasonDbNotPrimary},  // Galera
      {2002, absl::StatusCode::kUnavailable, kReasonDbUnavailable},
      {2003, absl::StatusCode::kUnavailable, kReasonDbUnavailable},
      {2006, absl::StatusCode::kUnavailable, kReasonDbUnavailable},
      {2013, absl::StatusCode::kUnavailable, kReasonDbUnavailable},
      {2055, absl::StatusCode::kUnavailable, kReasonDbUnavailable},
      {1053, absl::StatusCode::kUnavailable, kReasonDbUnavailable},
      {1927, absl::StatusCode::kUnavailable, kReasonDbUnavailable},
      {1064, absl::StatusCode::kInternal, kReasonDbError},  // syntax
      {1406, absl::StatusCode::kInternal, kReasonDbError},  // too long
      {1045, absl::StatusCode::kInternal, kReasonDbError},  // access denied
      {0, absl::StatusCode::kInternal, kReasonDbError},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    absl::Status status = MapSqlError(c.error, "HY000",
                                      "Table 'secret_table' doesn't exist "
                                      "near 'SELECT password'",
                                      "test");
    EXPECT_THAT(status, StatusIs(c.code, c.reason));
    // Server text and SQL never reach the client-visible message.
    EXPECT_THAT(std::string(status.message()),
                ::testing::Not(::testing::HasSubstr("secret")));
    EXPECT_THAT(std::string(status.message()),
                ::testing::Not(::testing::HasSubstr("SELECT")));
  }
  EXPECT_TRUE(IsConnectionLostError(2013));
  EXPECT_FALSE(IsConnectionLostError(1062));
  EXPECT_TRUE(IsConnectError(2003));
  EXPECT_TRUE(IsDbUnavailable(MapSqlError(2006, "HY000", "", "")));
  EXPECT_FALSE(IsDbUnavailable(MapSqlError(1213, "40001", "", "")));
}

// The server's one retry policy (issue 15 item 1): which failures are run
// again, and the backoff's bounds ("full jitter" between 0 and a ceiling
// that doubles from 10 ms up to 400 ms).
TEST(TransactionRetryTest, OnlyConflictsAndNotReadyNodesAreTransient) {
  EXPECT_EQ(TransientCauseOf(MapSqlError(1213, "40001", "", "")), TransientCause::kConflict);
  EXPECT_EQ(TransientCauseOf(MapSqlError(1205, "HY000", "", "")), TransientCause::kConflict);
  EXPECT_EQ(TransientCauseOf(MapSqlError(1047, "08S01", "", "")),
            TransientCause::kNodeNotReady);
  EXPECT_EQ(TransientCauseOf(MapSqlError(1180, "HY000", "", "")),
            TransientCause::kNodeNotReady);
  // A lost connection has its own rule (once, at once); the rest are final.
  EXPECT_EQ(TransientCauseOf(MapSqlError(2013, "HY000", "", "")), TransientCause::kNone);
  EXPECT_EQ(TransientCauseOf(MapSqlError(1062, "23000", "", "")), TransientCause::kNone);
  EXPECT_EQ(TransientCauseOf(absl::AbortedError("no reason")), TransientCause::kNone);
  EXPECT_EQ(TransientCauseOf(absl::OkStatus()), TransientCause::kNone);
}

TEST(TransactionRetryTest, BackoffIsJitteredUnderADoublingCeiling) {
  const TransactionRetryPolicy policy;  // 10 ms doubling to 400 ms
  EXPECT_EQ(RetryBackoff(policy, 0, 0.0), absl::ZeroDuration());
  EXPECT_EQ(RetryBackoff(policy, 0, 0.5), absl::Milliseconds(5));
  EXPECT_EQ(RetryBackoff(policy, 1, 0.5), absl::Milliseconds(10));
  EXPECT_EQ(RetryBackoff(policy, 3, 1.0), absl::Milliseconds(80));
  EXPECT_EQ(RetryBackoff(policy, 5, 1.0), absl::Milliseconds(320));
  EXPECT_EQ(RetryBackoff(policy, 6, 1.0), absl::Milliseconds(400));
  EXPECT_EQ(RetryBackoff(policy, 60, 0.25), absl::Milliseconds(100));
  TransactionRetryPolicy bad;
  bad.max_attempts = 0;
  EXPECT_THAT(ValidateRetryPolicy(bad),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_DB_SETTING"));
  EXPECT_OK(ValidateRetryPolicy(policy));
}

TEST(DbConfigTest, ReadsTheEnvFileOfDbSh) {
  const std::string path = ::testing::TempDir() + "/db_config_test.env";
  {
    std::ofstream out(path);
    out << "# written by scripts/db.sh\n"
           "ENVCREDIT_DB_HOST=127.0.0.1\n"
           "ENVCREDIT_DB_PORT=40123\n"
           "ENVCREDIT_DB_USER=root\n"
           "ENVCREDIT_DB_PASSWORD=\n"
           "ENVCREDIT_DB_SOCKET=/tmp/x/mysqld.sock\n"
           "export ENVCREDIT_DB_NAME=envcredit_demo\n";
  }
  DbConfig defaults;
  defaults.password = "was-set";
  absl::StatusOr<DbConfig> config = DbConfigFromEnvFile(path, defaults);
  ASSERT_OK(config);
  EXPECT_EQ(config->host, "127.0.0.1");
  EXPECT_EQ(config->port, 40123);
  EXPECT_EQ(config->user, "root");
  EXPECT_EQ(config->password, "");
  EXPECT_EQ(config->database, "envcredit_demo");
  EXPECT_EQ(config->pool_size, defaults.pool_size);
  EXPECT_OK(ValidateDbConfig(*config));
  std::remove(path.c_str());

  EXPECT_THAT(DbConfigFromEnvFile(path), StatusIs(absl::StatusCode::kNotFound));
}

TEST(DbConfigTest, RefusesBadSettings) {
  DbConfig config;
  EXPECT_THAT(ApplyDbSetting("ENVCREDIT_DB_PORT", "70000", config),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ApplyDbSetting("ENVCREDIT_DB_POOL_SIZE", "many", config),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_OK(ApplyDbSetting("ENVCREDIT_DB_CHECKOUT_TIMEOUT_MS", "250", config));
  EXPECT_EQ(config.checkout_timeout, absl::Milliseconds(250));
  EXPECT_OK(ApplyDbSetting("ENVCREDIT_DB_UNKNOWN", "x", config));
  EXPECT_OK(ApplyDbSetting("ENVCREDIT_DB_READ_TIMEOUT_MS", "3000", config));
  EXPECT_EQ(config.read_timeout, absl::Seconds(3));
  EXPECT_OK(ApplyDbSetting("ENVCREDIT_DB_WRITE_TIMEOUT_MS", "4000", config));
  EXPECT_EQ(config.write_timeout, absl::Seconds(4));
  EXPECT_OK(ApplyDbSetting("ENVCREDIT_DB_LOCK_WAIT_TIMEOUT_MS", "2000", config));
  EXPECT_EQ(config.lock_wait_timeout, absl::Seconds(2));
  EXPECT_THAT(ApplyDbSetting("ENVCREDIT_DB_READ_TIMEOUT_MS", "soon", config),
              StatusIs(absl::StatusCode::kInvalidArgument));

  config = DbConfig();
  config.database = "envcredit`; DROP DATABASE x; --";
  EXPECT_THAT(ValidateDbConfig(config),
              StatusIs(absl::StatusCode::kInvalidArgument));
  config = DbConfig();
  config.pool_size = 0;
  EXPECT_THAT(ValidateDbConfig(config),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Database::Open(config),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // A row-lock wait must end (ABORTED) before the read timeout cuts the
  // connection; every connector timeout is at least a second.
  EXPECT_OK(ValidateDbConfig(DbConfig()));
  config = DbConfig();
  config.lock_wait_timeout = config.read_timeout;
  EXPECT_THAT(ValidateDbConfig(config),
              StatusIs(absl::StatusCode::kInvalidArgument));
  config = DbConfig();
  config.read_timeout = absl::Milliseconds(500);
  EXPECT_THAT(ValidateDbConfig(config),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DbConfigTest, ReadsAListOfClusterNodes) {
  DbConfig config;
  EXPECT_EQ(DescribeDbEndpoints(config), "127.0.0.1:3306");  // host and port
  ASSERT_OK(ApplyDbSetting("ENVCREDIT_DB_HOSTS", "10.0.0.1:3306, 10.0.0.2:3307", config));
  ASSERT_EQ(DbEndpoints(config).size(), 2u);
  EXPECT_EQ(DbEndpoints(config)[1].host, "10.0.0.2");
  EXPECT_EQ(DbEndpoints(config)[1].port, 3307);
  EXPECT_EQ(DescribeDbEndpoints(config), "10.0.0.1:3306,10.0.0.2:3307");
  EXPECT_OK(ValidateDbConfig(config));
  for (const char* bad : {"10.0.0.1", "10.0.0.1:0", "a:1,a:1", ":3306", "a:1,,b:2"}) {
    absl::Status status = ApplyDbSetting("ENVCREDIT_DB_HOSTS", bad, config);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("ENVCREDIT_DB_HOSTS"));
  }
  config.hosts.push_back(DbEndpoint{"", 3306});
  EXPECT_THAT(ValidateDbConfig(config), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SplitSqlStatementsTest, SplitsAtSemicolonsEndingALine) {
  EXPECT_THAT(
      SplitSqlStatements("-- comment; not a statement\n"
                         "CREATE TABLE a (\n  x INT\n);\n"
                         "\n  -- another\n"
                         "INSERT INTO a VALUES (1);  \n"
                         "UPDATE a SET x = 2"),
      ::testing::ElementsAre("CREATE TABLE a (\n  x INT\n)",
                             "INSERT INTO a VALUES (1)", "UPDATE a SET x = 2"));
  EXPECT_THAT(SplitSqlStatements("-- only a comment\n"), ::testing::IsEmpty());
  for (const Migration& migration : EmbeddedMigrations()) {
    EXPECT_FALSE(SplitSqlStatements(migration.sql).empty()) << migration.name;
  }
}

TEST(EscapeLikePatternTest, EscapesWildcardsAndTheEscapeCharacter) {
  EXPECT_EQ(EscapeLikePattern("100%_a\\b"), "100\\%\\_a\\\\b");
  EXPECT_EQ(EscapeLikePattern("环保𠀀"), "环保𠀀");
  EXPECT_EQ(EscapeLikePattern(""), "");
}

// Multi-row statements and IN lists keep to a few lengths, so each
// connection prepares each shape once (rows.h "Statement shapes").
TEST(StatementShapeTest, RowCountsAddUpInFixedSizes) {
  struct Case {
    size_t n, max;
    std::vector<size_t> counts;
  };
  const Case cases[] = {
      {0, 1000, {}},
      {7, 1000, {7}},
      {10, 1000, {10}},
      {997, 1000, {900, 90, 7}},
      {1000, 1000, {1000}},
      {1000, 500, {500, 500}},
      {997, 500, {500, 400, 90, 7}},
      {2345, 1000, {1000, 1000, 300, 40, 5}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FixedRowCounts(c.n, c.max), c.counts) << c.n << " of at most " << c.max;
  }
  std::set<size_t> sizes;
  for (size_t n = 1; n <= 1000; ++n) {
    size_t sum = 0;
    for (const size_t m : FixedRowCounts(n, 1000)) {
      sizes.insert(m);
      sum += m;
    }
    EXPECT_EQ(sum, n);
  }
  EXPECT_EQ(sizes.size(), 28u);  // 1..9, 10..90, 100..1000
}

TEST(StatementShapeTest, InListsArePaddedWithTheirLastValue) {
  struct Case {
    size_t n, max, padded;
  };
  const Case cases[] = {{1, 500, 1}, {3, 500, 4}, {200, 500, 256}, {257, 500, 500},
                        {500, 500, 500}, {600, 500, 600}};
  for (const Case& c : cases) {
    std::vector<SqlValue> values;
    for (size_t k = 0; k < c.n; ++k) values.emplace_back(static_cast<int64_t>(k));
    EXPECT_EQ(PadInList(values, c.max), c.padded) << c.n;
    ASSERT_EQ(values.size(), c.padded);
    for (size_t k = c.n; k < c.padded; ++k) {
      EXPECT_EQ(values[k].int_value(), static_cast<int64_t>(c.n - 1));
    }
  }
  std::vector<SqlValue> none;
  EXPECT_EQ(PadInList(none, 500), 0u);
}

TEST(StatementShapeTest, LongInListsAreCutThenEachPadded) {
  std::vector<SqlValue> values;
  for (int64_t k = 0; k < 1203; ++k) values.emplace_back(k);
  const std::vector<InList> lists = PaddedInLists(values, 500);
  ASSERT_EQ(lists.size(), 3u);  // 500 + 500 + 203 (padded to 256)
  EXPECT_EQ(lists[0].values.size(), 500u);
  EXPECT_EQ(lists[1].values.front().int_value(), 500);
  ASSERT_EQ(lists[2].values.size(), 256u);
  EXPECT_EQ(lists[2].values.front().int_value(), 1000);
  EXPECT_EQ(lists[2].values[202].int_value(), 1202);
  EXPECT_EQ(lists[2].values[255].int_value(), 1202);  // padded with the last value
  EXPECT_EQ(lists[2].marks, Marks(256));
  EXPECT_TRUE(PaddedInLists({}, 500).empty());
}

}  // namespace
}  // namespace envcredit::storage
