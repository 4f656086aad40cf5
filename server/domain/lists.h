// The honour and black lists (SPEC §5–§6; doc/lists.md): entries, the
// difference between a proposal and the last publication, the canonical
// content a publication's SHA-256 is taken over, the notice to a black-list
// candidate, and the conditions of credit repair. Pure: no SQL, no protobuf.
#ifndef ENVCREDIT_SERVER_DOMAIN_LISTS_H_
#define ENVCREDIT_SERVER_DOMAIN_LISTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "scoring/enums.h"
#include "scoring/lists.h"
#include "scoring/policy.h"
#include "scoring/rating.h"
#include "scoring/records.h"

namespace envcredit::domain {

using scoring::ListKind;

// "honor" / "black" in resource names; kUnspecified for anything else.
absl::string_view ListSlug(ListKind list);
ListKind ListKindOfSlug(absl::string_view slug);

enum class PublicationState : int {
  kUnspecified = 0,
  kDraft = 1,
  kNotice = 2,
  kPublished = 3,
  kSuperseded = 4,
};

enum class EntryChange : int { kUnspecified = 0, kAdded = 1, kUnchanged = 2 };

enum class RemovalReason : int {
  kUnspecified = 0,
  kExpired = 1,
  kRepaired = 2,
  kNoLongerMeets = 3,
  kObjectionUpheld = 4,
};
absl::string_view RemovalReasonName(RemovalReason reason);

// A record behind a black-list entry.
struct ListReason {
  std::string kind;  // "penalty_decision", "broken_commitment", "incident"
  std::string reference;
  std::string authority;
  absl::CivilDay date;
  std::string description;
  int points = 0;
};

struct ListEntry {
  int64_t enterprise_id = 0;
  std::string credit_code;
  std::string enterprise_name;
  std::string legal_representative;
  std::string region_code;
  scoring::Level level = scoring::Level::kUnspecified;
  int points = 0;
  std::vector<ListReason> reasons;
  absl::CivilDay listing_date;
  std::optional<absl::CivilDay> earliest_repair_date;  // black list
  std::optional<absl::CivilDay> expiry_date;           // black list
  EntryChange change = EntryChange::kUnspecified;
  std::string notice_text;
};

struct Removal {
  int64_t enterprise_id = 0;
  std::string credit_code;
  std::string enterprise_name;
  RemovalReason reason = RemovalReason::kUnspecified;
  std::string detail;
};

// An enterprise rated on the as-of date, with what the lists need.
struct ListCandidate {
  int64_t enterprise_id = 0;
  std::string credit_code;
  std::string enterprise_name;
  std::string legal_representative;
  std::string region_code;
  scoring::ListCheck check;          // its rating and both list answers
  scoring::EnterpriseRecords records;  // for the reasons
  const scoring::Policy* policy = nullptr;
};

// Judges `candidate` on `as_of` under its policy (its rating and both list
// answers into `candidate->check`): which list it meets. The rule is
// scoring's; storage reads the candidates and calls this.
absl::Status JudgeCandidate(ListCandidate* candidate, absl::CivilDay as_of);

// The reasons of a black-list entry: every record counting in `check`.
std::vector<ListReason> ReasonsOf(const scoring::Rating& rating,
                                  const scoring::EnterpriseRecords& records);

// Whether a black-list entry of the previous publication stays in a proposal
// on `as_of` as it is (UNCHANGED, its period and reasons kept): its period
// has not ended and no repair of it was granted. Only its current level and
// points are then taken from the candidate's rating, never its reasons, so
// a proposal may read such a candidate's records without the decisions'
// numbers and authorities (BuildProposal and the storage's Examine agree
// through this one function).
bool KeepsBlackEntry(const ListEntry& previous, absl::CivilDay as_of, bool repaired);

// The entries and removals of a proposal of `list` on `as_of`.
struct Proposal {
  std::vector<ListEntry> entries;  // credit-code order
  std::vector<Removal> removals;   // credit-code order
  int added = 0;
  int unchanged = 0;
};

// Builds a proposal from the entries of the last publication (`previous`,
// any order), the enterprises examined on `as_of` (`examined`: every
// enterprise that might be listed, and every previous entry's enterprise),
// and the enterprises whose repair was granted since (`repaired`, by
// enterprise id):
//   black list — a previous entry stays (UNCHANGED, same period) until
//     `as_of` reaches its expiry date (removal EXPIRED) or it was repaired
//     (removal REPAIRED); an enterprise meeting the criteria that is not
//     listed (or whose period just ended) is ADDED with a new period from
//     `as_of`;
//   honour list — an entry stays while the enterprise meets the criteria
//     (UNCHANGED, first listing date kept), else removal NO_LONGER_MEETS;
//     new ones are ADDED.
Proposal BuildProposal(ListKind list, absl::CivilDay as_of,
                       const std::vector<ListEntry>& previous,
                       const std::vector<ListCandidate>& examined,
                       const std::vector<int64_t>& repaired);

// The notice (告知) to a black-list candidate: reasons, basis, rights and the
// deadline for objections. Chinese with English, plain text.
std::string NoticeText(const ListEntry& entry, const scoring::Policy& policy,
                       absl::CivilDay notice_end);

// What the SHA-256 of a publication is taken over (doc/lists.md): UTF-8
// text, a header, then one line per entry and per removal, fields separated
// by tabs (text fields never hold control characters).
struct PublicationHeader {
  ListKind list = ListKind::kUnspecified;
  int64_t number = 0;
  absl::CivilDay as_of;
  std::string policy_id;
  int policy_version = 0;
  std::string previous_content_sha256;
};
std::string CanonicalContent(const PublicationHeader& header,
                             const std::vector<ListEntry>& entries,
                             const std::vector<Removal>& removals);

// Evidence for a credit repair.
struct RepairEvidence {
  std::optional<absl::CivilDay> rectification_date;
  bool penalty_performed = false;
  std::string commitment;  // a commitment's resource name, optional
  std::string note;
};

// A condition a repair does not meet: a stable type and words.
struct RepairProblem {
  std::string type;  // REPAIR_TOO_EARLY, NOT_RECTIFIED, ...
  std::string description;
};

// Every unmet condition of repairing `entry` on `today` (empty: granted):
// the minimum period has passed; the violations were rectified (a
// rectification date on or before today, not before the latest reason);
// the penalties were performed; a public credit commitment is on file
// (`records`, signed on or before today).
std::vector<RepairProblem> RepairProblems(const ListEntry& entry,
                                          const RepairEvidence& evidence,
                                          const scoring::EnterpriseRecords& records,
                                          absl::CivilDay today);

// A publication of a list: a proposal, in notice, or published.
struct Publication {
  int64_t id = 0;
  ListKind list = ListKind::kUnspecified;
  PublicationState state = PublicationState::kUnspecified;
  absl::CivilDay as_of;
  int64_t number = 0;       // 0 until published
  int64_t previous_id = 0;  // the publication it is compared with; 0: none
  std::string policy_id;
  int policy_version = 0;
  std::optional<absl::CivilDay> notice_start;
  std::optional<absl::CivilDay> notice_end;
  int entry_count = 0;
  int added_count = 0;
  int unchanged_count = 0;
  int removed_count = 0;
  std::string content_sha256;
  std::string previous_content_sha256;
  absl::Time create_time;
  std::optional<absl::Time> publish_time;
  // Loaded on request (credit-code order).
  std::vector<ListEntry> entries;
  std::vector<Removal> removals;

  PublicationHeader Header() const {
    return PublicationHeader{list, number, as_of, policy_id, policy_version,
                             previous_content_sha256};
  }
};

// "lists/{honor|black}/publications/{id}".
std::string PublicationName(ListKind list, int64_t id);
// "lists/{honor|black}/publications/{publication_id}/objections/{id}".
std::string ObjectionName(ListKind list, int64_t publication_id, int64_t id);
// "lists/{honor|black}/entries/{credit_code}".
std::string ListEntryName(ListKind list, absl::string_view credit_code);

enum class ObjectionState : int { kUnspecified = 0, kPending = 1, kUpheld = 2, kRejected = 3 };

struct Objection {
  int64_t id = 0;
  int64_t publication_id = 0;
  ListKind list = ListKind::kUnspecified;
  std::string credit_code;
  std::string statement;
  ObjectionState state = ObjectionState::kUnspecified;
  std::string decision_reason;
  absl::Time file_time;
  std::optional<absl::Time> decide_time;
  std::vector<std::string> evidence;  // references, in the order given
};

// At most this many evidence references of at most this many characters.
inline constexpr int kMaxObjectionEvidence = 10;
inline constexpr int kMaxEvidenceChars = 500;

// INVALID_ARGUMENT naming `field`[i] for a reference that is empty, longer
// than kMaxEvidenceChars, not clean text, or holds a line break; naming
// `field` for more than kMaxObjectionEvidence.
absl::Status ValidateObjectionEvidence(const std::vector<std::string>& evidence,
                                       absl::string_view field);

// Numbering as envcredit.v1.RepairState, stored as is.
enum class RepairState : int { kUnspecified = 0, kGranted = 1, kPending = 2, kRefused = 3 };

// An application for credit repair and its outcome. `id` is the
// application's (the Repair resource's id).
struct Repair {
  int64_t id = 0;
  std::string credit_code;
  absl::CivilDay listing_date;
  RepairEvidence evidence;
  RepairState state = RepairState::kUnspecified;
  std::string applicant;  // the actor who applied
  absl::Time apply_time;
  std::optional<absl::Time> decide_time;
  std::optional<absl::Time> grant_time;  // kGranted only
  std::string decision_reason;
};

// "lists/black/entries/{credit_code}/repairs/{id}".
std::string RepairName(absl::string_view credit_code, int64_t id);

// Who may have an application granted without a regulator's decision: a
// regulator applying (it received the application on paper and decides it
// by applying), not the enterprise itself.
enum class RepairApplicant { kRegulator, kEnterprise };

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_LISTS_H_
