// The `enterprises` command group: create, get, list, update, import.
// Each command turns its parsed flags into one request (or a few, for
// list --all and import), calls EnterpriseService through an
// EnterpriseClient, prints the result on `out` in the --output format and
// failures on `err`, and returns the process exit code (exit_codes.h).
#ifndef ENVCREDIT_ADMIN_CLI_ENTERPRISE_COMMANDS_H_
#define ENVCREDIT_ADMIN_CLI_ENTERPRISE_COMMANDS_H_

#include <iosfwd>
#include <vector>

#include "admin-cli/args.h"
#include "admin-cli/enterprise_client.h"

namespace envcredit::admin {

// The specs of the group, for the parser and the help.
std::vector<CommandSpec> EnterpriseCommandSpecs();

struct CommandIo {
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;  // show progress bars on `err`
};

// Runs `command` (one of EnterpriseCommandSpecs()).
int RunEnterpriseCommand(const ParsedCommand& command, EnterpriseClient& client,
                         CommandIo io);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_ENTERPRISE_COMMANDS_H_
