// Idempotent mutations (AIP-155) on the request_log table, shared by the
// repositories: a mutation claims its request_id in its own transaction, so
// the claim commits or rolls back with it.
#ifndef ENVCREDIT_SERVER_STORAGE_REQUEST_LOG_H_
#define ENVCREDIT_SERVER_STORAGE_REQUEST_LOG_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/storage/rows.h"

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

// For a batch that may be a re-import: when every one of `items` (each
// with a `key`, or keys themselves) replays a request that `method` claimed before with the
// same fingerprint, and the resource it named still exists, those
// resources in item order; nullopt otherwise (also for an empty batch, an
// item without a request id, or more than 1,000 items). One statement per
// 500 items in autocommit (a batch of 1,000 is two), no locks: a committed claim never changes, so the unlocked
// read answers as the locked one would. `select_from` is the statement up
// to its "IN (" over l.request_id: per stored claim, the resource's columns
// (NULL when it names none) and from `claim_column` on l.request_id,
// l.method, l.fingerprint. `parse` reads the resource of a row (nullopt for
// none). Errors of Database::RunReads and `parse`.
// The request key of a batch item (its `key`), or a key itself.
inline const domain::RequestKey& ReplayKeyOf(const domain::RequestKey& key) { return key; }
template <typename Item>
const domain::RequestKey& ReplayKeyOf(const Item& item) {
  return item.key;
}

template <typename T, typename Item>
absl::StatusOr<std::optional<std::vector<T>>> ReadReplays(
    Database& db, const std::vector<Item>& items, absl::string_view method,
    absl::string_view select_from, int claim_column,
    absl::FunctionRef<absl::StatusOr<std::optional<T>>(const Row&)> parse) {
  if (items.empty() || items.size() > 1000) return std::nullopt;
  std::vector<SqlValue> ids;
  ids.reserve(items.size());
  for (const Item& item : items) {
    const domain::RequestKey& key = ReplayKeyOf(item);
    if (key.request_id.empty()) return std::nullopt;
    ids.emplace_back(key.request_id);
  }
  struct Claimed {
    std::string method;
    std::string fingerprint;
    std::optional<T> resource;
    size_t answered = SIZE_MAX;  // the first answer that took the resource
  };
  absl::flat_hash_map<std::string, Claimed> claimed;
  RETURN_IF_ERROR(db.RunReads([&](Session& session) -> absl::Status {
    claimed.clear();
    claimed.reserve(ids.size());
    // 500 ids a statement: MariaDB turns an IN list of 1,000 or more into a
    // subquery (in_predicate_conversion_threshold).
    constexpr size_t kIds = 500;
    for (size_t start = 0; start < ids.size(); start += kIds) {
      const size_t m = std::min(kIds, ids.size() - start);
      std::vector<SqlValue> values(ids.begin() + start, ids.begin() + start + m);
      const size_t padded = PadInList(values, kIds);
      ASSIGN_OR_RETURN(std::vector<Row> rows,
                       session.Query(absl::StrCat(select_from, Marks(padded), ")"), values));
      for (const Row& row : rows) {
        ASSIGN_OR_RETURN(std::optional<T> resource, parse(row));
        claimed[row.GetString(claim_column)] = Claimed{
            row.GetString(claim_column + 1), row.GetString(claim_column + 2), std::move(resource)};
      }
    }
    return absl::OkStatus();
  }));
  std::vector<T> resources;
  resources.reserve(items.size());
  for (const Item& item : items) {
    const domain::RequestKey& key = ReplayKeyOf(item);
    const auto it = claimed.find(key.request_id);
    if (it == claimed.end() || !it->second.resource || it->second.method != method ||
        it->second.fingerprint != key.fingerprint) {
      return std::nullopt;
    }
    // Moved out the first time; an id a batch repeats is answered again
    // with a copy of that first answer.
    Claimed& c = it->second;
    if (c.answered == SIZE_MAX) {
      c.answered = resources.size();
      resources.push_back(std::move(*c.resource));
    } else {
      resources.push_back(resources[c.answered]);
    }
  }
  return resources;
}

// Records the resource a claimed request created. No-op for an empty id.
absl::Status SetReplayResource(Transaction& tx, const domain::RequestKey& key,
                               absl::string_view resource_name);

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_REQUEST_LOG_H_
