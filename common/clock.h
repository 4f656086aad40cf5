// A seam for "now" (the leveldb Env idea, reduced to the clock): code that
// needs today's date takes a Clock, so tests can fix the date.
#ifndef ENVCREDIT_COMMON_CLOCK_H_
#define ENVCREDIT_COMMON_CLOCK_H_

#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace envcredit {

// China Standard Time: UTC+8, no daylight saving. Every civil date in
// envcredit (record dates, rating days, list deadlines) is a date there.
absl::TimeZone ChinaTimeZone();

// The date in China at `time`.
absl::CivilDay DayInChina(absl::Time time);

// Thread-safe implementations only.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system clock. Never null; lives for the whole program.
inline Clock* SystemClock() {
  class Impl final : public Clock {
   public:
    absl::Time Now() const override { return absl::Now(); }
  };
  static Impl* const clock = new Impl();
  return clock;
}

// A clock that always says `now` (tests).
class FixedClock final : public Clock {
 public:
  explicit FixedClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override { return now_; }

 private:
  const absl::Time now_;
};

// A clock whose date comes from a file (the server's --today_file: tests and
// drills that step through days). The file holds one civil date,
// YYYY-MM-DD, re-read at every call; the time is that day at 12:00 in China
// (UTC+8). When the file is missing or malformed: the system clock.
class DateFileClock final : public Clock {
 public:
  explicit DateFileClock(std::string path) : path_(std::move(path)) {}
  absl::Time Now() const override;

 private:
  const std::string path_;
};

// Today's date in China by `clock`.
inline absl::CivilDay TodayInChina(const Clock& clock) {
  return DayInChina(clock.Now());
}

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_CLOCK_H_
