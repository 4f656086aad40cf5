// The change feed as this server process serves it (doc/ratings.md →
// "Change feed").
//
// One follower thread polls the database for events after the last cursor it
// has (every poll interval, or at once when this process commits a change),
// appends them to a bounded in-memory window and applies them to the rating
// cache. Watchers wait on the window: an idle watcher holds no database
// connection. A watcher that resumes from a cursor older than the window
// reads the database; one older than the feed's retention gets OUT_OF_RANGE
// with the oldest cursor still available.
//
// Watchers served without a thread each (WatchRatingChanges on gRPC's
// asynchronous API, server/api/watch_calls.h) Subscribe: the follower appends every new event to each
// subscriber's bounded queue and tells it (FeedWatcher::OnFeedChanged); the
// events themselves are shared, not copied. A subscriber that still has its
// cap of events waiting when new ones come is dropped and told so
// (overflowed): it is too slow, and the follower never waits for it.
//
// Cursors are gap-free and become visible in order (the feed_sequence row
// lock, doc/ratings.md §4), so "every event after cursor c" is simply
// the events with a larger cursor.
#ifndef ENVCREDIT_SERVER_RATINGS_CHANGE_FEED_H_
#define ENVCREDIT_SERVER_RATINGS_CHANGE_FEED_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/ratings/rating_cache.h"
#include "server/ratings/records_cache.h"
#include "server/domain/rating_store.h"
#include "server/domain/ratings.h"

namespace envcredit::ratings {

struct ChangeFeedOptions {
  absl::Duration poll_interval = absl::Milliseconds(100);
  // A commit of this process wakes the follower at once, but never sooner
  // than this after its last read: at hundreds of commits a second, each
  // watcher then gets a response of many events rather than one response
  // per event (the cost of a watch is per response).
  absl::Duration min_poll_gap = absl::Milliseconds(20);
  size_t window = 100000;  // events kept in memory
  int read_batch = 1000;   // events per database read
  // Every subscriber is told at least this often, events or not (its
  // keep-alive clock).
  absl::Duration tick = absl::Seconds(1);
};

// A subscriber of the feed. OnFeedChanged runs on the follower's thread (or
// Stop's) with no lock of the feed held: new events are in the queue, the
// queue overflowed, the feed is stopping, or a tick passed. It must not
// block: it should only start work elsewhere.
class FeedWatcher {
 public:
  virtual ~FeedWatcher() = default;
  virtual void OnFeedChanged() = 0;
};

// One subscriber's queue of events, filled by the follower, emptied by
// Take. Thread-safe.
class FeedQueue {
 public:
  using Event = std::shared_ptr<const domain::FeedEvent>;
  struct Taken {
    std::vector<Event> events;  // in cursor order
    // The queue was dropped: its cap of events were waiting when more came. No
    // event follows; the subscriber resumes after the last cursor it
    // delivered.
    bool overflowed = false;
    bool stopping = false;  // the feed stopped; no event follows
  };

  explicit FeedQueue(size_t cap, int64_t after) : cap_(cap), last_(after) {}

  // Up to `max` events, oldest first, removed from the queue.
  Taken Take(size_t max);
  size_t size() const;

  // The follower's side (ChangeFeed; public for its unit test). Appends
  // events[from..] after the last one queued, however many; false (and
  // drops them all) when cap or more were still waiting (the watcher did not
  // take the earlier ones: too slow).
  bool Append(const std::deque<Event>& events, size_t from);

 private:
  friend class ChangeFeed;
  void MarkStopping();

  const size_t cap_;
  mutable absl::Mutex mu_;
  std::deque<Event> events_ ABSL_GUARDED_BY(mu_);
  int64_t last_ ABSL_GUARDED_BY(mu_);  // the last cursor queued
  bool overflowed_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

class ChangeFeed final : public domain::RatingListener {
 public:
  // Both must outlive the feed.
  ChangeFeed(domain::FeedStore* store, RatingCache* cache,
             ChangeFeedOptions options = {});
  ~ChangeFeed() override;

  // The records cache to keep current too (records_cache.h): this
  // process's snapshots are offered to it, and every records change of the
  // feed drops its enterprise. Set before Start; may stay unset.
  void set_records_cache(RecordsCache* records) { records_ = records; }

  // Loads every stored rating into the cache and starts following the feed
  // from the last cursor issued. Fails when the database cannot be read.
  absl::Status Start();
  // Stops the follower and wakes every watcher (they then see stopping()).
  void Stop();
  bool stopping() const;

  // This process committed rating updates: apply them (and its records
  // snapshots) to the caches now and poll the feed at once.
  void OnRatingsCommitted(const domain::RatingUpdates& updates) override;

  // The last cursor this process has seen.
  int64_t latest() const;

  // Checks that a watch may start after `after`: OUT_OF_RANGE (reason
  // CURSOR_EXPIRED, metadata oldest_cursor) when events after it were
  // deleted; INVALID_ARGUMENT (field after_cursor, reason CURSOR_AHEAD) when
  // the feed never issued it. Returns `after`.
  absl::StatusOr<int64_t> ResolveStart(int64_t after);
  // The cursor just before the oldest event kept.
  absl::StatusOr<int64_t> OldestStart();
  // The last cursor committed, read from the database: the follower may not
  // have seen the newest events yet, and a watcher that starts at the end
  // must not receive changes made before its call.
  absl::StatusOr<int64_t> EndStart();

  // Up to `max` events after `after`, in order; waits until `deadline` for
  // the first one (an empty result: none yet, or stopping). Errors as
  // ResolveStart when `after` is older than the window and the retention.
  absl::StatusOr<std::vector<domain::FeedEvent>> ReadAfter(int64_t after, int max,
                                                           absl::Time deadline);

  // Subscribes `watcher` to every event after `after` with a queue of at
  // most `cap` events, filled at once with the window's events after
  // `after`. Returns nullptr when `after` is older than the window or more
  // than `cap` events behind: read with ReadAfter until closer, then try
  // again. Never blocks on the database. After Stop, the queue returned says
  // stopping. The feed holds `watcher` weakly: a subscriber that is gone is
  // simply skipped; call Unsubscribe when done.
  std::shared_ptr<FeedQueue> Subscribe(int64_t after, size_t cap,
                                       std::weak_ptr<FeedWatcher> watcher);
  void Unsubscribe(const FeedQueue* queue);
  size_t subscribers() const;
  // The events waiting in each subscriber's queue (metrics: how far each
  // watcher lags behind the feed).
  std::vector<size_t> QueuedPerSubscriber() const;

 private:
  struct Subscriber {
    std::shared_ptr<FeedQueue> queue;
    std::weak_ptr<FeedWatcher> watcher;
  };
  // Tells each of `watchers` (no lock held).
  static void Tell(const std::vector<std::weak_ptr<FeedWatcher>>& watchers);
  // Every subscriber, for a tick or Stop.
  std::vector<std::weak_ptr<FeedWatcher>> AllWatchers() const;

  void Follow();
  // Reads new events from the database into the window; false on error.
  bool PollOnce();
  absl::Status Expired(int64_t oldest) const;

  domain::FeedStore& store_;
  RatingCache& cache_;
  RecordsCache* records_ = nullptr;
  const ChangeFeedOptions options_;

  mutable absl::Mutex mu_;
  std::deque<FeedQueue::Event> window_ ABSL_GUARDED_BY(mu_);
  std::vector<Subscriber> subscribers_ ABSL_GUARDED_BY(mu_);
  int64_t latest_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> stopped_{false};  // stopping_, read without the lock
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  std::thread follower_;
};

}  // namespace envcredit::ratings

#endif  // ENVCREDIT_SERVER_RATINGS_CHANGE_FEED_H_
