#include "admin-cli/retry.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace envcredit::admin {
namespace {

// The ErrorInfo reason in the status details; "" when there is none.
std::string ErrorReason(const grpc::Status& status) {
  google::rpc::Status rich;
  if (status.error_details().empty() ||
      !rich.ParseFromString(status.error_details())) {
    return "";
  }
  for (const google::protobuf::Any& any : rich.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace

bool IsRetryable(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    case grpc::StatusCode::ABORTED:
      return ErrorReason(status) == kDbConflictReason;
    default:
      return false;
  }
}

std::optional<absl::Duration> RetryInfoDelay(const grpc::Status& status) {
  google::rpc::Status rich;
  if (status.error_details().empty() ||
      !rich.ParseFromString(status.error_details())) {
    return std::nullopt;
  }
  for (const google::protobuf::Any& any : rich.details()) {
    google::rpc::RetryInfo retry;
    if (any.UnpackTo(&retry)) {
      return absl::Seconds(retry.retry_delay().seconds()) +
             absl::Nanoseconds(retry.retry_delay().nanos());
    }
  }
  return std::nullopt;
}

absl::Duration RetryDelay(const RetryPolicy& policy, const grpc::Status& failed,
                          int attempt) {
  if (const std::optional<absl::Duration> asked = RetryInfoDelay(failed)) {
    return std::clamp(*asked, absl::ZeroDuration(), policy.max_delay);
  }
  return policy.initial_backoff * (int64_t{1} << std::min(attempt - 1, 20));
}

grpc::Status CallWithRetry(const RetryPolicy& policy,
                           const std::function<grpc::Status()>& attempt,
                           const std::function<bool()>& give_up) {
  grpc::Status status = attempt();
  for (int made = 1; made < policy.max_attempts; ++made) {
    if (status.ok() || !IsRetryable(status)) return status;
    if (give_up && give_up()) return status;
    policy.sleep(RetryDelay(policy, status, made));
    status = attempt();
  }
  return status;
}

}  // namespace envcredit::admin
