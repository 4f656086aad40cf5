// The records of enterprises kept in MySQL / MariaDB: domain::RecordRepository
// on the tables commitments, commitment_items, penalty_decisions,
// complaints, complaint_decisions, incidents (doc/schema.md), with audit
// entries in audit_log written in the same transaction as each write.
//
// Idempotency: decisions by (authority, decision_number) and content; other
// writes by request_id (request_log), as the enterprise repository does.
// BatchCreatePenaltyDecisions resolves enterprises with one query per 500
// items and existing decision numbers with one query per batch, inserts with
// one multi-row prepared statement and reads the new ids back by natural
// key, all in one transaction; a batch of replays only (a re-import) is
// answered from one read, without a transaction (doc/schema.md).
//
// Thread-safety: thread-safe.
#ifndef ENVCREDIT_SERVER_STORAGE_MYSQL_RECORD_REPOSITORY_H_
#define ENVCREDIT_SERVER_STORAGE_MYSQL_RECORD_REPOSITORY_H_

#include <optional>
#include <vector>

#include "server/domain/record_repository.h"
#include "server/storage/database.h"
#include "server/storage/mysql_rating_repository.h"

namespace envcredit::storage {

class MysqlRecordRepository final : public domain::RecordRepository {
 public:
  // Both must outlive the repository. Every write re-rates the enterprise it
  // touches through `ratings`, in the write's transaction.
  MysqlRecordRepository(Database* db, const RatingWriter* ratings)
      : db_(*db), ratings_(*ratings) {}

  absl::StatusOr<domain::Commitment> CreateCommitment(
      const domain::Commitment& commitment, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<domain::Commitment> GetCommitment(
      absl::string_view credit_code, int64_t id) override;
  absl::StatusOr<domain::RecordPage<domain::Commitment>> ListCommitments(
      absl::string_view credit_code, int64_t after_id, int limit) override;
  absl::StatusOr<domain::Commitment> CheckCommitmentItem(
      absl::string_view credit_code, int64_t id,
      const domain::CommitmentCheck& check, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;

  absl::StatusOr<domain::DecisionResult> CreatePenaltyDecision(
      const domain::PenaltyDecision& decision, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  using domain::RecordRepository::BatchCreatePenaltyDecisions;
  absl::StatusOr<std::vector<absl::StatusOr<domain::DecisionResult>>>
  BatchCreatePenaltyDecisions(
      const std::vector<domain::BatchDecision>& items,
      const std::optional<domain::AuditContext>& call,
      domain::BatchAnswer answer) override;
  absl::StatusOr<std::optional<std::vector<std::string>>> ReplayedDecisionNames(
      const std::vector<domain::RequestKey>& keys,
      const domain::AuditContext& call) override;
  absl::StatusOr<domain::PenaltyDecision> GetPenaltyDecision(
      absl::string_view credit_code, int64_t id) override;
  absl::StatusOr<domain::RecordPage<domain::PenaltyDecision>>
  ListPenaltyDecisions(absl::string_view credit_code,
                       domain::PenaltyDecisionState state, int64_t after_id,
                       int limit) override;
  absl::StatusOr<domain::PenaltyDecision> MarkPenaltyDecisionRectified(
      absl::string_view credit_code, int64_t id, absl::CivilDay date,
      const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<domain::PenaltyDecision> RevokePenaltyDecision(
      absl::string_view credit_code, int64_t id,
      const domain::Revocation& revocation, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;

  absl::StatusOr<domain::Complaint> CreateComplaint(
      const domain::Complaint& complaint, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<domain::Complaint> GetComplaint(absl::string_view credit_code,
                                                 int64_t id) override;
  absl::StatusOr<domain::RecordPage<domain::Complaint>> ListComplaints(
      absl::string_view credit_code, int64_t after_id, int limit) override;

  absl::StatusOr<domain::Incident> CreateIncident(
      const domain::Incident& incident, const domain::RequestKey& key,
      const domain::AuditContext& audit) override;
  absl::StatusOr<domain::Incident> GetIncident(absl::string_view credit_code,
                                               int64_t id) override;
  absl::StatusOr<domain::RecordPage<domain::Incident>> ListIncidents(
      absl::string_view credit_code, int64_t after_id, int limit) override;

  absl::StatusOr<domain::StoredRecords> LoadRecords(
      absl::string_view credit_code) override;

 private:
  Database& db_;
  const RatingWriter& ratings_;
};

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_MYSQL_RECORD_REPOSITORY_H_
