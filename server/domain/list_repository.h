// The port of the honour and black lists (doc/lists.md): proposals, the
// notice, objections, publication, entries and credit repair. Every
// mutation is one transaction with its audit entry and its request_id, so a
// retry changes nothing and a crash leaves the old or the new state, never
// half of one. The rules each step checks are domain/list_rules.h's; the
// MySQL adapter is storage::MysqlListRepository.
#ifndef ENVCREDIT_SERVER_DOMAIN_LIST_REPOSITORY_H_
#define ENVCREDIT_SERVER_DOMAIN_LIST_REPOSITORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "server/domain/audit.h"
#include "server/domain/enterprise_repository.h"
#include "server/domain/lists.h"

namespace envcredit::domain {

struct PublicationPage {
  std::vector<Publication> publications;  // newest first, no entries
  bool has_more = false;
};

// Which publications List returns.
struct PublicationFilter {
  bool published_only = false;  // PUBLISHED issues only
  bool public_only = false;     // NOTICE and PUBLISHED only (IsPublic)
};

struct EntryPage {
  std::vector<ListEntry> entries;
  bool has_more = false;
  int64_t publication_id = 0;  // 0: the list was never published
};

// A page of one publication's rows (ListPublicationEntries / Removals), in
// credit-code order.
struct PublicationRowsPage {
  std::vector<ListEntry> entries;   // RowsOf(kEntries)
  std::vector<Removal> removals;    // RowsOf(kRemovals)
  bool has_more = false;
};
enum class PublicationRows { kEntries, kRemovals };

// An entry on the current list: the entry and the publication it is in.
struct CurrentEntry {
  ListEntry entry;
  int64_t publication_id = 0;
};

// Thread-safe. Errors: NOT_FOUND (PUBLICATION_NOT_FOUND, OBJECTION_NOT_FOUND,
// ENTRY_NOT_FOUND), FAILED_PRECONDITION with PreconditionViolations naming
// every blocker, UNAVAILABLE, ABORTED (DB_CONFLICT), INTERNAL.
class ListRepository {
 public:
  virtual ~ListRepository() = default;

  // Rates every enterprise that may be listed on `as_of` (today: those whose
  // stored level is a list level, plus every entry of the last publication;
  // an earlier day: every enterprise) and stores a DRAFT. A DRAFT of the
  // same list is superseded; a publication in NOTICE blocks
  // (PUBLICATION_IN_PROGRESS).
  virtual absl::StatusOr<Publication> Propose(ListKind list,
                                              absl::CivilDay as_of,
                                              const RequestKey& key,
                                              const AuditContext& audit) = 0;
  virtual absl::StatusOr<Publication> Get(ListKind list, int64_t id,
                                          bool with_entries) = 0;
  // As Get with its entries and removals, but the entries' notice texts left
  // empty: what the canonical content is built from, at a fraction of the
  // bytes for a black list.
  virtual absl::StatusOr<Publication> GetWithoutNotices(ListKind list, int64_t id) = 0;
  // The rows of publication `id` whose credit code is after
  // `after_credit_code` ("" = from the first), at most `limit`, in
  // credit-code order; the entries' notice texts only with `notices`.
  // NOT_FOUND (PUBLICATION_NOT_FOUND) when the publication does not exist;
  // its state is not checked here.
  virtual absl::StatusOr<PublicationRowsPage> RowsOf(ListKind list, int64_t id,
                                                     PublicationRows which,
                                                     absl::string_view after_credit_code,
                                                     int limit, bool notices) = 0;
  // The newest PUBLISHED publication of `list` (NOT_FOUND when none).
  virtual absl::StatusOr<Publication> Latest(ListKind list,
                                             bool with_entries) = 0;
  virtual absl::StatusOr<PublicationPage> List(ListKind list,
                                               PublicationFilter filter,
                                               int64_t before_id,
                                               int limit) = 0;
  virtual absl::StatusOr<Publication> StartNotice(
      ListKind list, int64_t id, const RequestKey& key,
      const AuditContext& audit) = 0;
  virtual absl::StatusOr<Objection> FileObjection(
      ListKind list, int64_t publication_id, const std::string& credit_code,
      const std::string& statement, const std::vector<std::string>& evidence,
      const RequestKey& key, const AuditContext& audit) = 0;
  virtual absl::StatusOr<Objection> DecideObjection(
      ListKind list, int64_t publication_id, int64_t objection_id, bool upheld,
      const std::string& reason, const RequestKey& key,
      const AuditContext& audit) = 0;
  virtual absl::StatusOr<std::vector<Objection>> ListObjections(
      ListKind list, int64_t publication_id) = 0;
  virtual absl::StatusOr<Publication> Publish(ListKind list, int64_t id,
                                              const RequestKey& key,
                                              const AuditContext& audit) = 0;
  // The entries of the last publication, less those repaired since.
  virtual absl::StatusOr<EntryPage> Entries(ListKind list,
                                            absl::string_view after_credit_code,
                                            int limit) = 0;
  // `credit_code`'s entry in the newest PUBLISHED publication of `list`,
  // unless repaired since (as Entries shows it). NOT_FOUND (ENTRY_NOT_FOUND,
  // NotOnCurrentList) when it has none there or the list was never
  // published.
  virtual absl::StatusOr<CurrentEntry> EntryOf(ListKind list,
                                               const std::string& credit_code) = 0;
  // An application for repair of `credit_code`'s black-list entry, by
  // audit.actor. FAILED_PRECONDITION listing every unmet condition (the
  // application is not kept). A regulator's is granted at once; an
  // enterprise's waits (kPending; REPAIR_PENDING_EXISTS while another of
  // the same listing waits).
  virtual absl::StatusOr<Repair> ApplyRepair(const std::string& credit_code,
                                             const RepairEvidence& evidence,
                                             RepairApplicant applicant,
                                             const RequestKey& key,
                                             const AuditContext& audit) = 0;
  // Decides a pending application: a grant checks the conditions again, as
  // of today. NOT_FOUND (REPAIR_NOT_FOUND) for no such application of that
  // enterprise; FAILED_PRECONDITION (REPAIR_NOT_PENDING) once decided.
  virtual absl::StatusOr<Repair> DecideRepair(const std::string& credit_code,
                                              int64_t id, bool grant,
                                              const std::string& reason,
                                              const RequestKey& key,
                                              const AuditContext& audit) = 0;
  // Applications with id < before_id (0: from the newest), newest first, at
  // most `limit`: of `credit_code`, or of everyone when it is empty.
  virtual absl::StatusOr<std::vector<Repair>> ListRepairs(const std::string& credit_code,
                                                          bool pending_only,
                                                          int64_t before_id,
                                                          int limit) = 0;
};

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_LIST_REPOSITORY_H_
