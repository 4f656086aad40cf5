// How envcredit-admin prints ratings, batch results, rating histories and
// feed events (ratings.proto) in the three --output formats, as output.h
// does for enterprises:
//   table  one rating: FIELD/VALUE lines; a list: the main columns; a feed
//          event: one line of its main fields;
//   json   the proto3 JSON mapping: an indented object for one rating, an
//          array with one compact object per line for a list, one compact
//          object per line (JSON Lines) for feed events;
//   csv    every field, a header line, CRLF.
// Levels and flags print as their enum names, dates as YYYY-MM-DD.
#ifndef ENVCREDIT_ADMIN_CLI_OUTPUT_RATING_OUTPUT_H_
#define ENVCREDIT_ADMIN_CLI_OUTPUT_RATING_OUTPUT_H_

#include <string>
#include <vector>

#include "admin-cli/args.h"
#include "envcredit/v1/ratings.pb.h"
#include "google/rpc/status.pb.h"

namespace envcredit::admin {

// "VETO,REPEAT_OFFENDER"; "" for none.
std::string RatingFlagNames(const google::protobuf::RepeatedField<int>& flags);
// "policy@version", e.g. "jiangsu-2019@3"; "" when the policy is unset.
std::string PolicyLabel(const std::string& policy_id, int version);

// One rating. With `explanation`, table output adds the explanation's text
// after the fields and csv an `explanation` column; json always prints the
// whole message (the explanation is there when the server sent it).
// The public results of a lookup (`ratings lookup`).
std::string RenderPublicRatings(const envcredit::v1::LookupPublicRatingResponse& response,
                                OutputFormat format);

std::string RenderRating(const envcredit::v1::Rating& rating,
                         OutputFormat format, bool explanation);

// Ratings as a list (`ratings list`).
std::string RenderRatings(const std::vector<envcredit::v1::Rating>& list,
                          OutputFormat format);

// "NOT_FOUND ENTERPRISE_NOT_FOUND: <message>" for a per-code error: the
// canonical code name, the ErrorInfo reason when there is one, the message.
std::string DescribeResultError(const google::rpc::Status& error);

// The results of `ratings batch`, one row per requested code: the rating's
// code, level and points, or the error.
std::string RenderBatchResults(
    const std::vector<envcredit::v1::BatchGetRatingResult>& results,
    OutputFormat format);

// A rating's history (`ratings history`), newest first as the server sends
// it. Table columns: DATE, LEVEL ("BLUE → YELLOW", "- → GREEN" for the
// first rating), POINTS, CAUSE, REASON.
std::string RenderHistory(const std::vector<envcredit::v1::RatingChange>& list,
                          OutputFormat format);

// One feed event as one line ending in "\n" (`ratings watch`):
//   table  "CURSOR  DATE  CODE  OLD → NEW  POINTS OLD → NEW  CAUSE  REASON"
//   json   the compact proto3 JSON of the RatingChange
//   csv    one record of the columns of RatingChangeCsvHeader()
std::string RenderChangeLine(const envcredit::v1::RatingChange& change,
                             OutputFormat format);
// The CSV header line (CRLF) of RenderChangeLine and RenderHistory.
std::string RatingChangeCsvHeader();

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_OUTPUT_RATING_OUTPUT_H_
