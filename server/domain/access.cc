#include "server/domain/access.h"

namespace envcredit::domain {

bool IsKnownRole(int value) {
  return value >= static_cast<int>(Role::kPublic) &&
         value <= static_cast<int>(Role::kAdmin);
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
    default:
      return "UNSPECIFIED";
  }
}

}  // namespace envcredit::domain
