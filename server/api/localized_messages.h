// The Chinese (zh-CN) message every error of the API carries beside the
// English one, as a google.rpc.LocalizedMessage (AIP-193): the people who
// call this API and read its errors — regulators' clerks, bank integrators —
// often read Chinese first.
//
// The Chinese text is one sentence per reason (ErrorInfo.reason), with the
// field named in front when there is one: "字段 display_name：文本无效（…）".
// The English message stays the detailed one (it may name values, limits and
// positions); the sentence says what kind of problem it is and what to do.
// A reason without a sentence of its own gets its status code's sentence.
#ifndef ENVCREDIT_SERVER_API_LOCALIZED_MESSAGES_H_
#define ENVCREDIT_SERVER_API_LOCALIZED_MESSAGES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace envcredit::api {

inline constexpr absl::string_view kChineseLocale = "zh-CN";

std::string ChineseMessage(absl::StatusCode code, absl::string_view reason,
                           absl::string_view field);

// Whether `reason` has a sentence of its own (for the test that every reason
// the docs list has one).
bool HasChineseSentence(absl::string_view reason);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_LOCALIZED_MESSAGES_H_
