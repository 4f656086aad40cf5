#include "server/ratings/records_cache.h"

#include <utility>

#include "absl/hash/hash.h"
#include "common/status_macros.h"

namespace envcredit::ratings {
namespace {

// A string's heap block, if it has one (libstdc++ keeps up to 15 bytes in
// the object itself).
size_t HeapBytes(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

// What a map slot costs beyond the records: the key, the Slot, the hash
// table's control byte and load-factor slack, the shared_ptr control block.
constexpr size_t kSlotBytes = 128;

}  // namespace

size_t ApproximateBytes(const domain::RatableEnterprise& e) {
  const scoring::EnterpriseRecords& r = e.records;
  size_t bytes = kSlotBytes + sizeof(domain::RatableEnterprise) +
                 HeapBytes(e.credit_code) + HeapBytes(e.region_code);
  bytes += r.decisions.capacity() * sizeof(scoring::PenaltyDecision);
  for (const scoring::PenaltyDecision& d : r.decisions) {
    bytes += HeapBytes(d.decision_number) + HeapBytes(d.authority) +
             d.measures.capacity() * sizeof(scoring::Measure);
  }
  bytes += r.commitments.capacity() * sizeof(scoring::Commitment);
  for (const scoring::Commitment& c : r.commitments) bytes += HeapBytes(c.reference);
  bytes += r.broken_commitments.capacity() * sizeof(scoring::BrokenCommitmentItem);
  for (const scoring::BrokenCommitmentItem& b : r.broken_commitments) {
    bytes += HeapBytes(b.reference);
  }
  bytes += r.incidents.capacity() * sizeof(scoring::Incident);
  for (const scoring::Incident& i : r.incidents) bytes += HeapBytes(i.reference);
  return bytes;
}

RecordsCache::Shard& RecordsCache::ShardOf(absl::string_view credit_code) const {
  return shards_[absl::HashOf(credit_code) % kShards];
}

RecordsCache::Entry RecordsCache::Find(absl::string_view credit_code) const {
  Shard& shard = ShardOf(credit_code);
  absl::ReaderMutexLock lock(&shard.mu);
  auto it = shard.slots.find(credit_code);
  if (it == shard.slots.end()) return nullptr;
  return it->second.records;
}

RecordsCache::Offered RecordsCache::Offer(Entry e, int64_t cursor) {
  const size_t size = ApproximateBytes(*e);
  Shard& shard = ShardOf(e->credit_code);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.slots.find(e->credit_code);
  if (it == shard.slots.end()) {
    if (bytes() + size > budget_) return Offered::kFull;
    std::string key = e->credit_code;  // before `e` is moved from
    shard.slots.emplace(std::move(key), Slot{std::move(e), cursor, size});
    bytes_.fetch_add(size, std::memory_order_relaxed);
    return Offered::kStored;
  }
  Slot& slot = it->second;
  if (slot.records != nullptr) {
    if (slot.cursor >= cursor) return Offered::kStale;
    // Newer records of an enterprise already held replace them whatever
    // the budget says: refusing would leave the older ones in place.
  } else {
    // Dropped at slot.cursor: only records that include that change.
    if (slot.cursor > cursor) return Offered::kStale;
    if (size > slot.bytes && bytes() + (size - slot.bytes) > budget_) {
      return Offered::kFull;
    }
  }
  bytes_.fetch_add(size, std::memory_order_relaxed);
  bytes_.fetch_sub(slot.bytes, std::memory_order_relaxed);
  slot = Slot{std::move(e), cursor, size};
  return Offered::kStored;
}

void RecordsCache::Drop(absl::string_view credit_code, int64_t cursor) {
  // A drop leaves a marker (the key and the cursor) in place of the records.
  const size_t marker = kSlotBytes + credit_code.size();
  Shard& shard = ShardOf(credit_code);
  absl::MutexLock lock(&shard.mu);
  auto [it, added] = shard.slots.try_emplace(credit_code, Slot{nullptr, cursor, marker});
  if (added) {
    bytes_.fetch_add(marker, std::memory_order_relaxed);
    return;
  }
  Slot& slot = it->second;
  if (slot.cursor >= cursor) return;  // already holds (or awaits) that change
  bytes_.fetch_add(marker, std::memory_order_relaxed);
  bytes_.fetch_sub(slot.bytes, std::memory_order_relaxed);
  slot = Slot{nullptr, cursor, marker};
}

size_t RecordsCache::size() const {
  size_t held = 0;
  for (const Shard& shard : shards_) {
    absl::ReaderMutexLock lock(&shard.mu);
    for (const auto& [code, slot] : shard.slots) held += slot.records != nullptr ? 1 : 0;
  }
  return held;
}

absl::StatusOr<FillStats> FillRecordsCache(domain::RatingStore& store,
                                           RecordsCache& cache,
                                           absl::FunctionRef<int64_t()> seen,
                                           absl::FunctionRef<bool()> stop, int page) {
  FillStats stats;
  int64_t after = 0;
  for (;;) {
    if (stop()) {
      stats.stopped = true;
      break;
    }
    const int64_t label = seen();  // before the read: see the header
    ASSIGN_OR_RETURN(std::vector<domain::RatableEnterprise> read,
                     store.LoadRatablePage(after, page));
    if (read.empty()) break;
    after = read.back().enterprise_id;
    for (domain::RatableEnterprise& e : read) {
      auto entry = std::make_shared<const domain::RatableEnterprise>(std::move(e));
      if (cache.Offer(std::move(entry), label) == RecordsCache::Offered::kFull) {
        stats.full = true;
      }
    }
    if (stats.full || static_cast<int>(read.size()) < page) break;
  }
  stats.enterprises = static_cast<int64_t>(cache.size());
  return stats;
}

}  // namespace envcredit::ratings
