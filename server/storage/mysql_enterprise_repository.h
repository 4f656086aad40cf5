// The enterprise registry kept in MySQL / MariaDB: domain::EnterpriseRepository
// on the tables `enterprises` and `request_log` (doc/schema.md).
//
// Every method is one transaction (Database::RunInTransaction), so it is
// retried once on a fresh connection when the connection is lost before the
// commit. Times come from the database (UTC_TIMESTAMP(6)), microsecond
// precision. Idempotency (RequestKey) is recorded in request_log in the same
// transaction as the mutation, keyed by request_id alone: the same id for
// another method or another content is REQUEST_ID_REUSED.
//
// Thread-safety: thread-safe, as the interface requires.
#ifndef ENVCREDIT_SERVER_STORAGE_MYSQL_ENTERPRISE_REPOSITORY_H_
#define ENVCREDIT_SERVER_STORAGE_MYSQL_ENTERPRISE_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/domain/enterprise.h"
#include "server/domain/enterprise_repository.h"
#include "server/storage/database.h"
#include "server/storage/mysql_rating_repository.h"
#include "server/storage/rows.h"  // kMaxListLimit, EscapeLikePattern

namespace envcredit::storage {

class MysqlEnterpriseRepository final : public domain::EnterpriseRepository {
 public:
  // Neither may be null; both must outlive the repository. Creating an
  // enterprise stores its first rating, and a change of region re-rates it,
  // through `ratings`, in the same transaction.
  MysqlEnterpriseRepository(Database* db, const RatingWriter* ratings)
      : db_(*db), ratings_(*ratings) {}

  // Errors as domain::EnterpriseRepository documents, plus: INVALID_ARGUMENT
  // (from ValidateEnterprise, prefix "enterprise") for an invalid enterprise;
  // ABORTED (reason DB_CONFLICT) on a deadlock; INTERNAL on other database
  // errors.
  absl::StatusOr<domain::Enterprise> Create(
      const domain::Enterprise& enterprise, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<std::vector<absl::StatusOr<domain::EnterpriseCreated>>> BatchCreate(
      const std::vector<domain::BatchEnterprise>& items) override;
  absl::StatusOr<domain::Enterprise> Get(
      absl::string_view credit_code) override;
  absl::StatusOr<std::vector<domain::Enterprise>> FindByName(absl::string_view name,
                                                             int limit) override;
  // INTERNAL when `limit` is outside 1..kMaxListLimit (the caller resolves
  // page sizes); INVALID_ARGUMENT (field filter) when the region prefix is
  // not 0..6 digits.
  absl::StatusOr<domain::EnterprisePage> List(
      const domain::EnterpriseFilter& filter,
      absl::string_view after_credit_code, int limit) override;
  absl::StatusOr<domain::Enterprise> Update(
      absl::string_view credit_code, const domain::EnterprisePatch& patch,
      std::optional<int64_t> expected_revision, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;

 private:
  Database& db_;
  const RatingWriter& ratings_;
};

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_MYSQL_ENTERPRISE_REPOSITORY_H_
