// WatchRatingChanges served with gRPC's asynchronous API (doc/ratings.md →
// "Change feed"; doc/decisions.md → "Watches on the async API"): one small
// object per watch and no thread per watch.
//
// Why not the callback API: in gRPC 1.51 on Linux (epoll1) the callback API
// is emulated by two "nexting" threads that poll the process's one epoll set
// beside the synchronous server's threads; with them, every unary call of
// the synchronous server risks a hand-over between threads, and a current
// GetRating costs about twice as much (doc/benchmarks.md). Here the watches'
// completion queue is registered with the server but never waited on: one
// thread takes what has completed every `tick` without blocking in the
// poller, so the synchronous threads keep doing all the I/O.
//
// A watch starts on a small shared pool of threads (WatchWorkers): resolving
// the start cursor and reading events older than the feed's window are
// database work. Once it is within the window it subscribes to the feed
// (ratings::ChangeFeed::Subscribe): the feed's follower appends new events to
// its bounded queue and tells it; the watch writes one response at a time (at
// most `batch` events) and takes the next batch when the write is done. A
// watch whose queue overflows ends with RESOURCE_EXHAUSTED, reason
// WATCHER_TOO_SLOW, ErrorInfo metadata `resume_cursor`; the others never
// wait for it.
#ifndef ENVCREDIT_SERVER_API_WATCH_CALLS_H_
#define ENVCREDIT_SERVER_API_WATCH_CALLS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "server/ratings/change_feed.h"

namespace envcredit::api {

struct WatchOptions {
  // A watcher with nothing to receive gets an empty response this often,
  // so both ends notice a dead connection.
  absl::Duration keepalive = absl::Seconds(15);
  // Events waiting for one watcher at most; more, and it is too slow.
  size_t queue_events = 10000;
  // Events per response at most.
  int batch = 500;
  // How often completed operations of watches are taken from their queue
  // (the delay it adds to a delivery is at most this).
  absl::Duration tick = absl::Milliseconds(2);
};

// A fixed pool of threads for the database work of watches. Thread-safe.
class WatchWorkers {
 public:
  explicit WatchWorkers(int threads);
  // Runs the tasks already posted, then joins the threads.
  ~WatchWorkers();
  WatchWorkers(const WatchWorkers&) = delete;
  WatchWorkers& operator=(const WatchWorkers&) = delete;

  void Post(std::function<void()> task);

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// Raw: requests and responses are bytes. Each feed event is encoded once
// for every watcher (WireCache), and a response is the concatenation of its
// events' bytes: building and serialising a message per event per watcher
// was 70 % of the server's CPU with 1,000 watchers (doc/benchmarks.md).
using WatchService = v1::RatingService::WithRawMethod_WatchRatingChanges<
    v1::RatingService::Service>;

// The wire bytes of feed events as fields of a WatchRatingChangesResponse
// (a RatingChange as field 1, a ListChange as field 3; nothing for a records
// change), encoded once per event and shared. Keeps the newest ~200,000.
// Thread-safe.
class WireCache {
 public:
  using Bytes = std::shared_ptr<const std::string>;
  Bytes Of(const domain::FeedEvent& event);

 private:
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<int64_t, Bytes> bytes ABSL_GUARDED_BY(mu);
    int64_t newest ABSL_GUARDED_BY(mu) = 0;
  };
  static constexpr int kShards = 16;
  static constexpr int64_t kKeep = 200000;  // cursors back from the newest
  std::array<Shard, kShards> shards_;
};

// Accepts and serves every WatchRatingChanges call of a service.
class WatchCalls {
 public:
  // Decides whether a call may be served: OK, or the status to end it with
  // (a denial, an invalid request). Runs on the watches' thread: it must not
  // block for long. A request that cannot be parsed is admitted as an empty
  // one first (a denial wins), then refused as MALFORMED_REQUEST.
  using Admit = std::function<grpc::Status(grpc::ServerContext* context,
                                           const v1::WatchRatingChangesRequest& request)>;

  // Every pointer must outlive this object.
  WatchCalls(WatchService* service, ratings::ChangeFeed* feed, WatchWorkers* workers,
             WatchOptions options, Admit admit);
  ~WatchCalls();
  WatchCalls(const WatchCalls&) = delete;
  WatchCalls& operator=(const WatchCalls&) = delete;

  // Starts accepting calls on `cq` (from ServerBuilder::AddCompletionQueue,
  // after BuildAndStart).
  void Start(grpc::ServerCompletionQueue* cq);
  // After the server's Shutdown: shuts the queue down, takes every last
  // completion and joins the thread. Open watches were ended by
  // ChangeFeed::Stop or the server's shutdown.
  void Stop();

  // The watches' completion queue's thread calls these (public for the
  // call objects of watch_calls.cc).
  struct Tag {
    virtual ~Tag() = default;
    virtual void Proceed(bool ok) = 0;
  };
  void AcceptNext();

 private:
  void Drain();

  WatchService& service_;
  ratings::ChangeFeed& feed_;
  WatchWorkers& workers_;
  const WatchOptions options_;
  const Admit admit_;
  WireCache wire_;
  grpc::ServerCompletionQueue* cq_ = nullptr;
  std::thread thread_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_WATCH_CALLS_H_
