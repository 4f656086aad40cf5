// What the batch methods (BatchCreateEnterprises, BatchCreatePenaltyDecisions)
// share: their size limit and how an item's error fills its result.
#ifndef ENVCREDIT_SERVER_API_BATCH_H_
#define ENVCREDIT_SERVER_API_BATCH_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace envcredit::api {

// Items of one batch call, at most (doc/api.md "Batches").
inline constexpr int kMaxBatchSize = 1000;

// INVALID_ARGUMENT (field requests, INVALID_BATCH_SIZE) unless 1 <= n <= max.
inline absl::Status CheckBatchSize(int n) {
  if (n >= 1 && n <= kMaxBatchSize) return absl::OkStatus();
  return InvalidArgument("requests", "INVALID_BATCH_SIZE",
                         absl::StrCat("requests: 1..", kMaxBatchSize, " items, not ", n));
}

// Sets an item's result to the error a single call would have returned:
// code, message, ErrorInfo reason and the field it names.
template <typename Result>
void SetItemError(Result* result, const absl::Status& failure) {
  result->set_code(static_cast<int>(failure.code()));
  result->set_message(std::string(failure.message()));
  result->set_reason(ErrorReason(failure));
  result->set_field(ErrorField(failure));
}

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_BATCH_H_
