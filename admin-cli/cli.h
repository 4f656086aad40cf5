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

#include "absl/status/statusor.h"
#include "admin-cli/call_context.h"
#include "admin-cli/args.h"
#include "admin-cli/clients/enterprise_client.h"
#include "admin-cli/retry.h"
#include "admin-cli/clients/list_client.h"
#include "admin-cli/clients/rating_client.h"
#include "admin-cli/clients/record_client.h"
#include "admin-cli/clients/token_client.h"

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
  // The same for RecordService and AuditService (commands of
  // record_commands.h); called at most once, when a command needs it.
  std::function<std::unique_ptr<RecordClient>(const GlobalOptions&)>
      make_record_client;
  std::function<std::unique_ptr<AuditClient>(const GlobalOptions&)>
      make_audit_client;
  // The same for TokenService (`tokens` commands, token_commands.h).
  std::function<std::unique_ptr<TokenClient>(const GlobalOptions&)>
      make_token_client;
  // The same for RatingService (`ratings` commands, rating_commands.h).
  std::function<std::unique_ptr<RatingClient>(const GlobalOptions&)>
      make_rating_client;
  // The same for ListService (`lists` commands, list_commands.h); never
  // called by `lists verify` or `keys`, which need no server.
  std::function<std::unique_ptr<ListClient>(const GlobalOptions&)>
      make_list_client;
  // $ENVCREDIT_TOKEN and $ENVCREDIT_TOKEN_FILE, "" when unset.
  std::string env_token;
  std::string env_token_file;
  // $ENVCREDIT_CA_FILE, $ENVCREDIT_CERT_FILE, $ENVCREDIT_KEY_FILE.
  std::string env_ca_file;
  std::string env_cert_file;
  std::string env_key_file;
  // The retry policy of every call (retry.h); tests shorten its waits.
  RetryPolicy retry;
};

// The bearer token for `global`: --token, else the first line of
// --token-file, else `env_token`, else the first line of `env_token_file`;
// "" when none is set. INVALID_ARGUMENT / NOT_FOUND naming the file when a
// token file cannot be read or is empty.
absl::StatusOr<std::string> ResolveToken(const GlobalOptions& global,
                                         absl::string_view env_token,
                                         absl::string_view env_token_file);

// Reads the TLS files of `global` (each flag, else its environment
// variable) into its tls_*_pem fields. INVALID_ARGUMENT naming the flag when
// a file cannot be read or holds no PEM block, or when only one of
// --cert-file and --key-file is given.
absl::Status ResolveTls(GlobalOptions& global, const CliEnvironment& env);

// The connection the clients use for `global` (call_context.h).
Connection ConnectionOf(const GlobalOptions& global);

// Every command envcredit-admin knows.
std::vector<CommandSpec> AllCommandSpecs();

// Runs envcredit-admin with `args` (without the program name).
int RunCli(const std::vector<std::string>& args, const CliEnvironment& env);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_CLI_H_
