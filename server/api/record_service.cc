#include "server/api/record_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/api/call_stats.h"
#include "server/api/enterprise_convert.h"
#include "server/api/enterprise_service.h"
#include "server/api/grpc_status.h"
#include "server/api/page_token.h"
#include "server/api/proto_values.h"
#include "server/api/record_convert.h"
#include "server/api/request_digest.h"
#include "server/api/request_id.h"

namespace envcredit::api {
namespace {



// The id after which a page starts; the token is bound to the list's parent
// and filter.
absl::StatusOr<int64_t> AfterId(const std::string& token,
                                const std::string& filter_key) {
  ASSIGN_OR_RETURN(std::string last, DecodePageToken(token, filter_key));
  if (last.empty()) return 0;
  int64_t id = 0;
  if (!absl::SimpleAtoi(last, &id) || id < 0) {
    return InvalidArgument("page_token", "INVALID_PAGE_TOKEN",
                           "page_token: malformed");
  }
  return id;
}

template <typename T>
std::string NextToken(const domain::RecordPage<T>& page,
                      const std::string& filter_key) {
  if (!page.has_more || page.records.empty()) return "";
  return EncodePageToken(absl::StrCat(page.records.back().id), filter_key);
}

}  // namespace

// ---------------------------------------------------------------- commitments

grpc::Status RecordService::CreateCommitment(
    grpc::ServerContext* context, const v1::CreateCommitmentRequest* request,
    v1::Commitment* response) {
  const Admission admitted = guard_.Admit(context, "CreateCommitment", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "CreateCommitment", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(request->parent(), "parent"));
    ASSIGN_OR_RETURN(domain::Commitment commitment,
                     CommitmentFromProto(request->commitment(), code, "commitment"));
    RETURN_IF_ERROR(domain::ValidateCommitment(commitment, Today(), "commitment"));
    ASSIGN_OR_RETURN(domain::Commitment created,
                     records_->CreateCommitment(
                         commitment,
                         {request->request_id(), RequestFingerprint(*request)},
                         audit));
    *response = ToProto(created);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->parent(), status);
}

grpc::Status RecordService::GetCommitment(grpc::ServerContext* context,
                                          const v1::GetCommitmentRequest* request,
                                          v1::Commitment* response) {
  const Admission admitted = guard_.Admit(context, "GetCommitment", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(request->name(),
                                                    domain::kCommitments, "name"));
    ASSIGN_OR_RETURN(domain::Commitment c,
                     records_->GetCommitment(key.credit_code, key.id));
    *response = ToProto(c);
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RecordService::ListCommitments(
    grpc::ServerContext* context, const v1::ListCommitmentsRequest* request,
    v1::ListCommitmentsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListCommitments", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(request->parent(), "parent"));
    ASSIGN_OR_RETURN(int64_t after, AfterId(request->page_token(), request->parent()));
    ASSIGN_OR_RETURN(auto page, records_->ListCommitments(code, after, page_size));
    for (const auto& c : page.records) *response->add_commitments() = ToProto(c);
    response->set_next_page_token(NextToken(page, request->parent()));
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RecordService::CheckCommitmentItem(
    grpc::ServerContext* context, const v1::CheckCommitmentItemRequest* request,
    v1::Commitment* response) {
  const Admission admitted = guard_.Admit(context, "CheckCommitmentItem", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit =
      audit_.Context(admitted.caller(), "CheckCommitmentItem", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(request->name(),
                                                    domain::kCommitments, "name"));
    domain::CommitmentCheck check;
    check.item_number = request->item_number();
    check.outcome = static_cast<domain::CommitmentItemState>(request->outcome());
    ASSIGN_OR_RETURN(check.check_date,
                     DateFromProto(request->check_date(), "check_date"));
    check.note = request->note();
    RETURN_IF_ERROR(domain::ValidateCommitmentCheck(check, Today()));
    ASSIGN_OR_RETURN(domain::Commitment c,
                     records_->CheckCommitmentItem(
                         key.credit_code, key.id, check,
                         {request->request_id(), RequestFingerprint(*request)},
                         audit));
    *response = ToProto(c);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->name(), status);
}

// ---------------------------------------------------------- penalty decisions

grpc::Status RecordService::CreatePenaltyDecision(
    grpc::ServerContext* context,
    const v1::CreatePenaltyDecisionRequest* request,
    v1::PenaltyDecision* response) {
  const Admission admitted = guard_.Admit(context, "CreatePenaltyDecision", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit =
      audit_.Context(admitted.caller(), "CreatePenaltyDecision", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(request->parent(), "parent"));
    ASSIGN_OR_RETURN(domain::PenaltyDecision decision,
                     DecisionFromProto(request->penalty_decision(), code,
                                       "penalty_decision"));
    RETURN_IF_ERROR(domain::ValidatePenaltyDecision(decision, Today(),
                                                    "penalty_decision"));
    ASSIGN_OR_RETURN(domain::DecisionResult result,
                     records_->CreatePenaltyDecision(
                         decision,
                         {request->request_id(), RequestFingerprint(*request)},
                         audit));
    *response = ToProto(result.decision);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->parent(), status);
}

grpc::Status RecordService::BatchCreatePenaltyDecisions(
    grpc::ServerContext* context,
    const v1::BatchCreatePenaltyDecisionsRequest* request,
    v1::BatchCreatePenaltyDecisionsResponse* response) {
  const Admission admitted = guard_.Admit(context, "BatchCreatePenaltyDecisions", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto batch_audit = audit_.Context(admitted.caller(), "BatchCreatePenaltyDecisions", "");
  const int n = request->requests_size();
  const bool names_only = request->result_view() == v1::BATCH_RESULT_VIEW_NAME;
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckBatchSize(n));
    if (!v1::BatchResultView_IsValid(request->result_view())) {
      return InvalidArgument("result_view", "INVALID_ENUM", "result_view: unknown value");
    }
    // Each item's key: its request_id and the fingerprint of the item as a
    // single CreatePenaltyDecisionRequest (its parent and decision).
    std::vector<domain::RequestKey> keys(n);
    for (int i = 0; i < n; ++i) {
      keys[i] = {request->requests(i).request_id(), RequestFingerprint(request->requests(i))};
    }
    // A re-import (every item a replay) is answered from the request log
    // before the items are converted and checked: that work was about a
    // quarter of the server's CPU for a replayed batch (doc/benchmarks.md
    // "Re-import answered before the items are checked"). An id that is not
    // well formed was never stored, so such a batch goes the full way and
    // its item gets its error there.
    if (names_only && std::all_of(keys.begin(), keys.end(), [](const domain::RequestKey& k) {
          return !k.request_id.empty() && ValidateRequestId(k.request_id).ok();
        })) {
      ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> names,
                       records_->ReplayedDecisionNames(keys, batch_audit));
      if (names.has_value()) {
        for (std::string& name : *names) {
          v1::BatchCreatePenaltyDecisionResult* result = response->add_results();
          result->mutable_penalty_decision()->set_name(std::move(name));
          result->set_already_existed(true);
        }
        return absl::OkStatus();
      }
    }
    const absl::CivilDay today = Today();
    std::vector<absl::Status> failures(n);
    std::vector<domain::BatchDecision> valid;
    std::vector<int> valid_index;
    valid.reserve(n);
    for (int i = 0; i < n; ++i) {
      const v1::CreatePenaltyDecisionRequest& item = request->requests(i);
      domain::AuditContext audit = batch_audit;
      audit.request_id = item.request_id();
      failures[i] = [&]() -> absl::Status {
        RETURN_IF_ERROR(ValidateRequestId(item.request_id()));
        ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(item.parent(), "parent"));
        ASSIGN_OR_RETURN(domain::PenaltyDecision decision,
                         DecisionFromProto(item.penalty_decision(), code,
                                           "penalty_decision"));
        RETURN_IF_ERROR(domain::ValidatePenaltyDecision(decision, today,
                                                        "penalty_decision"));
        valid.push_back(domain::BatchDecision{std::move(decision), audit, std::move(keys[i])});
        valid_index.push_back(i);
        return absl::OkStatus();
      }();
    }
    std::vector<absl::StatusOr<domain::DecisionResult>> stored;
    if (!valid.empty()) {
      // A batch of nothing but replays is audited once, under the call's
      // own context (doc/records.md "Audit"); an item refused here has its
      // own entry, so then every item does.
      std::optional<domain::AuditContext> call;
      if (static_cast<int>(valid.size()) == n) call = batch_audit;
      ASSIGN_OR_RETURN(stored, records_->BatchCreatePenaltyDecisions(
                                   valid, call,
                                   names_only ? domain::BatchAnswer::kNames
                                              : domain::BatchAnswer::kWhole));
    }
    for (size_t k = 0; k < stored.size(); ++k) {
      if (!stored[k].ok()) failures[valid_index[k]] = stored[k].status();
    }
    std::vector<domain::AuditEntry> failed_entries;
    size_t next_valid = 0;
    for (int i = 0; i < n; ++i) {
      v1::BatchCreatePenaltyDecisionResult* result = response->add_results();
      const absl::Status& failure = failures[i];
      if (failure.ok()) {
        const domain::DecisionResult& ok = *stored[next_valid];
        if (names_only) {
          result->mutable_penalty_decision()->set_name(domain::RecordName(
              ok.decision.credit_code, domain::kPenaltyDecisions, ok.decision.id));
        } else {
          *result->mutable_penalty_decision() = ToProto(ok.decision);
        }
        result->set_already_existed(ok.already_existed);
      } else {
        SetItemError(result, failure);
        domain::AuditContext audit = batch_audit;
        audit.request_id = request->requests(i).request_id();
        failed_entries.push_back(domain::MakeAuditEntry(
            audit, request->requests(i).parent(), failure));
      }
      if (next_valid < valid_index.size() && valid_index[next_valid] == i) {
        ++next_valid;
      }
    }
    audit_.AppendAll(failed_entries);
    return absl::OkStatus();
  }();
  if (!status.ok()) response->Clear();
  for (const v1::BatchCreatePenaltyDecisionResult& r : response->results()) {
    using O = ImportStats::Outcome;
    ImportStats::Get().Add(
        ImportStats::Kind::kPenaltyDecisions,
        r.code() != 0 ? O::kFailed
                      : r.already_existed() ? O::kAlreadyExisted : O::kCreated);
  }
  return audit_.FinishWrite(batch_audit, "", status);
}

grpc::Status RecordService::GetPenaltyDecision(
    grpc::ServerContext* context, const v1::GetPenaltyDecisionRequest* request,
    v1::PenaltyDecision* response) {
  const Admission admitted = guard_.Admit(context, "GetPenaltyDecision", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(request->name(),
                                                    domain::kPenaltyDecisions,
                                                    "name"));
    ASSIGN_OR_RETURN(domain::PenaltyDecision d,
                     records_->GetPenaltyDecision(key.credit_code, key.id));
    *response = ToProto(d);
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RecordService::ListPenaltyDecisions(
    grpc::ServerContext* context, const v1::ListPenaltyDecisionsRequest* request,
    v1::ListPenaltyDecisionsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListPenaltyDecisions", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(request->parent(), "parent"));
    if (request->state() < 0 || request->state() > 2) {
      return InvalidArgument("state", "INVALID_ENUM",
                             absl::StrCat("state: unknown value ", request->state()));
    }
    const std::string filter_key =
        absl::StrCat(request->parent(), "\x1f", request->state());
    ASSIGN_OR_RETURN(int64_t after, AfterId(request->page_token(), filter_key));
    ASSIGN_OR_RETURN(
        auto page,
        records_->ListPenaltyDecisions(
            code, static_cast<domain::PenaltyDecisionState>(request->state()),
            after, page_size));
    for (const auto& d : page.records) *response->add_penalty_decisions() = ToProto(d);
    response->set_next_page_token(NextToken(page, filter_key));
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RecordService::MarkPenaltyDecisionRectified(
    grpc::ServerContext* context,
    const v1::MarkPenaltyDecisionRectifiedRequest* request,
    v1::PenaltyDecision* response) {
  const Admission admitted = guard_.Admit(context, "MarkPenaltyDecisionRectified", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit =
      audit_.Context(admitted.caller(), "MarkPenaltyDecisionRectified", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(request->name(),
                                                    domain::kPenaltyDecisions,
                                                    "name"));
    ASSIGN_OR_RETURN(absl::CivilDay date,
                     DateFromProto(request->rectified_date(), "rectified_date"));
    RETURN_IF_ERROR(domain::CheckRecordDate("rectified_date", date, Today()));
    ASSIGN_OR_RETURN(domain::PenaltyDecision d,
                     records_->MarkPenaltyDecisionRectified(
                         key.credit_code, key.id, date,
                         {request->request_id(), RequestFingerprint(*request)},
                         audit));
    *response = ToProto(d);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->name(), status);
}

grpc::Status RecordService::RevokePenaltyDecision(
    grpc::ServerContext* context,
    const v1::RevokePenaltyDecisionRequest* request,
    v1::PenaltyDecision* response) {
  const Admission admitted = guard_.Admit(context, "RevokePenaltyDecision", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit =
      audit_.Context(admitted.caller(), "RevokePenaltyDecision", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(request->name(),
                                                    domain::kPenaltyDecisions,
                                                    "name"));
    ASSIGN_OR_RETURN(domain::Revocation revocation,
                     RevocationFromProto(request->revocation(), "revocation"));
    RETURN_IF_ERROR(domain::ValidateRevocation(revocation, Today(), "revocation"));
    ASSIGN_OR_RETURN(domain::PenaltyDecision d,
                     records_->RevokePenaltyDecision(
                         key.credit_code, key.id, revocation,
                         {request->request_id(), RequestFingerprint(*request)},
                         audit));
    *response = ToProto(d);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->name(), status);
}

// ------------------------------------------------------------------ complaints

grpc::Status RecordService::CreateComplaint(
    grpc::ServerContext* context, const v1::CreateComplaintRequest* request,
    v1::Complaint* response) {
  const Admission admitted = guard_.Admit(context, "CreateComplaint", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "CreateComplaint", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(request->parent(), "parent"));
    ASSIGN_OR_RETURN(domain::Complaint complaint,
                     ComplaintFromProto(request->complaint(), code, "complaint"));
    RETURN_IF_ERROR(domain::ValidateComplaint(complaint, Today(), "complaint"));
    ASSIGN_OR_RETURN(domain::Complaint created,
                     records_->CreateComplaint(
                         complaint,
                         {request->request_id(), RequestFingerprint(*request)},
                         audit));
    *response = ToProto(created);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->parent(), status);
}

grpc::Status RecordService::GetComplaint(grpc::ServerContext* context,
                                         const v1::GetComplaintRequest* request,
                                         v1::Complaint* response) {
  const Admission admitted = guard_.Admit(context, "GetComplaint", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(request->name(),
                                                    domain::kComplaints, "name"));
    ASSIGN_OR_RETURN(domain::Complaint c,
                     records_->GetComplaint(key.credit_code, key.id));
    *response = ToProto(c);
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RecordService::ListComplaints(
    grpc::ServerContext* context, const v1::ListComplaintsRequest* request,
    v1::ListComplaintsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListComplaints", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(request->parent(), "parent"));
    ASSIGN_OR_RETURN(int64_t after, AfterId(request->page_token(), request->parent()));
    ASSIGN_OR_RETURN(auto page, records_->ListComplaints(code, after, page_size));
    for (const auto& c : page.records) *response->add_complaints() = ToProto(c);
    response->set_next_page_token(NextToken(page, request->parent()));
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

// ------------------------------------------------------------------- incidents

grpc::Status RecordService::CreateIncident(
    grpc::ServerContext* context, const v1::CreateIncidentRequest* request,
    v1::Incident* response) {
  const Admission admitted = guard_.Admit(context, "CreateIncident", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "CreateIncident", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(request->parent(), "parent"));
    ASSIGN_OR_RETURN(domain::Incident incident,
                     IncidentFromProto(request->incident(), code, "incident"));
    RETURN_IF_ERROR(domain::ValidateIncident(incident, Today(), "incident"));
    ASSIGN_OR_RETURN(domain::Incident created,
                     records_->CreateIncident(
                         incident,
                         {request->request_id(), RequestFingerprint(*request)},
                         audit));
    *response = ToProto(created);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->parent(), status);
}

grpc::Status RecordService::GetIncident(grpc::ServerContext* context,
                                        const v1::GetIncidentRequest* request,
                                        v1::Incident* response) {
  const Admission admitted = guard_.Admit(context, "GetIncident", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(request->name(),
                                                    domain::kIncidents, "name"));
    ASSIGN_OR_RETURN(domain::Incident i,
                     records_->GetIncident(key.credit_code, key.id));
    *response = ToProto(i);
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RecordService::ListIncidents(
    grpc::ServerContext* context, const v1::ListIncidentsRequest* request,
    v1::ListIncidentsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListIncidents", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(request->parent(), "parent"));
    ASSIGN_OR_RETURN(int64_t after, AfterId(request->page_token(), request->parent()));
    ASSIGN_OR_RETURN(auto page, records_->ListIncidents(code, after, page_size));
    for (const auto& i : page.records) *response->add_incidents() = ToProto(i);
    response->set_next_page_token(NextToken(page, request->parent()));
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

}  // namespace envcredit::api
