// The record commands and the --token flag, run in-process against fakes.
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "admin-cli/exit_codes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_runner.h"

namespace envcredit::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::FakeEnterpriseClient;
using testing::FakeRecordClient;
using testing::RunWithFake;

constexpr char kCode[] = "91320100MA1W2X3Y6A";

testing::CliResult RunCmd(const std::vector<std::string>& args,
                       FakeRecordClient& records,
                       const std::string& env_token = "") {
  static FakeEnterpriseClient enterprises;
  return RunWithFake(args, enterprises, "", &records, env_token);
}

TEST(DecisionsCommandTest, CreateMapsEveryFlag) {
  FakeRecordClient fake;
  const auto r = RunCmd({"--output", "json", "decisions", "create",
                      "--credit-code", kCode, "--authority", "南京市生态环境局",
                      "--number", "宁环罚〔2025〕1号", "--violation-type",
                      "exceeding_discharge_standards", "--date", "2025-03-05",
                      "--measures", "FINE,责令改正", "--fine-yuan", "2000.5",
                      "--tampering"},
                     fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.decisions().size(), 1u);
  const v1::PenaltyDecision d = fake.decisions().begin()->second;
  EXPECT_THAT(d.measures(), ElementsAre(v1::FINE, v1::ORDER_TO_CORRECT));
  EXPECT_EQ(d.fine_amount_fen(), 200050);
  EXPECT_TRUE(d.tampering_with_monitoring_data());
  EXPECT_THAT(r.out, HasSubstr("\"decision_number\": \"宁环罚〔2025〕1号\""));
}

TEST(DecisionsCommandTest, RecurrenceOfANumberIsLookedUp) {
  FakeRecordClient fake;
  const std::vector<std::string> base = {
      "decisions", "create", "--credit-code", kCode, "--authority", "局",
      "--violation-type", "OTHER", "--date", "2025-03-05", "--measures",
      "WARNING"};
  auto first = base;
  first.insert(first.end(), {"--number", "1号"});
  ASSERT_EQ(RunCmd(first, fake).exit_code, kExitOk);
  auto second = base;
  second.insert(second.end(), {"--number", "2号", "--recurrence-of", "1号"});
  const auto r = RunCmd(second, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake.decisions().at("局|2号").recurrence_of(),
            fake.decisions().at("局|1号").name());
  EXPECT_TRUE(fake.decisions().at("局|2号").recurrence());
}

TEST(DecisionsCommandTest, RevokeByNaturalKey) {
  FakeRecordClient fake;
  ASSERT_EQ(RunCmd({"decisions", "create", "--credit-code", kCode, "--authority",
                 "局", "--number", "1号", "--violation-type", "OTHER",
                 "--date", "2025-03-05", "--measures", "WARNING"},
                fake)
                .exit_code,
            kExitOk);
  const auto r = RunCmd({"decisions", "revoke", "--credit-code", kCode,
                      "--number", "1号", "--date", "2025-04-01", "--reason",
                      "行政复议", "--note", "复议撤销"},
                     fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.revokes().size(), 1u);
  EXPECT_EQ(fake.revokes()[0].revocation().reason(), v1::ADMINISTRATIVE_REVIEW);
  EXPECT_THAT(r.out, HasSubstr("REVOKED"));
  EXPECT_EQ(RunCmd({"decisions", "revoke", "--credit-code", kCode, "--number",
                 "9号", "--date", "2025-04-01", "--reason", "court"},
                fake)
                .exit_code,
            kExitNotFound);
}

TEST(DecisionsCommandTest, UsageErrors) {
  FakeRecordClient fake;
  const std::vector<std::vector<std::string>> bad = {
      {"decisions", "create", "--credit-code", kCode},
      {"decisions", "create", "--credit-code", kCode, "--authority", "a",
       "--number", "1", "--violation-type", "OTHER", "--date", "2025-02-30",
       "--measures", "WARNING"},
      {"decisions", "create", "--credit-code", kCode, "--authority", "a",
       "--number", "1", "--violation-type", "OTHER", "--date", "2025-02-03",
       "--measures", "SHAMING"},
      {"decisions", "list"},
      {"decisions", "revoke", "--date", "2025-01-01", "--reason", "court"},
      {"commitments", "create", "--credit-code", kCode, "--kind", "credit",
       "--signer", "张三", "--signing-date", "2024-01-01", "--item", "soon"},
      {"import", "payments", "x.csv"},
      {"audit", "list", "--since", "yesterday"},
  };
  for (const auto& args : bad) {
    const auto r = RunCmd(args, fake);
    EXPECT_EQ(r.exit_code, kExitUsage) << args[0] << " " << args[1] << r.err;
  }
}

TEST(CommitmentsCommandTest, RepeatedItemFlags) {
  FakeRecordClient fake;
  const auto r = RunCmd({"commitments", "create", "--credit-code", kCode,
                      "--kind", "信用承诺书", "--signer", "张三",
                      "--signing-date", "2024-01-10", "--public", "--item",
                      "2024-06-30:完成脱硫改造", "--item",
                      "2024-08-31:安装在线监测: 并联网"},
                     fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const v1::Commitment c = fake.commitments().begin()->second;
  ASSERT_EQ(c.items_size(), 2);
  EXPECT_EQ(c.items(1).description(), "安装在线监测: 并联网");
  EXPECT_EQ(c.items(1).due_date().month(), 8);
  EXPECT_TRUE(c.public_());
}

TEST(AuditCommandTest, FiltersBecomeTheRequest) {
  FakeRecordClient fake;
  const auto r = RunCmd({"audit", "list", "--actor", "zhang.wei", "--method",
                      "CreatePenaltyDecision", "--resource",
                      "enterprises/91", "--since", "2025-01-01", "--until",
                      "2025-01-31"},
                     fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.audit_requests().size(), 1u);
  const auto q = fake.audit_requests()[0];
  EXPECT_EQ(q.actor(), "zhang.wei");
  EXPECT_EQ(q.resource_prefix(), "enterprises/91");
  // 2025-01-01T00:00+08:00 and the end of 2025-01-31 (+08:00).
  EXPECT_EQ(q.start_time().seconds(), 1735660800);
  EXPECT_EQ(q.end_time().seconds(), 1738339200);
  EXPECT_THAT(r.out, HasSubstr("unauthenticated"));
}

TEST(TokenTest, FlagEnvironmentAndFile) {
  FakeRecordClient fake;
  const std::vector<std::string> list = {"decisions", "list", "--credit-code",
                                         kCode};
  auto with = [&](std::vector<std::string> pre, const std::string& env) {
    pre.insert(pre.end(), list.begin(), list.end());
    return RunCmd(pre, fake, env);
  };
  EXPECT_EQ(with({}, "").global.token, "");
  EXPECT_EQ(with({}, "from-env").global.token, "from-env");
  EXPECT_EQ(with({"--token", "from-flag"}, "from-env").global.token,
            "from-flag");
  const std::string file = absl::StrCat(::testing::TempDir(), "/tok");
  std::ofstream(file) << "  from-file \nsecond line\n";
  EXPECT_EQ(with({"--token-file", file}, "from-env").global.token,
            "from-file");
  EXPECT_EQ(with({"--token-file", file + ".missing"}, "").exit_code,
            kExitUsage);
  EXPECT_EQ(with({"--token", "a", "--token-file", file}, "").exit_code,
            kExitUsage);
}

TEST(HelpTest, EveryNewCommandHasHelp) {
  FakeRecordClient fake;
  for (const auto& [group, command] :
       std::vector<std::pair<std::string, std::string>>{
           {"decisions", "create"},   {"decisions", "revoke"},
           {"commitments", "check-item"}, {"complaints", "create"},
           {"incidents", "create"},   {"audit", "list"},
           {"import", "decisions"}}) {
    const auto r = RunCmd({group, command, "--help"}, fake);
    EXPECT_EQ(r.exit_code, kExitOk);
    EXPECT_THAT(r.out, HasSubstr("Usage: envcredit-admin"));
  }
}

}  // namespace
}  // namespace envcredit::admin
