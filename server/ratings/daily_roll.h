// Runs the daily roll of ratings inside the server: at start-up and whenever
// the date (China time, by the server's clock) changes, it re-rates the
// enterprises whose rating can change with time that day
// (domain::RatingStore::Roll), then deletes feed events older than the
// retention. Several server processes may all do it: a second roll for the
// same day finds nothing due.
#ifndef ENVCREDIT_SERVER_RATINGS_DAILY_ROLL_H_
#define ENVCREDIT_SERVER_RATINGS_DAILY_ROLL_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/domain/rating_store.h"

namespace envcredit::ratings {

struct DailyRollOptions {
  absl::Duration check_interval = absl::Seconds(1);
  absl::Duration feed_retention = absl::Hours(24 * 90);
};

class DailyRoll {
 public:
  // All must outlive it.
  DailyRoll(domain::RatingStore* ratings, domain::FeedStore* feed,
            const Clock* clock, DailyRollOptions options = {})
      : ratings_(*ratings), feed_(*feed), clock_(*clock), options_(options) {}
  ~DailyRoll() { Stop(); }

  void Start();
  void Stop();

 private:
  void Run();

  domain::RatingStore& ratings_;
  domain::FeedStore& feed_;
  const Clock& clock_;
  const DailyRollOptions options_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace envcredit::ratings

#endif  // ENVCREDIT_SERVER_RATINGS_DAILY_ROLL_H_
