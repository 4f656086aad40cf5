// Where enterprises are kept. The gRPC layer talks to this interface; the
// MySQL implementation lives in server/storage. A fake may implement it in a
// handler's unit test, never in an integration test.
#ifndef ENVCREDIT_SERVER_DOMAIN_ENTERPRISE_REPOSITORY_H_
#define ENVCREDIT_SERVER_DOMAIN_ENTERPRISE_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "server/domain/audit.h"
#include "server/domain/enterprise.h"

namespace envcredit::domain {

// Identifies a mutation for safe retries (AIP-155). An empty id means the
// caller did not ask for idempotency. `fingerprint` is a digest of the
// request's content: the same id with another fingerprint is a client bug.
struct RequestKey {
  std::string request_id;
  std::string fingerprint;
};

// One item of BatchCreate: a CreateEnterprise request's content, its audit
// context and its request key.
struct BatchEnterprise {
  Enterprise enterprise;
  AuditContext audit;
  RequestKey key;
};

// What BatchCreate answers for an item that succeeded.
struct EnterpriseCreated {
  Enterprise enterprise;
  bool replayed = false;  // the item's request_id replayed an earlier create
};

// Thread-safe: every method may be called from many threads at once.
// Every successful write (Create, Update, and their idempotent replays)
// appends the audit entry for `audit` in its own transaction; a failed write
// appends nothing (the caller audits the failure).
class EnterpriseRepository {
 public:
  virtual ~EnterpriseRepository() = default;

  // Stores a validated enterprise; sets create/update time and revision 1.
  // ALREADY_EXISTS (reason ENTERPRISE_ALREADY_EXISTS) when the credit code is
  // taken. When `key` was seen before with the same fingerprint, returns the
  // enterprise as it is now and stores nothing; with another fingerprint,
  // INVALID_ARGUMENT (reason REQUEST_ID_REUSED, field request_id).
  // UNAVAILABLE when the database cannot be reached.
  virtual absl::StatusOr<Enterprise> Create(const Enterprise& enterprise,
                                            const RequestKey& key,
                                            const AuditContext& audit) = 0;

  // Create for each item, all in one transaction, with a result per item:
  // an item fails alone (ALREADY_EXISTS for a credit code that is taken, also
  // by an earlier item of the batch; REQUEST_ID_REUSED; an invalid
  // enterprise) and the others are stored, each with its audit entry. The
  // call as a whole fails only when the transaction does (UNAVAILABLE, or
  // ABORTED once the retry policy gave up), and then stores nothing.
  virtual absl::StatusOr<std::vector<absl::StatusOr<EnterpriseCreated>>> BatchCreate(
      const std::vector<BatchEnterprise>& items) = 0;

  // NOT_FOUND (reason ENTERPRISE_NOT_FOUND) when there is none.
  virtual absl::StatusOr<Enterprise> Get(absl::string_view credit_code) = 0;

  // Up to `limit` enterprises whose registered name is `name` (the column's
  // collation decides equality: case and width of Latin letters do not
  // matter), in credit-code order (ix_enterprises_name).
  virtual absl::StatusOr<std::vector<Enterprise>> FindByName(absl::string_view name,
                                                             int limit) = 0;

  // Up to `limit` enterprises matching `filter` whose credit code sorts
  // after `after_credit_code` ("" = from the start), in credit-code order.
  virtual absl::StatusOr<EnterprisePage> List(
      const EnterpriseFilter& filter, absl::string_view after_credit_code,
      int limit) = 0;

  // Reads the enterprise, applies `patch`, checks the result with
  // ValidateEnterprise(result, "enterprise") (so a patch that would make it
  // invalid stores nothing) and stores it with revision + 1, all in one
  // transaction. NOT_FOUND as Get; ABORTED
  // (reason ETAG_MISMATCH) when `expected_revision` is set and is not the
  // current revision. Idempotent under `key` as Create.
  virtual absl::StatusOr<Enterprise> Update(
      absl::string_view credit_code, const EnterprisePatch& patch,
      std::optional<int64_t> expected_revision, const RequestKey& key,
      const AuditContext& audit) = 0;
};

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_ENTERPRISE_REPOSITORY_H_
