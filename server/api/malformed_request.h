// Turns a request gRPC could not parse into the error SPEC §8 promises.
//
// proto3 `string` fields must hold UTF-8. When a client sends other bytes,
// protobuf refuses to parse the request, the handler never runs, and gRPC
// answers INTERNAL with an empty message — a server fault, from the client's
// point of view, and no field named. Protobuf does log which field it was
// ("String field 'envcredit.v1.Enterprise.display_name' contains invalid
// UTF-8 data when parsing ..."), on the thread that parsed. We capture that
// line per thread, find the field's path in the method's request type
// (enterprise.display_name) and the access-log interceptor replaces the
// status with INVALID_ARGUMENT naming it.
#ifndef ENVCREDIT_SERVER_API_MALFORMED_REQUEST_H_
#define ENVCREDIT_SERVER_API_MALFORMED_REQUEST_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace envcredit::api {

// Routes protobuf's log through ours and remembers, per thread, the last
// field that failed UTF-8 validation. Call once at start, before serving.
void InstallProtobufLogCapture();

// Forgets the current thread's captured field (after a call whose request
// parsed).
void ClearCapturedInvalidField();

// When `status` is gRPC's answer to an unparsable request (INTERNAL with an
// empty message, or "Unable to parse request"), the INVALID_ARGUMENT status
// to send instead, naming the field of `method`'s request (a path such as
// "enterprise.display_name") when protobuf reported one. nullopt otherwise.
std::optional<grpc::Status> ReplacementForUnparsableRequest(
    absl::string_view method, const grpc::Status& status);

// The same, as the error (reason and field) the call's audit entry records.
std::optional<absl::Status> UnparsableRequestError(absl::string_view method,
                                                   const grpc::Status& status);

// The dotted path from `request_type` (a full message name) to the field
// whose full name is `field_full_name`, or "" when there is none. Exposed
// for tests.
std::string FieldPathIn(absl::string_view request_type,
                        absl::string_view field_full_name);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_MALFORMED_REQUEST_H_
