// Calendar arithmetic on civil dates, as the policies define it (SPEC §5.1):
// "N months after D" is the same day of month N months later, clamped to the
// last day of that month.
#ifndef ENVCREDIT_SCORING_CIVIL_DATE_H_
#define ENVCREDIT_SCORING_CIVIL_DATE_H_

#include <string>

#include "absl/time/civil_time.h"

namespace envcredit::scoring {

// Number of days in `month` (1..12) of `year` (proleptic Gregorian).
int DaysInMonth(long long year, int month);

// `day` moved by `months` (may be negative), keeping the day of month and
// clamping it to the last day of the target month:
//   AddMonths(2023-08-31, 6) == 2024-02-29, AddMonths(2024-02-29, -12) ==
//   2023-02-28.
absl::CivilDay AddMonths(absl::CivilDay day, int months);

// "YYYY-MM-DD".
std::string FormatDay(absl::CivilDay day);

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_CIVIL_DATE_H_
