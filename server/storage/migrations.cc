#include "server/storage/migrations.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/storage/sql_error.h"

namespace envcredit::storage {
namespace {

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT NOT NULL,"
    " name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
    " checksum CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
    " applied_at DATETIME(6) NOT NULL,"
    " PRIMARY KEY (version)"
    ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin";

// The migration lock is a row, not GET_LOCK: under Galera GET_LOCK locks
// the one node it runs on, so two servers migrating through different nodes
// would both go ahead. A row inserted in autocommit is a replicated write:
// of two migrators inserting it on two nodes, one commits and the other
// gets a duplicate key or a certification conflict, on MySQL 8 and plain
// MariaDB alike. One table per schema: tests run many schemas at once.
constexpr char kCreateLockTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migration_lock ("
    " id TINYINT NOT NULL,"
    " owner_node VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
    " owner_user VARCHAR(400) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
    " owner_connection BIGINT NOT NULL,"
    " expires_at DATETIME(6) NOT NULL,"
    " PRIMARY KEY (id)"
    ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin";
// Who holds it: the node (host and port as that node reports them), the
// account and the connection there. A holder's lock lapses
// kLockLeaseSeconds after its last step, so a migrator that died on another
// node blocks the others for that long at most; one that died on the
// waiter's own node (its connection is gone from the process list) is
// replaced at once.
constexpr char kThisNode[] = "CONCAT(@@hostname, ':', @@port)";
constexpr int kLockLeaseSeconds = 300;
constexpr int kLockTimeoutSeconds = 60;
constexpr absl::Duration kLockTryEvery = absl::Seconds(1);

struct Applied {
  std::string name;
  std::string checksum;
};

absl::StatusOr<bool> MigrationsTableExists(Session& session) {
  ASSIGN_OR_RETURN(
      std::optional<Row> row,
      session.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES "
                       "WHERE TABLE_SCHEMA = DATABASE() "
                       "AND TABLE_NAME = 'schema_migrations'"));
  return row.has_value() && row->GetInt64(0) > 0;
}

using AppliedMap = std::map<int, Applied>;

absl::StatusOr<AppliedMap> ReadApplied(Session& session) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   session.Query("SELECT version, name, checksum "
                                 "FROM schema_migrations ORDER BY version"));
  AppliedMap applied;
  for (const Row& row : rows) {
    applied[static_cast<int>(row.GetInt64(0))] = {row.GetString(1),
                                                  row.GetString(2)};
  }
  return applied;
}

// Holds the migration lock of the session's schema while alive.
class MigrationLock {
 public:
  static absl::StatusOr<MigrationLock> Acquire(Session& session) {
    RETURN_IF_ERROR(session.ExecuteUnprepared(kCreateLockTable));
    const absl::Time deadline = absl::Now() + absl::Seconds(kLockTimeoutSeconds);
    while (true) {
      // A lapsed lock, or one whose holder's connection to this very node
      // is gone (a crash), is released first.
      RETURN_IF_ERROR(
          session
              .Execute(absl::StrCat(
                           "DELETE FROM schema_migration_lock WHERE id = 1 AND "
                           "(expires_at < UTC_TIMESTAMP(6) OR (owner_node = ",
                           kThisNode,
                           " AND owner_user = CURRENT_USER() AND NOT EXISTS ("
                           "SELECT 1 FROM information_schema.PROCESSLIST "
                           "WHERE ID = owner_connection)))"))
              .status());
      absl::Status taken =
          session
              .Execute(absl::StrCat(
                           "INSERT INTO schema_migration_lock (id, owner_node, "
                           "owner_user, owner_connection, expires_at) VALUES "
                           "(1, ",
                           kThisNode,
                           ", CURRENT_USER(), CONNECTION_ID(), "
                           "UTC_TIMESTAMP(6) + INTERVAL ? SECOND)"),
                       {kLockLeaseSeconds})
              .status();
      if (taken.ok()) return MigrationLock(&session);
      // Held by another migrator (a duplicate key), or lost to one on
      // another node at the same moment (a certification conflict).
      if (!absl::IsAlreadyExists(taken) && !absl::IsAborted(taken)) return taken;
      if (absl::Now() >= deadline) {
        return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                         absl::StrCat("another process has been migrating this "
                                      "database for more than ",
                                      kLockTimeoutSeconds, " s; retry later"));
      }
      absl::SleepFor(kLockTryEvery);
    }
  }

  MigrationLock(MigrationLock&& other) noexcept
      : session_(std::exchange(other.session_, nullptr)) {}
  MigrationLock& operator=(MigrationLock&&) = delete;

  ~MigrationLock() {
    if (session_ == nullptr) return;
    absl::Status released = session_->Execute(kDeleteOwn).status();
    if (!released.ok()) {
      LogError(absl::StrCat("the schema migration lock was not released (",
                            released.ToString(), "); it lapses after ",
                            kLockLeaseSeconds, " s"));
    }
  }

  // Extends the lease: called after every migration script.
  absl::Status Renew() {
    return session_
        ->Execute(absl::StrCat("UPDATE schema_migration_lock SET expires_at = "
                               "UTC_TIMESTAMP(6) + INTERVAL ? SECOND ",
                               kOwnRow),
                  {kLockLeaseSeconds})
        .status();
  }

 private:
  static constexpr char kOwnRow[] =
      "WHERE id = 1 AND owner_connection = CONNECTION_ID() AND "
      "owner_node = CONCAT(@@hostname, ':', @@port)";
  static constexpr char kDeleteOwn[] =
      "DELETE FROM schema_migration_lock WHERE id = 1 AND owner_connection = "
      "CONNECTION_ID() AND owner_node = CONCAT(@@hostname, ':', @@port)";

  explicit MigrationLock(Session* session) : session_(session) {}
  Session* session_;
};

}  // namespace

int LatestSchemaVersion() {
  absl::Span<const Migration> migrations = EmbeddedMigrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

std::vector<std::string> SplitSqlStatements(absl::string_view script) {
  std::vector<std::string> statements;
  std::string current;
  for (absl::string_view line : absl::StrSplit(script, '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed.empty() || absl::StartsWith(trimmed, "--")) continue;
    if (!current.empty()) current += '\n';
    current += std::string(absl::StripTrailingAsciiWhitespace(line));
    if (absl::EndsWith(trimmed, ";")) {
      current.pop_back();  // the ';'
      statements.push_back(std::move(current));
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    statements.push_back(std::move(current));
  }
  return statements;
}

absl::StatusOr<int> MigrateWith(Database& db,
                                absl::Span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  ASSIGN_OR_RETURN(Session session, db.Checkout());
  ASSIGN_OR_RETURN(MigrationLock lock, MigrationLock::Acquire(session));
  RETURN_IF_ERROR(session.ExecuteUnprepared(kCreateMigrationsTable));
  ASSIGN_OR_RETURN(AppliedMap applied, ReadApplied(session));

  if (!applied.empty() && applied.rbegin()->first > latest) {
    return MakeError(
        absl::StatusCode::kFailedPrecondition, kReasonSchemaTooNew,
        absl::StrCat("database schema version ", applied.rbegin()->first,
                     " is newer than this binary's ", latest,
                     "; upgrade envcredit-server"));
  }
  for (const Migration& migration : migrations) {
    auto it = applied.find(migration.version);
    if (it == applied.end()) continue;
    if (it->second.name != migration.name ||
        it->second.checksum != migration.checksum) {
      return MakeError(
          absl::StatusCode::kFailedPrecondition, kReasonSchemaMismatch,
          absl::StrCat("schema migration ", migration.version,
                       " was applied "
                       "as ",
                       it->second.name, " with checksum ", it->second.checksum,
                       ", but this binary has ", migration.name,
                       " with checksum ", migration.checksum,
                       "; a migration must never change once released"));
    }
  }

  int version = applied.empty() ? 0 : applied.rbegin()->first;
  for (const Migration& migration : migrations) {
    if (applied.count(migration.version) > 0) continue;
    for (const std::string& statement : SplitSqlStatements(migration.sql)) {
      absl::Status status = session.ExecuteUnprepared(statement);
      if (!status.ok()) {
        LogError(absl::StrCat("schema migration ", migration.name,
                              " failed: ", status.ToString()));
        return status;
      }
    }
    RETURN_IF_ERROR(
        session
            .Execute("INSERT INTO schema_migrations "
                     "(version, name, checksum, applied_at) "
                     "VALUES (?, ?, ?, UTC_TIMESTAMP(6))",
                     {migration.version, migration.name, migration.checksum})
            .status());
    LogInfo(absl::StrCat("applied schema migration ", migration.name));
    RETURN_IF_ERROR(lock.Renew());
    version = std::max(version, migration.version);
  }
  return version;
}

absl::StatusOr<int> Migrate(Database& db) {
  return MigrateWith(db, EmbeddedMigrations());
}

absl::StatusOr<int> CurrentSchemaVersion(Database& db) {
  ASSIGN_OR_RETURN(Session session, db.Checkout());
  ASSIGN_OR_RETURN(bool exists, MigrationsTableExists(session));
  if (!exists) return 0;
  ASSIGN_OR_RETURN(
      std::optional<Row> row,
      session.QueryRow(
          "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return row.has_value() ? static_cast<int>(row->GetInt64(0)) : 0;
}

}  // namespace envcredit::storage
