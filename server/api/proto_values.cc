#include "server/api/proto_values.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "server/domain/page_limit.h"

namespace envcredit::api {

// Storage takes a resolved page size as it is and refuses a larger one.
static_assert(kMaxPageSize <= domain::kMaxPageLimit);

absl::StatusOr<int> ResolvePageSize(int requested) {
  if (requested < 0) {
    return InvalidArgument("page_size", "INVALID_PAGE_SIZE",
                           "page_size: must not be negative");
  }
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

google::protobuf::Timestamp TimestampOf(absl::Time time) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rest * 1000));
  return ts;
}

absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& ts,
                                         absl::string_view field) {
  if (ts.nanos() < 0 || ts.nanos() > 999999999 || ts.seconds() < 0 ||
      ts.seconds() > 253402300799) {
    return InvalidArgument(field, "INVALID_TIME",
                           absl::StrCat(field, ": not a valid timestamp"));
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::StatusOr<absl::CivilDay> DateFromProto(const v1::Date& date,
                                             absl::string_view field) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return InvalidArgument(
        field, "INVALID_DATE",
        absl::StrCat(field, ": ", date.year(), "-", date.month(), "-",
                     date.day(), " is not a calendar date"));
  }
  return day;
}

v1::Date DateToProto(absl::CivilDay day) {
  v1::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

}  // namespace envcredit::api
