// The database freezes (its process SIGSTOPped for 15 s, issue 13 finding 4)
// while clients write: every wait on it is bounded, so calls fail fast with
// UNAVAILABLE instead of hanging to the client's deadline; health turns
// NOT_SERVING during the freeze and SERVING after SIGCONT, each with one log
// line; the log does not get a line per failed call; and after SIGCONT
// writes succeed and nothing acknowledged was lost.
//
// The server runs with short timeouts (connect 1 s, read/write 3 s, lock wait
// 2 s, checkout 1 s, probe every 250 ms) so the bound checked here,
// kCallBound, is far below the freeze: a call caught in a statement when the
// database froze waits for the read timeout; every later one fails at once
// because the database is known unreachable. The database is always
// SIGCONTed: by a guard when the test returns or fails, and by a watchdog
// process of its own should the test process die while it is frozen.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fcntl.h>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
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
constexpr int kWriters = 4;
constexpr absl::Duration kFreeze = absl::Seconds(15);
// The client's deadline: what a call would hang to without the bounds.
constexpr absl::Duration kClientDeadline = absl::Seconds(30);
// The promise checked: read timeout (3 s) plus room for a slow machine.
constexpr absl::Duration kCallBound = absl::Seconds(6);
// Health must say NOT_SERVING this soon after the freeze, SERVING this soon
// after SIGCONT.
constexpr absl::Duration kHealthBound = absl::Seconds(6);
// The watchdog's SIGCONT, should the test die with the database frozen.
constexpr int kWatchdogSeconds = 40;

struct WriteOutcome {
  v1::CreatePenaltyDecisionRequest request;
  grpc::Status status;
  std::string name;
  absl::Time start, end;
};

struct HealthSample {
  absl::Time at;
  bool answered = false;
  grpc::health::v1::HealthCheckResponse::ServingStatus status =
      grpc::health::v1::HealthCheckResponse::UNKNOWN;
};

// SIGSTOPs a process and always SIGCONTs it: Resume(), the destructor, or a
// watchdog shell (no PR_SET_PDEATHSIG: it outlives a crashed test) after
// kWatchdogSeconds. Only the pids it was given or started are signalled.
class Freeze {
 public:
  explicit Freeze(pid_t pid) : pid_(pid) {
    const std::string script =
        absl::StrCat("sleep ", kWatchdogSeconds, "; kill -CONT ", pid_, " 2>/dev/null");
    watchdog_ = fork();
    if (watchdog_ == 0) {
      setsid();
      int null = open("/dev/null", O_RDWR);
      if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
      }
      for (int fd = 3; fd < 1024; ++fd) close(fd);  // no pipe of CTest held
      execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    frozen_ = kill(pid_, SIGSTOP) == 0;
  }
  ~Freeze() {
    Resume();
    if (watchdog_ > 0) {
      kill(watchdog_, SIGKILL);
      int status = 0;
      waitpid(watchdog_, &status, 0);
    }
  }
  bool frozen() const { return frozen_; }
  void Resume() {
    if (frozen_) kill(pid_, SIGCONT);
    frozen_ = false;
  }

 private:
  pid_t pid_;
  pid_t watchdog_ = -1;
  bool frozen_ = false;
};

class DatabaseFreezeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = FaultEnvironment::Create(
        "freeze", kToday,
        {"--db_connect_timeout_ms=1000", "--db_read_timeout_s=3", "--db_write_timeout_s=3",
         "--db_lock_wait_timeout_s=2", "--db_checkout_timeout_ms=1000",
         "--db_probe_interval_ms=250"});
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

FaultEnvironment* DatabaseFreezeTest::env_ = nullptr;

v1::CreatePenaltyDecisionRequest DecisionRequest(const std::string& code, int writer,
                                                 int seq) {
  v1::CreatePenaltyDecisionRequest request;
  request.set_parent(absl::StrCat("enterprises/", code));
  request.set_request_id(absl::StrCat("freeze-", writer, "-", seq));
  v1::PenaltyDecision* d = request.mutable_penalty_decision();
  d->set_authority(kAuthority);
  d->set_decision_number(absl::StrCat("宁环罚〔2024〕冻结", writer, "-", seq, "号"));
  d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
  *d->mutable_decision_date() = Day(absl::CivilDay(2024, 1, 1) + seq % 300);
  d->add_measures(v1::WARNING);
  return request;
}

pid_t DatabasePid(const std::string& dir) {
  pid_t pid = 0;
  std::string text = ReadFileOrEmpty(dir + "/db/mariadbd.pid");
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &pid)) return 0;
  return pid;
}

int CountLines(absl::string_view text, absl::string_view needle) {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StrContains(line, needle)) ++n;
  }
  return n;
}

TEST_F(DatabaseFreezeTest, CallsFailFastHealthFollowsAndNothingAcknowledgedIsLost) {
  std::vector<std::string> codes;
  for (int i = 0; i < kWriters; ++i) codes.push_back(Uscc("FR", i + 1));
  ASSERT_OK(CreateEnterprises(env_->Channel(), codes));
  const pid_t db_pid = DatabasePid(env_->database().dir());
  ASSERT_GT(db_pid, 0) << "no mariadbd pid under " << env_->database().dir();

  auto channel = env_->Channel();
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<WriteOutcome> writes;
  std::vector<HealthSample> health;
  std::vector<std::thread> threads;
  // Threads are joined however the test ends.
  struct Joiner {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop.store(true);
      for (std::thread& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } joiner{stop, threads};

  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w]() {
      auto records = v1::RecordService::NewStub(channel);
      for (int seq = 0; !stop.load(); ++seq) {
        WriteOutcome out;
        out.request = DecisionRequest(codes[w], w, seq);
        v1::PenaltyDecision stored;
        auto context = ContextWithDeadline(kClientDeadline);
        out.start = absl::Now();
        out.status = records->CreatePenaltyDecision(context.get(), out.request, &stored);
        out.end = absl::Now();
        out.name = stored.name();
        {
          std::lock_guard<std::mutex> lock(mu);
          writes.push_back(std::move(out));
        }
        absl::SleepFor(absl::Milliseconds(20));
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

  // Load, then the freeze.
  absl::SleepFor(absl::Seconds(1));
  const size_t log_before = env_->server()->Log().size();
  absl::Time frozen_at, resumed_at;
  {
    Freeze freeze(db_pid);
    frozen_at = absl::Now();
    ASSERT_TRUE(freeze.frozen()) << "cannot SIGSTOP mariadbd " << db_pid;
    absl::SleepFor(kFreeze);
    // The time before the SIGCONT: a write that ended before it ended with
    // the database stopped. Read after the SIGCONT, a test thread held off
    // the core by a busy machine counted writes that started and succeeded
    // after the database was running again as "within the freeze" (CI,
    // 2026-12-05: three such OKs failed the test).
    resumed_at = absl::Now();
    freeze.Resume();
  }

  // Recovery: a write that started after SIGCONT succeeded, and SERVING.
  absl::Time recovered = absl::InfiniteFuture(), serving_again = absl::InfiniteFuture();
  for (const absl::Time give_up = resumed_at + absl::Seconds(15);
       absl::Now() < give_up &&
       (recovered == absl::InfiniteFuture() || serving_again == absl::InfiniteFuture());) {
    absl::SleepFor(absl::Milliseconds(50));
    std::lock_guard<std::mutex> lock(mu);
    for (const WriteOutcome& w : writes) {
      if (w.start >= resumed_at && w.status.ok()) recovered = std::min(recovered, w.end);
    }
    for (const HealthSample& h : health) {
      if (h.at >= resumed_at && h.answered &&
          h.status == grpc::health::v1::HealthCheckResponse::SERVING) {
        serving_again = std::min(serving_again, h.at);
      }
    }
  }
  absl::SleepFor(absl::Milliseconds(500));
  stop.store(true);
  for (std::thread& t : threads) t.join();
  const std::string log = env_->server()->Log().substr(log_before);

  // 1. Every call: OK or UNAVAILABLE (with ErrorInfo), within the bound.
  int during = 0, unavailable = 0, pool_exhausted = 0;
  absl::Duration longest, longest_during;
  for (const WriteOutcome& w : writes) {
    const absl::Duration took = w.end - w.start;
    longest = std::max(longest, took);
    const grpc::StatusCode code = w.status.error_code();
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE)
        << w.request.request_id() << ": " << Describe(w.status);
    EXPECT_LT(took, kCallBound) << w.request.request_id() << " took " << took << ": "
                                << Describe(w.status);
    if (code == grpc::StatusCode::UNAVAILABLE) {
      ++unavailable;
      const std::string reason = ReasonOf(w.status);
      EXPECT_TRUE(reason == "DB_UNAVAILABLE" || reason == "DB_POOL_EXHAUSTED" ||
                  absl::StartsWith(w.status.error_message(), "DB_UNAVAILABLE"))
          << Describe(w.status);
      if (reason == "DB_POOL_EXHAUSTED") ++pool_exhausted;
    }
    if (w.start >= frozen_at && w.end <= resumed_at) {
      ++during;
      longest_during = std::max(longest_during, took);
      EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE)
          << "a write that ran entirely while the database was frozen: "
          << w.request.request_id() << ": " << Describe(w.status);
    }
  }
  EXPECT_GT(during, 3 * kWriters) << "calls do not fail fast: only " << during
                                  << " ran entirely within the freeze";

  // 2. Health: NOT_SERVING during the freeze, SERVING after SIGCONT.
  absl::Time not_serving_at = absl::InfiniteFuture();
  for (const HealthSample& h : health) {
    if (h.at > frozen_at && h.at < resumed_at && h.answered &&
        h.status == grpc::health::v1::HealthCheckResponse::NOT_SERVING) {
      not_serving_at = std::min(not_serving_at, h.at);
    }
  }
  EXPECT_LT(not_serving_at - frozen_at, kHealthBound)
      << "health never said NOT_SERVING during the freeze (or late)";
  EXPECT_LT(serving_again - resumed_at, kHealthBound) << "health not SERVING after SIGCONT";
  EXPECT_LT(recovered - resumed_at, kHealthBound) << "no write succeeded after SIGCONT";

  // 3. The log: one line per transition, and no line per failed call (the
  //    access log's line per call aside).
  const int down_lines = CountLines(log, "; health NOT_SERVING");
  const int up_lines = CountLines(log, "; health SERVING");
  EXPECT_EQ(down_lines, 1) << InterestingLines(log);
  EXPECT_EQ(up_lines, 1) << InterestingLines(log);
  EXPECT_EQ(CountLines(log, "database unreachable: "), 1);
  EXPECT_EQ(CountLines(log, "database reachable again after "), 1);
  int other_lines = 0;
  std::string others;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    if (absl::StrContains(line, " access method=")) continue;
    ++other_lines;
    absl::StrAppend(&others, "[ freeze ]   ", line, "\n");
  }
  EXPECT_LT(other_lines, 40) << "for " << unavailable << " failed calls:\n"
                             << InterestingLines(log);
  EXPECT_GT(unavailable, 2 * other_lines) << InterestingLines(log);

  std::printf(
      "[ freeze ] %zu writes, %d UNAVAILABLE (%d DB_POOL_EXHAUSTED), %d ran entirely within "
      "the %s freeze; longest call %s (longest within the freeze %s); NOT_SERVING %s after "
      "SIGSTOP, SERVING %s and first write OK %s after SIGCONT; %d log lines besides the "
      "access log\n",
      writes.size(), unavailable, pool_exhausted, during, absl::FormatDuration(kFreeze).c_str(),
      absl::FormatDuration(longest).c_str(), absl::FormatDuration(longest_during).c_str(),
      absl::FormatDuration(not_serving_at - frozen_at).c_str(),
      absl::FormatDuration(serving_again - resumed_at).c_str(),
      absl::FormatDuration(recovered - resumed_at).c_str(), other_lines);
  std::printf("%s", others.c_str());

  // 4. Nothing acknowledged was lost; an UNAVAILABLE write is stored at most
  //    once, and its retry with the same request_id settles it.
  auto stored_decisions = [&]() {
    std::map<std::string, int64_t> by_number;
    for (const storage::Row& row : env_->database().Query(
             "SELECT decision_number, id FROM penalty_decisions WHERE authority = ?",
             {kAuthority})) {
      by_number[row.GetString(0)] = row.GetInt64(1);
    }
    return by_number;
  };
  const auto before_retry = stored_decisions();
  auto records = v1::RecordService::NewStub(env_->Channel());
  for (const WriteOutcome& w : writes) {
    const std::string& number = w.request.penalty_decision().decision_number();
    auto it = before_retry.find(number);
    if (w.status.ok()) {
      ASSERT_NE(it, before_retry.end()) << "acknowledged write lost: " << w.request.request_id();
      EXPECT_EQ(domain::IdOfRecordName(w.name), it->second) << w.name;
      continue;
    }
    // Retried as a client does: UNAVAILABLE again after its RetryInfo delay
    // (a probe that times out on a loaded machine may turn the database
    // "unreachable" for a moment after the freeze), a few times at most.
    v1::PenaltyDecision again;
    grpc::Status retried;
    for (int attempt = 0; attempt < 5; ++attempt) {
      if (attempt > 0) absl::SleepFor(absl::Seconds(1));
      auto context = ContextWithDeadline(absl::Seconds(10));
      retried = records->CreatePenaltyDecision(context.get(), w.request, &again);
      if (retried.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    }
    ASSERT_TRUE(retried.ok()) << "retry of " << w.request.request_id() << ": "
                              << Describe(retried);
    if (it != before_retry.end()) {
      EXPECT_EQ(domain::IdOfRecordName(again.name()), it->second)
          << "the retry of a write stored during the freeze must return it";
    }
  }
  EXPECT_EQ(stored_decisions().size(), writes.size())
      << "every write is stored exactly once after the retries";

  if (HasFailure()) std::printf("%s\n", InterestingLines(env_->AllServerLogs()).c_str());
}

}  // namespace
}  // namespace envcredit::faults
