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
// Cursors are gap-free and become visible in order (the feed_sequence row
// lock, doc/ratings.md §4), so "every event after cursor c" is simply
// the events with a larger cursor.
#ifndef ENVCREDIT_SERVER_RATINGS_CHANGE_FEED_H_
#define ENVCREDIT_SERVER_RATINGS_CHANGE_FEED_H_

#include <cstdint>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/ratings/rating_cache.h"
#include "server/domain/rating_store.h"
#include "server/domain/ratings.h"

namespace envcredit::ratings {

struct ChangeFeedOptions {
  absl::Duration poll_interval = absl::Milliseconds(100);
  size_t window = 100000;  // events kept in memory
  int read_batch = 1000;   // events per database read
};

class ChangeFeed final : public domain::RatingListener {
 public:
  // Both must outlive the feed.
  ChangeFeed(domain::FeedStore* store, RatingCache* cache,
             ChangeFeedOptions options = {});
  ~ChangeFeed() override;

  // Loads every stored rating into the cache and starts following the feed
  // from the last cursor issued. Fails when the database cannot be read.
  absl::Status Start();
  // Stops the follower and wakes every watcher (they then see stopping()).
  void Stop();
  bool stopping() const;

  // This process committed rating updates: apply them to the cache now and
  // poll the feed at once.
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

 private:
  void Follow();
  // Reads new events from the database into the window; false on error.
  bool PollOnce();
  absl::Status Expired(int64_t oldest) const;

  domain::FeedStore& store_;
  RatingCache& cache_;
  const ChangeFeedOptions options_;

  mutable absl::Mutex mu_;
  std::deque<domain::FeedEvent> window_ ABSL_GUARDED_BY(mu_);
  int64_t latest_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  std::thread follower_;
};

}  // namespace envcredit::ratings

#endif  // ENVCREDIT_SERVER_RATINGS_CHANGE_FEED_H_
