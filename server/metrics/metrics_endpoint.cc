#include "server/metrics/metrics_endpoint.h"

#include <exception>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"
#include "prometheus/metric_family.h"

namespace envcredit::metrics {
namespace {

prometheus::ClientMetric::Label L(std::string name, std::string value) {
  return prometheus::ClientMetric::Label{std::move(name), std::move(value)};
}

}  // namespace

Family Gauge(std::string name, std::string help, std::function<double()> read) {
  return Family{std::move(name), std::move(help), Family::Type::kGauge,
                [read = std::move(read)] { return std::vector<Sample>{{{}, read()}}; }};
}

Family Counter(std::string name, std::string help, std::function<double()> read) {
  Family f = Gauge(std::move(name), std::move(help), std::move(read));
  f.type = Family::Type::kCounter;
  return f;
}

class MetricsEndpoint::Collector final : public prometheus::Collectable {
 public:
  Collector(const api::CallStats* calls, std::vector<Family> families)
      : calls_(calls), families_(std::move(families)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    if (calls_ != nullptr) CollectCalls(&out);
    for (const Family& f : families_) {
      prometheus::MetricFamily family;
      family.name = f.name;
      family.help = f.help;
      family.type = f.type == Family::Type::kCounter
                        ? prometheus::MetricType::Counter
                        : prometheus::MetricType::Gauge;
      for (const Sample& s : f.read()) {
        prometheus::ClientMetric m;
        for (const auto& [name, value] : s.labels) m.label.push_back(L(name, value));
        if (f.type == Family::Type::kCounter) {
          m.counter.value = s.value;
        } else {
          m.gauge.value = s.value;
        }
        family.metric.push_back(std::move(m));
      }
      out.push_back(std::move(family));
    }
    return out;
  }

 private:
  void CollectCalls(std::vector<prometheus::MetricFamily>* out) const {
    prometheus::MetricFamily calls{
        "envcredit_calls_total",
        "gRPC calls answered, by method and status code",
        prometheus::MetricType::Counter,
        {}};
    prometheus::MetricFamily latency{
        "envcredit_call_latency_seconds",
        "time from a call's arrival to its status, by method",
        prometheus::MetricType::Histogram,
        {}};
    const std::vector<double>& bounds = api::LatencyBucketBounds();
    for (const api::CallStats::Method& method : calls_->Snapshot()) {
      for (int code = 0; code < api::CallStats::kCodes; ++code) {
        if (method.calls[code] == 0) continue;
        prometheus::ClientMetric m;
        // The names the access log writes (absl's are gRPC's).
        m.label = {L("method", method.name),
                   L("code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code)))};
        m.counter.value = static_cast<double>(method.calls[code]);
        calls.metric.push_back(std::move(m));
      }
      prometheus::ClientMetric h;
      h.label = {L("method", method.name)};
      uint64_t cumulative = 0;
      for (size_t b = 0; b < method.buckets.size(); ++b) {
        cumulative += method.buckets[b];
        prometheus::ClientMetric::Bucket bucket;
        bucket.cumulative_count = cumulative;
        bucket.upper_bound = b < bounds.size()
                                 ? bounds[b]
                                 : std::numeric_limits<double>::infinity();
        h.histogram.bucket.push_back(bucket);
      }
      h.histogram.sample_count = cumulative;
      h.histogram.sample_sum = method.sum_seconds;
      latency.metric.push_back(std::move(h));
    }
    prometheus::MetricFamily denials{
        "envcredit_access_denials_total",
        "calls the access check refused, by ErrorInfo reason",
        prometheus::MetricType::Counter,
        {}};
    for (const auto& [reason, count] : calls_->Denials()) {
      prometheus::ClientMetric m;
      m.label = {L("reason", reason)};
      m.counter.value = static_cast<double>(count);
      denials.metric.push_back(std::move(m));
    }
    out->push_back(std::move(calls));
    out->push_back(std::move(latency));
    out->push_back(std::move(denials));
  }

  const api::CallStats* const calls_;
  const std::vector<Family> families_;
};

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, const api::CallStats* calls,
    std::vector<Family> families) {
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->collector_ = std::make_shared<Collector>(calls, std::move(families));
  try {
    // One thread: scrapes come every few seconds from one or two servers.
    endpoint->exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("--metrics_listen ", listen, ": cannot listen (", e.what(), ")"));
  }
  endpoint->exposer_->RegisterCollectable(endpoint->collector_);
  const std::vector<int> ports = endpoint->exposer_->GetListeningPorts();
  endpoint->port_ = ports.empty() ? 0 : ports.front();
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace envcredit::metrics
