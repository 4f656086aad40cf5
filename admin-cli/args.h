// The command line of envcredit-admin: a small hand-written parser.
//
//   envcredit-admin [global flags] GROUP COMMAND [flags] [ARGUMENT]
//
// Flags are written `--flag=value` or `--flag value`; boolean flags are just
// `--flag`. Global flags (--server, --output, --timeout) may also follow the
// command. `--` ends the flags. `--help`/`-h` at any level prints the help of
// that level. Commands are data (CommandSpec), so help text and parsing come
// from one description and cannot drift apart.
#ifndef ENVCREDIT_ADMIN_CLI_ARGS_H_
#define ENVCREDIT_ADMIN_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace envcredit::admin {

inline constexpr absl::string_view kProgramName = "envcredit-admin";
inline constexpr absl::string_view kDefaultServer = "127.0.0.1:50051";
inline constexpr absl::string_view kServerEnvVar = "ENVCREDIT_SERVER";
inline constexpr absl::string_view kTokenEnvVar = "ENVCREDIT_TOKEN";
inline constexpr absl::string_view kTokenFileEnvVar = "ENVCREDIT_TOKEN_FILE";
inline constexpr absl::string_view kCaFileEnvVar = "ENVCREDIT_CA_FILE";
inline constexpr absl::string_view kCertFileEnvVar = "ENVCREDIT_CERT_FILE";
inline constexpr absl::string_view kKeyFileEnvVar = "ENVCREDIT_KEY_FILE";

struct FlagSpec {
  std::string name;        // without dashes: "credit-code"
  std::string value_name;  // "CODE"; empty for a boolean flag
  std::string help;
  bool required = false;
  // May be given several times; every value is kept (ParsedCommand::GetAll).
  bool repeatable = false;
};

struct CommandSpec {
  std::vector<std::string> path;  // {"enterprises", "create"}
  std::string summary;            // one line, for the group's list
  std::string description;        // shown by --help
  std::string positional;         // "CREDIT_CODE"; empty when none is taken
  std::string positional_help;
  bool positional_required = false;
  std::vector<FlagSpec> flags;
  std::vector<std::string> examples;
  // The most arguments the command takes (`positional` names them all, e.g.
  // "NAME | LIST [NUMBER]"); each is in ParsedCommand::positionals.
  int max_positionals = 1;
};

enum class OutputFormat { kTable, kJson, kCsv };

struct GlobalOptions {
  std::string server;  // host:port
  OutputFormat output = OutputFormat::kTable;
  double timeout_seconds = 10;
  // Sent as `authorization: Bearer <token>` on every call when not empty.
  // From --token, else the file named by --token-file, else $ENVCREDIT_TOKEN,
  // else the file named by $ENVCREDIT_TOKEN_FILE (see ResolveToken).
  std::string token;
  std::string token_file;  // --token-file as given
  // TLS: --ca-file, --cert-file, --key-file as given (each else its
  // environment variable, see ResolveTls in cli.h), and the PEM texts read
  // from them before a command runs.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string tls_ca_pem;
  std::string tls_cert_pem;
  std::string tls_key_pem;
};

// A command line that parsed: which command, with what.
struct ParsedCommand {
  GlobalOptions global;
  const CommandSpec* command = nullptr;
  std::string positional;                    // "" when none was given
  std::vector<std::string> positionals;      // every argument, in order
  std::map<std::string, std::string> flags;  // given flags; booleans "true"
  // Every value of a repeatable flag, in order (its last one is in `flags`).
  std::map<std::string, std::vector<std::string>> repeated;

  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  // The value of `flag`, or "" when it was not given.
  std::string Get(const std::string& flag) const;
  // Every value of a repeatable `flag`, in the order given; empty when absent.
  std::vector<std::string> GetAll(const std::string& flag) const;
};

enum class ParseOutcome {
  kRun,         // `command` is ready to run
  kHelp,        // print `text` on stdout, exit 0
  kUsageError,  // print `text` on stderr, exit 2
};

struct ParseResult {
  ParseOutcome outcome = ParseOutcome::kUsageError;
  ParsedCommand command;
  std::string text;
};

// Parses `args` (without the program name) against `commands`.
// `env_server` is the value of $ENVCREDIT_SERVER ("" when unset); --server
// defaults to it, else to kDefaultServer. Never fails otherwise: every
// problem is a kUsageError whose text says what is wrong and how to get help.
ParseResult ParseCommandLine(const std::vector<std::string>& args,
                             const std::vector<CommandSpec>& commands,
                             absl::string_view env_server);

// The text of a usage error: "envcredit-admin: usage error: MESSAGE" and a
// line pointing to `envcredit-admin HELP_HINT --help`.
std::string UsageErrorText(absl::string_view message,
                           absl::string_view help_hint);

// The help texts, as --help prints them.
std::string TopLevelHelp(const std::vector<CommandSpec>& commands);
std::string GroupHelp(absl::string_view group,
                      const std::vector<CommandSpec>& commands);
std::string CommandHelp(const CommandSpec& command);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_ARGS_H_
