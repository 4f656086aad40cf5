// A clock a test moves from day to day: noon of the day set, China time.
#ifndef ENVCREDIT_TESTS_SUPPORT_STEPPED_CLOCK_H_
#define ENVCREDIT_TESTS_SUPPORT_STEPPED_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace envcredit::testing {

// Thread-safe. Until SetDay, the system time.
class SteppedClock final : public Clock {
 public:
  SteppedClock() = default;
  explicit SteppedClock(absl::CivilDay day) { SetDay(day); }

  void SetDay(absl::CivilDay day) {
    absl::MutexLock lock(&mu_);
    now_ = absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 12),
        ChinaTimeZone());
  }
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ = absl::Now();
};

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_SUPPORT_STEPPED_CLOCK_H_
