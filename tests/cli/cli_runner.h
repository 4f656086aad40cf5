// Runs envcredit-admin in-process against a FakeEnterpriseClient and
// captures the exit code, stdout and stderr.
#ifndef ENVCREDIT_TESTS_CLI_CLI_RUNNER_H_
#define ENVCREDIT_TESTS_CLI_CLI_RUNNER_H_

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "admin-cli/cli.h"
#include "tests/cli/fake_enterprise_client.h"
#include "tests/cli/fake_record_client.h"

namespace envcredit::admin::testing {

// Forwards to a fake the test keeps.
class ForwardingClient : public EnterpriseClient {
 public:
  explicit ForwardingClient(EnterpriseClient* target) : target_(target) {}
  grpc::Status Create(const std::string& id,
                      const v1::CreateEnterpriseRequest& r,
                      v1::Enterprise* e) override {
    return target_->Create(id, r, e);
  }
  grpc::Status BatchCreate(const std::string& id,
                           const v1::BatchCreateEnterprisesRequest& r,
                           v1::BatchCreateEnterprisesResponse* out) override {
    return target_->BatchCreate(id, r, out);
  }
  grpc::Status Get(const std::string& id, const v1::GetEnterpriseRequest& r,
                   v1::Enterprise* e) override {
    return target_->Get(id, r, e);
  }
  grpc::Status List(const std::string& id, const v1::ListEnterprisesRequest& r,
                    v1::ListEnterprisesResponse* e) override {
    return target_->List(id, r, e);
  }
  grpc::Status Update(const std::string& id,
                      const v1::UpdateEnterpriseRequest& r,
                      v1::Enterprise* e) override {
    return target_->Update(id, r, e);
  }

 private:
  EnterpriseClient* target_;
};

// Forwards to a FakeRecordClient the test keeps.
class ForwardingRecordClient : public RecordClient, public AuditClient {
 public:
  explicit ForwardingRecordClient(FakeRecordClient* target) : target_(target) {}
  grpc::Status CreateCommitment(const std::string& id, const v1::CreateCommitmentRequest& r,
                v1::Commitment* out) override {
    return static_cast<RecordClient*>(target_)->CreateCommitment(id, r, out);
  }
  grpc::Status GetCommitment(const std::string& id, const v1::GetCommitmentRequest& r,
                v1::Commitment* out) override {
    return static_cast<RecordClient*>(target_)->GetCommitment(id, r, out);
  }
  grpc::Status ListCommitments(const std::string& id, const v1::ListCommitmentsRequest& r,
                v1::ListCommitmentsResponse* out) override {
    return static_cast<RecordClient*>(target_)->ListCommitments(id, r, out);
  }
  grpc::Status CheckCommitmentItem(const std::string& id, const v1::CheckCommitmentItemRequest& r,
                v1::Commitment* out) override {
    return static_cast<RecordClient*>(target_)->CheckCommitmentItem(id, r, out);
  }
  grpc::Status CreatePenaltyDecision(const std::string& id, const v1::CreatePenaltyDecisionRequest& r,
                v1::PenaltyDecision* out) override {
    return static_cast<RecordClient*>(target_)->CreatePenaltyDecision(id, r, out);
  }
  grpc::Status BatchCreatePenaltyDecisions(const std::string& id, const v1::BatchCreatePenaltyDecisionsRequest& r,
                v1::BatchCreatePenaltyDecisionsResponse* out) override {
    return static_cast<RecordClient*>(target_)->BatchCreatePenaltyDecisions(id, r, out);
  }
  grpc::Status GetPenaltyDecision(const std::string& id, const v1::GetPenaltyDecisionRequest& r,
                v1::PenaltyDecision* out) override {
    return static_cast<RecordClient*>(target_)->GetPenaltyDecision(id, r, out);
  }
  grpc::Status ListPenaltyDecisions(const std::string& id, const v1::ListPenaltyDecisionsRequest& r,
                v1::ListPenaltyDecisionsResponse* out) override {
    return static_cast<RecordClient*>(target_)->ListPenaltyDecisions(id, r, out);
  }
  grpc::Status MarkPenaltyDecisionRectified(const std::string& id, const v1::MarkPenaltyDecisionRectifiedRequest& r,
                v1::PenaltyDecision* out) override {
    return static_cast<RecordClient*>(target_)->MarkPenaltyDecisionRectified(id, r, out);
  }
  grpc::Status RevokePenaltyDecision(const std::string& id, const v1::RevokePenaltyDecisionRequest& r,
                v1::PenaltyDecision* out) override {
    return static_cast<RecordClient*>(target_)->RevokePenaltyDecision(id, r, out);
  }
  grpc::Status CreateComplaint(const std::string& id, const v1::CreateComplaintRequest& r,
                v1::Complaint* out) override {
    return static_cast<RecordClient*>(target_)->CreateComplaint(id, r, out);
  }
  grpc::Status GetComplaint(const std::string& id, const v1::GetComplaintRequest& r,
                v1::Complaint* out) override {
    return static_cast<RecordClient*>(target_)->GetComplaint(id, r, out);
  }
  grpc::Status ListComplaints(const std::string& id, const v1::ListComplaintsRequest& r,
                v1::ListComplaintsResponse* out) override {
    return static_cast<RecordClient*>(target_)->ListComplaints(id, r, out);
  }
  grpc::Status CreateIncident(const std::string& id, const v1::CreateIncidentRequest& r,
                v1::Incident* out) override {
    return static_cast<RecordClient*>(target_)->CreateIncident(id, r, out);
  }
  grpc::Status GetIncident(const std::string& id, const v1::GetIncidentRequest& r,
                v1::Incident* out) override {
    return static_cast<RecordClient*>(target_)->GetIncident(id, r, out);
  }
  grpc::Status ListIncidents(const std::string& id, const v1::ListIncidentsRequest& r,
                v1::ListIncidentsResponse* out) override {
    return static_cast<RecordClient*>(target_)->ListIncidents(id, r, out);
  }
  grpc::Status ListAuditEntries(const std::string& id,
                                const v1::ListAuditEntriesRequest& r,
                                v1::ListAuditEntriesResponse* out) override {
    return target_->ListAuditEntries(id, r, out);
  }

 private:
  FakeRecordClient* target_;
};

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  GlobalOptions global;  // what the client was made with
};

inline CliResult RunWithFake(const std::vector<std::string>& args,
                             FakeEnterpriseClient& fake,
                             const std::string& env_server = "",
                             FakeRecordClient* records = nullptr,
                             const std::string& env_token = "") {
  std::ostringstream out, err;
  CliResult result;
  CliEnvironment env;
  env.out = &out;
  env.err = &err;
  env.env_server = env_server;
  env.retry.sleep = [](absl::Duration) {};  // the policy, without its waits
  env.make_client = [&](const GlobalOptions& global) {
    result.global = global;
    return std::make_unique<ForwardingClient>(&fake);
  };
  env.env_token = env_token;
  env.make_record_client = [&, records](const GlobalOptions& global) {
    result.global = global;
    return std::make_unique<ForwardingRecordClient>(records);
  };
  env.make_audit_client = [&, records](const GlobalOptions& global) {
    result.global = global;
    return std::make_unique<ForwardingRecordClient>(records);
  };
  result.exit_code = RunCli(args, env);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace envcredit::admin::testing

#endif  // ENVCREDIT_TESTS_CLI_CLI_RUNNER_H_
