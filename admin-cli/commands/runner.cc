#include "admin-cli/commands/runner.h"

#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "admin-cli/rpc_errors.h"

namespace envcredit::admin {

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
