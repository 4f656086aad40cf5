#include "common/version.h"

#include "absl/strings/str_cat.h"

namespace envcredit {

std::string VersionText() {
  return absl::StrCat("envcredit ", ENVCREDIT_VERSION, " (commit ", ENVCREDIT_COMMIT, ")");
}

}  // namespace envcredit
