// Turning a failed call into what a person or a script needs: the exit code
// (exit_codes.h) and a readable report of the canonical code, the message
// and the AIP-193 details the server packs into grpc::Status::error_details()
// as a serialized google.rpc.Status (ErrorInfo, BadRequest,
// PreconditionFailure, RetryInfo, ResourceInfo).
#ifndef ENVCREDIT_ADMIN_CLI_RPC_ERRORS_H_
#define ENVCREDIT_ADMIN_CLI_RPC_ERRORS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

// The exit code for a call that ended with `code` (kExitOk for OK). The same
// numbering serves absl::StatusCode, whose values are the canonical codes.
int ExitCodeForStatus(grpc::StatusCode code);

// "INVALID_ARGUMENT", "NOT_FOUND", ...; "CODE_<n>" for unknown numbers.
std::string StatusCodeName(grpc::StatusCode code);

// The details decoded from a status. Empty when there are none or when
// error_details() is not a google.rpc.Status (then `undecodable` is set).
struct RpcErrorDetails {
  std::string reason;  // ErrorInfo.reason, e.g. INVALID_CREDIT_CODE
  std::string domain;  // ErrorInfo.domain, e.g. envcredit.v1
  std::map<std::string, std::string> metadata;  // ErrorInfo.metadata
  std::vector<std::pair<std::string, std::string>> field_violations;
  std::vector<std::string> precondition_violations;  // "TYPE subject: text"
  std::string retry_delay;  // "1.5s" from RetryInfo, "" when absent
  std::string resource;     // "type name" from ResourceInfo
  bool undecodable = false;

  // The field at fault: ErrorInfo.metadata["field"], else the first
  // BadRequest violation, else "".
  std::string Field() const;
};

RpcErrorDetails DecodeErrorDetails(const grpc::Status& status);

// The lines printed on stderr for a failed call, each ending in "\n":
//
//   envcredit-admin: INVALID_ARGUMENT: <message>
//     reason: INVALID_CREDIT_CODE (envcredit.v1)
//     field: enterprise.credit_code
//     field violation: enterprise.credit_code: <description>
//     request id: <x-request-id sent with the call>
//
// For UNAVAILABLE/DEADLINE_EXCEEDED a hint names the server address.
std::string DescribeRpcError(const grpc::Status& status,
                             absl::string_view request_id,
                             absl::string_view server);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_RPC_ERRORS_H_
