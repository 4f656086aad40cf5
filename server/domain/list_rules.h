// The state machine of a list publication (doc/lists.md "The workflow") and
// what each step requires:
//
//   ProposePublication ──► DRAFT ──StartNotice──► NOTICE ──Publish──► PUBLISHED
//   (a new proposal supersedes a DRAFT; a publication in NOTICE blocks one)
//   FileObjection / DecideObjection while in NOTICE; ApplyRepair of a
//   published black-list entry.
//
// Each Check* function is the precondition of one step: OK, or
// FAILED_PRECONDITION with a stable reason (ErrorReason) and one
// PreconditionViolation per blocker (type, subject = the resource name,
// description), the message "<subject>: <TYPE>: <description>; ...". The
// storage adapter reads the rows, calls the check, and writes the rows.
// Pure: no SQL, no protobuf, no clock (today is passed in).
#ifndef ENVCREDIT_SERVER_DOMAIN_LIST_RULES_H_
#define ENVCREDIT_SERVER_DOMAIN_LIST_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "scoring/policy.h"
#include "scoring/records.h"
#include "server/domain/lists.h"
#include "server/domain/ratings.h"

namespace envcredit::domain {

// What a step that passed its check does to the publication.
enum class ListStep {
  kApply,        // make the change
  kAlreadyDone,  // it was made before (a repeated call): answer as it is now
};

// Whether a publication in `state` is public: its notice (NOTICE, the
// public notice, 公示) and an issue (PUBLISHED). A DRAFT or SUPERSEDED
// proposal is the bureau's working paper and stays inside it.
bool IsPublic(PublicationState state);

// NOT_FOUND (PUBLICATION_NOT_FOUND): no publication `id` of `list` — also the
// answer to a caller who may not see it (doc/access.md), so that the answer
// does not tell a hidden proposal from a missing one.
absl::Status PublicationNotFound(ListKind list, int64_t id);

// ProposePublication, given the open publication of the list (its DRAFT or
// NOTICE; nullopt when there is none). OK when there is none or it is a
// DRAFT (the new proposal supersedes it); PUBLICATION_IN_PROGRESS (violation
// PUBLICATION_IN_PROGRESS) when it is in NOTICE.
absl::Status CheckCanPropose(const std::optional<Publication>& open);

// StartNotice (DRAFT → NOTICE): kApply for a DRAFT, kAlreadyDone for a
// publication in NOTICE, else PUBLICATION_NOT_DRAFT (violation NOT_DRAFT).
absl::StatusOr<ListStep> CheckStartNotice(const Publication& publication);

// The last day of a notice that starts on `start`: list_notice_days of
// `policy` inclusive (at least one day).
absl::CivilDay NoticeEnd(absl::CivilDay start, const scoring::Policy& policy);

// FileObjection against `credit_code` on `today`; `listed`: the credit code
// has an entry in the publication. PUBLICATION_NOT_IN_NOTICE (violation
// NOT_IN_NOTICE) unless in NOTICE; NOTICE_PERIOD_OVER after its last day;
// NOT_FOUND (ENTRY_NOT_FOUND, field objection.credit_code) when not listed.
absl::Status CheckCanFileObjection(const Publication& publication,
                                   absl::string_view credit_code, bool listed,
                                   absl::CivilDay today);

// DecideObjection: OBJECTION_ALREADY_DECIDED (violation ALREADY_DECIDED,
// subject the objection) unless PENDING; then PUBLICATION_NOT_IN_NOTICE
// (violation NOT_IN_NOTICE) unless the publication is in NOTICE.
absl::Status CheckCanDecideObjection(const Publication& publication,
                                     const Objection& objection);

// The removal that takes `entry` out of its publication when an objection
// against it is upheld with `decision_reason`.
Removal UpheldObjectionRemoval(const ListEntry& entry,
                               absl::string_view decision_reason);

// PublishPublication on `today` with `pending_objections` not decided yet:
// kAlreadyDone for a PUBLISHED publication; kApply when in NOTICE, after the
// notice's last day, with none pending; else PUBLICATION_BLOCKED with every
// blocker: NOT_IN_NOTICE, or NOTICE_NOT_ENDED; OBJECTIONS_PENDING.
absl::StatusOr<ListStep> CheckPublish(const Publication& publication,
                                      int64_t pending_objections,
                                      absl::CivilDay today);

// Numbers `publication` after `previous` (the list's newest PUBLISHED one,
// nullopt for the first): number previous + 1 (or 1), and the link to it
// (previous_id, previous_content_sha256) for the hash chain.
void ChainAfter(const std::optional<Publication>& previous,
                Publication* publication);

// The change-feed events of publishing `publication` (its entries and
// removals loaded): LIST_ENTRY_ADDED for every ADDED entry, and
// LIST_ENTRY_REMOVED for every removal of an entry the previous publication
// had (`previously_listed`, by credit code) — an entry an upheld objection
// took out of this proposal leaves no list it was not on. Cursors and record
// times are left for storage.
std::vector<ListChange> PublicationChanges(
    const Publication& publication,
    const absl::flat_hash_set<std::string>& previously_listed);

// NOT_FOUND (ENTRY_NOT_FOUND, field entry): `credit_code` is not on the
// published black list.
absl::Status NotOnPublishedBlackList(absl::string_view credit_code);

// NOT_FOUND (ENTRY_NOT_FOUND, field name): `credit_code` is not on the
// current (newest published) `list`, or the list was never published.
absl::Status NotOnCurrentList(ListKind list, absl::string_view credit_code);

// ApplyRepair of `entry` (on the published black list) on `today`.
// REPAIR_ALREADY_GRANTED (violation ALREADY_GRANTED) when `granted` (a
// repair of this listing is on file already); otherwise OK when
// RepairProblems finds nothing (`records`: the enterprise's records), else
// REPAIR_CONDITIONS_UNMET with one violation per unmet condition.
absl::Status CheckCanRepair(const ListEntry& entry, bool granted,
                            const RepairEvidence& evidence,
                            const scoring::EnterpriseRecords& records,
                            absl::CivilDay today);

// The change-feed event of a repair of `credit_code` granted on `today`.
ListChange RepairChange(absl::string_view credit_code, absl::CivilDay today);

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_LIST_RULES_H_
