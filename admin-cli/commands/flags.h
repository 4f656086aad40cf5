// Reading the flags of a command: the checks and parsers the command groups
// share, each reporting a wrong value as a usage error (exit 2), and the
// flag specs several groups declare alike.
#ifndef ENVCREDIT_ADMIN_CLI_COMMANDS_FLAGS_H_
#define ENVCREDIT_ADMIN_CLI_COMMANDS_FLAGS_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "admin-cli/args.h"
#include "admin-cli/retry.h"
#include "envcredit/v1/common.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace envcredit::admin {

// Where a command prints: results on `out`, errors and hints on `err`.
struct CommandIo {
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;  // show progress bars on `err`
  // The CLI's one retry policy (retry.h), for every call a command makes;
  // nullptr: the defaults.
  const RetryPolicy* retry = nullptr;
};

// `io.retry`, or the default policy.
const RetryPolicy& RetryOf(CommandIo io);

// A wrong command line: prints "envcredit-admin: usage error: MESSAGE" and
// where to get help (UsageErrorText, args.h); returns kExitUsage.
int Usage(const ParsedCommand& c, CommandIo io, absl::string_view message);

// Each reader below stores the flag's value and returns true, or returns
// false after printing a usage error that names the flag and setting *exit.

// --FLAG through `parse`; the error is "--FLAG: <parse's message>".
template <typename T>
bool ParseFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
               absl::StatusOr<T> (*parse)(absl::string_view), T* value,
               int* exit) {
  absl::StatusOr<T> parsed = parse(c.Get(flag));
  if (!parsed.ok()) {
    *exit =
        Usage(c, io, absl::StrCat("--", flag, ": ", parsed.status().message()));
    return false;
  }
  *value = *std::move(parsed);
  return true;
}

// A date flag, YYYY-MM-DD.
bool DateFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
              envcredit::v1::Date* date, int* exit);

// A time flag: an RFC 3339 time, or YYYY-MM-DD meaning that day's midnight
// in China Standard Time (UTC+8, the zone of the records) — the next
// midnight with `end_of_day`, so that the day is included.
bool TimeFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
              bool end_of_day, google::protobuf::Timestamp* time, int* exit);

// A whole number in [min, max].
bool IntFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
             int64_t min, int64_t max, int64_t* value, int* exit);

// --page-size as a number in 1..1000; 0 when not given.
bool PageSizeFlag(const ParsedCommand& c, CommandIo io, int* size, int* exit);

// Flag specs several groups share.
FlagSpec RequestIdFlag();           // --request-id ID
// --page-size, --page-token, --all; `server_default` is the page size the
// server uses when none is sent (50, ListAuditEntries 100), shown in --help.
std::vector<FlagSpec> PageFlags(int server_default = 50);
// `a` followed by `b`.
std::vector<FlagSpec> With(std::vector<FlagSpec> a,
                           const std::vector<FlagSpec>& b);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_COMMANDS_FLAGS_H_
