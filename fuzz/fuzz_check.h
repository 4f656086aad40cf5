// A check for fuzz targets: a property that does not hold aborts with the
// message, so libFuzzer records the input as a crash (and the sanitizers'
// stack shows where). Unlike assert(), it is never compiled out.
#ifndef ENVCREDIT_FUZZ_FUZZ_CHECK_H_
#define ENVCREDIT_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

#define FUZZ_CHECK(condition, detail)                                    \
  do {                                                                   \
    if (!(condition)) {                                                  \
      ::envcredit::fuzz::Fail(__FILE__, __LINE__, #condition, (detail)); \
    }                                                                    \
  } while (0)

namespace envcredit::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              absl::string_view detail) {
  std::fprintf(stderr, "%s:%d: property failed: %s\n  %s\n", file, line,
               condition, std::string(detail).c_str());
  std::abort();
}

// `bytes` printable, for failure messages.
inline std::string Quote(absl::string_view bytes) {
  return "\"" + absl::CHexEscape(bytes) + "\"";
}

}  // namespace envcredit::fuzz

#endif  // ENVCREDIT_FUZZ_FUZZ_CHECK_H_
