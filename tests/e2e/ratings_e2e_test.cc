// Ratings end to end: the real envcredit-server (two of them in one test) on
// the private MariaDB, through the generated stubs. The server's date comes
// from a file (--today_file) the test steps through days.
//
// Expected values by hand from SPEC §5.1: 9 points to start; a fine −3 for 6
// months; a warning −1 for 6 months; licence revocation: a veto (at best RED)
// for 12 months; a public credit commitment +1; bands GREEN 11–12, BLUE 6–10,
// YELLOW 3–5, RED 1–2, BLACK ≤ 0.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_values.h"
#include "tests/support/test_database.h"

namespace envcredit {
namespace {

using ::testing::HasSubstr;
using testing::DetailsOf;

std::string Uscc(int serial) { return testing::TestUscc("RE", serial); }

v1::Date Day(absl::CivilDay day) { return testing::DateOf(day); }

std::string RatingName(const std::string& code) {
  return absl::StrCat("enterprises/", code, "/rating");
}

// What a reader compares: level, points and flags.
struct Seen {
  absl::CivilDay day;
  int level = 0;
  int points = 0;
  std::vector<int> flags;
  bool operator==(const Seen& o) const {
    return level == o.level && points == o.points && flags == o.flags;
  }
};

Seen SeenOf(absl::CivilDay day, const v1::Rating& r) {
  return Seen{day, r.level(), r.points(),
              std::vector<int>(r.flags().begin(), r.flags().end())};
}

std::ostream& operator<<(std::ostream& out, const Seen& s) {
  out << absl::FormatCivilTime(s.day) << " level " << s.level << " points "
      << s.points << " flags";
  for (int f : s.flags) out << " " << f;
  return out;
}

class RatingsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = testing::TestDatabase::Create("e2e_ratings");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
    char dir[] = "/tmp/envcredit-ratings-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    today_file_ = new std::string(absl::StrCat(dir, "/today"));
    SetToday(absl::CivilDay(2024, 1, 1));
    auto server = testing::ServerProcess::Start(
        database_->config(),
        {absl::StrCat("--today_file=", *today_file_), "--feed_poll_ms=50"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    token_ = new std::string(server_->admin_token());
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete database_;
    database_ = nullptr;
  }

  static void SetToday(absl::CivilDay day) {
    const std::string tmp = *today_file_ + ".tmp";
    std::ofstream(tmp) << absl::FormatCivilTime(day) << "\n";
    std::rename(tmp.c_str(), today_file_->c_str());
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    Connect(server_->address());
  }

  void Connect(const std::string& address) {
    channel_ = testing::AuthedChannel(address, *token_);
    enterprises_ = v1::EnterpriseService::NewStub(channel_);
    records_ = v1::RecordService::NewStub(channel_);
    ratings_ = v1::RatingService::NewStub(channel_);
  }

  std::string NewEnterprise() {
    static int serial = 0;
    const std::string code = Uscc(++serial);
    grpc::ClientContext context;
    v1::CreateEnterpriseRequest request;
    request.mutable_enterprise()->set_credit_code(code);
    request.mutable_enterprise()->set_display_name("（虚构）评级示例有限公司");
    request.mutable_enterprise()->set_industry(v1::CHEMICALS);
    v1::Enterprise out;
    grpc::Status status = enterprises_->CreateEnterprise(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return code;
  }

  void Decide(const std::string& code, const std::string& number,
              absl::CivilDay date, v1::Measure measure = v1::FINE) {
    grpc::ClientContext context;
    v1::CreatePenaltyDecisionRequest request;
    request.set_parent(absl::StrCat("enterprises/", code));
    v1::PenaltyDecision* d = request.mutable_penalty_decision();
    d->set_authority("南京市生态环境局");
    d->set_decision_number(number);
    d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
    *d->mutable_decision_date() = Day(date);
    d->add_measures(measure);
    if (measure == v1::FINE) d->set_fine_amount_fen(5000000);
    v1::PenaltyDecision out;
    grpc::Status status = records_->CreatePenaltyDecision(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Commit(const std::string& code, absl::CivilDay date) {
    grpc::ClientContext context;
    v1::CreateCommitmentRequest request;
    request.set_parent(absl::StrCat("enterprises/", code));
    v1::Commitment* c = request.mutable_commitment();
    c->set_kind(v1::CREDIT_COMMITMENT);
    c->set_signer("张三");
    *c->mutable_signing_date() = Day(date);
    c->set_public_(true);
    v1::Commitment out;
    grpc::Status status = records_->CreateCommitment(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Get(const std::string& code, v1::Rating* out,
                   std::optional<absl::CivilDay> as_of = std::nullopt,
                   v1::RatingView view = v1::BASIC) {
    grpc::ClientContext context;
    v1::GetRatingRequest request;
    request.set_name(RatingName(code));
    if (as_of) *request.mutable_as_of() = Day(*as_of);
    request.set_view(view);
    return ratings_->GetRating(&context, request, out);
  }

  v1::Rating MustGet(const std::string& code,
                     std::optional<absl::CivilDay> as_of = std::nullopt) {
    v1::Rating out;
    grpc::Status status = Get(code, &out, as_of);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  std::vector<v1::RatingChange> History(const std::string& code) {
    grpc::ClientContext context;
    v1::GetRatingHistoryRequest request;
    request.set_name(RatingName(code));
    request.set_include_point_changes(true);
    request.set_page_size(1000);
    v1::GetRatingHistoryResponse response;
    grpc::Status status = ratings_->GetRatingHistory(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.changes().begin(), response.changes().end()};
  }

  // Reads the feed after `after` until `count` changes came (or `wait`
  // passed), then disconnects.
  std::vector<v1::RatingChange> Watch(v1::RatingService::Stub& stub, int64_t after,
                                      size_t count, absl::Duration wait,
                                      int64_t* first_cursor = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + wait));
    v1::WatchRatingChangesRequest request;
    request.set_after_cursor(after);
    request.set_include_point_changes(true);
    auto reader = stub.WatchRatingChanges(&context, request);
    std::vector<v1::RatingChange> changes;
    v1::WatchRatingChangesResponse response;
    bool first = true;
    while (changes.size() < count && reader->Read(&response)) {
      if (first && first_cursor != nullptr) *first_cursor = response.cursor();
      first = false;
      for (const auto& c : response.changes()) changes.push_back(c);
    }
    context.TryCancel();
    reader->Finish();
    return changes;
  }

  static testing::TestDatabase* database_;
  static testing::ServerProcess* server_;
  static std::string* today_file_;
  static std::string* token_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EnterpriseService::Stub> enterprises_;
  std::unique_ptr<v1::RecordService::Stub> records_;
  std::unique_ptr<v1::RatingService::Stub> ratings_;
};

testing::TestDatabase* RatingsE2eTest::database_ = nullptr;
testing::ServerProcess* RatingsE2eTest::server_ = nullptr;
std::string* RatingsE2eTest::today_file_ = nullptr;
std::string* RatingsE2eTest::token_ = nullptr;

// The clock steps through 14 months, 9 days at a time; records are entered
// on their dates. Afterwards, the as-of rating of every visited day equals
// what the server said that day.
TEST_F(RatingsE2eTest, AsOfEqualsWhatTheServerSaidOnThatDayForRecordsEnteredOnTime) {
  SetToday(absl::CivilDay(2024, 1, 1));
  const std::string code = NewEnterprise();
  std::vector<Seen> said;
  int step = 0;
  for (absl::CivilDay day(2024, 1, 2); day < absl::CivilDay(2025, 3, 1); day += 9) {
    SetToday(day);
    switch (step++) {
      case 1: Commit(code, day); break;                                  // +1
      case 4: Decide(code, "宁环罚〔2024〕E1号", day); break;             // −3
      case 9: Decide(code, "宁环罚〔2024〕E2号", day, v1::WARNING); break;  // −1
      case 15: Decide(code, "宁环罚〔2024〕E3号", day, v1::LICENCE_REVOCATION); break;
      case 20: Decide(code, "宁环罚〔2024〕E4号", day); break;
      case 21: Decide(code, "宁环罚〔2024〕E5号", day); break;            // 3 in 12 months
      default: break;
    }
    said.push_back(SeenOf(day, MustGet(code)));
    EXPECT_EQ(MustGet(code).as_of().day(), day.day());
  }
  // Sanity of what was said, by hand: the commitment on 2024-01-11 gives 10
  // points; the fine on 2024-02-06 takes it to 7.
  EXPECT_EQ(said[1].points, 10);
  EXPECT_EQ(said[4].points, 7);

  SetToday(absl::CivilDay(2025, 3, 1));
  for (const Seen& s : said) {
    EXPECT_EQ(SeenOf(s.day, MustGet(code, s.day)), s) << "as of " << s;
  }
}

TEST_F(RatingsE2eTest, ARecordEnteredLateChangesTheAsOfAnswerButNotTheHistory) {
  SetToday(absl::CivilDay(2024, 1, 1));
  const std::string code = NewEnterprise();
  SetToday(absl::CivilDay(2024, 6, 1));
  EXPECT_EQ(MustGet(code, absl::CivilDay(2024, 3, 1)).points(), 9);
  const std::vector<v1::RatingChange> before = History(code);
  ASSERT_EQ(before.size(), 1u);  // registered

  // A fine decided on 2024-02-20, entered on 2024-06-01.
  Decide(code, "宁环罚〔2024〕L1号", absl::CivilDay(2024, 2, 20));
  EXPECT_EQ(MustGet(code, absl::CivilDay(2024, 3, 1)).points(), 6);  // as of: changed
  EXPECT_EQ(MustGet(code, absl::CivilDay(2024, 2, 19)).points(), 9);
  EXPECT_EQ(MustGet(code).points(), 6);  // counts until 2024-08-20

  const std::vector<v1::RatingChange> after = History(code);
  ASSERT_EQ(after.size(), 2u);
  // The old entry is unchanged; the new one is dated the day it was entered.
  EXPECT_EQ(after[1].cursor(), before[0].cursor());
  EXPECT_EQ(after[1].new_points(), 9);
  EXPECT_EQ(after[1].effective_date().month(), 1);
  EXPECT_EQ(after[0].effective_date().month(), 6);
  EXPECT_EQ(after[0].effective_date().day(), 1);
  EXPECT_EQ(after[0].cause(), v1::RECORD_WRITTEN);
  EXPECT_EQ(after[0].old_points(), 9);
  EXPECT_EQ(after[0].new_points(), 6);
}

TEST_F(RatingsE2eTest, TheExplanationNamesEveryCountingRecord) {
  SetToday(absl::CivilDay(2024, 6, 1));
  const std::string code = NewEnterprise();
  Decide(code, "宁环罚〔2024〕X1号", absl::CivilDay(2024, 5, 1));
  v1::Rating full;
  ASSERT_TRUE(Get(code, &full, std::nullopt, v1::FULL).ok());
  ASSERT_EQ(full.explanation().records_size(), 1);
  EXPECT_EQ(full.explanation().records(0).reference(), "宁环罚〔2024〕X1号");
  EXPECT_EQ(full.explanation().records(0).points(), -3);
  EXPECT_EQ(full.explanation().records(0).end_date().month(), 11);
  EXPECT_THAT(full.explanation().text(), HasSubstr("宁环罚〔2024〕X1号"));
  EXPECT_EQ(full.points(), 6);
  EXPECT_EQ(full.valid_until().month(), 11);
  v1::Rating basic;
  ASSERT_TRUE(Get(code, &basic).ok());
  EXPECT_FALSE(basic.has_explanation());
}

TEST_F(RatingsE2eTest, BatchReportsUnknownAndInvalidCodesPerItem) {
  SetToday(absl::CivilDay(2024, 6, 1));
  const std::string known = NewEnterprise();
  Decide(known, "宁环罚〔2024〕B1号", absl::CivilDay(2024, 5, 1));
  const std::string unknown = Uscc(990001);  // valid, never registered
  grpc::ClientContext context;
  v1::BatchGetRatingsRequest request;
  for (const std::string& code : {known, unknown, std::string("91320100ABC"), known}) {
    request.add_credit_codes(code);
  }
  v1::BatchGetRatingsResponse response;
  grpc::Status status = ratings_->BatchGetRatings(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).rating().points(), 6);
  EXPECT_EQ(response.results(1).error().code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(response.results(2).error().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(response.results(2).error().message(), HasSubstr("credit_codes[2]"));
  EXPECT_EQ(response.results(3).rating().points(), 6);

  // As of a date before the decision.
  grpc::ClientContext as_of_context;
  *request.mutable_as_of() = Day(absl::CivilDay(2024, 4, 1));
  response.Clear();
  status = ratings_->BatchGetRatings(&as_of_context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.results(0).rating().points(), 9);
  EXPECT_EQ(response.results(1).error().code(), grpc::StatusCode::NOT_FOUND);

  // Too many codes fails the call, naming the field.
  grpc::ClientContext big_context;
  v1::BatchGetRatingsRequest big;
  for (int i = 0; i < 1001; ++i) big.add_credit_codes(known);
  status = ratings_->BatchGetRatings(&big_context, big, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).field, "credit_codes");
}

TEST_F(RatingsE2eTest, BadDatesAndNamesAreInvalidArguments) {
  SetToday(absl::CivilDay(2024, 6, 1));
  const std::string code = NewEnterprise();
  v1::Rating out;
  grpc::Status status = Get(code, &out, absl::CivilDay(2024, 6, 2));  // future
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).field, "as_of");
  status = Get(code, &out, absl::CivilDay(1989, 12, 31));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext context;
  v1::GetRatingRequest request;
  request.set_name("enterprises/91320100MA0000000X/rating");
  status = ratings_->GetRating(&context, request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).field, "name");
  status = Get(Uscc(990002), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

// A watcher reads three changes, disconnects; four happen while it is away;
// it resumes from its last cursor and gets exactly those four, in order.
TEST_F(RatingsE2eTest, TheFeedResumesAfterADisconnectWithNoGapAndNoDuplicate) {
  SetToday(absl::CivilDay(2024, 6, 1));
  const std::string code = NewEnterprise();
  int64_t start = -1;
  {
    // Start at the end, then write three decisions.
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    v1::WatchRatingChangesRequest request;
    request.set_start_at_end(true);
    request.set_include_point_changes(true);
    auto reader = ratings_->WatchRatingChanges(&context, request);
    v1::WatchRatingChangesResponse first;
    ASSERT_TRUE(reader->Read(&first));
    start = first.cursor();
    Decide(code, "宁环罚〔2024〕F1号", absl::CivilDay(2024, 5, 1), v1::WARNING);
    Decide(code, "宁环罚〔2024〕F2号", absl::CivilDay(2024, 5, 2), v1::WARNING);
    Decide(code, "宁环罚〔2024〕F3号", absl::CivilDay(2024, 5, 3), v1::WARNING);
    std::vector<v1::RatingChange> got;
    v1::WatchRatingChangesResponse response;
    while (got.size() < 3 && reader->Read(&response)) {
      for (const auto& c : response.changes()) got.push_back(c);
    }
    context.TryCancel();
    reader->Finish();
    ASSERT_EQ(got.size(), 3u);
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].cursor(), start + 1 + static_cast<int64_t>(i));
      EXPECT_EQ(got[i].new_points(), 8 - static_cast<int>(i));  // 9 − 1 each
    }
  }
  const int64_t last = start + 3;
  Decide(code, "宁环罚〔2024〕F4号", absl::CivilDay(2024, 5, 4), v1::WARNING);
  Decide(code, "宁环罚〔2024〕F5号", absl::CivilDay(2024, 5, 5), v1::WARNING);
  Decide(code, "宁环罚〔2024〕F6号", absl::CivilDay(2024, 5, 6), v1::WARNING);
  Decide(code, "宁环罚〔2024〕F7号", absl::CivilDay(2024, 5, 7), v1::WARNING);
  // Ask for more than four: exactly four come within the wait.
  const std::vector<v1::RatingChange> resumed =
      Watch(*ratings_, last, 5, absl::Seconds(3));
  ASSERT_EQ(resumed.size(), 4u);
  for (size_t i = 0; i < resumed.size(); ++i) {
    EXPECT_EQ(resumed[i].cursor(), last + 1 + static_cast<int64_t>(i));
    EXPECT_EQ(resumed[i].credit_code(), code);
  }
  EXPECT_EQ(resumed.back().new_points(), 2);  // 9 − 7 warnings
  EXPECT_EQ(resumed.back().new_level(), v1::RED);

  // A cursor the feed never issued.
  grpc::ClientContext context;
  v1::WatchRatingChangesRequest request;
  request.set_after_cursor(resumed.back().cursor() + 1000);
  auto reader = ratings_->WatchRatingChanges(&context, request);
  v1::WatchRatingChangesResponse response;
  EXPECT_FALSE(reader->Read(&response));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).reason, "CURSOR_AHEAD");
}

// Two server processes on one database: a write through one is visible
// through the other within the feed's poll interval (the test allows 10 s),
// and both serve the same feed.
TEST_F(RatingsE2eTest, TwoServersOnOneDatabaseAgree) {
  SetToday(absl::CivilDay(2024, 6, 1));
  auto second = testing::ServerProcess::Start(
      database_->config(),
      {absl::StrCat("--today_file=", *today_file_), "--feed_poll_ms=50"});
  ASSERT_TRUE(second.ok()) << second.status();
  auto other_channel = testing::AuthedChannel((*second)->address(), *token_);
  auto other = v1::RatingService::NewStub(other_channel);

  const std::string code = NewEnterprise();  // through the first server
  int64_t start = 0;
  {
    grpc::ClientContext context;
    v1::GetRatingRequest request;
    request.set_name(RatingName(code));
    v1::Rating out;
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    grpc::Status status;
    do {
      grpc::ClientContext c;
      status = other->GetRating(&c, request, &out);
    } while (!status.ok() && absl::Now() < deadline);
    ASSERT_TRUE(status.ok()) << status.error_message();
    start = out.revision();
  }
  Decide(code, "宁环罚〔2024〕T1号", absl::CivilDay(2024, 5, 20));
  // Visible through the first server at once…
  EXPECT_EQ(MustGet(code).points(), 6);
  // …and through the second one within the bound.
  const absl::Time written = absl::Now();
  int points = 0;
  while (absl::Now() - written < absl::Seconds(10)) {
    grpc::ClientContext c;
    v1::GetRatingRequest request;
    request.set_name(RatingName(code));
    v1::Rating out;
    ASSERT_TRUE(other->GetRating(&c, request, &out).ok());
    points = out.points();
    if (points == 6) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(points, 6);
  const absl::Duration lag = absl::Now() - written;
  std::cerr << "second server saw the change after " << lag << "\n";

  // The same feed from both.
  const auto mine = Watch(*ratings_, start - 1, 2, absl::Seconds(5));
  const auto theirs = Watch(*other, start - 1, 2, absl::Seconds(5));
  ASSERT_EQ(mine.size(), 2u);
  ASSERT_EQ(theirs.size(), 2u);
  for (size_t i = 0; i < mine.size(); ++i) {
    EXPECT_EQ(mine[i].cursor(), theirs[i].cursor());
    EXPECT_EQ(mine[i].new_points(), theirs[i].new_points());
    EXPECT_EQ(mine[i].credit_code(), theirs[i].credit_code());
  }
}

// The records caches (doc/ratings.md "Records cache"): a record that leaves
// today's rating as it was still changes what an as-of rating says, through
// the server that took the write at once, and through another server on the
// same database within its feed's poll (the test allows 10 s), though both
// held the enterprise's records in memory before the write.
TEST_F(RatingsE2eTest, ALateRecordChangesAsOfAnswersOnEveryServer) {
  SetToday(absl::CivilDay(2024, 6, 1));
  auto second = testing::ServerProcess::Start(
      database_->config(),
      {absl::StrCat("--today_file=", *today_file_), "--feed_poll_ms=50"});
  ASSERT_TRUE(second.ok()) << second.status();
  auto other = v1::RatingService::NewStub(
      testing::AuthedChannel((*second)->address(), *token_));
  const absl::CivilDay then(2022, 2, 1);
  const std::string code = NewEnterprise();
  auto other_points_then = [&](grpc::Status* status) {
    grpc::ClientContext context;
    v1::GetRatingRequest request;
    request.set_name(RatingName(code));
    *request.mutable_as_of() = Day(then);
    v1::Rating out;
    *status = other->GetRating(&context, request, &out);
    return out.points();
  };

  const v1::Rating today_before = MustGet(code);
  EXPECT_EQ(MustGet(code, then).points(), 9);
  grpc::Status status;
  const absl::Time asked = absl::Now();
  int points = 0;
  do {  // the enterprise reaches the second server with the feed
    points = other_points_then(&status);
  } while (!status.ok() && absl::Now() - asked < absl::Seconds(10));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(points, 9);

  // A fine of January 2022, entered now: it ended in July 2022.
  Decide(code, "宁环罚〔2022〕L1号", absl::CivilDay(2022, 1, 10));
  const v1::Rating today_after = MustGet(code);
  EXPECT_EQ(today_after.points(), today_before.points());
  EXPECT_EQ(today_after.revision(), today_before.revision());  // no rating change
  EXPECT_EQ(MustGet(code, then).points(), 6);  // 9 − 3, at once
  const absl::Time written = absl::Now();
  do {
    points = other_points_then(&status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    if (points == 6) break;
    absl::SleepFor(absl::Milliseconds(10));
  } while (absl::Now() - written < absl::Seconds(10));
  EXPECT_EQ(points, 6);
  std::cerr << "second server's as-of answer changed after " << absl::Now() - written
            << "\n";
}

TEST_F(RatingsE2eTest, ListFiltersByLevelAndRollTwiceChangesNothing) {
  SetToday(absl::CivilDay(2024, 6, 1));
  const std::string red = NewEnterprise();
  Decide(red, "宁环罚〔2024〕R1号", absl::CivilDay(2024, 5, 30), v1::LICENCE_REVOCATION);
  grpc::ClientContext context;
  v1::ListRatingsRequest request;
  request.add_levels(v1::RED);
  request.set_page_size(1000);
  v1::ListRatingsResponse response;
  ASSERT_TRUE(ratings_->ListRatings(&context, request, &response).ok());
  std::set<std::string> codes;
  for (const auto& r : response.ratings()) {
    EXPECT_EQ(r.level(), v1::RED);
    codes.insert(r.credit_code());
  }
  EXPECT_TRUE(codes.count(red));

  grpc::ClientContext roll1;
  v1::RollRatingsRequest roll;
  v1::RollRatingsResponse rolled;
  ASSERT_TRUE(ratings_->RollRatings(&roll1, roll, &rolled).ok());
  grpc::ClientContext roll2;
  ASSERT_TRUE(ratings_->RollRatings(&roll2, roll, &rolled).ok());
  EXPECT_EQ(rolled.enterprises_examined(), 0);
  EXPECT_EQ(rolled.ratings_changed(), 0);
  grpc::ClientContext future;
  *roll.mutable_date() = Day(absl::CivilDay(2024, 6, 2));
  grpc::Status status = ratings_->RollRatings(&future, roll, &rolled);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).field, "date");
}

}  // namespace
}  // namespace envcredit
