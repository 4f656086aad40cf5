// Checks for text that arrives from outside (SPEC §8): valid UTF-8, no
// control characters, bounded length counted in Unicode code points.
#ifndef ENVCREDIT_COMMON_TEXT_H_
#define ENVCREDIT_COMMON_TEXT_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace envcredit {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(absl::string_view text);

// Number of code points in valid UTF-8 `text`.
int CountCodePoints(absl::string_view text);

// OK when `text` is valid UTF-8 without control characters (U+0000-U+001F,
// U+007F) and has min_chars..max_chars code points. Otherwise
// INVALID_ARGUMENT naming `field` with reason INVALID_TEXT (encoding or
// control character) or TEXT_LENGTH (length).
absl::Status CheckText(absl::string_view field, absl::string_view text,
                       int min_chars, int max_chars);

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_TEXT_H_
