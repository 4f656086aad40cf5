#include "server/api/peer_rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/errors.h"

namespace envcredit::api {

PeerRateLimiter::PeerRateLimiter(PeerRateLimiterOptions options, std::string reason)
    : options_(options), reason_(std::move(reason)) {}

void PeerRateLimiter::Refill(Bucket& bucket, absl::Time now) const {
  const double elapsed_s = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
  bucket.level = std::min(options_.burst, bucket.level + elapsed_s * options_.per_second);
  bucket.updated = std::max(bucket.updated, now);
}

PeerRateLimiter::Bucket& PeerRateLimiter::BucketOf(absl::string_view peer, absl::Time now) {
  if (auto found = buckets_.find(peer); found != buckets_.end()) return found->second;
  if (static_cast<int>(buckets_.size()) >= options_.max_peers) {
    // A full bucket is one a newcomer would get anyway: forgetting it
    // changes no answer.
    absl::erase_if(buckets_, [&](auto& entry) {
      Refill(entry.second, now);
      return entry.second.level >= options_.burst;
    });
  }
  if (static_cast<int>(buckets_.size()) >= options_.max_peers) {
    if (!overflow_started_) {
      overflow_ = Bucket{options_.burst, now};
      overflow_started_ = true;
    }
    return overflow_;
  }
  return buckets_.try_emplace(std::string(peer), Bucket{options_.burst, now}).first->second;
}

absl::Status PeerRateLimiter::Take(absl::string_view peer, absl::Time now) {
  absl::MutexLock lock(&mu_);
  Bucket& bucket = BucketOf(peer, now);
  Refill(bucket, now);
  if (bucket.level >= 1) {
    bucket.level -= 1;
    return absl::OkStatus();
  }
  const double wait_ms = std::max(1.0, (1 - bucket.level) / options_.per_second * 1000);
  return WithRetryDelay(
      MakeError(absl::StatusCode::kResourceExhausted, reason_,
                absl::StrFormat("at most %.0f lookups a second from one address; retry "
                                "after %.0f ms",
                                options_.per_second, wait_ms)),
      absl::Milliseconds(std::ceil(wait_ms)));
}

int PeerRateLimiter::PeerCount() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(buckets_.size());
}

}  // namespace envcredit::api
