// Schema migrations against the private MariaDB.
#include "server/storage/migrations.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/storage/sql_error.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace envcredit::storage {
namespace {

using ::envcredit::testing::StatusIs;
using ::envcredit::testing::TestDatabase;
using ::testing::HasSubstr;

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestDatabase::Options options;
    options.migrate = false;
    auto db = TestDatabase::Create("storage_migrations", options);
    ASSERT_TRUE(db.ok()) << db.status();
    test_db_ = *std::move(db);
  }

  Database& db() { return test_db_->db(); }

  int64_t QueryInt(absl::string_view sql) {
    absl::StatusOr<Session> session = db().Checkout();
    if (!session.ok()) return -1;
    absl::StatusOr<std::optional<Row>> row = session->QueryRow(sql);
    return row.ok() && row->has_value() ? (*row)->GetInt64(0) : -1;
  }

  std::unique_ptr<TestDatabase> test_db_;
};

TEST_F(MigrationsTest, EmbeddedMigrationsAreNumberedWithoutGaps) {
  absl::Span<const Migration> migrations = EmbeddedMigrations();
  ASSERT_GE(migrations.size(), 2u);
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1));
    EXPECT_EQ(migrations[i].checksum.size(), 64u);
  }
  EXPECT_EQ(migrations[0].name, "0001_enterprises");
  EXPECT_EQ(LatestSchemaVersion(), migrations.back().version);
}

TEST_F(MigrationsTest, RunningTwiceAppliesEachMigrationOnce) {
  absl::StatusOr<int> before = CurrentSchemaVersion(db());
  ASSERT_OK(before);
  EXPECT_EQ(*before, 0);
  absl::StatusOr<int> first = Migrate(db());
  ASSERT_OK(first);
  EXPECT_EQ(*first, LatestSchemaVersion());
  const int64_t count = QueryInt("SELECT COUNT(*) FROM schema_migrations");
  EXPECT_EQ(count, LatestSchemaVersion());
  const int64_t applied_at = QueryInt(
      "SELECT MAX(UNIX_TIMESTAMP(applied_at) * 1000000) "
      "FROM schema_migrations");

  absl::StatusOr<int> second = Migrate(db());
  ASSERT_OK(second);
  EXPECT_EQ(*second, LatestSchemaVersion());
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM schema_migrations"), count);
  EXPECT_EQ(QueryInt("SELECT MAX(UNIX_TIMESTAMP(applied_at) * 1000000) "
                     "FROM schema_migrations"),
            applied_at);
  absl::StatusOr<int> current = CurrentSchemaVersion(db());
  ASSERT_OK(current);
  EXPECT_EQ(*current, LatestSchemaVersion());
}

TEST_F(MigrationsTest, AppliesOnlyTheNewOnes) {
  absl::Span<const Migration> embedded = EmbeddedMigrations();
  ASSERT_OK(MigrateWith(db(), embedded.subspan(0, 1)));
  absl::StatusOr<int> current = CurrentSchemaVersion(db());
  ASSERT_OK(current);
  EXPECT_EQ(*current, 1);

  std::vector<Migration> extended(embedded.begin(), embedded.end());
  const int next = static_cast<int>(extended.size()) + 1;
  extended.push_back(
      {next, "9999_test_extra",
       "-- a test migration\nCREATE TABLE extra (\n"
       "  id INT NOT NULL PRIMARY KEY\n) ENGINE = InnoDB;\n"
       "INSERT INTO extra (id) VALUES (1);\n",
       "0000000000000000000000000000000000000000000000000000000000000000"});
  absl::StatusOr<int> migrated = MigrateWith(db(), extended);
  ASSERT_OK(migrated);
  EXPECT_EQ(*migrated, next);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM extra"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM schema_migrations"), next);
}

// Schema version 14 moves the black-list notices out of the entry rows
// (publication_entries.notice_text) into publication_notices, and 15 drops
// the column. A migrator that died after 14's statements but before it
// recorded 14 runs them again on its next start: the texts are not copied
// twice (a duplicate key would stop the server's start).
TEST_F(MigrationsTest, NoticesMoveToTheirOwnTableEvenWhenTheMoveRunsTwice) {
  absl::Span<const Migration> embedded = EmbeddedMigrations();
  size_t moved = 0;
  while (moved < embedded.size() && embedded[moved].name != "0014_publication_notices") ++moved;
  ASSERT_LT(moved, embedded.size());
  ASSERT_OK(MigrateWith(db(), embedded.subspan(0, moved)));
  {
    absl::StatusOr<Session> session = db().Checkout();
    ASSERT_OK(session);
    // Publication 7: a noticed black-list entry and one not noticed yet.
    for (const auto& [code, notice] :
         std::vector<std::pair<std::string, std::optional<std::string>>>{
             {"91320100MA1XXXXX01", std::string("告知书：示例企业一")},
             {"91320100MA1XXXXX02", std::nullopt}}) {
      ASSERT_OK(session->Execute(
          "INSERT INTO publication_entries (publication_id, credit_code, enterprise_id, "
          "enterprise_name, legal_representative, region_code, level, points, reasons, "
          "listing_date, change_kind, notice_text) VALUES (7, ?, 1, '（虚构）示例', '王示例', "
          "'320100', 4, -12, '', '2024-01-01', 1, ?)",
          {code, notice ? SqlValue(*notice) : SqlValue(nullptr)}));
    }
    // 14's statements, as a migrator that died before recording them ran them.
    for (const std::string& statement : SplitSqlStatements(embedded[moved].sql)) {
      ASSERT_OK(session->ExecuteUnprepared(statement));
    }
  }
  absl::StatusOr<int> migrated = Migrate(db());
  ASSERT_OK(migrated);
  EXPECT_EQ(*migrated, LatestSchemaVersion());
  absl::StatusOr<Session> session = db().Checkout();
  ASSERT_OK(session);
  absl::StatusOr<std::vector<Row>> notices = session->Query(
      "SELECT publication_id, credit_code, notice_text FROM publication_notices");
  ASSERT_OK(notices);
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_EQ((*notices)[0].GetInt64(0), 7);
  EXPECT_EQ((*notices)[0].GetString(1), "91320100MA1XXXXX01");
  EXPECT_EQ((*notices)[0].GetString(2), "告知书：示例企业一");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM publication_entries"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                     "DATABASE() AND TABLE_NAME = 'publication_entries' AND COLUMN_NAME = "
                     "'notice_text'"),
            0);
}

TEST_F(MigrationsTest, NewerDatabaseIsRefused) {
  ASSERT_OK(Migrate(db()));
  const int newer = LatestSchemaVersion() + 4;
  {
    absl::StatusOr<Session> session = db().Checkout();
    ASSERT_OK(session);
    ASSERT_OK(session->Execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
        "VALUES (?, ?, ?, UTC_TIMESTAMP(6))",
        {newer, "from_the_future", std::string(64, 'f')}));
  }
  absl::StatusOr<int> migrated = Migrate(db());
  EXPECT_THAT(migrated, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 kReasonSchemaTooNew));
  EXPECT_EQ(std::string(migrated.status().message()),
            absl::StrCat("database schema version ", newer,
                         " is newer than this binary's ", LatestSchemaVersion(),
                         "; upgrade envcredit-server"));
  absl::StatusOr<int> current = CurrentSchemaVersion(db());
  ASSERT_OK(current);
  EXPECT_EQ(*current, newer);
}

TEST_F(MigrationsTest, ChangedMigrationIsRefused) {
  ASSERT_OK(Migrate(db()));
  std::vector<Migration> changed(EmbeddedMigrations().begin(),
                                 EmbeddedMigrations().end());
  changed[0].checksum =
      "1111111111111111111111111111111111111111111111111111111111111111";
  absl::StatusOr<int> migrated = MigrateWith(db(), changed);
  EXPECT_THAT(migrated, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 kReasonSchemaMismatch));
  EXPECT_THAT(std::string(migrated.status().message()),
              HasSubstr("0001_enterprises"));
}

TEST_F(MigrationsTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  std::vector<std::unique_ptr<Database>> pools;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<std::unique_ptr<Database>> pool =
        test_db_->OpenDatabase(test_db_->config());
    ASSERT_OK(pool);
    pools.push_back(*std::move(pool));
  }
  std::vector<absl::StatusOr<int>> results(pools.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < pools.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = Migrate(*pools[i]); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::StatusOr<int>& result : results) {
    ASSERT_OK(result);
    EXPECT_EQ(*result, LatestSchemaVersion());
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM schema_migrations"),
            LatestSchemaVersion());
}

// The migration lock is a replicated row (a Galera cluster: GET_LOCK would
// lock one node only). A lock whose holder is gone must not block a start:
// one whose lease lapsed, or whose connection to this very node no longer
// exists (a migrator that crashed), is taken over at once.
TEST_F(MigrationsTest, ALockLeftByADeadMigratorIsTakenOver) {
  ASSERT_OK(Migrate(db()));  // creates the lock table
  absl::StatusOr<Session> session = db().Checkout();
  ASSERT_OK(session);
  const std::vector<std::string> stale_locks = {
      // Connection 0 never exists on this node.
      "INSERT INTO schema_migration_lock VALUES (1, CONCAT(@@hostname, ':', @@port), "
      "CURRENT_USER(), 0, UTC_TIMESTAMP(6) + INTERVAL 1 HOUR)",
      // Another node's migrator whose lease lapsed.
      "INSERT INTO schema_migration_lock VALUES (1, 'elsewhere:3306', 'x@%', 7, "
      "UTC_TIMESTAMP(6) - INTERVAL 1 SECOND)"};
  for (const std::string& insert : stale_locks) {
    ASSERT_OK(session->Execute(insert).status());
    EXPECT_OK(Migrate(db()));
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM schema_migration_lock"), 0)
        << "the migrator releases the lock it took over";
  }
}

TEST_F(MigrationsTest, TablesAreInnoDbUtf8mb4) {
  ASSERT_OK(Migrate(db()));
  absl::StatusOr<Session> session = db().Checkout();
  ASSERT_OK(session);
  absl::StatusOr<std::vector<Row>> rows = session->Query(
      "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM "
      "information_schema.TABLES "
      "WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME");
  ASSERT_OK(rows);
  std::vector<std::string> names;
  for (const Row& row : *rows) {
    names.push_back(row.GetString(0));
    EXPECT_EQ(row.GetString(1), "InnoDB") << row.GetString(0);
    EXPECT_THAT(row.GetString(2), ::testing::StartsWith("utf8mb4_"))
        << row.GetString(0);
  }
  EXPECT_THAT(names, ::testing::IsSupersetOf(
                         {"enterprises", "request_log", "schema_migrations",
                          "commitments", "commitment_items",
                          "penalty_decisions", "complaints",
                          "complaint_decisions", "incidents", "audit_log"}));
  absl::StatusOr<std::optional<Row>> code = session->QueryRow(
      "SELECT COLLATION_NAME FROM information_schema.COLUMNS "
      "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'enterprises' "
      "AND COLUMN_NAME = 'credit_code'");
  ASSERT_OK(code);
  ASSERT_TRUE(code->has_value());
  EXPECT_EQ((*code)->GetString(0), "utf8mb4_bin");
}

}  // namespace
}  // namespace envcredit::storage
