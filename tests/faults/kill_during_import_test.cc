// The server is SIGKILLed in the middle of `envcredit-admin import decisions`
// (doc/import.md), then started again on the same database.
//
// What the operator was told must match the tables:
//   - the CLI, its server gone, exits with code 5 (server unreachable) and
//     lists every row it could not store in FILE.errors.csv, all as
//     UNAVAILABLE (NOT_SENT, or the batch that was in flight);
//   - every row not in the errors file is stored, exactly once, as written;
//     rows never sent are not stored; the rows of the batch in flight are
//     stored completely or not at all (one transaction per batch);
//   - no decision number twice, every stored decision has its audit entry,
//     every enterprise's stored rating matches its records (a rescore
//     changes nothing);
//   - running the same import again completes it: every row of the file
//     exists exactly once, nothing is stored twice.
#include <signal.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/faults/fault_support.h"
#include "tests/support/status_matchers.h"

#ifndef ENVCREDIT_ADMIN_BIN
#error "ENVCREDIT_ADMIN_BIN must name the envcredit-admin binary"
#endif

namespace envcredit::faults {
namespace {

constexpr char kAuthority[] = "南京市生态环境局";
const absl::CivilDay kToday(2025, 1, 1);
constexpr int kEnterprises = 100;
constexpr int kRows = 6000;
constexpr int kExitUnavailable = 5;  // admin-cli/exit_codes.h

struct CsvRow {
  std::string code, number;
  absl::CivilDay date;
  bool fine = false;
};

struct StoredDecision {
  int64_t id = 0;
  std::string code;
  std::string date;
  int64_t fine_fen = 0;
};

class KillDuringImportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = FaultEnvironment::Create("import", kToday);
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(env_, nullptr) << "environment did not start"; }

  // Starts `envcredit-admin --output csv import decisions FILE` against the
  // running server.
  std::unique_ptr<ChildProcess> StartImport(const std::string& file, const std::string& tag) {
    auto child = ChildProcess::Spawn(
        {ENVCREDIT_ADMIN_BIN, "--server=" + env_->server()->address(),
         "--token=" + env_->admin_token(), "--output", "csv", "import", "decisions", file,
         "--batch-size", "100", "--concurrency", "2"},
        OutPath(tag), ErrPath(tag));
    EXPECT_TRUE(child.ok()) << child.status();
    return child.ok() ? *std::move(child) : nullptr;
  }
  static std::string OutPath(const std::string& tag) {
    return absl::StrCat(env_->database().dir(), "/import-", tag, ".out");
  }
  static std::string ErrPath(const std::string& tag) {
    return absl::StrCat(env_->database().dir(), "/import-", tag, ".err");
  }

  // The summary the CLI printed (--output csv: a header and one line).
  static std::map<std::string, std::string> Summary(const std::string& tag) {
    std::map<std::string, std::string> summary;
    auto records = ParseCsv(ReadFileOrEmpty(OutPath(tag)));
    if (records.size() < 2) return summary;
    for (size_t i = 0; i < records[0].size() && i < records[1].size(); ++i) {
      summary[records[0][i]] = records[1][i];
    }
    return summary;
  }
  static int SummaryInt(const std::map<std::string, std::string>& summary,
                        const std::string& key) {
    int value = -1;
    auto it = summary.find(key);
    if (it == summary.end() || !absl::SimpleAtoi(it->second, &value)) return -1;
    return value;
  }

  static std::map<std::string, StoredDecision> Stored() {
    std::map<std::string, StoredDecision> stored;
    for (const storage::Row& row : env_->database().Query(
             "SELECT d.decision_number, d.id, e.credit_code, d.decision_date, "
             "d.fine_amount_fen FROM penalty_decisions d JOIN enterprises e ON "
             "e.id = d.enterprise_id WHERE d.authority = ?",
             {kAuthority})) {
      stored[row.GetString(0)] =
          StoredDecision{row.GetInt64(1), row.GetString(2), row.GetString(3), row.GetInt64(4)};
    }
    return stored;
  }

  // Duplicates, audit entries, one rating per enterprise, ratings that match
  // their records.
  static void ExpectConsistent(const char* when) {
    SCOPED_TRACE(when);
    EXPECT_EQ(env_->database().QueryInt(
                  "SELECT COUNT(*) FROM (SELECT authority, decision_number FROM "
                  "penalty_decisions GROUP BY authority, decision_number HAVING "
                  "COUNT(*) > 1) AS duplicates"),
              0);
    EXPECT_EQ(env_->database().QueryInt(
                  "SELECT COUNT(*) FROM penalty_decisions d JOIN enterprises e ON "
                  "e.id = d.enterprise_id WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
                  "WHERE a.resource = CONCAT('enterprises/', e.credit_code, "
                  "'/penaltyDecisions/', d.id) AND a.outcome = 'OK')"),
              0)
        << "stored decisions without an audit entry";
    EXPECT_EQ(env_->database().QueryInt(
                  "SELECT COUNT(*) FROM enterprises e LEFT JOIN ratings r ON "
                  "r.enterprise_id = e.id WHERE r.enterprise_id IS NULL"),
              0)
        << "enterprises without a stored rating";
    absl::StatusOr<int64_t> changed = RescoreAll(env_->Channel());
    ASSERT_TRUE(changed.ok()) << changed.status();
    EXPECT_EQ(*changed, 0) << "stored ratings that do not match their records";
  }

  static FaultEnvironment* env_;
};

FaultEnvironment* KillDuringImportTest::env_ = nullptr;

TEST_F(KillDuringImportTest, RowsReportedStoredAreStoredAndARerunCompletesTheImport) {
  std::vector<std::string> codes;
  for (int i = 0; i < kEnterprises; ++i) codes.push_back(Uscc("KM", i + 1));
  ASSERT_OK(CreateEnterprises(env_->Channel(), codes));

  // The file: row i is on line i + 2.
  std::vector<CsvRow> rows;
  std::string csv =
      "credit_code,authority,decision_number,violation_type,decision_date,measures,"
      "fine_yuan\n";
  for (int i = 0; i < kRows; ++i) {
    CsvRow row{codes[i % kEnterprises], absl::StrCat("宁环罚〔2024〕导入", i + 1, "号"),
               absl::CivilDay(2024, 1, 1) + i % 300, i % 3 == 0};
    absl::StrAppend(&csv, row.code, ",", kAuthority, ",", row.number,
                    ",EXCEEDING_DISCHARGE_STANDARDS,", absl::FormatCivilTime(row.date), ",",
                    row.fine ? "FINE,1000.00" : "WARNING,", "\n");
    rows.push_back(std::move(row));
  }
  const std::string file = env_->database().dir() + "/decisions.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << csv;
  }

  // 1. Import; SIGKILL the server once some batches are stored.
  std::unique_ptr<ChildProcess> cli = StartImport(file, "killed");
  ASSERT_NE(cli, nullptr);
  int64_t stored_at_kill = 0;
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (absl::Now() < give_up && !cli->Poll()) {
    stored_at_kill = env_->database().QueryInt("SELECT COUNT(*) FROM penalty_decisions");
    if (stored_at_kill >= kRows / 10) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_FALSE(cli->Poll().has_value())
      << "the import finished (or failed) before the server was killed; exit code "
      << cli->Poll().value_or(-1) << "\n"
      << ReadFileOrEmpty(ErrPath("killed"));
  absl::StatusOr<int> killed = env_->StopServer(SIGKILL, absl::Seconds(5));
  ASSERT_TRUE(killed.ok()) << killed.status();
  EXPECT_EQ(*killed, 128 + SIGKILL);

  // 2. The CLI gives up: server unreachable.
  absl::StatusOr<int> cli_exit = cli->Wait(absl::Seconds(60));
  ASSERT_TRUE(cli_exit.ok()) << cli_exit.status();
  EXPECT_EQ(*cli_exit, kExitUnavailable) << ReadFileOrEmpty(ErrPath("killed"));
  const auto summary = Summary("killed");
  const int failed = SummaryInt(summary, "failed");
  const int created = SummaryInt(summary, "created");
  const int existed = SummaryInt(summary, "already_existed");
  EXPECT_EQ(created + existed + failed, kRows) << ReadFileOrEmpty(OutPath("killed"));

  // 3. What the CLI reported, line by line.
  std::map<int, std::pair<std::string, std::string>> failures;  // line -> code, reason
  {
    auto records = ParseCsv(ReadFileOrEmpty(file.substr(0, file.size() - 4) + ".errors.csv"));
    ASSERT_FALSE(records.empty()) << "no errors file";
    for (size_t r = 1; r < records.size(); ++r) {
      int line = 0;
      ASSERT_GE(records[r].size(), 4u);
      ASSERT_TRUE(absl::SimpleAtoi(records[r][0], &line)) << records[r][0];
      failures[line] = {records[r][2], records[r][3]};
    }
  }
  EXPECT_EQ(static_cast<int>(failures.size()), failed);
  const auto stored = Stored();
  int reported_stored = 0, not_sent = 0, in_flight = 0, in_flight_stored = 0;
  // In-flight rows per enterprise: sent, stored. The CLI sorts the rows by
  // credit code and never splits an enterprise's rows (60 here, under the
  // batch size of 100) across batches (doc/import.md), so a batch stored in
  // part shows as an enterprise whose in-flight rows are stored in part.
  std::map<std::string, std::pair<int, int>> in_flight_by_code;
  for (int i = 0; i < kRows; ++i) {
    const CsvRow& row = rows[i];
    auto it = stored.find(row.number);
    auto failure = failures.find(i + 2);
    if (failure == failures.end()) {
      ++reported_stored;
      ASSERT_NE(it, stored.end()) << "line " << i + 2 << " was reported stored but is not";
      EXPECT_EQ(it->second.code, row.code);
      EXPECT_EQ(it->second.date, absl::FormatCivilTime(row.date));
      EXPECT_EQ(it->second.fine_fen, row.fine ? 100000 : 0);
      continue;
    }
    EXPECT_EQ(failure->second.first, "UNAVAILABLE")
        << "line " << i + 2 << ": " << failure->second.second;
    if (failure->second.second == "NOT_SENT") {
      ++not_sent;
      EXPECT_EQ(it, stored.end()) << "line " << i + 2 << " was never sent but is stored";
    } else {
      ++in_flight;  // sent, answer lost: stored or not, never half a batch
      ++in_flight_by_code[row.code].first;
      if (it != stored.end()) {
        ++in_flight_stored;
        ++in_flight_by_code[row.code].second;
      }
    }
  }
  std::printf("[ import ] killed with %lld rows stored; the CLI reported %d stored, %d "
              "unavailable in flight (%d of them stored), %d not sent\n",
              static_cast<long long>(stored_at_kill), reported_stored, in_flight,
              in_flight_stored, not_sent);
  EXPECT_GT(reported_stored, 0);
  EXPECT_GT(failed, 0);
  for (const auto& [code, counts] : in_flight_by_code) {
    EXPECT_TRUE(counts.second == 0 || counts.second == counts.first)
        << "a batch stored in part: " << counts.second << " of " << code << "'s "
        << counts.first << " in-flight rows stored";
  }
  EXPECT_EQ(static_cast<int>(stored.size()), reported_stored + in_flight_stored)
      << "stored rows the CLI knows nothing about";

  // 4. The restarted server finds a consistent database.
  ASSERT_TRUE(env_->StartServer().ok());
  ExpectConsistent("after the restart");

  // 5. The same import again completes it: every row exactly once.
  std::unique_ptr<ChildProcess> rerun = StartImport(file, "rerun");
  ASSERT_NE(rerun, nullptr);
  absl::StatusOr<int> rerun_exit = rerun->Wait(absl::Seconds(90));
  ASSERT_TRUE(rerun_exit.ok()) << rerun_exit.status();
  EXPECT_EQ(*rerun_exit, 0) << ReadFileOrEmpty(ErrPath("rerun"));
  const auto rerun_summary = Summary("rerun");
  EXPECT_EQ(SummaryInt(rerun_summary, "failed"), 0);
  EXPECT_EQ(SummaryInt(rerun_summary, "already_existed"), static_cast<int>(stored.size()));
  EXPECT_EQ(SummaryInt(rerun_summary, "created"), kRows - static_cast<int>(stored.size()));
  const auto complete = Stored();
  EXPECT_EQ(static_cast<int>(complete.size()), kRows);
  EXPECT_EQ(env_->database().QueryInt("SELECT COUNT(*) FROM penalty_decisions"), kRows);
  for (const CsvRow& row : rows) {
    auto it = complete.find(row.number);
    ASSERT_NE(it, complete.end()) << row.number;
    EXPECT_EQ(it->second.code, row.code);
  }
  for (const auto& [number, decision] : stored) {
    EXPECT_EQ(complete.at(number).id, decision.id) << "the re-run replaced " << number;
  }
  ExpectConsistent("after the re-run");

  if (HasFailure()) std::printf("%s\n", InterestingLines(env_->AllServerLogs()).c_str());
}

}  // namespace
}  // namespace envcredit::faults
