#include "common/clock.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/time/civil_time.h"

namespace envcredit {

absl::TimeZone ChinaTimeZone() { return absl::FixedTimeZone(8 * 3600); }

absl::CivilDay DayInChina(absl::Time time) {
  return absl::ToCivilDay(time, ChinaTimeZone());
}

absl::Time DateFileClock::Now() const {
  std::ifstream in(path_);
  std::string text;
  std::getline(in, text);
  absl::CivilDay day;
  if (!in.fail() &&
      absl::ParseCivilTime(absl::StripAsciiWhitespace(text), &day)) {
    return absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 12),
        ChinaTimeZone());
  }
  return absl::Now();
}

}  // namespace envcredit
