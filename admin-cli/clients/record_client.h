// The calls envcredit-admin makes to RecordService (commitments, penalty
// decisions, complaints, incidents) and AuditService, behind small
// interfaces so the commands and the importer can be tested without a
// server (tests/cli/fake_record_client.h).
//
// Every call carries the `x-request-id` header (`call_id`), the bearer token
// when one is configured, and a deadline of --timeout seconds
// (CallContext::Prepare, call_context.h). Implementations are thread-safe: the
// importer calls one client from several threads. Each method returns the
// call's status; `response` is set only when it is OK.
#ifndef ENVCREDIT_ADMIN_CLI_CLIENTS_RECORD_CLIENT_H_
#define ENVCREDIT_ADMIN_CLI_CLIENTS_RECORD_CLIENT_H_

#include <memory>
#include <string>

#include "admin-cli/call_context.h"
#include "envcredit/v1/audit.pb.h"
#include "envcredit/v1/records.pb.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

class RecordClient {
 public:
  virtual ~RecordClient() = default;

  virtual grpc::Status CreateCommitment(
      const std::string& call_id,
      const envcredit::v1::CreateCommitmentRequest& request,
      envcredit::v1::Commitment* response) = 0;
  virtual grpc::Status GetCommitment(
      const std::string& call_id,
      const envcredit::v1::GetCommitmentRequest& request,
      envcredit::v1::Commitment* response) = 0;
  virtual grpc::Status ListCommitments(
      const std::string& call_id,
      const envcredit::v1::ListCommitmentsRequest& request,
      envcredit::v1::ListCommitmentsResponse* response) = 0;
  virtual grpc::Status CheckCommitmentItem(
      const std::string& call_id,
      const envcredit::v1::CheckCommitmentItemRequest& request,
      envcredit::v1::Commitment* response) = 0;
  virtual grpc::Status CreatePenaltyDecision(
      const std::string& call_id,
      const envcredit::v1::CreatePenaltyDecisionRequest& request,
      envcredit::v1::PenaltyDecision* response) = 0;
  virtual grpc::Status BatchCreatePenaltyDecisions(
      const std::string& call_id,
      const envcredit::v1::BatchCreatePenaltyDecisionsRequest& request,
      envcredit::v1::BatchCreatePenaltyDecisionsResponse* response) = 0;
  virtual grpc::Status GetPenaltyDecision(
      const std::string& call_id,
      const envcredit::v1::GetPenaltyDecisionRequest& request,
      envcredit::v1::PenaltyDecision* response) = 0;
  virtual grpc::Status ListPenaltyDecisions(
      const std::string& call_id,
      const envcredit::v1::ListPenaltyDecisionsRequest& request,
      envcredit::v1::ListPenaltyDecisionsResponse* response) = 0;
  virtual grpc::Status MarkPenaltyDecisionRectified(
      const std::string& call_id,
      const envcredit::v1::MarkPenaltyDecisionRectifiedRequest& request,
      envcredit::v1::PenaltyDecision* response) = 0;
  virtual grpc::Status RevokePenaltyDecision(
      const std::string& call_id,
      const envcredit::v1::RevokePenaltyDecisionRequest& request,
      envcredit::v1::PenaltyDecision* response) = 0;
  virtual grpc::Status CreateComplaint(
      const std::string& call_id,
      const envcredit::v1::CreateComplaintRequest& request,
      envcredit::v1::Complaint* response) = 0;
  virtual grpc::Status GetComplaint(
      const std::string& call_id,
      const envcredit::v1::GetComplaintRequest& request,
      envcredit::v1::Complaint* response) = 0;
  virtual grpc::Status ListComplaints(
      const std::string& call_id,
      const envcredit::v1::ListComplaintsRequest& request,
      envcredit::v1::ListComplaintsResponse* response) = 0;
  virtual grpc::Status CreateIncident(
      const std::string& call_id,
      const envcredit::v1::CreateIncidentRequest& request,
      envcredit::v1::Incident* response) = 0;
  virtual grpc::Status GetIncident(
      const std::string& call_id,
      const envcredit::v1::GetIncidentRequest& request,
      envcredit::v1::Incident* response) = 0;
  virtual grpc::Status ListIncidents(
      const std::string& call_id,
      const envcredit::v1::ListIncidentsRequest& request,
      envcredit::v1::ListIncidentsResponse* response) = 0;
};

class AuditClient {
 public:
  virtual ~AuditClient() = default;

  virtual grpc::Status ListAuditEntries(
      const std::string& call_id,
      const envcredit::v1::ListAuditEntriesRequest& request,
      envcredit::v1::ListAuditEntriesResponse* response) = 0;
};

// Clients on a channel to `connection.server` (host:port), connecting lazily
// as NewGrpcEnterpriseClient does; a non-empty `connection.token` is sent as
// `authorization: Bearer <token>`.
std::unique_ptr<RecordClient> NewGrpcRecordClient(const Connection& connection);
std::unique_ptr<AuditClient> NewGrpcAuditClient(const Connection& connection);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_CLIENTS_RECORD_CLIENT_H_
