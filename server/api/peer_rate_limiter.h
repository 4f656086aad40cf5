// A token bucket per calling address, for the methods that need no token
// (LookupPublicRating): with no token there is no one else to count against.
// The address is the peer's IP without the port (PeerAddress), so a client
// cannot reset its bucket by opening new connections.
//
// Memory is bounded: at most `max_peers` buckets; when a new address comes
// and the map is full, buckets that have refilled completely (their peers
// have been quiet long enough) are dropped, and if none has, the new address
// shares one overflow bucket with every other newcomer — a flood of new
// addresses is limited as one.
//
// Thread-safety: thread-safe (one mutex; the lookups it guards read the
// database, so the lock is not the bottleneck).
#ifndef ENVCREDIT_SERVER_API_PEER_RATE_LIMITER_H_
#define ENVCREDIT_SERVER_API_PEER_RATE_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace envcredit::api {

struct PeerRateLimiterOptions {
  double per_second = 5;  // sustained calls per second per address
  double burst = 20;      // calls an address may make at once
  int max_peers = 10000;
};

class PeerRateLimiter {
 public:
  // `reason` is the ErrorInfo reason of a refusal (PUBLIC_LOOKUP_LIMITED).
  PeerRateLimiter(PeerRateLimiterOptions options, std::string reason);

  // OK and one call counted, or RESOURCE_EXHAUSTED (`reason`) with the
  // delay after which a call would pass (RetryInfo).
  absl::Status Take(absl::string_view peer, absl::Time now);

  // The number of addresses with a bucket (tests).
  int PeerCount() const;

 private:
  struct Bucket {
    double level = 0;
    absl::Time updated;
  };
  void Refill(Bucket& bucket, absl::Time now) const;
  Bucket& BucketOf(absl::string_view peer, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const PeerRateLimiterOptions options_;
  const std::string reason_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  Bucket overflow_ ABSL_GUARDED_BY(mu_);
  bool overflow_started_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_PEER_RATE_LIMITER_H_
