// The scoring records of enterprises, in memory, so that an as-of rating or
// an explanation is a scoring run with no database round trip
// (doc/ratings.md "Records cache"). Beside the RatingCache, and kept current
// by the same two paths:
//   - this process's writes hand over the records as they left them, right
//     after the commit (ChangeFeed::OnRatingsCommitted, RecordsSnapshot);
//   - the change feed tells of every write of every server that changed an
//     enterprise's records (a rating change caused by a record, or a
//     RecordsChange event), and the entry is dropped until read again.
//
// Every entry carries a cursor of the feed, and the rule is: an entry
// labelled c holds every records change of its enterprise with a cursor
// <= c. A reader that loads from the database labels what it read with the
// last cursor the feed had seen before the read (every change up to it had
// committed, so the read sees it). A drop at cursor c leaves a marker, so an
// offer labelled below c, read before that write committed, is refused: a
// slow load can never put back records older than a drop it raced with.
//
// Bounded by an estimate of its bytes: once full, new enterprises are not
// admitted (their as-of ratings read the database); dropped entries make
// room again. Thread-safe; sharded so readers of different enterprises do
// not meet on one lock.
#ifndef ENVCREDIT_SERVER_RATINGS_RECORDS_CACHE_H_
#define ENVCREDIT_SERVER_RATINGS_RECORDS_CACHE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/domain/rating_store.h"

namespace envcredit::ratings {

// About how many bytes `e` takes in memory (the cache's budget unit).
size_t ApproximateBytes(const domain::RatableEnterprise& e);

class RecordsCache {
 public:
  using Entry = std::shared_ptr<const domain::RatableEnterprise>;

  explicit RecordsCache(size_t budget_bytes) : budget_(budget_bytes) {}

  // The records held for `credit_code`, or nullptr.
  Entry Find(absl::string_view credit_code) const;

  enum class Offered {
    kStored,
    kStale,  // something at least as new is held, or a later drop
    kFull,   // a new enterprise, and the budget is spent
  };
  // Holds `e` as its enterprise's records labelled `cursor` (see above).
  Offered Offer(Entry e, int64_t cursor);

  // The records of `credit_code` changed at `cursor`: drop what is held
  // unless it is labelled `cursor` or later, and refuse older offers.
  void Drop(absl::string_view credit_code, int64_t cursor);

  size_t size() const;  // enterprises held
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  size_t budget() const { return budget_; }

 private:
  struct Slot {
    Entry records;  // nullptr: dropped at `cursor`
    int64_t cursor = 0;
    size_t bytes = 0;
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Slot> slots ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 32;
  Shard& ShardOf(absl::string_view credit_code) const;

  const size_t budget_;
  std::atomic<size_t> bytes_{0};
  mutable std::array<Shard, kShards> shards_;
};

struct FillStats {
  int64_t enterprises = 0;  // held after the fill
  bool full = false;        // stopped because the budget was spent
  bool stopped = false;     // stopped because asked to
};

// Fills `cache` with every enterprise's records, a page of `page` at a time
// in id order, until all are held, the budget is spent or `stop` says so.
// `seen` gives the last cursor the change feed has seen (the label of what
// a page then reads). Reads pages through `store`; fails as it does.
absl::StatusOr<FillStats> FillRecordsCache(domain::RatingStore& store,
                                           RecordsCache& cache,
                                           absl::FunctionRef<int64_t()> seen,
                                           absl::FunctionRef<bool()> stop,
                                           int page = 1000);

}  // namespace envcredit::ratings

#endif  // ENVCREDIT_SERVER_RATINGS_RECORDS_CACHE_H_
