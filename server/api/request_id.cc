#include "server/api/request_id.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace envcredit::api {

absl::Status ValidateRequestId(absl::string_view request_id,
                               absl::string_view field) {
  if (request_id.size() > kMaxRequestIdLength) {
    return InvalidArgument(field, "INVALID_REQUEST_ID",
                           absl::StrCat(field, ": at most ",
                                        kMaxRequestIdLength, " characters"));
  }
  for (char c : request_id) {
    if (c <= 0x20 || c >= 0x7f) {
      return InvalidArgument(
          field, "INVALID_REQUEST_ID",
          absl::StrCat(field, ": only printable ASCII without spaces"));
    }
  }
  return absl::OkStatus();
}

}  // namespace envcredit::api
