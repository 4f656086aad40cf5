// The records of an enterprise (SPEC §4) as the server keeps them:
// commitments and their items, penalty decisions, complaints, incidents.
// Plain values, no protobuf, no SQL. The closed sets (measures, violation
// types, commitment kinds, incident grades) are scoring's enums, with the
// numbers the proto and the database use too (scoring/enums.h).
//
// Validation (doc/records.md lists every rule): each Validate* function
// returns INVALID_ARGUMENT naming the field (prefixed with `field`, e.g.
// "penalty_decision.measures[1]") and a reason, or OK. "today" is passed in:
// a date is accepted up to today + 1 day (clock skew) and from 1990-01-01.
#ifndef ENVCREDIT_SERVER_DOMAIN_RECORDS_H_
#define ENVCREDIT_SERVER_DOMAIN_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "scoring/enums.h"
#include "scoring/records.h"

namespace envcredit::domain {

using scoring::CommitmentKind;
using scoring::IncidentGrade;
using scoring::Measure;
using scoring::ViolationType;

inline constexpr int kMaxAuthorityChars = 100;
inline constexpr int kMaxDecisionNumberChars = 100;
inline constexpr int kMaxSignerChars = 100;
inline constexpr int kMaxItemDescriptionChars = 500;
inline constexpr int kMaxNoteChars = 500;
inline constexpr int kMaxCaseNumberChars = 100;
inline constexpr int kMaxSummaryChars = 1000;
inline constexpr int kMaxCommitmentItems = 100;
inline constexpr int kMaxComplaintDecisions = 50;
// 10 billion yuan: far above any fine, low enough to catch unit mistakes.
inline constexpr int64_t kMaxFineAmountFen = 1'000'000'000'000;
inline constexpr int kMaxDueYear = 2100;

// 1990-01-01: no record is older.
absl::CivilDay EarliestRecordDay();

// ---------------------------------------------------------------- commitments

enum class CommitmentItemState : int {
  kUnspecified = 0,
  kPending = 1,
  kKept = 2,    // 践诺
  kBroken = 3,  // 违诺
};

struct CommitmentItem {
  int number = 0;  // 1-based, assigned on create
  std::string description;
  absl::CivilDay due_date;
  CommitmentItemState state = CommitmentItemState::kPending;
  std::optional<absl::CivilDay> check_date;
  std::string check_note;
};

struct Commitment {
  int64_t id = 0;            // assigned on create
  std::string credit_code;   // the enterprise
  CommitmentKind kind = CommitmentKind::kUnspecified;
  std::string signer;
  absl::CivilDay signing_date;
  bool is_public = false;  // 亮诺
  std::vector<CommitmentItem> items;
  absl::Time create_time;
  absl::Time update_time;
};

// The check of one item (CheckCommitmentItem).
struct CommitmentCheck {
  int item_number = 0;
  CommitmentItemState outcome = CommitmentItemState::kUnspecified;  // kKept/kBroken
  absl::CivilDay check_date;
  std::string note;
};

// ---------------------------------------------------------- penalty decisions

enum class PenaltyDecisionState : int {
  kUnspecified = 0,
  kInForce = 1,
  kRevoked = 2,
};

enum class RevocationReason : int {
  kUnspecified = 0,
  kAdministrativeReview = 1,  // 行政复议
  kCourtRuling = 2,           // 行政诉讼
};

struct Revocation {
  absl::CivilDay date;
  RevocationReason reason = RevocationReason::kUnspecified;
  std::string note;
};

struct PenaltyDecision {
  int64_t id = 0;  // assigned on create
  std::string credit_code;
  std::string authority;
  std::string decision_number;
  ViolationType violation_type = ViolationType::kUnspecified;
  absl::CivilDay decision_date;
  std::vector<Measure> measures;  // stored as a set: read back in value order
  int64_t fine_amount_fen = 0;
  bool tampering = false;
  bool recurrence = false;
  int64_t recurrence_of_id = 0;  // 0 = none; a decision of the same enterprise
  PenaltyDecisionState state = PenaltyDecisionState::kInForce;
  std::optional<absl::CivilDay> rectified_date;
  std::optional<Revocation> revocation;
  absl::Time create_time;
  absl::Time update_time;
};

// True when `a` and `b` say the same thing as far as a create can say it
// (enterprise, authority, number, type, date, measures as a set, fine,
// flags, link); ids, state and times are not compared.
bool SameDecisionContent(const PenaltyDecision& a, const PenaltyDecision& b);

// The decide step of creating `decision` (CreatePenaltyDecision and every
// item of BatchCreatePenaltyDecisions). `same_number` is the decision stored
// before, or created earlier in the same batch, with the same (authority,
// decision_number); null when there is none. Returns kNew (store it) when
// there is none; kDuplicate (store nothing, answer `*same_number` with
// already_existed) when it says the same (SameDecisionContent); otherwise
// ALREADY_EXISTS (PENALTY_DECISION_ALREADY_EXISTS, field
// penalty_decision.decision_number).
enum class DecisionCreate { kNew, kDuplicate };
absl::StatusOr<DecisionCreate> DecideDecisionCreate(
    const PenaltyDecision& decision, const PenaltyDecision* same_number);

// The request-id step of creating a decision, before the decide step. A
// request id names one request: its method and the fingerprint of its body
// (the CreatePenaltyDecisionRequest without request_id, for a single create
// and a batch item alike). `earlier` is the request that claimed the id
// before (stored in the request log, or an earlier successful item of the
// same batch); null when none did. Returns kFresh (decide and claim it) when
// there is none; kReplay (store nothing, answer the decision it named) when
// method and fingerprint are the same; otherwise INVALID_ARGUMENT
// (REQUEST_ID_REUSED, field request_id), as every other create.
struct ClaimedRequest {
  std::string method;
  std::string fingerprint;
};
inline constexpr char kCreatePenaltyDecisionMethod[] = "CreatePenaltyDecision";
enum class RequestIdUse { kFresh, kReplay };
absl::StatusOr<RequestIdUse> DecideRequestIdUse(absl::string_view method,
                                                absl::string_view fingerprint,
                                                const ClaimedRequest* earlier);

// recurrence_of_id must name a decision of the same enterprise. OK when it is
// 0, or when `earlier_enterprise_id` (the enterprise of decision
// recurrence_of_id; nullopt when there is no such decision) is
// `enterprise_id`; otherwise NOT_FOUND (PENALTY_DECISION_NOT_FOUND, field
// penalty_decision.recurrence_of).
absl::Status CheckRecurrenceOf(const PenaltyDecision& decision,
                               int64_t enterprise_id,
                               std::optional<int64_t> earlier_enterprise_id);

// A bit per measure value (bit n = Measure n), as stored.
int64_t MeasureBits(const std::vector<Measure>& measures);
std::vector<Measure> MeasuresFromBits(int64_t bits);

// ------------------------------------------------------------------ complaints

enum class ComplaintChannel : int {
  kUnspecified = 0,
  kHotline12369 = 1,
  kLetter = 2,
  kVisit = 3,
  kOnline = 4,
  kInspectionTeam = 5,
  kOther = 99,
};
bool IsKnownComplaintChannel(int value);

// A link from a complaint to a decision: by id, or (on create) by the
// decision's natural key. Reads fill all three.
struct DecisionLink {
  int64_t id = 0;
  std::string authority;
  std::string decision_number;
};

struct Complaint {
  int64_t id = 0;
  std::string credit_code;
  absl::CivilDay received_date;
  ComplaintChannel channel = ComplaintChannel::kUnspecified;
  std::string case_number;  // unique per enterprise
  bool substantiated = false;
  std::vector<DecisionLink> decisions;
  std::string summary;
  absl::Time create_time;
};

// ------------------------------------------------------------------- incidents

struct Incident {
  int64_t id = 0;
  std::string credit_code;
  absl::CivilDay date;
  IncidentGrade grade = IncidentGrade::kUnspecified;
  std::string description;
  absl::Time create_time;
};

// ------------------------------------------------------------------ validation

// A record date: 1990-01-01 <= day <= today + 1. Reason DATE_OUT_OF_RANGE.
absl::Status CheckRecordDate(absl::string_view field, absl::CivilDay day,
                             absl::CivilDay today);

absl::Status ValidateCommitment(const Commitment& commitment,
                                absl::CivilDay today, absl::string_view field);
// The request part of a check (outcome, date, note); the item's state and
// due date are checked by the repository (FAILED_PRECONDITION).
absl::Status ValidateCommitmentCheck(const CommitmentCheck& check,
                                     absl::CivilDay today);
absl::Status ValidatePenaltyDecision(const PenaltyDecision& decision,
                                     absl::CivilDay today,
                                     absl::string_view field);
absl::Status ValidateRevocation(const Revocation& revocation,
                                absl::CivilDay today, absl::string_view field);
absl::Status ValidateComplaint(const Complaint& complaint, absl::CivilDay today,
                               absl::string_view field);
absl::Status ValidateIncident(const Incident& incident, absl::CivilDay today,
                              absl::string_view field);

// ------------------------------------------------------ state rules of writes
//
// What a write requires of the record as stored (storage reads it, calls the
// rule, writes). Field names are those of the requests.

// CheckCommitmentItem of item check.item_number of commitment `name`;
// `item` is the stored item (null: there is none). NOT_FOUND
// COMMITMENT_ITEM_NOT_FOUND (field item_number) when null;
// FAILED_PRECONDITION COMMITMENT_ITEM_ALREADY_CHECKED (field item_number)
// unless PENDING; COMMITMENT_ITEM_NOT_DUE (field check_date) when the check
// date is before the due date.
absl::Status CheckCanCheckItem(absl::string_view name, const CommitmentItem* item,
                               const CommitmentCheck& check);

// MarkPenaltyDecisionRectified of `current` on `date`: FAILED_PRECONDITION
// PENALTY_DECISION_REVOKED for a revoked decision; INVALID_ARGUMENT
// RECTIFIED_BEFORE_DECISION (field rectified_date) before its decision date.
absl::Status CheckCanMarkRectified(const PenaltyDecision& current,
                                   absl::CivilDay date);

// RevokePenaltyDecision of `current`: FAILED_PRECONDITION
// PENALTY_DECISION_ALREADY_REVOKED when revoked; INVALID_ARGUMENT
// REVOKED_BEFORE_DECISION (field revocation.date) before its decision date.
absl::Status CheckCanRevoke(const PenaltyDecision& current,
                            const Revocation& revocation);

// CreateComplaint: `resolved[i]` is the id of the decision of the complaint's
// enterprise that link i names (nullopt: none); storage may stop resolving
// after the first nullopt. Returns the decision ids in link order; NOT_FOUND
// PENALTY_DECISION_NOT_FOUND for the first link naming no decision, or
// INVALID_ARGUMENT DUPLICATE_DECISION_LINK for one naming a decision linked
// before. The field is complaint.decisions[k] for a link by id and
// complaint.decision_references[k] for one by natural key (links by id come
// first, as the API converts them).
absl::StatusOr<std::vector<int64_t>> CheckComplaintLinks(
    const Complaint& complaint, const std::vector<std::optional<int64_t>>& resolved);

// ALREADY_EXISTS COMPLAINT_ALREADY_EXISTS (field complaint.case_number): the
// enterprise has a complaint with this case number.
absl::Status ComplaintCaseNumberTaken(const Complaint& complaint);

// -------------------------------------------------------------- resource names

// "enterprises/{credit_code}/{collection}/{id}", collection one of
// kCommitments, kPenaltyDecisions, kComplaints, kIncidents.
inline constexpr char kCommitments[] = "commitments";
inline constexpr char kPenaltyDecisions[] = "penaltyDecisions";
inline constexpr char kComplaints[] = "complaints";
inline constexpr char kIncidents[] = "incidents";
std::string RecordName(absl::string_view credit_code,
                       absl::string_view collection, int64_t id);
// The id at the end of a name RecordName made; 0 when there is none.
int64_t IdOfRecordName(absl::string_view name);
// The credit code of a name RecordName made; empty when there is none.
absl::string_view CreditCodeOfRecordName(absl::string_view name);

// ------------------------------------------------------------- for the rating

// Everything stored for one enterprise, in storage order.
struct StoredRecords {
  std::vector<Commitment> commitments;
  std::vector<PenaltyDecision> decisions;
  std::vector<Incident> incidents;
};

// What the rating reads of each kind of stored record: the columns storage
// reads when it rates many enterprises (storage::LoadScoringRecords), or the
// fields of a full record (ToScoringRecords). AddForRating is the one
// mapping of a stored record to the engine's input (doc/records.md
// "Records for the rating"); every path that rates goes through it.
struct DecisionForRating {
  std::string decision_number;
  std::string authority;
  ViolationType violation_type = ViolationType::kUnspecified;
  absl::CivilDay decision_date;
  std::vector<Measure> measures;
  bool tampering = false;
  PenaltyDecisionState state = PenaltyDecisionState::kInForce;
};
struct CommitmentForRating {
  int64_t id = 0;
  CommitmentKind kind = CommitmentKind::kUnspecified;
  absl::CivilDay signing_date;
  bool is_public = false;
};
struct CommitmentItemForRating {
  int64_t commitment_id = 0;
  int number = 0;
  CommitmentItemState state = CommitmentItemState::kUnspecified;
  std::optional<absl::CivilDay> check_date;
};
struct IncidentForRating {
  int64_t id = 0;
  absl::CivilDay date;
  IncidentGrade grade = IncidentGrade::kUnspecified;
};

// Appends the record to `out`, in the order called: a decision as it is
// (revoked = state REVOKED; reference its decision number); a commitment
// with reference "commitments/{id}"; an item only when BROKEN with a check
// date, as a BrokenCommitmentItem "commitments/{id} item {n}" dated by the
// check; an incident with reference "incidents/{id}".
void AddForRating(DecisionForRating decision, scoring::EnterpriseRecords* out);
void AddForRating(const CommitmentForRating& commitment,
                  scoring::EnterpriseRecords* out);
void AddForRating(const CommitmentItemForRating& item,
                  scoring::EnterpriseRecords* out);
void AddForRating(const IncidentForRating& incident,
                  scoring::EnterpriseRecords* out);

// The engine's view of `records`: AddForRating of every decision, every
// commitment, the items of each commitment in turn, every incident.
scoring::EnterpriseRecords ToScoringRecords(const StoredRecords& records);

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_RECORDS_H_
