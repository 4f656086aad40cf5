// One-line, thread-safe logging to stderr for operators: a UTC timestamp, a
// severity and a message, e.g.
//   2026-11-25T22:40:01.123456Z INFO listening on 127.0.0.1:50051
// Debian's Abseil has no absl/log; this is deliberately tiny.
//
// Lines that can repeat once per call or per attempt (a database error, an
// audit that failed) go through LogLimited: the first line of a key is
// written, later ones within the interval are only counted, and the next line
// of that key after the interval carries the count:
//   ... ERROR storage: connect: MySQL error 2003 (HY000): Can't connect ...
//   ... ERROR storage: connect: MySQL error 2003 (HY000): Can't connect ...
//       (repeated 2,913 times in the last 60 s)
// FlushLimitedLogs writes such a count line for keys that went quiet, so a
// burst is never left uncounted (the database probe calls it every period).
//
// --log_format=json (SetLogFormat(LogFormat::kJson)) writes each line as one
// JSON object instead (common/json_line.h; doc/operations.md "Logs"):
//   {"time":"2026-11-25T22:40:01.123456Z","level":"INFO","message":"listening on 127.0.0.1:50051"}
// and a count line of LogLimited carries the count as numbers, not in the
// message: ..."message":"storage: connect: ...","repeated":2913,"repeated_seconds":60}
#ifndef ENVCREDIT_COMMON_LOG_H_
#define ENVCREDIT_COMMON_LOG_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace envcredit {

enum class LogSeverity { kInfo, kWarning, kError };

// "INFO", "WARNING", "ERROR".
const char* LogSeverityName(LogSeverity severity);

enum class LogFormat { kText, kJson };

// Chooses the format of every line of the process (Log, LogLimited, the
// access log). Call once at start-up, before any other thread logs; the
// default is kText. Reading it is one relaxed atomic load.
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();
// "text" -> kText, "json" -> kJson; false for anything else.
bool ParseLogFormat(absl::string_view text, LogFormat* format);

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

// At most one line per key and interval. Thread-safe.
class LogLimiter {
 public:
  using Sink = std::function<void(LogSeverity, absl::string_view)>;

  // `clock` must outlive the limiter. `sink` gets each line with its count
  // in the text (" (repeated N times ...)"); without one (the default) lines
  // go to the process log in its format (JSON: the count as numbers).
  explicit LogLimiter(absl::Duration interval = absl::Seconds(60),
                      const Clock* clock = SystemClock(), Sink sink = nullptr);

  // Writes `message` when no line of `key` was written within the interval
  // (with " (repeated N times in the last S s)" when lines of the key were
  // suppressed since the last one written); otherwise counts it. The key
  // names the kind of line ("storage: connect: 2003"); messages of one key
  // may differ, the one written is the newest.
  void Log(LogSeverity severity, absl::string_view key,
           absl::string_view message);

  // For every key whose interval is over and that has suppressed lines:
  // writes its newest message with the count, and starts a new interval.
  // Keys quiet for a whole interval are forgotten.
  void Flush();

 private:
  struct Entry {
    absl::Time written;      // when its last line was written
    int64_t suppressed = 0;  // lines counted since then
    LogSeverity severity = LogSeverity::kInfo;
    std::string last_message;
  };
  // Keys kept at most; beyond, quiet keys are dropped first.
  static constexpr size_t kMaxKeys = 4096;

  // A line to write: the newest message and what was counted before it.
  struct Line {
    LogSeverity severity;
    std::string message;
    int64_t repeated = 0;
    int64_t seconds = 0;  // over which the count was taken
  };
  Line Take(const Entry& entry, absl::Time now) const;
  void Emit(const Line& line) const;

  const absl::Duration interval_;
  const Clock* const clock_;
  const Sink sink_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// The process's limiter (60 s per key, stderr).
LogLimiter& DefaultLogLimiter();

// DefaultLogLimiter().Log(...).
void LogLimited(LogSeverity severity, absl::string_view key,
                absl::string_view message);
// DefaultLogLimiter().Flush().
void FlushLimitedLogs();

// 2913 -> "2,913".
std::string WithThousandsSeparators(int64_t value);

}  // namespace envcredit

#endif  // ENVCREDIT_COMMON_LOG_H_
