// Validation of the request_id field of mutations (AIP-155).
#ifndef ENVCREDIT_SERVER_API_REQUEST_ID_H_
#define ENVCREDIT_SERVER_API_REQUEST_ID_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace envcredit::api {

inline constexpr int kMaxRequestIdLength = 64;

// OK for "" (no idempotency asked) or 1..64 printable ASCII characters
// without spaces; otherwise INVALID_ARGUMENT naming `field`.
absl::Status ValidateRequestId(absl::string_view request_id,
                               absl::string_view field = "request_id");

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_REQUEST_ID_H_
