#include "server/domain/records.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace envcredit::domain {
namespace {

std::string Path(absl::string_view prefix, absl::string_view name) {
  if (prefix.empty()) return std::string(name);
  return absl::StrCat(prefix, ".", name);
}

absl::Status UnknownEnum(const std::string& field, int value) {
  return InvalidArgument(field, "INVALID_ENUM",
                         absl::StrCat(field, ": unknown or unspecified value ",
                                      value));
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

}  // namespace

absl::CivilDay EarliestRecordDay() { return absl::CivilDay(1990, 1, 1); }

absl::Status CheckRecordDate(absl::string_view field, absl::CivilDay day,
                             absl::CivilDay today) {
  if (day < EarliestRecordDay() || day > today + 1) {
    return InvalidArgument(
        field, "DATE_OUT_OF_RANGE",
        absl::StrCat(field, ": ", DayText(day),
                     " is not between 1990-01-01 and today (", DayText(today),
                     ", one day of clock skew allowed)"));
  }
  return absl::OkStatus();
}

bool IsKnownComplaintChannel(int value) {
  return (value >= 1 && value <= 5) || value == 99;
}

int64_t MeasureBits(const std::vector<Measure>& measures) {
  int64_t bits = 0;
  for (Measure m : measures) bits |= int64_t{1} << static_cast<int>(m);
  return bits;
}

std::vector<Measure> MeasuresFromBits(int64_t bits) {
  std::vector<Measure> measures;
  for (int v = 1; v <= scoring::kMaxMeasureValue; ++v) {
    if (bits & (int64_t{1} << v)) measures.push_back(static_cast<Measure>(v));
  }
  return measures;
}

absl::StatusOr<DecisionCreate> DecideDecisionCreate(
    const PenaltyDecision& decision, const PenaltyDecision* same_number) {
  if (same_number == nullptr) return DecisionCreate::kNew;
  if (SameDecisionContent(*same_number, decision)) return DecisionCreate::kDuplicate;
  return MakeError(absl::StatusCode::kAlreadyExists,
                   "PENALTY_DECISION_ALREADY_EXISTS",
                   absl::StrCat("decision ", decision.decision_number, " of ",
                                decision.authority,
                                " exists already with other content"),
                   "penalty_decision.decision_number");
}

absl::StatusOr<RequestIdUse> DecideRequestIdUse(absl::string_view method,
                                                absl::string_view fingerprint,
                                                const ClaimedRequest* earlier) {
  if (earlier == nullptr) return RequestIdUse::kFresh;
  if (earlier->method == method && earlier->fingerprint == fingerprint) {
    return RequestIdUse::kReplay;
  }
  return InvalidArgument("request_id", "REQUEST_ID_REUSED",
                         "request_id was already used for a different request");
}

absl::Status CheckRecurrenceOf(const PenaltyDecision& decision,
                               int64_t enterprise_id,
                               std::optional<int64_t> earlier_enterprise_id) {
  if (decision.recurrence_of_id == 0 || earlier_enterprise_id == enterprise_id) {
    return absl::OkStatus();
  }
  return MakeError(absl::StatusCode::kNotFound, "PENALTY_DECISION_NOT_FOUND",
                   absl::StrCat(RecordName(decision.credit_code, kPenaltyDecisions,
                                           decision.recurrence_of_id),
                                " does not exist"),
                   "penalty_decision.recurrence_of");
}

absl::Status CheckCanCheckItem(absl::string_view name, const CommitmentItem* item,
                               const CommitmentCheck& check) {
  if (item == nullptr) {
    return MakeError(absl::StatusCode::kNotFound, "COMMITMENT_ITEM_NOT_FOUND",
                     absl::StrCat(name, " has no item ", check.item_number),
                     "item_number");
  }
  if (item->state != CommitmentItemState::kPending) {
    return MakeError(absl::StatusCode::kFailedPrecondition,
                     "COMMITMENT_ITEM_ALREADY_CHECKED",
                     absl::StrCat("item ", check.item_number, " of ", name,
                                  " was checked already"),
                     "item_number");
  }
  if (check.check_date < item->due_date) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "COMMITMENT_ITEM_NOT_DUE",
                     absl::StrCat("item ", check.item_number, " of ", name,
                                  " is due on ", DayText(item->due_date),
                                  ", after the check date"),
                     "check_date");
  }
  return absl::OkStatus();
}

absl::Status CheckCanMarkRectified(const PenaltyDecision& current,
                                   absl::CivilDay date) {
  if (current.state == PenaltyDecisionState::kRevoked) {
    return MakeError(absl::StatusCode::kFailedPrecondition, "PENALTY_DECISION_REVOKED",
                     absl::StrCat(RecordName(current.credit_code, kPenaltyDecisions,
                                             current.id),
                                  " is revoked"));
  }
  if (date < current.decision_date) {
    return InvalidArgument("rectified_date", "RECTIFIED_BEFORE_DECISION",
                           absl::StrCat("rectified_date: ", DayText(date),
                                        " is before the decision date ",
                                        DayText(current.decision_date)));
  }
  return absl::OkStatus();
}

absl::Status CheckCanRevoke(const PenaltyDecision& current,
                            const Revocation& revocation) {
  if (current.state == PenaltyDecisionState::kRevoked) {
    return MakeError(absl::StatusCode::kFailedPrecondition,
                     "PENALTY_DECISION_ALREADY_REVOKED",
                     absl::StrCat(RecordName(current.credit_code, kPenaltyDecisions,
                                             current.id),
                                  " is revoked already"));
  }
  if (revocation.date < current.decision_date) {
    return InvalidArgument("revocation.date", "REVOKED_BEFORE_DECISION",
                           absl::StrCat("revocation.date: ", DayText(revocation.date),
                                        " is before the decision date ",
                                        DayText(current.decision_date)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> CheckComplaintLinks(
    const Complaint& complaint, const std::vector<std::optional<int64_t>>& resolved) {
  size_t by_id = 0;
  for (const DecisionLink& link : complaint.decisions) by_id += link.id != 0;
  std::vector<int64_t> ids;
  for (size_t i = 0; i < complaint.decisions.size(); ++i) {
    const std::string field =
        complaint.decisions[i].id != 0
            ? absl::StrCat("complaint.decisions[", i, "]")
            : absl::StrCat("complaint.decision_references[", i - by_id, "]");
    if (i >= resolved.size() || !resolved[i]) {
      return MakeError(absl::StatusCode::kNotFound, "PENALTY_DECISION_NOT_FOUND",
                       absl::StrCat(field, ": no such decision of enterprises/",
                                    complaint.credit_code),
                       field);
    }
    if (std::find(ids.begin(), ids.end(), *resolved[i]) != ids.end()) {
      return InvalidArgument(field, "DUPLICATE_DECISION_LINK",
                             absl::StrCat(field, ": linked twice"));
    }
    ids.push_back(*resolved[i]);
  }
  return ids;
}

absl::Status ComplaintCaseNumberTaken(const Complaint& complaint) {
  return MakeError(absl::StatusCode::kAlreadyExists, "COMPLAINT_ALREADY_EXISTS",
                   absl::StrCat("case number ", complaint.case_number,
                                " exists already for this enterprise"),
                   "complaint.case_number");
}

bool SameDecisionContent(const PenaltyDecision& a, const PenaltyDecision& b) {
  return a.credit_code == b.credit_code && a.authority == b.authority &&
         a.decision_number == b.decision_number &&
         a.violation_type == b.violation_type &&
         a.decision_date == b.decision_date &&
         MeasureBits(a.measures) == MeasureBits(b.measures) &&
         a.fine_amount_fen == b.fine_amount_fen && a.tampering == b.tampering &&
         a.recurrence == b.recurrence &&
         a.recurrence_of_id == b.recurrence_of_id;
}

absl::Status ValidateCommitment(const Commitment& c, absl::CivilDay today,
                                absl::string_view field) {
  if (!scoring::IsKnownCommitmentKind(static_cast<int>(c.kind))) {
    return UnknownEnum(Path(field, "kind"), static_cast<int>(c.kind));
  }
  RETURN_IF_ERROR(CheckNameText(Path(field, "signer"), c.signer, 1, kMaxSignerChars));
  RETURN_IF_ERROR(
      CheckRecordDate(Path(field, "signing_date"), c.signing_date, today));
  if (c.items.size() > kMaxCommitmentItems) {
    return InvalidArgument(Path(field, "items"), "TOO_MANY_ITEMS",
                           absl::StrCat("items: at most ", kMaxCommitmentItems));
  }
  for (size_t i = 0; i < c.items.size(); ++i) {
    const std::string item = Path(field, absl::StrCat("items[", i, "]"));
    RETURN_IF_ERROR(CheckText(Path(item, "description"), c.items[i].description,
                              1, kMaxItemDescriptionChars));
    const absl::CivilDay due = c.items[i].due_date;
    if (due < c.signing_date || due.year() > kMaxDueYear) {
      return InvalidArgument(
          Path(item, "due_date"), "DATE_OUT_OF_RANGE",
          absl::StrCat(Path(item, "due_date"), ": ", DayText(due),
                       " must be on or after the signing date and before ",
                       kMaxDueYear + 1));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateCommitmentCheck(const CommitmentCheck& check,
                                     absl::CivilDay today) {
  if (check.item_number < 1) {
    return InvalidArgument("item_number", "INVALID_ITEM_NUMBER",
                           "item_number: must be 1 or more");
  }
  if (check.outcome != CommitmentItemState::kKept &&
      check.outcome != CommitmentItemState::kBroken) {
    return InvalidArgument("outcome", "INVALID_ENUM",
                           "outcome: must be KEPT or BROKEN");
  }
  RETURN_IF_ERROR(CheckRecordDate("check_date", check.check_date, today));
  return CheckText("note", check.note, 0, kMaxNoteChars);
}

absl::Status ValidatePenaltyDecision(const PenaltyDecision& d,
                                     absl::CivilDay today,
                                     absl::string_view field) {
  // Identifiers of the unique key (authority, decision_number): no
  // surrounding whitespace, so the key's equality is exact (doc/schema.md).
  RETURN_IF_ERROR(CheckIdentifierText(Path(field, "authority"), d.authority, 1,
                                      kMaxAuthorityChars));
  RETURN_IF_ERROR(CheckIdentifierText(Path(field, "decision_number"),
                                      d.decision_number, 1,
                                      kMaxDecisionNumberChars));
  if (!scoring::IsKnownViolationType(static_cast<int>(d.violation_type))) {
    return UnknownEnum(Path(field, "violation_type"),
                       static_cast<int>(d.violation_type));
  }
  RETURN_IF_ERROR(
      CheckRecordDate(Path(field, "decision_date"), d.decision_date, today));
  const std::string measures = Path(field, "measures");
  if (d.measures.empty()) {
    return InvalidArgument(measures, "MEASURES_EMPTY",
                           "measures: at least one measure is required");
  }
  std::set<int> seen;
  bool fined = false;
  for (size_t i = 0; i < d.measures.size(); ++i) {
    const int value = static_cast<int>(d.measures[i]);
    const std::string at = absl::StrCat(measures, "[", i, "]");
    if (!scoring::IsKnownMeasure(value)) return UnknownEnum(at, value);
    if (!seen.insert(value).second) {
      return InvalidArgument(at, "DUPLICATE_MEASURE",
                             absl::StrCat(at, ": measure ", value,
                                          " is listed twice"));
    }
    fined |= d.measures[i] == Measure::kFine ||
             d.measures[i] == Measure::kDailyContinuousPenalty;
  }
  const std::string fine = Path(field, "fine_amount_fen");
  if (d.fine_amount_fen < 0 || d.fine_amount_fen > kMaxFineAmountFen) {
    return InvalidArgument(fine, "FINE_AMOUNT_OUT_OF_RANGE",
                           absl::StrCat(fine, ": must be 0..",
                                        kMaxFineAmountFen, " fen"));
  }
  if (fined && d.fine_amount_fen == 0) {
    return InvalidArgument(
        fine, "FINE_AMOUNT_REQUIRED",
        absl::StrCat(fine, ": a FINE or DAILY_CONTINUOUS_PENALTY needs an "
                           "amount > 0"));
  }
  if (!fined && d.fine_amount_fen != 0) {
    return InvalidArgument(
        fine, "FINE_AMOUNT_NOT_ALLOWED",
        absl::StrCat(fine, ": only a FINE or DAILY_CONTINUOUS_PENALTY has an "
                           "amount"));
  }
  if (d.recurrence_of_id != 0 && !d.recurrence) {
    return InvalidArgument(Path(field, "recurrence_of"), "RECURRENCE_NOT_SET",
                           "recurrence_of: only with recurrence = true");
  }
  return absl::OkStatus();
}

absl::Status ValidateRevocation(const Revocation& r, absl::CivilDay today,
                                absl::string_view field) {
  RETURN_IF_ERROR(CheckRecordDate(Path(field, "date"), r.date, today));
  if (r.reason != RevocationReason::kAdministrativeReview &&
      r.reason != RevocationReason::kCourtRuling) {
    return UnknownEnum(Path(field, "reason"), static_cast<int>(r.reason));
  }
  return CheckText(Path(field, "note"), r.note, 0, kMaxNoteChars);
}

absl::Status ValidateComplaint(const Complaint& c, absl::CivilDay today,
                               absl::string_view field) {
  RETURN_IF_ERROR(
      CheckRecordDate(Path(field, "received_date"), c.received_date, today));
  if (!IsKnownComplaintChannel(static_cast<int>(c.channel))) {
    return UnknownEnum(Path(field, "channel"), static_cast<int>(c.channel));
  }
  RETURN_IF_ERROR(CheckIdentifierText(Path(field, "case_number"), c.case_number,
                                      1, kMaxCaseNumberChars));
  RETURN_IF_ERROR(
      CheckText(Path(field, "summary"), c.summary, 0, kMaxSummaryChars));
  if (c.decisions.size() > kMaxComplaintDecisions) {
    return InvalidArgument(Path(field, "decisions"), "TOO_MANY_DECISIONS",
                           absl::StrCat("decisions: at most ",
                                        kMaxComplaintDecisions));
  }
  return absl::OkStatus();
}

absl::Status ValidateIncident(const Incident& i, absl::CivilDay today,
                              absl::string_view field) {
  RETURN_IF_ERROR(CheckRecordDate(Path(field, "date"), i.date, today));
  if (!scoring::IsKnownIncidentGrade(static_cast<int>(i.grade))) {
    return UnknownEnum(Path(field, "grade"), static_cast<int>(i.grade));
  }
  return CheckText(Path(field, "description"), i.description, 0,
                   kMaxSummaryChars);
}

std::string RecordName(absl::string_view credit_code,
                       absl::string_view collection, int64_t id) {
  return absl::StrCat("enterprises/", credit_code, "/", collection, "/", id);
}

int64_t IdOfRecordName(absl::string_view name) {
  const size_t slash = name.rfind('/');
  int64_t id = 0;
  if (slash == absl::string_view::npos ||
      !absl::SimpleAtoi(name.substr(slash + 1), &id) || id < 1) {
    return 0;
  }
  return id;
}

absl::string_view CreditCodeOfRecordName(absl::string_view name) {
  constexpr absl::string_view kPrefix = "enterprises/";
  if (!absl::StartsWith(name, kPrefix)) return {};
  name.remove_prefix(kPrefix.size());
  const size_t slash = name.find('/');
  return slash == absl::string_view::npos ? absl::string_view() : name.substr(0, slash);
}

void AddForRating(DecisionForRating decision, scoring::EnterpriseRecords* out) {
  scoring::PenaltyDecision s;
  s.decision_number = std::move(decision.decision_number);
  s.authority = std::move(decision.authority);
  s.violation_type = decision.violation_type;
  s.decision_date = decision.decision_date;
  s.measures = std::move(decision.measures);
  s.tampering = decision.tampering;
  s.revoked = decision.state == PenaltyDecisionState::kRevoked;
  out->decisions.push_back(std::move(s));
}

void AddForRating(const CommitmentForRating& commitment,
                  scoring::EnterpriseRecords* out) {
  out->commitments.push_back(
      scoring::Commitment{absl::StrCat("commitments/", commitment.id),
                          commitment.kind, commitment.signing_date,
                          commitment.is_public});
}

void AddForRating(const CommitmentItemForRating& item,
                  scoring::EnterpriseRecords* out) {
  if (item.state != CommitmentItemState::kBroken || !item.check_date) return;
  out->broken_commitments.push_back(scoring::BrokenCommitmentItem{
      absl::StrCat("commitments/", item.commitment_id, " item ", item.number),
      *item.check_date});
}

void AddForRating(const IncidentForRating& incident,
                  scoring::EnterpriseRecords* out) {
  out->incidents.push_back(scoring::Incident{
      absl::StrCat("incidents/", incident.id), incident.date, incident.grade});
}

scoring::EnterpriseRecords ToScoringRecords(const StoredRecords& records) {
  scoring::EnterpriseRecords out;
  for (const PenaltyDecision& d : records.decisions) {
    AddForRating(DecisionForRating{d.decision_number, d.authority,
                                   d.violation_type, d.decision_date, d.measures,
                                   d.tampering, d.state},
                 &out);
  }
  for (const Commitment& c : records.commitments) {
    AddForRating(CommitmentForRating{c.id, c.kind, c.signing_date, c.is_public},
                 &out);
    for (const CommitmentItem& item : c.items) {
      AddForRating(CommitmentItemForRating{c.id, item.number, item.state,
                                           item.check_date},
                   &out);
    }
  }
  for (const Incident& i : records.incidents) {
    AddForRating(IncidentForRating{i.id, i.date, i.grade}, &out);
  }
  return out;
}

}  // namespace envcredit::domain
