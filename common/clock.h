// A seam for "now" (the leveldb Env idea, reduced to the clock): code that
// needs today's date takes a Clock, so tests can fix the date.
#ifndef ENVCREDIT_COMMON_CLOCK_H_
#define ENVCREDIT_COMMON_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace envcredit {

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

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_CLOCK_H_
