// The database goes away for about two seconds while clients write and read
// (SPEC §8: "Database outages give UNAVAILABLE and the server recovers by
// itself when the database is back. No acknowledged write is ever lost.").
//
// Three client threads each create penalty decisions (each with a request_id)
// for two enterprises of their own and read ratings; meanwhile the test stops
// the private MariaDB (scripts/db.sh stop) and starts it again on the same
// folder and port. Then every client-visible outcome is checked against the
// tables:
//   - every call ended OK or UNAVAILABLE, within its deadline (no INTERNAL,
//     no hang); writes that ran while the database was down got UNAVAILABLE;
//   - the server recovered by itself: writes succeed again within a bound and
//     health is SERVING again (it was NOT_SERVING during the outage);
//   - every acknowledged write is stored exactly once, with its audit entry;
//   - a write that got UNAVAILABLE is stored at most once, and retrying it
//     with the same request_id returns the stored decision without a
//     duplicate (an UNAVAILABLE at COMMIT has an unknown outcome);
//   - every enterprise's current rating (cache) equals the rating recomputed
//     from its records, the ratings table agrees, and a rescore changes
//     nothing;
//   - a WatchRatingChanges stream open throughout received every change of
//     the feed exactly once, in cursor order, with no gap across the outage.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/domain/records.h"
#include "tests/faults/fault_support.h"
#include "tests/support/status_matchers.h"

namespace envcredit::faults {
namespace {

constexpr char kAuthority[] = "南京市生态环境局";
const absl::CivilDay kToday(2025, 1, 1);
constexpr int kWriters = 3;
constexpr absl::Duration kCallDeadline = absl::Seconds(5);
// How long the database stays down.
constexpr absl::Duration kOutage = absl::Seconds(2);
// The server must serve writes again within this time of the database
// answering (it pings once a second; a call finds a dead pooled connection,
// discards it and opens a new one).
constexpr absl::Duration kRecoveryBound = absl::Seconds(5);

struct WriteOutcome {
  v1::CreatePenaltyDecisionRequest request;
  grpc::Status status;
  std::string name;  // of the stored decision, when OK
  absl::Time start, end;
};

struct CallOutcome {
  std::string what;
  grpc::Status status;
  absl::Time start, end;
};

struct HealthSample {
  absl::Time at;
  bool answered = false;
  grpc::health::v1::HealthCheckResponse::ServingStatus status =
      grpc::health::v1::HealthCheckResponse::UNKNOWN;
};

class DatabaseOutageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Bound every attempt to reach the stopped database (a refused
    // connection is immediate on loopback; a half-stopped server might not).
    setenv("ENVCREDIT_DB_CONNECT_TIMEOUT_MS", "1000", 1);
    setenv("ENVCREDIT_DB_CHECKOUT_TIMEOUT_MS", "2000", 1);
    auto env = FaultEnvironment::Create("outage", kToday);
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(env_, nullptr) << "environment did not start"; }

  static FaultEnvironment* env_;
};

FaultEnvironment* DatabaseOutageTest::env_ = nullptr;

v1::CreatePenaltyDecisionRequest DecisionRequest(const std::string& code, int writer,
                                                 int seq) {
  v1::CreatePenaltyDecisionRequest request;
  request.set_parent(absl::StrCat("enterprises/", code));
  request.set_request_id(absl::StrCat("outage-", writer, "-", seq));
  v1::PenaltyDecision* d = request.mutable_penalty_decision();
  d->set_authority(kAuthority);
  d->set_decision_number(absl::StrCat("宁环罚〔2024〕故障", writer, "-", seq, "号"));
  d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
  *d->mutable_decision_date() = Day(absl::CivilDay(2024, 1, 1) + seq % 300);
  if (seq % 2 == 0) {
    d->add_measures(v1::FINE);
    d->set_fine_amount_fen(100000);
  } else {
    d->add_measures(v1::WARNING);
  }
  return request;
}

bool Within(const CallOutcome& c, absl::Time from, absl::Time to) {
  return c.start >= from && c.end <= to;
}

TEST_F(DatabaseOutageTest, WritesFailUnavailableDuringOutageNothingAcknowledgedIsLost) {
  std::vector<std::string> codes;
  for (int i = 0; i < 2 * kWriters; ++i) codes.push_back(Uscc("DA", i + 1));
  ASSERT_OK(CreateEnterprises(env_->Channel(), codes));

  auto channel = env_->Channel();
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<WriteOutcome> writes;
  std::vector<CallOutcome> reads;
  std::vector<HealthSample> health;

  // A watcher of the change feed for the whole test: it must receive every
  // change once, in cursor order, across the outage.
  grpc::ClientContext watch_context;
  std::vector<int64_t> watched;  // cursors in the order received
  grpc::Status watch_status;
  std::atomic<bool> watching{false};
  std::thread watcher([&]() {
    auto stub = v1::RatingService::NewStub(channel);
    v1::WatchRatingChangesRequest request;
    request.set_start_at_end(true);
    request.set_include_point_changes(true);
    auto reader = stub->WatchRatingChanges(&watch_context, request);
    v1::WatchRatingChangesResponse response;
    bool first = true;
    while (reader->Read(&response)) {
      std::lock_guard<std::mutex> lock(mu);
      if (first) watched.push_back(response.cursor());  // where it starts
      first = false;
      watching.store(true);
      for (const auto& c : response.changes()) watched.push_back(c.cursor());
    }
    watch_status = reader->Finish();
  });
  // An ASSERT that returns early must not leave the thread joinable.
  struct StopWatcher {
    grpc::ClientContext& context;
    std::thread& thread;
    ~StopWatcher() {
      if (thread.joinable()) {
        context.TryCancel();
        thread.join();
      }
    }
  } stop_watcher{watch_context, watcher};
  for (int i = 0; i < 500 && !watching.load(); ++i) absl::SleepFor(absl::Milliseconds(10));
  ASSERT_TRUE(watching.load()) << "the watcher did not start";

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w]() {
      auto records = v1::RecordService::NewStub(channel);
      auto ratings = v1::RatingService::NewStub(channel);
      for (int seq = 0; !stop.load(); ++seq) {
        const std::string& code = codes[2 * w + seq % 2];
        WriteOutcome out;
        out.request = DecisionRequest(code, w, seq);
        v1::PenaltyDecision stored;
        out.start = absl::Now();
        auto context = ContextWithDeadline(kCallDeadline);
        out.status = records->CreatePenaltyDecision(context.get(), out.request, &stored);
        out.end = absl::Now();
        out.name = stored.name();
        CallOutcome read;
        read.what = absl::StrCat("GetRating ", code);
        v1::GetRatingRequest get;
        get.set_name(absl::StrCat("enterprises/", code, "/rating"));
        v1::Rating rating;
        read.start = absl::Now();
        auto read_context = ContextWithDeadline(kCallDeadline);
        read.status = ratings->GetRating(read_context.get(), get, &rating);
        read.end = absl::Now();
        {
          std::lock_guard<std::mutex> lock(mu);
          writes.push_back(std::move(out));
          reads.push_back(std::move(read));
        }
        absl::SleepFor(absl::Milliseconds(5));
      }
    });
  }
  threads.emplace_back([&]() {
    auto stub = grpc::health::v1::Health::NewStub(channel);
    while (!stop.load()) {
      HealthSample sample;
      grpc::health::v1::HealthCheckRequest request;
      grpc::health::v1::HealthCheckResponse response;
      auto context = ContextWithDeadline(absl::Seconds(1));
      grpc::Status status = stub->Check(context.get(), request, &response);
      sample.at = absl::Now();
      sample.answered = status.ok();
      sample.status = response.status();
      {
        std::lock_guard<std::mutex> lock(mu);
        health.push_back(sample);
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
  });

  // Load, then the outage.
  absl::SleepFor(absl::Milliseconds(1500));
  const absl::Time stop_begin = absl::Now();
  const absl::Status stopped = env_->database().Stop();
  const absl::Time db_down = absl::Now();
  absl::SleepFor(kOutage);
  const absl::Time start_begin = absl::Now();
  const absl::Status restarted = env_->database().Restart();
  const absl::Time db_up = absl::Now();

  // Recovery: the first write that started after the database answered and
  // succeeded, and health SERVING again.
  absl::Time recovered = absl::InfiniteFuture(), serving_again = absl::InfiniteFuture();
  const absl::Time give_up = db_up + absl::Seconds(15);
  while (absl::Now() < give_up &&
         (recovered == absl::InfiniteFuture() || serving_again == absl::InfiniteFuture())) {
    absl::SleepFor(absl::Milliseconds(50));
    std::lock_guard<std::mutex> lock(mu);
    for (const WriteOutcome& w : writes) {
      if (w.start >= db_up && w.status.ok()) recovered = std::min(recovered, w.end);
    }
    for (const HealthSample& h : health) {
      if (h.at >= db_up && h.answered &&
          h.status == grpc::health::v1::HealthCheckResponse::SERVING) {
        serving_again = std::min(serving_again, h.at);
      }
    }
  }
  // Keep the load on for a second after recovery.
  absl::SleepFor(absl::Seconds(1));
  stop.store(true);
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(stopped.ok()) << stopped;
  ASSERT_TRUE(restarted.ok()) << restarted;

  std::printf(
      "[ outage ] %zu writes, %zu reads; db stop took %s, down for %s, start took %s; "
      "first write OK %s after the database answered; health SERVING %s after\n",
      writes.size(), reads.size(), absl::FormatDuration(db_down - stop_begin).c_str(),
      absl::FormatDuration(start_begin - db_down).c_str(),
      absl::FormatDuration(db_up - start_begin).c_str(),
      absl::FormatDuration(recovered - db_up).c_str(),
      absl::FormatDuration(serving_again - db_up).c_str());

  // 1. Every call: OK or UNAVAILABLE, never after its deadline, never hung.
  int unavailable_writes = 0, unavailable_at_auth = 0, writes_while_down = 0;
  absl::Duration longest;
  for (const WriteOutcome& w : writes) {
    longest = std::max(longest, w.end - w.start);
    const grpc::StatusCode code = w.status.error_code();
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE)
        << "CreatePenaltyDecision " << w.request.request_id() << ": " << Describe(w.status);
    if (code == grpc::StatusCode::UNAVAILABLE) {
      ++unavailable_writes;
      // From a handler: ErrorInfo reason DB_UNAVAILABLE. From the token check
      // (the token cache lasts 2 s), which runs before any handler, the
      // reason can only lead the message (doc/access.md).
      if (ReasonOf(w.status).empty()) {
        ++unavailable_at_auth;
        EXPECT_TRUE(absl::StartsWith(w.status.error_message(), "DB_UNAVAILABLE: "))
            << Describe(w.status);
      } else {
        EXPECT_EQ(ReasonOf(w.status), "DB_UNAVAILABLE") << Describe(w.status);
      }
    }
    CallOutcome as_call{"", w.status, w.start, w.end};
    if (Within(as_call, db_down, start_begin)) {
      ++writes_while_down;
      EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE)
          << "a write that ran entirely while the database was down: "
          << w.request.request_id() << ": " << Describe(w.status);
    }
    // Writes that started once the server had recovered all succeed.
    if (w.start >= recovered) {
      EXPECT_TRUE(w.status.ok()) << "after recovery: " << w.request.request_id() << ": "
                                 << Describe(w.status);
    }
  }
  for (const CallOutcome& r : reads) {
    longest = std::max(longest, r.end - r.start);
    const grpc::StatusCode code = r.status.error_code();
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE)
        << r.what << ": " << Describe(r.status);
  }
  EXPECT_LT(longest, absl::Seconds(4)) << "a call took " << longest;
  std::printf("[ outage ] the longest call took %s\n", absl::FormatDuration(longest).c_str());
  EXPECT_GT(writes_while_down, 0) << "no write ran while the database was down";
  EXPECT_GT(unavailable_writes, 0);
  std::printf("[ outage ] %d writes got UNAVAILABLE, %d of them from the token check\n",
              unavailable_writes, unavailable_at_auth);

  // 2. The server recovered by itself; health followed the database.
  EXPECT_LT(recovered - db_up, kRecoveryBound);
  EXPECT_LT(serving_again - db_up, kRecoveryBound);
  bool not_serving_seen = false;
  for (const HealthSample& h : health) {
    if (h.at > db_down && h.at < db_up && h.answered &&
        h.status == grpc::health::v1::HealthCheckResponse::NOT_SERVING) {
      not_serving_seen = true;
    }
  }
  EXPECT_TRUE(not_serving_seen) << "health never said NOT_SERVING while the database was down";

  // 3. Acknowledged writes: stored exactly once, as the client was told.
  //    UNAVAILABLE ones: stored at most once; a retry with the same
  //    request_id returns the stored one and adds nothing.
  auto stored_decisions = [&]() {
    std::map<std::string, std::pair<int64_t, std::string>> by_number;
    for (const storage::Row& row : env_->database().Query(
             "SELECT d.decision_number, d.id, e.credit_code FROM penalty_decisions d "
             "JOIN enterprises e ON e.id = d.enterprise_id WHERE d.authority = ?",
             {kAuthority})) {
      by_number[row.GetString(0)] = {row.GetInt64(1), row.GetString(2)};
    }
    return by_number;
  };
  const auto before_retry = stored_decisions();
  auto records = v1::RecordService::NewStub(env_->Channel());
  int unknown_stored = 0, unknown_absent = 0;
  for (const WriteOutcome& w : writes) {
    const std::string& number = w.request.penalty_decision().decision_number();
    const std::string code = w.request.parent().substr(std::string("enterprises/").size());
    auto it = before_retry.find(number);
    if (w.status.ok()) {
      ASSERT_NE(it, before_retry.end())
          << "acknowledged write lost: " << w.request.request_id() << " " << number;
      EXPECT_EQ(it->second.second, code);
      EXPECT_EQ(domain::IdOfRecordName(w.name), it->second.first) << w.name;
      continue;
    }
    (it == before_retry.end() ? unknown_absent : unknown_stored)++;
    v1::PenaltyDecision again;
    auto context = ContextWithDeadline(kCallDeadline);
    grpc::Status retried = records->CreatePenaltyDecision(context.get(), w.request, &again);
    ASSERT_TRUE(retried.ok()) << "retry of " << w.request.request_id() << ": "
                              << Describe(retried);
    if (it != before_retry.end()) {
      EXPECT_EQ(domain::IdOfRecordName(again.name()), it->second.first)
          << "the retry of a write stored during the outage must return it";
    }
  }
  std::printf("[ outage ] UNAVAILABLE writes: %d stored anyway (commit outcome unknown), "
              "%d not stored; all retried\n",
              unknown_stored, unknown_absent);
  const auto after_retry = stored_decisions();
  EXPECT_EQ(after_retry.size(), writes.size())
      << "every write is stored once after the retries";
  for (const auto& [number, stored] : before_retry) {
    auto it = after_retry.find(number);
    ASSERT_NE(it, after_retry.end());
    EXPECT_EQ(it->second.first, stored.first) << "a retry replaced " << number;
  }
  EXPECT_EQ(env_->database().QueryInt(
                "SELECT COUNT(*) FROM penalty_decisions d JOIN enterprises e ON "
                "e.id = d.enterprise_id WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
                "WHERE a.resource = CONCAT('enterprises/', e.credit_code, "
                "'/penaltyDecisions/', d.id) AND a.outcome = 'OK')"),
            0)
      << "stored decisions without an audit entry";

  // 4. Ratings: the cache equals a recomputation from the records, and the
  //    ratings table agrees; a rescore finds nothing to change.
  auto ratings = v1::RatingService::NewStub(env_->Channel());
  for (const std::string& code : codes) {
    v1::Rating current, recomputed;
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    for (;;) {
      v1::GetRatingRequest request;
      request.set_name(absl::StrCat("enterprises/", code, "/rating"));
      auto c1 = ContextWithDeadline(kCallDeadline);
      ASSERT_TRUE(ratings->GetRating(c1.get(), request, &current).ok());
      *request.mutable_as_of() = Day(kToday);
      auto c2 = ContextWithDeadline(kCallDeadline);
      ASSERT_TRUE(ratings->GetRating(c2.get(), request, &recomputed).ok());
      if ((current.points() == recomputed.points() &&
           current.level() == recomputed.level()) ||
          absl::Now() > deadline) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(100));  // the feed follower catches up
    }
    EXPECT_EQ(current.points(), recomputed.points()) << code;
    EXPECT_EQ(current.level(), recomputed.level()) << code;
    EXPECT_EQ(env_->database().QueryInt("SELECT points FROM ratings WHERE credit_code = ?",
                                        {code}),
              recomputed.points())
        << code;
  }
  // 5. The watcher received every change of the feed once, in order.
  const int64_t last = env_->database().QueryInt(
      "SELECT MAX(cursor_id) FROM feed_events WHERE kind IN (1, 2)");
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!watched.empty() && watched.back() >= last) break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  watch_context.TryCancel();
  watcher.join();
  EXPECT_EQ(watch_status.error_code(), grpc::StatusCode::CANCELLED) << Describe(watch_status);
  ASSERT_FALSE(watched.empty());
  std::printf("[ outage ] the watcher received %zu changes (cursors %lld..%lld)\n",
              watched.size() - 1, static_cast<long long>(watched.front()),
              static_cast<long long>(watched.back()));
  const std::vector<int64_t> expected = env_->database().WatchedCursorsAfter(watched.front());
  const std::vector<int64_t> received(watched.begin() + 1, watched.end());
  for (size_t i = 0; i < std::max(expected.size(), received.size()); ++i) {
    const int64_t want = i < expected.size() ? expected[i] : -1;
    const int64_t got = i < received.size() ? received[i] : -1;
    if (want != got) {
      ADD_FAILURE() << "event " << i << " of the watch: cursor " << got << ", the feed has "
                    << want << " (-1: none)";
      break;
    }
  }
  EXPECT_EQ(watched.back(), last) << "the watcher did not catch up";

  absl::StatusOr<int64_t> changed = RescoreAll(env_->Channel());
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(*changed, 0) << "stored ratings that do not match their records";

  if (HasFailure()) std::printf("%s\n", InterestingLines(env_->AllServerLogs()).c_str());
}

}  // namespace
}  // namespace envcredit::faults
