// Status-propagation macros with the names and meaning Abseil uses
// internally. Debian's Abseil 20220623 does not ship them.
//
//   RETURN_IF_ERROR(expr);          // returns the status when it is not OK
//   ASSIGN_OR_RETURN(T x, expr);    // x = value of a StatusOr, or returns
#ifndef ENVCREDIT_COMMON_STATUS_MACROS_H_
#define ENVCREDIT_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ENVCREDIT_CONCAT_INNER_(a, b) a##b
#define ENVCREDIT_CONCAT_(a, b) ENVCREDIT_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                                  \
  do {                                                         \
    ::absl::Status envcredit_status_ = (expr);                 \
    if (!envcredit_status_.ok()) return envcredit_status_;     \
  } while (0)

#define ENVCREDIT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();     \
  lhs = std::move(statusor).value()

#define ASSIGN_OR_RETURN(lhs, rexpr)                                          \
  ENVCREDIT_ASSIGN_OR_RETURN_IMPL_(                                           \
      ENVCREDIT_CONCAT_(envcredit_statusor_, __LINE__), lhs, rexpr)

#endif  // ENVCREDIT_COMMON_STATUS_MACROS_H_
