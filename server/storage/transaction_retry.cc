#include "server/storage/transaction_retry.h"

#include <algorithm>

#include "common/errors.h"
#include "server/storage/sql_error.h"

namespace envcredit::storage {

TransientCause TransientCauseOf(const absl::Status& status) {
  const std::string reason = ErrorReason(status);
  if (status.code() == absl::StatusCode::kAborted && reason == kReasonDbConflict) {
    return TransientCause::kConflict;
  }
  if (status.code() == absl::StatusCode::kUnavailable && reason == kReasonDbNotPrimary) {
    return TransientCause::kNodeNotReady;
  }
  return TransientCause::kNone;
}

absl::Duration RetryBackoff(const TransactionRetryPolicy& policy, int retry, double unit) {
  absl::Duration ceiling = policy.first_backoff;
  for (int i = 0; i < retry && ceiling < policy.max_backoff; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.max_backoff);
  unit = std::clamp(unit, 0.0, 1.0);
  return ceiling * unit;
}

absl::Status ValidateRetryPolicy(const TransactionRetryPolicy& policy) {
  if (policy.max_attempts < 1 || policy.max_attempts > 100) {
    return InvalidArgument("db_retry_attempts", "INVALID_DB_SETTING",
                           "db_retry_attempts: 1 to 100");
  }
  if (policy.first_backoff < absl::ZeroDuration() ||
      policy.max_backoff < policy.first_backoff) {
    return InvalidArgument("db_retry_backoff", "INVALID_DB_SETTING",
                           "db_retry_backoff: 0 <= first <= max");
  }
  if (policy.budget <= absl::ZeroDuration()) {
    return InvalidArgument("db_retry_budget", "INVALID_DB_SETTING",
                           "db_retry_budget: must be positive");
  }
  return absl::OkStatus();
}

}  // namespace envcredit::storage
