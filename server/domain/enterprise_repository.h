// Where enterprises are kept. The gRPC layer talks to this interface; the
// MySQL implementation lives in server/storage. A fake may implement it in a
// handler's unit test, never in an integration test.
#ifndef ENVCREDIT_SERVER_DOMAIN_ENTERPRISE_REPOSITORY_H_
#define ENVCREDIT_SERVER_DOMAIN_ENTERPRISE_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
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

  // NOT_FOUND (reason ENTERPRISE_NOT_FOUND) when there is none.
  virtual absl::StatusOr<Enterprise> Get(absl::string_view credit_code) = 0;

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
