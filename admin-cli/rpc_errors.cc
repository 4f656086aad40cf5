#include "admin-cli/rpc_errors.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "admin-cli/args.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/retry.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace envcredit::admin {

int ExitCodeForStatus(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return kExitInvalidInput;
    case grpc::StatusCode::NOT_FOUND:
      return kExitNotFound;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnavailable;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return kExitConflict;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return kExitPermission;
    default:
      return kExitFailure;
  }
}

std::string StatusCodeName(grpc::StatusCode code) {
  // gRPC's codes are the canonical codes, as absl::StatusCode's are.
  std::string name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  if (name.empty()) name = absl::StrCat("CODE_", static_cast<int>(code));
  return name;
}

std::string RpcErrorDetails::Field() const {
  const auto it = metadata.find("field");
  if (it != metadata.end() && !it->second.empty()) return it->second;
  if (!field_violations.empty()) return field_violations.front().first;
  return "";
}

RpcErrorDetails DecodeErrorDetails(const grpc::Status& status) {
  RpcErrorDetails details;
  if (status.error_details().empty()) return details;
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) {
    details.undecodable = true;
    return details;
  }
  for (const google::protobuf::Any& any : rich.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    google::rpc::PreconditionFailure precondition;
    google::rpc::ResourceInfo resource;
    if (any.UnpackTo(&info)) {
      details.reason = info.reason();
      details.domain = info.domain();
      details.metadata.insert(info.metadata().begin(), info.metadata().end());
    } else if (any.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        details.field_violations.emplace_back(v.field(), v.description());
      }
    } else if (any.UnpackTo(&precondition)) {
      for (const auto& v : precondition.violations()) {
        details.precondition_violations.push_back(
            absl::StrCat(v.type(), " ", v.subject(), ": ", v.description()));
      }
    } else if (any.UnpackTo(&resource)) {
      details.resource =
          absl::StrCat(resource.resource_type(), " ", resource.resource_name());
    }
  }
  // RetryInfo is read where retries are decided (retry.h).
  if (const std::optional<absl::Duration> delay = RetryInfoDelay(status)) {
    details.retry_delay = google::protobuf::util::TimeUtil::ToString(
        google::protobuf::util::TimeUtil::NanosecondsToDuration(
            absl::ToInt64Nanoseconds(*delay)));
  }
  return details;
}

std::string DescribeRpcError(const grpc::Status& status,
                             absl::string_view request_id,
                             absl::string_view server) {
  const RpcErrorDetails details = DecodeErrorDetails(status);
  std::string out =
      absl::StrCat(kProgramName, ": ", StatusCodeName(status.error_code()),
                   ": ", status.error_message(), "\n");
  if (!details.reason.empty()) {
    absl::StrAppend(&out, "  reason: ", details.reason);
    if (!details.domain.empty())
      absl::StrAppend(&out, " (", details.domain, ")");
    out += "\n";
  }
  for (const auto& [key, value] : details.metadata) {
    absl::StrAppend(&out, "  ", key, ": ", value, "\n");
  }
  for (const auto& [field, description] : details.field_violations) {
    absl::StrAppend(&out, "  field violation: ", field, ": ", description,
                    "\n");
  }
  for (const std::string& v : details.precondition_violations) {
    absl::StrAppend(&out, "  precondition: ", v, "\n");
  }
  if (!details.resource.empty()) {
    absl::StrAppend(&out, "  resource: ", details.resource, "\n");
  }
  if (!details.retry_delay.empty()) {
    absl::StrAppend(&out, "  retry after: ", details.retry_delay, "\n");
  }
  if (details.undecodable) {
    absl::StrAppend(&out,
                    "  (error details present but not a google.rpc.Status)\n");
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    absl::StrAppend(&out, "  server: ", server,
                    " (is it running? set --server or $ENVCREDIT_SERVER)\n");
  }
  // The server names the call's id in ErrorInfo (printed above as
  // "request_id:"); for a write that is the request's own request_id field,
  // not the x-request-id header this CLI sent, so the header's is printed
  // only when the server named none.
  if (!request_id.empty() && details.metadata.count("request_id") == 0) {
    absl::StrAppend(&out, "  request id: ", request_id, "\n");
  }
  return out;
}

}  // namespace envcredit::admin
