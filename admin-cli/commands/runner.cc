#include "admin-cli/commands/runner.h"

#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "admin-cli/rpc_errors.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace envcredit::admin {

bool PrepareForRetries(google::protobuf::Message& request) {
  const google::protobuf::Descriptor* type = request.GetDescriptor();
  const google::protobuf::FieldDescriptor* field = type->FindFieldByName("request_id");
  if (field == nullptr ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    // Reads, and writes that are the same however often they run (revoke,
    // roll, rescore), are safe to resend; a create without a request id
    // is not.
    return !absl::StartsWith(type->name(), "Create");
  }
  const google::protobuf::Reflection* reflection = request.GetReflection();
  if (reflection->GetString(request, field).empty()) {
    reflection->SetString(&request, field, NewRequestId());
  }
  return true;
}

int Failed(const ParsedCommand& c, CommandIo io, const grpc::Status& status,
           const std::string& call_id) {
  io.err << DescribeRpcError(status, call_id, c.global.server);
  return ExitCodeForStatus(status.error_code());
}

int LocalError(CommandIo io, absl::string_view message, int exit) {
  io.err << kProgramName << ": " << message << "\n";
  return exit;
}

int NoHandler(const ParsedCommand& c, CommandIo io) {
  return LocalError(io,
                    absl::StrCat("internal error: no handler for ",
                                 absl::StrJoin(c.command->path, " ")),
                    kExitFailure);
}

}  // namespace envcredit::admin
