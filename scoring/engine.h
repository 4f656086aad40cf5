// The rating engine: one enterprise's records, an as-of date and a policy in;
// a rating with its explanation out. Pure and deterministic: no clock, no
// I/O, no globals; the same input always gives the same rating, and records
// dated after the as-of date are ignored. Safe to call from any number of
// threads at once (it only reads its inputs).
//
// The rules are written out, with worked examples, in doc/scoring.md.
#ifndef ENVCREDIT_SCORING_ENGINE_H_
#define ENVCREDIT_SCORING_ENGINE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "scoring/policy.h"
#include "scoring/rating.h"
#include "scoring/records.h"

namespace envcredit::scoring {

// Rates `records` on `as_of` under `policy`. `policy` must have passed
// ValidatePolicy (the policy loader guarantees it); it is not re-checked here.
// Returns INVALID_ARGUMENT (reason INVALID_SCORING_RECORD, the field path of
// the bad value) when ValidateRecords rejects `records`.
absl::StatusOr<Rating> Rate(const EnterpriseRecords& records,
                            absl::CivilDay as_of, const Policy& policy);

// The same as Rate, written into `*rating`, reusing the memory it already
// holds: rating many enterprises into one Rating allocates nothing once its
// vectors and strings are large enough. On error `*rating` is unspecified.
absl::Status RateInto(const EnterpriseRecords& records, absl::CivilDay as_of,
                      const Policy& policy, Rating* rating);

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_ENGINE_H_
