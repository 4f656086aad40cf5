// Reads the AIP-193 details of a failed call, as a client would.
#ifndef ENVCREDIT_TESTS_E2E_ERROR_DETAILS_H_
#define ENVCREDIT_TESTS_E2E_ERROR_DETAILS_H_

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"

namespace envcredit::testing {

// The google.rpc.ErrorInfo reason and metadata["field"] of a failed call;
// empty strings when the status carries none.
struct ErrorDetails {
  std::string reason;
  std::string field;
  // The google.rpc.LocalizedMessage: its locale and text ("" when none).
  std::string locale;
  std::string localized;
};

inline ErrorDetails DetailsOf(const grpc::Status& status) {
  ErrorDetails out;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return out;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) {
      out.reason = info.reason();
      auto it = info.metadata().find("field");
      if (it != info.metadata().end()) out.field = it->second;
    }
    google::rpc::LocalizedMessage localized;
    if (any.UnpackTo(&localized)) {
      out.locale = localized.locale();
      out.localized = localized.message();
    }
  }
  return out;
}

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_E2E_ERROR_DETAILS_H_
