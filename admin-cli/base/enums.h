// Reading and writing the API's enums as people type them: the enum name in
// any letter case ("chemicals", "CHEMICALS") or the Chinese label used in
// the regulators' spreadsheets ("化工", "在营").
#ifndef ENVCREDIT_ADMIN_CLI_BASE_ENUMS_H_
#define ENVCREDIT_ADMIN_CLI_BASE_ENUMS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "envcredit/v1/enterprise.pb.h"

namespace envcredit::admin {

// INVALID_ARGUMENT naming the allowed values when `text` is neither a known
// industry name (case-insensitive, not INDUSTRY_UNSPECIFIED) nor its label.
absl::StatusOr<envcredit::v1::Industry> ParseIndustry(absl::string_view text);

// As ParseIndustry, for OPERATING / SUSPENDED / CLOSED.
absl::StatusOr<envcredit::v1::EnterpriseStatus> ParseEnterpriseStatus(
    absl::string_view text);

// "THERMAL_POWER, STEEL, ..." and "OPERATING, SUSPENDED, CLOSED".
std::string AllowedIndustries();
std::string AllowedEnterpriseStatuses();

// The enum name ("CHEMICALS"); "" for the UNSPECIFIED value; the number for
// a value this build does not know.
std::string IndustryName(int industry);
std::string EnterpriseStatusName(int status);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_BASE_ENUMS_H_
