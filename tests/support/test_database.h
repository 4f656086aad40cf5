// A fresh, migrated schema on the test suite's private MariaDB for one test
// suite (or one test binary), dropped again when the TestDatabase is
// destroyed. The database server itself is started by the CTest fixture
// envcredit_db (tests/support/CMakeLists.txt), which sets
// ENVCREDIT_TEST_DB_ENV to the db.env file of scripts/db.sh.
//
//   class MyTest : public ::testing::Test {
//    protected:
//     static void SetUpTestSuite() {
//       auto db = testing::TestDatabase::Create("my_suite");
//       ASSERT_TRUE(db.ok()) << db.status();
//       database_ = db->release();
//     }
//     static void TearDownTestSuite() { delete database_; }
//     static testing::TestDatabase* database_;
//   };
//
// or, for a whole binary, ::testing::AddGlobalTestEnvironment(
//     new testing::TestDatabaseEnvironment("my_binary")) and
// TestDatabaseEnvironment::Get().
//
// Thread-safety: Create may run on any thread; a TestDatabase's accessors
// are thread-safe (db() is a thread-safe Database).
#ifndef ENVCREDIT_TESTS_SUPPORT_TEST_DATABASE_H_
#define ENVCREDIT_TESTS_SUPPORT_TEST_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "server/storage/database.h"
#include "server/storage/db_config.h"

namespace envcredit::testing {

// The environment variable naming the db.env file of the test database.
inline constexpr char kTestDbEnvVariable[] = "ENVCREDIT_TEST_DB_ENV";

// The server settings from $ENVCREDIT_TEST_DB_ENV, with no schema.
// FAILED_PRECONDITION when the variable is unset (run the test through
// CTest, whose envcredit_db fixture starts the database); NOT_FOUND when the
// file is missing (the database did not start).
absl::StatusOr<storage::DbConfig> TestServerConfig();

class TestDatabase {
 public:
  struct Options {
    bool migrate = true;  // apply the embedded migrations
    int pool_size = 4;    // of db()
  };

  // Creates schema "t_<suite>_<pid>_<n>" (suite lower-cased, other
  // characters replaced by '_'), applies the migrations and opens db().
  // Errors of TestServerConfig, Database::Open and Migrate.
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create(
      absl::string_view suite_name);
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create(
      absl::string_view suite_name, const Options& options);

  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  // Closes db() and drops the schema (errors are printed, not fatal).
  ~TestDatabase();

  // Settings pointing at the schema (pool size as Options::pool_size).
  const storage::DbConfig& config() const { return config_; }
  const std::string& schema() const { return config_.database; }

  // A pool on the schema.
  storage::Database& db() { return *db_; }

  // A pool without a default schema on the same server, for administrative
  // statements (KILL CONNECTION, counting connections). Pool size 2.
  storage::Database& admin() { return *admin_; }

  // Opens another pool on the schema with `config` changes applied by the
  // caller (e.g. a different pool size). Errors of Database::Open.
  absl::StatusOr<std::unique_ptr<storage::Database>> OpenDatabase(
      const storage::DbConfig& config) const;

 private:
  TestDatabase() = default;

  storage::DbConfig config_;
  std::unique_ptr<storage::Database> admin_;
  std::unique_ptr<storage::Database> db_;
};

// A GoogleTest environment owning one TestDatabase for a whole test binary.
// SetUp fails the run when the database cannot be made.
class TestDatabaseEnvironment : public ::testing::Environment {
 public:
  explicit TestDatabaseEnvironment(std::string suite_name,
                                   TestDatabase::Options options = {});
  void SetUp() override;
  void TearDown() override;

  // The database of the environment registered last. Precondition: SetUp
  // succeeded.
  static TestDatabase& Get();

 private:
  std::string suite_name_;
  TestDatabase::Options options_;
  std::unique_ptr<TestDatabase> database_;
};

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_SUPPORT_TEST_DATABASE_H_
