// The rating machinery a storage or integration test needs to construct the
// repositories: the shipped policies, a calculator and a RatingWriter on a
// clock the test chooses.
#ifndef ENVCREDIT_TESTS_SUPPORT_TEST_RATINGS_H_
#define ENVCREDIT_TESTS_SUPPORT_TEST_RATINGS_H_

#include "common/clock.h"
#include "scoring/policy.h"
#include "server/domain/ratings.h"
#include "server/storage/mysql_rating_repository.h"

namespace envcredit::testing {

// The policies in the source tree's policies/ folder; aborts the test run
// when they cannot be loaded.
const scoring::PolicyCatalog& ShippedPolicies();

class TestRatings {
 public:
  explicit TestRatings(const Clock* clock = SystemClock())
      : calculator_(&ShippedPolicies()), writer_(&calculator_, clock) {}

  const domain::RatingCalculator& calculator() const { return calculator_; }
  storage::RatingWriter* writer() { return &writer_; }

 private:
  domain::RatingCalculator calculator_;
  storage::RatingWriter writer_;
};

// A process-wide TestRatings on the system clock, for tests that only need
// repositories to work (no listener is set).
storage::RatingWriter* SystemClockRatingWriter();

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_SUPPORT_TEST_RATINGS_H_
