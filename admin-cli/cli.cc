#include "admin-cli/cli.h"

#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "admin-cli/base/text.h"
#include "admin-cli/version.h"
#include "admin-cli/commands/enterprise_commands.h"
#include "admin-cli/commands/list_commands.h"
#include "admin-cli/commands/rating_commands.h"
#include "admin-cli/commands/record_commands.h"
#include "admin-cli/commands/token_commands.h"
#include "admin-cli/exit_codes.h"

namespace envcredit::admin {
namespace {

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the token file ", path));
  }
  std::string line;
  std::getline(in, line);
  const std::string token(TrimAscii(line));
  if (token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the token file ", path, " is empty"));
  }
  return token;
}

}  // namespace

std::vector<CommandSpec> AllCommandSpecs() {
  std::vector<CommandSpec> specs = EnterpriseCommandSpecs();
  for (CommandSpec& s : RecordCommandSpecs()) specs.push_back(std::move(s));
  for (CommandSpec& s : TokenCommandSpecs()) specs.push_back(std::move(s));
  for (CommandSpec& s : RatingCommandSpecs()) specs.push_back(std::move(s));
  for (CommandSpec& s : ListCommandSpecs()) specs.push_back(std::move(s));
  return specs;
}

absl::StatusOr<std::string> ResolveToken(const GlobalOptions& global,
                                         absl::string_view env_token,
                                         absl::string_view env_token_file) {
  if (!global.token.empty()) return global.token;
  if (!global.token_file.empty()) return ReadTokenFile(global.token_file);
  if (!env_token.empty()) return std::string(TrimAscii(env_token));
  if (!env_token_file.empty()) {
    return ReadTokenFile(std::string(env_token_file));
  }
  return std::string();
}

absl::Status ResolveTls(GlobalOptions& global, const CliEnvironment& env) {
  struct File {
    absl::string_view flag;
    std::string path;
    std::string* pem;
  };
  File files[] = {
      {"--ca-file", global.ca_file.empty() ? env.env_ca_file : global.ca_file,
       &global.tls_ca_pem},
      {"--cert-file", global.cert_file.empty() ? env.env_cert_file : global.cert_file,
       &global.tls_cert_pem},
      {"--key-file", global.key_file.empty() ? env.env_key_file : global.key_file,
       &global.tls_key_pem},
  };
  if (files[1].path.empty() != files[2].path.empty()) {
    return absl::InvalidArgumentError(
        "--cert-file and --key-file go together (mutual TLS): give both or neither");
  }
  for (File& f : files) {
    if (f.path.empty()) continue;
    std::ifstream in(f.path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) text.clear();
    if (text.find("-----BEGIN ") == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          f.flag, ": cannot read a PEM file from ", f.path));
    }
    *f.pem = std::move(text);
  }
  return absl::OkStatus();
}

Connection ConnectionOf(const GlobalOptions& global) {
  return Connection{global.server,     global.timeout_seconds, global.token,
                    global.tls_ca_pem, global.tls_cert_pem,    global.tls_key_pem};
}

int RunCli(const std::vector<std::string>& args, const CliEnvironment& env) {
  if (args.size() == 1 && args[0] == "--version") {
    *env.out << VersionText() << "\n" << std::flush;
    return kExitOk;
  }
  const std::vector<CommandSpec> commands = AllCommandSpecs();
  ParseResult parsed = ParseCommandLine(args, commands, env.env_server);
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
  absl::StatusOr<std::string> token =
      ResolveToken(parsed.command.global, env.env_token, env.env_token_file);
  if (!token.ok()) {
    *env.err << UsageErrorText(token.status().message(), "") << std::flush;
    return kExitUsage;
  }
  parsed.command.global.token = *token;
  if (absl::Status tls = ResolveTls(parsed.command.global, env); !tls.ok()) {
    *env.err << UsageErrorText(tls.message(), "") << std::flush;
    return kExitUsage;
  }
  const GlobalOptions& global = parsed.command.global;
  const CommandIo io{*env.out, *env.err, env.err_is_terminal, &env.retry};
  int code = kExitFailure;
  const std::string& group = parsed.command.command->path[0];
  if (group == "enterprises") {
    std::unique_ptr<EnterpriseClient> client = env.make_client(global);
    code = RunEnterpriseCommand(parsed.command, *client, io);
  } else if (group == "tokens") {
    if (!env.make_token_client) {
      *env.err << kProgramName << ": internal error: no token client\n";
      return kExitFailure;
    }
    std::unique_ptr<TokenClient> client = env.make_token_client(global);
    code = RunTokenCommand(parsed.command, *client, io);
  } else if (group == "ratings") {
    if (!env.make_rating_client) {
      *env.err << kProgramName << ": internal error: no rating client\n";
      return kExitFailure;
    }
    code =
        RunRatingCommand(parsed.command, *env.make_rating_client(global), io);
  } else if (group == "lists") {
    if (!env.make_list_client) {
      *env.err << kProgramName << ": internal error: no list client\n";
      return kExitFailure;
    }
    std::unique_ptr<ListClient> lists;
    code = RunListCommand(
        parsed.command,
        [&]() -> ListClient& {
          if (!lists) lists = env.make_list_client(global);
          return *lists;
        },
        io);
  } else if (group == "keys") {
    code = RunKeyCommand(parsed.command, io);
  } else {
    std::unique_ptr<EnterpriseClient> enterprises;
    std::unique_ptr<RecordClient> records;
    std::unique_ptr<AuditClient> audit;
    RecordClients clients;
    clients.enterprises = [&]() -> EnterpriseClient& {
      if (!enterprises) enterprises = env.make_client(global);
      return *enterprises;
    };
    clients.records = [&]() -> RecordClient& {
      if (!records) records = env.make_record_client(global);
      return *records;
    };
    clients.audit = [&]() -> AuditClient& {
      if (!audit) audit = env.make_audit_client(global);
      return *audit;
    };
    code = RunRecordCommand(parsed.command, clients, io);
  }
  env.out->flush();
  env.err->flush();
  return code;
}

}  // namespace envcredit::admin
