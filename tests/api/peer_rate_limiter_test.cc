// The per-address limit of LookupPublicRating (server/api/peer_rate_limiter.h).
#include "server/api/peer_rate_limiter.h"

#include "common/errors.h"
#include "gtest/gtest.h"

namespace envcredit::api {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'750'000'000);

TEST(PeerRateLimiterTest, AnAddressGetsItsBurstThenItsRateAndOthersAreNotTouched) {
  PeerRateLimiter limiter({/*per_second=*/2, /*burst=*/3, /*max_peers=*/100}, "LIMITED");
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take("10.0.0.1", kStart).ok()) << i;
  const absl::Status refused = limiter.Take("10.0.0.1", kStart);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrorReason(refused), "LIMITED");
  ASSERT_TRUE(RetryDelayOf(refused).has_value());
  EXPECT_EQ(*RetryDelayOf(refused), absl::Milliseconds(500));  // one call at 2/s
  EXPECT_TRUE(limiter.Take("10.0.0.2", kStart).ok());           // its own bucket
  EXPECT_TRUE(limiter.Take("10.0.0.1", kStart + absl::Milliseconds(500)).ok());
  EXPECT_FALSE(limiter.Take("10.0.0.1", kStart + absl::Milliseconds(500)).ok());
}

TEST(PeerRateLimiterTest, ManyNewAddressesShareOneBucketOnceTheMapIsFull) {
  PeerRateLimiter limiter({/*per_second=*/1, /*burst=*/2, /*max_peers=*/2}, "LIMITED");
  EXPECT_TRUE(limiter.Take("a", kStart).ok());
  EXPECT_TRUE(limiter.Take("b", kStart).ok());
  // Full, and neither bucket has refilled: newcomers share the overflow
  // bucket (burst 2), so a flood of new addresses is limited as one.
  EXPECT_TRUE(limiter.Take("c", kStart).ok());
  EXPECT_TRUE(limiter.Take("d", kStart).ok());
  EXPECT_FALSE(limiter.Take("e", kStart).ok());
  EXPECT_EQ(limiter.PeerCount(), 2);
  // Once "a" and "b" have refilled, they are forgotten and room is made.
  EXPECT_TRUE(limiter.Take("f", kStart + absl::Seconds(10)).ok());
  EXPECT_EQ(limiter.PeerCount(), 1);
}

}  // namespace
}  // namespace envcredit::api
