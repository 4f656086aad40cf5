#include "admin-cli/version.h"

#include "absl/strings/str_cat.h"

namespace envcredit::admin {

std::string VersionText() {
  return absl::StrCat("envcredit-admin ", ENVCREDIT_VERSION, " (commit ", ENVCREDIT_COMMIT, ")");
}

}  // namespace envcredit::admin
