#include "server/storage/request_log.h"

#include <algorithm>
#include <optional>

#include "common/errors.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/storage/rows.h"
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

namespace {
constexpr size_t kClaimChunk = 500;
}  // namespace

absl::StatusOr<absl::flat_hash_map<std::string, ClaimRow>> ReadClaims(
    Transaction& tx, std::vector<std::string> request_ids) {
  request_ids.erase(std::remove(request_ids.begin(), request_ids.end(), std::string()),
                    request_ids.end());
  std::sort(request_ids.begin(), request_ids.end());
  request_ids.erase(std::unique(request_ids.begin(), request_ids.end()), request_ids.end());
  absl::flat_hash_map<std::string, ClaimRow> claims;
  for (const InList& in : PaddedInLists(
           std::vector<SqlValue>(request_ids.begin(), request_ids.end()), kClaimChunk)) {
    // By primary key whatever the statistics say: on a request_log growing
    // faster than InnoDB samples it (a first import) the optimizer took a
    // full scan for this IN list, and a locking scan waits at every row
    // another batch has inserted but not committed. FORCE INDEX is the same
    // in MariaDB and MySQL 8.
    ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        tx.Query(absl::StrCat("SELECT request_id, method, fingerprint, resource_name "
                              "FROM request_log FORCE INDEX (PRIMARY) WHERE request_id IN (",
                              in.marks, ") LOCK IN SHARE MODE"),
                 in.values));
    for (const Row& row : rows) {
      ClaimRow claim{row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3)};
      std::string id = claim.request_id;
      claims.emplace(std::move(id), std::move(claim));
    }
  }
  return claims;
}

absl::Status InsertClaims(Transaction& tx, const std::vector<ClaimRow>& rows) {
  size_t start = 0;
  for (const size_t m : FixedRowCounts(rows.size(), kClaimChunk)) {
    std::vector<SqlValue> params;
    params.reserve(m * 4);
    std::string values;
    for (size_t k = 0; k < m; ++k) {
      const ClaimRow& row = rows[start + k];
      params.emplace_back(row.request_id);
      params.emplace_back(row.method);
      params.emplace_back(SqlValue::Bytes(row.fingerprint));
      params.emplace_back(row.resource_name);
      absl::StrAppend(&values, k == 0 ? "" : ", ", "(?, ?, ?, ?, UTC_TIMESTAMP(6))");
    }
    absl::StatusOr<uint64_t> inserted = tx.Execute(
        absl::StrCat("INSERT INTO request_log (request_id, method, fingerprint, "
                     "resource_name, create_time) VALUES ",
                     values),
        params);
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return MakeError(absl::StatusCode::kAborted, kReasonDbConflict,
                       "a concurrent write claimed the same request_id");
    }
    RETURN_IF_ERROR(inserted.status());
    start += m;
  }
  return absl::OkStatus();
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
