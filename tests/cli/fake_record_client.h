// An in-memory RecordClient/AuditClient that behaves like the server in the
// ways the CLI depends on: decisions idempotent by (authority, number) with
// identical content (ALREADY_EXISTS otherwise), request_id replay for the
// other kinds, NOT_FOUND for unknown enterprises (credit codes starting
// "NOPE"), INVALID_ARGUMENT with a field for a fine that does not match the
// measures. Thread-safe. For unit tests only.
#ifndef ENVCREDIT_TESTS_CLI_FAKE_RECORD_CLIENT_H_
#define ENVCREDIT_TESTS_CLI_FAKE_RECORD_CLIENT_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "admin-cli/clients/record_client.h"
#include "google/protobuf/util/message_differencer.h"

namespace envcredit::admin::testing {

class FakeRecordClient : public RecordClient, public AuditClient {
 public:
  bool unavailable = false;
  // The next this many BatchCreatePenaltyDecisions calls store their items
  // and then fail with DEADLINE_EXCEEDED, as a server that committed after
  // the client's deadline had passed.
  int late_next_batches = 0;

#define ENVCREDIT_FAKE_UNIMPLEMENTED(M, Q, R)                          \
  grpc::Status M(const std::string&, const v1::Q&, v1::R*) override { \
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, #M);          \
  }
  ENVCREDIT_FAKE_UNIMPLEMENTED(GetCommitment, GetCommitmentRequest, Commitment)
  ENVCREDIT_FAKE_UNIMPLEMENTED(GetComplaint, GetComplaintRequest, Complaint)
  ENVCREDIT_FAKE_UNIMPLEMENTED(GetIncident, GetIncidentRequest, Incident)
  ENVCREDIT_FAKE_UNIMPLEMENTED(ListCommitments, ListCommitmentsRequest,
                               ListCommitmentsResponse)
  ENVCREDIT_FAKE_UNIMPLEMENTED(ListComplaints, ListComplaintsRequest,
                               ListComplaintsResponse)
  ENVCREDIT_FAKE_UNIMPLEMENTED(ListIncidents, ListIncidentsRequest,
                               ListIncidentsResponse)
  ENVCREDIT_FAKE_UNIMPLEMENTED(MarkPenaltyDecisionRectified,
                               MarkPenaltyDecisionRectifiedRequest,
                               PenaltyDecision)
#undef ENVCREDIT_FAKE_UNIMPLEMENTED

  grpc::Status CreatePenaltyDecision(const std::string&,
                                     const v1::CreatePenaltyDecisionRequest& r,
                                     v1::PenaltyDecision* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    singles_.push_back(r);
    if (unavailable) return Unavailable();
    v1::BatchCreatePenaltyDecisionResult result = CreateLocked(r);
    if (result.code() != 0) {
      return grpc::Status(static_cast<grpc::StatusCode>(result.code()),
                          result.message());
    }
    *out = result.penalty_decision();
    return grpc::Status::OK;
  }

  grpc::Status BatchCreatePenaltyDecisions(
      const std::string&, const v1::BatchCreatePenaltyDecisionsRequest& r,
      v1::BatchCreatePenaltyDecisionsResponse* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    batch_sizes_.push_back(r.requests_size());
    batch_items_.emplace_back();
    for (const auto& one : r.requests()) {
      batch_items_.back().emplace_back(one.parent(), one.penalty_decision().decision_number());
    }
    if (unavailable) return Unavailable();
    for (const auto& one : r.requests()) *out->add_results() = CreateLocked(one);
    if (late_next_batches > 0) {
      --late_next_batches;
      out->Clear();
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded");
    }
    return grpc::Status::OK;
  }

  grpc::Status GetPenaltyDecision(const std::string&,
                                  const v1::GetPenaltyDecisionRequest& r,
                                  v1::PenaltyDecision* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, d] : decisions_) {
      if (d.name() == r.name()) {
        *out = d;
        return grpc::Status::OK;
      }
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, r.name());
  }

  grpc::Status ListPenaltyDecisions(
      const std::string&, const v1::ListPenaltyDecisionsRequest& r,
      v1::ListPenaltyDecisionsResponse* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    lists_.push_back(r);
    if (unavailable) return Unavailable();
    for (const auto& [key, d] : decisions_) {
      if (absl::StartsWith(d.name(), r.parent() + "/")) {
        *out->add_penalty_decisions() = d;
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status RevokePenaltyDecision(const std::string&,
                                     const v1::RevokePenaltyDecisionRequest& r,
                                     v1::PenaltyDecision* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    revokes_.push_back(r);
    for (auto& [key, d] : decisions_) {
      if (d.name() == r.name()) {
        d.set_state(v1::REVOKED);
        *d.mutable_revocation() = r.revocation();
        *out = d;
        return grpc::Status::OK;
      }
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, r.name());
  }

  grpc::Status CreateCommitment(const std::string&,
                                const v1::CreateCommitmentRequest& r,
                                v1::Commitment* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    commitment_requests_.push_back(r);
    if (unavailable) return Unavailable();
    auto it = commitments_.find(r.request_id());
    if (it == commitments_.end() || r.request_id().empty()) {
      v1::Commitment c = r.commitment();
      c.set_name(absl::StrCat(r.parent(), "/commitments/", ++next_id_));
      for (int k = 0; k < c.items_size(); ++k) {
        c.mutable_items(k)->set_number(k + 1);
        c.mutable_items(k)->set_state(v1::PENDING);
      }
      Stamp(c.mutable_create_time());
      it = commitments_.emplace(r.request_id(), c).first;
    }
    *out = it->second;
    return grpc::Status::OK;
  }

  grpc::Status CheckCommitmentItem(const std::string&,
                                   const v1::CheckCommitmentItemRequest& r,
                                   v1::Commitment* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    checks_.push_back(r);
    for (auto& [key, c] : commitments_) {
      if (c.name() != r.name()) continue;
      auto* item = c.mutable_items(r.item_number() - 1);
      if (item->state() != v1::PENDING) {
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "checked");
      }
      item->set_state(r.outcome());
      *item->mutable_check_date() = r.check_date();
      *out = c;
      return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, r.name());
  }

  grpc::Status CreateComplaint(const std::string&,
                               const v1::CreateComplaintRequest& r,
                               v1::Complaint* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    complaint_requests_.push_back(r);
    auto it = complaints_.find(r.request_id());
    if (it == complaints_.end()) {
      v1::Complaint c = r.complaint();
      c.set_name(absl::StrCat(r.parent(), "/complaints/", ++next_id_));
      Stamp(c.mutable_create_time());
      it = complaints_.emplace(r.request_id(), c).first;
    }
    *out = it->second;
    return grpc::Status::OK;
  }

  grpc::Status CreateIncident(const std::string&,
                              const v1::CreateIncidentRequest& r,
                              v1::Incident* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = incidents_.find(r.request_id());
    if (it == incidents_.end()) {
      v1::Incident c = r.incident();
      c.set_name(absl::StrCat(r.parent(), "/incidents/", ++next_id_));
      Stamp(c.mutable_create_time());
      it = incidents_.emplace(r.request_id(), c).first;
    }
    *out = it->second;
    return grpc::Status::OK;
  }

  grpc::Status ListAuditEntries(const std::string&,
                                const v1::ListAuditEntriesRequest& r,
                                v1::ListAuditEntriesResponse* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    audit_requests_.push_back(r);
    auto* e = out->add_entries();
    e->set_id(1);
    e->set_actor("unauthenticated");
    e->set_method("/envcredit.v1.RecordService/CreatePenaltyDecision");
    e->set_outcome("OK");
    return grpc::Status::OK;
  }

  // Inspection.
  std::map<std::string, v1::PenaltyDecision> decisions() {
    std::lock_guard<std::mutex> lock(mu_);
    return decisions_;
  }
  std::vector<int> batch_sizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return batch_sizes_;
  }
  // (parent, decision_number) of each item, per batch call, in call order.
  std::vector<std::vector<std::pair<std::string, std::string>>> batch_items() {
    std::lock_guard<std::mutex> lock(mu_);
    return batch_items_;
  }
  std::vector<v1::CreatePenaltyDecisionRequest> singles() {
    std::lock_guard<std::mutex> lock(mu_);
    return singles_;
  }
  std::map<std::string, v1::Commitment> commitments() {
    std::lock_guard<std::mutex> lock(mu_);
    return commitments_;
  }
  std::vector<v1::CheckCommitmentItemRequest> checks() {
    std::lock_guard<std::mutex> lock(mu_);
    return checks_;
  }
  std::vector<v1::CreateComplaintRequest> complaint_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return complaint_requests_;
  }
  std::map<std::string, v1::Complaint> complaints() {
    std::lock_guard<std::mutex> lock(mu_);
    return complaints_;
  }
  std::vector<v1::RevokePenaltyDecisionRequest> revokes() {
    std::lock_guard<std::mutex> lock(mu_);
    return revokes_;
  }
  std::vector<v1::ListAuditEntriesRequest> audit_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return audit_requests_;
  }

 private:
  static grpc::Status Unavailable() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused");
  }
  static void Stamp(google::protobuf::Timestamp* t) {
    t->set_seconds(absl::ToUnixSeconds(absl::Now()) - 10);
  }

  v1::BatchCreatePenaltyDecisionResult CreateLocked(
      const v1::CreatePenaltyDecisionRequest& r) {
    v1::BatchCreatePenaltyDecisionResult result;
    const auto& in = r.penalty_decision();
    if (absl::StartsWith(r.parent(), "enterprises/NOPE")) {
      result.set_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
      result.set_reason("ENTERPRISE_NOT_FOUND");
      result.set_field("parent");
      result.set_message(r.parent() + " not found");
      return result;
    }
    bool fined = false;
    for (int m : in.measures()) fined |= m == v1::FINE || m == v1::DAILY_CONTINUOUS_PENALTY;
    if (fined != (in.fine_amount_fen() > 0)) {
      result.set_code(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      result.set_reason("INVALID_FINE_AMOUNT");
      result.set_field("penalty_decision.fine_amount_fen");
      result.set_message("fine_amount_fen must be > 0 exactly with a fine");
      return result;
    }
    const std::string key = in.authority() + "|" + in.decision_number();
    auto it = decisions_.find(key);
    v1::PenaltyDecision d = in;
    if (it != decisions_.end()) {
      v1::PenaltyDecision stored = it->second;
      stored.clear_name();
      stored.clear_state();
      stored.clear_create_time();
      if (stored.SerializeAsString() != d.SerializeAsString()) {
        result.set_code(static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
        result.set_reason("PENALTY_DECISION_EXISTS");
        result.set_field("penalty_decision.decision_number");
        result.set_message("taken by a decision with other content");
        return result;
      }
      *result.mutable_penalty_decision() = it->second;
      result.set_already_existed(true);
      return result;
    }
    d.set_name(absl::StrCat(r.parent(), "/penaltyDecisions/", ++next_id_));
    d.set_state(v1::IN_FORCE);
    Stamp(d.mutable_create_time());
    decisions_[key] = d;
    *result.mutable_penalty_decision() = d;
    return result;
  }

  std::mutex mu_;
  int next_id_ = 0;
  std::map<std::string, v1::PenaltyDecision> decisions_;
  std::map<std::string, v1::Commitment> commitments_;
  std::map<std::string, v1::Complaint> complaints_;
  std::map<std::string, v1::Incident> incidents_;
  std::vector<int> batch_sizes_;
  std::vector<std::vector<std::pair<std::string, std::string>>> batch_items_;
  std::vector<v1::CreatePenaltyDecisionRequest> singles_;
  std::vector<v1::ListPenaltyDecisionsRequest> lists_;
  std::vector<v1::CreateCommitmentRequest> commitment_requests_;
  std::vector<v1::CheckCommitmentItemRequest> checks_;
  std::vector<v1::CreateComplaintRequest> complaint_requests_;
  std::vector<v1::RevokePenaltyDecisionRequest> revokes_;
  std::vector<v1::ListAuditEntriesRequest> audit_requests_;
};

}  // namespace envcredit::admin::testing

#endif  // ENVCREDIT_TESTS_CLI_FAKE_RECORD_CLIENT_H_
