// The `tokens` command group (TokenService, doc/access.md):
//   tokens create   issue a bearer token; its secret is printed once
//   tokens list     the tokens, active or not (never their secrets)
//   tokens revoke   refuse a token from now on
// Each command turns its flags into a request, calls the server through a
// TokenClient, prints the result on `out` in the --output format and
// failures on `err` as the record commands do, and returns the exit code
// (exit_codes.h). Only ADMIN tokens may call TokenService.
#ifndef ENVCREDIT_ADMIN_CLI_COMMANDS_TOKEN_COMMANDS_H_
#define ENVCREDIT_ADMIN_CLI_COMMANDS_TOKEN_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "admin-cli/args.h"
#include "admin-cli/clients/token_client.h"
#include "admin-cli/commands/flags.h"
#include "envcredit/v1/access.pb.h"

namespace envcredit::admin {

std::vector<CommandSpec> TokenCommandSpecs();

// Runs `command` (one of TokenCommandSpecs()).
int RunTokenCommand(const ParsedCommand& command, TokenClient& client,
                    CommandIo io);

// ADMIN, REGULATOR, INTEGRATOR or PUBLIC in any letter case.
// INVALID_ARGUMENT naming the allowed values otherwise.
absl::StatusOr<envcredit::v1::Role> ParseRole(absl::string_view text);

// "tokens/ID" or a bare ID -> "tokens/ID". INVALID_ARGUMENT for an empty ID
// or one with a '/' in it.
absl::StatusOr<std::string> TokenName(absl::string_view text);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_COMMANDS_TOKEN_COMMANDS_H_
