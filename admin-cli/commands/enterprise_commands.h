// The `enterprises` command group: create, get, list, update, import.
// Each command is a spec run by commands/runner.h (import is
// import/enterprise_import.h): it calls EnterpriseService through an
// EnterpriseClient, prints the result on `out` in the --output format and
// failures on `err`, and returns the process exit code (exit_codes.h).
#ifndef ENVCREDIT_ADMIN_CLI_COMMANDS_ENTERPRISE_COMMANDS_H_
#define ENVCREDIT_ADMIN_CLI_COMMANDS_ENTERPRISE_COMMANDS_H_

#include <vector>

#include "admin-cli/args.h"
#include "admin-cli/clients/enterprise_client.h"
#include "admin-cli/commands/runner.h"

namespace envcredit::admin {

// The specs of the group, for the parser and the help.
std::vector<CommandSpec> EnterpriseCommandSpecs();

// Runs `command` (one of EnterpriseCommandSpecs()).
int RunEnterpriseCommand(const ParsedCommand& command, EnterpriseClient& client,
                         CommandIo io);

// `enterprises import FILE.csv` (also `import enterprises`): reads
// --concurrency and runs RunImport (import/enterprise_import.h).
int RunEnterpriseImport(const ParsedCommand& command, EnterpriseClient& client,
                        CommandIo io);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_COMMANDS_ENTERPRISE_COMMANDS_H_
