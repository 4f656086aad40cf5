// Small status helpers for GoogleTest, with the names Abseil uses internally
// (Debian's Abseil 20220623 ships none):
//
//   ASSERT_OK(status_or_statusor);
//   EXPECT_OK(status_or_statusor);
//   ASSERT_OK_AND_ASSIGN(auto value, expression_returning_statusor);
//   EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_THAT(result, StatusIs(absl::StatusCode::kAborted, "ETAG_MISMATCH"));
//
// StatusIs works on absl::Status and absl::StatusOr<T>; the second form also
// checks the ErrorInfo reason attached by envcredit::MakeError.
//
// Thread-safety: as GoogleTest assertions.
#ifndef ENVCREDIT_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define ENVCREDIT_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace envcredit::testing {
namespace internal {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace internal

MATCHER_P(StatusIs, code,
          std::string(negation ? "isn't" : "is") + " a status with code " +
              absl::StatusCodeToString(code)) {
  const absl::Status& status = ::envcredit::testing::internal::GetStatus(arg);
  *result_listener << "which is " << status << " (reason \""
                   << ::envcredit::ErrorReason(status) << "\")";
  return status.code() == code;
}

MATCHER_P2(StatusIs, code, reason,
           std::string(negation ? "isn't" : "is") + " a status with code " +
               absl::StatusCodeToString(code) + " and reason " +
               std::string(reason)) {
  const absl::Status& status = ::envcredit::testing::internal::GetStatus(arg);
  *result_listener << "which is " << status << " (reason \""
                   << ::envcredit::ErrorReason(status) << "\")";
  return status.code() == code && ::envcredit::ErrorReason(status) == reason;
}

}  // namespace envcredit::testing

#define ENVCREDIT_STATUS_OF_(expr) \
  ::envcredit::testing::internal::GetStatus(expr)

#define ASSERT_OK(expr)                                                       \
  do {                                                                        \
    const ::absl::Status envcredit_test_status_ = ENVCREDIT_STATUS_OF_(expr); \
    ASSERT_TRUE(envcredit_test_status_.ok()) << envcredit_test_status_;       \
  } while (0)
#define EXPECT_OK(expr)                                                       \
  do {                                                                        \
    const ::absl::Status envcredit_test_status_ = ENVCREDIT_STATUS_OF_(expr); \
    EXPECT_TRUE(envcredit_test_status_.ok()) << envcredit_test_status_;       \
  } while (0)

#define ENVCREDIT_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                         \
  ASSERT_TRUE(statusor.ok()) << statusor.status();                 \
  lhs = std::move(statusor).value()

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ENVCREDIT_ASSERT_OK_AND_ASSIGN_IMPL_(  \
      ENVCREDIT_TEST_CONCAT_(envcredit_test_statusor_, __LINE__), lhs, rexpr)

#define ENVCREDIT_TEST_CONCAT_INNER_(a, b) a##b
#define ENVCREDIT_TEST_CONCAT_(a, b) ENVCREDIT_TEST_CONCAT_INNER_(a, b)

#endif  // ENVCREDIT_TESTS_SUPPORT_STATUS_MATCHERS_H_
