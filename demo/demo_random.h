// The random source of the demo data generator: std::mt19937_64 (whose
// output the C++ standard fixes) with our own mapping to ranges, because
// std::uniform_int_distribution differs between standard libraries. The
// same seed gives the same dataset on every machine.
#ifndef ENVCREDIT_DEMO_DEMO_RANDOM_H_
#define ENVCREDIT_DEMO_DEMO_RANDOM_H_

#include <cstdint>
#include <random>
#include <vector>

namespace envcredit::demo {

// Not thread-safe; one per generator run.
class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, n); n > 0. (The modulo bias is below 2^-40 for the
  // sizes used here.)
  uint64_t Below(uint64_t n) { return engine_() % n; }

  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }

  // True with probability `percent`/100.
  bool Percent(int percent) {
    return Below(100) < static_cast<uint64_t>(percent);
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace envcredit::demo

#endif  // ENVCREDIT_DEMO_DEMO_RANDOM_H_
