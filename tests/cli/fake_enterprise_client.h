// An in-memory EnterpriseClient that behaves like the server in the ways the
// CLI depends on: request_id replay, ALREADY_EXISTS, NOT_FOUND, etag ABORTED,
// paging with opaque tokens, INVALID_ARGUMENT with packed AIP-193 details.
// Thread-safe. For unit tests only.
#ifndef ENVCREDIT_TESTS_CLI_FAKE_ENTERPRISE_CLIENT_H_
#define ENVCREDIT_TESTS_CLI_FAKE_ENTERPRISE_CLIENT_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "admin-cli/clients/enterprise_client.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace envcredit::admin::testing {

class FakeEnterpriseClient : public EnterpriseClient {
 public:
  // Every call fails with UNAVAILABLE while set.
  bool unavailable = false;
  // The next this many Create or BatchCreate calls that store something
  // fail with UNAVAILABLE after storing (the answer was lost), as a server
  // that committed and then went away.
  int lose_next_answers = 0;

  grpc::Status Create(const std::string& call_id,
                      const v1::CreateEnterpriseRequest& request,
                      v1::Enterprise* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record(call_id);
    creates_.push_back(request);
    if (unavailable) return Unavailable();
    const Outcome o = CreateLocked(request);
    if (o.code == grpc::StatusCode::INVALID_ARGUMENT) {
      return Invalid(o.field, o.reason, o.message);
    }
    if (o.code != grpc::StatusCode::OK) return grpc::Status(o.code, o.message);
    if (!o.replayed && lose_next_answers > 0) {
      --lose_next_answers;
      return Unavailable();
    }
    *response = o.enterprise;
    return grpc::Status::OK;
  }

  // As the server: each item as Create would do it, in order (an item sees
  // the ones before it in the same batch), a result per item. The answer of
  // a whole batch is lost (UNAVAILABLE after storing) as for Create.
  grpc::Status BatchCreate(
      const std::string& call_id,
      const v1::BatchCreateEnterprisesRequest& request,
      v1::BatchCreateEnterprisesResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record(call_id);
    batches_.push_back(request);
    if (unavailable) return Unavailable();
    if (request.requests_size() < 1 || request.requests_size() > 1000) {
      return Invalid("requests", "INVALID_BATCH_SIZE",
                     absl::StrCat("requests: 1..1000 items, not ",
                                  request.requests_size()));
    }
    v1::BatchCreateEnterprisesResponse answer;
    bool stored = false;
    for (const v1::CreateEnterpriseRequest& item : request.requests()) {
      const Outcome o = CreateLocked(item);
      v1::BatchCreateEnterpriseResult* r = answer.add_results();
      r->set_code(static_cast<int>(o.code));
      if (o.code != grpc::StatusCode::OK) {
        r->set_message(o.message);
        r->set_reason(o.reason);
        r->set_field(o.field);
        continue;
      }
      *r->mutable_enterprise() = o.enterprise;
      r->set_replayed(o.replayed);
      stored |= !o.replayed;
    }
    if (stored && lose_next_answers > 0) {
      --lose_next_answers;
      return Unavailable();
    }
    *response = std::move(answer);
    return grpc::Status::OK;
  }

  grpc::Status Get(const std::string& call_id,
                   const v1::GetEnterpriseRequest& request,
                   v1::Enterprise* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record(call_id);
    gets_.push_back(request);
    if (unavailable) return Unavailable();
    const auto it = store_.find(CodeOf(request.name()));
    if (it == store_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          request.name() + " not found");
    }
    *response = it->second;
    return grpc::Status::OK;
  }

  grpc::Status List(const std::string& call_id,
                    const v1::ListEnterprisesRequest& request,
                    v1::ListEnterprisesResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record(call_id);
    lists_.push_back(request);
    if (unavailable) return Unavailable();
    const int size = request.page_size() == 0 ? 50 : request.page_size();
    const std::string after = request.page_token();  // opaque to the client
    int taken = 0;
    for (const auto& [code, e] : store_) {
      if (!after.empty() && code <= after) continue;
      if (!absl::StartsWith(e.region_code(), request.region_prefix())) continue;
      if (taken == size) {
        response->set_next_page_token(
            response->enterprises(taken - 1).credit_code());
        break;
      }
      *response->add_enterprises() = e;
      ++taken;
    }
    return grpc::Status::OK;
  }

  grpc::Status Update(const std::string& call_id,
                      const v1::UpdateEnterpriseRequest& request,
                      v1::Enterprise* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record(call_id);
    updates_.push_back(request);
    if (unavailable) return Unavailable();
    const auto it = store_.find(CodeOf(request.enterprise().name()));
    if (it == store_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "not found");
    }
    v1::Enterprise& e = it->second;
    if (!request.enterprise().etag().empty() &&
        request.enterprise().etag() != e.etag()) {
      return grpc::Status(grpc::StatusCode::ABORTED, "etag mismatch");
    }
    for (const std::string& path : request.update_mask().paths()) {
      const auto& in = request.enterprise();
      if (path == "display_name") e.set_display_name(in.display_name());
      if (path == "region_code") e.set_region_code(in.region_code());
      if (path == "industry") e.set_industry(in.industry());
      if (path == "legal_representative") {
        e.set_legal_representative(in.legal_representative());
      }
      if (path == "address") e.set_address(in.address());
      if (path == "status") e.set_status(in.status());
    }
    int etag = 0;
    (void)absl::SimpleAtoi(e.etag(), &etag);
    e.set_etag(absl::StrCat(etag + 1));
    *response = e;
    return grpc::Status::OK;
  }

  // Inspection (call after the command finished).
  std::vector<v1::CreateEnterpriseRequest> creates() {
    std::lock_guard<std::mutex> lock(mu_);
    return creates_;
  }
  // Every BatchCreate call, as sent (retries included).
  std::vector<v1::BatchCreateEnterprisesRequest> batches() {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  // The items of every BatchCreate call, in the order they were sent.
  std::vector<v1::CreateEnterpriseRequest> batch_items() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<v1::CreateEnterpriseRequest> items;
    for (const auto& b : batches_) {
      items.insert(items.end(), b.requests().begin(), b.requests().end());
    }
    return items;
  }
  std::vector<v1::ListEnterprisesRequest> lists() {
    std::lock_guard<std::mutex> lock(mu_);
    return lists_;
  }
  std::vector<v1::UpdateEnterpriseRequest> updates() {
    std::lock_guard<std::mutex> lock(mu_);
    return updates_;
  }
  std::vector<v1::GetEnterpriseRequest> gets() {
    std::lock_guard<std::mutex> lock(mu_);
    return gets_;
  }
  std::vector<std::string> call_ids() {
    std::lock_guard<std::mutex> lock(mu_);
    return call_ids_;
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return store_.size();
  }

 private:
  // What one create did; `enterprise` when OK.
  struct Outcome {
    grpc::StatusCode code = grpc::StatusCode::OK;
    std::string message, reason, field;
    v1::Enterprise enterprise;
    bool replayed = false;
  };
  static Outcome Failure(grpc::StatusCode code, std::string message,
                         std::string reason = "", std::string field = "") {
    Outcome o;
    o.code = code;
    o.message = std::move(message);
    o.reason = std::move(reason);
    o.field = std::move(field);
    return o;
  }
  // One create with mu_ held: request_id replay, validation, ALREADY_EXISTS.
  Outcome CreateLocked(const v1::CreateEnterpriseRequest& request) {
    Outcome o;
    if (!request.request_id().empty()) {
      const auto it = by_request_id_.find(request.request_id());
      if (it != by_request_id_.end()) {
        o.enterprise = store_.at(it->second);
        o.replayed = true;
        return o;
      }
    }
    const std::string& code = request.enterprise().credit_code();
    if (code.size() != 18 || absl::StartsWith(code, "BAD")) {
      return Failure(grpc::StatusCode::INVALID_ARGUMENT,
                     "enterprise.credit_code: must be 18 valid characters",
                     "INVALID_CREDIT_CODE", "enterprise.credit_code");
    }
    if (request.enterprise().display_name().empty()) {
      return Failure(grpc::StatusCode::INVALID_ARGUMENT,
                     "enterprise.display_name: must not be empty",
                     "INVALID_DISPLAY_NAME", "enterprise.display_name");
    }
    if (store_.count(code) > 0) {
      return Failure(grpc::StatusCode::ALREADY_EXISTS,
                     "enterprises/" + code + " already exists",
                     "ENTERPRISE_ALREADY_EXISTS", "enterprise.credit_code");
    }
    v1::Enterprise e = request.enterprise();
    e.set_name("enterprises/" + code);
    if (e.region_code().empty()) e.set_region_code(code.substr(2, 6));
    if (e.status() == 0) e.set_status(v1::OPERATING);
    e.set_etag("1");
    store_[code] = e;
    if (!request.request_id().empty())
      by_request_id_[request.request_id()] = code;
    o.enterprise = e;
    return o;
  }
  static std::string CodeOf(const std::string& name) {
    std::string code = name;
    if (absl::StartsWith(code, "enterprises/")) code = code.substr(12);
    return code;
  }
  void Record(const std::string& call_id) { call_ids_.push_back(call_id); }
  static grpc::Status Unavailable() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused");
  }
  static grpc::Status Invalid(const std::string& field,
                              const std::string& reason,
                              const std::string& message) {
    google::rpc::Status rich;
    rich.set_code(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
    rich.set_message(message);
    google::rpc::ErrorInfo info;
    info.set_reason(reason);
    info.set_domain("envcredit.v1");
    (*info.mutable_metadata())["field"] = field;
    rich.add_details()->PackFrom(info);
    google::rpc::BadRequest bad;
    auto* v = bad.add_field_violations();
    v->set_field(field);
    v->set_description(message);
    rich.add_details()->PackFrom(bad);
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message,
                        rich.SerializeAsString());
  }

  std::mutex mu_;
  std::map<std::string, v1::Enterprise> store_;
  std::map<std::string, std::string> by_request_id_;
  std::vector<v1::CreateEnterpriseRequest> creates_;
  std::vector<v1::BatchCreateEnterprisesRequest> batches_;
  std::vector<v1::GetEnterpriseRequest> gets_;
  std::vector<v1::ListEnterprisesRequest> lists_;
  std::vector<v1::UpdateEnterpriseRequest> updates_;
  std::vector<std::string> call_ids_;
};

}  // namespace envcredit::admin::testing

#endif  // ENVCREDIT_TESTS_CLI_FAKE_ENTERPRISE_CLIENT_H_
