// The enterprise as the domain sees it: plain values, no protobuf, no SQL.
#ifndef ENVCREDIT_SERVER_DOMAIN_ENTERPRISE_H_
#define ENVCREDIT_SERVER_DOMAIN_ENTERPRISE_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace envcredit::domain {

// Numbering is the wire numbering of envcredit.v1.Industry, and the value
// stored in the database: never renumber.
enum class Industry : int {
  kUnspecified = 0,
  kThermalPower = 1,
  kSteel = 2,
  kCement = 3,
  kElectrolyticAluminium = 4,
  kCoal = 5,
  kMetallurgy = 6,
  kChemicals = 7,
  kPetrochemicals = 8,
  kBuildingMaterials = 9,
  kPaper = 10,
  kBrewing = 11,
  kPharmaceuticals = 12,
  kFermentation = 13,
  kTextiles = 14,
  kTanning = 15,
  kMining = 16,
  kOther = 99,
};

// Numbering as envcredit.v1.EnterpriseStatus, stored as is.
enum class EnterpriseStatus : int {
  kUnspecified = 0,
  kOperating = 1,
  kSuspended = 2,
  kClosed = 3,
};

// True for the values above other than kUnspecified.
bool IsKnownIndustry(int value);
bool IsKnownEnterpriseStatus(int value);

struct Enterprise {
  std::string credit_code;  // validated USCC, the natural key
  std::string display_name;
  std::string region_code;  // 6 digits
  Industry industry = Industry::kUnspecified;
  std::string legal_representative;
  std::string address;
  EnterpriseStatus status = EnterpriseStatus::kUnspecified;
  absl::Time create_time;  // set by the store
  absl::Time update_time;  // set by the store
  int64_t revision = 0;    // set by the store; 1 on create, +1 per update
};

// Text limits, in Unicode code points (what a person counts), not bytes.
inline constexpr int kMaxDisplayNameChars = 200;
inline constexpr int kMaxLegalRepresentativeChars = 100;
inline constexpr int kMaxAddressChars = 500;
inline constexpr int kMaxNameContainsChars = 100;

// Checks every field of an enterprise about to be created or stored after an
// update: credit code, display name (1..200 chars), region code (6 digits),
// a known industry and status, text lengths, UTF-8. `prefix` is the field
// path of the enterprise in the request ("enterprise"). Returns
// INVALID_ARGUMENT naming the first bad field.
absl::Status ValidateEnterprise(const Enterprise& enterprise,
                                absl::string_view prefix);

// Which fields an update changes.
struct EnterprisePatch {
  std::optional<std::string> display_name;
  std::optional<std::string> region_code;
  std::optional<Industry> industry;
  std::optional<std::string> legal_representative;
  std::optional<std::string> address;
  std::optional<EnterpriseStatus> status;
};

// Applies `patch` to `enterprise` (does not validate).
void ApplyPatch(const EnterprisePatch& patch, Enterprise& enterprise);

// The filters of ListEnterprises; empty / unspecified means "any".
struct EnterpriseFilter {
  std::string region_prefix;  // 0..6 digits
  Industry industry = Industry::kUnspecified;
  std::string name_contains;  // literal substring
  EnterpriseStatus status = EnterpriseStatus::kUnspecified;
};

struct EnterprisePage {
  std::vector<Enterprise> enterprises;  // in credit-code order
  bool has_more = false;                // another page follows the last one
};

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_ENTERPRISE_H_
