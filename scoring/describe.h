// Renders a rating's explanation as text for people (the admin CLI, logs,
// notices to enterprises), in English or in Chinese; the structure follows the
// Explanation struct line by line, so every point and every level step shows.
#ifndef ENVCREDIT_SCORING_DESCRIBE_H_
#define ENVCREDIT_SCORING_DESCRIBE_H_

#include <string>

#include "scoring/rating.h"

namespace envcredit::scoring {

// A multi-line description of `rating`, ending with a newline.
std::string DescribeRating(const Rating& rating);

// The same in Chinese, line for line (RatingExplanation.text_zh): what an
// enterprise's staff read to understand their rating. Codes of the policy
// (its id, the decision numbers) stay as they are.
std::string DescribeRatingZh(const Rating& rating);

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_DESCRIBE_H_
