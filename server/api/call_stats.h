// The figures of the calls this server answers, for the metrics endpoint
// (server/metrics/): calls by method and status code, latency histograms,
// denials by reason, and rows of batch imports by outcome.
//
// Recording is on the path of every call, so it takes no lock and allocates
// nothing: fixed arrays of relaxed atomic counters, one slot per method known
// at start (the served methods; an unknown one counts under "other"),
// summed up only when the endpoint is scraped. (prometheus-cpp's own
// Counter::Increment and Histogram::Observe take a mutex per family, which
// the serving benchmark would feel: doc/operations.md "Metrics".)
#ifndef ENVCREDIT_SERVER_API_CALL_STATS_H_
#define ENVCREDIT_SERVER_API_CALL_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace envcredit::api {

// The upper bounds (seconds) of the latency buckets, ascending; +Inf is
// implied.
const std::vector<double>& LatencyBucketBounds();

class CallStats {
 public:
  static constexpr int kCodes = 17;  // gRPC status codes 0..16

  // `methods`: full method names ("/envcredit.v1.EnterpriseService/
  // GetEnterprise"); calls of any other method count under "other".
  explicit CallStats(const std::vector<std::string>& methods);

  // Thread-safe, lock-free.
  void Record(absl::string_view method, int code, absl::Duration latency);
  // A denied call's ErrorInfo reason (TOKEN_UNKNOWN, RATE_LIMITED, …);
  // takes a lock — denials are the rare path.
  void RecordDenial(absl::string_view reason);

  struct Method {
    std::string name;
    std::array<uint64_t, kCodes> calls{};
    std::vector<uint64_t> buckets;  // not cumulative, one per bound and +Inf
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  // Methods with at least one call.
  std::vector<Method> Snapshot() const;
  std::vector<std::pair<std::string, uint64_t>> Denials() const;

 private:
  struct Slot {
    std::array<std::atomic<uint64_t>, kCodes> calls{};
    std::unique_ptr<std::atomic<uint64_t>[]> buckets;
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_micros{0};
  };
  std::vector<std::string> names_;  // by slot; the last is "other"
  absl::flat_hash_map<std::string, int> index_;
  std::unique_ptr<Slot[]> slots_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, uint64_t> denials_ ABSL_GUARDED_BY(mu_);
};

// Rows of batch creates (imports) by kind ("enterprises",
// "penalty_decisions") and outcome ("created", "already_existed",
// "failed"). Process-wide, like the rest of a metrics registry; lock-free.
class ImportStats {
 public:
  static ImportStats& Get();
  enum class Outcome { kCreated = 0, kAlreadyExisted = 1, kFailed = 2 };
  enum class Kind { kEnterprises = 0, kPenaltyDecisions = 1 };
  void Add(Kind kind, Outcome outcome, uint64_t rows = 1);
  uint64_t Rows(Kind kind, Outcome outcome) const;
  static const char* KindName(Kind kind);
  static const char* OutcomeName(Outcome outcome);

 private:
  std::array<std::atomic<uint64_t>, 6> rows_{};
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_CALL_STATS_H_
