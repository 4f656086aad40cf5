#include "admin-cli/record_client.h"

#include <utility>

#include "admin-cli/enterprise_client.h"
#include "envcredit/v1/audit.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace envcredit::admin {
namespace {

class GrpcRecordClient final : public RecordClient {
 public:
  GrpcRecordClient(const std::shared_ptr<grpc::Channel>& channel,
                   double timeout_seconds, std::string token)
      : stub_(v1::RecordService::NewStub(channel)),
        timeout_seconds_(timeout_seconds),
        token_(std::move(token)) {}

  grpc::Status CreateCommitment(const std::string& call_id, const v1::CreateCommitmentRequest& request,
                v1::Commitment* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->CreateCommitment(&context, request, response);
  }
  grpc::Status GetCommitment(const std::string& call_id, const v1::GetCommitmentRequest& request,
                v1::Commitment* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->GetCommitment(&context, request, response);
  }
  grpc::Status ListCommitments(const std::string& call_id, const v1::ListCommitmentsRequest& request,
                v1::ListCommitmentsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListCommitments(&context, request, response);
  }
  grpc::Status CheckCommitmentItem(const std::string& call_id, const v1::CheckCommitmentItemRequest& request,
                v1::Commitment* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->CheckCommitmentItem(&context, request, response);
  }
  grpc::Status CreatePenaltyDecision(const std::string& call_id, const v1::CreatePenaltyDecisionRequest& request,
                v1::PenaltyDecision* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->CreatePenaltyDecision(&context, request, response);
  }
  grpc::Status BatchCreatePenaltyDecisions(const std::string& call_id, const v1::BatchCreatePenaltyDecisionsRequest& request,
                v1::BatchCreatePenaltyDecisionsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->BatchCreatePenaltyDecisions(&context, request, response);
  }
  grpc::Status GetPenaltyDecision(const std::string& call_id, const v1::GetPenaltyDecisionRequest& request,
                v1::PenaltyDecision* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->GetPenaltyDecision(&context, request, response);
  }
  grpc::Status ListPenaltyDecisions(const std::string& call_id, const v1::ListPenaltyDecisionsRequest& request,
                v1::ListPenaltyDecisionsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListPenaltyDecisions(&context, request, response);
  }
  grpc::Status MarkPenaltyDecisionRectified(const std::string& call_id, const v1::MarkPenaltyDecisionRectifiedRequest& request,
                v1::PenaltyDecision* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->MarkPenaltyDecisionRectified(&context, request, response);
  }
  grpc::Status RevokePenaltyDecision(const std::string& call_id, const v1::RevokePenaltyDecisionRequest& request,
                v1::PenaltyDecision* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->RevokePenaltyDecision(&context, request, response);
  }
  grpc::Status CreateComplaint(const std::string& call_id, const v1::CreateComplaintRequest& request,
                v1::Complaint* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->CreateComplaint(&context, request, response);
  }
  grpc::Status GetComplaint(const std::string& call_id, const v1::GetComplaintRequest& request,
                v1::Complaint* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->GetComplaint(&context, request, response);
  }
  grpc::Status ListComplaints(const std::string& call_id, const v1::ListComplaintsRequest& request,
                v1::ListComplaintsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListComplaints(&context, request, response);
  }
  grpc::Status CreateIncident(const std::string& call_id, const v1::CreateIncidentRequest& request,
                v1::Incident* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->CreateIncident(&context, request, response);
  }
  grpc::Status GetIncident(const std::string& call_id, const v1::GetIncidentRequest& request,
                v1::Incident* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->GetIncident(&context, request, response);
  }
  grpc::Status ListIncidents(const std::string& call_id, const v1::ListIncidentsRequest& request,
                v1::ListIncidentsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListIncidents(&context, request, response);
  }

 private:
  const std::unique_ptr<v1::RecordService::Stub> stub_;  // thread-safe
  const double timeout_seconds_;
  const std::string token_;
};

class GrpcAuditClient final : public AuditClient {
 public:
  GrpcAuditClient(const std::shared_ptr<grpc::Channel>& channel,
                  double timeout_seconds, std::string token)
      : stub_(v1::AuditService::NewStub(channel)),
        timeout_seconds_(timeout_seconds),
        token_(std::move(token)) {}

  grpc::Status ListAuditEntries(
      const std::string& call_id, const v1::ListAuditEntriesRequest& request,
      v1::ListAuditEntriesResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListAuditEntries(&context, request, response);
  }

 private:
  const std::unique_ptr<v1::AuditService::Stub> stub_;
  const double timeout_seconds_;
  const std::string token_;
};

std::shared_ptr<grpc::Channel> NewChannel(const std::string& server) {
  grpc::ChannelArguments args;
  // A batch of 1,000 decisions with long Chinese texts stays far below this.
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(),
                                   args);
}

}  // namespace

std::unique_ptr<RecordClient> NewGrpcRecordClient(const std::string& server,
                                                  double timeout_seconds,
                                                  const std::string& token) {
  return std::make_unique<GrpcRecordClient>(NewChannel(server),
                                            timeout_seconds, token);
}

std::unique_ptr<AuditClient> NewGrpcAuditClient(const std::string& server,
                                                double timeout_seconds,
                                                const std::string& token) {
  return std::make_unique<GrpcAuditClient>(NewChannel(server), timeout_seconds,
                                           token);
}

}  // namespace envcredit::admin
