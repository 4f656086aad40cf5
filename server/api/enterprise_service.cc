#include "server/api/enterprise_service.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "server/api/call_stats.h"
#include "server/api/batch.h"
#include "server/api/enterprise_convert.h"
#include "server/api/grpc_status.h"
#include "server/api/page_token.h"
#include "server/api/proto_values.h"
#include "server/api/request_digest.h"
#include "server/api/request_id.h"
#include "server/domain/uscc.h"

namespace envcredit::api {
namespace {

absl::Status ValidateFilter(const v1::ListEnterprisesRequest& request) {
  const std::string& prefix = request.region_prefix();
  if (prefix.size() > 6 ||
      !std::all_of(prefix.begin(), prefix.end(), absl::ascii_isdigit)) {
    return InvalidArgument("region_prefix", "INVALID_REGION_CODE",
                           "region_prefix: 0 to 6 digits");
  }
  if (request.industry() != v1::INDUSTRY_UNSPECIFIED &&
      !domain::IsKnownIndustry(request.industry())) {
    return InvalidArgument("industry", "INVALID_ENUM",
                           absl::StrCat("industry: unknown value ",
                                        request.industry()));
  }
  if (request.status() != v1::ENTERPRISE_STATUS_UNSPECIFIED &&
      !domain::IsKnownEnterpriseStatus(request.status())) {
    return InvalidArgument("status", "INVALID_ENUM",
                           absl::StrCat("status: unknown value ",
                                        request.status()));
  }
  return CheckText("name_contains", request.name_contains(), 0,
                   domain::kMaxNameContainsChars);
}

// Canonical text of the filters, bound into page tokens.
std::string FilterKey(const v1::ListEnterprisesRequest& request) {
  return absl::StrCat(request.region_prefix(), "\x1f", request.industry(),
                      "\x1f", request.status(), "\x1f",
                      request.name_contains());
}


}  // namespace

grpc::Status EnterpriseService::CreateEnterprise(
    grpc::ServerContext* context, const v1::CreateEnterpriseRequest* request,
    v1::Enterprise* response) {
  const Admission admitted = guard_.Admit(context, "CreateEnterprise", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit =
      audit_.Context(admitted.caller(), "CreateEnterprise", request->request_id());
  auto run = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    domain::Enterprise enterprise = FromCreateProto(request->enterprise());
    RETURN_IF_ERROR(domain::ValidateEnterprise(enterprise, "enterprise"));
    ASSIGN_OR_RETURN(
        domain::Enterprise created,
        repository_->Create(enterprise,
                            {request->request_id(),
                             RequestFingerprint(*request)},
                            audit));
    *response = ToProto(created);
    return absl::OkStatus();
  };
  return audit_.FinishWrite(audit,
                EnterpriseName(request->enterprise().credit_code()), run());
}

grpc::Status EnterpriseService::BatchCreateEnterprises(
    grpc::ServerContext* context, const v1::BatchCreateEnterprisesRequest* request,
    v1::BatchCreateEnterprisesResponse* response) {
  const Admission admitted = guard_.Admit(context, "BatchCreateEnterprises", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto batch_audit = audit_.Context(admitted.caller(), "BatchCreateEnterprises", "");
  const int n = request->requests_size();
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckBatchSize(n));
    // Each item is checked as CreateEnterprise checks its request; the
    // valid ones go to the repository together.
    std::vector<absl::Status> failures(n);
    std::vector<domain::BatchEnterprise> valid;
    std::vector<int> valid_index;
    valid.reserve(n);
    for (int i = 0; i < n; ++i) {
      const v1::CreateEnterpriseRequest& item = request->requests(i);
      failures[i] = [&]() -> absl::Status {
        RETURN_IF_ERROR(ValidateRequestId(item.request_id()));
        domain::Enterprise enterprise = FromCreateProto(item.enterprise());
        RETURN_IF_ERROR(domain::ValidateEnterprise(enterprise, "enterprise"));
        domain::AuditContext audit = batch_audit;
        audit.request_id = item.request_id();
        valid.push_back({std::move(enterprise), std::move(audit),
                         {item.request_id(), RequestFingerprint(item)}});
        valid_index.push_back(i);
        return absl::OkStatus();
      }();
    }
    std::vector<absl::StatusOr<domain::EnterpriseCreated>> stored;
    if (!valid.empty()) {
      ASSIGN_OR_RETURN(stored, repository_->BatchCreate(valid));
    }
    std::vector<const domain::EnterpriseCreated*> created(n, nullptr);
    for (size_t k = 0; k < stored.size(); ++k) {
      if (stored[k].ok()) {
        created[valid_index[k]] = &*stored[k];
      } else {
        failures[valid_index[k]] = stored[k].status();
      }
    }
    // Failed items are audited here; stored ones were, in the transaction.
    std::vector<domain::AuditEntry> failed_entries;
    for (int i = 0; i < n; ++i) {
      v1::BatchCreateEnterpriseResult* result = response->add_results();
      if (created[i] != nullptr) {
        *result->mutable_enterprise() = ToProto(created[i]->enterprise);
        result->set_replayed(created[i]->replayed);
        continue;
      }
      const absl::Status& failure = failures[i];
      SetItemError(result, failure);
      domain::AuditContext audit = batch_audit;
      audit.request_id = request->requests(i).request_id();
      failed_entries.push_back(domain::MakeAuditEntry(
          audit, EnterpriseName(request->requests(i).enterprise().credit_code()), failure));
    }
    audit_.AppendAll(failed_entries);
    return absl::OkStatus();
  }();
  if (!status.ok()) response->Clear();
  for (const v1::BatchCreateEnterpriseResult& r : response->results()) {
    using O = ImportStats::Outcome;
    ImportStats::Get().Add(
        ImportStats::Kind::kEnterprises,
        r.code() == 0 ? (r.replayed() ? O::kAlreadyExisted : O::kCreated)
        : r.code() == grpc::StatusCode::ALREADY_EXISTS ? O::kAlreadyExisted
                                                        : O::kFailed);
  }
  return audit_.FinishWrite(batch_audit, "", status);
}

grpc::Status EnterpriseService::GetEnterprise(
    grpc::ServerContext* context, const v1::GetEnterpriseRequest* request,
    v1::Enterprise* response) {
  const Admission admitted = guard_.Admit(context, "GetEnterprise", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string credit_code,
                     ParseEnterpriseName(request->name(), "name"));
    ASSIGN_OR_RETURN(domain::Enterprise enterprise,
                     repository_->Get(credit_code));
    *response = ToProto(enterprise);
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status EnterpriseService::ListEnterprises(
    grpc::ServerContext* context, const v1::ListEnterprisesRequest* request,
    v1::ListEnterprisesResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListEnterprises", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    RETURN_IF_ERROR(ValidateFilter(*request));
    const std::string filter_key = FilterKey(*request);
    ASSIGN_OR_RETURN(std::string after,
                     DecodePageToken(request->page_token(), filter_key));
    domain::EnterpriseFilter filter;
    filter.region_prefix = request->region_prefix();
    filter.industry = static_cast<domain::Industry>(request->industry());
    filter.name_contains = request->name_contains();
    filter.status = static_cast<domain::EnterpriseStatus>(request->status());
    ASSIGN_OR_RETURN(domain::EnterprisePage page,
                     repository_->List(filter, after, page_size));
    for (const domain::Enterprise& enterprise : page.enterprises) {
      *response->add_enterprises() = ToProto(enterprise);
    }
    if (page.has_more && !page.enterprises.empty()) {
      response->set_next_page_token(
          EncodePageToken(page.enterprises.back().credit_code, filter_key));
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status EnterpriseService::UpdateEnterprise(
    grpc::ServerContext* context, const v1::UpdateEnterpriseRequest* request,
    v1::Enterprise* response) {
  const Admission admitted = guard_.Admit(context, "UpdateEnterprise", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit =
      audit_.Context(admitted.caller(), "UpdateEnterprise", request->request_id());
  auto run = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(
        std::string credit_code,
        ParseEnterpriseName(request->enterprise().name(), "enterprise.name"));
    ASSIGN_OR_RETURN(std::optional<int64_t> expected_revision,
                     RevisionFromEtag(request->enterprise().etag(),
                                      "enterprise.etag"));
    ASSIGN_OR_RETURN(domain::EnterprisePatch patch,
                     PatchFromProto(request->enterprise(),
                                    request->update_mask()));
    // An emptied region goes back to the one the credit code carries.
    if (patch.region_code && patch.region_code->empty()) {
      patch.region_code = domain::RegionOfUscc(credit_code);
    }
    ASSIGN_OR_RETURN(
        domain::Enterprise updated,
        repository_->Update(credit_code, patch, expected_revision,
                            {request->request_id(),
                             RequestFingerprint(*request)},
                            audit));
    *response = ToProto(updated);
    return absl::OkStatus();
  };
  return audit_.FinishWrite(audit, request->enterprise().name(), run());
}

}  // namespace envcredit::api
