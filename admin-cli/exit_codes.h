// The process exit codes of envcredit-admin. Scripts branch on them, so they
// are part of the interface: never renumber (doc/admin-cli.md lists them).
#ifndef ENVCREDIT_ADMIN_CLI_EXIT_CODES_H_
#define ENVCREDIT_ADMIN_CLI_EXIT_CODES_H_

namespace envcredit::admin {

inline constexpr int kExitOk = 0;
// Anything not listed below (INTERNAL, UNKNOWN, a local I/O error, ...).
inline constexpr int kExitFailure = 1;
// The command line is wrong: unknown command or flag, missing value.
inline constexpr int kExitUsage = 2;
// The input was refused: INVALID_ARGUMENT, or an import file that cannot be
// read as the documented CSV format.
inline constexpr int kExitInvalidInput = 3;
// NOT_FOUND.
inline constexpr int kExitNotFound = 4;
// UNAVAILABLE or DEADLINE_EXCEEDED: the server could not be reached in time.
inline constexpr int kExitUnavailable = 5;
// ALREADY_EXISTS, ABORTED (stale etag), FAILED_PRECONDITION.
inline constexpr int kExitConflict = 6;
// PERMISSION_DENIED, UNAUTHENTICATED.
inline constexpr int kExitPermission = 7;
// Verification failed: a published list folder (or chain of folders) does
// not match its manifest or signature (`lists verify`), or the server's
// canonical content does not match its content_sha256 (`lists export`).
inline constexpr int kExitVerifyFailed = 8;

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_EXIT_CODES_H_
