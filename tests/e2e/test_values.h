// Values the end-to-end tests build requests from: credit codes of test
// enterprises and proto dates. Header-only; link envcredit_domain and
// envcredit_proto.
#ifndef ENVCREDIT_TESTS_E2E_TEST_VALUES_H_
#define ENVCREDIT_TESTS_E2E_TEST_VALUES_H_

#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "envcredit/v1/common.pb.h"
#include "server/domain/uscc.h"

namespace envcredit::testing {

// A valid credit code of a Nanjing (320100) enterprise whose body is `tag`
// (two letters, one per suite, so suites sharing a database never collide)
// and `serial` (0..999999), with its check characters.
inline std::string TestUscc(absl::string_view tag, int serial) {
  char digits[7];
  snprintf(digits, sizeof(digits), "%06d", serial % 1000000);
  return *domain::MakeUscc("91", "320100", std::string(tag) + digits);
}

inline v1::Date DateOf(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_E2E_TEST_VALUES_H_
