// End to end through the envcredit-admin binary, as an operator uses it:
// the real server, the real database, exit codes and printed output.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "common/clock.h"
#include "server/domain/uscc.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_certificates.h"
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

// Runs envcredit-admin with `args`, with `env` ("NAME=value ...", shell
// syntax) in its environment.
CommandResult RunAdmin(const std::vector<std::string>& args, const std::string& env = "") {
  std::vector<std::string> quoted = {ENVCREDIT_ADMIN_BIN};
  for (const std::string& arg : args) quoted.push_back(ShellQuote(arg));
  // CTest runs the tests of this file as separate processes side by side:
  // every file name carries the process id.
  const std::string out_file = absl::StrCat(::testing::TempDir(), "/cli_out_", getpid());
  const std::string err_file = absl::StrCat(::testing::TempDir(), "/cli_err_", getpid());
  const std::string command = absl::StrCat(env.empty() ? "" : env + " ",
                                           absl::StrJoin(quoted, " "), " >", out_file, " 2>",
                                           err_file, " </dev/null");
  CommandResult result;
  int status = std::system(command.c_str());
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = Slurp(out_file);
  result.err = Slurp(err_file);
  return result;
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
    std::vector<std::string> all = {
        "--server=" + (server.empty() ? server_->address() : server),
        "--token=" + server_->admin_token()};
    all.insert(all.end(), args.begin(), args.end());
    return RunAdmin(all);
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

// The directory of the sample import files, found from this file's path
// (CMake compiles it by its absolute path).
std::string SamplesDir() {
  std::string here = __FILE__;
  const std::string suffix = "tests/e2e/cli_e2e_test.cc";
  if (absl::EndsWith(here, suffix)) here.resize(here.size() - suffix.size());
  return here + "demo/samples";
}

// The summary an import prints with --output csv: a header line and a
// value line.
std::map<std::string, std::string> ImportSummary(const std::string& out) {
  std::vector<std::string> lines =
      absl::StrSplit(out, absl::ByAnyChar("\r\n"), absl::SkipEmpty());
  std::map<std::string, std::string> summary;
  if (lines.size() < 2) return summary;
  std::vector<std::string> keys = absl::StrSplit(lines[0], ',');
  std::vector<std::string> values = absl::StrSplit(lines[1], ',');
  for (size_t k = 0; k < keys.size() && k < values.size(); ++k) {
    summary[keys[k]] = values[k];
  }
  return summary;
}

// The lines of a `--output json … list --all` (one object a line) that
// contain `text`.
std::vector<std::string> LinesWith(const std::string& out,
                                   const std::string& text) {
  std::vector<std::string> found;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (absl::StrContains(line, text)) found.emplace_back(line);
  }
  return found;
}

// The value of the first `"key":"…"` in a JSON line.
std::string JsonString(const std::string& line, const std::string& key) {
  const std::string open = "\"" + key + "\":\"";
  const size_t start = line.find(open);
  if (start == std::string::npos) return "";
  const size_t from = start + open.size();
  return line.substr(from, line.find('"', from) - from);
}

TEST_F(CliE2eTest, ImportsTheSampleFilesOnceAndOnlyOnce) {
  const std::string code = "91320100MA1W2X3Y6A";
  CommandResult created = Admin({"enterprises", "create", "--credit-code", code,
                                 "--name", "（虚构）南京恒泰示例化工有限公司",
                                 "--industry", "化工"});
  ASSERT_EQ(created.exit_code, 0) << created.err;

  // Copies, so that an errors file never lands in the source tree. In the
  // documented order: decisions before the complaints that link to them.
  const std::vector<std::pair<std::string, std::string>> files = {
      {"decisions", "decisions-zh.csv"},   {"decisions", "decisions-en.csv"},
      {"complaints", "complaints-zh.csv"}, {"complaints", "complaints-en.csv"},
      {"commitments", "commitments-zh.csv"},
      {"commitments", "commitments-en.csv"},
      {"incidents", "incidents-en.csv"}};
  std::vector<std::string> copies;
  for (const auto& [kind, name] : files) {
    const std::string copy =
        absl::StrCat(::testing::TempDir(), "/sample_", getpid(), "_", name);
    std::ofstream(copy, std::ios::binary) << Slurp(SamplesDir() + "/" + name);
    ASSERT_FALSE(Slurp(copy).empty()) << "cannot read the sample " << name;
    copies.push_back(copy);
  }

  for (const int run : {1, 2}) {
    // The CLI counts a commitment, complaint or incident as "already
    // existed" when the server created it more than 1 s (allowed clock skew)
    // before this import started (doc/import.md).
    if (run == 2) absl::SleepFor(absl::Milliseconds(1500));
    for (size_t k = 0; k < files.size(); ++k) {
      SCOPED_TRACE(absl::StrCat("run ", run, ": ", files[k].second));
      CommandResult imported =
          Admin({"--output", "csv", "import", files[k].first, copies[k]});
      EXPECT_EQ(imported.exit_code, 0) << imported.err << imported.out;
      std::map<std::string, std::string> summary = ImportSummary(imported.out);
      EXPECT_EQ(summary["failed"], "0") << imported.out;
      EXPECT_NE(summary["rows"], "0");
      if (run == 1) {
        EXPECT_NE(summary["created"], "0") << imported.out;
      } else {
        // A re-run stores nothing twice: every row already existed.
        EXPECT_EQ(summary["created"], "0") << imported.out;
        EXPECT_EQ(summary["already_existed"], summary["rows"]) << imported.out;
      }
      std::ifstream errors(copies[k].substr(0, copies[k].size() - 4) +
                           ".errors.csv");
      EXPECT_FALSE(errors.good()) << "no errors file after a clean import";
    }

    // What is stored, after each run: the same.
    SCOPED_TRACE(absl::StrCat("after run ", run));
    CommandResult decisions = Admin({"--output", "json", "decisions", "list",
                                     "--credit-code", code, "--all"});
    ASSERT_EQ(decisions.exit_code, 0) << decisions.err;
    EXPECT_EQ(LinesWith(decisions.out, "\"decision_number\"").size(), 4u)
        << decisions.out;
    const auto first = LinesWith(decisions.out, "宁环罚〔2024〕101号");
    const auto recurrence = LinesWith(decisions.out, "宁环罚〔2024〕188号");
    const auto tampering = LinesWith(decisions.out, "NJ-2024-7");
    const auto daily = LinesWith(decisions.out, "NJ-2024-8");
    ASSERT_EQ(first.size(), 1u);
    ASSERT_EQ(recurrence.size(), 1u);
    ASSERT_EQ(tampering.size(), 1u);
    ASSERT_EQ(daily.size(), 1u);
    const std::string first_name = JsonString(first[0], "name");
    EXPECT_TRUE(absl::StartsWith(
        first_name, "enterprises/91320100MA1W2X3Y6A/penaltyDecisions/"))
        << first[0];
    // 罚款, 责令改正 and 200,000 yuan; the recurrence links the first.
    EXPECT_THAT(first[0], HasSubstr("\"fine_amount_fen\":20000000"));
    EXPECT_THAT(first[0], HasSubstr("ORDER_TO_CORRECT"));
    EXPECT_THAT(first[0], HasSubstr("南京市生态环境局"));
    EXPECT_THAT(recurrence[0], HasSubstr("\"recurrence\":true"));
    EXPECT_EQ(JsonString(recurrence[0], "recurrence_of"), first_name);
    EXPECT_THAT(recurrence[0], HasSubstr("SEAL_OR_SEIZURE"));
    EXPECT_THAT(tampering[0], HasSubstr("\"tampering_with_monitoring_data\":true"));
    EXPECT_THAT(tampering[0], HasSubstr("TRANSFER_FOR_ADMINISTRATIVE_DETENTION"));
    // "1,050,000.00" yuan.
    EXPECT_THAT(daily[0], HasSubstr("\"fine_amount_fen\":105000000"));
    EXPECT_THAT(daily[0], HasSubstr("DAILY_CONTINUOUS_PENALTY"));

    CommandResult complaints = Admin({"--output", "json", "complaints", "list",
                                      "--credit-code", code, "--all"});
    ASSERT_EQ(complaints.exit_code, 0) << complaints.err;
    EXPECT_EQ(LinesWith(complaints.out, "\"case_number\"").size(), 3u)
        << complaints.out;
    const auto zh = LinesWith(complaints.out, "宁环信〔2024〕0031号");
    ASSERT_EQ(zh.size(), 1u);
    EXPECT_THAT(zh[0], HasSubstr(first_name + "\""));
    EXPECT_THAT(zh[0], HasSubstr("HOTLINE_12369"));
    const auto en = LinesWith(complaints.out, "XF-2024-0042");
    ASSERT_EQ(en.size(), 1u);
    EXPECT_THAT(en[0], HasSubstr(JsonString(tampering[0], "name") + "\""));
    EXPECT_THAT(en[0], HasSubstr(JsonString(daily[0], "name") + "\""));

    CommandResult commitments = Admin({"--output", "json", "commitments",
                                       "list", "--credit-code", code, "--all"});
    ASSERT_EQ(commitments.exit_code, 0) << commitments.err;
    EXPECT_EQ(LinesWith(commitments.out, "\"signing_date\"").size(), 3u)
        << commitments.out;
    const auto letter = LinesWith(commitments.out, "完成脱硫设施改造");
    ASSERT_EQ(letter.size(), 1u);
    EXPECT_THAT(letter[0], HasSubstr("CREDIT_COMMITMENT"));
    EXPECT_THAT(letter[0], HasSubstr("\"KEPT\""));
    EXPECT_THAT(letter[0], HasSubstr("\"BROKEN\""));
    EXPECT_THAT(letter[0], HasSubstr("逾期未联网"));
    const auto pending = LinesWith(commitments.out, "完成雨污分流改造");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_THAT(pending[0], HasSubstr("\"PENDING\""));

    CommandResult incidents = Admin({"--output", "json", "incidents", "list",
                                     "--credit-code", code, "--all"});
    ASSERT_EQ(incidents.exit_code, 0) << incidents.err;
    EXPECT_EQ(LinesWith(incidents.out, "\"grade\"").size(), 1u) << incidents.out;
    EXPECT_THAT(incidents.out, HasSubstr("Tank leak, contained on site"));
  }
  for (const std::string& copy : copies) std::remove(copy.c_str());
}

// `ratings` against the real server: a fine recorded ten days ago (China
// time) takes 9 points to 6 (SPEC §5.1: −3 for 6 months), BLUE.
TEST_F(CliE2eTest, RatingsGetExplainBatchHistoryWatchAndRescore) {
  const std::string code = *domain::MakeUscc("91", "320100", "MA1R2T3G");
  const std::string unknown = *domain::MakeUscc("91", "320100", "MA1R2T3H");
  CommandResult created = Admin({"enterprises", "create", "--credit-code", code,
                                 "--name", "（虚构）评级命令示例公司",
                                 "--industry", "chemicals"});
  ASSERT_EQ(created.exit_code, 0) << created.err << created.out;
  const absl::CivilDay day =
      DayInChina(absl::Now()) - 10;
  CommandResult decided = Admin(
      {"decisions", "create", "--credit-code", code, "--authority",
       "南京市生态环境局", "--number", "宁环罚〔CLI〕1号", "--violation-type",
       "EXCEEDING_DISCHARGE_STANDARDS", "--date", absl::FormatCivilTime(day),
       "--measures", "FINE", "--fine-yuan", "50000"});
  ASSERT_EQ(decided.exit_code, 0) << decided.err << decided.out;

  CommandResult got = Admin({"--output", "json", "ratings", "get", code});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.out, HasSubstr("\"points\": 6"));
  EXPECT_THAT(got.out, HasSubstr("BLUE"));

  CommandResult explained = Admin({"ratings", "explain", code});
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  EXPECT_THAT(explained.out, HasSubstr("宁环罚〔CLI〕1号"));

  CommandResult batch =
      Admin({"ratings", "batch", absl::StrCat(code, ",", unknown)});
  EXPECT_EQ(batch.exit_code, 4) << batch.err << batch.out;  // one unknown
  EXPECT_THAT(batch.out, HasSubstr("ENTERPRISE_NOT_FOUND"));

  CommandResult history = Admin({"ratings", "history", code, "--all-changes"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_THAT(history.out, HasSubstr("RECORD_WRITTEN"));

  const std::string cursor_file =
      absl::StrCat(::testing::TempDir(), "/cli_cursor_", getpid());
  std::remove(cursor_file.c_str());
  CommandResult watched =
      Admin({"ratings", "watch", "--from-start", "--all-changes",
             "--cursor-file", cursor_file, "--max-events", "2"});
  ASSERT_EQ(watched.exit_code, 0) << watched.err;
  const std::string saved = Slurp(cursor_file);
  EXPECT_FALSE(saved.empty());
  std::remove(cursor_file.c_str());

  CommandResult rescored = Admin({"ratings", "rescore", "--all"});
  ASSERT_EQ(rescored.exit_code, 0) << rescored.err;
  CommandResult rolled = Admin({"ratings", "roll"});
  EXPECT_EQ(rolled.exit_code, 0) << rolled.err;
}

// The CLI over TLS and mutual TLS (--ca-file, --cert-file, --key-file and
// their environment variables), against the server's two TLS modes.
class CliTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/cli_tls_", getpid());
    ASSERT_TRUE(testing::MakeTestCertificates(dir_).ok()) << "openssl failed";
    auto db = testing::TestDatabase::Create("e2e_cli_tls");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void TearDown() override { std::system(absl::StrCat("rm -rf '", dir_, "'").c_str()); }

  // The server over TLS (mutual TLS when `mutual`), and its address by the
  // name its certificate carries.
  std::string Start(bool mutual) {
    std::vector<std::string> flags = {"--tls_cert=" + dir_ + "/server.pem",
                                      "--tls_key=" + dir_ + "/server.key"};
    if (mutual) flags.push_back("--tls_client_ca=" + dir_ + "/ca.pem");
    auto server = testing::ServerProcess::Start(db_->config(), flags);
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return "";
    server_ = std::move(*server);
    return absl::StrCat("localhost:",
                        server_->address().substr(server_->address().rfind(':') + 1));
  }

  CommandResult List(const std::string& address, std::vector<std::string> tls,
                     const std::string& env = "") {
    std::vector<std::string> args = {"--server=" + address,
                                     "--token=" + server_->admin_token(), "--timeout=5"};
    args.insert(args.end(), tls.begin(), tls.end());
    args.insert(args.end(), {"enterprises", "list"});
    return RunAdmin(args, env);
  }

  std::string dir_;
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<testing::ServerProcess> server_;
};

TEST_F(CliTlsTest, TalksToATlsServerTrustingItsCa) {
  const std::string address = Start(/*mutual=*/false);
  ASSERT_FALSE(address.empty());
  const CommandResult plain = List(address, {});
  EXPECT_EQ(plain.exit_code, 5) << plain.err;  // unreachable: it speaks TLS
  const CommandResult tls = List(address, {"--ca-file=" + dir_ + "/ca.pem"});
  EXPECT_EQ(tls.exit_code, 0) << tls.err;
  const CommandResult from_env = List(address, {}, "ENVCREDIT_CA_FILE=" + dir_ + "/ca.pem");
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
  // A CA that did not sign the server's certificate: not trusted.
  const CommandResult wrong = List(address, {"--ca-file=" + dir_ + "/client.pem"});
  EXPECT_EQ(wrong.exit_code, 5) << wrong.err;
}

TEST_F(CliTlsTest, MutualTlsNeedsTheClientCertificate) {
  const std::string address = Start(/*mutual=*/true);
  ASSERT_FALSE(address.empty());
  const CommandResult without = List(address, {"--ca-file=" + dir_ + "/ca.pem"});
  EXPECT_EQ(without.exit_code, 5) << without.err;
  const CommandResult with = List(address, {"--ca-file=" + dir_ + "/ca.pem",
                                            "--cert-file=" + dir_ + "/client.pem",
                                            "--key-file=" + dir_ + "/client.key"});
  EXPECT_EQ(with.exit_code, 0) << with.err;
  const CommandResult from_env =
      List(address, {}, absl::StrCat("ENVCREDIT_CA_FILE=", dir_, "/ca.pem ENVCREDIT_CERT_FILE=",
                                      dir_, "/client.pem ENVCREDIT_KEY_FILE=", dir_,
                                      "/client.key"));
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
}

TEST_F(CliTlsTest, BadTlsFlagsAreUsageErrorsNamingTheFlag) {
  const std::string address = Start(/*mutual=*/false);
  ASSERT_FALSE(address.empty());
  const CommandResult missing = List(address, {"--ca-file=" + dir_ + "/no-such.pem"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("--ca-file"));
  const CommandResult half = List(address, {"--ca-file=" + dir_ + "/ca.pem",
                                            "--cert-file=" + dir_ + "/client.pem"});
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_THAT(half.err, HasSubstr("--key-file"));
}

}  // namespace
}  // namespace envcredit
