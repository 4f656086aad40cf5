// A real database restart: runs a private MariaDB of its own (under this
// build folder, via scripts/db.sh), so the shared test instance is never
// disturbed. The CTest cleanup test storage_restart_db_stop stops it even if
// this binary crashes.
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/database.h"
#include "server/storage/db_config.h"
#include "server/storage/sql_error.h"
#include "tests/support/status_matchers.h"

namespace envcredit::storage {
namespace {

using ::envcredit::testing::StatusIs;

int DbScript(const std::string& command) {
  const std::string line = absl::StrCat(ENVCREDIT_DB_SCRIPT, " ", command, " ",
                                        ENVCREDIT_RESTART_RUN_DIR, " >&2");
  return std::system(line.c_str());
}

// Stops the instance when the test ends, however it ends.
struct StopGuard {
  ~StopGuard() { DbScript("stop"); }
};

absl::Status InsertRow(Database& db, int id) {
  return db.RunInTransaction([&](Transaction& tx) {
    return tx.Execute("INSERT INTO restart_probe (id) VALUES (?)", {id})
        .status();
  });
}

TEST(DatabaseRestartTest, QueriesSucceedAfterTheServerRestarts) {
  StopGuard guard;
  ASSERT_EQ(DbScript("start"), 0);
  absl::StatusOr<DbConfig> config = DbConfigFromEnvFile(
      absl::StrCat(ENVCREDIT_RESTART_RUN_DIR, "/db/db.env"));
  ASSERT_OK(config);
  config->database = "restart_test";
  config->create_database_if_missing = true;
  config->pool_size = 3;
  config->checkout_timeout = absl::Seconds(5);
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(*config);
  ASSERT_OK(db);
  {
    absl::StatusOr<Session> session = (*db)->Checkout();
    ASSERT_OK(session);
    ASSERT_OK(session->ExecuteUnprepared("DROP TABLE IF EXISTS restart_probe"));
    ASSERT_OK(session->ExecuteUnprepared(
        "CREATE TABLE restart_probe (id INT NOT NULL PRIMARY KEY) "
        "ENGINE = InnoDB"));
  }
  // Fill the pool with prepared statements on live connections.
  ASSERT_OK(InsertRow(**db, 1));
  {
    absl::StatusOr<Session> a = (*db)->Checkout();
    absl::StatusOr<Session> b = (*db)->Checkout();
    absl::StatusOr<Session> c = (*db)->Checkout();
    ASSERT_OK(a);
    ASSERT_OK(b);
    ASSERT_OK(c);
  }
  ASSERT_EQ((*db)->stats().idle, 3);

  ASSERT_EQ(DbScript("stop"), 0);
  EXPECT_THAT(InsertRow(**db, 2),
              StatusIs(absl::StatusCode::kUnavailable, kReasonDbUnavailable));
  EXPECT_THAT((*db)->Ping(),
              StatusIs(absl::StatusCode::kUnavailable, kReasonDbUnavailable));

  ASSERT_EQ(DbScript("start"), 0);  // the same port when still free
  absl::StatusOr<DbConfig> again = DbConfigFromEnvFile(
      absl::StrCat(ENVCREDIT_RESTART_RUN_DIR, "/db/db.env"));
  ASSERT_OK(again);
  ASSERT_EQ(again->port, config->port) << "the port changed across restarts";

  // Every pooled connection is dead; the pool recovers by itself, with the
  // statements prepared again on new connections.
  for (int id = 3; id < 10; ++id) EXPECT_OK(InsertRow(**db, id));
  EXPECT_OK((*db)->Ping());
  absl::StatusOr<Session> session = (*db)->Checkout();
  ASSERT_OK(session);
  absl::StatusOr<std::optional<Row>> row =
      session->QueryRow("SELECT COUNT(*) FROM restart_probe");
  ASSERT_OK(row);
  EXPECT_EQ((*row)->GetInt64(0), 8);  // 1 and 3..9
  EXPECT_LE((*db)->stats().live, 3);
}

}  // namespace
}  // namespace envcredit::storage
