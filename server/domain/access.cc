#include "server/domain/access.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/text.h"

namespace envcredit::domain {

absl::Status ValidateTokenLabel(absl::string_view label, absl::string_view field) {
  if (absl::Status text = CheckText(field, label, 1, kMaxTokenLabelChars);
      !text.ok()) {
    return text;
  }
  for (size_t i = 0; i < label.size(); ++i) {
    const char c = label[i];
    const bool alnum = absl::ascii_isalnum(static_cast<unsigned char>(c));
    if (alnum || (i > 0 && (c == '.' || c == '_' || c == '-' || c == '@'))) {
      continue;
    }
    return InvalidArgument(
        field, "INVALID_TOKEN_LABEL",
        absl::StrCat(field, ": letters A-Z a-z, digits and . _ - @ only, "
                            "starting with a letter or digit (position ",
                     i + 1, ")"));
  }
  return absl::OkStatus();
}

bool IsReservedTokenLabel(absl::string_view label) {
  // Actors the server writes itself (doc/access.md "Audit").
  static constexpr absl::string_view kReserved[] = {
      "anonymous", "unauthenticated", "unknown-token", "bootstrap-admin",
      "system",    "server",          "admin",         "root"};
  for (absl::string_view reserved : kReserved) {
    if (absl::EqualsIgnoreCase(label, reserved)) return true;
  }
  return false;
}

bool IsKnownRole(int value) {
  return value >= static_cast<int>(Role::kPublic) &&
         value <= static_cast<int>(Role::kEnterprise);
}

bool MayIssueTokenRole(Role issuer, Role role) {
  return issuer == Role::kAdmin ||
         (issuer == Role::kRegulator && role == Role::kEnterprise);
}

bool MaySeeListProposals(Role role) {
  return role == Role::kRegulator || role == Role::kAdmin;
}

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kPublic:
      return "PUBLIC";
    case Role::kIntegrator:
      return "INTEGRATOR";
    case Role::kRegulator:
      return "REGULATOR";
    case Role::kAdmin:
      return "ADMIN";
    case Role::kEnterprise:
      return "ENTERPRISE";
    default:
      return "UNSPECIFIED";
  }
}

}  // namespace envcredit::domain
