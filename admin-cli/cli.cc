#include "admin-cli/cli.h"

#include <ostream>

#include "admin-cli/enterprise_commands.h"
#include "admin-cli/exit_codes.h"

namespace envcredit::admin {

std::vector<CommandSpec> AllCommandSpecs() { return EnterpriseCommandSpecs(); }

int RunCli(const std::vector<std::string>& args, const CliEnvironment& env) {
  const std::vector<CommandSpec> commands = AllCommandSpecs();
  const ParseResult parsed = ParseCommandLine(args, commands, env.env_server);
  switch (parsed.outcome) {
    case ParseOutcome::kHelp:
      *env.out << parsed.text << std::flush;
      return kExitOk;
    case ParseOutcome::kUsageError:
      *env.err << parsed.text << std::flush;
      return kExitUsage;
    case ParseOutcome::kRun:
      break;
  }
  std::unique_ptr<EnterpriseClient> client =
      env.make_client(parsed.command.global);
  const int code =
      RunEnterpriseCommand(parsed.command, *client,
                           CommandIo{*env.out, *env.err, env.err_is_terminal});
  env.out->flush();
  env.err->flush();
  return code;
}

}  // namespace envcredit::admin
