// Values the end-to-end tests build requests from: credit codes of test
// enterprises and proto dates. Header-only; link envcredit_domain and
// envcredit_proto.
#ifndef ENVCREDIT_TESTS_E2E_TEST_VALUES_H_
#define ENVCREDIT_TESTS_E2E_TEST_VALUES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "envcredit/v1/common.pb.h"
#include "tests/support/test_uscc.h"

namespace envcredit::testing {

// TestUscc (tests/support/test_uscc.h): a valid credit code per suite tag.

inline v1::Date DateOf(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_E2E_TEST_VALUES_H_
