// Schema migrations: the numbered SQL scripts of server/storage/migrations/
// (0001_enterprises.sql, ...), embedded in the binary at build time and
// applied in order. Each applied script is recorded in the table
// schema_migrations (version, name, checksum, applied_at), so running
// Migrate twice applies nothing twice. A database that already has a version
// newer than this binary knows is refused, and so is one whose applied
// scripts differ from the embedded ones. Concurrent migrators (two servers
// starting at once, also through different nodes of a Galera cluster) are
// serialised by a lock row in schema_migration_lock, taken with a
// replicated INSERT (GET_LOCK would lock one node only): one migrates, the
// others wait and then find the schema current (doc/deployment.md).
//
// MySQL runs DDL outside transactions: a script that fails halfway leaves
// what it did. Keep each script to statements that are safe to look at by
// hand after a failure (normally one CREATE or ALTER per script).
//
// Thread-safety: the functions are thread-safe and process-safe (the lock).
#ifndef ENVCREDIT_SERVER_STORAGE_MIGRATIONS_H_
#define ENVCREDIT_SERVER_STORAGE_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/storage/database.h"

namespace envcredit::storage {

struct Migration {
  int version;                 // 1, 2, ... without gaps
  absl::string_view name;      // "0001_enterprises"
  absl::string_view sql;       // the script
  absl::string_view checksum;  // SHA-256 of the file, lower-case hex
};

// The migrations built into this binary, in version order (generated code).
absl::Span<const Migration> EmbeddedMigrations();

// The newest schema version this binary knows.
int LatestSchemaVersion();

// Applies the embedded migrations that are missing, in order, and returns
// the schema version now in force. FAILED_PRECONDITION (reason
// SCHEMA_TOO_NEW) when the database's newest version is newer than this
// binary's ("database schema version 7 is newer than this binary's 3;
// upgrade envcredit-server"); FAILED_PRECONDITION (reason SCHEMA_MISMATCH)
// when an applied migration has another name or checksum than the embedded
// one; UNAVAILABLE when the database cannot be reached or another migrator
// holds the lock for more than a minute; INTERNAL when a script fails.
absl::StatusOr<int> Migrate(Database& db);

// As Migrate, with another list of migrations (for tests).
absl::StatusOr<int> MigrateWith(Database& db,
                                absl::Span<const Migration> migrations);

// The newest version recorded in schema_migrations; 0 when the table does
// not exist. UNAVAILABLE / INTERNAL as Migrate.
absl::StatusOr<int> CurrentSchemaVersion(Database& db);

// Splits a migration script into statements: each ends with ';' at the end
// of a line; lines whose first non-blank characters are "--" are dropped.
std::vector<std::string> SplitSqlStatements(absl::string_view script);

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_MIGRATIONS_H_
