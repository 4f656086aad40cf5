#include "common/json_line.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace envcredit {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The bytes copied as they are: printable ASCII (and DEL) but '"' and '\'.
// A table: one load per byte on the access log's path.
constexpr std::array<bool, 256> MakePlainAscii() {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}
constexpr std::array<bool, 256> kPlainAscii = MakePlainAscii();

// The length of the valid UTF-8 sequence that starts `s` at `i` (a lead
// byte >= 0x80), or 0 when it is not one (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

void AppendJsonString(absl::string_view value, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t plain = 0;  // start of the run of bytes copied as they are
  size_t i = 0;
  const auto flush = [&](size_t end) {
    out->append(value.data() + plain, end - plain);
  };
  while (i < value.size()) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (kPlainAscii[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const size_t n = Utf8SequenceLength(value, i); n > 0) {
        i += n;
        continue;
      }
      flush(i);
      out->append(kReplacement);
      plain = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
    plain = ++i;
  }
  flush(i);
  out->push_back('"');
}

void AppendLogTime(absl::Time t, std::string* out) {
  thread_local int64_t cached_second = std::numeric_limits<int64_t>::min();
  thread_local std::string cached;
  const int64_t micros = absl::ToUnixMicros(t);
  const int64_t second =
      micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
  if (second != cached_second) {
    cached =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second),
                         absl::UTCTimeZone());
    cached_second = second;
  }
  absl::StrAppend(out, cached, ".",
                  absl::Dec(micros - second * 1000000, absl::kZeroPad6), "Z");
}

JsonLine::JsonLine(std::string* out) : out_(out) { out_->push_back('{'); }

void JsonLine::Key(absl::string_view key) {
  // Keys are the program's own names (plain ASCII): written as they are.
  out_->append(first_ ? "\"" : ",\"");
  first_ = false;
  out_->append(key.data(), key.size());
  out_->append("\":");
}

JsonLine& JsonLine::String(absl::string_view key, absl::string_view value) {
  Key(key);
  AppendJsonString(value, out_);
  return *this;
}

JsonLine& JsonLine::Int(absl::string_view key, int64_t value) {
  Key(key);
  absl::StrAppend(out_, value);
  return *this;
}

JsonLine& JsonLine::Millis(absl::string_view key, int64_t micros) {
  Key(key);
  if (micros < 0) {
    out_->push_back('-');
    micros = -micros;
  }
  absl::StrAppend(out_, micros / 1000, ".",
                  absl::Dec(micros % 1000, absl::kZeroPad3));
  return *this;
}

JsonLine& JsonLine::Time(absl::string_view key, absl::Time t) {
  Key(key);
  out_->push_back('"');
  AppendLogTime(t, out_);
  out_->push_back('"');
  return *this;
}

void JsonLine::End() { out_->append("}\n"); }

}  // namespace envcredit
