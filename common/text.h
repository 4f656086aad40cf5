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

// Unicode White_Space (PropList.txt): U+0009-U+000D, U+0020, U+0085,
// U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool IsUnicodeWhiteSpace(char32_t cp);

// Characters that render as nothing: Unicode Default_Ignorable_Code_Point
// (U+00AD, U+034F, U+061C, U+115F, U+1160, U+17B4, U+17B5, U+180E,
// U+200B-U+200F, U+202A-U+202E, U+2060-U+206F, U+3164, U+FEFF, U+FFA0,
// U+FFF0-U+FFF8, U+1BCA0-U+1BCA3, U+1D173-U+1D17A, U+E0000-U+E0FFF) less the
// variation selectors (U+180B-U+180D, U+FE00-U+FE0F, U+E0100-U+E01EF), which
// legitimately follow a visible character (ideographic variants).
bool IsInvisible(char32_t cp);

// The bidirectional embeddings and overrides U+202A-U+202E and the isolates
// U+2066-U+2069: they reorder what follows, so a published name containing
// one can display as another (a subset of IsInvisible).
bool IsBidiControl(char32_t cp);

// CheckText, then INVALID_ARGUMENT naming `field` with reason INVALID_TEXT
// when `text` contains a bidi control (IsBidiControl), or with reason
// SURROUNDING_WHITESPACE when `text` begins or ends with a White_Space or
// invisible character (IsUnicodeWhiteSpace, IsInvisible). For identifiers
// that are part of a unique key (decision numbers, authorities, case
// numbers): with no trailing U+0020, the database's PAD SPACE equality is
// exact equality, as the application's (doc/schema.md "Collations").
absl::Status CheckIdentifierText(absl::string_view field, absl::string_view text,
                                 int min_chars, int max_chars);

// For names that are published (enterprise display name, legal
// representative, issuing authority, signer): CheckText, then
// INVALID_ARGUMENT naming `field` with reason INVALID_TEXT when `text`
// contains a bidi control (IsBidiControl) or is not empty but has nothing
// but White_Space and invisible characters (spaces, U+3000, U+00A0, U+200B,
// U+FEFF, ...), so it would display as blank. An empty optional name
// (min_chars 0) stays allowed.
absl::Status CheckNameText(absl::string_view field, absl::string_view text,
                           int min_chars, int max_chars);

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_TEXT_H_
