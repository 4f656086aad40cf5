#include "server/ratings/rating_cache.h"

namespace envcredit::ratings {

std::optional<domain::CurrentRating> RatingCache::Find(
    absl::string_view credit_code) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = ratings_.find(credit_code);
  if (it == ratings_.end()) return std::nullopt;
  return it->second;
}

void RatingCache::Apply(const domain::CurrentRating& rating) {
  absl::MutexLock lock(&mu_);
  auto [it, added] = ratings_.try_emplace(rating.credit_code, rating);
  if (added) {
    CountLocked(rating, +1);
    return;
  }
  const domain::CurrentRating& held = it->second;
  // Newer: a later change (revision), or the same change re-rated on a later
  // day (the roll moves as_of and valid_until without a change).
  if (rating.revision > held.revision ||
      (rating.revision == held.revision && rating.as_of >= held.as_of)) {
    CountLocked(held, -1);
    CountLocked(rating, +1);
    it->second = rating;
  }
}

void RatingCache::CountLocked(const domain::CurrentRating& r, int delta) {
  const auto key = std::make_pair(static_cast<int>(r.level), r.policy_id);
  auto it = counts_.find(key);
  if (it == counts_.end()) {
    counts_.emplace(key, delta);
  } else if ((it->second += delta) == 0) {
    counts_.erase(it);
  }
}

std::vector<RatingCache::LevelCount> RatingCache::CountByLevelAndPolicy() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<LevelCount> out;
  out.reserve(counts_.size());
  for (const auto& [key, count] : counts_) {
    out.push_back({static_cast<scoring::Level>(key.first), key.second, count});
  }
  return out;
}

size_t RatingCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return ratings_.size();
}

}  // namespace envcredit::ratings
