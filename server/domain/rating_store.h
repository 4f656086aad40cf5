// The ports of stored ratings (doc/ratings.md; doc/architecture.md →
// "Ports"): what the rating machinery (server/ratings/) and the gRPC layer
// need from wherever ratings are kept. The MySQL adapter implements them
// (storage::MysqlRatingRepository); unit tests implement them with fakes.
//
//   RatingStore      current ratings, as-of input, history, the bulk jobs
//   FeedStore        the change feed: events after a cursor, retention
//   RatingListener   told about rating updates right after their commit
#ifndef ENVCREDIT_SERVER_DOMAIN_RATING_STORE_H_
#define ENVCREDIT_SERVER_DOMAIN_RATING_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "scoring/enums.h"
#include "scoring/records.h"
#include "server/domain/ratings.h"

namespace envcredit::domain {

// An enterprise with its records, ready to be rated on any date.
struct RatableEnterprise {
  int64_t enterprise_id = 0;
  std::string credit_code;
  std::string region_code;
  scoring::EnterpriseRecords records;
};

// An enterprise's records as a write transaction left them, and the cursor
// of that write's feed event for it (a rating change or a RecordsChange):
// they hold every records change of the enterprise up to that cursor.
struct RecordsSnapshot {
  int64_t cursor = 0;
  std::shared_ptr<const RatableEnterprise> enterprise;
};

// What one transaction did to ratings: every rating row it wrote, and the
// changes (history rows and feed events) among them; and, for each
// enterprise whose records it changed, a feed event when its rating did not
// change, and the records as it left them.
struct RatingUpdates {
  std::vector<CurrentRating> ratings;
  std::vector<RatingChange> changes;
  std::vector<RecordsChange> records_changes;
  std::vector<RecordsSnapshot> snapshots;
  void Clear() {
    ratings.clear();
    changes.clear();
    records_changes.clear();
    snapshots.clear();
  }
  bool empty() const { return ratings.empty() && snapshots.empty(); }
};

// Told about committed rating updates (the server's cache and change feed).
class RatingListener {
 public:
  virtual ~RatingListener() = default;
  // Called on the writing thread right after the commit (with ratings or
  // snapshots in `updates`). Must not block.
  virtual void OnRatingsCommitted(const RatingUpdates& updates) = 0;
};

struct RatingFilter {
  std::vector<scoring::Level> levels;  // any of them; empty: any
  std::string region_prefix;           // 0..6 digits
  std::string policy_id;               // empty: any
  uint32_t required_flag_bits = 0;     // all of them
};

struct RatingPage {
  std::vector<CurrentRating> ratings;
  bool has_more = false;
};

struct RatingChangePage {
  std::vector<RatingChange> changes;
  bool has_more = false;
};

struct RollStats {
  int64_t examined = 0;
  int64_t changed = 0;
  int64_t level_changes = 0;
};

struct RescoreStats {
  int64_t rescored = 0;
  int64_t changed = 0;
  int64_t level_changes = 0;
  int64_t last_enterprise_id = 0;  // resume after it
  bool done = false;
  int64_t total = 0;  // enterprises in the registry, when asked for
};

// Thread-safe. Errors: NOT_FOUND (ENTERPRISE_NOT_FOUND), UNAVAILABLE,
// ABORTED (DB_CONFLICT), INTERNAL. `limit` arguments are 1..1000 (the
// caller validates what a client asked for).
class RatingStore {
 public:
  virtual ~RatingStore() = default;

  // The stored rating; nullopt when the enterprise exists but has none yet.
  virtual absl::StatusOr<std::optional<CurrentRating>> Get(
      absl::string_view credit_code) = 0;
  // The stored ratings of those of `credit_codes` that have one.
  virtual absl::StatusOr<std::vector<CurrentRating>> GetMany(
      absl::Span<const std::string> credit_codes) = 0;
  // In credit-code order after `after_credit_code`.
  virtual absl::StatusOr<RatingPage> List(const RatingFilter& filter,
                                          absl::string_view after_credit_code,
                                          int limit) = 0;

  // The enterprise and all its records (for as-of ratings and explanations).
  virtual absl::StatusOr<RatableEnterprise> LoadRatable(
      absl::string_view credit_code) = 0;
  // The same for many; unknown codes are absent from the result.
  virtual absl::StatusOr<std::vector<RatableEnterprise>> LoadRatableMany(
      absl::Span<const std::string> credit_codes) = 0;
  // Up to `limit` enterprises with ids after `after_enterprise_id`, in id
  // order, with their records (to fill a records cache).
  virtual absl::StatusOr<std::vector<RatableEnterprise>> LoadRatablePage(
      int64_t after_enterprise_id, int limit) = 0;

  // Newest first; changes with cursor < before_cursor (0: from the newest).
  virtual absl::StatusOr<RatingChangePage> History(
      absl::string_view credit_code, bool include_point_changes,
      int64_t before_cursor, int limit) = 0;

  // The daily roll to `day`: re-rates every enterprise whose stored rating
  // is due (valid_until <= day) and was computed before `day`. Running it
  // again changes nothing.
  virtual absl::StatusOr<RollStats> Roll(absl::CivilDay day) = 0;
  // Re-rates up to `limit` enterprises after `after_enterprise_id` (id
  // order) on today, one transaction. `count_total` also counts the
  // registry (the first page of a run asks, the others carry the figure).
  virtual absl::StatusOr<RescoreStats> RescorePage(int64_t after_enterprise_id,
                                                   int limit,
                                                   bool count_total) = 0;
};

// The change feed as stored: events with gap-free cursors that become
// visible in cursor order (doc/ratings.md §4). Thread-safe; errors as
// RatingStore.
class FeedStore {
 public:
  virtual ~FeedStore() = default;

  // Every stored current rating (to fill a cache), in any order.
  virtual absl::Status ForEachRating(
      const std::function<void(CurrentRating&&)>& fn) = 0;
  // Feed events (rating, list and records changes) with cursor >
  // after_cursor, in order, at most `limit`.
  virtual absl::StatusOr<std::vector<FeedEvent>> ReadFeed(int64_t after_cursor,
                                                          int limit) = 0;
  // The last cursor issued (0 before any).
  virtual absl::StatusOr<int64_t> LatestCursor() = 0;
  // The oldest cursor still in the feed; nullopt when the feed is empty.
  virtual absl::StatusOr<std::optional<int64_t>> OldestFeedCursor() = 0;
  // Deletes feed events recorded before `cutoff` (history stays). Returns
  // how many.
  virtual absl::StatusOr<int64_t> PruneFeed(absl::Time cutoff) = 0;
};

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_RATING_STORE_H_
