// LogLimiter (common/log.h): one line per key and interval, then the count.
// A settable clock drives it; nothing sleeps.
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace envcredit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class SettableClock final : public Clock {
 public:
  absl::Time Now() const override { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

class LogLimiterTest : public ::testing::Test {
 protected:
  LogLimiter limiter_{absl::Seconds(60), &clock_,
                      [this](LogSeverity, absl::string_view line) {
                        lines_.emplace_back(line);
                      }};
  SettableClock clock_;
  std::vector<std::string> lines_;
};

TEST_F(LogLimiterTest, FirstLineIsWrittenRepeatsAreCountedIntoTheNextOne) {
  limiter_.Log(LogSeverity::kError, "connect", "cannot connect (1)");
  for (int i = 2; i <= 2914; ++i) {
    clock_.Advance(absl::Milliseconds(20));  // 2,913 more within 58.3 s
    limiter_.Log(LogSeverity::kError, "connect",
                 "cannot connect (" + std::to_string(i) + ")");
  }
  EXPECT_THAT(lines_, ElementsAre("cannot connect (1)"));
  clock_.Advance(absl::Milliseconds(1740));  // 60.0 s after the first
  limiter_.Log(LogSeverity::kError, "connect", "cannot connect (last)");
  EXPECT_THAT(lines_,
              ElementsAre("cannot connect (1)",
                          "cannot connect (last) (repeated 2,913 times in the "
                          "last 60 s)"));
}

TEST_F(LogLimiterTest, KeysAreIndependent) {
  limiter_.Log(LogSeverity::kError, "a", "line a");
  limiter_.Log(LogSeverity::kError, "b", "line b");
  limiter_.Log(LogSeverity::kError, "a", "line a again");
  EXPECT_THAT(lines_, ElementsAre("line a", "line b"));
}

TEST_F(LogLimiterTest, AfterAQuietIntervalTheLineIsWrittenPlain) {
  limiter_.Log(LogSeverity::kWarning, "k", "one");
  clock_.Advance(absl::Seconds(61));
  limiter_.Log(LogSeverity::kWarning, "k", "two");
  EXPECT_THAT(lines_, ElementsAre("one", "two"));
}

TEST_F(LogLimiterTest, FlushWritesTheCountOfAKeyThatWentQuiet) {
  limiter_.Log(LogSeverity::kError, "k", "boom");
  clock_.Advance(absl::Seconds(1));
  limiter_.Log(LogSeverity::kError, "k", "boom");
  limiter_.Flush();  // interval not over: nothing yet
  EXPECT_THAT(lines_, ElementsAre("boom"));
  clock_.Advance(absl::Seconds(59));
  limiter_.Flush();
  EXPECT_THAT(lines_, ElementsAre("boom", "boom (repeated 1 time in the last 60 s)"));
  // Counted once only; then the key is quiet and forgotten.
  clock_.Advance(absl::Seconds(60));
  limiter_.Flush();
  EXPECT_EQ(lines_.size(), 2u);
  limiter_.Log(LogSeverity::kError, "k", "boom");
  EXPECT_EQ(lines_.back(), "boom");
}

TEST_F(LogLimiterTest, NothingToFlushWritesNothing) {
  limiter_.Flush();
  EXPECT_THAT(lines_, IsEmpty());
}

TEST(ThousandsTest, Separators) {
  EXPECT_EQ(WithThousandsSeparators(0), "0");
  EXPECT_EQ(WithThousandsSeparators(999), "999");
  EXPECT_EQ(WithThousandsSeparators(2913), "2,913");
  EXPECT_EQ(WithThousandsSeparators(1234567), "1,234,567");
}

}  // namespace
}  // namespace envcredit
