#include "common/log.h"

#include <cstdio>
#include <string>

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

}  // namespace envcredit
