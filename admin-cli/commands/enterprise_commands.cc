#include "admin-cli/commands/enterprise_commands.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "admin-cli/base/enums.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/import/enterprise_import.h"
#include "admin-cli/output/output.h"

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

// "enterprises/91..." or "91..." -> "91..."; "" when nothing is left.
std::string CreditCodeArgument(absl::string_view arg) {
  absl::ConsumePrefix(&arg, "enterprises/");
  return std::string(arg);
}

// --industry into `set`, when given; false after a usage error.
template <typename Setter>
bool IndustryFlag(const ParsedCommand& c, CommandIo io, Setter set, int* exit) {
  if (!c.Has("industry")) return true;
  const auto industry = ParseIndustry(c.Get("industry"));
  if (!industry.ok()) {
    *exit = Usage(c, io, industry.status().message());
    return false;
  }
  set(*industry);
  return true;
}

// --status into `set`, when given; false after a usage error.
template <typename Setter>
bool StatusFlag(const ParsedCommand& c, CommandIo io, Setter set, int* exit) {
  if (!c.Has("status")) return true;
  const auto status = ParseEnterpriseStatus(c.Get("status"));
  if (!status.ok()) {
    *exit = Usage(c, io, status.status().message());
    return false;
  }
  set(*status);
  return true;
}

// The enterprise named by the CREDIT_CODE argument; false after a usage
// error.
bool NameArgument(const ParsedCommand& c, CommandIo io, std::string* name,
                  int* exit) {
  const std::string code = CreditCodeArgument(c.positional);
  if (code.empty()) {
    *exit = Usage(c, io, "CREDIT_CODE is empty");
    return false;
  }
  *name = absl::StrCat("enterprises/", code);
  return true;
}

// The request of `create` from its flags.
bool ReadNewEnterprise(const ParsedCommand& c, CommandIo io,
                       v1::CreateEnterpriseRequest& request, int* exit) {
  Enterprise* e = request.mutable_enterprise();
  e->set_credit_code(c.Get("credit-code"));
  e->set_display_name(c.Get("name"));
  // --industry is required: the parser has made sure it is there.
  if (!IndustryFlag(
          c, io, [&](v1::Industry i) { e->set_industry(i); }, exit) ||
      !StatusFlag(
          c, io, [&](v1::EnterpriseStatus s) { e->set_status(s); }, exit)) {
    return false;
  }
  e->set_region_code(c.Get("region"));
  e->set_legal_representative(c.Get("legal-rep"));
  e->set_address(c.Get("address"));
  request.set_request_id(c.Get("request-id"));
  return true;
}

bool ReadName(const ParsedCommand& c, CommandIo io,
              v1::GetEnterpriseRequest& request, int* exit) {
  return NameArgument(c, io, request.mutable_name(), exit);
}

bool ReadFilters(const ParsedCommand& c, CommandIo io,
                 v1::ListEnterprisesRequest& request, int* exit) {
  request.set_region_prefix(c.Get("region-prefix"));
  request.set_name_contains(c.Get("name-contains"));
  return IndustryFlag(
             c, io, [&](v1::Industry i) { request.set_industry(i); }, exit) &&
         StatusFlag(
             c, io, [&](v1::EnterpriseStatus s) { request.set_status(s); },
             exit);
}

// The request of `update`: the fields given as flags, and an update_mask
// naming them and only them.
bool ReadUpdate(const ParsedCommand& c, CommandIo io,
                v1::UpdateEnterpriseRequest& request, int* exit) {
  Enterprise* e = request.mutable_enterprise();
  if (!NameArgument(c, io, e->mutable_name(), exit)) return false;
  auto* mask = request.mutable_update_mask();
  const auto text = [&](const char* flag, const char* field,
                        void (Enterprise::*set)(const std::string&)) {
    if (!c.Has(flag)) return;
    (e->*set)(c.Get(flag));
    mask->add_paths(field);
  };
  text("name", "display_name", &Enterprise::set_display_name);
  text("region", "region_code", &Enterprise::set_region_code);
  if (!IndustryFlag(
          c, io,
          [&](v1::Industry i) {
            e->set_industry(i);
            mask->add_paths("industry");
          },
          exit)) {
    return false;
  }
  text("legal-rep", "legal_representative",
       &Enterprise::set_legal_representative);
  text("address", "address", &Enterprise::set_address);
  if (!StatusFlag(
          c, io,
          [&](v1::EnterpriseStatus s) {
            e->set_status(s);
            mask->add_paths("status");
          },
          exit)) {
    return false;
  }
  if (mask->paths().empty()) {
    *exit = Usage(c, io,
                  "nothing to update: give at least one of --name, --region, "
                  "--industry, --legal-rep, --address, --status");
    return false;
  }
  e->set_etag(c.Get("etag"));
  request.set_request_id(c.Get("request-id"));
  return true;
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
          RequestIdFlag(),
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
      With(
          {
              {"region-prefix", "DIGITS",
               "region code starts with these 1..6 digits: 32 Jiangsu, 3201 "
               "Nanjing"},
              {"industry", "INDUSTRY", IndustryHelp()},
              {"name-contains", "TEXT", "name contains this text"},
              {"status", "STATUS", StatusHelp()},
          },
          PageFlags()),
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
      "Unknown columns are an error. Rows are sent in batches, 500 per\n"
      "BatchCreateEnterprises call (--batch-size) with a few calls in flight;\n"
      "a bad row fails alone, the others of its batch are stored. Each row is\n"
      "sent with a request_id derived from its content, so running the same\n"
      "file again is safe: rows already registered count as 'already existed'\n"
      "(or 'created' when the server recognises the request_id), never twice.\n"
      "Failed rows are written to FILE.errors.csv beside the input (line,\n"
      "column, code, reason, message, then the row as it was). The summary\n"
      "goes to stdout, a progress bar to stderr when it is a terminal. Exit 0\n"
      "when no row failed; otherwise the exit code of the failures when they\n"
      "share one (3 for invalid rows, 5 when the server is unreachable), else\n"
      "1. Sample: demo/sample-enterprises.csv.",
      "FILE.csv",
      "the CSV file to import",
      true,
      {
          {"batch-size", "N", "rows per call, 1..1000 (default 500)"},
          {"concurrency", "N", "calls in flight, 1..64 (default 4)"},
      },
      {
          p + " enterprises import demo/sample-enterprises.csv",
          "envcredit-demo-data --count 300 /tmp/demo.csv && " + p +
              " --server 127.0.0.1:50051 enterprises import /tmp/demo.csv",
      },
  });
  return specs;
}

int RunEnterpriseImport(const ParsedCommand& c, EnterpriseClient& client,
                        CommandIo io) {
  ImportOptions options;
  options.retry = RetryOf(io);
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
  if (c.Has("batch-size")) {
    int64_t size = 0;
    int exit = kExitOk;
    if (!IntFlag(c, io, "batch-size", 1, 1000, &size, &exit)) return exit;
    options.batch_size = static_cast<int>(size);
  }
  return RunImport(options, client, io.out, io.err);
}

int RunEnterpriseCommand(const ParsedCommand& command, EnterpriseClient& client,
                         CommandIo io) {
  using E = EnterpriseClient;
  static const auto* const kCommands = new CommandTable<EnterpriseClient>{
      {"create", CallCommand(&E::Create, ReadNewEnterprise,
                             PrintOne(&RenderEnterprises))},
      {"get", CallCommand(&E::Get, ReadName, PrintOne(&RenderEnterprises))},
      {"list",
       ListCommand(&E::List, &v1::ListEnterprisesResponse::mutable_enterprises,
                   ReadFilters, PrintPage(&RenderEnterprises))},
      {"update",
       CallCommand(&E::Update, ReadUpdate, PrintOne(&RenderEnterprises))},
      {"import", RunEnterpriseImport},
  };
  return RunFromTable(*kCommands, command, client, io);
}

}  // namespace envcredit::admin
