// What `envcredit-admin --version` prints. The CLI depends on nothing of the
// server's tree (doc/architecture.md), so it has this one line of its own
// beside common/version.h; both take the same definitions from CMake.
#ifndef ENVCREDIT_ADMIN_CLI_VERSION_H_
#define ENVCREDIT_ADMIN_CLI_VERSION_H_

#include <string>

namespace envcredit::admin {

// "envcredit-admin 0.1.0 (commit 1a2b3c4)".
std::string VersionText();

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_VERSION_H_
