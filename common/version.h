// The version of envcredit this binary was built from: the project version
// (CMakeLists.txt) and the git commit at configure time ("unknown" outside a
// git checkout, e.g. a source tarball).
#ifndef ENVCREDIT_COMMON_VERSION_H_
#define ENVCREDIT_COMMON_VERSION_H_

#include <string>

namespace envcredit {

// "envcredit 0.1.0 (commit 1a2b3c4)".
std::string VersionText();

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_VERSION_H_
