#include "admin-cli/commands/token_commands.h"

#include <ostream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/commands/runner.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/output/output.h"
#include "admin-cli/output/record_output.h"
#include "admin-cli/output/token_output.h"

namespace envcredit::admin {
namespace {

int TokensCreate(const ParsedCommand& c, TokenClient& client, CommandIo io) {
  v1::CreateTokenRequest request;
  v1::Token* t = request.mutable_token();
  absl::StatusOr<v1::Role> role = ParseRole(c.Get("role"));
  if (!role.ok()) {
    return Usage(c, io, absl::StrCat("--role: ", role.status().message()));
  }
  t->set_role(*role);
  t->set_label(c.Get("label"));
  t->set_credit_code(std::string(absl::StripAsciiWhitespace(c.Get("credit-code"))));
  if (*role == v1::ENTERPRISE && t->credit_code().empty()) {
    return Usage(c, io, "--credit-code: an ENTERPRISE token is bound to one enterprise");
  }
  // --expire YYYY-MM-DD: the token works through that day.
  int exit = kExitOk;
  if (c.Has("expire") && !TimeFlag(c, io, "expire", /*end_of_day=*/true,
                                   t->mutable_expire_time(), &exit)) {
    return exit;
  }
  v1::CreateTokenResponse response;
  if (!Call(c, io, client, &TokenClient::CreateToken, request, &response,
            &exit)) {
    return exit;
  }
  io.out << RenderCreatedToken(response, c.global.output);
  io.err << kProgramName
         << ": the secret is shown only this once (the server keeps only its "
            "SHA-256); store it now\n";
  return kExitOk;
}

bool ReadTokenName(const ParsedCommand& c, CommandIo io,
                   v1::RevokeTokenRequest& request, int* exit) {
  absl::StatusOr<std::string> name = TokenName(c.positional);
  if (!name.ok()) {
    *exit = Usage(c, io, name.status().message());
    return false;
  }
  request.set_name(*name);
  return true;
}

bool ReadNothing(const ParsedCommand&, CommandIo, v1::ListTokensRequest&,
                 int*) {
  return true;
}

}  // namespace

absl::StatusOr<v1::Role> ParseRole(absl::string_view text) {
  const std::string upper =
      absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  v1::Role role = v1::ROLE_UNSPECIFIED;
  if (upper.empty() || !v1::Role_Parse(upper, &role) ||
      role == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text,
                     "' is not a role; use ADMIN, REGULATOR, INTEGRATOR, "
                     "PUBLIC or ENTERPRISE"));
  }
  return role;
}

absl::StatusOr<std::string> TokenName(absl::string_view text) {
  absl::string_view id = absl::StripAsciiWhitespace(text);
  absl::ConsumePrefix(&id, "tokens/");
  if (id.empty() || absl::StrContains(id, '/')) {
    return absl::InvalidArgumentError(
        absl::StrCat("TOKEN must be tokens/ID or a bare ID, not '", text, "'"));
  }
  return absl::StrCat("tokens/", id);
}

std::vector<CommandSpec> TokenCommandSpecs() {
  const std::string p = std::string(kProgramName);
  std::vector<CommandSpec> s;
  s.push_back(
      {{"tokens", "create"},
       "issue a bearer token (ADMIN; a REGULATOR: ENTERPRISE tokens)",
       "Issues a token with a role and a label (who holds it; the actor of\n"
       "its audit entries, 1..100 characters). An ENTERPRISE token is bound\n"
       "to one registered enterprise (--credit-code) and reads and acts for\n"
       "that enterprise only; a REGULATOR may issue those, and only those.\n"
       "Prints the token and its\n"
       "secret. The secret is shown only this once: the server keeps only\n"
       "its SHA-256. --expire YYYY-MM-DD: the token works through that day\n"
       "(China Standard Time); an RFC 3339 time is also accepted. Without\n"
       "--expire it never expires.",
       "",
       "",
       false,
       {{"role", "ROLE",
         "ADMIN, REGULATOR, INTEGRATOR, PUBLIC or ENTERPRISE (any case)", true},
        {"label", "LABEL", "who holds it, e.g. zhang.wei", true},
        {"credit-code", "CODE", "ENTERPRISE only: the enterprise it acts for"},
        {"expire", "YYYY-MM-DD", "last day the token works (default: never)"}},
       {p + " tokens create --role REGULATOR --label zhang.wei --expire "
            "2026-12-31",
        p + " --output json tokens create --role INTEGRATOR --label "
            "bank-of-example-green-credit",
        p + " tokens create --role ENTERPRISE --label acme-env-office "
            "--credit-code 91320100MA1W2X3Y6A"}});
  s.push_back(
      {{"tokens", "list"},
       "list tokens (never their secrets)",
       "Lists every token, active, expired or revoked, with its role,\n"
       "label and times.",
       "",
       "",
       false,
       PageFlags(),
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
  static const auto* const kCommands = new CommandTable<TokenClient>{
      {"create", TokensCreate},
      {"list", ListCommand(&TokenClient::ListTokens,
                           &v1::ListTokensResponse::mutable_tokens, ReadNothing,
                           PrintPage(&RenderTokens))},
      {"revoke", CallCommand(&TokenClient::RevokeToken, ReadTokenName,
                             PrintOne(&RenderTokens))},
  };
  return RunFromTable(*kCommands, c, client, io);
}

}  // namespace envcredit::admin
