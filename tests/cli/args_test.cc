// The command-line parser: what runs, what prints help, what is a usage
// error, and that usage errors say what is wrong.
#include "admin-cli/args.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "admin-cli/call_context.h"
#include "admin-cli/cli.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace envcredit::admin {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Split(const std::string& line) {
  if (line.empty()) return {};
  return absl::StrSplit(line, ' ');
}

ParseResult Parse(const std::string& line, const std::string& env_server = "") {
  static const std::vector<CommandSpec> commands = AllCommandSpecs();
  return ParseCommandLine(Split(line), commands, env_server);
}

struct UsageCase {
  std::string line;
  std::string expected;  // a part of the message
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const UsageCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(c.line).substr(0, 60));
}

class UsageErrorTest : public ::testing::TestWithParam<UsageCase> {};

TEST_P(UsageErrorTest, IsAUsageErrorThatSaysWhy) {
  const ParseResult r = Parse(GetParam().line);
  EXPECT_EQ(r.outcome, ParseOutcome::kUsageError) << GetParam().line;
  EXPECT_THAT(r.text, HasSubstr(GetParam().expected));
  EXPECT_THAT(r.text, HasSubstr("--help' for usage"));
}

INSTANTIATE_TEST_SUITE_P(
    Table, UsageErrorTest,
    ::testing::Values(
        UsageCase{"", "missing command"},
        UsageCase{"bogus", "unknown command 'bogus'"},
        UsageCase{"enterprises", "missing command after 'enterprises'"},
        UsageCase{"--server 10.0.0.1:1,db.example:2 enterprises list",
                  "a list of servers takes IP addresses"},
        UsageCase{"--server 10.0.0.1:1,10.0.0.2 enterprises list", "must be IP:PORT"},
        UsageCase{"enterprises delete", "unknown command 'enterprises delete'"},
        UsageCase{"--bogus enterprises list", "unknown global flag '--bogus'"},
        UsageCase{"-x enterprises list", "unknown flag '-x'"},
        UsageCase{"enterprises list --bogus", "unknown flag '--bogus'"},
        UsageCase{"enterprises list -v", "unknown flag '-v'"},
        UsageCase{"enterprises create --name N --industry STEEL",
                  "missing required flag --credit-code"},
        UsageCase{"enterprises create --credit-code C --industry STEEL",
                  "missing required flag --name"},
        UsageCase{"enterprises create --credit-code C --name N --industry",
                  "--industry needs a value"},
        UsageCase{"enterprises create --credit-code --name N",
                  "--credit-code needs a value"},
        UsageCase{"enterprises get", "needs CREDIT_CODE"},
        UsageCase{"enterprises get A B", "got 'B' as well"},
        UsageCase{"enterprises list extra", "takes no argument"},
        UsageCase{"enterprises list --all=maybe", "--all takes no value"},
        UsageCase{"enterprises list --region-prefix 32 --region-prefix 33",
                  "--region-prefix given twice"},
        UsageCase{"--output xml enterprises list",
                  "--output must be table, json or csv"},
        UsageCase{"enterprises list --output=yaml",
                  "--output must be table, json or csv"},
        UsageCase{"--timeout 0 enterprises list", "--timeout must be"},
        UsageCase{"--timeout soon enterprises list", "--timeout must be"},
        UsageCase{"--server --output=json enterprises list",
                  "--server needs a value"},
        UsageCase{"--output json --output csv enterprises list",
                  "--output given twice"},
        UsageCase{"enterprises import", "needs FILE.csv"}));

struct HelpCase {
  std::string line;
  std::string expected;
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const HelpCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(c.line).substr(0, 60));
}

class HelpTest : public ::testing::TestWithParam<HelpCase> {};

TEST_P(HelpTest, PrintsTheHelpOfThatLevel) {
  const ParseResult r = Parse(GetParam().line);
  EXPECT_EQ(r.outcome, ParseOutcome::kHelp) << GetParam().line;
  EXPECT_THAT(r.text, HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Table, HelpTest,
    ::testing::Values(
        HelpCase{"--help", "Commands:\n  enterprises create"},
        HelpCase{"-h", "Exit codes:"},
        HelpCase{"--server x:1 --help", "Global flags"},
        HelpCase{"enterprises --help",
                 "Usage: envcredit-admin [global flags] "
                 "enterprises COMMAND"},
        HelpCase{"enterprises -h", "  import"},
        HelpCase{"enterprises create --help",
                 "Usage: envcredit-admin [global flags] enterprises create "
                 "--credit-code CODE --name NAME --industry INDUSTRY [flags]"},
        HelpCase{"enterprises create -h", "Examples:"},
        // Help wins over other mistakes on the same line.
        HelpCase{"enterprises create --bogus --help", "--request-id ID"},
        HelpCase{"enterprises get --help", "enterprises/CREDIT_CODE"},
        HelpCase{"enterprises list -h", "--all"},
        HelpCase{"enterprises update --help", "update_mask"},
        HelpCase{"enterprises import --help", "FILE.errors.csv"}));

TEST(ParseTest, GlobalFlagsAndDefaults) {
  ParseResult r = Parse("enterprises list");
  ASSERT_EQ(r.outcome, ParseOutcome::kRun) << r.text;
  EXPECT_EQ(r.command.global.server, "127.0.0.1:50051");
  EXPECT_EQ(r.command.global.output, OutputFormat::kTable);
  EXPECT_EQ(r.command.global.timeout_seconds, 10);

  r = Parse("enterprises list", "db.example:7000");
  EXPECT_EQ(r.command.global.server, "db.example:7000");

  r = Parse("--server=a:1 --output JSON --timeout 2.5 enterprises list",
            "ignored:2");
  ASSERT_EQ(r.outcome, ParseOutcome::kRun) << r.text;
  EXPECT_EQ(r.command.global.server, "a:1");
  EXPECT_EQ(r.command.global.output, OutputFormat::kJson);
  EXPECT_EQ(r.command.global.timeout_seconds, 2.5);
}

// Several servers: gRPC's static resolver target, balanced round robin
// (admin-cli/call_context.cc); one server is passed on as it is.
TEST(ParseTest, AListOfServersBecomesOneRoundRobinTarget) {
  ParseResult r = Parse("--server 10.0.0.1:50051,10.0.0.2:50052 enterprises list");
  ASSERT_EQ(r.outcome, ParseOutcome::kRun) << r.text;
  EXPECT_EQ(ChannelTarget(r.command.global.server), "ipv4:10.0.0.1:50051,10.0.0.2:50052");
  EXPECT_EQ(ChannelTarget("[::1]:1,[::1]:2"), "ipv6:[::1]:1,[::1]:2");
  EXPECT_EQ(ChannelTarget("db.example:7000"), "db.example:7000");
  EXPECT_EQ(ServersError("[::1]:1,[::1]:2"), "");
}

TEST(ParseTest, GlobalFlagsAfterTheCommand) {
  const ParseResult r =
      Parse("enterprises list --output=csv --server b:2 --all");
  ASSERT_EQ(r.outcome, ParseOutcome::kRun) << r.text;
  EXPECT_EQ(r.command.global.output, OutputFormat::kCsv);
  EXPECT_EQ(r.command.global.server, "b:2");
  EXPECT_TRUE(r.command.Has("all"));
  EXPECT_FALSE(r.command.Has("output"));
}

TEST(ParseTest, BothFlagSpellingsAndAPositional) {
  const ParseResult r = Parse(
      "enterprises update 91320100MA1W2X3Y6A --name=甲 --status suspended "
      "--etag=W/\"1\"");
  ASSERT_EQ(r.outcome, ParseOutcome::kRun) << r.text;
  EXPECT_EQ(r.command.command->path[1], "update");
  EXPECT_EQ(r.command.positional, "91320100MA1W2X3Y6A");
  EXPECT_EQ(r.command.Get("name"), "甲");
  EXPECT_EQ(r.command.Get("status"), "suspended");
  EXPECT_EQ(r.command.Get("etag"), "W/\"1\"");
  EXPECT_FALSE(r.command.Has("address"));
}

TEST(ParseTest, ValuesMayBeEmptyOrStartWithADash) {
  ParseResult r = Parse("enterprises update C --address= --name -x-");
  ASSERT_EQ(r.outcome, ParseOutcome::kRun) << r.text;
  EXPECT_TRUE(r.command.Has("address"));
  EXPECT_EQ(r.command.Get("address"), "");
  EXPECT_EQ(r.command.Get("name"), "-x-");
}

TEST(ParseTest, DoubleDashEndsFlags) {
  const ParseResult r = Parse("enterprises get -- --odd");
  ASSERT_EQ(r.outcome, ParseOutcome::kRun) << r.text;
  EXPECT_EQ(r.command.positional, "--odd");
}

TEST(ParseTest, BooleanFalseIsAbsent) {
  const ParseResult r = Parse("enterprises list --all=false");
  ASSERT_EQ(r.outcome, ParseOutcome::kRun) << r.text;
  EXPECT_FALSE(r.command.Has("all"));
}

TEST(ParseTest, HelpMentionsEveryFlagOfEveryCommand) {
  for (const CommandSpec& spec : AllCommandSpecs()) {
    const std::string help = CommandHelp(spec);
    for (const FlagSpec& flag : spec.flags) {
      EXPECT_THAT(help, HasSubstr("--" + flag.name)) << spec.path[1];
    }
    EXPECT_THAT(help, HasSubstr("Exit codes:"));
    EXPECT_FALSE(spec.examples.empty()) << spec.path[1];
  }
}

}  // namespace
}  // namespace envcredit::admin
