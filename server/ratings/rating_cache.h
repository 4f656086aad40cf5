// The current ratings of every enterprise, in memory, so a lookup needs no
// database round trip. Filled at start-up from the ratings table and kept
// current by two paths (doc/ratings.md → "Cache"):
//   - this process's own writes, applied right after they commit
//     (ChangeFeed::OnRatingsCommitted), so a write is visible here at once;
//   - the change feed, polled from the database, which brings the writes of
//     other server processes sharing the database within a poll interval.
// An entry is replaced only by one at least as new (revision, then as_of),
// so the two paths may deliver in any order.
#ifndef ENVCREDIT_SERVER_RATINGS_RATING_CACHE_H_
#define ENVCREDIT_SERVER_RATINGS_RATING_CACHE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/domain/ratings.h"

namespace envcredit::ratings {

// Thread-safe.
class RatingCache {
 public:
  std::optional<domain::CurrentRating> Find(absl::string_view credit_code) const;
  // Stores `rating` unless the entry held is newer.
  void Apply(const domain::CurrentRating& rating);
  size_t size() const;

  // How many enterprises hold each level under each policy (metrics), kept
  // as entries change, so reading it does not walk the cache.
  struct LevelCount {
    scoring::Level level;
    std::string policy_id;
    int64_t enterprises;
  };
  std::vector<LevelCount> CountByLevelAndPolicy() const;

 private:
  void CountLocked(const domain::CurrentRating& r, int delta)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, domain::CurrentRating> ratings_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::pair<int, std::string>, int64_t> counts_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace envcredit::ratings

#endif  // ENVCREDIT_SERVER_RATINGS_RATING_CACHE_H_
