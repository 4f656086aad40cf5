// Re-rating, the rules (doc/ratings.md §1): given what is stored for some
// enterprises and their records, which ratings to write, which of those are
// changes (history rows and feed events), and what each change records.
// Pure: the MySQL adapter (storage::RatingWriter::Recompute) locks and reads
// the rows, calls these, and writes what they return.
#ifndef ENVCREDIT_SERVER_DOMAIN_RERATING_H_
#define ENVCREDIT_SERVER_DOMAIN_RERATING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "scoring/records.h"
#include "server/domain/rating_store.h"
#include "server/domain/ratings.h"

namespace envcredit::domain {

// An enterprise as re-rating finds it (its rows locked).
struct RatedEnterprise {
  int64_t enterprise_id = 0;
  std::string credit_code;
  std::string region_code;
  std::optional<CurrentRating> stored;  // none before its first rating
};

// One rating to write.
struct RatingWrite {
  CurrentRating rating;               // revision: the stored one until numbered
  std::optional<CurrentRating> old;   // what was stored
  bool change = false;                // a new value (or a first rating)
};

// The writes re-rating `enterprises` on `day` calls for, in their order:
// a rating whose value differs from the stored one, or that is new, is a
// change; one whose value is the same but whose valid_until or region moved
// is rewritten without a change; the others are left alone. `records` by
// enterprise id (absent: no records). INVALID_ARGUMENT as
// RatingCalculator::Rate.
absl::StatusOr<std::vector<RatingWrite>> PlanRerating(
    const RatingCalculator& calculator,
    const std::vector<RatedEnterprise>& enterprises,
    const absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>& records,
    absl::CivilDay day);

// How many of `writes` are changes (each needs a cursor).
int64_t CountChanges(const std::vector<RatingWrite>& writes);

// Numbers the changes among `writes` with consecutive cursors from
// `first_cursor`, in order (a change's cursor is its rating's revision), and
// appends every rating, and a RatingChange for each change, to `*updates`.
// A change is caused by its enterprise's entry in `per_enterprise` when
// there is one, else by `trigger`; it takes effect on `day` and is recorded
// at `now`.
void NumberChanges(
    std::vector<RatingWrite>& writes, int64_t first_cursor, absl::CivilDay day,
    const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise,
    absl::Time now, RatingUpdates* updates);

// The cause of re-rating `enterprise_id`: its entry in `per_enterprise` when
// there is one, else `trigger`.
const RatingTrigger& TriggerOf(
    int64_t enterprise_id, const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise);

// How many of `enterprises` had their records changed (their cause
// ChangesRecords) without a rating change among `writes`: each needs a
// RecordsChange event, and a cursor.
int64_t CountRecordsChanges(
    const std::vector<RatedEnterprise>& enterprises,
    const std::vector<RatingWrite>& writes, const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise);

// Call after NumberChanges, whose changes start at updates->changes[
// first_change]. For each of `enterprises` whose records changed: a
// RecordsChange numbered from `first_cursor` on when its rating did not
// change (appended to updates->records_changes), and a snapshot of its
// records, moved out of `records`, labelled with the cursor of its change or
// of its RecordsChange (updates->snapshots; doc/ratings.md "Records cache").
void NumberRecordsChanges(
    const std::vector<RatedEnterprise>& enterprises,
    absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>& records,
    const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise,
    size_t first_change, int64_t first_cursor, absl::Time now,
    RatingUpdates* updates);

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_RERATING_H_
