// WatchRatingChanges served with the gRPC callback API (doc/ratings.md →
// "Change feed"; doc/decisions.md): one reactor per watch and no thread per
// watch.
//
// A watch starts on a small shared pool of threads (WatchWorkers): resolving
// the start cursor and reading events older than the feed's window are
// database work a reactor must not do on gRPC's threads. Once it is within
// the window it subscribes to the feed (ratings::ChangeFeed::Subscribe): the
// feed's follower appends new events to its bounded queue and tells it; the
// reactor writes one response at a time (at most `batch` events) and takes
// the next batch when the write is done. A watch whose queue overflows ends
// with RESOURCE_EXHAUSTED, reason WATCHER_TOO_SLOW, ErrorInfo metadata
// `resume_cursor`; the others never wait for it.
#ifndef ENVCREDIT_SERVER_API_WATCH_REACTOR_H_
#define ENVCREDIT_SERVER_API_WATCH_REACTOR_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "grpcpp/support/server_callback.h"
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

// Serves one admitted, validated watch (at most one of start_at_end and
// start_at_oldest). The reactor owns itself: it is freed once gRPC is done
// with it and neither the feed nor a worker holds it. `feed` and `workers`
// must outlive every watch (stop the server first).
grpc::ServerWriteReactor<v1::WatchRatingChangesResponse>* StartWatch(
    ratings::ChangeFeed* feed, WatchWorkers* workers,
    const v1::WatchRatingChangesRequest& request, const WatchOptions& options);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_WATCH_REACTOR_H_
