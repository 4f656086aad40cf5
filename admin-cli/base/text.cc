#include "admin-cli/base/text.h"

#include <cstdint>

namespace envcredit::admin {
namespace {

// Decodes one code point at text[*i]; advances *i. Returns false (and
// advances one byte) on a malformed sequence.
bool DecodeOne(absl::string_view text, size_t* i, char32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(*i);
  int len;
  char32_t value;
  char32_t min;
  if (b0 < 0x80) {
    *cp = b0;
    ++*i;
    return true;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, value = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, value = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    ++*i;
    return false;
  }
  if (*i + len > text.size()) {
    ++*i;
    return false;
  }
  for (int k = 1; k < len; ++k) {
    const uint8_t b = byte(*i + k);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return false;
    }
    value = (value << 6) | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    ++*i;
    return false;
  }
  *cp = value;
  *i += len;
  return true;
}

}  // namespace

bool IsValidUtf8(absl::string_view text, size_t* bad_offset) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    char32_t cp;
    if (!DecodeOne(text, &i, &cp)) {
      if (bad_offset != nullptr) *bad_offset = start;
      return false;
    }
  }
  return true;
}

int CodePointWidth(char32_t cp) {
  if (cp == 0) return 0;
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  // Combining marks and zero-width characters.
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) ||
      (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x20D0 && cp <= 0x20FF) ||
      cp == 0xFEFF) {
    return 0;
  }
  // East Asian Wide (W) and Fullwidth (F), Unicode 15, the ranges that matter.
  if ((cp >= 0x1100 && cp <= 0x115F) ||    // Hangul Jamo initials
      (cp >= 0x2E80 && cp <= 0x303E) ||    // CJK radicals .. CJK punctuation
      (cp >= 0x3041 && cp <= 0x33FF) ||    // kana, bopomofo, CJK compat
      (cp >= 0x3400 && cp <= 0x4DBF) ||    // CJK extension A
      (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK unified ideographs
      (cp >= 0xA000 && cp <= 0xA4CF) ||    // Yi
      (cp >= 0xAC00 && cp <= 0xD7A3) ||    // Hangul syllables
      (cp >= 0xF900 && cp <= 0xFAFF) ||    // CJK compatibility ideographs
      (cp >= 0xFE10 && cp <= 0xFE19) ||    // vertical forms
      (cp >= 0xFE30 && cp <= 0xFE6F) ||    // CJK compatibility forms
      (cp >= 0xFF00 && cp <= 0xFF60) ||    // fullwidth forms: （），
      (cp >= 0xFFE0 && cp <= 0xFFE6) ||    // fullwidth signs: ￥
      (cp >= 0x1F300 && cp <= 0x1F64F) ||  // pictographs, emoticons
      (cp >= 0x1F900 && cp <= 0x1F9FF) ||
      (cp >= 0x20000 && cp <= 0x2FFFD) ||  // CJK extensions B..F
      (cp >= 0x30000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

int DisplayWidth(absl::string_view text) {
  int width = 0;
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp;
    width += DecodeOne(text, &i, &cp) ? CodePointWidth(cp) : 1;
  }
  return width;
}

std::string OneLine(absl::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

absl::string_view TrimAscii(absl::string_view text) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
  };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace envcredit::admin
