#include "server/api/call_stats.h"

#include <algorithm>

namespace envcredit::api {

const std::vector<double>& LatencyBucketBounds() {
  static const auto* bounds = new std::vector<double>{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *bounds;
}

CallStats::CallStats(const std::vector<std::string>& methods)
    : names_(methods), slots_(new Slot[methods.size() + 1]) {
  names_.push_back("other");
  const size_t buckets = LatencyBucketBounds().size() + 1;
  for (size_t k = 0; k < names_.size(); ++k) {
    slots_[k].buckets.reset(new std::atomic<uint64_t>[buckets]);
    for (size_t b = 0; b < buckets; ++b) slots_[k].buckets[b] = 0;
    if (k + 1 < names_.size()) index_.emplace(names_[k], static_cast<int>(k));
  }
}

void CallStats::Record(absl::string_view method, int code,
                       absl::Duration latency) {
  const auto it = index_.find(method);
  Slot& slot = slots_[it == index_.end() ? names_.size() - 1 : it->second];
  if (code < 0 || code >= kCodes) code = 2;  // UNKNOWN
  slot.calls[code].fetch_add(1, std::memory_order_relaxed);
  const double seconds = absl::ToDoubleSeconds(latency);
  const std::vector<double>& bounds = LatencyBucketBounds();
  const size_t bucket =
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  slot.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  slot.count.fetch_add(1, std::memory_order_relaxed);
  slot.sum_micros.fetch_add(
      static_cast<uint64_t>(std::max<int64_t>(0, absl::ToInt64Microseconds(latency))),
      std::memory_order_relaxed);
}

void CallStats::RecordDenial(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  ++denials_[reason.empty() ? absl::string_view("UNKNOWN") : reason];
}

std::vector<CallStats::Method> CallStats::Snapshot() const {
  std::vector<Method> out;
  const size_t buckets = LatencyBucketBounds().size() + 1;
  for (size_t k = 0; k < names_.size(); ++k) {
    const Slot& slot = slots_[k];
    Method m;
    m.count = slot.count.load(std::memory_order_relaxed);
    if (m.count == 0) continue;
    m.name = names_[k];
    for (int c = 0; c < kCodes; ++c) {
      m.calls[c] = slot.calls[c].load(std::memory_order_relaxed);
    }
    m.buckets.resize(buckets);
    for (size_t b = 0; b < buckets; ++b) {
      m.buckets[b] = slot.buckets[b].load(std::memory_order_relaxed);
    }
    m.sum_seconds =
        static_cast<double>(slot.sum_micros.load(std::memory_order_relaxed)) / 1e6;
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::pair<std::string, uint64_t>> CallStats::Denials() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<std::string, uint64_t>> out(denials_.begin(), denials_.end());
  std::sort(out.begin(), out.end());
  return out;
}

ImportStats& ImportStats::Get() {
  static auto* stats = new ImportStats();
  return *stats;
}

void ImportStats::Add(Kind kind, Outcome outcome, uint64_t rows) {
  rows_[static_cast<int>(kind) * 3 + static_cast<int>(outcome)].fetch_add(
      rows, std::memory_order_relaxed);
}

uint64_t ImportStats::Rows(Kind kind, Outcome outcome) const {
  return rows_[static_cast<int>(kind) * 3 + static_cast<int>(outcome)].load(
      std::memory_order_relaxed);
}

const char* ImportStats::KindName(Kind kind) {
  return kind == Kind::kEnterprises ? "enterprises" : "penalty_decisions";
}

const char* ImportStats::OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated: return "created";
    case Outcome::kAlreadyExisted: return "already_existed";
    case Outcome::kFailed: return "failed";
  }
  return "failed";
}

}  // namespace envcredit::api
