#include "server/api/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/api/call_state.h"
#include "server/api/localized_messages.h"

namespace envcredit::api {

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status details;
  if (status.ok()) return details;
  auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  std::string reason = ErrorReason(status);
  const std::string field = ErrorField(status);
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown) {
    LogError(absl::StrCat("internal error: ", status.ToString()));
    message = "internal error; the server log has the details";
    if (reason.empty()) reason = "INTERNAL";
  }
  if (reason.empty()) reason = absl::StatusCodeToString(status.code());

  details.set_code(static_cast<int>(code));
  details.set_message(message);
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain(kErrorDomain);
  if (!field.empty()) (*info.mutable_metadata())["field"] = field;
  ForEachErrorMetadata(status, [&](absl::string_view key, absl::string_view value) {
    (*info.mutable_metadata())[std::string(key)] = std::string(value);
  });
  // The call's request id (call_state.h), as in its access-log line; the
  // access-log interceptor adds it to a status made elsewhere.
  if (absl::string_view id = CurrentRequestId(); !id.empty()) {
    (*info.mutable_metadata())[std::string(kErrorRequestIdKey)] = std::string(id);
  }
  details.add_details()->PackFrom(info);
  if (status.code() == absl::StatusCode::kInvalidArgument && !field.empty()) {
    google::rpc::BadRequest bad_request;
    auto* violation = bad_request.add_field_violations();
    violation->set_field(field);
    violation->set_description(message);
    details.add_details()->PackFrom(bad_request);
  }
  std::optional<absl::Duration> delay = RetryDelayOf(status);
  // Every UNAVAILABLE may be retried (AIP-194); say when, if nobody did.
  if (!delay && status.code() == absl::StatusCode::kUnavailable) delay = absl::Seconds(1);
  if (delay) {
    google::rpc::RetryInfo retry;
    const int64_t ms = absl::ToInt64Milliseconds(*delay);
    retry.mutable_retry_delay()->set_seconds(ms / 1000);
    retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
    details.add_details()->PackFrom(retry);
  }
  if (auto violations = PreconditionViolationsOf(status); !violations.empty()) {
    google::rpc::PreconditionFailure failure;
    for (const PreconditionViolation& v : violations) {
      auto* out = failure.add_violations();
      out->set_type(v.type);
      out->set_subject(v.subject);
      out->set_description(v.description);
    }
    details.add_details()->PackFrom(failure);
  }
  // Last, so the details before it keep their places for existing clients.
  google::rpc::LocalizedMessage chinese;
  chinese.set_locale(std::string(kChineseLocale));
  chinese.set_message(ChineseMessage(status.code(), reason, field));
  details.add_details()->PackFrom(chinese);
  return details;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status details = ToRpcStatus(status);
  return grpc::Status(static_cast<grpc::StatusCode>(details.code()),
                      details.message(), details.SerializeAsString());
}

bool AddRequestId(absl::string_view request_id, grpc::Status* status,
                  std::string* reason) {
  if (reason != nullptr) reason->clear();
  if (status->ok() || request_id.empty()) return false;
  google::rpc::Status details;
  if (!status->error_details().empty() && !details.ParseFromString(status->error_details())) {
    details.Clear();  // not ours: replaced by details that are
  }
  details.set_code(static_cast<int>(status->error_code()));
  details.set_message(status->error_message());
  google::rpc::ErrorInfo info;
  int at = -1;
  for (int i = 0; i < details.details_size(); ++i) {
    if (details.details(i).UnpackTo(&info)) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    info.Clear();
    info.set_reason(absl::StatusCodeToString(static_cast<absl::StatusCode>(status->error_code())));
    info.set_domain(kErrorDomain);
  }
  if (reason != nullptr) *reason = info.reason();
  if (at >= 0) {
    auto it = info.metadata().find(kErrorRequestIdKey);
    if (it != info.metadata().end() && it->second == request_id) return false;
  }
  (*info.mutable_metadata())[kErrorRequestIdKey] = std::string(request_id);
  if (at < 0) {
    details.add_details()->PackFrom(info);
    google::rpc::LocalizedMessage chinese;
    chinese.set_locale(std::string(kChineseLocale));
    chinese.set_message(ChineseMessage(static_cast<absl::StatusCode>(status->error_code()),
                                       info.reason(), ""));
    details.add_details()->PackFrom(chinese);
  } else {
    details.mutable_details(at)->PackFrom(info);
  }
  *status = grpc::Status(status->error_code(), status->error_message(),
                         details.SerializeAsString());
  return true;
}

}  // namespace envcredit::api
