#include "server/storage/request_log.h"

#include <optional>

#include "common/errors.h"
#include "common/status_macros.h"
#include "server/storage/sql_error.h"

namespace envcredit::storage {

absl::StatusOr<Replay> ClaimRequestId(Transaction& tx,
                                      const domain::RequestKey& key,
                                      absl::string_view method,
                                      absl::string_view resource_name) {
  Replay replay;
  if (key.request_id.empty()) return replay;
  if (key.request_id.size() > 64) {
    return InvalidArgument("request_id", "INVALID_REQUEST_ID",
                           "request_id must be at most 64 characters");
  }
  absl::StatusOr<uint64_t> inserted = tx.Execute(
      "INSERT INTO request_log "
      "(request_id, method, fingerprint, resource_name, create_time) "
      "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))",
      {key.request_id, method, SqlValue::Bytes(key.fingerprint),
       resource_name});
  if (inserted.ok()) return replay;
  if (inserted.status().code() != absl::StatusCode::kAlreadyExists) {
    return inserted.status();
  }
  // A locking read sees the newest committed row whatever the snapshot. A
  // shared lock: the failed insert already holds one, and concurrent
  // retries of one request would deadlock upgrading to exclusive locks.
  ASSIGN_OR_RETURN(
      std::optional<Row> row,
      tx.QueryRow("SELECT method, fingerprint, resource_name FROM request_log "
                  "WHERE request_id = ? LOCK IN SHARE MODE",
                  {key.request_id}));
  if (!row.has_value()) {  // deleted between the two statements: retry
    return MakeError(absl::StatusCode::kAborted, kReasonDbConflict,
                     "the request conflicted with another one; retry it");
  }
  if (row->GetString(0) != method || row->GetString(1) != key.fingerprint) {
    return InvalidArgument(
        "request_id", "REQUEST_ID_REUSED",
        "request_id was already used for a different request");
  }
  replay.seen = true;
  replay.resource_name = row->GetString(2);
  return replay;
}

absl::Status SetReplayResource(Transaction& tx, const domain::RequestKey& key,
                               absl::string_view resource_name) {
  if (key.request_id.empty()) return absl::OkStatus();
  return tx
      .Execute("UPDATE request_log SET resource_name = ? WHERE request_id = ?",
               {resource_name, key.request_id})
      .status();
}

}  // namespace envcredit::storage
