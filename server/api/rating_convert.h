// Ratings between the domain / scoring types and envcredit.v1 messages.
#ifndef ENVCREDIT_SERVER_API_RATING_CONVERT_H_
#define ENVCREDIT_SERVER_API_RATING_CONVERT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "envcredit/v1/ratings.pb.h"
#include "scoring/rating.h"
#include "scoring/records.h"
#include "server/domain/ratings.h"

namespace envcredit::api {

namespace v1 = ::envcredit::v1;

// "enterprises/{credit_code}/rating".
std::string RatingName(absl::string_view credit_code);
// The credit code of a rating name; INVALID_ARGUMENT naming `field`
// (INVALID_RESOURCE_NAME or INVALID_CREDIT_CODE) otherwise.
absl::StatusOr<std::string> ParseRatingName(absl::string_view name,
                                            absl::string_view field);

// A stored current rating, reported as of `today`.
v1::Rating ToProto(const domain::CurrentRating& rating, absl::CivilDay today);
// A computed rating; with its explanation when `explain_from` (the records
// it was computed from) is given.
v1::Rating ToProto(absl::string_view credit_code, const scoring::Rating& rating,
                   const scoring::EnterpriseRecords* explain_from);
v1::RatingExplanation ExplanationToProto(const scoring::Rating& rating,
                                         const scoring::EnterpriseRecords& records);
v1::RatingChange ToProto(const domain::RatingChange& change);
v1::ListChange ToProto(const domain::ListChange& change);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_RATING_CONVERT_H_
