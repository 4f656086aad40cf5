#include "admin-cli/token_commands.h"

#include <ostream>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/output.h"
#include "admin-cli/record_enums.h"
#include "admin-cli/record_output.h"
#include "admin-cli/rpc_errors.h"

namespace envcredit::admin {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

int Usage(const ParsedCommand& c, CommandIo io, absl::string_view message) {
  io.err << UsageErrorText(
      message, absl::StrCat(c.command->path[0], " ", c.command->path[1]));
  return kExitUsage;
}

int Failed(const ParsedCommand& c, CommandIo io, const grpc::Status& status,
           const std::string& call_id) {
  io.err << DescribeRpcError(status, call_id, c.global.server);
  return ExitCodeForStatus(status.error_code());
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ",
                          absl::FromUnixSeconds(t.seconds()) +
                              absl::Nanoseconds(t.nanos()),
                          absl::UTCTimeZone());
}

Fields TokenFields(const v1::Token& t) {
  return {
      {"name", t.name()},
      {"role", EnumName(v1::Role_descriptor(), t.role())},
      {"label", t.label()},
      {"create_time", Time(t.create_time())},
      {"expire_time", Time(t.expire_time())},
      {"revoke_time", Time(t.revoke_time())},
  };
}

// --expire: YYYY-MM-DD (the token works through that day, China Standard
// Time) or an RFC 3339 time. False after printing a usage error.
bool ExpireFlag(const ParsedCommand& c, CommandIo io,
                google::protobuf::Timestamp* out, int* exit) {
  const std::string text = c.Get("expire");
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    absl::StatusOr<v1::Date> date = ParseDate(text);
    if (!date.ok()) {
      *exit = Usage(c, io,
                    absl::StrCat("--expire must be YYYY-MM-DD or an RFC 3339 "
                                 "time, not '",
                                 text, "'"));
      return false;
    }
    const absl::TimeZone china = absl::FixedTimeZone(8 * 3600);
    t = absl::FromCivil(
            absl::CivilDay(date->year(), date->month(), date->day()), china) +
        absl::Hours(24);
  }
  const int64_t seconds = absl::ToUnixSeconds(t);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) /
                                      absl::Nanoseconds(1)));
  return true;
}

int TokensCreate(const ParsedCommand& c, TokenClient& client, CommandIo io) {
  int exit = kExitOk;
  v1::CreateTokenRequest request;
  v1::Token* t = request.mutable_token();
  absl::StatusOr<v1::Role> role = ParseRole(c.Get("role"));
  if (!role.ok()) {
    return Usage(c, io, absl::StrCat("--role: ", role.status().message()));
  }
  t->set_role(*role);
  t->set_label(c.Get("label"));
  if (c.Has("expire") && !ExpireFlag(c, io, t->mutable_expire_time(), &exit)) {
    return exit;
  }
  const std::string call_id = NewRequestId();
  v1::CreateTokenResponse response;
  const grpc::Status status = client.CreateToken(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderCreatedToken(response, c.global.output);
  io.err << kProgramName
         << ": the secret is shown only this once (the server keeps only its "
            "SHA-256); store it now\n";
  return kExitOk;
}

int TokensList(const ParsedCommand& c, TokenClient& client, CommandIo io) {
  v1::ListTokensRequest request;
  if (c.Has("page-size")) {
    int size = 0;
    if (!absl::SimpleAtoi(c.Get("page-size"), &size) || size < 1 ||
        size > 1000) {
      return Usage(c, io,
                   absl::StrCat("--page-size must be 1..1000, not '",
                                c.Get("page-size"), "'"));
    }
    request.set_page_size(size);
  }
  request.set_page_token(c.Get("page-token"));
  const bool all = c.Has("all");
  std::vector<v1::Token> items;
  std::set<std::string> seen;
  std::string next;
  for (;;) {
    const std::string call_id = NewRequestId();
    v1::ListTokensResponse response;
    const grpc::Status status = client.ListTokens(call_id, request, &response);
    if (!status.ok()) return Failed(c, io, status, call_id);
    for (v1::Token& t : *response.mutable_tokens()) items.push_back(std::move(t));
    next = response.next_page_token();
    if (!all || next.empty()) break;
    if (!seen.insert(next).second) {
      io.err << kProgramName
             << ": the server returned the same page token twice; stopping\n";
      return kExitFailure;
    }
    request.set_page_token(next);
  }
  io.out << RenderTokens(items, c.global.output, false);
  if (!all && !next.empty()) {
    io.err << "more results: run again with --page-token " << next
           << " (or use --all)\n";
  }
  return kExitOk;
}

int TokensRevoke(const ParsedCommand& c, TokenClient& client, CommandIo io) {
  absl::StatusOr<std::string> name = TokenName(c.positional);
  if (!name.ok()) return Usage(c, io, name.status().message());
  v1::RevokeTokenRequest request;
  request.set_name(*name);
  const std::string call_id = NewRequestId();
  v1::Token response;
  const grpc::Status status = client.RevokeToken(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderTokens({response}, c.global.output, true);
  return kExitOk;
}

}  // namespace

absl::StatusOr<v1::Role> ParseRole(absl::string_view text) {
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  v1::Role role = v1::ROLE_UNSPECIFIED;
  if (upper.empty() || !v1::Role_Parse(upper, &role) ||
      role == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text,
                     "' is not a role; use ADMIN, REGULATOR, INTEGRATOR or "
                     "PUBLIC"));
  }
  return role;
}

absl::StatusOr<std::string> TokenName(absl::string_view text) {
  absl::string_view id = absl::StripAsciiWhitespace(text);
  absl::ConsumePrefix(&id, "tokens/");
  if (id.empty() || absl::StrContains(id, '/')) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TOKEN must be tokens/ID or a bare ID, not '", text, "'"));
  }
  return absl::StrCat("tokens/", id);
}

std::string RenderTokens(const std::vector<v1::Token>& list,
                         OutputFormat format, bool single) {
  switch (format) {
    case OutputFormat::kJson: {
      if (single && list.size() == 1) return MessageJson(list[0], true) + "\n";
      if (list.empty()) return "[]\n";
      std::string out = "[\n";
      for (size_t k = 0; k < list.size(); ++k) {
        absl::StrAppend(&out, "  ", MessageJson(list[k], false),
                        k + 1 < list.size() ? ",\n" : "\n");
      }
      return out + "]\n";
    }
    case OutputFormat::kCsv: {
      Table table;
      for (const auto& [key, value] : TokenFields(v1::Token())) {
        table.header.push_back(key);
      }
      for (const v1::Token& t : list) {
        std::vector<std::string> row;
        for (auto& [key, value] : TokenFields(t)) row.push_back(std::move(value));
        table.rows.push_back(std::move(row));
      }
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  if (single && list.size() == 1) {
    Table table{{"FIELD", "VALUE"}, {}};
    for (auto& [key, value] : TokenFields(list[0])) {
      table.rows.push_back({key, std::move(value)});
    }
    return RenderTable(table);
  }
  Table table{{"NAME", "ROLE", "LABEL", "CREATED", "EXPIRES", "REVOKED"}, {}};
  for (const v1::Token& t : list) {
    std::vector<std::string> row;
    for (auto& [key, value] : TokenFields(t)) row.push_back(std::move(value));
    table.rows.push_back(std::move(row));
  }
  return RenderTable(table);
}

std::string RenderCreatedToken(const v1::CreateTokenResponse& r,
                               OutputFormat format) {
  if (format == OutputFormat::kJson) return MessageJson(r, true) + "\n";
  Fields fields = TokenFields(r.token());
  fields.push_back({"secret", r.secret()});
  if (format == OutputFormat::kCsv) {
    Table table;
    std::vector<std::string> row;
    for (auto& [key, value] : fields) {
      table.header.push_back(key);
      row.push_back(std::move(value));
    }
    table.rows.push_back(std::move(row));
    return RenderCsv(table);
  }
  Table table{{"FIELD", "VALUE"}, {}};
  for (auto& [key, value] : fields) table.rows.push_back({key, std::move(value)});
  return RenderTable(table);
}

std::vector<CommandSpec> TokenCommandSpecs() {
  const std::string p = std::string(kProgramName);
  std::vector<CommandSpec> s;
  s.push_back(
      {{"tokens", "create"},
       "issue a bearer token (ADMIN only)",
       "Issues a token with a role and a label (who holds it; the actor of\n"
       "its audit entries, 1..100 characters). Prints the token and its\n"
       "secret. The secret is shown only this once: the server keeps only\n"
       "its SHA-256. --expire YYYY-MM-DD: the token works through that day\n"
       "(China Standard Time); an RFC 3339 time is also accepted. Without\n"
       "--expire it never expires.",
       "",
       "",
       false,
       {{"role", "ROLE", "ADMIN, REGULATOR, INTEGRATOR or PUBLIC (any case)",
         true},
        {"label", "LABEL", "who holds it, e.g. zhang.wei", true},
        {"expire", "YYYY-MM-DD", "last day the token works (default: never)"}},
       {p + " tokens create --role REGULATOR --label zhang.wei --expire "
            "2026-12-31",
        p + " --output json tokens create --role INTEGRATOR --label "
            "bank-of-example-green-credit"}});
  s.push_back({{"tokens", "list"},
               "list tokens (never their secrets)",
               "Lists every token, active, expired or revoked, with its role,\n"
               "label and times.",
               "",
               "",
               false,
               {{"page-size", "N", "1..1000 per page (server default 50)"},
                {"page-token", "TOKEN", "continue from a previous page"},
                {"all", "", "follow next_page_token to the last page"}},
               {p + " tokens list --all", p + " --output csv tokens list --all"}});
  s.push_back({{"tokens", "revoke"},
               "revoke a token",
               "Revokes a token: calls with it are refused (UNAUTHENTICATED)\n"
               "from then on. Revoking a revoked token is FAILED_PRECONDITION\n"
               "(exit 6).",
               "TOKEN",
               "tokens/ID or the bare ID",
               true,
               {},
               {p + " tokens revoke tokens/7", p + " tokens revoke 7"}});
  return s;
}

int RunTokenCommand(const ParsedCommand& c, TokenClient& client, CommandIo io) {
  const std::string& name = c.command->path[1];
  if (name == "create") return TokensCreate(c, client, io);
  if (name == "list") return TokensList(c, client, io);
  if (name == "revoke") return TokensRevoke(c, client, io);
  io.err << kProgramName << ": internal error: no handler for tokens " << name
         << "\n";
  return kExitFailure;
}

}  // namespace envcredit::admin
