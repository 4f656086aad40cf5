// Ratings kept in MySQL / MariaDB (tables ratings, rating_changes,
// feed_events, feed_sequence; doc/ratings.md).
//
// RatingWriter keeps `ratings` in step with the records: every repository
// write calls Recompute inside its own transaction, so no reader ever sees a
// record without its effect, and hands the updates to Committed() after the
// commit. MysqlRatingRepository is the read side plus the bulk jobs (the
// daily roll, rescoring, backfilling enterprises that have no rating yet).
//
// Transactions run at READ COMMITTED (database.cc), and Recompute locks the
// enterprise and rating rows before it reads the records: two writers of one
// enterprise are serialised, and the second one rates from records that
// include the first one's.
#ifndef ENVCREDIT_SERVER_STORAGE_MYSQL_RATING_REPOSITORY_H_
#define ENVCREDIT_SERVER_STORAGE_MYSQL_RATING_REPOSITORY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/clock.h"
#include "scoring/records.h"
#include "server/domain/ratings.h"
#include "server/storage/database.h"

namespace envcredit::storage {

// What one transaction did to ratings: every rating row it wrote, and the
// changes (history rows and feed events) among them.
struct RatingUpdates {
  std::vector<domain::CurrentRating> ratings;
  std::vector<domain::RatingChange> changes;
  void Clear() {
    ratings.clear();
    changes.clear();
  }
};

// Told about committed rating updates (the server's cache and change feed).
class RatingListener {
 public:
  virtual ~RatingListener() = default;
  // Called on the writing thread right after the commit. Must not block.
  virtual void OnRatingsCommitted(const RatingUpdates& updates) = 0;
};

class RatingWriter {
 public:
  // Both must outlive the writer.
  RatingWriter(const domain::RatingCalculator* calculator, const Clock* clock)
      : calculator_(*calculator), clock_(*clock) {}

  // Set before serving; may stay unset (tests, tools).
  void set_listener(RatingListener* listener) { listener_ = listener; }

  const domain::RatingCalculator& calculator() const { return calculator_; }
  // Today in China time, by the writer's clock.
  absl::CivilDay Today() const;

  // Recomputes the ratings of `enterprise_ids` on `day` within `tx`: locks
  // the enterprises' and their ratings' rows, reads their records, writes
  // each rating whose value or valid_until differs, and records a change
  // (history + feed event, with the next cursors) for each rating whose
  // value differs or that is new. Appends what it wrote to `*updates`.
  // `per_enterprise`, when given, names the trigger of some enterprises
  // (e.g. the decision of a batch that touched each); others get `trigger`.
  absl::Status Recompute(
      Transaction& tx, absl::Span<const int64_t> enterprise_ids,
      absl::CivilDay day, const domain::RatingTrigger& trigger,
      RatingUpdates* updates,
      const absl::flat_hash_map<int64_t, domain::RatingTrigger>* per_enterprise =
          nullptr) const;

  // Tells the listener; call after the transaction committed.
  void Committed(const RatingUpdates& updates) const {
    if (listener_ != nullptr && !updates.ratings.empty()) {
      listener_->OnRatingsCommitted(updates);
    }
  }

 private:
  const domain::RatingCalculator& calculator_;
  const Clock& clock_;
  RatingListener* listener_ = nullptr;
};

// Takes the next `count` cursors of the change feed for `tx` (returns the
// first). Call as the transaction's last statement: the feed_sequence row
// lock it takes is held to the commit (doc/ratings.md §4).
absl::StatusOr<int64_t> AllocateCursors(Transaction& tx, int64_t count);

// Records list changes as feed events within `tx`, assigning their cursors
// (AllocateCursors: call last).
absl::Status AppendListChanges(Transaction& tx,
                               std::vector<domain::ListChange>& changes);

// The scoring records of each of `enterprise_ids` (absent ids: no records),
// read with one query per kind and mapped by domain::AddForRating (the one
// mapping domain::ToScoringRecords uses too).
absl::StatusOr<absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>>
LoadScoringRecords(Session& session, absl::Span<const int64_t> enterprise_ids);

// An enterprise with its records, ready to be rated on any date.
struct RatableEnterprise {
  int64_t enterprise_id = 0;
  std::string credit_code;
  std::string region_code;
  scoring::EnterpriseRecords records;
};

struct RatingFilter {
  std::vector<scoring::Level> levels;  // any of them; empty: any
  std::string region_prefix;           // 0..6 digits
  std::string policy_id;               // empty: any
  uint32_t required_flag_bits = 0;     // all of them
};

struct RatingPage {
  std::vector<domain::CurrentRating> ratings;
  bool has_more = false;
};

struct RatingChangePage {
  std::vector<domain::RatingChange> changes;
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
// ABORTED (DB_CONFLICT), INTERNAL.
class MysqlRatingRepository {
 public:
  // All must outlive the repository.
  MysqlRatingRepository(Database* db, const RatingWriter* writer)
      : db_(*db), writer_(*writer) {}

  // The stored rating; nullopt when the enterprise exists but has none yet.
  absl::StatusOr<std::optional<domain::CurrentRating>> Get(
      absl::string_view credit_code);
  // The stored ratings of those of `credit_codes` that have one.
  absl::StatusOr<std::vector<domain::CurrentRating>> GetMany(
      absl::Span<const std::string> credit_codes);
  // Every stored rating, in enterprise id order, `chunk` rows a query.
  absl::Status ForEach(const std::function<void(domain::CurrentRating&&)>& fn,
                       int chunk = 10000);
  // In credit-code order after `after_credit_code`.
  absl::StatusOr<RatingPage> List(const RatingFilter& filter,
                                  absl::string_view after_credit_code, int limit);

  // The enterprise and all its records (for as-of ratings and explanations).
  absl::StatusOr<RatableEnterprise> LoadRatable(absl::string_view credit_code);
  // The same for many; unknown codes are absent from the result.
  absl::StatusOr<std::vector<RatableEnterprise>> LoadRatableMany(
      absl::Span<const std::string> credit_codes);

  // Newest first; changes with cursor < before_cursor (0: from the newest).
  absl::StatusOr<RatingChangePage> History(absl::string_view credit_code,
                                           bool include_point_changes,
                                           int64_t before_cursor, int limit);

  // Feed events (rating and list changes) with cursor > after_cursor, in
  // order, at most `limit`.
  absl::StatusOr<std::vector<domain::FeedEvent>> ReadFeed(int64_t after_cursor,
                                                          int limit);
  // The last cursor issued (0 before any).
  absl::StatusOr<int64_t> LatestCursor();
  // The oldest cursor still in the feed; nullopt when the feed is empty.
  absl::StatusOr<std::optional<int64_t>> OldestFeedCursor();
  // Deletes feed events recorded before `cutoff` (history stays). Returns
  // how many.
  absl::StatusOr<int64_t> PruneFeed(absl::Time cutoff);

  // The daily roll to `day`: re-rates every enterprise whose stored rating
  // is due (valid_until <= day) and was computed before `day`, in chunks of
  // `chunk` enterprises per transaction. Running it again changes nothing.
  absl::StatusOr<RollStats> Roll(absl::CivilDay day, int chunk = 1000);
  // Re-rates up to `limit` enterprises after `after_enterprise_id` (id
  // order) on today, one transaction. `count_total` also counts the
  // registry (a full index scan: the first page of a run asks, the others
  // carry the figure in their page token).
  absl::StatusOr<RescoreStats> RescorePage(int64_t after_enterprise_id, int limit,
                                           bool count_total = false);
  // Rates every enterprise that has no stored rating (enterprises created
  // before ratings existed). Returns how many.
  absl::StatusOr<int64_t> BackfillMissing(int chunk = 1000);

 private:
  absl::Status RecomputeAndCommit(absl::Span<const int64_t> ids,
                                  absl::CivilDay day,
                                  const domain::RatingTrigger& trigger,
                                  RatingUpdates* updates);

  Database& db_;
  const RatingWriter& writer_;
};

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_MYSQL_RATING_REPOSITORY_H_
