#include "server/api/watch_reactor.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "server/api/grpc_status.h"
#include "server/api/rating_convert.h"

namespace envcredit::api {

// ---------------------------------------------------------- WatchWorkers

WatchWorkers::WatchWorkers(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] { Run(); });
  }
}

WatchWorkers::~WatchWorkers() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

void WatchWorkers::Post(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(task));
}

void WatchWorkers::Run() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || !tasks_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (tasks_.empty()) return;  // stopping, and nothing left to run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

// ---------------------------------------------------------- the reactor
namespace {

using Response = v1::WatchRatingChangesResponse;

// One watch. Every decision is taken in Advance under mu_; the gRPC
// reactions, the feed's calls and the workers' results only change state
// and call Advance. At most one write is in flight; Finish is called once,
// never while a write is in flight.
//
// Lock order: mu_, then the feed's lock, then the queue's. StartWrite and
// Finish are called under mu_: gRPC 1.51 never runs a reaction inline from
// them (OnWriteDone is not inlinable, and the finish tag only counts down).
class WatchReactor final : public grpc::ServerWriteReactor<Response>,
                           public ratings::FeedWatcher,
                           public std::enable_shared_from_this<WatchReactor> {
 public:
  WatchReactor(ratings::ChangeFeed* feed, WatchWorkers* workers,
               const v1::WatchRatingChangesRequest& request, const WatchOptions& options)
      : feed_(*feed), workers_(*workers), request_(request), options_(options) {}

  // Holds itself until OnDone and resolves the start on a worker.
  void Begin() {
    self_ = shared_from_this();
    workers_.Post([me = shared_from_this()] { me->ResolveStart(); });
  }

  void OnFeedChanged() override { Advance(); }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      write_in_flight_ = false;
      if (!ok) broken_ = true;  // the client left or the call was cancelled
    }
    Advance();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
    }
    Advance();
  }

  void OnDone() override {
    std::shared_ptr<WatchReactor> last;  // may free this at the end
    std::shared_ptr<ratings::FeedQueue> queue;
    {
      absl::MutexLock lock(&mu_);
      queue = std::move(queue_);
      last = std::move(self_);
    }
    if (queue) feed_.Unsubscribe(queue.get());
  }

 private:
  // On a worker: the cursor the watch starts after.
  void ResolveStart() {
    absl::StatusOr<int64_t> start =
        request_.start_at_end()      ? feed_.EndStart()
        : request_.start_at_oldest() ? feed_.OldestStart()
                                     : feed_.ResolveStart(request_.after_cursor());
    {
      absl::MutexLock lock(&mu_);
      if (start.ok()) {
        cursor_ = delivered_ = *start;
        started_ = true;
        first_due_ = true;
      } else {
        error_ = ToGrpcStatus(start.status());
      }
    }
    Advance();
  }

  // On a worker: up to one batch after cursor_ (older than the window, or
  // more than a queue behind).
  void CatchUp(int64_t after) {
    absl::StatusOr<std::vector<domain::FeedEvent>> events =
        feed_.ReadAfter(after, options_.batch, absl::InfinitePast());
    {
      absl::MutexLock lock(&mu_);
      read_pending_ = false;
      if (events.ok()) {
        caught_up_ = std::move(*events);
      } else {
        error_ = ToGrpcStatus(events.status());
      }
    }
    Advance();
  }

  void Advance() {
    absl::MutexLock lock(&mu_);
    if (finished_ || write_in_flight_) return;
    if (cancelled_ || broken_) {
      return FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled"));
    }
    if (error_) return FinishLocked(*error_);
    if (!started_) return;  // ResolveStart calls again
    if (first_due_) {
      // The first response: no change, the cursor the stream starts after.
      first_due_ = false;
      response_.Clear();
      response_.set_cursor(cursor_);
      return WriteLocked();
    }
    if (feed_.stopping()) return FinishLocked(Stopping());
    for (;;) {
      if (!queue_) {
        if (read_pending_) return;  // CatchUp calls again
        if (!caught_up_.empty()) {
          std::vector<domain::FeedEvent> events = std::move(caught_up_);
          caught_up_.clear();
          response_.Clear();
          for (const domain::FeedEvent& e : events) Add(e);
          response_.set_cursor(cursor_);
          if (HasChanges()) return WriteLocked();
          continue;  // all filtered out: the cursor still moved
        }
        queue_ = feed_.Subscribe(cursor_, options_.queue_events, weak_from_this());
        if (!queue_) {
          read_pending_ = true;
          workers_.Post([me = shared_from_this(), after = cursor_] { me->CatchUp(after); });
          return;
        }
      }
      ratings::FeedQueue::Taken taken = queue_->Take(options_.batch);
      if (!taken.events.empty()) {
        response_.Clear();
        for (const auto& e : taken.events) Add(*e);
        response_.set_cursor(cursor_);
        if (HasChanges()) return WriteLocked();
        continue;
      }
      if (taken.overflowed) return FinishLocked(TooSlow());
      if (taken.stopping) return FinishLocked(Stopping());
      if (absl::Now() - last_write_ >= options_.keepalive) {
        response_.Clear();
        response_.set_cursor(cursor_);
        return WriteLocked();
      }
      return;  // the feed calls again
    }
  }

  void Add(const domain::FeedEvent& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    cursor_ = e.cursor;
    if (e.rating && (e.rating->level_changed() || request_.include_point_changes())) {
      *response_.add_changes() = ToProto(*e.rating);
    }
    if (e.list) *response_.add_list_changes() = ToProto(*e.list);
  }

  bool HasChanges() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return response_.changes_size() > 0 || response_.list_changes_size() > 0;
  }

  void WriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    write_in_flight_ = true;
    delivered_ = response_.cursor();
    last_write_ = absl::Now();
    StartWrite(&response_);
  }

  void FinishLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    finished_ = true;
    Finish(std::move(status));
  }

  grpc::Status Stopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return ToGrpcStatus(WithMetadata(
        MakeError(absl::StatusCode::kUnavailable, "SERVER_STOPPING",
                  absl::StrCat("the server is stopping; resume after cursor ",
                               delivered_)),
        "resume_cursor", absl::StrCat(delivered_)));
  }

  grpc::Status TooSlow() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return ToGrpcStatus(WithMetadata(
        MakeError(absl::StatusCode::kResourceExhausted, "WATCHER_TOO_SLOW",
                  absl::StrCat("this watch fell more than ", options_.queue_events,
                               " events behind the feed; resume after cursor ",
                               delivered_, " (resume_cursor in the error details)")),
        "resume_cursor", absl::StrCat(delivered_)));
  }

  ratings::ChangeFeed& feed_;
  WatchWorkers& workers_;
  const v1::WatchRatingChangesRequest request_;
  const WatchOptions options_;

  absl::Mutex mu_;
  std::shared_ptr<WatchReactor> self_ ABSL_GUARDED_BY(mu_);  // until OnDone
  std::shared_ptr<ratings::FeedQueue> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<domain::FeedEvent> caught_up_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> error_ ABSL_GUARDED_BY(mu_);
  Response response_ ABSL_GUARDED_BY(mu_);  // the one write in flight
  int64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;     // the last event taken
  int64_t delivered_ ABSL_GUARDED_BY(mu_) = 0;  // the cursor last written
  absl::Time last_write_ ABSL_GUARDED_BY(mu_) = absl::Now();
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool first_due_ ABSL_GUARDED_BY(mu_) = false;
  bool read_pending_ ABSL_GUARDED_BY(mu_) = false;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerWriteReactor<Response>* StartWatch(ratings::ChangeFeed* feed,
                                               WatchWorkers* workers,
                                               const v1::WatchRatingChangesRequest& request,
                                               const WatchOptions& options) {
  auto reactor = std::make_shared<WatchReactor>(feed, workers, request, options);
  reactor->Begin();
  return reactor.get();
}

}  // namespace envcredit::api
