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
  if (added) return;
  const domain::CurrentRating& held = it->second;
  // Newer: a later change (revision), or the same change re-rated on a later
  // day (the roll moves as_of and valid_until without a change).
  if (rating.revision > held.revision ||
      (rating.revision == held.revision && rating.as_of >= held.as_of)) {
    it->second = rating;
  }
}

size_t RatingCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return ratings_.size();
}

}  // namespace envcredit::ratings
