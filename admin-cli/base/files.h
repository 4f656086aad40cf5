// The file operations envcredit-admin shares: the one mapping of errno to
// a status, reading a file, creating one, replacing one atomically, and
// mkdir -p. Each error names the
// path and says what could not be done: "cannot write x.tmp: No space left
// on device".
#ifndef ENVCREDIT_ADMIN_CLI_BASE_FILES_H_
#define ENVCREDIT_ADMIN_CLI_BASE_FILES_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace envcredit::admin {

// "cannot WHAT PATH: <strerror(error)>" as NOT_FOUND (ENOENT),
// PERMISSION_DENIED (EACCES, EPERM), ALREADY_EXISTS (EEXIST) or INTERNAL.
absl::Status FileError(absl::string_view what, absl::string_view path,
                       int error);

// Creates `path` and its missing parents (mode 0755); OK when it is a
// directory already. FAILED_PRECONDITION when it exists as something else;
// a FileError otherwise.
absl::Status MakeDirs(const std::string& path);

// Reads a whole file. A FileError naming the path; FAILED_PRECONDITION when
// it is not a regular file.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// Creates `path`, which must not exist (ALREADY_EXISTS otherwise), with
// exactly `mode` (the umask takes nothing away) and writes `data` to it,
// synced.
absl::Status WriteNewFile(const std::string& path, absl::string_view data,
                          mode_t mode);

// Replaces `path` with `content`: writes and fsyncs "PATH.tmp", then
// renames it over `path`, so a reader (or a crash) sees the old file or the
// new one, never a part. A FileError naming the file otherwise.
absl::Status ReplaceFile(const std::string& path, absl::string_view content);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_BASE_FILES_H_
