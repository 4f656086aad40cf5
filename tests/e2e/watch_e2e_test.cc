// WatchRatingChanges end to end (issue 14 item 3): the real envcredit-server
// on the private MariaDB, watches over a socket.
//
// - A watcher that stops reading is ended with RESOURCE_EXHAUSTED,
//   WATCHER_TOO_SLOW and a resume_cursor, while a fast watcher on the same
//   server receives every event in order; resuming from resume_cursor gives
//   the rest, no gap, no duplicate.
// - 200 concurrent watchers (callback client, four channels) all receive
//   the same events, and the server's thread count does not grow per watch.
//
// Nothing here asserts speed: every wait is a deadline for a hang, never a
// sleep. Events are first ratings of new enterprises (one feed event each).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/raw_call.h"
#include "tests/e2e/server_process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_uscc.h"

namespace envcredit {
namespace {

using Response = v1::WatchRatingChangesResponse;
using testing::DetailsOf;

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

std::string Uscc(int serial) { return testing::TestUscc("WA", serial); }

// Every event cursor of a response (ratings and lists), in order.
void AppendCursors(const Response& r, std::vector<int64_t>* out) {
  const size_t from = out->size();
  for (const auto& c : r.changes()) out->push_back(c.cursor());
  for (const auto& c : r.list_changes()) out->push_back(c.cursor());
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(from), out->end());
}

// Empty when `cursors` is exactly first, first+1, …, last; else what is wrong.
std::string GapsOrDuplicates(const std::vector<int64_t>& cursors, int64_t first,
                             int64_t last) {
  if (last < first) return absl::StrCat("nothing expected, got ", cursors.size());
  for (size_t i = 0; i < cursors.size(); ++i) {
    if (cursors[i] != first + static_cast<int64_t>(i)) {
      return absl::StrCat("at ", i, " of ", cursors.size(), ": cursor ", cursors[i],
                          ", expected ", first + static_cast<int64_t>(i));
    }
  }
  if (cursors.size() != static_cast<size_t>(last - first + 1)) {
    return absl::StrCat("expected ", last - first + 1, " events ", first, "..", last,
                        ", got ", cursors.size(), " (",
                        cursors.empty() ? std::string("none") :
                        absl::StrCat(cursors.front(), "..", cursors.back()), ")");
  }
  return "";
}

// ErrorInfo metadata["resume_cursor"] of a failed call; -1 when absent.
int64_t ResumeCursorOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return -1;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (!any.UnpackTo(&info)) continue;
    auto it = info.metadata().find("resume_cursor");
    int64_t cursor = -1;
    if (it != info.metadata().end() && absl::SimpleAtoi(it->second, &cursor)) {
      return cursor;
    }
  }
  return -1;
}

// The server's thread count (/proc/<pid>/status "Threads:"); -1 if unread.
int ThreadsOf(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    int n = 0;
    if (line.rfind("Threads:", 0) == 0 &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(8)), &n)) {
      return n;
    }
  }
  return -1;
}

class WatchE2eTest : public ::testing::Test {
 protected:
  // One server per test: the slow-watcher test wants a tiny queue, the
  // crowd test the default.
  void StartServer(std::vector<std::string> flags) {
    auto db = testing::TestDatabase::Create("e2e_watch");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = std::move(*db);
    flags.push_back("--feed_poll_ms=50");
    auto server = testing::ServerProcess::Start(database_->config(), flags);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    token_ = server_->admin_token();
    channel_ = testing::AuthedChannel(server_->address(), token_);
    enterprises_ = v1::EnterpriseService::NewStub(channel_);
    ratings_ = v1::RatingService::NewStub(channel_);
  }

  // A channel of its own (its own connection).
  std::shared_ptr<grpc::Channel> OwnChannel(grpc::ChannelArguments args = {}) {
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetString("envcredit.test.channel", absl::StrCat(++channels_));
    return testing::AuthedChannel(server_->address(), token_,
                                  grpc::InsecureChannelCredentials(), args);
  }

  // One new enterprise: one feed event (its first rating).
  void NewEnterprise() {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::CreateEnterpriseRequest request;
    request.mutable_enterprise()->set_credit_code(Uscc(++serial_));
    request.mutable_enterprise()->set_display_name("（虚构）监听示例有限公司");
    request.mutable_enterprise()->set_industry(v1::CHEMICALS);
    v1::Enterprise out;
    grpc::Status status = enterprises_->CreateEnterprise(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The last cursor committed: the first response of a watch at the end.
  int64_t EndCursor() {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::WatchRatingChangesRequest request;
    request.set_start_at_end(true);
    auto reader = ratings_->WatchRatingChanges(&context, request);
    Response first;
    const bool read = reader->Read(&first);
    context.TryCancel();
    reader->Finish();
    EXPECT_TRUE(read);
    return read ? first.cursor() : -1;
  }

  // Ends the events of a test for watchers that stop at the first cursor
  // past `target`: sets it to the last cursor committed, then commits one
  // more event, the last each of them receives. Returns its cursor.
  int64_t Seal(std::atomic<int64_t>* target) {
    const int64_t last = EndCursor();
    target->store(last);
    NewEnterprise();
    const int64_t sealed = EndCursor();
    EXPECT_EQ(sealed, last + 1);
    return sealed;
  }

  // Reads after `after` until a response's cursor reaches `until`; the
  // cursors of every event read.
  std::vector<int64_t> ReadUntil(v1::RatingService::Stub& stub, int64_t after,
                                 int64_t until, grpc::Status* status) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    v1::WatchRatingChangesRequest request;
    request.set_after_cursor(after);
    request.set_include_point_changes(true);
    auto reader = stub.WatchRatingChanges(&context, request);
    std::vector<int64_t> cursors;
    Response response;
    while (reader->Read(&response)) {
      AppendCursors(response, &cursors);
      if (response.cursor() >= until) break;
    }
    context.TryCancel();
    *status = reader->Finish();
    return cursors;
  }

  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::string token_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EnterpriseService::Stub> enterprises_;
  std::unique_ptr<v1::RatingService::Stub> ratings_;
  int serial_ = 0;
  int channels_ = 0;
};

// A watcher reads its first response, then stops reading while 600 events
// happen; its channel announces a small HTTP/2 window, so the server's
// writes to it stall and its queue (--watch_queue_events=200) overflows. A
// fast watcher on another connection meanwhile gets every event in order.
// When the slow one reads again it gets what was buffered, then
// RESOURCE_EXHAUSTED WATCHER_TOO_SLOW with resume_cursor = the last cursor
// it was sent; resuming there yields the rest without gap or duplicate.
TEST_F(WatchE2eTest, ASlowWatcherEndsWithAResumeCursorAndNeverHoldsBackAFastOne) {
  // 200, not less: the feed hands a watcher what it read since its last
  // poll at once, and on a loaded machine (the sanitized suite) that can be
  // tens of events; a queue below that would end the fast watcher too.
  StartServer({"--watch_queue_events=200"});
  const int64_t start = EndCursor();
  ASSERT_GE(start, 0);

  grpc::ChannelArguments small_window;
  small_window.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  small_window.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 1024);
  auto slow_stub = v1::RatingService::NewStub(OwnChannel(small_window));
  grpc::ClientContext slow_context;
  slow_context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
  v1::WatchRatingChangesRequest request;
  request.set_after_cursor(start);
  request.set_include_point_changes(true);
  auto slow = slow_stub->WatchRatingChanges(&slow_context, request);
  Response first;
  ASSERT_TRUE(slow->Read(&first));
  EXPECT_EQ(first.cursor(), start);

  // The fast watcher, on its own connection, reads as events come.
  std::atomic<int64_t> target{kNever};
  std::vector<int64_t> fast_cursors;
  grpc::Status fast_status;
  auto fast_stub = v1::RatingService::NewStub(OwnChannel());
  std::thread fast([&] {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    auto reader = fast_stub->WatchRatingChanges(&context, request);
    Response response;
    while (reader->Read(&response)) {
      AppendCursors(response, &fast_cursors);
      if (response.cursor() > target.load()) break;
    }
    context.TryCancel();
    fast_status = reader->Finish();
  });

  constexpr int kEvents = 600;
  for (int i = 0; i < kEvents; ++i) {
    NewEnterprise();
    if (HasFatalFailure()) break;
  }
  const int64_t last = Seal(&target);
  fast.join();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(last, start + kEvents + 1);
  // The fast watcher: every event, in order, and it was not ended.
  EXPECT_EQ(GapsOrDuplicates(fast_cursors, start + 1, last), "")
      << "fast watcher ended with " << fast_status.error_code() << " "
      << fast_status.error_message();
  EXPECT_EQ(fast_status.error_code(), grpc::StatusCode::CANCELLED)
      << fast_status.error_message();

  // The slow watcher reads again: what was buffered, then its end.
  std::vector<int64_t> slow_cursors;
  Response response;
  int64_t sent = start;
  while (slow->Read(&response)) {
    AppendCursors(response, &slow_cursors);
    sent = response.cursor();
  }
  const grpc::Status status = slow->Finish();
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_EQ(DetailsOf(status).reason, "WATCHER_TOO_SLOW");
  const int64_t resume = ResumeCursorOf(status);
  std::printf("slow watcher: %zu of %d events before WATCHER_TOO_SLOW (resume_cursor %lld)\n",
              slow_cursors.size(), kEvents + 1, static_cast<long long>(resume));
  EXPECT_EQ(resume, sent) << "resume_cursor is the last cursor it was sent";
  EXPECT_LT(resume, last) << "it was ended before the end of the feed";
  EXPECT_EQ(GapsOrDuplicates(slow_cursors, start + 1, resume), "");

  // Resuming from resume_cursor: the rest, exactly.
  grpc::Status resumed_status;
  const std::vector<int64_t> rest = ReadUntil(*ratings_, resume, last, &resumed_status);
  EXPECT_EQ(GapsOrDuplicates(rest, resume + 1, last), "");
  EXPECT_EQ(resumed_status.error_code(), grpc::StatusCode::CANCELLED)
      << resumed_status.error_message();
  std::vector<int64_t> all = slow_cursors;
  all.insert(all.end(), rest.begin(), rest.end());
  EXPECT_EQ(GapsOrDuplicates(all, start + 1, last), "");
}

// One watch on the callback client API: reads until a response's cursor
// passes the shared target, then cancels.
class Watcher final : public grpc::ClientReadReactor<Response> {
 public:
  struct Board {
    absl::Mutex mu;
    int ready ABSL_GUARDED_BY(mu) = 0;    // first response received
    int reached ABSL_GUARDED_BY(mu) = 0;  // cursor passed the target
    int done ABSL_GUARDED_BY(mu) = 0;     // OnDone
  };

  Watcher(v1::RatingService::Stub* stub, int64_t after,
          const std::atomic<int64_t>* target, Board* board)
      : target_(*target), board_(*board) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(180)));
    request_.set_after_cursor(after);
    request_.set_include_point_changes(true);
    stub->async()->WatchRatingChanges(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    bool reached = false;
    {
      absl::MutexLock lock(&board_.mu);
      if (!got_first_) {
        got_first_ = true;
        first_cursor_ = response_.cursor();
        ++board_.ready;
      }
      AppendCursors(response_, &cursors_);
      if (response_.cursor() > target_.load()) {
        reached = true;
        ++board_.reached;
      }
    }
    if (reached) {
      context_.TryCancel();
      return;
    }
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&board_.mu);
    status_ = status;
    ++board_.done;
  }

  // After OnDone.
  const std::vector<int64_t>& cursors() const { return cursors_; }
  int64_t first_cursor() const { return first_cursor_; }
  const grpc::Status& status() const { return status_; }
  void Cancel() { context_.TryCancel(); }

 private:
  const std::atomic<int64_t>& target_;
  Board& board_;
  grpc::ClientContext context_;
  v1::WatchRatingChangesRequest request_;
  Response response_;
  bool got_first_ = false;
  int64_t first_cursor_ = -1;
  std::vector<int64_t> cursors_;
  grpc::Status status_;
};

// 200 watches on four connections, one client process, no thread per
// watch on either side: all receive the same 40 events in order, and the
// server's thread count stays below 100 (and within 40 of what it was
// before the watches) while all 200 are open.
// The watch reads its request itself (raw bytes: server/api/watch_calls.h),
// so bytes that are no WatchRatingChangesRequest are refused by our code, not
// gRPC's: INVALID_ARGUMENT MALFORMED_REQUEST, and only after the access check
// (without a token the answer is UNAUTHENTICATED, as for every method).
TEST_F(WatchE2eTest, AnUnparsableRequestIsRefusedAfterTheAccessCheck) {
  StartServer({});
  // Field 1 as length-delimited, claiming 5 bytes and holding 2.
  const std::string truncated("\x0a\x05" "ab", 4);
  auto call = [&](const std::shared_ptr<grpc::Channel>& channel) {
    return testing::CallRaw(channel, "/envcredit.v1.RatingService/WatchRatingChanges",
                            truncated, std::chrono::seconds(10))
        .status;
  };
  const grpc::Status refused = call(channel_);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << refused.error_message();
  EXPECT_EQ(DetailsOf(refused).reason, "MALFORMED_REQUEST");
  const grpc::Status anonymous = call(testing::AuthedChannel(server_->address(), ""));
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << anonymous.error_message();
}

TEST_F(WatchE2eTest, TwoHundredWatchersAllReceiveEveryEventWithoutAThreadEach) {
  StartServer({});
  const int64_t start = EndCursor();
  ASSERT_GE(start, 0);
  const int threads_before = ThreadsOf(server_->pid());
  ASSERT_GT(threads_before, 0);

  constexpr int kWatchers = 200;
  constexpr int kChannels = 4;
  constexpr int kEvents = 40;
  std::vector<std::unique_ptr<v1::RatingService::Stub>> stubs;
  for (int i = 0; i < kChannels; ++i) {
    stubs.push_back(v1::RatingService::NewStub(OwnChannel()));
  }
  std::atomic<int64_t> target{kNever};
  Watcher::Board board;
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < kWatchers; ++i) {
    watchers.push_back(
        std::make_unique<Watcher>(stubs[i % kChannels].get(), start, &target, &board));
  }
  {
    absl::MutexLock lock(&board.mu);
    auto ready = [&board]() ABSL_SHARED_LOCKS_REQUIRED(board.mu) {
      return board.ready == kWatchers || board.done > 0;
    };
    board.mu.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(60));
    EXPECT_EQ(board.ready, kWatchers) << board.done << " watches ended early";
  }
  int threads_max = ThreadsOf(server_->pid());

  for (int i = 0; i < kEvents; ++i) {
    NewEnterprise();
    if (HasFatalFailure()) break;
    if (i % 10 == 0) threads_max = std::max(threads_max, ThreadsOf(server_->pid()));
  }
  const int64_t last = Seal(&target);
  {
    absl::MutexLock lock(&board.mu);
    // A watch that reached the target cancels itself (done); one done
    // without reaching it ended early.
    auto reached = [&board]() ABSL_SHARED_LOCKS_REQUIRED(board.mu) {
      return board.reached == kWatchers || board.done > board.reached;
    };
    board.mu.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(60));
    EXPECT_EQ(board.reached, kWatchers);
  }
  threads_max = std::max(threads_max, ThreadsOf(server_->pid()));

  for (auto& w : watchers) w->Cancel();
  {
    absl::MutexLock lock(&board.mu);
    auto done = [&board]() ABSL_SHARED_LOCKS_REQUIRED(board.mu) {
      return board.done == kWatchers;
    };
    board.mu.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(60));
    if (board.done != kWatchers) {
      for (auto& w : watchers) w.release();  // gRPC may still call them
      FAIL() << kWatchers - board.done << " watches never ended";
    }
  }
  EXPECT_EQ(last, start + kEvents + 1);
  int wrong = 0;
  for (size_t i = 0; i < watchers.size(); ++i) {
    const Watcher& w = *watchers[i];
    const std::string problem = GapsOrDuplicates(w.cursors(), start + 1, last);
    if (!problem.empty() || w.first_cursor() != start ||
        w.status().error_code() != grpc::StatusCode::CANCELLED) {
      if (++wrong <= 3) {
        ADD_FAILURE() << "watcher " << i << ": " << problem << " first cursor "
                      << w.first_cursor() << " status " << w.status().error_code()
                      << " " << w.status().error_message();
      }
    }
  }
  EXPECT_EQ(wrong, 0);
  std::printf("server threads: %d before the watches, at most %d with %d open\n",
              threads_before, threads_max, kWatchers);
  EXPECT_LT(threads_max, 100);
  EXPECT_LT(threads_max - threads_before, 40);
}

}  // namespace
}  // namespace envcredit
