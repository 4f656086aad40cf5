// Small UTF-8 helpers for a terminal: validation and display width (East
// Asian wide and fullwidth characters take two columns, combining marks
// none), so tables with Chinese text line up.
#ifndef ENVCREDIT_ADMIN_CLI_BASE_TEXT_H_
#define ENVCREDIT_ADMIN_CLI_BASE_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace envcredit::admin {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF). On false, `*bad_offset` (when given) is the byte
// offset of the first bad sequence.
bool IsValidUtf8(absl::string_view text, size_t* bad_offset = nullptr);

// Columns a terminal uses to show the code point `cp`: 0, 1 or 2.
int CodePointWidth(char32_t cp);

// Columns a terminal uses to show `text`. Invalid bytes count one column
// each, so a bad string still lines up roughly.
int DisplayWidth(absl::string_view text);

// `text` with control characters (newlines, tabs, ...) replaced by spaces,
// so a table cell stays on one line.
std::string OneLine(absl::string_view text);

// `text` without leading and trailing ASCII white space.
absl::string_view TrimAscii(absl::string_view text);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_BASE_TEXT_H_
