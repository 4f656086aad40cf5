#include "admin-cli/enterprise_commands.h"

#include <ostream>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "admin-cli/enums.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/importer.h"
#include "admin-cli/output.h"
#include "admin-cli/rpc_errors.h"

namespace envcredit::admin {
namespace {

using envcredit::v1::Enterprise;

constexpr char kCodeExample[] = "91320100MA1W2X3Y6A";

std::string IndustryHelp() {
  return absl::StrCat("one of ", AllowedIndustries(),
                      " (any case, or the Chinese label, e.g. 化工)");
}
std::string StatusHelp() {
  return absl::StrCat("one of ", AllowedEnterpriseStatuses(),
                      " (any case, or 在营/停业/注销)");
}

int Usage(const ParsedCommand& c, CommandIo io, absl::string_view message) {
  io.err << UsageErrorText(
      message, absl::StrCat(c.command->path[0], " ", c.command->path[1]));
  return kExitUsage;
}

int Failed(const ParsedCommand& c, CommandIo io, const grpc::Status& status,
           const std::string& request_id) {
  io.err << DescribeRpcError(status, request_id, c.global.server);
  return ExitCodeForStatus(status.error_code());
}

// "enterprises/91..." or "91..." -> "91..."; "" when nothing is left.
std::string CreditCodeArgument(absl::string_view arg) {
  absl::ConsumePrefix(&arg, "enterprises/");
  return std::string(arg);
}

int RunCreate(const ParsedCommand& c, EnterpriseClient& client, CommandIo io) {
  v1::CreateEnterpriseRequest request;
  Enterprise* e = request.mutable_enterprise();
  e->set_credit_code(c.Get("credit-code"));
  e->set_display_name(c.Get("name"));
  const auto industry = ParseIndustry(c.Get("industry"));
  if (!industry.ok()) return Usage(c, io, industry.status().message());
  e->set_industry(*industry);
  e->set_region_code(c.Get("region"));
  e->set_legal_representative(c.Get("legal-rep"));
  e->set_address(c.Get("address"));
  if (c.Has("status")) {
    const auto status = ParseEnterpriseStatus(c.Get("status"));
    if (!status.ok()) return Usage(c, io, status.status().message());
    e->set_status(*status);
  }
  request.set_request_id(c.Get("request-id"));
  const std::string call_id = NewRequestId();
  Enterprise response;
  const grpc::Status status = client.Create(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderEnterprises({response}, c.global.output, /*single=*/true);
  return kExitOk;
}

int RunGet(const ParsedCommand& c, EnterpriseClient& client, CommandIo io) {
  const std::string code = CreditCodeArgument(c.positional);
  if (code.empty()) return Usage(c, io, "CREDIT_CODE is empty");
  v1::GetEnterpriseRequest request;
  request.set_name(absl::StrCat("enterprises/", code));
  const std::string call_id = NewRequestId();
  Enterprise response;
  const grpc::Status status = client.Get(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderEnterprises({response}, c.global.output, /*single=*/true);
  return kExitOk;
}

int RunList(const ParsedCommand& c, EnterpriseClient& client, CommandIo io) {
  v1::ListEnterprisesRequest request;
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
  request.set_region_prefix(c.Get("region-prefix"));
  request.set_name_contains(c.Get("name-contains"));
  request.set_page_token(c.Get("page-token"));
  if (c.Has("industry")) {
    const auto industry = ParseIndustry(c.Get("industry"));
    if (!industry.ok()) return Usage(c, io, industry.status().message());
    request.set_industry(*industry);
  }
  if (c.Has("status")) {
    const auto status = ParseEnterpriseStatus(c.Get("status"));
    if (!status.ok()) return Usage(c, io, status.status().message());
    request.set_status(*status);
  }
  const bool all = c.Has("all");

  std::vector<Enterprise> enterprises;
  std::set<std::string> tokens_seen;
  std::string next_token;
  for (;;) {
    const std::string call_id = NewRequestId();
    v1::ListEnterprisesResponse response;
    const grpc::Status status = client.List(call_id, request, &response);
    if (!status.ok()) return Failed(c, io, status, call_id);
    for (Enterprise& e : *response.mutable_enterprises()) {
      enterprises.push_back(std::move(e));
    }
    next_token = response.next_page_token();
    if (!all || next_token.empty()) break;
    if (!tokens_seen.insert(next_token).second) {
      io.err << kProgramName
             << ": the server returned the same page token twice; stopping\n";
      return kExitFailure;
    }
    request.set_page_token(next_token);
  }
  io.out << RenderEnterprises(enterprises, c.global.output, /*single=*/false);
  if (!all && !next_token.empty()) {
    io.err << "more results: run again with --page-token " << next_token
           << " (or use --all)\n";
  }
  return kExitOk;
}

int RunUpdate(const ParsedCommand& c, EnterpriseClient& client, CommandIo io) {
  const std::string code = CreditCodeArgument(c.positional);
  if (code.empty()) return Usage(c, io, "CREDIT_CODE is empty");
  v1::UpdateEnterpriseRequest request;
  Enterprise* e = request.mutable_enterprise();
  e->set_name(absl::StrCat("enterprises/", code));
  auto* mask = request.mutable_update_mask();
  if (c.Has("name")) {
    e->set_display_name(c.Get("name"));
    mask->add_paths("display_name");
  }
  if (c.Has("region")) {
    e->set_region_code(c.Get("region"));
    mask->add_paths("region_code");
  }
  if (c.Has("industry")) {
    const auto industry = ParseIndustry(c.Get("industry"));
    if (!industry.ok()) return Usage(c, io, industry.status().message());
    e->set_industry(*industry);
    mask->add_paths("industry");
  }
  if (c.Has("legal-rep")) {
    e->set_legal_representative(c.Get("legal-rep"));
    mask->add_paths("legal_representative");
  }
  if (c.Has("address")) {
    e->set_address(c.Get("address"));
    mask->add_paths("address");
  }
  if (c.Has("status")) {
    const auto status = ParseEnterpriseStatus(c.Get("status"));
    if (!status.ok()) return Usage(c, io, status.status().message());
    e->set_status(*status);
    mask->add_paths("status");
  }
  if (mask->paths().empty()) {
    return Usage(c, io,
                 "nothing to update: give at least one of --name, --region, "
                 "--industry, --legal-rep, --address, --status");
  }
  e->set_etag(c.Get("etag"));
  request.set_request_id(c.Get("request-id"));
  const std::string call_id = NewRequestId();
  Enterprise response;
  const grpc::Status status = client.Update(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderEnterprises({response}, c.global.output, /*single=*/true);
  return kExitOk;
}

int RunImportCommand(const ParsedCommand& c, EnterpriseClient& client,
                     CommandIo io) {
  ImportOptions options;
  options.path = c.positional;
  options.show_progress = io.err_is_terminal;
  options.output = c.global.output;
  options.server = c.global.server;
  if (c.Has("concurrency")) {
    int n = 0;
    if (!absl::SimpleAtoi(c.Get("concurrency"), &n) || n < 1 || n > 64) {
      return Usage(c, io,
                   absl::StrCat("--concurrency must be 1..64, not '",
                                c.Get("concurrency"), "'"));
    }
    options.concurrency = n;
  }
  return RunImport(options, client, io.out, io.err);
}

}  // namespace

std::vector<CommandSpec> EnterpriseCommandSpecs() {
  const std::string p = std::string(kProgramName);
  const std::string code = kCodeExample;
  std::vector<CommandSpec> specs;

  specs.push_back(CommandSpec{
      {"enterprises", "create"},
      "register an enterprise",
      "Registers an enterprise under its unified social credit code (USCC).\n"
      "Prints the enterprise the server stored. ALREADY_EXISTS (exit 6) when\n"
      "one with that credit code exists; a retry with the same --request-id\n"
      "returns the enterprise the first call created.",
      "",
      "",
      false,
      {
          {"credit-code", "CODE",
           "18-character USCC, upper case (e.g. 91320100MA1W2X3Y6A)", true},
          {"name", "NAME", "registered name, 1..200 characters", true},
          {"industry", "INDUSTRY", IndustryHelp(), true},
          {"region", "CODE",
           "6-digit region code (default: positions 3-8 of the credit code)"},
          {"legal-rep", "PERSON", "legal representative (法定代表人)"},
          {"address", "ADDRESS", "address"},
          {"status", "STATUS", StatusHelp() + "; default OPERATING"},
          {"request-id", "ID",
           "makes a retry safe: up to 64 printable ASCII characters"},
      },
      {
          p + " enterprises create --credit-code " + code +
              " --name '（虚构）南京示例化工有限公司' --industry chemicals",
          p + " --output json enterprises create --credit-code=" + code +
              " --name=Demo --industry=化工 --legal-rep 张三 --request-id "
              "7f6c1e2a",
      },
  });

  specs.push_back(CommandSpec{
      {"enterprises", "get"},
      "show one enterprise",
      "Shows one enterprise. NOT_FOUND (exit 4) when none has that code.",
      "CREDIT_CODE",
      "the USCC, bare or as a resource name: enterprises/CREDIT_CODE",
      true,
      {},
      {
          p + " enterprises get " + code,
          p + " --output json enterprises get enterprises/" + code,
      },
  });

  specs.push_back(CommandSpec{
      {"enterprises", "list"},
      "list enterprises, with filters",
      "Lists enterprises in credit-code order. Prints one page and, when more\n"
      "follow, the token of the next page on stderr; --all fetches every page.",
      "",
      "",
      false,
      {
          {"region-prefix", "DIGITS",
           "region code starts with these 1..6 digits: 32 Jiangsu, 3201 "
           "Nanjing"},
          {"industry", "INDUSTRY", IndustryHelp()},
          {"name-contains", "TEXT", "name contains this text"},
          {"status", "STATUS", StatusHelp()},
          {"page-size", "N", "1..1000 per page (server default 50)"},
          {"page-token", "TOKEN", "continue from a previous page"},
          {"all", "", "follow next_page_token to the last page"},
      },
      {
          p + " enterprises list --region-prefix 32 --industry CHEMICALS",
          p + " --output csv enterprises list --all > enterprises.csv",
          p + " enterprises list --name-contains 示例 --page-size 20",
      },
  });

  specs.push_back(CommandSpec{
      {"enterprises", "update"},
      "change fields of an enterprise",
      "Changes the fields given as flags, and only those (the update_mask is\n"
      "built from them; at least one is needed). With --etag the update only\n"
      "applies to that version: ABORTED (exit 6) when someone changed the\n"
      "enterprise since it was read.",
      "CREDIT_CODE",
      "the USCC, bare or as enterprises/CREDIT_CODE",
      true,
      {
          {"name", "NAME", "new registered name"},
          {"region", "CODE", "new 6-digit region code"},
          {"industry", "INDUSTRY", IndustryHelp()},
          {"legal-rep", "PERSON", "new legal representative"},
          {"address", "ADDRESS", "new address"},
          {"status", "STATUS", StatusHelp()},
          {"etag", "ETAG", "update only this version (from get)"},
          {"request-id", "ID", "makes a retry safe"},
      },
      {
          p + " enterprises update " + code + " --status suspended",
          p + " enterprises update " + code +
              " --legal-rep 李四 --address '南京市示例路 1 号' --etag "
              "W/\"3\"",
      },
  });

  specs.push_back(CommandSpec{
      {"enterprises", "import"},
      "register every enterprise in a CSV file",
      "Registers every row of a CSV file (UTF-8, with or without BOM; CRLF or\n"
      "LF; RFC 4180 quoting). The header names the columns, in any order:\n"
      "  credit_code, name, industry            required\n"
      "  region_code, legal_representative, address, status   optional\n"
      "Unknown columns are an error. Each row is sent with a request_id "
      "derived\n"
      "from its content, so running the same file again is safe: rows already\n"
      "registered count as 'already existed' (or 'created' when the server\n"
      "recognises the request_id), never twice. Failed rows are written to\n"
      "FILE.errors.csv beside the input (line, column, code, reason, message,\n"
      "then the row as it was). The summary goes to stdout, a progress bar to\n"
      "stderr when it is a terminal. Exit 0 when no row failed; otherwise the\n"
      "exit code of the failures when they share one (3 for invalid rows, 5\n"
      "when the server is unreachable), else 1. Sample: "
      "demo/sample-enterprises.csv.",
      "FILE.csv",
      "the CSV file to import",
      true,
      {
          {"concurrency", "N", "calls in flight, 1..64 (default 8)"},
      },
      {
          p + " enterprises import demo/sample-enterprises.csv",
          "envcredit-demo-data --count 300 /tmp/demo.csv && " + p +
              " --server 127.0.0.1:50051 enterprises import /tmp/demo.csv",
      },
  });
  return specs;
}

int RunEnterpriseCommand(const ParsedCommand& command, EnterpriseClient& client,
                         CommandIo io) {
  const std::string& name = command.command->path[1];
  if (name == "create") return RunCreate(command, client, io);
  if (name == "get") return RunGet(command, client, io);
  if (name == "list") return RunList(command, client, io);
  if (name == "update") return RunUpdate(command, client, io);
  if (name == "import") return RunImportCommand(command, client, io);
  io.err << kProgramName << ": internal error: no handler for " << name << "\n";
  return kExitFailure;
}

}  // namespace envcredit::admin
