// envcredit.v1.RecordService: commitments, penalty decisions, complaints and
// incidents over gRPC (doc/records.md). Each handler is a checklist: parse
// the names, convert, validate against today's date, call the repository,
// convert back. A successful write is audited by the repository in its
// transaction; a failed one is audited here with a standalone append.
// Thread-safe; holds no state of its own.
#ifndef ENVCREDIT_SERVER_API_RECORD_SERVICE_H_
#define ENVCREDIT_SERVER_API_RECORD_SERVICE_H_

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "server/api/call_audit.h"
#include "server/api/batch.h"
#include "server/api/guard.h"
#include "server/domain/audit.h"
#include "server/domain/record_repository.h"

namespace envcredit::api {

class RecordService final : public v1::RecordService::Service {
 public:
  // Every pointer must outlive the service.
  RecordService(AccessControl* access, domain::RecordRepository* records,
                domain::AuditLog* audit, const Clock* clock)
      : guard_(access, "envcredit.v1.RecordService"),
        records_(records),
        audit_(audit, "envcredit.v1.RecordService"),
        clock_(clock) {}

  grpc::Status CreateCommitment(grpc::ServerContext* context,
                                const v1::CreateCommitmentRequest* request,
                                v1::Commitment* response) override;
  grpc::Status GetCommitment(grpc::ServerContext* context,
                             const v1::GetCommitmentRequest* request,
                             v1::Commitment* response) override;
  grpc::Status ListCommitments(grpc::ServerContext* context,
                               const v1::ListCommitmentsRequest* request,
                               v1::ListCommitmentsResponse* response) override;
  grpc::Status CheckCommitmentItem(grpc::ServerContext* context,
                                   const v1::CheckCommitmentItemRequest* request,
                                   v1::Commitment* response) override;

  grpc::Status CreatePenaltyDecision(
      grpc::ServerContext* context,
      const v1::CreatePenaltyDecisionRequest* request,
      v1::PenaltyDecision* response) override;
  grpc::Status BatchCreatePenaltyDecisions(
      grpc::ServerContext* context,
      const v1::BatchCreatePenaltyDecisionsRequest* request,
      v1::BatchCreatePenaltyDecisionsResponse* response) override;
  grpc::Status GetPenaltyDecision(grpc::ServerContext* context,
                                  const v1::GetPenaltyDecisionRequest* request,
                                  v1::PenaltyDecision* response) override;
  grpc::Status ListPenaltyDecisions(
      grpc::ServerContext* context,
      const v1::ListPenaltyDecisionsRequest* request,
      v1::ListPenaltyDecisionsResponse* response) override;
  grpc::Status MarkPenaltyDecisionRectified(
      grpc::ServerContext* context,
      const v1::MarkPenaltyDecisionRectifiedRequest* request,
      v1::PenaltyDecision* response) override;
  grpc::Status RevokePenaltyDecision(
      grpc::ServerContext* context,
      const v1::RevokePenaltyDecisionRequest* request,
      v1::PenaltyDecision* response) override;

  grpc::Status CreateComplaint(grpc::ServerContext* context,
                               const v1::CreateComplaintRequest* request,
                               v1::Complaint* response) override;
  grpc::Status GetComplaint(grpc::ServerContext* context,
                            const v1::GetComplaintRequest* request,
                            v1::Complaint* response) override;
  grpc::Status ListComplaints(grpc::ServerContext* context,
                              const v1::ListComplaintsRequest* request,
                              v1::ListComplaintsResponse* response) override;

  grpc::Status CreateIncident(grpc::ServerContext* context,
                              const v1::CreateIncidentRequest* request,
                              v1::Incident* response) override;
  grpc::Status GetIncident(grpc::ServerContext* context,
                           const v1::GetIncidentRequest* request,
                           v1::Incident* response) override;
  grpc::Status ListIncidents(grpc::ServerContext* context,
                             const v1::ListIncidentsRequest* request,
                             v1::ListIncidentsResponse* response) override;

 private:
  const ServiceGuard guard_;
  absl::CivilDay Today() const { return TodayInChina(*clock_); }

  domain::RecordRepository* const records_;
  const CallAudit audit_;
  const Clock* const clock_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_RECORD_SERVICE_H_
