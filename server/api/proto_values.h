// Conversions and checks shared by every service: page sizes, dates and
// times.
#ifndef ENVCREDIT_SERVER_API_PROTO_VALUES_H_
#define ENVCREDIT_SERVER_API_PROTO_VALUES_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "envcredit/v1/common.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace envcredit::api {

namespace v1 = ::envcredit::v1;

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// The page size a List call uses: 0 -> kDefaultPageSize, above
// kMaxPageSize -> kMaxPageSize (AIP-158 coerces rather than refuses).
// INVALID_ARGUMENT (field page_size) when negative.
absl::StatusOr<int> ResolvePageSize(int requested);

// A real calendar date with year 1..9999; INVALID_ARGUMENT (reason
// INVALID_DATE) naming `field` otherwise (an unset date is 0-0-0: invalid).
absl::StatusOr<absl::CivilDay> DateFromProto(const v1::Date& date,
                                             absl::string_view field);
v1::Date DateToProto(absl::CivilDay day);

google::protobuf::Timestamp TimestampOf(absl::Time time);

// INVALID_ARGUMENT (reason INVALID_TIME) naming `field` when `ts` is not a
// valid timestamp between 1970 and 9999.
absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& ts,
                                         absl::string_view field);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_PROTO_VALUES_H_
