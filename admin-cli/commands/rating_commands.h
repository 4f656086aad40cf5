// The `ratings` command group (RatingService, proto/envcredit/v1/
// ratings.proto; doc/admin-cli.md "Ratings"):
//   ratings get      one rating, current or as of a date, optionally explained
//   ratings explain  the explanation of one rating, as text
//   ratings batch    many ratings by credit code (arguments or a file)
//   ratings list     current ratings, filtered, every page
//   ratings history  the changes of one rating, newest first
//   ratings watch    follow the change feed, resumable through a cursor file
//   ratings roll     run the daily roll for a date
//   ratings rescore  recompute every stored rating, page by page
// Each command turns its flags into requests, calls the server through a
// RatingClient, prints the result on `out` in the --output format and
// failures on `err` as the other groups do, and returns the exit code
// (exit_codes.h).
//
// `watch` and `rescore` stop cleanly on SIGINT/SIGTERM: while they run they
// replace those handlers with one that sets a flag (a second signal kills as
// usual) and restore the previous handlers when they return.
#ifndef ENVCREDIT_ADMIN_CLI_COMMANDS_RATING_COMMANDS_H_
#define ENVCREDIT_ADMIN_CLI_COMMANDS_RATING_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "admin-cli/args.h"
#include "admin-cli/clients/rating_client.h"
#include "admin-cli/commands/flags.h"
#include "envcredit/v1/ratings.pb.h"

namespace envcredit::admin {

// BatchGetRatings takes at most this many credit codes per call.
inline constexpr int kMaxBatchRatings = 1000;

std::vector<CommandSpec> RatingCommandSpecs();

// Runs `command` (one of RatingCommandSpecs()).
int RunRatingCommand(const ParsedCommand& command, RatingClient& client,
                     CommandIo io);

// GREEN, BLUE, YELLOW, RED or BLACK in any letter case. INVALID_ARGUMENT
// naming the allowed values otherwise (also for RATING_LEVEL_UNSPECIFIED).
absl::StatusOr<envcredit::v1::RatingLevel> ParseRatingLevel(
    absl::string_view text);

// VETO, REPEAT_OFFENDER or REFUSED_TO_CORRECT in any letter case.
// INVALID_ARGUMENT naming the allowed values otherwise.
absl::StatusOr<envcredit::v1::RatingFlag> ParseRatingFlag(
    absl::string_view text);

// "CODE", "enterprises/CODE" or "enterprises/CODE/rating" -> "CODE" (checking
// the code itself is the server's job). INVALID_ARGUMENT for an empty code
// or any other shape.
absl::StatusOr<std::string> RatingCreditCode(absl::string_view text);

// The credit codes of a `ratings batch --file` file, in file order: one per
// line, surrounding spaces trimmed; blank lines and lines starting with '#'
// skipped; of a CSV line only the first column counts (surrounding double
// quotes removed); a first line whose first column holds a character no
// credit code has (anything but ASCII letters and digits, e.g.
// "credit_code" or "统一社会信用代码") is a header and skipped. A leading
// UTF-8 byte-order mark is ignored.
std::vector<std::string> ParseCreditCodeList(absl::string_view text);

// The codes of the batch argument: separated by commas and/or white space.
std::vector<std::string> SplitCreditCodes(absl::string_view text);

// The cursor saved in a `ratings watch --cursor-file`: nullopt when the file
// does not exist or holds only white space; INVALID_ARGUMENT (naming the
// file) when it holds anything but one non-negative integer; another error
// (naming the file) when it cannot be read.
absl::StatusOr<std::optional<int64_t>> ReadCursorFile(const std::string& path);

// Replaces `path` with "CURSOR\n" atomically: writes and fsyncs
// "PATH.tmp", then renames it over `path`, so a reader (or a crash) sees the
// old cursor or the new one, never a partial file. An error naming the file
// when it cannot be written.
absl::Status WriteCursorFile(const std::string& path, int64_t cursor);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_COMMANDS_RATING_COMMANDS_H_
