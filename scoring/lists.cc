#include "scoring/lists.h"

#include <utility>

#include "common/status_macros.h"
#include "scoring/civil_date.h"
#include "scoring/engine.h"

namespace envcredit::scoring {

bool MeetsHonorListCriteria(const Rating& rating,
                            const EnterpriseRecords& records,
                            const Policy& policy) {
  if (!policy.honor_list || rating.level != policy.honor_list->level) {
    return false;
  }
  const absl::CivilDay as_of = rating.as_of;
  // The clean period is (as_of - clean_months, as_of].
  const absl::CivilDay after =
      AddMonths(as_of, -policy.honor_list->clean_months);
  auto in_window = [&](absl::CivilDay date) {
    return date > after && date <= as_of;
  };
  for (const PenaltyDecision& decision : records.decisions) {
    if (!decision.revoked && in_window(decision.decision_date)) return false;
  }
  for (const BrokenCommitmentItem& item : records.broken_commitments) {
    if (in_window(item.found_broken_date)) return false;
  }
  for (const Incident& incident : records.incidents) {
    if (in_window(incident.date)) return false;
  }
  return true;
}

bool MeetsBlackListCriteria(const Rating& rating, const Policy& policy) {
  return policy.black_list && rating.level == policy.black_list->level;
}

absl::StatusOr<ListCheck> CheckLists(const EnterpriseRecords& records,
                                     absl::CivilDay as_of,
                                     const Policy& policy) {
  ListCheck check;
  RETURN_IF_ERROR(RateInto(records, as_of, policy, &check.rating));
  check.honor_list = MeetsHonorListCriteria(check.rating, records, policy);
  check.black_list = MeetsBlackListCriteria(check.rating, policy);
  return check;
}

std::optional<BlackListPeriod> BlackListPeriodFor(absl::CivilDay listing_date,
                                                  const Policy& policy) {
  if (!policy.black_list) return std::nullopt;
  return BlackListPeriod{
      AddMonths(listing_date, policy.black_list->min_publication_months),
      AddMonths(listing_date, policy.black_list->max_publication_months)};
}

}  // namespace envcredit::scoring
