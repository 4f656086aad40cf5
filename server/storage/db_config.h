// Where the database is and how the pool talks to it. Plain values: the
// server fills a DbConfig from its flags (whose defaults come from the
// ENVCREDIT_DB_* environment variables), the tests from the db.env file that
// scripts/db.sh writes.
//
// Thread-safety: DbConfig is a value; the functions below only read the
// process environment or a file and may be called from any thread.
#ifndef ENVCREDIT_SERVER_STORAGE_DB_CONFIG_H_
#define ENVCREDIT_SERVER_STORAGE_DB_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/storage/transaction_retry.h"

namespace envcredit::storage {

// One database server (a node of a cluster).
struct DbEndpoint {
  std::string host;
  int port = 3306;
  friend bool operator==(const DbEndpoint& a, const DbEndpoint& b) {
    return a.host == b.host && a.port == b.port;
  }
};

struct DbConfig {
  std::string host = "127.0.0.1";
  int port = 3306;
  // The nodes of a cluster (Galera), in order of preference; when set, host
  // and port are not used. The server sends all its work to one node at a
  // time, the first that answers, and fails over to the next when it dies
  // (database.h "Nodes", doc/deployment.md).
  std::vector<DbEndpoint> hosts;
  std::string user = "root";
  std::string password;
  // The schema to use. Empty means "no default schema" (administrative
  // connections only, e.g. the test fixture that creates schemas).
  std::string database = "envcredit";
  int pool_size = 8;  // live connections, at most
  // Every wait on the database is bounded (doc/database.md "Timeouts").
  // The connector counts the first three in whole seconds (rounded up).
  // Per connection attempt (TCP connect and the server's greeting).
  absl::Duration connect_timeout = absl::Seconds(2);
  // How long one read or write on a connection may wait for the server:
  // above the longest legitimate statement, and above lock_wait_timeout, so
  // a row-lock wait ends as ABORTED rather than as a lost connection.
  absl::Duration read_timeout = absl::Seconds(10);
  absl::Duration write_timeout = absl::Seconds(10);
  // SET SESSION innodb_lock_wait_timeout on every connection (whole seconds).
  absl::Duration lock_wait_timeout = absl::Seconds(5);
  // Waiting for a free pooled connection.
  absl::Duration checkout_timeout = absl::Seconds(2);
  // Transactions that fail transiently run again (transaction_retry.h).
  TransactionRetryPolicy retry;
  // Database::Open runs CREATE DATABASE IF NOT EXISTS (utf8mb4) first.
  bool create_database_if_missing = false;
};

// The environment variables read by DbConfigFromEnv / DbConfigFromEnvFile:
//   ENVCREDIT_DB_HOST, ENVCREDIT_DB_PORT, ENVCREDIT_DB_HOSTS (host:port,...), ENVCREDIT_DB_USER,
//   ENVCREDIT_DB_PASSWORD, ENVCREDIT_DB_NAME, ENVCREDIT_DB_POOL_SIZE,
//   ENVCREDIT_DB_CONNECT_TIMEOUT_MS, ENVCREDIT_DB_CHECKOUT_TIMEOUT_MS,
//   ENVCREDIT_DB_READ_TIMEOUT_MS, ENVCREDIT_DB_WRITE_TIMEOUT_MS,
//   ENVCREDIT_DB_LOCK_WAIT_TIMEOUT_MS.
// Other keys (ENVCREDIT_DB_SOCKET, used by the mariadb command-line client)
// are ignored.

// `defaults` overridden by the ENVCREDIT_DB_* variables that are set.
// INVALID_ARGUMENT when a number does not parse or is out of range.
absl::StatusOr<DbConfig> DbConfigFromEnv(DbConfig defaults = {});

// `defaults` overridden by the KEY=VALUE lines of `path` (the db.env file
// written by scripts/db.sh; blank lines and lines starting with # are
// skipped). NOT_FOUND when the file cannot be read; INVALID_ARGUMENT as
// DbConfigFromEnv.
absl::StatusOr<DbConfig> DbConfigFromEnvFile(const std::string& path,
                                             DbConfig defaults = {});

// Applies one KEY=VALUE setting. Unknown keys are ignored. INVALID_ARGUMENT
// when the value of a numeric key is not a number in range.
absl::Status ApplyDbSetting(absl::string_view key, absl::string_view value,
                            DbConfig& config);

// The nodes `config` names: `hosts`, else {host, port}.
std::vector<DbEndpoint> DbEndpoints(const DbConfig& config);

// "host:port" of each node, joined by commas (for log lines and messages).
std::string DescribeDbEndpoints(const DbConfig& config);

// Parses "host:port,host:port,..." (a list of at most 16 distinct nodes,
// each port in 1..65535). INVALID_ARGUMENT naming `setting` otherwise.
absl::StatusOr<std::vector<DbEndpoint>> ParseDbHosts(absl::string_view setting,
                                                     absl::string_view text);

// OK when `config` can be used: a host, a port in 1..65535 (or a valid list
// of hosts), a user, a pool
// size in 1..1000, connect, read and write timeouts of at least 1 s, a lock
// wait timeout of at least 1 s and below the read timeout, a positive
// checkout timeout, and a database name that is empty or
// made of [A-Za-z0-9_$] (at most 64). INVALID_ARGUMENT naming the setting.
absl::Status ValidateDbConfig(const DbConfig& config);

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_DB_CONFIG_H_
