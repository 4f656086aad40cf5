// One JSON object per log line (RFC 8259), for --log_format=json: the
// server's application lines (common/log.h) and its access log
// (server/api/access_log.h) are written with this, e.g.
//   {"time":"2026-12-04T03:17:29.123456Z","level":"INFO","message":"ready"}
// Strings are escaped so that every line is valid JSON whatever a message
// holds: '"' and '\' get a backslash, control characters become \u00XX,
// valid non-ASCII UTF-8 passes through unchanged, and each byte of invalid
// UTF-8 becomes U+FFFD. Numbers are written as JSON numbers.
//
// The writer appends to a string its caller owns (no allocation of its
// own beyond that string's growth), so a caller can reuse one buffer.
#ifndef ENVCREDIT_COMMON_JSON_LINE_H_
#define ENVCREDIT_COMMON_JSON_LINE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace envcredit {

// Appends `value` as a JSON string, quotes included (see above).
void AppendJsonString(absl::string_view value, std::string* out);

// Appends `t` as RFC 3339 UTC with microseconds, "2026-12-04T03:17:29.123456Z"
// (the time of every log line, text or JSON). The date and time of day are
// formatted once a second per thread, not on every call (absl::FormatTime is
// most of a line's cost).
void AppendLogTime(absl::Time t, std::string* out);

// Builds one line: {"key":value,...}\n. Keys are written in the order added,
// as they are: they must be plain ASCII names without '"' or '\' (the
// program's own, never a client's text).
// Not thread-safe (one line, one thread).
class JsonLine {
 public:
  // Appends "{" to `out`, which must outlive the JsonLine.
  explicit JsonLine(std::string* out);

  JsonLine& String(absl::string_view key, absl::string_view value);
  JsonLine& Int(absl::string_view key, int64_t value);
  // `micros` as milliseconds with three decimals: 412 -> 0.412.
  JsonLine& Millis(absl::string_view key, int64_t micros);
  // A string in the format of AppendLogTime.
  JsonLine& Time(absl::string_view key, absl::Time t);

  // Appends "}\n". Nothing may be added after it.
  void End();

 private:
  void Key(absl::string_view key);

  std::string* const out_;
  bool first_ = true;
};

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_JSON_LINE_H_
