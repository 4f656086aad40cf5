// Whether an enterprise meets a policy's list criteria on a date (SPEC §5):
//   HONOR_LIST (红榜, the honour roll — a GOOD list): the policy's honour level
//     (GREEN) on the as-of date and no penalty decision, broken commitment or
//     incident in the clean period (24 months) ending on it.
//   BLACK_LIST (黑榜): the policy's black-list level (BLACK) on the as-of date.
// The lists workflow (proposal, notice, objections, publication, repair)
// builds on these; it is not here. Pure functions, like the engine.
#ifndef ENVCREDIT_SCORING_LISTS_H_
#define ENVCREDIT_SCORING_LISTS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "scoring/policy.h"
#include "scoring/rating.h"
#include "scoring/records.h"

namespace envcredit::scoring {

// The two published lists. Stable values (stored and sent on the wire).
enum class ListKind : int {
  kUnspecified = 0,
  kHonorList = 1,  // 红榜
  kBlackList = 2,  // 黑榜
};

// True when `rating` (made from `records` under `policy`) meets the honour
// list criteria on rating.as_of. False when the policy has no honor_list.
bool MeetsHonorListCriteria(const Rating& rating,
                            const EnterpriseRecords& records,
                            const Policy& policy);

// True when `rating` meets the black-list criteria on rating.as_of. False
// when the policy has no black_list.
bool MeetsBlackListCriteria(const Rating& rating, const Policy& policy);

// A rating with the answers to both list questions.
struct ListCheck {
  Rating rating;
  bool honor_list = false;
  bool black_list = false;
};

// Rates `records` on `as_of` and checks both lists. Fails as Rate fails.
absl::StatusOr<ListCheck> CheckLists(const EnterpriseRecords& records,
                                     absl::CivilDay as_of,
                                     const Policy& policy);

// The publication period of a black-list entry listed on `listing_date`.
struct BlackListPeriod {
  absl::CivilDay earliest_repair_date;  // listing + min_publication_months
  absl::CivilDay expiry_date;           // listing + max_publication_months
};

// nullopt when the policy has no black_list.
std::optional<BlackListPeriod> BlackListPeriodFor(absl::CivilDay listing_date,
                                                  const Policy& policy);

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_LISTS_H_
