#include "server/domain/rerating.h"

#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"

#include "common/status_macros.h"

namespace envcredit::domain {

absl::StatusOr<std::vector<RatingWrite>> PlanRerating(
    const RatingCalculator& calculator,
    const std::vector<RatedEnterprise>& enterprises,
    const absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>& records,
    absl::CivilDay day) {
  static const scoring::EnterpriseRecords* const kNone =
      new scoring::EnterpriseRecords();
  std::vector<RatingWrite> writes;
  for (const RatedEnterprise& e : enterprises) {
    auto it = records.find(e.enterprise_id);
    ASSIGN_OR_RETURN(
        CurrentRating fresh,
        calculator.Current(e.enterprise_id, e.credit_code, e.region_code,
                           it == records.end() ? *kNone : it->second, day));
    const std::optional<CurrentRating>& old = e.stored;
    const bool change = !old || !old->SameRatingAs(fresh);
    if (!change && old->valid_until == fresh.valid_until &&
        old->region_code == fresh.region_code) {
      continue;  // nothing a reader could see differs
    }
    fresh.revision = old ? old->revision : 0;
    writes.push_back(RatingWrite{std::move(fresh), old, change});
  }
  return writes;
}

int64_t CountChanges(const std::vector<RatingWrite>& writes) {
  int64_t changes = 0;
  for (const RatingWrite& w : writes) changes += w.change ? 1 : 0;
  return changes;
}

const RatingTrigger& TriggerOf(
    int64_t enterprise_id, const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise) {
  if (per_enterprise != nullptr) {
    auto it = per_enterprise->find(enterprise_id);
    if (it != per_enterprise->end()) return it->second;
  }
  return trigger;
}

void NumberChanges(
    std::vector<RatingWrite>& writes, int64_t first_cursor, absl::CivilDay day,
    const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise,
    absl::Time now, RatingUpdates* updates) {
  int64_t next_cursor = first_cursor;
  for (RatingWrite& w : writes) {
    CurrentRating& r = w.rating;
    if (w.change) {
      const RatingTrigger* cause = &TriggerOf(r.enterprise_id, trigger, per_enterprise);
      r.revision = next_cursor++;
      RatingChange c;
      c.cursor = r.revision;
      c.enterprise_id = r.enterprise_id;
      c.credit_code = r.credit_code;
      c.effective_date = day;
      c.old_level = w.old ? w.old->level : scoring::Level::kUnspecified;
      c.old_points = w.old ? w.old->points : 0;
      c.rating = r;
      c.cause = cause->cause;
      c.cause_resource = cause->resource;
      c.reason = cause->reason;
      c.record_time = now;
      updates->changes.push_back(std::move(c));
    }
    updates->ratings.push_back(r);
  }
}

int64_t CountRecordsChanges(
    const std::vector<RatedEnterprise>& enterprises,
    const std::vector<RatingWrite>& writes, const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise) {
  absl::flat_hash_set<int64_t> changed;
  for (const RatingWrite& w : writes) {
    if (w.change) changed.insert(w.rating.enterprise_id);
  }
  int64_t count = 0;
  for (const RatedEnterprise& e : enterprises) {
    if (ChangesRecords(TriggerOf(e.enterprise_id, trigger, per_enterprise).cause) &&
        !changed.contains(e.enterprise_id)) {
      ++count;
    }
  }
  return count;
}

void NumberRecordsChanges(
    const std::vector<RatedEnterprise>& enterprises,
    absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>& records,
    const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise,
    size_t first_change, int64_t first_cursor, absl::Time now,
    RatingUpdates* updates) {
  absl::flat_hash_map<int64_t, int64_t> change_cursor;
  for (size_t i = first_change; i < updates->changes.size(); ++i) {
    change_cursor[updates->changes[i].enterprise_id] = updates->changes[i].cursor;
  }
  int64_t next_cursor = first_cursor;
  for (const RatedEnterprise& e : enterprises) {
    if (!ChangesRecords(TriggerOf(e.enterprise_id, trigger, per_enterprise).cause)) {
      continue;
    }
    int64_t cursor = 0;
    if (auto it = change_cursor.find(e.enterprise_id); it != change_cursor.end()) {
      cursor = it->second;
    } else {
      cursor = next_cursor++;
      updates->records_changes.push_back(
          RecordsChange{cursor, e.enterprise_id, e.credit_code, now});
    }
    auto snapshot = std::make_shared<RatableEnterprise>();
    snapshot->enterprise_id = e.enterprise_id;
    snapshot->credit_code = e.credit_code;
    snapshot->region_code = e.region_code;
    if (auto it = records.find(e.enterprise_id); it != records.end()) {
      snapshot->records = std::move(it->second);
    }
    updates->snapshots.push_back(RecordsSnapshot{cursor, std::move(snapshot)});
  }
}

}  // namespace envcredit::domain
