// The one place where an absl::Status becomes a grpc::Status (AIP-193): the
// canonical code, the message, and a packed google.rpc.Status in the
// details carrying an ErrorInfo (reason, domain "envcredit.v1", the field and
// the call's request id in metadata) and, for INVALID_ARGUMENT, a BadRequest
// field violation.
#ifndef ENVCREDIT_SERVER_API_GRPC_STATUS_H_
#define ENVCREDIT_SERVER_API_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace envcredit::api {

inline constexpr char kErrorDomain[] = "envcredit.v1";
// ErrorInfo.metadata key of the call's request id (doc/api.md).
inline constexpr char kErrorRequestIdKey[] = "request_id";

// INTERNAL and UNKNOWN errors are logged here and reach the client with a
// generic message, so no SQL or server detail ever leaks. On a thread serving
// a call (call_state.h) the ErrorInfo carries metadata["request_id"].
grpc::Status ToGrpcStatus(const absl::Status& status);

// Sets metadata["request_id"] = `request_id` in the ErrorInfo of the failed
// `status` (adding details with an ErrorInfo, reason = the code's name, and
// the zh-CN LocalizedMessage to a status that has none, e.g. one gRPC made).
// False when there was nothing to change: `status` is OK or carries that id
// already. `reason`, when given, gets the ErrorInfo's reason ("" for OK), so
// the caller need not parse the details again.
bool AddRequestId(absl::string_view request_id, grpc::Status* status,
                  std::string* reason = nullptr);

// The same, as the google.rpc.Status message (for per-item results of batch
// calls). An OK status gives an empty message (code 0).
google::rpc::Status ToRpcStatus(const absl::Status& status);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_GRPC_STATUS_H_
