// The enterprises commands end to end inside the process: flags -> request
// -> (fake) server -> output and exit code.
#include <string>
#include <vector>

#include "admin-cli/exit_codes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_runner.h"

namespace envcredit::admin {
namespace {

using ::testing::ElementsAre;
using testing::FakeEnterpriseClient;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::RunWithFake;

constexpr char kCode[] = "91320100MA1W2X3Y6A";

class CommandsTest : public ::testing::Test {
 protected:
  testing::CliResult Run(const std::vector<std::string>& args) {
    return RunWithFake(args, fake_);
  }
  void CreateSome(int n) {
    for (int k = 0; k < n; ++k) {
      const std::string code = absl::StrCat("9132010000000000", 10 + k);
      ASSERT_EQ(Run({"enterprises", "create", "--credit-code", code, "--name",
                     absl::StrCat("（虚构）示例", k), "--industry", "steel"})
                    .exit_code,
                0);
    }
  }
  FakeEnterpriseClient fake_;
};

TEST_F(CommandsTest, CreateBuildsTheRequestAndPrintsTheResult) {
  const auto r =
      Run({"--output",      "json",      "enterprises",  "create",
           "--credit-code", kCode,       "--name",       "（虚构）南京示例化工",
           "--industry",    "化工",      "--region",     "320115",
           "--legal-rep",   "张三",      "--address",    "示例路 1 号",
           "--status",      "Suspended", "--request-id", "req-1"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake_.creates().size(), 1u);
  const v1::CreateEnterpriseRequest req = fake_.creates()[0];
  EXPECT_EQ(req.request_id(), "req-1");
  EXPECT_EQ(req.enterprise().credit_code(), kCode);
  EXPECT_EQ(req.enterprise().display_name(), "（虚构）南京示例化工");
  EXPECT_EQ(req.enterprise().industry(), v1::CHEMICALS);
  EXPECT_EQ(req.enterprise().region_code(), "320115");
  EXPECT_EQ(req.enterprise().legal_representative(), "张三");
  EXPECT_EQ(req.enterprise().address(), "示例路 1 号");
  EXPECT_EQ(req.enterprise().status(), v1::SUSPENDED);
  EXPECT_THAT(r.out, HasSubstr("\"credit_code\": \"91320100MA1W2X3Y6A\""));
  EXPECT_THAT(r.err, IsEmpty());
}

TEST_F(CommandsTest, EveryCallCarriesAFreshRequestIdHeader) {
  CreateSome(2);
  const std::vector<std::string> ids = fake_.call_ids();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0].size(), 32u);
  EXPECT_NE(ids[0], ids[1]);
}

TEST_F(CommandsTest, CreateUnknownIndustryIsAUsageErrorAndSendsNothing) {
  const auto r = Run({"enterprises", "create", "--credit-code", kCode, "--name",
                      "N", "--industry", "farming"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unknown industry 'farming'; allowed: "
                               "THERMAL_POWER, STEEL"));
  EXPECT_THAT(fake_.creates(), IsEmpty());
}

TEST_F(CommandsTest, CreateRefusedShowsDetailsAndExits3) {
  const auto r = Run({"enterprises", "create", "--credit-code", "BAD", "--name",
                      "N", "--industry", "STEEL"});
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: enterprise.credit_code"));
  EXPECT_THAT(r.err, HasSubstr("reason: INVALID_CREDIT_CODE (envcredit.v1)"));
  EXPECT_THAT(r.err, HasSubstr("field violation: enterprise.credit_code"));
  EXPECT_THAT(r.err, HasSubstr("request id: "));
  EXPECT_THAT(r.out, IsEmpty());
}

TEST_F(CommandsTest, CreateTwiceIsAConflict) {
  CreateSome(1);
  const auto r =
      Run({"enterprises", "create", "--credit-code", "913201000000000010",
           "--name", "x", "--industry", "STEEL"});
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr("ALREADY_EXISTS"));
}

// The one retry policy covers one-shot commands: a create whose answer was
// lost (UNAVAILABLE after the server stored it) is sent again with the same
// request_id, which the command made up since none was given, and the
// server's replay makes it succeed once — one enterprise, not a conflict.
TEST_F(CommandsTest, ALostAnswerIsRetriedWithTheSameRequestIdAndStoresOnce) {
  fake_.lose_next_answers = 1;
  const auto r = Run({"enterprises", "create", "--credit-code", kCode, "--name",
                      "（虚构）重试示例公司", "--industry", "STEEL"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const std::vector<v1::CreateEnterpriseRequest> sent = fake_.creates();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].request_id().size(), 32u);
  EXPECT_EQ(sent[1].request_id(), sent[0].request_id());
  const std::vector<std::string> ids = fake_.call_ids();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);  // a fresh x-request-id per attempt, for the logs
  EXPECT_THAT(r.out, HasSubstr(kCode));
}

// A failure a retry cannot cure is reported after one attempt.
TEST_F(CommandsTest, AConflictIsNotRetried) {
  CreateSome(1);
  Run({"enterprises", "create", "--credit-code", "913201000000000010", "--name", "x",
       "--industry", "STEEL"});
  EXPECT_EQ(fake_.creates().size(), 2u);  // CreateSome's and this one, once
}

// A server that stays away: the policy's attempts, then exit 5.
TEST_F(CommandsTest, AnUnreachableServerIsTriedThreeTimes) {
  fake_.unavailable = true;
  const auto r = Run({"enterprises", "get", kCode});
  EXPECT_EQ(r.exit_code, kExitUnavailable);
  EXPECT_EQ(fake_.call_ids().size(), 3u);
}

TEST_F(CommandsTest, VersionPrintsTheProjectVersionAndCommit) {
  const auto r = Run({"--version"});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_THAT(r.out, ::testing::StartsWith("envcredit-admin 0.1.0 (commit "));
  EXPECT_THAT(r.out, ::testing::EndsWith(")\n"));
}

TEST_F(CommandsTest, GetTakesABareCodeOrAResourceName) {
  CreateSome(1);
  const std::string code = "913201000000000010";
  auto r = Run({"enterprises", "get", code});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("credit_code           " + code + "\n"));
  r = Run({"--output=csv", "enterprises", "get", "enterprises/" + code});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\r\n" + code + ",（虚构）示例0,STEEL,"));
  ASSERT_EQ(fake_.gets().size(), 2u);
  EXPECT_EQ(fake_.gets()[0].name(), "enterprises/" + code);
  EXPECT_EQ(fake_.gets()[1].name(), "enterprises/" + code);
}

TEST_F(CommandsTest, GetMissingExits4) {
  const auto r = Run({"enterprises", "get", kCode});
  EXPECT_EQ(r.exit_code, kExitNotFound);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));
}

TEST_F(CommandsTest, UnavailableExits5) {
  fake_.unavailable = true;
  const auto r = Run({"--server", "h:9", "enterprises", "list"});
  EXPECT_EQ(r.exit_code, kExitUnavailable);
  EXPECT_THAT(r.err, HasSubstr("server: h:9"));
  EXPECT_EQ(r.global.server, "h:9");
}

TEST_F(CommandsTest, ListOnePagePrintsTheNextToken) {
  CreateSome(5);
  const auto r = Run({"enterprises", "list", "--page-size", "2",
                      "--region-prefix", "3201", "--industry", "steel",
                      "--name-contains", "示例", "--status", "operating"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);  // header + 2
  EXPECT_THAT(r.err, HasSubstr("more results: run again with --page-token "));
  const v1::ListEnterprisesRequest req = fake_.lists().back();
  EXPECT_EQ(req.page_size(), 2);
  EXPECT_EQ(req.region_prefix(), "3201");
  EXPECT_EQ(req.industry(), v1::STEEL);
  EXPECT_EQ(req.name_contains(), "示例");
  EXPECT_EQ(req.status(), v1::OPERATING);
}

TEST_F(CommandsTest, ListAllFollowsTokensToTheEnd) {
  CreateSome(5);
  const auto r = Run(
      {"--output", "json", "enterprises", "list", "--all", "--page-size", "2"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const std::vector<v1::ListEnterprisesRequest> lists = fake_.lists();
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0].page_token(), "");
  EXPECT_NE(lists[1].page_token(), "");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '{'), 5);
  EXPECT_THAT(r.err, IsEmpty());
}

TEST_F(CommandsTest, ListBadPageSizeIsAUsageError) {
  EXPECT_EQ(Run({"enterprises", "list", "--page-size", "0"}).exit_code,
            kExitUsage);
  EXPECT_EQ(Run({"enterprises", "list", "--page-size", "ten"}).exit_code,
            kExitUsage);
  EXPECT_THAT(fake_.lists(), IsEmpty());
}

TEST_F(CommandsTest, UpdateBuildsTheMaskFromTheFlagsGiven) {
  CreateSome(1);
  const std::string code = "913201000000000010";
  const auto r =
      Run({"enterprises", "update", "enterprises/" + code, "--status", "closed",
           "--legal-rep", "李四", "--etag", "1", "--request-id", "u-1"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const v1::UpdateEnterpriseRequest req = fake_.updates().back();
  EXPECT_EQ(req.enterprise().name(), "enterprises/" + code);
  EXPECT_THAT(req.update_mask().paths(),
              ElementsAre("legal_representative", "status"));
  EXPECT_EQ(req.enterprise().status(), v1::CLOSED);
  EXPECT_EQ(req.enterprise().etag(), "1");
  EXPECT_EQ(req.request_id(), "u-1");
  EXPECT_THAT(r.out, HasSubstr("status                CLOSED\n"));
}

TEST_F(CommandsTest, UpdateWithAStaleEtagIsAConflict) {
  CreateSome(1);
  const auto r = Run({"enterprises", "update", "913201000000000010", "--name",
                      "x", "--etag", "7"});
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr("ABORTED"));
}

TEST_F(CommandsTest, UpdateWithoutFieldsIsAUsageError) {
  const auto r = Run({"enterprises", "update", kCode, "--etag", "1"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("nothing to update"));
  EXPECT_THAT(fake_.updates(), IsEmpty());
}

TEST_F(CommandsTest, HelpGoesToStdoutWithExit0UsageToStderrWithExit2) {
  auto r = Run({"enterprises", "list", "--help"});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("Usage:"));
  EXPECT_THAT(r.err, IsEmpty());
  r = Run({"enterprises", "list", "--nope"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("unknown flag '--nope'"));
}

TEST_F(CommandsTest, ServerComesFromTheEnvironmentUnlessGiven) {
  auto r = RunWithFake({"enterprises", "list"}, fake_, "env-host:1");
  EXPECT_EQ(r.global.server, "env-host:1");
  r = RunWithFake({"enterprises", "list", "--server", "flag-host:2"}, fake_,
                  "env-host:1");
  EXPECT_EQ(r.global.server, "flag-host:2");
}

}  // namespace
}  // namespace envcredit::admin
