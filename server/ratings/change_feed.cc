#include "server/ratings/change_feed.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace envcredit::ratings {

ChangeFeed::ChangeFeed(domain::FeedStore* store,
                       RatingCache* cache, ChangeFeedOptions options)
    : store_(*store), cache_(*cache), options_(options) {}

ChangeFeed::~ChangeFeed() { Stop(); }

absl::Status ChangeFeed::Start() {
  // The cursor first, then the ratings: every change after the cursor is
  // applied again by the follower, and the cache keeps the newer of two.
  ASSIGN_OR_RETURN(int64_t latest, store_.LatestCursor());
  RETURN_IF_ERROR(
      store_.ForEachRating([this](domain::CurrentRating&& r) { cache_.Apply(r); }));
  {
    absl::MutexLock lock(&mu_);
    latest_ = latest;
  }
  follower_ = std::thread([this] { Follow(); });
  return absl::OkStatus();
}

void ChangeFeed::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (follower_.joinable()) follower_.join();
}

bool ChangeFeed::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

int64_t ChangeFeed::latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

void ChangeFeed::OnRatingsCommitted(const domain::RatingUpdates& updates) {
  for (const domain::CurrentRating& r : updates.ratings) cache_.Apply(r);
  if (!updates.changes.empty()) {
    absl::MutexLock lock(&mu_);
    wake_ = true;
  }
}

void ChangeFeed::Follow() {
  absl::Time last_error_log = absl::InfinitePast();
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto woken = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || wake_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&woken), options_.poll_interval);
      if (stopping_) return;
      wake_ = false;
    }
    // Drain: keep reading while full batches come back.
    for (;;) {
      absl::StatusOr<std::vector<domain::FeedEvent>> batch =
          store_.ReadFeed(latest(), options_.read_batch);
      if (!batch.ok()) {
        if (absl::Now() - last_error_log > absl::Seconds(30)) {
          LogWarning(absl::StrCat("change feed: cannot read new events: ",
                                  batch.status().ToString()));
          last_error_log = absl::Now();
        }
        break;
      }
      if (batch->empty()) break;
      const bool full = static_cast<int>(batch->size()) == options_.read_batch;
      for (const domain::FeedEvent& e : *batch) {
        if (e.rating) cache_.Apply(e.rating->rating);
      }
      {
        absl::MutexLock lock(&mu_);
        for (domain::FeedEvent& e : *batch) {
          if (e.cursor <= latest_) continue;
          latest_ = e.cursor;
          window_.push_back(std::move(e));
        }
        while (window_.size() > options_.window) window_.pop_front();
        if (stopping_) return;
      }
      if (!full) break;
    }
  }
}

absl::Status ChangeFeed::Expired(int64_t oldest) const {
  return WithMetadata(
      MakeError(absl::StatusCode::kOutOfRange, "CURSOR_EXPIRED",
                absl::StrCat("events before cursor ", oldest,
                             " are no longer kept; resume after cursor ",
                             oldest - 1, " or later (oldest_cursor in the "
                             "error details)")),
      "oldest_cursor", absl::StrCat(oldest));
}

absl::StatusOr<int64_t> ChangeFeed::ResolveStart(int64_t after) {
  if (after < 0) {
    return InvalidArgument("after_cursor", "INVALID_CURSOR",
                           "after_cursor must not be negative");
  }
  if (after > latest()) {
    // Perhaps issued by another server process this one has not caught up
    // with yet; ask the database.
    ASSIGN_OR_RETURN(int64_t issued, store_.LatestCursor());
    if (after > issued) {
      return InvalidArgument(
          "after_cursor", "CURSOR_AHEAD",
          absl::StrCat("after_cursor ", after,
                       " was never issued: the latest cursor is ", issued));
    }
    return after;
  }
  {
    absl::MutexLock lock(&mu_);
    if (!window_.empty() && after >= window_.front().cursor - 1) return after;
    if (window_.empty() && after == latest_) return after;
  }
  ASSIGN_OR_RETURN(int64_t oldest_start, OldestStart());
  if (after < oldest_start) return Expired(oldest_start + 1);
  return after;
}

absl::StatusOr<int64_t> ChangeFeed::EndStart() { return store_.LatestCursor(); }

absl::StatusOr<int64_t> ChangeFeed::OldestStart() {
  ASSIGN_OR_RETURN(std::optional<int64_t> oldest, store_.OldestFeedCursor());
  if (oldest) return *oldest - 1;
  // Nothing kept: every event issued so far was deleted.
  ASSIGN_OR_RETURN(int64_t issued, store_.LatestCursor());
  return std::max(issued, latest());
}

absl::StatusOr<std::vector<domain::FeedEvent>> ChangeFeed::ReadAfter(
    int64_t after, int max, absl::Time deadline) {
  std::vector<domain::FeedEvent> out;
  {
    absl::MutexLock lock(&mu_);
    auto ready = [this, after]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return stopping_ || latest_ > after;
    };
    mu_.AwaitWithDeadline(absl::Condition(&ready), deadline);
    if (stopping_ || latest_ <= after) return out;
    if (!window_.empty() && after >= window_.front().cursor - 1) {
      auto it = std::upper_bound(
          window_.begin(), window_.end(), after,
          [](int64_t c, const domain::FeedEvent& e) { return c < e.cursor; });
      for (; it != window_.end() && static_cast<int>(out.size()) < max; ++it) {
        out.push_back(*it);
      }
      return out;
    }
  }
  // Older than the window: from the database, if still kept.
  ASSIGN_OR_RETURN(std::optional<int64_t> oldest, store_.OldestFeedCursor());
  if (!oldest || after < *oldest - 1) {
    return Expired(oldest ? *oldest : latest() + 1);
  }
  ASSIGN_OR_RETURN(out, store_.ReadFeed(after, max));
  return out;
}

}  // namespace envcredit::ratings
