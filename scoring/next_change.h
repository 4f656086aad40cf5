// When a rating can next change by the passing of time alone, with no new
// record entered: a record reaching its end date, a record dated in the
// future reaching its date, a decision leaving the repeat-offender window, a
// whole clean year completed for the bonus. The server's daily roll stores the
// answer in an indexed date column and re-rates only the enterprises whose
// day has come. Pure, like the engine: no clock, no I/O; safe to call from
// any number of threads at once.
//
// The rules it follows are in doc/scoring.md ("When a rating can change by
// time alone").
#ifndef ENVCREDIT_SCORING_NEXT_CHANGE_H_
#define ENVCREDIT_SCORING_NEXT_CHANGE_H_

#include <optional>

#include "absl/time/civil_time.h"
#include "scoring/policy.h"
#include "scoring/rating.h"
#include "scoring/records.h"

namespace envcredit::scoring {

// The first day after rating.as_of on which Rate(records, day, policy) may
// give a different level, points or flags than `rating` — where `rating` is
// Rate(records, rating.as_of, policy). Conservative: the rating may also stay
// the same on the returned day, but it never changes on any day strictly
// between rating.as_of and it. std::nullopt when nothing on file can ever
// change the rating again.
//
// Only level, points and flags (and so the national level) are covered: the
// explanation, and list criteria such as the honour list's clean period, may
// change on other days. Editing `records` (a new record, a revocation) calls
// for a new rating and a new answer; this function knows nothing of that.
std::optional<absl::CivilDay> NextChangeDay(const EnterpriseRecords& records,
                                            const Rating& rating,
                                            const Policy& policy);

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_NEXT_CHANGE_H_
