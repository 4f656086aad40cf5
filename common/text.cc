#include "common/text.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace envcredit {
namespace {

// Decodes one code point at `text[i]`; returns its length in bytes, or 0 when
// the sequence is malformed. Stores the code point in `cp`.
int DecodeOne(absl::string_view text, size_t i, char32_t& cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b0 = byte(i);
  int len;
  char32_t min;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (int k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// The code points of valid UTF-8 `text`, in order.
template <typename F>
void ForEachCodePoint(absl::string_view text, F f) {
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    int len = DecodeOne(text, i, cp);
    if (len == 0) return;
    f(cp);
    i += len;
  }
}

std::string CodePointText(char32_t cp) {
  return absl::StrCat("U+", absl::Hex(static_cast<uint32_t>(cp), absl::kZeroPad4));
}

absl::Status RefuseBidiControls(absl::string_view field, absl::string_view text) {
  absl::Status status = absl::OkStatus();
  ForEachCodePoint(text, [&](char32_t cp) {
    if (status.ok() && IsBidiControl(cp)) {
      status = InvalidArgument(
          field, "INVALID_TEXT",
          absl::StrCat(field, ": contains a bidirectional override or isolate (",
                       CodePointText(cp), ")"));
    }
  });
  return status;
}

}  // namespace

bool IsBidiControl(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool IsUnicodeWhiteSpace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool IsInvisible(char32_t cp) {
  return cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x115F ||
         cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5 || cp == 0x180E ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || cp == 0xFEFF ||
         cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
         (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
         (cp >= 0xE0000 && cp <= 0xE0FFF && !(cp >= 0xE0100 && cp <= 0xE01EF));
}

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    int len = DecodeOne(text, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

int CountCodePoints(absl::string_view text) {
  int count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       int min_chars, int max_chars) {
  // Reject absurd sizes before decoding anything.
  if (text.size() > static_cast<size_t>(max_chars) * 4) {
    return InvalidArgument(field, "TEXT_LENGTH",
                           absl::StrCat(field, ": at most ", max_chars,
                                        " characters"));
  }
  int count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    char32_t cp;
    int len = DecodeOne(text, i, cp);
    if (len == 0) {
      return InvalidArgument(field, "INVALID_TEXT",
                             absl::StrCat(field, ": not valid UTF-8 (byte ",
                                          i, ")"));
    }
    if (cp < 0x20 || cp == 0x7F) {
      return InvalidArgument(field, "INVALID_TEXT",
                             absl::StrCat(field,
                                          ": contains a control character "
                                          "(U+",
                                          absl::Hex(static_cast<uint32_t>(cp),
                                                    absl::kZeroPad4),
                                          ")"));
    }
    i += len;
  }
  if (count < min_chars) {
    return InvalidArgument(field, "TEXT_LENGTH",
                           min_chars == 1
                               ? absl::StrCat(field, ": required")
                               : absl::StrCat(field, ": at least ", min_chars,
                                              " characters"));
  }
  if (count > max_chars) {
    return InvalidArgument(field, "TEXT_LENGTH",
                           absl::StrCat(field, ": at most ", max_chars,
                                        " characters, got ", count));
  }
  return absl::OkStatus();
}

absl::Status CheckIdentifierText(absl::string_view field, absl::string_view text,
                                 int min_chars, int max_chars) {
  RETURN_IF_ERROR(CheckText(field, text, min_chars, max_chars));
  RETURN_IF_ERROR(RefuseBidiControls(field, text));
  if (text.empty()) return absl::OkStatus();
  // The first and the last code point (CheckText found the text valid
  // UTF-8): the last starts at the last byte that is not a continuation.
  char32_t first = 0, last = 0;
  DecodeOne(text, 0, first);
  size_t last_start = text.size() - 1;
  while (last_start > 0 &&
         (static_cast<unsigned char>(text[last_start]) & 0xC0) == 0x80) {
    --last_start;
  }
  DecodeOne(text, last_start, last);
  for (char32_t cp : {first, last}) {
    if (IsUnicodeWhiteSpace(cp) || IsInvisible(cp)) {
      return InvalidArgument(
          field, "SURROUNDING_WHITESPACE",
          absl::StrCat(field, ": must not begin or end with whitespace or an "
                              "invisible character (",
                       CodePointText(cp), ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNameText(absl::string_view field, absl::string_view text,
                           int min_chars, int max_chars) {
  RETURN_IF_ERROR(CheckText(field, text, min_chars, max_chars));
  RETURN_IF_ERROR(RefuseBidiControls(field, text));
  bool visible = false;
  ForEachCodePoint(text, [&](char32_t cp) {
    if (!IsUnicodeWhiteSpace(cp) && !IsInvisible(cp)) visible = true;
  });
  if (!text.empty() && !visible) {
    return InvalidArgument(
        field, "INVALID_TEXT",
        absl::StrCat(field, ": only spaces or invisible characters"));
  }
  return absl::OkStatus();
}

}  // namespace envcredit
