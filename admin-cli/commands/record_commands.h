// The command groups for the records of SPEC §4 and the audit trail:
//   decisions   create, get, list, rectify, revoke
//   commitments create, get, list, check-item
//   complaints  create, get, list
//   incidents   create, get, list
//   audit       list
//   import      enterprises, decisions, commitments, complaints, incidents
// Each command is a spec run by commands/runner.h (the imports are import/):
// it calls the server through a RecordClient / AuditClient (EnterpriseClient
// for `import enterprises`), prints the result on `out` in the --output
// format and failures on `err`, and returns the exit code (exit_codes.h).
#ifndef ENVCREDIT_ADMIN_CLI_COMMANDS_RECORD_COMMANDS_H_
#define ENVCREDIT_ADMIN_CLI_COMMANDS_RECORD_COMMANDS_H_

#include <functional>
#include <vector>

#include "admin-cli/args.h"
#include "admin-cli/clients/enterprise_client.h"
#include "admin-cli/clients/record_client.h"
#include "admin-cli/commands/enterprise_commands.h"

namespace envcredit::admin {

std::vector<CommandSpec> RecordCommandSpecs();

// The clients a record command may use; made lazily by the caller.
struct RecordClients {
  std::function<RecordClient&()> records;
  std::function<AuditClient&()> audit;
  std::function<EnterpriseClient&()> enterprises;
};

// Runs `command` (one of RecordCommandSpecs()).
int RunRecordCommand(const ParsedCommand& command, const RecordClients& clients,
                     CommandIo io);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_COMMANDS_RECORD_COMMANDS_H_
