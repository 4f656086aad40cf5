#include "common/log.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace envcredit {

void Log(LogSeverity severity, absl::string_view message) {
  const char* label = severity == LogSeverity::kInfo      ? "INFO"
                      : severity == LogSeverity::kWarning ? "WARNING"
                                                          : "ERROR";
  std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone()),
      " ", label, " ", message, "\n");
  // One fwrite per line: stdio locks the stream, so lines stay whole.
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

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

std::string LogLimiter::WithCount(const Entry& entry, absl::Time now) const {
  if (entry.suppressed == 0) return entry.last_message;
  const int64_t seconds = static_cast<int64_t>(
      std::llround(absl::ToDoubleSeconds(now - entry.written)));
  return absl::StrCat(entry.last_message, " (repeated ",
                      WithThousandsSeparators(entry.suppressed),
                      entry.suppressed == 1 ? " time" : " times",
                      " in the last ", seconds, " s)");
}

void LogLimiter::Log(LogSeverity severity, absl::string_view key,
                     absl::string_view message) {
  std::string line;
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
    line = WithCount(entry, now);
    entry.written = now;
    entry.suppressed = 0;
  }
  sink_(severity, line);
}

void LogLimiter::Flush() {
  std::vector<std::pair<LogSeverity, std::string>> lines;
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
      lines.emplace_back(entry.severity, WithCount(entry, now));
      entry.written = now;
      entry.suppressed = 0;
      ++it;
    }
  }
  for (const auto& [severity, line] : lines) sink_(severity, line);
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
