// Credit codes for test enterprises: valid (both check characters right),
// distinct per suite by a two-letter tag, so that suites sharing one
// database never collide. Header-only; link envcredit_domain.
#ifndef ENVCREDIT_TESTS_SUPPORT_TEST_USCC_H_
#define ENVCREDIT_TESTS_SUPPORT_TEST_USCC_H_

#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
#include "server/domain/uscc.h"

namespace envcredit::testing {

// The code of an enterprise registered in `region` (default Nanjing,
// 320100) whose body is `tag` (two letters) and `serial` (0..999999, taken
// modulo 1,000,000).
inline std::string TestUscc(absl::string_view tag, int serial,
                            absl::string_view region = "320100") {
  char digits[8];
  std::snprintf(digits, sizeof(digits), "%06d", serial % 1000000);
  return domain::MakeUscc("91", std::string(region),
                          std::string(tag.substr(0, 2)) + digits)
      .value();
}

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_SUPPORT_TEST_USCC_H_
