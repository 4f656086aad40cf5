// SIGTERM while clients are busy (doc/architecture.md "Shutdown"): health
// goes NOT_SERVING, open watch streams end with UNAVAILABLE (reason
// SERVER_STOPPING, with the cursor to resume after), calls in flight get
// --shutdown_grace_seconds to finish, and the process exits 0.
//
// Four clients create penalty decisions and read ratings; two watchers follow
// WatchRatingChanges (point changes included). Then SIGTERM:
//   - every unary call ended OK, UNAVAILABLE or CANCELLED (never INTERNAL,
//     never a deadline);
//   - both watch streams end with UNAVAILABLE, reason SERVER_STOPPING and a
//     cursor in the message — a clean status from the server, not a broken
//     transport ("Socket closed" carries no reason);
//   - the server exits 0 within its grace period;
//   - every acknowledged write is stored, and a watcher that resumes after
//     the cursor it was given, on a restarted server, misses no change.
#include <signal.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/faults/fault_support.h"
#include "tests/support/status_matchers.h"

namespace envcredit::faults {
namespace {

const absl::CivilDay kToday(2025, 1, 1);
constexpr int kClients = 4;
constexpr int kGraceSeconds = 5;

struct Call {
  std::string what;
  grpc::Status status;
  absl::Time start, end;
};

struct WatchResult {
  int64_t start_cursor = -1;
  std::set<int64_t> cursors;  // of the changes received
  grpc::Status status;
};

class SigtermUnderLoadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = FaultEnvironment::Create(
        "sigterm", kToday, {absl::StrCat("--shutdown_grace_seconds=", kGraceSeconds)});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(env_, nullptr) << "environment did not start"; }

  // Follows the feed after `after_cursor` (start at the end when < 0) until
  // the stream ends; `started` is set once the first response arrived.
  static WatchResult Watch(const std::shared_ptr<grpc::Channel>& channel, int64_t after_cursor,
                           absl::Duration deadline, std::atomic<int>* started) {
    WatchResult result;
    auto stub = v1::RatingService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    v1::WatchRatingChangesRequest request;
    request.set_include_point_changes(true);
    if (after_cursor < 0) {
      request.set_start_at_end(true);
    } else {
      request.set_after_cursor(after_cursor);
    }
    auto reader = stub->WatchRatingChanges(&context, request);
    v1::WatchRatingChangesResponse response;
    bool first = true;
    while (reader->Read(&response)) {
      if (first) {
        result.start_cursor = response.cursor();
        if (started != nullptr) started->fetch_add(1);
        first = false;
      }
      for (const auto& c : response.changes()) result.cursors.insert(c.cursor());
      for (const auto& c : response.list_changes()) result.cursors.insert(c.cursor());
    }
    result.status = reader->Finish();
    return result;
  }

  static FaultEnvironment* env_;
};

FaultEnvironment* SigtermUnderLoadTest::env_ = nullptr;

TEST_F(SigtermUnderLoadTest, CallsEndCleanlyWatchersGetServerStoppingAndTheServerExitsZero) {
  std::vector<std::string> codes;
  for (int i = 0; i < 2 * kClients; ++i) codes.push_back(Uscc("TM", i + 1));
  ASSERT_OK(CreateEnterprises(env_->Channel(), codes));
  auto channel = env_->Channel();

  // Two watchers, established before the load starts.
  std::atomic<int> watchers_started{0};
  WatchResult watched[2];
  std::vector<std::thread> watchers;
  for (int w = 0; w < 2; ++w) {
    watchers.emplace_back([&, w]() {
      watched[w] = Watch(channel, -1, absl::Seconds(60), &watchers_started);
    });
  }
  const absl::Time wait_until = absl::Now() + absl::Seconds(10);
  while (watchers_started.load() < 2 && absl::Now() < wait_until) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  // No ASSERT while threads run: SIGTERM below ends them all.
  EXPECT_EQ(watchers_started.load(), 2) << "the watchers did not start";

  // Clients.
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<Call> calls;
  std::map<std::string, std::string> acknowledged;  // decision number -> code
  std::vector<v1::CreatePenaltyDecisionRequest> unanswered;  // failed writes
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t]() {
      auto records = v1::RecordService::NewStub(channel);
      auto ratings = v1::RatingService::NewStub(channel);
      for (int seq = 0; !stop.load(); ++seq) {
        const std::string& code = codes[2 * t + seq % 2];
        v1::CreatePenaltyDecisionRequest request;
        request.set_parent(absl::StrCat("enterprises/", code));
        request.set_request_id(absl::StrCat("sigterm-", t, "-", seq));
        v1::PenaltyDecision* d = request.mutable_penalty_decision();
        d->set_authority("南京市生态环境局");
        d->set_decision_number(absl::StrCat("宁环罚〔2024〕停机", t, "-", seq, "号"));
        d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
        *d->mutable_decision_date() = Day(absl::CivilDay(2024, 1, 1) + seq % 300);
        d->add_measures(v1::WARNING);
        v1::PenaltyDecision out;
        const absl::Time t0 = absl::Now();
        auto c1 = ContextWithDeadline(absl::Seconds(10));
        grpc::Status written = records->CreatePenaltyDecision(c1.get(), request, &out);
        const absl::Time t1 = absl::Now();
        v1::GetRatingRequest get;
        get.set_name(absl::StrCat("enterprises/", code, "/rating"));
        v1::Rating rating;
        auto c2 = ContextWithDeadline(absl::Seconds(10));
        grpc::Status read = ratings->GetRating(c2.get(), get, &rating);
        const absl::Time t2 = absl::Now();
        {
          std::lock_guard<std::mutex> lock(mu);
          calls.push_back({"CreatePenaltyDecision " + request.request_id(), written, t0, t1});
          calls.push_back({"GetRating " + code, read, t1, t2});
          if (written.ok()) {
            acknowledged[d->decision_number()] = code;
          } else {
            unanswered.push_back(request);
          }
        }
        if (!written.ok() || !read.ok()) absl::SleepFor(absl::Milliseconds(50));
      }
    });
  }

  // A long call (a batch of 1,000 decisions, about a second here) in flight
  // when SIGTERM comes: it must be let finish.
  absl::SleepFor(absl::Milliseconds(1500));
  grpc::Status batch_status;
  absl::Time batch_sent, batch_done;
  v1::BatchCreatePenaltyDecisionsRequest batch;
  for (int i = 0; i < 1000; ++i) {
    v1::CreatePenaltyDecisionRequest* r = batch.add_requests();
    r->set_parent(absl::StrCat("enterprises/", codes[i % codes.size()]));
    r->set_request_id(absl::StrCat("sigterm-batch-", i));
    v1::PenaltyDecision* d = r->mutable_penalty_decision();
    d->set_authority("南京市生态环境局");
    d->set_decision_number(absl::StrCat("宁环罚〔2024〕停机批量", i, "号"));
    d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
    *d->mutable_decision_date() = Day(absl::CivilDay(2024, 6, 1));
    d->add_measures(v1::WARNING);
  }
  std::thread batcher([&]() {
    auto records = v1::RecordService::NewStub(channel);
    v1::BatchCreatePenaltyDecisionsResponse response;
    auto context = ContextWithDeadline(absl::Seconds(30));
    batch_sent = absl::Now();
    batch_status = records->BatchCreatePenaltyDecisions(context.get(), batch, &response);
    batch_done = absl::Now();
  });
  {
    // SIGTERM once the batch's transaction has inserted rows (a dirty read
    // sees them before its commit): the call is surely running.
    absl::StatusOr<storage::Session> session = env_->database().db().Checkout();
    EXPECT_TRUE(session.ok()) << session.status();
    const bool dirty =
        session.ok() &&
        session->ExecuteUnprepared("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED")
            .ok();
    EXPECT_TRUE(dirty);
    if (session.ok()) session->Discard();  // the isolation level stays out of the pool
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (dirty && absl::Now() < give_up) {
      auto row = session->QueryRow(
          "SELECT COUNT(*) FROM penalty_decisions WHERE decision_number LIKE ?",
          {"宁环罚〔2024〕停机批量%"});
      if (row.ok() && row->has_value() && (*row)->GetInt64(0) > 0) break;
    }
  }
  const absl::Time term = absl::Now();
  absl::StatusOr<int> exit_code =
      env_->StopServer(SIGTERM, absl::Seconds(kGraceSeconds + 10));
  const absl::Duration stop_took = absl::Now() - term;
  absl::SleepFor(absl::Milliseconds(200));  // a few calls to a stopped server
  stop.store(true);
  for (std::thread& t : clients) t.join();
  for (std::thread& t : watchers) t.join();
  batcher.join();

  // 1. The process: exit code 0, within the grace period.
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
  EXPECT_LT(stop_took, absl::Seconds(kGraceSeconds + 1));

  // 2. Unary calls. Summarised by when they started: before SIGTERM, during
  //    the shutdown, after the exit (refused at once).
  const absl::Time exited = term + stop_took;
  std::map<std::string, int> by_phase;
  for (const Call& c : calls) {
    const grpc::StatusCode code = c.status.error_code();
    const char* phase = c.start < term ? "before" : c.start < exited ? "during" : "after";
    ++by_phase[absl::StrCat(phase, " ", CodeName(code))];
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE ||
                code == grpc::StatusCode::CANCELLED)
        << c.what << ": " << Describe(c.status);
    if (code != grpc::StatusCode::OK && c.start < exited &&
        !absl::StrContains(c.status.error_message(), "Connection refused")) {
      std::printf("[ sigterm ] %s (%s, ended %s after SIGTERM): %s\n", c.what.c_str(), phase,
                  absl::FormatDuration(c.end - term).c_str(), Describe(c.status).c_str());
    }
  }
  std::string summary;
  for (const auto& [key, n] : by_phase) absl::StrAppend(&summary, "; ", key, " ", n);
  std::printf("[ sigterm ] the server exited %d after %s; %zu calls%s\n", *exit_code,
              absl::FormatDuration(stop_took).c_str(), calls.size(), summary.c_str());

  // The long call in flight at SIGTERM was let finish.
  std::printf("[ sigterm ] a batch of 1000 decisions sent %s before SIGTERM ended %s after "
              "it: %s\n",
              absl::FormatDuration(term - batch_sent).c_str(),
              absl::FormatDuration(batch_done - term).c_str(), Describe(batch_status).c_str());
  EXPECT_GT(batch_done, term) << "the batch finished before SIGTERM: nothing was tested";
  EXPECT_TRUE(batch_status.ok()) << "the call in flight at SIGTERM: " << Describe(batch_status);
  if (batch_status.ok()) {
    EXPECT_EQ(env_->database().QueryInt("SELECT COUNT(*) FROM penalty_decisions WHERE "
                                        "decision_number LIKE '宁环罚〔2024〕停机批量%'"),
              1000);
  }

  // 3. Watchers: a clean UNAVAILABLE with SERVER_STOPPING and the cursor.
  int64_t resume_after[2] = {-1, -1};
  for (int w = 0; w < 2; ++w) {
    const grpc::Status& s = watched[w].status;
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << "watcher " << w << ": "
                                                             << Describe(s);
    EXPECT_EQ(ReasonOf(s), "SERVER_STOPPING") << "watcher " << w << ": " << Describe(s);
    const std::string marker = "resume after cursor ";
    const size_t at = s.error_message().rfind(marker);
    ASSERT_NE(at, std::string::npos) << Describe(s);
    ASSERT_TRUE(absl::SimpleAtoi(s.error_message().substr(at + marker.size()), &resume_after[w]))
        << Describe(s);
    EXPECT_FALSE(watched[w].cursors.empty()) << "watcher " << w << " saw no change";
    if (!watched[w].cursors.empty()) {
      // The last one sent, or a later records change (not sent to watchers).
      const int64_t last_sent = *watched[w].cursors.rbegin();
      EXPECT_GE(resume_after[w], last_sent);
      const std::vector<int64_t> skipped = env_->database().WatchedCursorsAfter(last_sent);
      EXPECT_TRUE(skipped.empty() || skipped.front() > resume_after[w])
          << "the cursor to resume after skips change " << skipped.front();
    }
    std::printf("[ sigterm ] watcher %d: %zu changes after cursor %lld, then %s\n", w,
                watched[w].cursors.size(), static_cast<long long>(watched[w].start_cursor),
                Describe(s).c_str());
  }

  // 4. Nothing acknowledged is lost; a watcher resuming after its cursor on a
  //    restarted server misses nothing.
  ASSERT_TRUE(env_->StartServer().ok());
  for (const auto& [number, code] : acknowledged) {
    EXPECT_EQ(env_->database().QueryInt(
                  "SELECT COUNT(*) FROM penalty_decisions d JOIN enterprises e ON "
                  "e.id = d.enterprise_id WHERE d.decision_number = ? AND e.credit_code = ?",
                  {number, code}),
              1)
        << "acknowledged " << number;
  }
  // A write that failed (CANCELLED or UNAVAILABLE during the shutdown) may or
  // may not have been stored; its retry with the same request_id stores it
  // exactly once.
  auto records = v1::RecordService::NewStub(env_->Channel());
  int failed_but_stored = 0;
  for (const v1::CreatePenaltyDecisionRequest& request : unanswered) {
    const std::string& number = request.penalty_decision().decision_number();
    const int64_t before = env_->database().QueryInt(
        "SELECT COUNT(*) FROM penalty_decisions WHERE decision_number = ?", {number});
    EXPECT_LE(before, 1) << number;
    failed_but_stored += before;
    v1::PenaltyDecision out;
    auto context = ContextWithDeadline(absl::Seconds(10));
    grpc::Status status = records->CreatePenaltyDecision(context.get(), request, &out);
    EXPECT_TRUE(status.ok()) << request.request_id() << ": " << Describe(status);
    EXPECT_EQ(env_->database().QueryInt(
                  "SELECT COUNT(*) FROM penalty_decisions WHERE decision_number = ?", {number}),
              1)
        << number;
  }
  std::printf("[ sigterm ] %zu writes failed; %d of them had been stored; all retried once\n",
              unanswered.size(), failed_but_stored);
  WatchResult resumed = Watch(env_->Channel(), resume_after[0], absl::Seconds(2), nullptr);
  EXPECT_EQ(resumed.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << Describe(resumed.status);
  std::set<int64_t> seen = watched[0].cursors;
  seen.insert(resumed.cursors.begin(), resumed.cursors.end());
  for (int64_t cursor : env_->database().WatchedCursorsAfter(watched[0].start_cursor)) {
    if (!seen.count(cursor)) {
      ADD_FAILURE() << "watcher 0 never received cursor " << cursor << " (resumed after "
                    << resume_after[0] << ")";
      break;
    }
  }

  if (HasFailure()) std::printf("%s\n", InterestingLines(env_->AllServerLogs()).c_str());
}

}  // namespace
}  // namespace envcredit::faults
