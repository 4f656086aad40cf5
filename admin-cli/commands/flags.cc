#include "admin-cli/commands/flags.h"

#include <ostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/exit_codes.h"

namespace envcredit::admin {

const RetryPolicy& RetryOf(CommandIo io) {
  static const RetryPolicy* const kDefault = new RetryPolicy();
  return io.retry != nullptr ? *io.retry : *kDefault;
}

int Usage(const ParsedCommand& c, CommandIo io, absl::string_view message) {
  io.err << UsageErrorText(message, absl::StrJoin(c.command->path, " "));
  return kExitUsage;
}

bool DateFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
              v1::Date* date, int* exit) {
  return ParseFlag(c, io, flag, &ParseDate, date, exit);
}

bool TimeFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
              bool end_of_day, google::protobuf::Timestamp* time, int* exit) {
  const std::string text = c.Get(flag);
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    absl::StatusOr<v1::Date> date = ParseDate(text);
    if (!date.ok()) {
      *exit = Usage(c, io,
                    absl::StrCat("--", flag,
                                 " must be YYYY-MM-DD or an RFC 3339 time, "
                                 "not '",
                                 text, "'"));
      return false;
    }
    const absl::TimeZone china = absl::FixedTimeZone(8 * 3600);
    t = absl::FromCivil(
        absl::CivilDay(date->year(), date->month(), date->day()), china);
    if (end_of_day) t += absl::Hours(24);
  }
  const int64_t seconds = absl::ToUnixSeconds(t);
  time->set_seconds(seconds);
  time->set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) /
                                       absl::Nanoseconds(1)));
  return true;
}

bool IntFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
             int64_t min, int64_t max, int64_t* value, int* exit) {
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(c.Get(flag), &parsed) || parsed < min || parsed > max) {
    *exit = Usage(c, io,
                  absl::StrCat("--", flag, " must be a whole number from ", min,
                               " to ", max, ", not '", c.Get(flag), "'"));
    return false;
  }
  *value = parsed;
  return true;
}

bool PageSizeFlag(const ParsedCommand& c, CommandIo io, int* size, int* exit) {
  *size = 0;
  if (!c.Has("page-size")) return true;
  if (!absl::SimpleAtoi(c.Get("page-size"), size) || *size < 1 ||
      *size > 1000) {
    *exit = Usage(c, io,
                  absl::StrCat("--page-size must be 1..1000, not '",
                               c.Get("page-size"), "'"));
    return false;
  }
  return true;
}

FlagSpec RequestIdFlag() {
  return {"request-id", "ID",
          "makes a retry safe: up to 64 printable ASCII characters"};
}

std::vector<FlagSpec> PageFlags(int server_default) {
  return {{"page-size", "N",
           absl::StrCat("1..1000 per page (server default ", server_default,
                        ")")},
          {"page-token", "TOKEN", "continue from a previous page"},
          {"all", "", "follow next_page_token to the last page"}};
}

std::vector<FlagSpec> With(std::vector<FlagSpec> a,
                           const std::vector<FlagSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace envcredit::admin
