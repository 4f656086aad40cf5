// envcredit-admin as a function: parse the command line, connect, run the
// command, return the exit code. main() only supplies the process's streams,
// environment and a real gRPC client; tests supply their own.
#ifndef ENVCREDIT_ADMIN_CLI_CLI_H_
#define ENVCREDIT_ADMIN_CLI_CLI_H_

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "admin-cli/args.h"
#include "admin-cli/enterprise_client.h"

namespace envcredit::admin {

struct CliEnvironment {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  bool err_is_terminal = false;
  std::string env_server;  // $ENVCREDIT_SERVER, "" when unset
  // Makes the client for the parsed global flags; called once, and only
  // when a command is about to run.
  std::function<std::unique_ptr<EnterpriseClient>(const GlobalOptions&)>
      make_client;
};

// Every command envcredit-admin knows.
std::vector<CommandSpec> AllCommandSpecs();

// Runs envcredit-admin with `args` (without the program name).
int RunCli(const std::vector<std::string>& args, const CliEnvironment& env);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_CLI_H_
