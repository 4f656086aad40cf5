// The honour and black lists in MySQL / MariaDB (migration 0006;
// doc/lists.md): proposals, the notice, objections, publication, entries and
// credit repair. Every mutation is one transaction with its audit entry and
// its request_id, so a retry changes nothing and a crash leaves the old or
// the new state, never half of one.
#ifndef ENVCREDIT_SERVER_STORAGE_MYSQL_LIST_REPOSITORY_H_
#define ENVCREDIT_SERVER_STORAGE_MYSQL_LIST_REPOSITORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "server/domain/audit.h"
#include "server/domain/enterprise_repository.h"
#include "server/domain/list_repository.h"
#include "server/domain/lists.h"
#include "server/storage/database.h"
#include "server/storage/mysql_rating_repository.h"

namespace envcredit::storage {

using domain::EntryPage;
using domain::PublicationPage;

// The MySQL adapter of domain::ListRepository (described there). Thread-safe.
class MysqlListRepository final : public domain::ListRepository {
 public:
  // All must outlive the repository.
  MysqlListRepository(Database* db, const RatingWriter* ratings)
      : db_(*db), ratings_(*ratings) {}

  absl::StatusOr<domain::Publication> Propose(
      domain::ListKind list, absl::CivilDay as_of,
      const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<domain::Publication> Get(domain::ListKind list, int64_t id,
                                          bool with_entries) override;
  absl::StatusOr<domain::PublicationRowsPage> RowsOf(
      domain::ListKind list, int64_t id, domain::PublicationRows which,
      absl::string_view after_credit_code, int limit, bool notices) override;
  absl::StatusOr<domain::Publication> GetWithoutNotices(domain::ListKind list,
                                                        int64_t id) override;
  absl::StatusOr<domain::Publication> Latest(domain::ListKind list,
                                             bool with_entries) override;
  absl::StatusOr<PublicationPage> List(domain::ListKind list,
                                       domain::PublicationFilter filter,
                                       int64_t before_id,
                                       int limit) override;
  absl::StatusOr<domain::Publication> StartNotice(
      domain::ListKind list, int64_t id, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<domain::Objection> FileObjection(
      domain::ListKind list, int64_t publication_id,
      const std::string& credit_code, const std::string& statement,
      const std::vector<std::string>& evidence, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<domain::Objection> DecideObjection(
      domain::ListKind list, int64_t publication_id, int64_t objection_id,
      bool upheld, const std::string& reason, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<std::vector<domain::Objection>> ListObjections(
      domain::ListKind list, int64_t publication_id) override;
  absl::StatusOr<domain::Publication> Publish(
      domain::ListKind list, int64_t id, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<EntryPage> Entries(domain::ListKind list,
                                    absl::string_view after_credit_code,
                                    int limit) override;
  absl::StatusOr<domain::CurrentEntry> EntryOf(
      domain::ListKind list, const std::string& credit_code) override;
  absl::StatusOr<domain::Repair> ApplyRepair(
      const std::string& credit_code, const domain::RepairEvidence& evidence,
      domain::RepairApplicant applicant, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<domain::Repair> DecideRepair(const std::string& credit_code,
                                              int64_t id, bool grant,
                                              const std::string& reason,
                                              const domain::RequestKey& key,
                                              const domain::AuditContext& audit) override;
  absl::StatusOr<std::vector<domain::Repair>> ListRepairs(const std::string& credit_code,
                                                          bool pending_only,
                                                          int64_t before_id,
                                                          int limit) override;

 private:
  absl::StatusOr<std::vector<domain::ListCandidate>> Examine(
      domain::ListKind list, absl::CivilDay as_of,
      const std::vector<domain::ListEntry>& previous,
      const std::vector<int64_t>& repaired);

  Database& db_;
  const RatingWriter& ratings_;
};

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_MYSQL_LIST_REPOSITORY_H_
