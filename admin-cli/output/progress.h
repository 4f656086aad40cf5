// The progress bar envcredit-admin draws on stderr when it is a terminal
// (the importers, `ratings rescore`):
//
//   [##########--------------------] 120/360  created 100  failed 20
#ifndef ENVCREDIT_ADMIN_CLI_OUTPUT_PROGRESS_H_
#define ENVCREDIT_ADMIN_CLI_OUTPUT_PROGRESS_H_

#include <cstdint>
#include <ostream>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace envcredit::admin {

// Redraws one line in place ("\r"), at most every 100 ms unless forced;
// draws nothing when disabled. Not thread-safe: a caller with threads
// draws under its lock.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}

  // Draws done/total and `tail` after the bar. The bar shows done/total,
  // or `fraction` (0..1) when it is not negative (e.g. of a file read).
  void Draw(int64_t done, int64_t total, absl::string_view tail, bool force,
            double fraction = -1);
  // Ends the bar's line, when one was drawn.
  void Done();

 private:
  std::ostream& out_;
  const bool enabled_;
  absl::Time last_ = absl::InfinitePast();
  bool drawn_ = false;
};

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_OUTPUT_PROGRESS_H_
