#include "server/domain/ratings.h"

#include <utility>

#include "absl/time/time.h"
#include "common/status_macros.h"
#include "scoring/engine.h"
#include "scoring/next_change.h"

namespace envcredit::domain {

uint32_t FlagBits(const scoring::Rating& rating) {
  uint32_t bits = 0;
  for (scoring::RatingFlag flag : rating.Flags()) {
    bits |= 1u << static_cast<int>(flag);
  }
  return bits;
}

std::vector<scoring::RatingFlag> FlagsOfBits(uint32_t bits) {
  std::vector<scoring::RatingFlag> flags;
  for (int n = 1; n < 32; ++n) {
    if (bits & (1u << n)) flags.push_back(static_cast<scoring::RatingFlag>(n));
  }
  return flags;
}

bool ChangesRecords(RatingChangeCause cause) {
  // Only the clock and a rescore re-rate without touching records; any
  // other cause, a new one included, is taken to have changed them.
  return cause != RatingChangeCause::kTimePassed &&
         cause != RatingChangeCause::kRescored;
}

bool CurrentRating::SameRatingAs(const CurrentRating& other) const {
  return level == other.level && points == other.points &&
         national_level == other.national_level &&
         flag_bits == other.flag_bits && policy_id == other.policy_id &&
         policy_version == other.policy_version;
}

absl::StatusOr<scoring::Rating> RatingCalculator::Rate(
    const scoring::EnterpriseRecords& records, absl::string_view region_code,
    absl::CivilDay day) const {
  return scoring::Rate(records, day, PolicyFor(region_code));
}

absl::StatusOr<CurrentRating> RatingCalculator::Current(
    int64_t enterprise_id, absl::string_view credit_code,
    absl::string_view region_code, const scoring::EnterpriseRecords& records,
    absl::CivilDay day) const {
  ASSIGN_OR_RETURN(scoring::Rating rating, Rate(records, region_code, day));
  return CurrentOf(rating, enterprise_id, credit_code, region_code, records, day);
}

CurrentRating RatingCalculator::CurrentOf(
    const scoring::Rating& rating, int64_t enterprise_id,
    absl::string_view credit_code, absl::string_view region_code,
    const scoring::EnterpriseRecords& records, absl::CivilDay day) const {
  const scoring::Policy& policy = PolicyFor(region_code);
  CurrentRating current;
  current.enterprise_id = enterprise_id;
  current.credit_code = std::string(credit_code);
  current.region_code = std::string(region_code);
  current.level = rating.level;
  current.points = rating.points;
  current.national_level = rating.national_level;
  current.flag_bits = FlagBits(rating);
  current.policy_id = rating.policy_id;
  current.policy_version = rating.policy_version;
  current.as_of = day;
  current.valid_until = scoring::NextChangeDay(records, rating, policy);
  return current;
}

}  // namespace envcredit::domain
