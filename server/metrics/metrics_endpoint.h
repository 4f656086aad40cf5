// The Prometheus endpoint of envcredit-server (`--metrics_listen`,
// doc/operations.md "Metrics"): GET /metrics in the text exposition format.
//
// prometheus-cpp (Debian's prometheus-cpp-dev) serves the page and writes
// the format; the figures are gathered only when the page is scraped:
//   - the per-call ones from api::CallStats (lock-free counters the access
//     log's interceptor fills on every call): envcredit_calls_total{method,
//     code}, envcredit_call_latency_seconds{method} (a histogram) and
//     envcredit_access_denials_total{reason};
//   - every other figure from a Family the caller describes with a function
//     that reads it (the pool, the feed, the cache, the database), so this
//     module depends on nothing but CallStats and the library.
#ifndef ENVCREDIT_SERVER_METRICS_METRICS_ENDPOINT_H_
#define ENVCREDIT_SERVER_METRICS_METRICS_ENDPOINT_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/api/call_stats.h"

namespace prometheus {
class Exposer;
}

namespace envcredit::metrics {

struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

struct Family {
  enum class Type { kCounter, kGauge };
  std::string name;  // envcredit_…; counters end in _total
  std::string help;
  Type type = Type::kGauge;
  // Called on every scrape, from the endpoint's thread: must be
  // thread-safe and quick.
  std::function<std::vector<Sample>()> read;
};

// A family with one unlabelled sample.
Family Gauge(std::string name, std::string help, std::function<double()> read);
Family Counter(std::string name, std::string help, std::function<double()> read);

class MetricsEndpoint {
 public:
  // Listens on `listen` ("127.0.0.1:9464"; port 0 picks a free one).
  // UNAVAILABLE naming the address when it cannot listen. `calls` may be
  // null; it and every function of `families` must outlive the endpoint.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen, const api::CallStats* calls,
      std::vector<Family> families);
  ~MetricsEndpoint();

  int port() const { return port_; }

 private:
  class Collector;
  MetricsEndpoint() = default;
  std::shared_ptr<Collector> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace envcredit::metrics

#endif  // ENVCREDIT_SERVER_METRICS_METRICS_ENDPOINT_H_
