// The `ratings` commands, run in-process through RunCli against
// FakeRatingClient (tests/cli/fake_rating_client.h).
#include "admin-cli/commands/rating_commands.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "admin-cli/cli.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/clients/rating_client.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/cli/fake_rating_client.h"

namespace envcredit::admin {
namespace {

using ::envcredit::admin::testing::FakeRatingClient;
using ::envcredit::admin::testing::ForwardingRatingClient;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kGreen[] = "91320100MA1W2X3Y6A";
constexpr char kRed[] = "91320200MA1W2X3Y7B";
constexpr char kUnknown[] = "91330000MA1W2X3Y8C";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Result RunRatings(const std::vector<std::string>& args, FakeRatingClient& fake,
                  bool err_is_terminal = false) {
  std::ostringstream out, err;
  CliEnvironment env;
  env.retry.sleep = [](absl::Duration) {};  // the policy, without its waits
  env.out = &out;
  env.err = &err;
  env.err_is_terminal = err_is_terminal;
  env.make_rating_client = [&](const GlobalOptions&) {
    return std::make_unique<ForwardingRatingClient>(&fake);
  };
  Result r;
  r.exit_code = RunCli(args, env);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// A scratch directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/rating_cli_test.XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::system(absl::StrCat("rm -rf '", path_, "'").c_str()); }
  std::string File(const std::string& name) const {
    return absl::StrCat(path_, "/", name);
  }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// A valid credit code (18 upper-case letters and digits) for index k.
std::string Code(int k) { return absl::StrFormat("9132%06dMA1W2X3Y", k); }

FakeRatingClient TwoRatings() {
  FakeRatingClient fake;
  fake.AddRating(kGreen, v1::GREEN, 105);
  fake.AddRating(kRed, v1::RED, 48, {v1::VETO, v1::REPEAT_OFFENDER});
  return fake;
}

// --- get / explain ----------------------------------------------------------

TEST(RatingsGetTest, PrintsTheFieldsOfTheCurrentRating) {
  FakeRatingClient fake = TwoRatings();
  const Result r = RunRatings({"ratings", "get", kRed}, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.gets.size(), 1u);
  EXPECT_EQ(fake.gets[0].name(), absl::StrCat("enterprises/", kRed, "/rating"));
  EXPECT_FALSE(fake.gets[0].has_as_of());
  EXPECT_EQ(fake.gets[0].view(), v1::BASIC);
  EXPECT_EQ(fake.call_ids[0].size(), 32u);  // x-request-id
  EXPECT_EQ(r.out,
            "FIELD           VALUE\n"
            "credit_code     91320200MA1W2X3Y7B\n"
            "level           RED\n"
            "points          48\n"
            "national_level  POOR\n"
            "flags           VETO,REPEAT_OFFENDER\n"
            "policy          jiangsu-2019@2\n"
            "as_of           2025-06-01\n"
            "valid_until     2026-01-01\n"
            "revision        17\n");
  EXPECT_EQ(r.err, "");
}

TEST(RatingsGetTest, AsOfAndExplainAskForThatDateAndTheFullView) {
  FakeRatingClient fake = TwoRatings();
  const Result r =
      RunRatings({"ratings", "get", absl::StrCat("enterprises/", kGreen),
                  "--as-of", "2024-03-05", "--explain"},
                 fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.gets.size(), 1u);
  EXPECT_EQ(fake.gets[0].name(),
            absl::StrCat("enterprises/", kGreen, "/rating"));
  EXPECT_EQ(fake.gets[0].view(), v1::FULL);
  EXPECT_EQ(fake.gets[0].as_of().year(), 2024);
  EXPECT_EQ(fake.gets[0].as_of().month(), 3);
  EXPECT_EQ(fake.gets[0].as_of().day(), 5);
  EXPECT_THAT(r.out, HasSubstr("as_of           2024-03-05\n"));
  EXPECT_THAT(r.out, HasSubstr("\nExplanation:\nbase 100 points\npenalty "
                               "decision 苏环罚〔2024〕12号"));
  EXPECT_THAT(r.out, HasSubstr("level GREEN from 105 points\n"));
}

TEST(RatingsGetTest, JsonPrintsTheWholeMessage) {
  FakeRatingClient fake = TwoRatings();
  const Result plain =
      RunRatings({"--output", "json", "ratings", "get", kGreen}, fake);
  ASSERT_EQ(plain.exit_code, kExitOk) << plain.err;
  EXPECT_THAT(plain.out, HasSubstr("\"credit_code\": \"91320100MA1W2X3Y6A\""));
  EXPECT_THAT(plain.out, HasSubstr("\"level\": \"GREEN\""));
  EXPECT_THAT(plain.out,
              HasSubstr("\"national_level\": \"NATIONAL_TRUSTWORTHY\""));
  EXPECT_THAT(plain.out, Not(HasSubstr("base 100 points")));
  const Result full = RunRatings(
      {"ratings", "get", kGreen, "--explain", "--output", "json"}, fake);
  ASSERT_EQ(full.exit_code, kExitOk) << full.err;
  EXPECT_THAT(full.out, HasSubstr("\"explanation\": {"));
  EXPECT_THAT(full.out, HasSubstr("\"base_points\": 100"));
  EXPECT_THAT(full.out, HasSubstr("\"text\": \"base 100 points\\n"));
}

TEST(RatingsGetTest, CsvHasEveryFieldAndTheExplanationColumn) {
  FakeRatingClient fake = TwoRatings();
  const Result r = RunRatings(
      {"--output", "csv", "ratings", "get", kRed, "--explain"}, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const std::vector<std::string> lines = absl::StrSplit(r.out, "\r\n");
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "credit_code,level,points,national_level,flags,policy_id,"
            "policy_version,as_of,valid_until,revision,explanation");
  EXPECT_THAT(lines[1],
              HasSubstr("91320200MA1W2X3Y7B,RED,48,NATIONAL_POOR,"
                        "\"VETO,REPEAT_OFFENDER\",jiangsu-2019,2,2025-06-01,"
                        "2026-01-01,17,\"base 100 points"));
}

TEST(RatingsGetTest, UnknownEnterpriseIsExit4WithTheReason) {
  FakeRatingClient fake = TwoRatings();
  const Result r = RunRatings({"ratings", "get", kUnknown}, fake);
  EXPECT_EQ(r.exit_code, kExitNotFound);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(r.err, HasSubstr("reason: ENTERPRISE_NOT_FOUND"));
  EXPECT_THAT(r.err, HasSubstr("request id: "));
  fake.unavailable = true;
  EXPECT_EQ(RunRatings({"ratings", "get", kGreen}, fake).exit_code,
            kExitUnavailable);
}

TEST(RatingsExplainTest, PrintsOnlyTheTextOfTheFullView) {
  FakeRatingClient fake = TwoRatings();
  const Result r =
      RunRatings({"ratings", "explain", kRed, "--as-of", "2024-12-31"}, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.gets.size(), 1u);
  EXPECT_EQ(fake.gets[0].view(), v1::FULL);
  EXPECT_EQ(fake.gets[0].as_of().year(), 2024);
  EXPECT_EQ(r.out,
            "base 100 points\npenalty decision 苏环罚〔2024〕12号: -12 points "
            "until 2026-01-01\nlevel RED from 48 points\n");
  const Result json =
      RunRatings({"--output", "json", "ratings", "explain", kRed}, fake);
  ASSERT_EQ(json.exit_code, kExitOk);
  EXPECT_THAT(json.out, HasSubstr("\"credit_code\": \"91320200MA1W2X3Y7B\""));
  EXPECT_THAT(json.out, HasSubstr("\"explanation\": {"));
  // A server that sends no explanation is an error, not an empty line.
  fake.ratings[kRed].mutable_explanation()->clear_text();
  const Result none = RunRatings({"ratings", "explain", kRed}, fake);
  EXPECT_EQ(none.exit_code, kExitFailure);
  EXPECT_THAT(none.err, HasSubstr("no explanation"));
}

// --- batch ------------------------------------------------------------------

TEST(RatingsBatchTest, SplitsIntoCallsOfAtMostOneThousand) {
  FakeRatingClient fake;
  TempDir dir;
  std::string text;
  for (int k = 0; k < 2500; ++k) {
    fake.AddRating(Code(k), k % 2 == 0 ? v1::GREEN : v1::BLUE, 90 + k % 10);
    absl::StrAppend(&text, Code(k), "\n");
  }
  WriteFile(dir.File("codes.txt"), text);
  const Result r =
      RunRatings({"ratings", "batch", "--file", dir.File("codes.txt")}, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.batches.size(), 3u);
  EXPECT_EQ(fake.batches[0].credit_codes_size(), 1000);
  EXPECT_EQ(fake.batches[1].credit_codes_size(), 1000);
  EXPECT_EQ(fake.batches[2].credit_codes_size(), 500);
  EXPECT_EQ(fake.batches[0].credit_codes(0), Code(0));
  EXPECT_EQ(fake.batches[1].credit_codes(0), Code(1000));
  EXPECT_EQ(fake.batches[2].credit_codes(499), Code(2499));
  EXPECT_EQ(fake.batches[0].view(), v1::BASIC);
  // A header and one row per code, in input order.
  const std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2501u);
  EXPECT_EQ(lines[0], "CREDIT_CODE         LEVEL  POINTS  ERROR");
  EXPECT_EQ(lines[1], absl::StrCat(Code(0), "  GREEN  90"));
  EXPECT_EQ(lines[2500], absl::StrCat(Code(2499), "  BLUE   99"));
  EXPECT_EQ(r.err, "");
}

TEST(RatingsBatchTest, UnknownAndInvalidCodesAreReportedAndSetTheExitCode) {
  FakeRatingClient fake = TwoRatings();
  const Result mixed = RunRatings(
      {"ratings", "batch", absl::StrCat(kGreen, ",", kUnknown, ",BAD1,", kRed)},
      fake);
  EXPECT_EQ(mixed.exit_code, kExitInvalidInput) << mixed.err;
  ASSERT_EQ(fake.batches.size(), 1u);
  EXPECT_THAT(fake.batches[0].credit_codes(),
              ElementsAre(kGreen, kUnknown, "BAD1", kRed));
  EXPECT_EQ(
      mixed.out,
      "CREDIT_CODE         LEVEL  POINTS  ERROR\n"
      "91320100MA1W2X3Y6A  GREEN  105\n"
      "91330000MA1W2X3Y8C                 NOT_FOUND ENTERPRISE_NOT_FOUND: no "
      "enterprise 91330000MA1W2X3Y8C\n"
      "BAD1                               INVALID_ARGUMENT "
      "INVALID_CREDIT_CODE: credit code 'BAD1': wrong length\n"
      "91320200MA1W2X3Y7B  RED    48\n");
  EXPECT_THAT(mixed.err, HasSubstr("2 of 4 credit codes have no rating (1 "
                                   "unknown, 1 invalid)"));
  EXPECT_THAT(mixed.err, HasSubstr("  BAD1: INVALID_ARGUMENT"));
  EXPECT_THAT(mixed.err,
              HasSubstr(absl::StrCat("  ", kUnknown, ": NOT_FOUND")));

  // Only unknown codes: NOT_FOUND's exit code.
  const Result unknown = RunRatings(
      {"ratings", "batch", absl::StrCat(kGreen, " ", kUnknown)}, fake);
  EXPECT_EQ(unknown.exit_code, kExitNotFound) << unknown.err;
  EXPECT_THAT(unknown.err, HasSubstr("1 of 2 credit codes"));

  // JSON keeps the per-code error with its details.
  const Result json =
      RunRatings({"--output", "json", "ratings", "batch", kUnknown}, fake);
  EXPECT_EQ(json.exit_code, kExitNotFound);
  EXPECT_THAT(json.out, HasSubstr("\"credit_code\":\"91330000MA1W2X3Y8C\""));
  EXPECT_THAT(json.out, HasSubstr("\"reason\":\"ENTERPRISE_NOT_FOUND\""));
  // CSV: the error in its own columns.
  const Result csv =
      RunRatings({"--output", "csv", "ratings", "batch", "BAD1"}, fake);
  EXPECT_EQ(csv.exit_code, kExitInvalidInput);
  EXPECT_THAT(csv.out, HasSubstr(",error_code,error_reason,error_message\r\n"));
  EXPECT_THAT(csv.out, HasSubstr("BAD1,,,,,,,,,,INVALID_ARGUMENT,"
                                 "INVALID_CREDIT_CODE,credit code 'BAD1': "
                                 "wrong length\r\n"));
}

TEST(RatingsBatchTest, FileWithCommentsBlankLinesAndACsvHeader) {
  FakeRatingClient fake = TwoRatings();
  TempDir dir;
  WriteFile(dir.File("customers.csv"),
            absl::StrCat("\xEF\xBB\xBF"
                         "credit_code,name\r\n",
                         "# comment\r\n", "\r\n", kGreen, ",甲公司\r\n", "\"",
                         kRed, "\",\"乙, 公司\"\r\n", "  \n"));
  const Result r =
      RunRatings({"ratings", "batch", "--file", dir.File("customers.csv"),
                  "--as-of", "2024-01-31"},
                 fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.batches.size(), 1u);
  EXPECT_THAT(fake.batches[0].credit_codes(), ElementsAre(kGreen, kRed));
  EXPECT_EQ(fake.batches[0].as_of().day(), 31);
}

TEST(RatingsBatchTest, ParseCreditCodeList) {
  EXPECT_THAT(ParseCreditCodeList("A1\n\n# x\n  B2  \r\nC3,foo\n"),
              ElementsAre("A1", "B2", "C3"));
  // A header only on the first data line; a lower-case code is not one.
  EXPECT_THAT(ParseCreditCodeList("# codes\n统一社会信用代码\nA1\n"),
              ElementsAre("A1"));
  EXPECT_THAT(ParseCreditCodeList("a1\nB2\n"), ElementsAre("a1", "B2"));
  EXPECT_THAT(ParseCreditCodeList("A1\ncredit_code\n"),
              ElementsAre("A1", "credit_code"));
  EXPECT_TRUE(ParseCreditCodeList("credit_code\n# nothing\n").empty());
  EXPECT_THAT(SplitCreditCodes(" A1, B2 C3,,\tD4 "),
              ElementsAre("A1", "B2", "C3", "D4"));
}

TEST(RatingsBatchTest, ArgumentsAndFileProblems) {
  FakeRatingClient fake = TwoRatings();
  TempDir dir;
  EXPECT_EQ(RunRatings({"ratings", "batch"}, fake).exit_code, kExitUsage);
  WriteFile(dir.File("codes.txt"), absl::StrCat(kGreen, "\n"));
  EXPECT_EQ(
      RunRatings({"ratings", "batch", kRed, "--file", dir.File("codes.txt")},
                 fake)
          .exit_code,
      kExitUsage);
  EXPECT_EQ(RunRatings({"ratings", "batch", ", ,"}, fake).exit_code,
            kExitUsage);
  const Result missing =
      RunRatings({"ratings", "batch", "--file", dir.File("nope.txt")}, fake);
  EXPECT_EQ(missing.exit_code, kExitInvalidInput);
  EXPECT_THAT(missing.err, HasSubstr("nope.txt"));
  WriteFile(dir.File("empty.txt"), "# only a comment\n\n");
  const Result empty =
      RunRatings({"ratings", "batch", "--file", dir.File("empty.txt")}, fake);
  EXPECT_EQ(empty.exit_code, kExitInvalidInput);
  EXPECT_THAT(empty.err, HasSubstr("holds no credit codes"));
  EXPECT_TRUE(fake.batches.empty());
  // A failed call fails the command; nothing is printed on stdout.
  fake.unavailable = true;
  const Result down = RunRatings({"ratings", "batch", kGreen}, fake);
  EXPECT_EQ(down.exit_code, kExitUnavailable);
  EXPECT_EQ(down.out, "");
}

// --- list -------------------------------------------------------------------

TEST(RatingsListTest, FiltersGoIntoTheRequest) {
  FakeRatingClient fake = TwoRatings();
  const Result r = RunRatings(
      {"ratings", "list", "--level", "red", "--level", "Black", "--flag",
       "veto", "--region", "3202", "--policy", "jiangsu-2019"},
      fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.lists.size(), 1u);
  const v1::ListRatingsRequest& q = fake.lists[0];
  EXPECT_THAT(q.levels(), ElementsAre(v1::RED, v1::BLACK));
  EXPECT_THAT(q.flags(), ElementsAre(v1::VETO));
  EXPECT_EQ(q.region_prefix(), "3202");
  EXPECT_EQ(q.policy_id(), "jiangsu-2019");
  EXPECT_EQ(r.out,
            "CREDIT_CODE         LEVEL  POINTS  NATIONAL  FLAGS               "
            "  POLICY          AS_OF       VALID_UNTIL\n"
            "91320200MA1W2X3Y7B  RED    48      POOR      VETO,REPEAT_OFFENDER"
            "  jiangsu-2019@2  2025-06-01  2026-01-01\n");
}

// The paging of every list command: one page (the server's default size,
// or --page-size) and the next token on stderr; --all follows every page.
TEST(RatingsListTest, OnePageOrEveryPageWithAll) {
  FakeRatingClient fake;
  for (int k = 0; k < 100; ++k) fake.AddRating(Code(k), v1::BLUE, 90);
  fake.list_page_cap = 40;  // the server sends fewer than asked
  const Result all =
      RunRatings({"--output", "csv", "ratings", "list", "--all"}, fake);
  ASSERT_EQ(all.exit_code, kExitOk) << all.err;
  ASSERT_EQ(fake.lists.size(), 3u);
  EXPECT_EQ(fake.lists[0].page_token(), "");
  EXPECT_EQ(fake.lists[1].page_token(), "40");
  EXPECT_EQ(fake.lists[2].page_token(), "80");
  EXPECT_EQ(fake.lists[0].page_size(), 0);  // the server's default
  const std::vector<std::string> rows =
      absl::StrSplit(all.out, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 101u);
  EXPECT_THAT(rows[100], HasSubstr(Code(99)));

  fake.lists.clear();
  const Result one = RunRatings({"ratings", "list", "--page-size", "45"}, fake);
  ASSERT_EQ(one.exit_code, kExitOk) << one.err;
  ASSERT_EQ(fake.lists.size(), 1u);
  EXPECT_EQ(fake.lists[0].page_size(), 45);
  EXPECT_THAT(one.out, HasSubstr(Code(39)));
  EXPECT_THAT(one.out, Not(HasSubstr(Code(40))));
  EXPECT_THAT(one.err,
              HasSubstr("more results: run again with --page-token 40"));

  fake.lists.clear();
  const Result next = RunRatings(
      {"ratings", "list", "--page-size", "45", "--page-token", "40"}, fake);
  ASSERT_EQ(next.exit_code, kExitOk) << next.err;
  EXPECT_EQ(fake.lists[0].page_token(), "40");
  EXPECT_THAT(next.out, HasSubstr(Code(40)));

  const Result json = RunRatings(
      {"--output", "json", "ratings", "list", "--page-size", "2"}, fake);
  EXPECT_EQ(json.out.substr(0, 2), "[\n");
  EXPECT_THAT(json.out,
              HasSubstr(absl::StrCat("\"credit_code\":\"", Code(1), "\"")));
  EXPECT_THAT(json.out, Not(HasSubstr(Code(2))));
}

// --region-prefix as `enterprises list` names it; --region still read.
TEST(RatingsListTest, RegionPrefixAsEnterprisesListNamesIt) {
  FakeRatingClient fake;
  ASSERT_EQ(RunRatings({"ratings", "list", "--region-prefix", "3201"}, fake)
                .exit_code,
            kExitOk);
  ASSERT_EQ(RunRatings({"ratings", "list", "--region", "32"}, fake).exit_code,
            kExitOk);
  ASSERT_EQ(fake.lists.size(), 2u);
  EXPECT_EQ(fake.lists[0].region_prefix(), "3201");
  EXPECT_EQ(fake.lists[1].region_prefix(), "32");
}

// --- history ----------------------------------------------------------------

TEST(RatingsHistoryTest, AllPagesNewestFirst) {
  FakeRatingClient fake = TwoRatings();
  std::vector<v1::RatingChange>& h = fake.histories[kRed];
  const auto add = [&](int day, v1::RatingLevel from, v1::RatingLevel to,
                       int old_points, int new_points,
                       v1::RatingChangeCause cause, const std::string& reason) {
    v1::RatingChange& c = h.emplace_back();
    FakeRatingClient::SetDate(c.mutable_effective_date(), 2025, 5, day);
    c.set_old_level(from);
    c.set_new_level(to);
    c.set_old_points(old_points);
    c.set_new_points(new_points);
    c.set_cause(cause);
    c.set_reason(reason);
    c.set_level_changed(from != to);
  };
  add(30, v1::YELLOW, v1::RED, 61, 48, v1::RECORD_WRITTEN,
      "penalty decision 苏环罚〔2025〕3号 recorded");
  add(20, v1::YELLOW, v1::YELLOW, 66, 61, v1::RECORD_WRITTEN, "complaint");
  add(10, v1::BLUE, v1::YELLOW, 80, 66, v1::DECISION_REVOKED, "revoked");
  add(1, v1::RATING_LEVEL_UNSPECIFIED, v1::BLUE, 0, 80,
      v1::ENTERPRISE_REGISTERED, "first rating");
  const Result r = RunRatings({"ratings", "history", kRed, "--all"}, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.history_requests.size(), 2u);  // 3 level changes, 2 a page
  EXPECT_FALSE(fake.history_requests[0].include_point_changes());
  EXPECT_EQ(fake.history_requests[0].name(),
            absl::StrCat("enterprises/", kRed, "/rating"));
  EXPECT_EQ(fake.history_requests[1].page_token(), "2");
  EXPECT_EQ(
      r.out,
      "DATE        LEVEL          POINTS   CAUSE                  REASON\n"
      "2025-05-30  YELLOW → RED   61 → 48  RECORD_WRITTEN         "
      "penalty decision 苏环罚〔2025〕3号 recorded\n"
      "2025-05-10  BLUE → YELLOW  80 → 66  DECISION_REVOKED       "
      "revoked\n"
      "2025-05-01  - → BLUE       - → 80   ENTERPRISE_REGISTERED  "
      "first rating\n");

  const Result all =
      RunRatings({"ratings", "history", kRed, "--all-changes"}, fake);
  ASSERT_EQ(all.exit_code, kExitOk);
  EXPECT_TRUE(fake.history_requests.back().include_point_changes());
  EXPECT_THAT(all.out, HasSubstr("YELLOW → YELLOW  66 → 61"));

  EXPECT_EQ(RunRatings({"ratings", "history", kUnknown}, fake).exit_code,
            kExitNotFound);
}

// --- watch ------------------------------------------------------------------

// A feed of 6 events: cursors 1..6; event 3 changes only points.
FakeRatingClient FeedOfSix() {
  FakeRatingClient fake;
  fake.AddChange(kGreen, v1::RATING_LEVEL_UNSPECIFIED, v1::GREEN, 0, 100);
  fake.AddChange(kRed, v1::BLUE, v1::YELLOW, 80, 66);
  fake.AddChange(kRed, v1::YELLOW, v1::YELLOW, 66, 61);
  fake.AddChange(kRed, v1::YELLOW, v1::RED, 61, 48);
  fake.AddChange(kGreen, v1::GREEN, v1::BLUE, 100, 88);
  fake.AddChange(kGreen, v1::BLUE, v1::GREEN, 88, 95);
  return fake;
}

TEST(RatingsWatchTest, PrintsEachChangeAsALine) {
  FakeRatingClient fake = FeedOfSix();
  const Result r = RunRatings({"ratings", "watch", "--from-start"}, fake);
  // The fake ends the stream with UNAVAILABLE after the last event.
  EXPECT_EQ(r.exit_code, kExitUnavailable);
  ASSERT_EQ(fake.watches.size(), 1u);
  EXPECT_TRUE(fake.watches[0].start_at_oldest());
  EXPECT_FALSE(fake.watches[0].start_at_end());
  EXPECT_FALSE(fake.watches[0].include_point_changes());
  EXPECT_EQ(r.out,
            "1  2025-06-01  91320100MA1W2X3Y6A  - → GREEN  points - → 100  "
            "RECORD_WRITTEN  change 1\n"
            "2  2025-06-01  91320200MA1W2X3Y7B  BLUE → YELLOW  points 80 → 66"
            "  RECORD_WRITTEN  change 2\n"
            "4  2025-06-01  91320200MA1W2X3Y7B  YELLOW → RED  points 61 → 48"
            "  RECORD_WRITTEN  change 4\n"
            "5  2025-06-01  91320100MA1W2X3Y6A  GREEN → BLUE  points 100 → 88"
            "  RECORD_WRITTEN  change 5\n"
            "6  2025-06-01  91320100MA1W2X3Y6A  BLUE → GREEN  points 88 → 95"
            "  RECORD_WRITTEN  change 6\n");
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(r.err,
              HasSubstr("stopped after 5 changes; resume with --after 6"));
}

TEST(RatingsWatchTest, JsonLinesAllChangesAndMaxEvents) {
  FakeRatingClient fake = FeedOfSix();
  const Result r =
      RunRatings({"--output", "json", "ratings", "watch", "--after", "1",
                  "--all-changes", "--max-events", "3"},
                 fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake.watches[0].after_cursor(), 1);
  EXPECT_TRUE(fake.watches[0].include_point_changes());
  const std::vector<std::string> lines =
      absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("\"cursor\":2,"));
  EXPECT_THAT(lines[1], HasSubstr("\"cursor\":3,"));
  EXPECT_THAT(lines[2], HasSubstr("\"cursor\":4,"));
  for (const std::string& line : lines) {
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
  }
  EXPECT_THAT(r.err, HasSubstr("3 changes; resume with --after 4"));
}

TEST(RatingsWatchTest, CursorFileResumesAndIsRewritten) {
  FakeRatingClient fake = FeedOfSix();
  TempDir dir;
  const std::string file = dir.File("feed.cursor");

  // No file yet: start at the end of the feed and save where that is.
  fake.watch_end = grpc::Status::OK;
  const Result first =
      RunRatings({"ratings", "watch", "--cursor-file", file}, fake);
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  EXPECT_TRUE(fake.watches[0].start_at_end());
  EXPECT_EQ(first.out, "");
  EXPECT_EQ(ReadFile(file), "6\n");
  EXPECT_FALSE(Exists(file + ".tmp"));

  // Resume from the file; --max-events 1 stops inside the second response
  // (events 2 and 4 arrive together), so the file holds 2, not 4.
  WriteFile(file, "1\n");
  const Result second = RunRatings(
      {"ratings", "watch", "--cursor-file", file, "--max-events", "1"}, fake);
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  EXPECT_FALSE(fake.watches[1].start_at_end());
  EXPECT_EQ(fake.watches[1].after_cursor(), 1);
  EXPECT_THAT(second.out, HasSubstr("BLUE → YELLOW"));
  EXPECT_EQ(ReadFile(file), "2\n");

  // The next run continues after 2: nothing lost, nothing repeated.
  const Result third =
      RunRatings({"ratings", "watch", "--cursor-file", file}, fake);
  ASSERT_EQ(third.exit_code, kExitOk) << third.err;
  EXPECT_EQ(fake.watches[2].after_cursor(), 2);
  EXPECT_THAT(third.out, Not(HasSubstr("BLUE → YELLOW")));
  EXPECT_THAT(third.out, HasSubstr("YELLOW → RED"));
  EXPECT_THAT(third.out, HasSubstr("BLUE → GREEN"));
  EXPECT_EQ(ReadFile(file), "6\n");
  EXPECT_THAT(third.err,
              HasSubstr("the server ended the feed after 3 changes"));

  // --from-start overrides the file.
  const Result again = RunRatings({"ratings", "watch", "--cursor-file", file,
                                   "--from-start", "--max-events", "1"},
                                  fake);
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_TRUE(fake.watches[3].start_at_oldest());
  EXPECT_EQ(ReadFile(file), "1\n");
}

TEST(RatingsWatchTest, CursorFileFunctions) {
  TempDir dir;
  const std::string file = dir.File("c");
  auto read = ReadCursorFile(file);
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
  ASSERT_TRUE(WriteCursorFile(file, 123456789012).ok());
  read = ReadCursorFile(file);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(**read, 123456789012);
  WriteFile(file, "  \n");
  read = ReadCursorFile(file);
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->has_value());
  for (const char* bad : {"abc\n", "-1\n", "12 13\n", "1.5"}) {
    WriteFile(file, bad);
    EXPECT_EQ(ReadCursorFile(file).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_FALSE(WriteCursorFile(dir.File("no/such/dir/c"), 1).ok());
}

TEST(RatingsWatchTest, ExpiredCursorShowsTheOldestAvailable) {
  FakeRatingClient fake = FeedOfSix();
  fake.oldest_cursor = 4;
  const Result r = RunRatings({"ratings", "watch", "--after", "1"}, fake);
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("OUT_OF_RANGE"));
  EXPECT_THAT(r.err, HasSubstr("reason: CURSOR_EXPIRED"));
  EXPECT_THAT(r.err, HasSubstr("the oldest available cursor is 4"));
  EXPECT_THAT(r.err, HasSubstr("--from-start"));

  const Result ahead = RunRatings({"ratings", "watch", "--after", "99"}, fake);
  EXPECT_EQ(ahead.exit_code, kExitInvalidInput);
  EXPECT_THAT(ahead.err, HasSubstr("CURSOR_AHEAD"));
}

TEST(RatingsWatchTest, InterruptStopsCleanlyAndKeepsTheCursor) {
  FakeRatingClient fake = FeedOfSix();
  // Ctrl-C once the second response (events 1 and 2) has been handled.
  fake.interrupt_after_responses = 2;
  TempDir dir;
  const std::string file = dir.File("feed.cursor");
  struct sigaction before;
  sigaction(SIGINT, nullptr, &before);
  const Result r = RunRatings(
      {"ratings", "watch", "--from-start", "--cursor-file", file}, fake);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake.watch_responses, 2);  // nothing was sent after the signal
  EXPECT_THAT(r.out, HasSubstr("- → GREEN"));
  EXPECT_THAT(r.out, HasSubstr("BLUE → YELLOW"));
  EXPECT_THAT(r.out, Not(HasSubstr("YELLOW → RED")));
  EXPECT_EQ(ReadFile(file), "2\n");
  EXPECT_THAT(r.err, HasSubstr("interrupted after 2 changes; resume with "
                               "--after 2"));
  // The previous SIGINT handler is back.
  struct sigaction after;
  sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(RatingsWatchTest, BadOptionsAreUsageErrors) {
  FakeRatingClient fake = FeedOfSix();
  TempDir dir;
  WriteFile(dir.File("bad.cursor"), "yesterday\n");
  const std::vector<std::vector<std::string>> bad = {
      {"ratings", "watch", "--after", "x"},
      {"ratings", "watch", "--after", "-1"},
      {"ratings", "watch", "--after", "1", "--from-start"},
      {"ratings", "watch", "--max-events", "0"},
      {"ratings", "watch", "--max-events", "many"},
      {"ratings", "watch", "--cursor-file", dir.File("bad.cursor")},
      {"ratings", "watch", "CURSOR"},
  };
  for (const auto& args : bad) {
    const Result r = RunRatings(args, fake);
    EXPECT_EQ(r.exit_code, kExitUsage) << args[2] << " " << r.err;
    EXPECT_THAT(r.err, HasSubstr("usage error")) << args[2];
  }
  EXPECT_TRUE(fake.watches.empty());
  const Result r = RunRatings(
      {"ratings", "watch", "--cursor-file", dir.File("bad.cursor")}, fake);
  EXPECT_THAT(r.err, HasSubstr("--cursor-file"));
  EXPECT_THAT(r.err, HasSubstr("does not hold a cursor"));
}

// --- roll -------------------------------------------------------------------

TEST(RatingsRollTest, PrintsTheCounts) {
  FakeRatingClient fake;
  const Result r =
      RunRatings({"ratings", "roll", "--date", "2025-05-31"}, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.rolls.size(), 1u);
  EXPECT_EQ(fake.rolls[0].date().month(), 5);
  EXPECT_EQ(r.out,
            "FIELD                 VALUE\n"
            "date                  2025-05-31\n"
            "enterprises_examined  42\n"
            "ratings_changed       7\n"
            "level_changes         3\n");
  const Result today =
      RunRatings({"--output", "json", "ratings", "roll"}, fake);
  ASSERT_EQ(today.exit_code, kExitOk);
  EXPECT_FALSE(fake.rolls[1].has_date());
  EXPECT_EQ(today.out,
            "{\"date\": \"2025-06-01\", \"enterprises_examined\": 42, "
            "\"ratings_changed\": 7, \"level_changes\": 3}\n");
}

// --- rescore ----------------------------------------------------------------

TEST(RatingsRescoreTest, LoopsOverEveryPage) {
  FakeRatingClient fake;
  fake.rescore_total = 12500;
  const Result r = RunRatings({"ratings", "rescore", "--all"}, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.rescores.size(), 3u);
  EXPECT_TRUE(fake.rescores[0].all());
  EXPECT_EQ(fake.rescores[0].page_size(), 5000);  // the CLI's default
  EXPECT_EQ(fake.rescores[0].page_token(), "");
  EXPECT_EQ(fake.rescores[1].page_token(), "5000");
  EXPECT_EQ(fake.rescores[2].page_token(), "10000");
  EXPECT_THAT(r.out, HasSubstr("enterprises_rescored  12500\n"));
  EXPECT_THAT(r.out, HasSubstr("ratings_changed       1250\n"));
  EXPECT_THAT(r.out, HasSubstr("level_changes         125\n"));
  EXPECT_THAT(r.out, HasSubstr("calls                 3\n"));
  EXPECT_EQ(r.err, "");  // no progress bar when stderr is not a terminal
}

TEST(RatingsRescoreTest, ProgressBarOnATerminal) {
  FakeRatingClient fake;
  fake.rescore_total = 1200;
  const Result r =
      RunRatings({"ratings", "rescore", "--all", "--page-size", "500"}, fake,
                 /*err_is_terminal=*/true);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.rescores.size(), 3u);
  EXPECT_EQ(fake.rescores[0].page_size(), 500);
  EXPECT_THAT(r.err, HasSubstr("\r[##############################] "
                               "1200/1200  changed 120  "));
  EXPECT_THAT(r.err, HasSubstr("/s"));
  EXPECT_EQ(r.err.back(), '\n');
}

TEST(RatingsRescoreTest, FailureTellsWhereToResume) {
  FakeRatingClient fake;
  fake.rescore_total = 12500;
  fake.rescore_fail_at_call = 2;
  const Result r = RunRatings({"ratings", "rescore", "--all"}, fake);
  EXPECT_EQ(r.exit_code, kExitUnavailable);
  EXPECT_THAT(r.err, HasSubstr("10000 enterprises rescored before the "
                               "failure; resume with --page-token 10000"));
  fake.rescore_fail_at_call = -1;
  const Result resumed =
      RunRatings({"ratings", "rescore", "--all", "--page-token", "10000"}, fake);
  ASSERT_EQ(resumed.exit_code, kExitOk) << resumed.err;
  EXPECT_EQ(fake.rescores.back().page_token(), "10000");
  EXPECT_THAT(resumed.out, HasSubstr("enterprises_rescored  2500\n"));
}

// --- option values and help --------------------------------------------------

TEST(RatingsUsageTest, BadValuesNameTheOptionAndSendNothing) {
  FakeRatingClient fake = TwoRatings();
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"ratings", "list", "--level", "PURPLE"},
       "--level: 'PURPLE' is not a "
       "rating level; use GREEN, "
       "BLUE, YELLOW, RED or BLACK"},
      {{"ratings", "list", "--level", "RATING_LEVEL_UNSPECIFIED"}, "--level"},
      {{"ratings", "list", "--flag", "vetoed"},
       "--flag: 'vetoed' is not a "
       "rating flag"},
      {{"ratings", "list", "--region", "32a"}, "--region"},
      {{"ratings", "list", "--region", "3201001"}, "--region"},
      {{"ratings", "list", "--region-prefix", "x"}, "--region-prefix"},
      {{"ratings", "list", "--page-size", "0"}, "--page-size"},
      {{"ratings", "get", kGreen, "--as-of", "2024-02-30"},
       "--as-of: "
       "'2024-02-30' is "
       "not a date"},
      {{"ratings", "get", "enterprises/x/y"}, "CREDIT_CODE"},
      {{"ratings", "get"}, "needs CREDIT_CODE"},
      {{"ratings", "explain", kGreen, "--as-of", "yesterday"}, "--as-of"},
      {{"ratings", "batch", kGreen, "--as-of", "2024-13-01"}, "--as-of"},
      {{"ratings", "batch", kGreen, kRed}, "takes one CODES"},
      {{"ratings", "history", kGreen, "--limit", "3"}, "unknown flag"},
      {{"ratings", "roll", "--date", "31/12/2024"}, "--date"},
      {{"ratings", "rescore"}, "missing required flag --all"},
      {{"ratings", "rescore", "--all", "--page-size", "10001"}, "--page-size"},
      {{"ratings", "rescore", "--all", "--page-size", "0"}, "--page-size"},
  };
  for (const auto& [args, message] : bad) {
    const Result r = RunRatings(args, fake);
    EXPECT_EQ(r.exit_code, kExitUsage) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, HasSubstr(message)) << absl::StrJoin(args, " ");
    EXPECT_THAT(r.err, HasSubstr("usage error")) << absl::StrJoin(args, " ");
  }
  EXPECT_TRUE(fake.call_ids.empty());
}

TEST(RatingsUsageTest, LevelsAndFlagsInAnyCase) {
  EXPECT_EQ(*ParseRatingLevel("green"), v1::GREEN);
  EXPECT_EQ(*ParseRatingLevel(" Yellow "), v1::YELLOW);
  EXPECT_EQ(*ParseRatingLevel("BLACK"), v1::BLACK);
  EXPECT_FALSE(ParseRatingLevel("").ok());
  EXPECT_FALSE(ParseRatingLevel("3").ok());
  EXPECT_EQ(*ParseRatingFlag("repeat_offender"), v1::REPEAT_OFFENDER);
  EXPECT_EQ(*ParseRatingFlag("Refused_To_Correct"), v1::REFUSED_TO_CORRECT);
  EXPECT_FALSE(ParseRatingFlag("RATING_FLAG_UNSPECIFIED").ok());
  EXPECT_EQ(*RatingCreditCode(kGreen), kGreen);
  EXPECT_EQ(*RatingCreditCode(absl::StrCat("enterprises/", kGreen, "/rating")),
            kGreen);
  EXPECT_FALSE(RatingCreditCode("enterprises/").ok());
  EXPECT_FALSE(RatingCreditCode("a/b").ok());
}

TEST(RatingsHelpTest, EveryCommandHasHelpAndExamples) {
  FakeRatingClient fake;
  for (const std::string command : {"get", "explain", "batch", "list",
                                    "history", "watch", "roll", "rescore"}) {
    const Result r = RunRatings({"ratings", command, "--help"}, fake);
    EXPECT_EQ(r.exit_code, kExitOk) << command;
    EXPECT_THAT(r.out, HasSubstr("Usage: envcredit-admin [global flags] "
                                 "ratings " +
                                 command));
    EXPECT_THAT(r.out, HasSubstr("Examples:")) << command;
    EXPECT_THAT(r.out, HasSubstr("Exit codes:")) << command;
  }
  const Result group = RunRatings({"ratings", "--help"}, fake);
  EXPECT_EQ(group.exit_code, kExitOk);
  EXPECT_THAT(group.out, HasSubstr("rescore"));
  EXPECT_THAT(RunRatings({"--help"}, fake).out, HasSubstr("ratings watch"));
  EXPECT_TRUE(fake.call_ids.empty());
}

// --- the gRPC client
// ----------------------------------------------------------

// A RatingService whose feed sends a first response, then `events` changes
// `interval` apart, then nothing until the call is cancelled. Records the
// headers and whether the call had a deadline.
class FeedService final : public v1::RatingService::Service {
 public:
  int events = 0;
  std::chrono::milliseconds interval{0};
  std::atomic<bool> watch_had_deadline{false};
  std::atomic<bool> get_had_deadline{false};
  std::atomic<bool> watch_ended{false};
  std::string request_id;     // of the last watch
  std::string authorization;  // of the last watch

  grpc::Status GetRating(grpc::ServerContext* context,
                         const v1::GetRatingRequest* request,
                         v1::Rating* response) override {
    get_had_deadline = HasDeadline(*context);
    response->set_credit_code(request->name());
    return grpc::Status::OK;
  }

  grpc::Status WatchRatingChanges(
      grpc::ServerContext* context,
      const v1::WatchRatingChangesRequest* request,
      grpc::ServerWriter<v1::WatchRatingChangesResponse>* writer) override {
    watch_had_deadline = HasDeadline(*context);
    request_id = Header(*context, "x-request-id");
    authorization = Header(*context, "authorization");
    v1::WatchRatingChangesResponse response;
    response.set_cursor(request->after_cursor());
    writer->Write(response);
    for (int k = 1; k <= events && !context->IsCancelled(); ++k) {
      std::this_thread::sleep_for(interval);
      response.Clear();
      v1::RatingChange* change = response.add_changes();
      change->set_cursor(request->after_cursor() + k);
      response.set_cursor(change->cursor());
      if (!writer->Write(response)) break;
    }
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!context->IsCancelled() &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    watch_ended = true;
    return grpc::Status::OK;
  }

 private:
  static bool HasDeadline(const grpc::ServerContext& context) {
    return context.deadline() <
           std::chrono::system_clock::now() + std::chrono::hours(24);
  }
  static std::string Header(const grpc::ServerContext& context,
                            const std::string& key) {
    const auto it = context.client_metadata().find(key);
    if (it == context.client_metadata().end()) return "";
    return std::string(it->second.data(), it->second.size());
  }
};

class GrpcRatingClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }
  void TearDown() override {
    if (server_) {
      server_->Shutdown(std::chrono::system_clock::now() +
                        std::chrono::seconds(1));
    }
  }
  std::unique_ptr<RatingClient> Client(double timeout_seconds) {
    Connection connection;
    connection.server = absl::StrCat("127.0.0.1:", port_);
    connection.timeout_seconds = timeout_seconds;
    connection.token = "secret-token";
    return NewGrpcRatingClient(connection);
  }

  FeedService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(GrpcRatingClientTest, TheFeedHasNoDeadlineUnaryCallsDo) {
  service_.events = 6;
  service_.interval = std::chrono::milliseconds(100);
  auto client = Client(/*timeout_seconds=*/0.2);  // shorter than the stream
  v1::WatchRatingChangesRequest request;
  request.set_after_cursor(40);
  std::vector<int64_t> cursors;
  std::atomic<bool> cancel{false};
  const grpc::Status status = client->WatchRatingChanges(
      "0123456789abcdef0123456789abcdef", request,
      [&](const v1::WatchRatingChangesResponse& r) {
        cursors.push_back(r.cursor());
        return cursors.size() < 7;  // the first response and 6 events
      },
      &cancel);
  EXPECT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message();
  EXPECT_THAT(cursors, ElementsAre(40, 41, 42, 43, 44, 45, 46));
  EXPECT_FALSE(service_.watch_had_deadline.load());
  EXPECT_EQ(service_.request_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(service_.authorization, "Bearer secret-token");

  v1::GetRatingRequest get;
  get.set_name("enterprises/X/rating");
  v1::Rating rating;
  ASSERT_TRUE(client->GetRating("", get, &rating).ok());
  EXPECT_TRUE(service_.get_had_deadline.load());
}

TEST_F(GrpcRatingClientTest, TheCancelFlagEndsAWaitingStream) {
  auto client = Client(10);
  std::atomic<bool> cancel{false};
  int responses = 0;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.store(true);  // as the SIGINT handler does
  });
  const auto start = std::chrono::steady_clock::now();
  const grpc::Status status = client->WatchRatingChanges(
      "", v1::WatchRatingChangesRequest(),
      [&](const v1::WatchRatingChangesResponse&) {
        ++responses;
        return true;
      },
      &cancel);
  canceller.join();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(responses, 1);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  // A flag already set: nothing is sent.
  EXPECT_EQ(client
                ->WatchRatingChanges(
                    "", v1::WatchRatingChangesRequest(),
                    [&](const v1::WatchRatingChangesResponse&) {
                      ++responses;
                      return true;
                    },
                    &cancel)
                .error_code(),
            grpc::StatusCode::CANCELLED);
  EXPECT_EQ(responses, 1);
}

TEST_F(GrpcRatingClientTest, AnUnreachableServerIsUnavailable) {
  server_->Shutdown(std::chrono::system_clock::now());
  server_.reset();
  auto client = Client(2);
  std::atomic<bool> cancel{false};
  const grpc::Status status = client->WatchRatingChanges(
      "", v1::WatchRatingChangesRequest(),
      [](const v1::WatchRatingChangesResponse&) { return true; }, &cancel);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace envcredit::admin
