#include "tests/support/test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/storage/migrations.h"

namespace envcredit::testing {
namespace {

std::string SchemaName(absl::string_view suite_name) {
  static std::atomic<int> counter{0};
  std::string suite;
  for (char c : suite_name.substr(0, 32)) {
    suite += absl::ascii_isalnum(static_cast<unsigned char>(c))
                 ? absl::ascii_tolower(static_cast<unsigned char>(c))
                 : '_';
  }
  return absl::StrCat("t_", suite, "_", getpid(), "_", counter++);
}

TestDatabase* g_environment_database = nullptr;

}  // namespace

absl::StatusOr<storage::DbConfig> TestServerConfig() {
  const char* path = std::getenv(kTestDbEnvVariable);
  if (path == nullptr || *path == '\0') {
    return absl::FailedPreconditionError(absl::StrCat(
        kTestDbEnvVariable,
        " is not set: run this test through ctest, whose envcredit_db fixture "
        "starts the private database (scripts/db.sh)"));
  }
  storage::DbConfig defaults;
  defaults.database = "";
  defaults.pool_size = 2;
  return storage::DbConfigFromEnvFile(path, defaults);
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(
    absl::string_view suite_name) {
  return Create(suite_name, Options());
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(
    absl::string_view suite_name, const Options& options) {
  ASSIGN_OR_RETURN(storage::DbConfig server, TestServerConfig());
  std::unique_ptr<TestDatabase> test_db(new TestDatabase());
  ASSIGN_OR_RETURN(test_db->admin_, storage::Database::Open(server));

  const std::string schema = SchemaName(suite_name);
  {
    ASSIGN_OR_RETURN(storage::Session session, test_db->admin_->Checkout());
    // The name is made of [a-z0-9_] above, so splicing it is safe. A schema
    // of the same name can only be left over by a dead process of that pid.
    RETURN_IF_ERROR(session.ExecuteUnprepared(
        absl::StrCat("DROP DATABASE IF EXISTS `", schema, "`")));
    RETURN_IF_ERROR(session.ExecuteUnprepared(
        absl::StrCat("CREATE DATABASE `", schema,
                     "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")));
  }
  test_db->config_ = server;
  test_db->config_.database = schema;
  test_db->config_.pool_size = options.pool_size;
  ASSIGN_OR_RETURN(test_db->db_, storage::Database::Open(test_db->config_));
  if (options.migrate) {
    ASSIGN_OR_RETURN(int version, storage::Migrate(*test_db->db_));
    (void)version;
  }
  return test_db;
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (admin_ == nullptr || config_.database.empty()) return;
  absl::StatusOr<storage::Session> session = admin_->Checkout();
  absl::Status status =
      session.ok() ? session->ExecuteUnprepared(absl::StrCat(
                         "DROP DATABASE IF EXISTS `", config_.database, "`"))
                   : session.status();
  if (!status.ok()) {
    std::fprintf(stderr, "TestDatabase: could not drop schema %s: %s\n",
                 config_.database.c_str(), status.ToString().c_str());
  }
}

absl::StatusOr<std::unique_ptr<storage::Database>> TestDatabase::OpenDatabase(
    const storage::DbConfig& config) const {
  return storage::Database::Open(config);
}

TestDatabaseEnvironment::TestDatabaseEnvironment(std::string suite_name,
                                                 TestDatabase::Options options)
    : suite_name_(std::move(suite_name)), options_(options) {}

void TestDatabaseEnvironment::SetUp() {
  absl::StatusOr<std::unique_ptr<TestDatabase>> db =
      TestDatabase::Create(suite_name_, options_);
  ASSERT_TRUE(db.ok()) << db.status();
  database_ = *std::move(db);
  g_environment_database = database_.get();
}

void TestDatabaseEnvironment::TearDown() {
  if (g_environment_database == database_.get()) {
    g_environment_database = nullptr;
  }
  database_.reset();
}

TestDatabase& TestDatabaseEnvironment::Get() { return *g_environment_database; }

}  // namespace envcredit::testing
