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
#include "server/domain/rating_store.h"
#include "server/domain/ratings.h"
#include "server/storage/database.h"

namespace envcredit::storage {

// The ports' types, as this adapter's code names them.
using domain::RatableEnterprise;
using domain::RatingChangePage;
using domain::RatingFilter;
using domain::RatingListener;
using domain::RatingPage;
using domain::RatingUpdates;
using domain::RescoreStats;
using domain::RollStats;

// What ReadRatable reads of each decision: everything the explanation and
// the records cache show (the decision number and authority as its
// reference), or only what a stored rating is computed from (the reference
// left empty; the read is served by an index alone: rescoring, the daily
// roll, the start-up backfill). kNone reads no records at all: for
// enterprises this transaction created, which cannot have any yet (their
// rows are locked by the insert until the commit, and a record's foreign
// key needs that lock), so Recompute rates them from no records.
enum class RatableColumns { kWithReferences, kRating, kNone };

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
  // With RatableColumns::kRating (the bulk jobs) the records are read
  // without references and offered to no records cache (no snapshots).
  absl::Status Recompute(
      Transaction& tx, absl::Span<const int64_t> enterprise_ids,
      absl::CivilDay day, const domain::RatingTrigger& trigger,
      RatingUpdates* updates,
      const absl::flat_hash_map<int64_t, domain::RatingTrigger>*
          per_enterprise = nullptr,
      RatableColumns columns = RatableColumns::kWithReferences) const;

  // Tells the listener; call after the transaction committed.
  void Committed(const RatingUpdates& updates) const {
    if (listener_ != nullptr && !updates.empty()) {
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

// Which column ReadRatable's keys are.
enum class RatableKey { kId, kCreditCode };

// The enterprises `keys` name (ids or credit codes; unknown ones are left
// out), in id order, each with its scoring records: one statement (one round
// trip, one consistent view), rows mapped by domain::AddForRating (the one
// mapping domain::ToScoringRecords uses too).
absl::StatusOr<std::vector<domain::RatableEnterprise>> ReadRatable(
    Session& session, RatableKey key, absl::Span<const SqlValue> keys,
    RatableColumns columns = RatableColumns::kWithReferences);

// The scoring records of each of `enterprise_ids` that exists, by id
// (ReadRatable). With RatableColumns::kRating (the bulk jobs) it is two
// statements — the decisions packed one row per enterprise, then the other
// records — so two snapshots: call it only holding the enterprises' locks,
// as Recompute does; an enterprise without records may be left out.
absl::StatusOr<absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>>
LoadScoringRecords(Session& session, absl::Span<const int64_t> enterprise_ids,
                   RatableColumns columns = RatableColumns::kWithReferences);

// The MySQL adapter of the rating ports (domain/rating_store.h, where the
// methods are described). Thread-safe.
class MysqlRatingRepository final : public domain::RatingStore,
                                    public domain::FeedStore {
 public:
  // All must outlive the repository.
  MysqlRatingRepository(Database* db, const RatingWriter* writer)
      : db_(*db), writer_(*writer) {}

  // RatingStore
  absl::StatusOr<std::optional<domain::CurrentRating>> Get(
      absl::string_view credit_code) override;
  absl::StatusOr<std::vector<domain::CurrentRating>> GetMany(
      absl::Span<const std::string> credit_codes) override;
  absl::StatusOr<RatingPage> List(const RatingFilter& filter,
                                  absl::string_view after_credit_code,
                                  int limit) override;
  absl::StatusOr<RatableEnterprise> LoadRatable(
      absl::string_view credit_code) override;
  absl::StatusOr<std::vector<RatableEnterprise>> LoadRatableMany(
      absl::Span<const std::string> credit_codes) override;
  absl::StatusOr<std::vector<RatableEnterprise>> LoadRatablePage(
      int64_t after_enterprise_id, int limit) override;
  absl::StatusOr<RatingChangePage> History(absl::string_view credit_code,
                                           bool include_point_changes,
                                           int64_t before_cursor,
                                           int limit) override;
  absl::StatusOr<RollStats> Roll(absl::CivilDay day) override {
    return Roll(day, /*chunk=*/1000);
  }
  absl::StatusOr<RescoreStats> RescorePage(int64_t after_enterprise_id,
                                           int limit,
                                           bool count_total) override;

  // FeedStore
  absl::Status ForEachRating(
      const std::function<void(domain::CurrentRating&&)>& fn) override {
    return ForEach(fn, /*chunk=*/10000);
  }
  absl::StatusOr<std::vector<domain::FeedEvent>> ReadFeed(int64_t after_cursor,
                                                          int limit) override;
  absl::StatusOr<int64_t> LatestCursor() override;
  absl::StatusOr<std::optional<int64_t>> OldestFeedCursor() override;
  absl::StatusOr<int64_t> PruneFeed(absl::Time cutoff) override;

  // Every stored rating, in enterprise id order, `chunk` rows a query.
  absl::Status ForEach(const std::function<void(domain::CurrentRating&&)>& fn,
                       int chunk);
  // The roll in transactions of `chunk` enterprises each.
  absl::StatusOr<RollStats> Roll(absl::CivilDay day, int chunk);
  // Rates every enterprise that has no stored rating (enterprises created
  // before ratings existed; server start-up), a page of `chunk` per
  // transaction. Returns how many. `stop`, when given, is asked before each
  // page: true ends the backfill there (each page is committed whole; a
  // later start resumes with what is left).
  absl::StatusOr<int64_t> BackfillMissing(int chunk = 1000,
                                          const std::function<bool()>& stop = nullptr);

 private:
  // The bulk jobs' re-rating of `ids` (RatableColumns::kRating): in slices
  // of up to 250, each a transaction of its own, taken in turn by up to four
  // threads with a connection each, so slices are read, rated and written
  // at the same time (both cores work). Each slice commits by itself; the
  // job is idempotent, so a failure leaves a page that running the job
  // again completes. Appends the changes of every slice to `*changes`.
  absl::Status RecomputeBulk(absl::Span<const int64_t> ids, absl::CivilDay day,
                             const domain::RatingTrigger& trigger,
                             std::vector<domain::RatingChange>* changes,
                             int64_t* rewritten = nullptr);

  Database& db_;
  const RatingWriter& writer_;
};

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_MYSQL_RATING_REPOSITORY_H_
