#include "admin-cli/args.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "admin-cli/call_context.h"

namespace envcredit::admin {
namespace {

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* flags = new std::vector<FlagSpec>{
      {"server", "HOST:PORT",
       "the envcredit server (default: $ENVCREDIT_SERVER, else "
       "127.0.0.1:50051)"},
      {"output", "FORMAT", "table (default), json or csv"},
      {"timeout", "SECONDS", "deadline of each call (default 10)"},
      {"token", "TOKEN",
       "bearer token sent as 'authorization: Bearer TOKEN' on every call "
       "(default: $ENVCREDIT_TOKEN, else the file named by "
       "$ENVCREDIT_TOKEN_FILE)"},
      {"token-file", "FILE",
       "read the bearer token from FILE (first line, spaces trimmed)"},
      {"ca-file", "FILE",
       "connect over TLS, trusting the CA certificates (PEM) in FILE "
       "(default: $ENVCREDIT_CA_FILE; without it and without --cert-file: "
       "plain text, which the server allows on loopback only)"},
      {"cert-file", "FILE",
       "client certificate (PEM) for mutual TLS, with --key-file "
       "(default: $ENVCREDIT_CERT_FILE)"},
      {"key-file", "FILE",
       "private key (PEM) of --cert-file (default: $ENVCREDIT_KEY_FILE)"},
      {"help", "", "show help (also -h)"},
  };
  return *flags;
}

constexpr absl::string_view kExitCodeHelp =
    "Exit codes:\n"
    "  0  success\n"
    "  1  any other error (INTERNAL, UNKNOWN, a local I/O error)\n"
    "  2  usage error: unknown command or flag, missing or bad flag value\n"
    "  3  invalid input: INVALID_ARGUMENT, or an import file that cannot be "
    "read as the documented CSV\n"
    "  4  not found: NOT_FOUND\n"
    "  5  server unreachable: UNAVAILABLE, DEADLINE_EXCEEDED\n"
    "  6  conflict: ALREADY_EXISTS, ABORTED (stale etag), FAILED_PRECONDITION\n"
    "  7  not allowed: PERMISSION_DENIED, UNAUTHENTICATED\n"
    "  8  verification failed: a published list folder or chain does not "
    "match its manifest or signature ('lists verify', 'lists export')\n";

std::string FlagLabel(const FlagSpec& flag) {
  std::string label = absl::StrCat("--", flag.name);
  if (!flag.value_name.empty()) absl::StrAppend(&label, " ", flag.value_name);
  return label;
}

// Wraps `text` at spaces so lines stay within about 80 columns; lines
// after the first are indented by `indent`.
std::string Wrap(const std::string& text, size_t indent) {
  constexpr size_t kWidth = 80;
  const size_t room = indent + 20 < kWidth ? kWidth - indent : 20;
  std::string out;
  size_t line = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (line > 0 && line + 1 + word.size() > room) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    absl::StrAppend(&out, word);
    line += word.size();
  }
  return out;
}

std::string FlagTable(const std::vector<FlagSpec>& flags) {
  size_t width = 0;
  for (const FlagSpec& f : flags) width = std::max(width, FlagLabel(f).size());
  std::string out;
  for (const FlagSpec& f : flags) {
    const std::string label = FlagLabel(f);
    absl::StrAppend(
        &out, "  ", label, std::string(width - label.size() + 2, ' '),
        Wrap(absl::StrCat(f.required ? "(required) " : "", f.help), width + 4),
        "\n");
  }
  return out;
}

std::string CommandName(const CommandSpec& c) {
  return absl::StrJoin(c.path, " ");
}

std::string UsageLine(const CommandSpec& c) {
  std::string line =
      absl::StrCat("Usage: ", kProgramName, " [global flags] ", CommandName(c));
  if (!c.positional.empty()) {
    absl::StrAppend(&line, c.positional_required ? " " : " [", c.positional,
                    c.positional_required ? "" : "]");
  }
  for (const FlagSpec& f : c.flags) {
    if (f.required) absl::StrAppend(&line, " ", FlagLabel(f));
  }
  const bool has_optional =
      std::any_of(c.flags.begin(), c.flags.end(),
                  [](const FlagSpec& f) { return !f.required; });
  if (has_optional) absl::StrAppend(&line, " [flags]");
  return line;
}

std::vector<std::string> Groups(const std::vector<CommandSpec>& commands) {
  std::vector<std::string> groups;
  for (const CommandSpec& c : commands) {
    if (std::find(groups.begin(), groups.end(), c.path[0]) == groups.end()) {
      groups.push_back(c.path[0]);
    }
  }
  return groups;
}

std::vector<std::string> SubcommandsOf(
    absl::string_view group, const std::vector<CommandSpec>& commands) {
  std::vector<std::string> subs;
  for (const CommandSpec& c : commands) {
    if (c.path[0] == group) subs.push_back(c.path[1]);
  }
  return subs;
}

bool IsHelpFlag(absl::string_view arg) {
  return arg == "--help" || arg == "-h" || arg == "--help=true";
}

ParseResult UsageError(std::string message, absl::string_view help_hint) {
  ParseResult result;
  result.outcome = ParseOutcome::kUsageError;
  result.text = UsageErrorText(message, help_hint);
  return result;
}

ParseResult Help(std::string text) {
  ParseResult result;
  result.outcome = ParseOutcome::kHelp;
  result.text = std::move(text);
  return result;
}

// Applies a global flag; returns an error message or "".
std::string ApplyGlobal(const std::string& name, const std::string& value,
                        GlobalOptions* global) {
  if (name == "server") {
    if (value.empty()) return "--server needs a HOST:PORT value";
    if (std::string error = ServersError(value); !error.empty()) return error;
    global->server = value;
  } else if (name == "output") {
    const std::string v = absl::AsciiStrToLower(value);
    if (v == "table") {
      global->output = OutputFormat::kTable;
    } else if (v == "json") {
      global->output = OutputFormat::kJson;
    } else if (v == "csv") {
      global->output = OutputFormat::kCsv;
    } else {
      return absl::StrCat("--output must be table, json or csv, not '", value,
                          "'");
    }
  } else if (name == "timeout") {
    double seconds = 0;
    if (!absl::SimpleAtod(value, &seconds) || !(seconds > 0) ||
        seconds > 24 * 3600) {
      return absl::StrCat(
          "--timeout must be a number of seconds above 0 (at most 86400), not "
          "'",
          value, "'");
    }
    global->timeout_seconds = seconds;
  } else if (name == "token") {
    if (value.empty()) return "--token needs a TOKEN value";
    if (!global->token_file.empty()) {
      return "give --token or --token-file, not both";
    }
    global->token = value;
  } else if (name == "token-file") {
    if (value.empty()) return "--token-file needs a FILE value";
    if (!global->token.empty()) return "give --token or --token-file, not both";
    global->token_file = value;
  } else if (name == "ca-file" || name == "cert-file" || name == "key-file") {
    if (value.empty()) return absl::StrCat("--", name, " needs a FILE value");
    (name == "ca-file" ? global->ca_file : name == "cert-file" ? global->cert_file
                                                                : global->key_file) = value;
  }
  return "";
}

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags,
                         absl::string_view name) {
  for (const FlagSpec& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// Splits "--name=value" / "--name" at args[*i]; takes the value from the
// next argument when the flag needs one and has no "=". Advances *i past
// what it used. Returns an error message or "".
std::string TakeFlag(const std::vector<std::string>& args, size_t* i,
                     const FlagSpec& spec,
                     std::optional<std::string> inline_value,
                     std::string* value) {
  ++*i;
  if (spec.value_name.empty()) {  // boolean
    if (!inline_value.has_value() || *inline_value == "true") {
      *value = "true";
    } else if (*inline_value == "false") {
      *value = "false";
    } else {
      return absl::StrCat("--", spec.name, " takes no value (or =true/=false)");
    }
    return "";
  }
  if (inline_value.has_value()) {
    *value = *inline_value;
    return "";
  }
  if (*i >= args.size() || absl::StartsWith(args[*i], "--")) {
    return absl::StrCat("--", spec.name, " needs a value: --", spec.name, " ",
                        spec.value_name);
  }
  *value = args[(*i)++];
  return "";
}

}  // namespace

std::string UsageErrorText(absl::string_view message,
                           absl::string_view help_hint) {
  return absl::StrCat(kProgramName, ": usage error: ", message, "\nRun '",
                      kProgramName, help_hint.empty() ? "" : " ", help_hint,
                      " --help' for usage.\n");
}

std::string ParsedCommand::Get(const std::string& flag) const {
  const auto it = flags.find(flag);
  return it == flags.end() ? "" : it->second;
}

std::vector<std::string> ParsedCommand::GetAll(const std::string& flag) const {
  const auto it = repeated.find(flag);
  if (it != repeated.end()) return it->second;
  const auto one = flags.find(flag);
  if (one != flags.end()) return {one->second};
  return {};
}

std::string TopLevelHelp(const std::vector<CommandSpec>& commands) {
  std::string out = absl::StrCat(
      kProgramName,
      " - administer an envcredit server (the environmental credit rating "
      "system).\n\n",
      "Usage: ", kProgramName, " [global flags] GROUP COMMAND [flags]\n\n",
      "Commands:\n");
  size_t width = 0;
  for (const CommandSpec& c : commands) {
    width = std::max(width, CommandName(c).size());
  }
  for (const CommandSpec& c : commands) {
    const std::string name = CommandName(c);
    absl::StrAppend(&out, "  ", name, std::string(width - name.size() + 2, ' '),
                    c.summary, "\n");
  }
  absl::StrAppend(
      &out, "\nGlobal flags (before or after the command):\n",
      FlagTable(GlobalFlags()), "\n", kExitCodeHelp, "\n", "Examples:\n", "  ",
      kProgramName,
      " --server 127.0.0.1:50051 enterprises list --region-prefix "
      "32\n",
      "  ", kProgramName, " --output json enterprises get 91320100MA1W2X3Y6A\n",
      "  ", kProgramName, " enterprises create --help\n\n", "Run '",
      kProgramName, " GROUP COMMAND --help' for the flags of a command.\n");
  return out;
}

std::string GroupHelp(absl::string_view group,
                      const std::vector<CommandSpec>& commands) {
  std::string out = absl::StrCat("Usage: ", kProgramName, " [global flags] ",
                                 group, " COMMAND [flags]\n\nCommands:\n");
  size_t width = 0;
  for (const CommandSpec& c : commands) {
    if (c.path[0] == group) width = std::max(width, c.path[1].size());
  }
  for (const CommandSpec& c : commands) {
    if (c.path[0] != group) continue;
    absl::StrAppend(&out, "  ", c.path[1],
                    std::string(width - c.path[1].size() + 2, ' '), c.summary,
                    "\n");
  }
  absl::StrAppend(&out, "\nRun '", kProgramName, " ", group,
                  " COMMAND --help' for the flags of a command, '",
                  kProgramName, " --help' for global flags and exit codes.\n");
  return out;
}

std::string CommandHelp(const CommandSpec& c) {
  std::string out = absl::StrCat(UsageLine(c), "\n\n", c.description, "\n");
  if (!c.positional.empty()) {
    absl::StrAppend(&out, "\nArgument:\n  ", c.positional, "  ",
                    c.positional_help, "\n");
  }
  if (!c.flags.empty()) {
    absl::StrAppend(&out, "\nFlags:\n", FlagTable(c.flags));
  }
  absl::StrAppend(&out, "\nGlobal flags:\n", FlagTable(GlobalFlags()));
  if (!c.examples.empty()) {
    absl::StrAppend(&out, "\nExamples:\n");
    for (const std::string& e : c.examples)
      absl::StrAppend(&out, "  ", e, "\n");
  }
  absl::StrAppend(&out, "\n", kExitCodeHelp);
  return out;
}

ParseResult ParseCommandLine(const std::vector<std::string>& args,
                             const std::vector<CommandSpec>& commands,
                             absl::string_view env_server) {
  ParsedCommand parsed;
  parsed.global.server = env_server.empty() ? std::string(kDefaultServer)
                                            : std::string(env_server);
  std::set<std::string> seen_globals;

  // 1. Global flags.
  size_t i = 0;
  while (i < args.size() && absl::StartsWith(args[i], "-") && args[i] != "-") {
    const std::string& arg = args[i];
    if (IsHelpFlag(arg)) return Help(TopLevelHelp(commands));
    if (arg == "--") {
      ++i;
      break;
    }
    if (!absl::StartsWith(arg, "--")) {
      return UsageError(absl::StrCat("unknown flag '", arg, "'"), "");
    }
    const size_t eq = arg.find('=');
    const std::string name =
        arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    std::optional<std::string> inline_value;
    if (eq != std::string::npos) inline_value = arg.substr(eq + 1);
    const FlagSpec* spec = FindFlag(GlobalFlags(), name);
    if (spec == nullptr) {
      return UsageError(absl::StrCat("unknown global flag '--", name,
                                     "' (global flags: --server, --output, "
                                     "--timeout, --token, --token-file, --ca-file, "
                                     "--cert-file, --key-file; command flags go "
                                     "after the command)"),
                        "");
    }
    if (!seen_globals.insert(name).second) {
      return UsageError(absl::StrCat("--", name, " given twice"), "");
    }
    std::string value;
    std::string error = TakeFlag(args, &i, *spec, inline_value, &value);
    if (error.empty()) error = ApplyGlobal(name, value, &parsed.global);
    if (!error.empty()) return UsageError(error, "");
  }

  // 2. The command path.
  const std::vector<std::string> groups = Groups(commands);
  if (i >= args.size()) {
    return UsageError(absl::StrCat("missing command (one of: ",
                                   absl::StrJoin(groups, ", "), ")"),
                      "");
  }
  const std::string group = args[i++];
  if (std::find(groups.begin(), groups.end(), group) == groups.end()) {
    return UsageError(absl::StrCat("unknown command '", group, "' (one of: ",
                                   absl::StrJoin(groups, ", "), ")"),
                      "");
  }
  const std::vector<std::string> subs = SubcommandsOf(group, commands);
  if (i >= args.size()) {
    return UsageError(
        absl::StrCat("missing command after '", group,
                     "' (one of: ", absl::StrJoin(subs, ", "), ")"),
        group);
  }
  if (IsHelpFlag(args[i])) return Help(GroupHelp(group, commands));
  const std::string sub = args[i++];
  const CommandSpec* command = nullptr;
  for (const CommandSpec& c : commands) {
    if (c.path[0] == group && c.path[1] == sub) command = &c;
  }
  if (command == nullptr) {
    return UsageError(
        absl::StrCat("unknown command '", group, " ", sub,
                     "' (one of: ", absl::StrJoin(subs, ", "), ")"),
        group);
  }
  parsed.command = command;
  const std::string hint = CommandName(*command);

  // --help anywhere among the command's flags wins over other mistakes.
  for (size_t k = i; k < args.size() && args[k] != "--"; ++k) {
    if (IsHelpFlag(args[k])) return Help(CommandHelp(*command));
  }

  // 3. The command's flags and argument.
  std::vector<std::string> positionals;
  bool flags_done = false;
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (flags_done || !absl::StartsWith(arg, "-") || arg == "-") {
      positionals.push_back(arg);
      ++i;
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      ++i;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return UsageError(absl::StrCat("unknown flag '", arg, "' for '", hint,
                                     "' (flags are written --name)"),
                        hint);
    }
    const size_t eq = arg.find('=');
    const std::string name =
        arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    std::optional<std::string> inline_value;
    if (eq != std::string::npos) inline_value = arg.substr(eq + 1);
    const FlagSpec* spec = FindFlag(command->flags, name);
    const bool global =
        spec == nullptr && FindFlag(GlobalFlags(), name) != nullptr;
    if (global) spec = FindFlag(GlobalFlags(), name);
    if (spec == nullptr) {
      return UsageError(
          absl::StrCat("unknown flag '--", name, "' for '", hint, "'"), hint);
    }
    const bool repeated =
        global ? !seen_globals.insert(name).second
               : parsed.flags.count(name) > 0 && !spec->repeatable;
    if (repeated) {
      return UsageError(absl::StrCat("--", name, " given twice"), hint);
    }
    std::string value;
    std::string error = TakeFlag(args, &i, *spec, inline_value, &value);
    if (error.empty() && global)
      error = ApplyGlobal(name, value, &parsed.global);
    if (!error.empty()) return UsageError(error, hint);
    if (!global) {
      parsed.flags[name] = value;
      if (spec->repeatable) parsed.repeated[name].push_back(value);
    }
  }

  // A boolean given as --flag=false is as good as absent.
  for (auto it = parsed.flags.begin(); it != parsed.flags.end();) {
    const FlagSpec* spec = FindFlag(command->flags, it->first);
    if (spec->value_name.empty() && it->second == "false") {
      it = parsed.flags.erase(it);
    } else {
      ++it;
    }
  }

  if (command->positional.empty() && !positionals.empty()) {
    return UsageError(absl::StrCat("'", hint, "' takes no argument, got '",
                                   positionals[0], "'"),
                      hint);
  }
  const size_t max_positionals =
      static_cast<size_t>(std::max(1, command->max_positionals));
  if (positionals.size() > max_positionals) {
    return UsageError(
        max_positionals == 1
            ? absl::StrCat("'", hint, "' takes one ", command->positional,
                           ", got '", positionals[1], "' as well")
            : absl::StrCat("'", hint, "' takes at most ", max_positionals,
                           " arguments (", command->positional, "), got '",
                           positionals[max_positionals], "' as well"),
        hint);
  }
  if (command->positional_required && positionals.empty()) {
    return UsageError(absl::StrCat("'", hint, "' needs ", command->positional),
                      hint);
  }
  if (!positionals.empty()) parsed.positional = positionals[0];
  parsed.positionals = positionals;
  for (const FlagSpec& f : command->flags) {
    if (f.required && !parsed.Has(f.name)) {
      return UsageError(absl::StrCat("missing required flag ", FlagLabel(f),
                                     " for '", hint, "'"),
                        hint);
    }
  }

  ParseResult result;
  result.outcome = ParseOutcome::kRun;
  result.command = std::move(parsed);
  return result;
}

}  // namespace envcredit::admin
