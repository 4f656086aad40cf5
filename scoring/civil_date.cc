#include "scoring/civil_date.h"

#include <string>

#include "absl/strings/str_format.h"

namespace envcredit::scoring {

int DaysInMonth(long long year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  // Months counted from year 0, so negative offsets need no special case.
  const long long index =
      day.year() * 12 + (day.month() - 1) + static_cast<long long>(months);
  long long year = index / 12;
  long long month0 = index % 12;
  if (month0 < 0) {
    month0 += 12;
    year -= 1;
  }
  const int month = static_cast<int>(month0) + 1;
  const int last = DaysInMonth(year, month);
  const int dom = day.day() < last ? day.day() : last;
  return absl::CivilDay(year, month, dom);
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace envcredit::scoring
