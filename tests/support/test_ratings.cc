#include "tests/support/test_ratings.h"

#include <cstdlib>
#include <iostream>

#include "scoring/policy_text/policy_text.h"

namespace envcredit::testing {

const scoring::PolicyCatalog& ShippedPolicies() {
  static const scoring::PolicyCatalog* const catalog = [] {
    auto loaded = scoring::LoadPolicyCatalog(ENVCREDIT_POLICY_DIR);
    if (!loaded.ok()) {
      std::cerr << "cannot load " << ENVCREDIT_POLICY_DIR << ": "
                << loaded.status() << "\n";
      std::abort();
    }
    return new scoring::PolicyCatalog(*std::move(loaded));
  }();
  return *catalog;
}

storage::RatingWriter* SystemClockRatingWriter() {
  static TestRatings* const ratings = new TestRatings();
  return ratings->writer();
}

}  // namespace envcredit::testing
