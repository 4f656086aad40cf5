// How database errors become absl::Status values. This is the one mapping
// of MySQL / MariaDB error numbers to canonical codes (STYLE.md 4); the
// storage code calls it for every sql::SQLException it catches.
//
//   error numbers                                code            reason
//   1062 duplicate key                           ALREADY_EXISTS  DB_DUPLICATE_KEY
//   1213 deadlock, 1205 lock wait timeout        ABORTED         DB_CONFLICT
//   (a Galera certification failure is 1213)
//   1047 node not ready, 1180 error during       UNAVAILABLE     DB_NOT_PRIMARY
//   commit (Galera: not in the primary component)
//   2002 2003 2005 cannot connect; 2006 2013     UNAVAILABLE     DB_UNAVAILABLE
//   2055 1927 4031 connection lost; 1053
//   server shutdown
//   anything else                                INTERNAL        DB_ERROR
//
// Client-visible messages are generic: SQL text and server messages never
// reach a client. UNAVAILABLE and INTERNAL errors are logged to stderr with
// the server's text and the error number, at most once a minute per context
// and error number (LogLimited, common/log.h), then with a repeat count.
//
// Which of these a transaction runs again by itself: transaction_retry.h.
//
// Thread-safety: pure functions (logging writes one line to stderr at once).
#ifndef ENVCREDIT_SERVER_STORAGE_SQL_ERROR_H_
#define ENVCREDIT_SERVER_STORAGE_SQL_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace envcredit::storage {

// Reasons (google.rpc.ErrorInfo.reason) of database errors.
inline constexpr char kReasonDbUnavailable[] = "DB_UNAVAILABLE";
inline constexpr char kReasonDbPoolExhausted[] = "DB_POOL_EXHAUSTED";
inline constexpr char kReasonDbConflict[] = "DB_CONFLICT";
inline constexpr char kReasonDbNotPrimary[] = "DB_NOT_PRIMARY";
inline constexpr char kReasonDbDuplicateKey[] = "DB_DUPLICATE_KEY";
inline constexpr char kReasonDbError[] = "DB_ERROR";
inline constexpr char kReasonSchemaTooNew[] = "SCHEMA_TOO_NEW";
inline constexpr char kReasonSchemaMismatch[] = "SCHEMA_MISMATCH";

// True for errors after which the connection is gone (2006 server has gone
// away, 2013 lost during query, 2055 lost at a system call, 1927 connection
// killed, 4031 disconnected for inactivity, 1053 server shutdown).
bool IsConnectionLostError(int error_code);

// True for errors of a connection attempt that found no server (2002 socket,
// 2003 TCP refused, 2005 unknown host).
bool IsConnectError(int error_code);

// Maps a MySQL error to a status as in the table above. `context` says what
// was being done ("insert enterprise"); it goes to the log, and `sql_state`
// and `server_message` go only to the log too.
absl::Status MapSqlError(int error_code, absl::string_view sql_state,
                         absl::string_view server_message,
                         absl::string_view context);

// True when `status` came from MapSqlError for a lost or refused connection
// (UNAVAILABLE with reason DB_UNAVAILABLE).
bool IsDbUnavailable(const absl::Status& status);

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_SQL_ERROR_H_
