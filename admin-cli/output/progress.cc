#include "admin-cli/output/progress.h"

#include <algorithm>
#include <string>

#include "absl/time/clock.h"

namespace envcredit::admin {

void ProgressBar::Draw(int64_t done, int64_t total, absl::string_view tail,
                       bool force, double fraction) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (!force && now - last_ < absl::Milliseconds(100)) return;
  last_ = now;
  constexpr int kWidth = 30;
  int filled = kWidth;
  if (fraction >= 0) {
    filled = std::min(kWidth, static_cast<int>(fraction * kWidth));
  } else if (total > 0) {
    filled = static_cast<int>(std::min(done, total) * kWidth / total);
  }
  out_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '-')
       << "] " << done << "/" << total << tail << std::flush;
  drawn_ = true;
}

void ProgressBar::Done() {
  if (drawn_) out_ << "\n";
  drawn_ = false;
}

}  // namespace envcredit::admin
