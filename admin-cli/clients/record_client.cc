#include "admin-cli/clients/record_client.h"

#include "admin-cli/call_context.h"
#include "envcredit/v1/audit.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"

namespace envcredit::admin {
namespace {

class GrpcRecordClient final : public RecordClient {
 public:
  explicit GrpcRecordClient(const CallContext& context)
      : context_(context),
        stub_(v1::RecordService::NewStub(context.NewChannel())) {}

  grpc::Status CreateCommitment(const std::string& call_id,
                                const v1::CreateCommitmentRequest& request,
                                v1::Commitment* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::CreateCommitment, request,
                  response);
  }
  grpc::Status GetCommitment(const std::string& call_id,
                             const v1::GetCommitmentRequest& request,
                             v1::Commitment* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::GetCommitment, request, response);
  }
  grpc::Status ListCommitments(const std::string& call_id,
                               const v1::ListCommitmentsRequest& request,
                               v1::ListCommitmentsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::ListCommitments, request, response);
  }
  grpc::Status CheckCommitmentItem(
      const std::string& call_id, const v1::CheckCommitmentItemRequest& request,
      v1::Commitment* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::CheckCommitmentItem, request,
                  response);
  }
  grpc::Status CreatePenaltyDecision(
      const std::string& call_id,
      const v1::CreatePenaltyDecisionRequest& request,
      v1::PenaltyDecision* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::CreatePenaltyDecision, request,
                  response);
  }
  grpc::Status BatchCreatePenaltyDecisions(
      const std::string& call_id,
      const v1::BatchCreatePenaltyDecisionsRequest& request,
      v1::BatchCreatePenaltyDecisionsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::BatchCreatePenaltyDecisions,
                  request, response);
  }
  grpc::Status GetPenaltyDecision(const std::string& call_id,
                                  const v1::GetPenaltyDecisionRequest& request,
                                  v1::PenaltyDecision* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::GetPenaltyDecision, request,
                  response);
  }
  grpc::Status ListPenaltyDecisions(
      const std::string& call_id,
      const v1::ListPenaltyDecisionsRequest& request,
      v1::ListPenaltyDecisionsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::ListPenaltyDecisions, request,
                  response);
  }
  grpc::Status MarkPenaltyDecisionRectified(
      const std::string& call_id,
      const v1::MarkPenaltyDecisionRectifiedRequest& request,
      v1::PenaltyDecision* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::MarkPenaltyDecisionRectified,
                  request, response);
  }
  grpc::Status RevokePenaltyDecision(
      const std::string& call_id,
      const v1::RevokePenaltyDecisionRequest& request,
      v1::PenaltyDecision* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::RevokePenaltyDecision, request,
                  response);
  }
  grpc::Status CreateComplaint(const std::string& call_id,
                               const v1::CreateComplaintRequest& request,
                               v1::Complaint* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::CreateComplaint, request, response);
  }
  grpc::Status GetComplaint(const std::string& call_id,
                            const v1::GetComplaintRequest& request,
                            v1::Complaint* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::GetComplaint, request, response);
  }
  grpc::Status ListComplaints(const std::string& call_id,
                              const v1::ListComplaintsRequest& request,
                              v1::ListComplaintsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::ListComplaints, request, response);
  }
  grpc::Status CreateIncident(const std::string& call_id,
                              const v1::CreateIncidentRequest& request,
                              v1::Incident* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::CreateIncident, request, response);
  }
  grpc::Status GetIncident(const std::string& call_id,
                           const v1::GetIncidentRequest& request,
                           v1::Incident* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::GetIncident, request, response);
  }
  grpc::Status ListIncidents(const std::string& call_id,
                             const v1::ListIncidentsRequest& request,
                             v1::ListIncidentsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RecordService::Stub::ListIncidents, request, response);
  }

 private:
  const CallContext context_;
  const std::unique_ptr<v1::RecordService::Stub> stub_;  // thread-safe
};

class GrpcAuditClient final : public AuditClient {
 public:
  explicit GrpcAuditClient(const CallContext& context)
      : context_(context),
        stub_(v1::AuditService::NewStub(context.NewChannel())) {}

  grpc::Status ListAuditEntries(
      const std::string& call_id, const v1::ListAuditEntriesRequest& request,
      v1::ListAuditEntriesResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::AuditService::Stub::ListAuditEntries, request, response);
  }

 private:
  const CallContext context_;
  const std::unique_ptr<v1::AuditService::Stub> stub_;  // thread-safe
};

}  // namespace

std::unique_ptr<RecordClient> NewGrpcRecordClient(const Connection& connection) {
  return std::make_unique<GrpcRecordClient>(CallContext(connection));
}

std::unique_ptr<AuditClient> NewGrpcAuditClient(const Connection& connection) {
  return std::make_unique<GrpcAuditClient>(CallContext(connection));
}

}  // namespace envcredit::admin
