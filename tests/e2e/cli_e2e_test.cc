// End to end through the envcredit-admin binary, as an operator uses it:
// the real server, the real database, exit codes and printed output.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"
#include "tests/support/test_database.h"

#ifndef ENVCREDIT_ADMIN_BIN
#error "ENVCREDIT_ADMIN_BIN must name the envcredit-admin binary"
#endif

namespace envcredit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string ShellQuote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class CliE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = testing::TestDatabase::Create("e2e_cli");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
    auto server = testing::ServerProcess::Start(database_->config());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  // A failure in SetUpTestSuite would otherwise let each test pass unrun.
  void SetUp() override { ASSERT_NE(server_, nullptr) << "server did not start"; }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete database_;
    database_ = nullptr;
  }

  // Runs envcredit-admin against the test server with `args`.
  static CommandResult Admin(const std::vector<std::string>& args,
                             const std::string& server = "") {
    std::vector<std::string> quoted = {
        ENVCREDIT_ADMIN_BIN,
        "--server=" + (server.empty() ? server_->address() : server),
        "--token=" + server_->admin_token()};
    for (const std::string& arg : args) quoted.push_back(ShellQuote(arg));
    // CTest runs the tests of this file as separate processes side by side:
    // every file name carries the process id.
    const std::string out_file = absl::StrCat(::testing::TempDir(), "/cli_out_", getpid());
    const std::string err_file = absl::StrCat(::testing::TempDir(), "/cli_err_", getpid());
    const std::string command = absl::StrCat(
        absl::StrJoin(quoted, " "), " >", out_file, " 2>", err_file,
        " </dev/null");
    CommandResult result;
    int status = std::system(command.c_str());
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = Slurp(out_file);
    result.err = Slurp(err_file);
    return result;
  }

  static testing::TestDatabase* database_;
  static testing::ServerProcess* server_;
};

testing::TestDatabase* CliE2eTest::database_ = nullptr;
testing::ServerProcess* CliE2eTest::server_ = nullptr;

TEST_F(CliE2eTest, CreateGetListUpdate) {
  CommandResult created = Admin({"enterprises", "create", "--credit-code",
                                 "91320100MA1N2B3C8C", "--name",
                                 "（虚构）南京示例化工有限公司", "--industry",
                                 "chemicals", "--legal-rep", "张示例"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_THAT(created.out, HasSubstr("91320100MA1N2B3C8C"));

  CommandResult got =
      Admin({"--output", "json", "enterprises", "get", "91320100MA1N2B3C8C"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("（虚构）南京示例化工有限公司"));
  EXPECT_THAT(got.out, HasSubstr("CHEMICALS"));

  CommandResult listed =
      Admin({"--output", "csv", "enterprises", "list", "--region-prefix", "3201"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("91320100MA1N2B3C8C"));

  CommandResult updated = Admin({"enterprises", "update", "91320100MA1N2B3C8C",
                                 "--address", "南京市示例路2号"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  CommandResult again =
      Admin({"--output", "json", "enterprises", "get", "91320100MA1N2B3C8C"});
  EXPECT_THAT(again.out, HasSubstr("南京市示例路2号"));
}

TEST_F(CliE2eTest, ExitCodesTellWhatWentWrong) {
  // Invalid input: the server's INVALID_ARGUMENT, with the field and check.
  CommandResult invalid = Admin({"enterprises", "create", "--credit-code",
                                 "91330106123456789A", "--name", "（虚构）示例",
                                 "--industry", "OTHER"});
  EXPECT_EQ(invalid.exit_code, 3);
  EXPECT_THAT(invalid.err, HasSubstr("INVALID_CREDIT_CODE"));
  EXPECT_THAT(invalid.err, HasSubstr("enterprise.credit_code"));

  // Not found.
  CommandResult missing = Admin({"enterprises", "get", "913301061234567887"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_THAT(missing.err, HasSubstr("ENTERPRISE_NOT_FOUND"));

  // Conflict: the same credit code twice.
  std::vector<std::string> create = {"enterprises", "create", "--credit-code",
                                     "91350100M000100Y43", "--name",
                                     "（虚构）福州示例", "--industry", "paper"};
  ASSERT_EQ(Admin(create).exit_code, 0);
  EXPECT_EQ(Admin(create).exit_code, 6);

  // Usage: an unknown command and a missing required flag.
  EXPECT_EQ(Admin({"enterprises", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(Admin({"enterprises", "create", "--name", "x"}).exit_code, 2);

  // Unavailable: nothing listens there.
  EXPECT_EQ(Admin({"--timeout", "2", "enterprises", "list"}, "127.0.0.1:1")
                .exit_code,
            5);
}

TEST_F(CliE2eTest, HelpDescribesCommands) {
  CommandResult help = Admin({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out + help.err, HasSubstr("enterprises"));
  CommandResult create_help = Admin({"enterprises", "create", "--help"});
  EXPECT_EQ(create_help.exit_code, 0);
  EXPECT_THAT(create_help.out + create_help.err, HasSubstr("--credit-code"));
}

TEST_F(CliE2eTest, ImportStoresGoodRowsReportsBadOnesAndIsSafeToRerun) {
  const std::string csv =
      absl::StrCat(::testing::TempDir(), "/enterprises_", getpid(), ".csv");
  {
    std::ofstream out(csv);
    out << "\xEF\xBB\xBF"  // a BOM, as spreadsheet programs write
        << "credit_code,name,industry,region_code,legal_representative,address,status\n"
        << "913301061234567887,\"（虚构）杭州示例制药, 有限公司\",PHARMACEUTICALS,,李示例,杭州,OPERATING\n"
        << "91330106123456789A,（虚构）坏代码,OTHER,,,,\n"
        << "91320100MA1N2B3C8C,（虚构）南京示例化工有限公司,CHEMICALS,,,,\n";
  }
  CommandResult first = Admin({"enterprises", "import", csv});
  EXPECT_NE(first.exit_code, 0);  // one row failed
  const std::string errors = Slurp(csv.substr(0, csv.size() - 4) + ".errors.csv") +
                             Slurp(csv + ".errors.csv");
  EXPECT_THAT(errors, HasSubstr("91330106123456789A"));
  EXPECT_THAT(errors, Not(HasSubstr("913301061234567887")));

  CommandResult got =
      Admin({"--output", "json", "enterprises", "get", "913301061234567887"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("（虚构）杭州示例制药, 有限公司"));

  // A re-run stores nothing twice and fails only the same bad row.
  CommandResult second = Admin({"enterprises", "import", csv});
  EXPECT_NE(second.exit_code, 0);
  CommandResult listed = Admin({"--output", "csv", "enterprises", "list",
                                "--region-prefix", "330106", "--page-size", "100"});
  ASSERT_EQ(listed.exit_code, 0);
  // One line for the enterprise (it may name the code in several columns).
  size_t count = 0;
  for (absl::string_view line : absl::StrSplit(listed.out, '\n')) {
    if (absl::StrContains(line, "913301061234567887")) ++count;
  }
  EXPECT_EQ(count, 1u);
}

}  // namespace
}  // namespace envcredit
