// Errors that carry what a client needs to act on them (AIP-193): a stable
// reason such as INVALID_CREDIT_CODE and, for bad input, the field at fault.
// The reason and field ride as payloads on absl::Status, so every layer can
// return a plain absl::Status; only the gRPC layer turns them into
// google.rpc.ErrorInfo / BadRequest details.
#ifndef ENVCREDIT_COMMON_ERRORS_H_
#define ENVCREDIT_COMMON_ERRORS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace envcredit {

// Builds a status with `code`, `message` and the machine-readable `reason`
// (UPPER_SNAKE_CASE). `field` names the request field at fault, if any, as a
// path such as "enterprise.credit_code".
absl::Status MakeError(absl::StatusCode code, absl::string_view reason,
                       absl::string_view message, absl::string_view field = {});

// INVALID_ARGUMENT naming `field`; the message should say which check failed.
absl::Status InvalidArgument(absl::string_view field, absl::string_view reason,
                             absl::string_view message);

// The reason attached by MakeError, or "" when there is none.
std::string ErrorReason(const absl::Status& status);

// The field attached by MakeError, or "" when there is none.
std::string ErrorField(const absl::Status& status);

// Returns `status` with `field` attached (replacing any field already there).
// Lets a validator written for a value report the full request path.
absl::Status WithField(absl::Status status, absl::string_view field);

// Returns `status` with one more ErrorInfo metadata entry `key` = `value`
// (e.g. "oldest_cursor" of an expired feed cursor). Keys are lower_snake_case
// and must not be "field".
absl::Status WithMetadata(absl::Status status, absl::string_view key,
                          absl::string_view value);

// Calls fn(key, value) for every entry WithMetadata attached.
void ForEachErrorMetadata(
    const absl::Status& status,
    const std::function<void(absl::string_view, absl::string_view)>& fn);

// Returns `status` with the delay a client should wait before trying again
// (google.rpc.RetryInfo), for errors a retry may cure: ABORTED after a
// conflict, UNAVAILABLE.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);
// The delay WithRetryDelay attached, if any.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

// A precondition that failed (google.rpc.PreconditionFailure.Violation):
// FAILED_PRECONDITION errors may carry several, one per blocker.
struct PreconditionViolation {
  std::string type;     // e.g. NOTICE_NOT_ENDED
  std::string subject;  // what it is about, e.g. a resource name
  std::string description;
};
absl::Status WithPreconditionViolations(
    absl::Status status, const std::vector<PreconditionViolation>& violations);
std::vector<PreconditionViolation> PreconditionViolationsOf(const absl::Status& status);

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_ERRORS_H_
