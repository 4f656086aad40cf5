#include "server/domain/enterprise.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "server/domain/uscc.h"

namespace envcredit::domain {

bool IsKnownIndustry(int value) {
  return (value >= static_cast<int>(Industry::kThermalPower) &&
          value <= static_cast<int>(Industry::kMining)) ||
         value == static_cast<int>(Industry::kOther);
}

bool IsKnownEnterpriseStatus(int value) {
  return value >= static_cast<int>(EnterpriseStatus::kOperating) &&
         value <= static_cast<int>(EnterpriseStatus::kClosed);
}

absl::Status ValidateEnterprise(const Enterprise& enterprise,
                                absl::string_view prefix) {
  auto path = [&](absl::string_view field) {
    return absl::StrCat(prefix, ".", field);
  };
  RETURN_IF_ERROR(ValidateUscc(enterprise.credit_code, path("credit_code")));
  RETURN_IF_ERROR(CheckNameText(path("display_name"), enterprise.display_name, 1,
                                kMaxDisplayNameChars));
  const std::string& region = enterprise.region_code;
  if (region.size() != 6 ||
      !std::all_of(region.begin(), region.end(), absl::ascii_isdigit)) {
    return InvalidArgument(path("region_code"), "INVALID_REGION_CODE",
                           absl::StrCat(path("region_code"),
                                        ": must be 6 digits (GB/T 2260)"));
  }
  if (!IsKnownIndustry(static_cast<int>(enterprise.industry))) {
    return InvalidArgument(
        path("industry"), "INVALID_ENUM",
        absl::StrCat(path("industry"), ": required; unknown or unspecified "
                                       "value ",
                     static_cast<int>(enterprise.industry)));
  }
  if (!IsKnownEnterpriseStatus(static_cast<int>(enterprise.status))) {
    return InvalidArgument(path("status"), "INVALID_ENUM",
                           absl::StrCat(path("status"), ": unknown value ",
                                        static_cast<int>(enterprise.status)));
  }
  RETURN_IF_ERROR(CheckNameText(path("legal_representative"),
                                enterprise.legal_representative, 0,
                                kMaxLegalRepresentativeChars));
  RETURN_IF_ERROR(
      CheckText(path("address"), enterprise.address, 0, kMaxAddressChars));
  return absl::OkStatus();
}

void ApplyPatch(const EnterprisePatch& patch, Enterprise& enterprise) {
  if (patch.display_name) enterprise.display_name = *patch.display_name;
  if (patch.region_code) enterprise.region_code = *patch.region_code;
  if (patch.industry) enterprise.industry = *patch.industry;
  if (patch.legal_representative) {
    enterprise.legal_representative = *patch.legal_representative;
  }
  if (patch.address) enterprise.address = *patch.address;
  if (patch.status) enterprise.status = *patch.status;
}

}  // namespace envcredit::domain
