// One-line, thread-safe logging to stderr for operators: a UTC timestamp, a
// severity and a message, e.g.
//   2026-11-25T22:40:01.123456Z INFO listening on 127.0.0.1:50051
// Debian's Abseil has no absl/log; this is deliberately tiny.
#ifndef ENVCREDIT_COMMON_LOG_H_
#define ENVCREDIT_COMMON_LOG_H_

#include "absl/strings/string_view.h"

namespace envcredit {

enum class LogSeverity { kInfo, kWarning, kError };

// Writes one line; lines from concurrent threads never interleave.
void Log(LogSeverity severity, absl::string_view message);

inline void LogInfo(absl::string_view message) {
  Log(LogSeverity::kInfo, message);
}
inline void LogWarning(absl::string_view message) {
  Log(LogSeverity::kWarning, message);
}
inline void LogError(absl::string_view message) {
  Log(LogSeverity::kError, message);
}

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_LOG_H_
