// Idempotent mutations (AIP-155) on the request_log table, shared by the
// repositories: a mutation claims its request_id in its own transaction, so
// the claim commits or rolls back with it.
#ifndef ENVCREDIT_SERVER_STORAGE_REQUEST_LOG_H_
#define ENVCREDIT_SERVER_STORAGE_REQUEST_LOG_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/domain/enterprise_repository.h"
#include "server/storage/database.h"

namespace envcredit::storage {

// What a request_id check found.
struct Replay {
  bool seen = false;
  std::string resource_name;  // of the original request, when seen
};

// Claims `key` for this transaction by inserting its request_log row for
// `method` and `resource_name` (the resource the mutation acts on; a create
// may pass "" and set it later with SetReplayResource). When the id was used
// before (or by a transaction that commits first: the insert waits for it),
// reports it as seen, or INVALID_ARGUMENT (REQUEST_ID_REUSED, field
// request_id) when the method or the fingerprint differ. Does nothing for an
// empty id.
absl::StatusOr<Replay> ClaimRequestId(Transaction& tx,
                                      const domain::RequestKey& key,
                                      absl::string_view method,
                                      absl::string_view resource_name);

// A request_log row: a claimed request id, the method and request
// fingerprint it was claimed for, and the resource it answers with.
struct ClaimRow {
  std::string request_id;
  std::string method;
  std::string fingerprint;
  std::string resource_name;
};

// For batches: the rows of `request_ids` that exist (empty ids and
// duplicates are skipped), by id, one statement per 500 ids. A shared lock on
// each row (and gap): a concurrent claim of the same id waits or deadlocks,
// and the transaction is run again (transaction_retry.h).
absl::StatusOr<absl::flat_hash_map<std::string, ClaimRow>> ReadClaims(
    Transaction& tx, std::vector<std::string> request_ids);

// For batches: inserts `rows` (claims of fresh ids), one statement per 500.
// ABORTED (DB_CONFLICT) when a concurrent write claimed one of them first:
// the run again finds it with ReadClaims.
absl::Status InsertClaims(Transaction& tx, const std::vector<ClaimRow>& rows);

// Records the resource a claimed request created. No-op for an empty id.
absl::Status SetReplayResource(Transaction& tx, const domain::RequestKey& key,
                               absl::string_view resource_name);

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_REQUEST_LOG_H_
