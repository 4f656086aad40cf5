// Where the records of enterprises are kept. The gRPC layer talks to this
// interface; the MySQL implementation lives in server/storage.
//
// Every write takes an AuditContext and appends its audit entry (outcome OK)
// in the same transaction; a write that fails stores nothing and appends
// nothing (the caller audits the failure with AuditLog::Append).
// Records are addressed by the enterprise's credit code and their id; a
// record of another enterprise is NOT_FOUND.
#ifndef ENVCREDIT_SERVER_DOMAIN_RECORD_REPOSITORY_H_
#define ENVCREDIT_SERVER_DOMAIN_RECORD_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/domain/audit.h"
#include "server/domain/enterprise_repository.h"
#include "server/domain/records.h"

namespace envcredit::domain {

template <typename T>
struct RecordPage {
  std::vector<T> records;  // in id order
  bool has_more = false;
};

// The result of creating a decision.
struct DecisionResult {
  PenaltyDecision decision;
  bool already_existed = false;  // same content was stored before
};

// What a batch of decisions answers with: every stored decision whole, or
// what names it (credit_code and id are set; the other fields may be left
// default), which lets a batch of replays be answered from the request log
// alone.
enum class BatchAnswer { kWhole, kNames };

// One decision of a batch with its own audit context and request key. The
// key's fingerprint is that of the item's CreatePenaltyDecisionRequest, so a
// batch item and a single create with the same request_id and body are the
// same request (doc/records.md "Request ids of decisions").
struct BatchDecision {
  PenaltyDecision decision;
  AuditContext audit;
  RequestKey key;
};

// Thread-safe. Common errors: NOT_FOUND (reason ENTERPRISE_NOT_FOUND) when
// the enterprise does not exist; UNAVAILABLE when the database cannot be
// reached; ABORTED (DB_CONFLICT) on a deadlock; INTERNAL otherwise.
// Inputs must have passed the domain Validate* functions.
class RecordRepository {
 public:
  virtual ~RecordRepository() = default;

  // Stores a commitment with its items numbered 1.. and PENDING. Idempotent
  // under `key` (the original commitment is returned as it is now; another
  // fingerprint: INVALID_ARGUMENT REQUEST_ID_REUSED).
  virtual absl::StatusOr<Commitment> CreateCommitment(
      const Commitment& commitment, const RequestKey& key,
      const AuditContext& audit) = 0;
  // NOT_FOUND (COMMITMENT_NOT_FOUND).
  virtual absl::StatusOr<Commitment> GetCommitment(
      absl::string_view credit_code, int64_t id) = 0;
  virtual absl::StatusOr<RecordPage<Commitment>> ListCommitments(
      absl::string_view credit_code, int64_t after_id, int limit) = 0;
  // NOT_FOUND (COMMITMENT_NOT_FOUND, COMMITMENT_ITEM_NOT_FOUND);
  // FAILED_PRECONDITION COMMITMENT_ITEM_ALREADY_CHECKED when checked before,
  // COMMITMENT_ITEM_NOT_DUE when the check date is before the due date.
  // Idempotent under `key`.
  virtual absl::StatusOr<Commitment> CheckCommitmentItem(
      absl::string_view credit_code, int64_t id, const CommitmentCheck& check,
      const RequestKey& key, const AuditContext& audit) = 0;

  // Stores a decision. When (authority, decision_number) exists: the same
  // content returns it with already_existed; other content is
  // ALREADY_EXISTS (PENALTY_DECISION_ALREADY_EXISTS, field
  // penalty_decision.decision_number). NOT_FOUND
  // (PENALTY_DECISION_NOT_FOUND, field penalty_decision.recurrence_of) when
  // recurrence_of_id is not a decision of the same enterprise.
  // Idempotent under `key` (method "CreatePenaltyDecision"): the same id and
  // fingerprint answer the decision the id first named, as it is now, with
  // already_existed, and store nothing; the same id with another fingerprint
  // is INVALID_ARGUMENT (REQUEST_ID_REUSED, field request_id) and stores
  // nothing. A failed create does not claim its id.
  virtual absl::StatusOr<DecisionResult> CreatePenaltyDecision(
      const PenaltyDecision& decision, const RequestKey& key,
      const AuditContext& audit) = 0;
  // Each item as CreatePenaltyDecision would do it, in one transaction with
  // multi-row statements; one result per item, in order. Only a database
  // failure fails the whole call. Request ids are per item, in the same
  // namespace as CreatePenaltyDecision's: an item whose id an earlier item
  // of the batch claimed is a replay of that item (same fingerprint) or
  // REQUEST_ID_REUSED (another one).
  //
  // `call` is the batch call's own audit context (its actor, the batch
  // method and the call's request id). When it is given and every item
  // replays a stored request with the same fingerprint, nothing is written
  // but ONE audit entry for the call: resource the batch's parent (that
  // enterprise, or "enterprises/-" when the items name several), outcome OK,
  // reason REPLAYED, field "items=N" (doc/records.md "Audit"). Without it
  // (a single create) each replayed item has its own entry.
  // `answer` says how much of each decision the results carry. Only a
  // batch answered whole is looked up as a possible re-import here; a
  // caller that wants names asks ReplayedDecisionNames first.
  virtual absl::StatusOr<std::vector<absl::StatusOr<DecisionResult>>>
  BatchCreatePenaltyDecisions(const std::vector<BatchDecision>& items,
                              const std::optional<AuditContext>& call,
                              BatchAnswer answer) = 0;
  // A batch that may be a re-import, looked up before its items are
  // converted and checked: when every key (non-empty request_id) replays a
  // stored CreatePenaltyDecision with the same fingerprint, the names of
  // the decisions those claims created, in key order, with nothing written
  // but the one REPLAYED audit entry of `call` (as BatchCreatePenaltyDecisions
  // writes it); nullopt, and nothing written, otherwise. A replay answers
  // the original (AIP-155) even where today's checks would refuse the item.
  // A store without this lookup answers nullopt, and the batch takes the
  // full path.
  virtual absl::StatusOr<std::optional<std::vector<std::string>>>
  ReplayedDecisionNames(const std::vector<RequestKey>& keys, const AuditContext& call) {
    (void)keys;
    (void)call;
    return std::nullopt;
  }
  // The same answering whole decisions.
  absl::StatusOr<std::vector<absl::StatusOr<DecisionResult>>>
  BatchCreatePenaltyDecisions(const std::vector<BatchDecision>& items,
                              const std::optional<AuditContext>& call) {
    return BatchCreatePenaltyDecisions(items, call, BatchAnswer::kWhole);
  }
  // The same with no batch call: every item is audited on its own.
  absl::StatusOr<std::vector<absl::StatusOr<DecisionResult>>>
  BatchCreatePenaltyDecisions(const std::vector<BatchDecision>& items) {
    return BatchCreatePenaltyDecisions(items, std::nullopt, BatchAnswer::kWhole);
  }
  // NOT_FOUND (PENALTY_DECISION_NOT_FOUND).
  virtual absl::StatusOr<PenaltyDecision> GetPenaltyDecision(
      absl::string_view credit_code, int64_t id) = 0;
  // `state` kUnspecified = any.
  virtual absl::StatusOr<RecordPage<PenaltyDecision>> ListPenaltyDecisions(
      absl::string_view credit_code, PenaltyDecisionState state,
      int64_t after_id, int limit) = 0;
  // INVALID_ARGUMENT (RECTIFIED_BEFORE_DECISION, field rectified_date) when
  // `date` is before the decision date; FAILED_PRECONDITION
  // (PENALTY_DECISION_REVOKED) for a revoked decision. Idempotent under key.
  virtual absl::StatusOr<PenaltyDecision> MarkPenaltyDecisionRectified(
      absl::string_view credit_code, int64_t id, absl::CivilDay date,
      const RequestKey& key, const AuditContext& audit) = 0;
  // INVALID_ARGUMENT (REVOKED_BEFORE_DECISION, field revocation.date);
  // FAILED_PRECONDITION (PENALTY_DECISION_ALREADY_REVOKED). Idempotent under
  // key.
  virtual absl::StatusOr<PenaltyDecision> RevokePenaltyDecision(
      absl::string_view credit_code, int64_t id, const Revocation& revocation,
      const RequestKey& key, const AuditContext& audit) = 0;

  // Links are resolved by id or by (authority, decision_number) within the
  // enterprise: NOT_FOUND (PENALTY_DECISION_NOT_FOUND, field
  // complaint.decisions[i] / complaint.decision_references[i]);
  // INVALID_ARGUMENT (DUPLICATE_DECISION_LINK) for a decision linked twice;
  // ALREADY_EXISTS (COMPLAINT_ALREADY_EXISTS) for a taken case number.
  // Idempotent under key.
  virtual absl::StatusOr<Complaint> CreateComplaint(
      const Complaint& complaint, const RequestKey& key,
      const AuditContext& audit) = 0;
  virtual absl::StatusOr<Complaint> GetComplaint(absl::string_view credit_code,
                                                 int64_t id) = 0;
  virtual absl::StatusOr<RecordPage<Complaint>> ListComplaints(
      absl::string_view credit_code, int64_t after_id, int limit) = 0;

  virtual absl::StatusOr<Incident> CreateIncident(
      const Incident& incident, const RequestKey& key,
      const AuditContext& audit) = 0;
  virtual absl::StatusOr<Incident> GetIncident(absl::string_view credit_code,
                                               int64_t id) = 0;
  virtual absl::StatusOr<RecordPage<Incident>> ListIncidents(
      absl::string_view credit_code, int64_t after_id, int limit) = 0;

  // Everything stored for the enterprise (for ratings: pass the result to
  // ToScoringRecords). NOT_FOUND as above.
  virtual absl::StatusOr<StoredRecords> LoadRecords(
      absl::string_view credit_code) = 0;
};

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_RECORD_REPOSITORY_H_
