#include "server/api/audit_service.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "server/api/grpc_status.h"
#include "server/api/page_token.h"
#include "server/api/record_convert.h"
#include "server/domain/page_limit.h"

namespace envcredit::api {
namespace {

constexpr int kDefaultAuditPageSize = 100;
constexpr int kMaxAuditPageSize = 1000;
static_assert(kMaxAuditPageSize <= domain::kMaxPageLimit);

// "OK", "NOT_FOUND", ...: the canonical code names audit entries carry.
bool IsStatusCodeName(const std::string& text) {
  for (int code = 0; code <= 16; ++code) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(code)) == text) return true;
  }
  return false;
}

absl::StatusOr<domain::AuditFilter> FilterFromProto(
    const v1::ListAuditEntriesRequest& request) {
  domain::AuditFilter filter;
  RETURN_IF_ERROR(CheckText("actor", request.actor(), 0, domain::kMaxAuditActorChars));
  RETURN_IF_ERROR(CheckText("method", request.method(), 0, domain::kMaxAuditMethodChars));
  RETURN_IF_ERROR(CheckText("resource_prefix", request.resource_prefix(), 0,
                            domain::kMaxAuditResourceChars));
  RETURN_IF_ERROR(CheckText("outcome", request.outcome(), 0, 32));
  if (!request.outcome().empty() && !IsStatusCodeName(request.outcome())) {
    return InvalidArgument("outcome", "INVALID_ENUM",
                           "outcome: a status code name such as OK or NOT_FOUND");
  }
  filter.actor = request.actor();
  filter.method = request.method();
  filter.resource_prefix = request.resource_prefix();
  filter.outcome = request.outcome();
  if (request.has_start_time()) {
    ASSIGN_OR_RETURN(filter.start_time,
                     TimeFromProto(request.start_time(), "start_time"));
  }
  if (request.has_end_time()) {
    ASSIGN_OR_RETURN(filter.end_time, TimeFromProto(request.end_time(), "end_time"));
  }
  if (filter.start_time && filter.end_time && *filter.end_time <= *filter.start_time) {
    return InvalidArgument("end_time", "INVALID_TIME", "end_time: must be after start_time");
  }
  return filter;
}

}  // namespace

grpc::Status AuditService::ListAuditEntries(
    grpc::ServerContext* context, const v1::ListAuditEntriesRequest* request,
    v1::ListAuditEntriesResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListAuditEntries", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    if (request->page_size() < 0) {
      return InvalidArgument("page_size", "INVALID_PAGE_SIZE",
                             "page_size: must not be negative");
    }
    const int page_size = request->page_size() == 0
                              ? kDefaultAuditPageSize
                              : std::min(request->page_size(), kMaxAuditPageSize);
    ASSIGN_OR_RETURN(domain::AuditFilter filter, FilterFromProto(*request));
    v1::ListAuditEntriesRequest key_source = *request;
    key_source.clear_page_size();
    key_source.clear_page_token();
    std::string filter_key;
    key_source.SerializeToString(&filter_key);
    ASSIGN_OR_RETURN(std::string last,
                     DecodePageToken(request->page_token(), filter_key));
    int64_t before_id = 0;
    if (!last.empty() && (!absl::SimpleAtoi(last, &before_id) || before_id < 1)) {
      return InvalidArgument("page_token", "INVALID_PAGE_TOKEN",
                             "page_token: malformed");
    }
    ASSIGN_OR_RETURN(domain::AuditPage page,
                     log_->List(filter, before_id, page_size));
    for (const domain::AuditEntry& e : page.entries) {
      *response->add_entries() = ToProto(e);
    }
    if (page.has_more && !page.entries.empty()) {
      response->set_next_page_token(
          EncodePageToken(absl::StrCat(page.entries.back().id), filter_key));
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

}  // namespace envcredit::api
