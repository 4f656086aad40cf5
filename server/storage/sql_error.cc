#include "server/storage/sql_error.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"

namespace envcredit::storage {
namespace {

constexpr int kErDupEntry = 1062;
constexpr int kErLockWaitTimeout = 1205;
constexpr int kErLockDeadlock = 1213;
constexpr int kErUnknownCommand = 1047;     // Galera: WSREP not ready (not primary)
constexpr int kErErrorDuringCommit = 1180;  // Galera: not in the primary component
constexpr int kErServerShutdown = 1053;
constexpr int kErConnectionKilled = 1927;          // MariaDB
constexpr int kErClientInteractionTimeout = 4031;  // MySQL 8.0.24+
constexpr int kCrConnectionError = 2002;
constexpr int kCrConnHostError = 2003;
constexpr int kCrUnknownHost = 2005;
constexpr int kCrServerGoneError = 2006;
constexpr int kCrServerLost = 2013;
constexpr int kCrServerLostExtended = 2055;

void LogSqlError(int error_code, absl::string_view sql_state,
                 absl::string_view server_message, absl::string_view context) {
  // Rate-limited per context and error number: a database outage makes
  // every call fail alike (thousands of identical lines a minute).
  LogLimited(LogSeverity::kError,
             absl::StrCat("storage: ", context, ": ", error_code),
             absl::StrCat("storage: ", context, ": MySQL error ", error_code,
                          " (", sql_state, "): ", server_message));
}

}  // namespace

bool IsConnectionLostError(int error_code) {
  switch (error_code) {
    case kCrServerGoneError:
    case kCrServerLost:
    case kCrServerLostExtended:
    case kErConnectionKilled:
    case kErClientInteractionTimeout:
    case kErServerShutdown:
      return true;
    default:
      return false;
  }
}

bool IsConnectError(int error_code) {
  return error_code == kCrConnectionError || error_code == kCrConnHostError ||
         error_code == kCrUnknownHost;
}

absl::Status MapSqlError(int error_code, absl::string_view sql_state,
                         absl::string_view server_message,
                         absl::string_view context) {
  if (error_code == kErDupEntry) {
    return MakeError(absl::StatusCode::kAlreadyExists, kReasonDbDuplicateKey,
                     "a record with this key already exists");
  }
  if (error_code == kErLockDeadlock || error_code == kErLockWaitTimeout) {
    return MakeError(absl::StatusCode::kAborted, kReasonDbConflict,
                     "the transaction conflicted with another one; retry it");
  }
  LogSqlError(error_code, sql_state, server_message, context);
  if (error_code == kErUnknownCommand || error_code == kErErrorDuringCommit) {
    return MakeError(absl::StatusCode::kUnavailable, kReasonDbNotPrimary,
                     "the database node is not in the cluster's primary component "
                     "(quorum lost, or the node is not synced yet); retry later");
  }
  if (IsConnectionLostError(error_code) || IsConnectError(error_code)) {
    return MakeError(absl::StatusCode::kUnavailable, kReasonDbUnavailable,
                     "the database is unavailable; retry later");
  }
  return MakeError(absl::StatusCode::kInternal, kReasonDbError,
                   "internal database error");
}

bool IsDbUnavailable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         ErrorReason(status) == kReasonDbUnavailable;
}

}  // namespace envcredit::storage
