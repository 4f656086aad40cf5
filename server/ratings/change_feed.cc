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

// ------------------------------------------------------------ FeedQueue

FeedQueue::Taken FeedQueue::Take(size_t max) {
  Taken taken;
  absl::MutexLock lock(&mu_);
  taken.overflowed = overflowed_;
  taken.stopping = stopping_;
  while (!events_.empty() && taken.events.size() < max) {
    taken.events.push_back(std::move(events_.front()));
    events_.pop_front();
  }
  return taken;
}

size_t FeedQueue::size() const {
  absl::MutexLock lock(&mu_);
  return events_.size();
}

bool FeedQueue::Append(const std::deque<Event>& events, size_t from) {
  absl::MutexLock lock(&mu_);
  if (overflowed_) return false;
  while (from < events.size() && events[from]->cursor <= last_) ++from;
  if (from == events.size()) return true;
  // Too slow is "cap or more events still waiting when new ones come", not
  // "more than cap in one append": one poll of the follower may bring a
  // burst larger than the cap, and a watcher that took everything before it
  // keeps up. So a queue holds at most cap - 1 + one burst.
  if (events_.size() >= cap_) {
    overflowed_ = true;
    events_.clear();  // the memory goes now, not when the watcher wakes
    return false;
  }
  for (size_t i = from; i < events.size(); ++i) {
    last_ = events[i]->cursor;
    events_.push_back(events[i]);
  }
  return true;
}

void FeedQueue::MarkStopping() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
}

// ----------------------------------------------------------- ChangeFeed

void ChangeFeed::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    stopped_.store(true, std::memory_order_release);
  }
  if (follower_.joinable()) follower_.join();
  // The follower is gone: tell every subscriber, once.
  std::vector<std::weak_ptr<FeedWatcher>> watchers;
  {
    absl::MutexLock lock(&mu_);
    for (Subscriber& s : subscribers_) {
      s.queue->MarkStopping();
      watchers.push_back(s.watcher);
    }
    subscribers_.clear();
  }
  Tell(watchers);
}

void ChangeFeed::Tell(const std::vector<std::weak_ptr<FeedWatcher>>& watchers) {
  for (const std::weak_ptr<FeedWatcher>& w : watchers) {
    if (std::shared_ptr<FeedWatcher> watcher = w.lock()) watcher->OnFeedChanged();
  }
}

std::vector<std::weak_ptr<FeedWatcher>> ChangeFeed::AllWatchers() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::weak_ptr<FeedWatcher>> watchers;
  watchers.reserve(subscribers_.size());
  for (const Subscriber& s : subscribers_) watchers.push_back(s.watcher);
  return watchers;
}

std::shared_ptr<FeedQueue> ChangeFeed::Subscribe(int64_t after, size_t cap,
                                                 std::weak_ptr<FeedWatcher> watcher) {
  auto queue = std::make_shared<FeedQueue>(cap, after);
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    queue->MarkStopping();
    return queue;
  }
  // Events after `after` that the window holds; `after` ahead of latest_
  // (issued by another process, not read yet) needs none.
  size_t from = window_.size();
  if (after < latest_) {
    if (window_.empty() || after < window_.front()->cursor - 1) return nullptr;
    auto it = std::upper_bound(
        window_.begin(), window_.end(), after,
        [](int64_t c, const FeedQueue::Event& e) { return c < e->cursor; });
    from = static_cast<size_t>(it - window_.begin());
    if (window_.size() - from > cap) return nullptr;
  }
  if (!queue->Append(window_, from)) return nullptr;
  subscribers_.push_back(Subscriber{queue, std::move(watcher)});
  return queue;
}

void ChangeFeed::Unsubscribe(const FeedQueue* queue) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(std::remove_if(subscribers_.begin(), subscribers_.end(),
                                    [queue](const Subscriber& s) {
                                      return s.queue.get() == queue;
                                    }),
                     subscribers_.end());
}

std::vector<size_t> ChangeFeed::QueuedPerSubscriber() const {
  std::vector<std::shared_ptr<FeedQueue>> queues;
  {
    absl::MutexLock lock(&mu_);
    for (const Subscriber& s : subscribers_) queues.push_back(s.queue);
  }
  std::vector<size_t> out;
  out.reserve(queues.size());
  for (const auto& q : queues) out.push_back(q->size());
  return out;
}

size_t ChangeFeed::subscribers() const {
  absl::MutexLock lock(&mu_);
  return subscribers_.size();
}

bool ChangeFeed::stopping() const { return stopped_.load(std::memory_order_acquire); }

int64_t ChangeFeed::latest() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

void ChangeFeed::OnRatingsCommitted(const domain::RatingUpdates& updates) {
  for (const domain::CurrentRating& r : updates.ratings) cache_.Apply(r);
  if (records_ != nullptr) {
    for (const domain::RecordsSnapshot& s : updates.snapshots) {
      records_->Offer(s.enterprise, s.cursor);
    }
  }
  if (!updates.changes.empty() || !updates.records_changes.empty()) {
    absl::MutexLock lock(&mu_);
    wake_ = true;
  }
}

void ChangeFeed::Follow() {
  absl::Time last_error_log = absl::InfinitePast();
  absl::Time last_tick = absl::Now();
  absl::Time last_read = absl::InfinitePast();
  for (;;) {
    if (absl::Now() - last_tick >= options_.tick) {
      last_tick = absl::Now();
      Tell(AllWatchers());
    }
    {
      absl::MutexLock lock(&mu_);
      auto woken = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || wake_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&woken), options_.poll_interval);
      if (stopping_) return;
      // Woken early: wait out the gap (a stop still ends the wait).
      const absl::Duration gap = std::min(options_.min_poll_gap, options_.poll_interval);
      const absl::Duration since = absl::Now() - last_read;
      if (since < gap) {
        const auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
        mu_.AwaitWithTimeout(absl::Condition(&stopping), gap - since);
        if (stopping_) return;
      }
      wake_ = false;
    }
    last_read = absl::Now();
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
        if (records_ == nullptr) continue;
        if (const std::string* code = e.RecordsChangedOf()) records_->Drop(*code, e.cursor);
      }
      // Into the window and every subscriber's queue under one lock, so a
      // Subscribe sees each event either in the window or in its queue.
      std::vector<std::weak_ptr<FeedWatcher>> to_tell;
      {
        absl::MutexLock lock(&mu_);
        const size_t before = window_.size();
        for (domain::FeedEvent& e : *batch) {
          if (e.cursor <= latest_) continue;
          latest_ = e.cursor;
          window_.push_back(std::make_shared<const domain::FeedEvent>(std::move(e)));
        }
        if (window_.size() > before) {
          to_tell.reserve(subscribers_.size());
          // Overflowed subscribers are dropped; they are told once, below.
          auto kept = subscribers_.begin();
          for (Subscriber& s : subscribers_) {
            const bool ok = s.queue->Append(window_, before);
            to_tell.push_back(s.watcher);
            if (!ok) continue;
            if (&*kept != &s) *kept = std::move(s);  // never a self-move
            ++kept;
          }
          subscribers_.erase(kept, subscribers_.end());
        }
        while (window_.size() > options_.window) window_.pop_front();
        if (stopping_) return;
      }
      Tell(to_tell);
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
    if (!window_.empty() && after >= window_.front()->cursor - 1) return after;
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
    if (!window_.empty() && after >= window_.front()->cursor - 1) {
      auto it = std::upper_bound(
          window_.begin(), window_.end(), after,
          [](int64_t c, const FeedQueue::Event& e) { return c < e->cursor; });
      for (; it != window_.end() && static_cast<int>(out.size()) < max; ++it) {
        out.push_back(**it);
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
