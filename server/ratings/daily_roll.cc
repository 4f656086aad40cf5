#include "server/ratings/daily_roll.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace envcredit::ratings {

void DailyRoll::Start() { thread_ = std::thread([this] { Run(); }); }

void DailyRoll::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void DailyRoll::Run() {
  // A day is marked done only when its roll succeeded, so a roll that failed
  // (the database was down) is tried again at the next check.
  absl::CivilDay done = absl::CivilDay(1970, 1, 1);
  for (;;) {
    const absl::CivilDay today = TodayInChina(clock_);
    if (today != done) {
      absl::StatusOr<domain::RollStats> stats = ratings_.Roll(today);
      if (stats.ok()) {
        done = today;
        LogInfo(absl::StrCat("daily roll to ", absl::FormatCivilTime(today),
                             ": ", stats->examined, " due, ", stats->changed,
                             " changed, ", stats->level_changes,
                             " level changes"));
        // Feed events carry the real time of their commit, not the
        // server's (possibly stepped) date: retention counts in real time.
        absl::StatusOr<int64_t> pruned =
            feed_.PruneFeed(absl::Now() - options_.feed_retention);
        if (!pruned.ok()) {
          LogWarning(absl::StrCat("feed retention: ", pruned.status().ToString()));
        } else if (*pruned > 0) {
          LogInfo(absl::StrCat("feed retention: deleted ", *pruned, " events"));
        }
      } else {
        LogWarning(absl::StrCat("daily roll to ", absl::FormatCivilTime(today),
                                " failed; will retry: ",
                                stats.status().ToString()));
      }
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.check_interval)) {
      return;
    }
  }
}

}  // namespace envcredit::ratings
