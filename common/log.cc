#include "common/log.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/json_line.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace envcredit {

namespace {

std::atomic<LogFormat> log_format{LogFormat::kText};

std::string CountText(int64_t repeated, int64_t seconds) {
  return absl::StrCat(" (repeated ", WithThousandsSeparators(repeated),
                      repeated == 1 ? " time" : " times", " in the last ", seconds,
                      " s)");
}

// One line of the process log; `repeated` > 0 for a LogLimited count line.
void WriteLine(LogSeverity severity, absl::string_view message, int64_t repeated = 0,
               int64_t seconds = 0) {
  const absl::Time now = absl::Now();
  std::string line;
  if (GetLogFormat() == LogFormat::kJson) {
    line.reserve(80 + message.size());
    JsonLine json(&line);
    json.Time("time", now).String("level", LogSeverityName(severity)).String("message", message);
    if (repeated > 0) json.Int("repeated", repeated).Int("repeated_seconds", seconds);
    json.End();
  } else {
    line = absl::StrCat(
        absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", now, absl::UTCTimeZone()), " ",
        LogSeverityName(severity), " ", message,
        repeated > 0 ? CountText(repeated, seconds) : "", "\n");
  }
  // One fwrite per line: stdio locks the stream, so lines stay whole.
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

const char* LogSeverityName(LogSeverity severity) {
  return severity == LogSeverity::kInfo      ? "INFO"
         : severity == LogSeverity::kWarning ? "WARNING"
                                             : "ERROR";
}

void SetLogFormat(LogFormat format) { log_format.store(format, std::memory_order_relaxed); }

LogFormat GetLogFormat() { return log_format.load(std::memory_order_relaxed); }

bool ParseLogFormat(absl::string_view text, LogFormat* format) {
  if (text == "text") {
    *format = LogFormat::kText;
  } else if (text == "json") {
    *format = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

void Log(LogSeverity severity, absl::string_view message) { WriteLine(severity, message); }

std::string WithThousandsSeparators(int64_t value) {
  if (value < 0) return "-" + WithThousandsSeparators(-value);
  const std::string digits = absl::StrCat(value);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

LogLimiter::LogLimiter(absl::Duration interval, const Clock* clock, Sink sink)
    : interval_(interval), clock_(clock), sink_(std::move(sink)) {}

LogLimiter::Line LogLimiter::Take(const Entry& entry, absl::Time now) const {
  Line line{entry.severity, entry.last_message};
  if (entry.suppressed == 0) return line;
  line.repeated = entry.suppressed;
  line.seconds = static_cast<int64_t>(std::llround(absl::ToDoubleSeconds(now - entry.written)));
  return line;
}

void LogLimiter::Emit(const Line& line) const {
  if (!sink_) {
    WriteLine(line.severity, line.message, line.repeated, line.seconds);
    return;
  }
  sink_(line.severity, line.repeated > 0
                           ? absl::StrCat(line.message, CountText(line.repeated, line.seconds))
                           : line.message);
}

void LogLimiter::Log(LogSeverity severity, absl::string_view key,
                     absl::string_view message) {
  Line line;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = clock_->Now();
    auto it = entries_.find(key);
    if (it != entries_.end() && now - it->second.written < interval_) {
      ++it->second.suppressed;
      it->second.severity = severity;
      it->second.last_message = std::string(message);
      return;
    }
    if (it == entries_.end()) {
      if (entries_.size() >= kMaxKeys) {
        // Forget quiet keys (nothing counted); if all are busy, all of them.
        for (auto e = entries_.begin(); e != entries_.end();) {
          if (e->second.suppressed == 0) {
            entries_.erase(e++);
          } else {
            ++e;
          }
        }
        if (entries_.size() >= kMaxKeys) entries_.clear();
      }
      it = entries_.emplace(std::string(key), Entry{}).first;
      it->second.written = now;
    }
    Entry& entry = it->second;
    entry.severity = severity;
    entry.last_message = std::string(message);
    line = Take(entry, now);
    entry.written = now;
    entry.suppressed = 0;
  }
  Emit(line);
}

void LogLimiter::Flush() {
  std::vector<Line> lines;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = clock_->Now();
    for (auto it = entries_.begin(); it != entries_.end();) {
      Entry& entry = it->second;
      if (now - entry.written < interval_) {
        ++it;
        continue;
      }
      if (entry.suppressed == 0) {
        entries_.erase(it++);  // quiet for a whole interval
        continue;
      }
      lines.push_back(Take(entry, now));
      entry.written = now;
      entry.suppressed = 0;
      ++it;
    }
  }
  for (const Line& line : lines) Emit(line);
}

LogLimiter& DefaultLogLimiter() {
  static LogLimiter* const limiter = new LogLimiter();
  return *limiter;
}

void LogLimited(LogSeverity severity, absl::string_view key,
                absl::string_view message) {
  DefaultLogLimiter().Log(severity, key, message);
}

void FlushLimitedLogs() { DefaultLogLimiter().Flush(); }

}  // namespace envcredit
