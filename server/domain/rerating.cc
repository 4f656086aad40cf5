#include "server/domain/rerating.h"

#include <utility>

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

void NumberChanges(
    std::vector<RatingWrite>& writes, int64_t first_cursor, absl::CivilDay day,
    const RatingTrigger& trigger,
    const absl::flat_hash_map<int64_t, RatingTrigger>* per_enterprise,
    absl::Time now, RatingUpdates* updates) {
  int64_t next_cursor = first_cursor;
  for (RatingWrite& w : writes) {
    CurrentRating& r = w.rating;
    if (w.change) {
      const RatingTrigger* cause = &trigger;
      if (per_enterprise != nullptr) {
        auto it = per_enterprise->find(r.enterprise_id);
        if (it != per_enterprise->end()) cause = &it->second;
      }
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

}  // namespace envcredit::domain
