// server/ratings on fakes of its ports (domain/rating_store.h): the cache's
// newer-wins rule, the change feed's follower, window and cursor checks, and
// the daily roll's retry of a failed day. No database: the same machinery on
// MariaDB is change_feed_test.cc and rating_repository_test.cc.
#include <deque>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/rating_store.h"
#include "server/ratings/change_feed.h"
#include "server/ratings/daily_roll.h"
#include "server/ratings/rating_cache.h"
#include "server/ratings/records_cache.h"
#include "tests/support/status_matchers.h"
#include "tests/support/stepped_clock.h"

namespace envcredit::ratings {
namespace {

using testing::StatusIs;
using testing::SteppedClock;

domain::CurrentRating Rating(const std::string& code, int64_t revision,
                             absl::CivilDay as_of, int points = 12) {
  domain::CurrentRating r;
  r.enterprise_id = 1;
  r.credit_code = code;
  r.level = scoring::Level::kGreen;
  r.points = points;
  r.revision = revision;
  r.as_of = as_of;
  return r;
}

const absl::CivilDay kDay(2025, 3, 10);

// ------------------------------------------------------------------- cache

TEST(RatingCacheTest, KeepsTheNewerOfTwoWhateverTheOrder) {
  RatingCache cache;
  cache.Apply(Rating("A", 7, kDay, 10));
  cache.Apply(Rating("A", 5, kDay + 3, 11));  // older change, later day
  EXPECT_EQ(cache.Find("A")->points, 10);
  cache.Apply(Rating("A", 7, kDay + 1, 9));  // same change, re-rated later
  EXPECT_EQ(cache.Find("A")->points, 9);
  cache.Apply(Rating("A", 7, kDay, 8));  // same change, an earlier day
  EXPECT_EQ(cache.Find("A")->points, 9);
  cache.Apply(Rating("A", 8, kDay, 3));
  EXPECT_EQ(cache.Find("A")->points, 3);
  EXPECT_FALSE(cache.Find("B").has_value());
  EXPECT_EQ(cache.size(), 1u);
}

// -------------------------------------------------------------- the feed

// A feed in memory: events 1..n, some deleted from the front.
class FakeFeedStore final : public domain::FeedStore {
 public:
  // Adds a rating change for `code` with the next cursor; returns it.
  int64_t Add(const std::string& code, int points) {
    absl::MutexLock lock(&mu_);
    domain::FeedEvent e;
    e.cursor = ++issued_;
    domain::RatingChange change;
    change.cursor = e.cursor;
    change.credit_code = code;
    change.rating = Rating(code, e.cursor, kDay, points);
    e.rating = change;
    events_[e.cursor] = e;
    return e.cursor;
  }
  // Adds a records change of `code` (or, with `cause`, a rating change with
  // that cause) with the next cursor; returns it.
  int64_t AddRecords(const std::string& code,
                     std::optional<domain::RatingChangeCause> cause = std::nullopt) {
    absl::MutexLock lock(&mu_);
    domain::FeedEvent e;
    e.cursor = ++issued_;
    if (cause) {
      domain::RatingChange change;
      change.cursor = e.cursor;
      change.credit_code = code;
      change.rating = Rating(code, e.cursor, kDay);
      change.cause = *cause;
      e.rating = change;
    } else {
      e.records = domain::RecordsChange{e.cursor, 1, code, absl::Now()};
    }
    events_[e.cursor] = e;
    return e.cursor;
  }
  // Deletes every event with a cursor below `cursor`.
  void DeleteBefore(int64_t cursor) {
    absl::MutexLock lock(&mu_);
    events_.erase(events_.begin(), events_.lower_bound(cursor));
  }
  void set_down(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }
  std::vector<domain::CurrentRating> stored;

  absl::Status ForEachRating(
      const std::function<void(domain::CurrentRating&&)>& fn) override {
    for (domain::CurrentRating r : stored) fn(std::move(r));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<domain::FeedEvent>> ReadFeed(int64_t after,
                                                          int limit) override {
    absl::MutexLock lock(&mu_);
    ++reads_;
    if (down_) return absl::UnavailableError("database down");
    std::vector<domain::FeedEvent> out;
    for (auto it = events_.upper_bound(after);
         it != events_.end() && static_cast<int>(out.size()) < limit; ++it) {
      out.push_back(it->second);
    }
    return out;
  }
  absl::StatusOr<int64_t> LatestCursor() override {
    absl::MutexLock lock(&mu_);
    return issued_;
  }
  absl::StatusOr<std::optional<int64_t>> OldestFeedCursor() override {
    absl::MutexLock lock(&mu_);
    if (events_.empty()) return std::nullopt;
    return events_.begin()->first;
  }
  absl::StatusOr<int64_t> PruneFeed(absl::Time cutoff) override {
    absl::MutexLock lock(&mu_);
    prune_cutoffs.push_back(cutoff);
    return 0;
  }
  std::vector<absl::Time> prune_cutoffs;  // guarded by mu_ in writers
  int reads() {
    absl::MutexLock lock(&mu_);
    return reads_;
  }

 private:
  absl::Mutex mu_;
  std::map<int64_t, domain::FeedEvent> events_;
  int64_t issued_ = 0;
  int reads_ = 0;
  bool down_ = false;
};

ChangeFeedOptions Fast(size_t window = 100) {
  ChangeFeedOptions options;
  options.poll_interval = absl::Milliseconds(5);
  options.window = window;
  options.read_batch = 3;  // several reads per drain
  return options;
}

// Reads everything after `after` until `want` events came (or 10 s).
std::vector<int64_t> CursorsAfter(ChangeFeed& feed, int64_t after, size_t want) {
  std::vector<int64_t> cursors;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (cursors.size() < want && absl::Now() < deadline) {
    auto events = feed.ReadAfter(after, 100, deadline);
    if (!events.ok() || events->empty()) break;
    for (const domain::FeedEvent& e : *events) cursors.push_back(e.cursor);
    after = cursors.back();
  }
  return cursors;
}

TEST(ChangeFeedTest, StartFillsTheCacheAndStartsAtTheLastCursor) {
  FakeFeedStore store;
  store.Add("A", 12);
  store.Add("B", 11);
  store.stored = {Rating("A", 1, kDay, 12), Rating("B", 2, kDay, 11)};
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(feed.latest(), 2);
  ASSERT_OK_AND_ASSIGN(int64_t end, feed.EndStart());
  EXPECT_EQ(end, 2);
}

TEST(ChangeFeedTest, DeliversNewEventsInOrderAndAppliesThemToTheCache) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  for (int i = 0; i < 7; ++i) store.Add(i % 2 ? "A" : "B", 12 - i);
  domain::RatingUpdates committed;
  committed.changes.push_back(domain::RatingChange{});
  feed.OnRatingsCommitted(committed);
  EXPECT_THAT(CursorsAfter(feed, 0, 7), ::testing::ElementsAre(1, 2, 3, 4, 5, 6, 7));
  EXPECT_THAT(CursorsAfter(feed, 4, 3), ::testing::ElementsAre(5, 6, 7));
  EXPECT_EQ(cache.Find("B")->points, 12 - 6);  // cursor 7 was B's
  EXPECT_EQ(cache.Find("A")->points, 12 - 5);
}

bool WaitFor(const std::function<bool()>& done);  // below, with the roll's tests

// Commits wake the follower at once, but it reads at most once per
// min_poll_gap: at hundreds of commits a second each watcher gets a few
// large responses, not one per commit. (Bounded above only: a slow machine
// makes fewer reads, never more.)
TEST(ChangeFeedTest, CommitsInABurstAreReadTogetherNotOneReadEach) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeedOptions options;
  options.poll_interval = absl::Seconds(10);  // only commits wake it here
  options.min_poll_gap = absl::Milliseconds(50);
  ChangeFeed feed(&store, &cache, options);
  ASSERT_OK(feed.Start());
  const int before = store.reads();
  const absl::Time start = absl::Now();
  for (int i = 0; i < 200; ++i) {
    const int64_t cursor = store.Add("A", i % 12);
    domain::RatingUpdates committed;
    committed.changes.push_back(domain::RatingChange{});
    committed.changes.back().cursor = cursor;
    feed.OnRatingsCommitted(committed);
    absl::SleepFor(absl::Microseconds(500));
  }
  ASSERT_TRUE(WaitFor([&] { return feed.latest() == 200; }));
  const absl::Duration took = absl::Now() - start;
  const int reads = store.reads() - before;
  // One read per gap that passed, plus the first and the last.
  EXPECT_LE(reads, 3 + static_cast<int>(took / options.min_poll_gap))
      << reads << " reads in " << took;
  EXPECT_LT(reads, 200);
}

TEST(ChangeFeedTest, AWaitingWatcherWakesWhenAnEventArrives) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  std::thread writer([&store] {
    absl::SleepFor(absl::Milliseconds(50));
    store.Add("A", 10);
  });
  ASSERT_OK_AND_ASSIGN(auto events,
                       feed.ReadAfter(0, 10, absl::Now() + absl::Seconds(10)));
  writer.join();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].cursor, 1);
}

TEST(ChangeFeedTest, NothingNewUntilTheDeadlineIsAnEmptyAnswer) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  ASSERT_OK_AND_ASSIGN(auto events,
                       feed.ReadAfter(0, 10, absl::Now() + absl::Milliseconds(30)));
  EXPECT_TRUE(events.empty());
}

TEST(ChangeFeedTest, StopWakesWatchers) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  std::thread stopper([&feed] {
    absl::SleepFor(absl::Milliseconds(30));
    feed.Stop();
  });
  const absl::Time start = absl::Now();
  ASSERT_OK_AND_ASSIGN(auto events,
                       feed.ReadAfter(0, 10, absl::Now() + absl::Seconds(60)));
  stopper.join();
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(feed.stopping());
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));  // woken, not timed out
}

TEST(ChangeFeedTest, ACursorNeverIssuedIsAheadAndANegativeOneInvalid) {
  FakeFeedStore store;
  store.Add("A", 12);
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  EXPECT_THAT(feed.ResolveStart(2),
              StatusIs(absl::StatusCode::kInvalidArgument, "CURSOR_AHEAD"));
  EXPECT_THAT(feed.ResolveStart(-1),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_CURSOR"));
  ASSERT_OK_AND_ASSIGN(int64_t start, feed.ResolveStart(1));
  EXPECT_EQ(start, 1);
  // Issued by another process since this one's last poll: accepted.
  store.Add("A", 11);
  ASSERT_OK_AND_ASSIGN(start, feed.ResolveStart(2));
  EXPECT_EQ(start, 2);
}

TEST(ChangeFeedTest, OlderThanWindowReadsTheStoreAndOlderThanRetentionExpires) {
  FakeFeedStore store;
  for (int i = 0; i < 10; ++i) store.Add("A", i);
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast(/*window=*/2));
  ASSERT_OK(feed.Start());  // window empty, latest 10
  for (int i = 0; i < 3; ++i) store.Add("A", i);  // 11..13, window keeps 12, 13
  EXPECT_THAT(CursorsAfter(feed, 10, 3), ::testing::ElementsAre(11, 12, 13));
  // Cursor 4 is older than the window: served from the store.
  ASSERT_OK_AND_ASSIGN(auto events,
                       feed.ReadAfter(4, 3, absl::Now() + absl::Seconds(10)));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].cursor, 5);
  // Retention deleted 1..5: resuming after 3 expires, naming cursor 6.
  store.DeleteBefore(6);
  auto expired = feed.ReadAfter(3, 3, absl::Now() + absl::Seconds(10));
  EXPECT_THAT(expired, StatusIs(absl::StatusCode::kOutOfRange, "CURSOR_EXPIRED"));
  std::string oldest;
  ForEachErrorMetadata(expired.status(),
                       [&](absl::string_view key, absl::string_view value) {
                         if (key == "oldest_cursor") oldest = std::string(value);
                       });
  EXPECT_EQ(oldest, "6");
  EXPECT_THAT(feed.ResolveStart(3),
              StatusIs(absl::StatusCode::kOutOfRange, "CURSOR_EXPIRED"));
  ASSERT_OK_AND_ASSIGN(int64_t start, feed.ResolveStart(5));  // just kept
  EXPECT_EQ(start, 5);
  ASSERT_OK_AND_ASSIGN(int64_t oldest_start, feed.OldestStart());
  EXPECT_EQ(oldest_start, 5);
}

TEST(ChangeFeedTest, ADatabaseOutageDelaysEventsAndLosesNone) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  store.set_down(true);
  store.Add("A", 10);
  store.Add("A", 9);
  absl::SleepFor(absl::Milliseconds(50));  // the follower polls and fails
  EXPECT_EQ(feed.latest(), 0);
  store.set_down(false);
  EXPECT_THAT(CursorsAfter(feed, 0, 2), ::testing::ElementsAre(1, 2));
}

// -------------------------------------------------- feed subscribers

// Counts how often the feed told it.
class CountingWatcher final : public FeedWatcher {
 public:
  void OnFeedChanged() override {
    absl::MutexLock lock(&mu_);
    ++told_;
  }
  int told() const {
    absl::MutexLock lock(&mu_);
    return told_;
  }

 private:
  mutable absl::Mutex mu_;
  int told_ = 0;
};

// Takes from `queue` until `want` events came, it overflowed or stopped, or
// 10 s passed.
std::vector<int64_t> Drain(FeedQueue& queue, size_t want, FeedQueue::Taken* last = nullptr) {
  std::vector<int64_t> cursors;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (cursors.size() < want && absl::Now() < deadline) {
    FeedQueue::Taken taken = queue.Take(4);
    for (const auto& e : taken.events) cursors.push_back(e->cursor);
    if (last != nullptr) *last = taken;
    if (taken.overflowed || taken.stopping) break;
    if (taken.events.empty()) absl::SleepFor(absl::Milliseconds(2));
  }
  return cursors;
}

TEST(FeedSubscriberTest, GetsTheWindowAfterItsCursorThenEveryNewEventAndIsTold) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeedOptions options = Fast();
  options.tick = absl::Hours(1);  // told for events only
  ChangeFeed feed(&store, &cache, options);
  ASSERT_OK(feed.Start());
  for (int i = 0; i < 3; ++i) store.Add("A", i);
  ASSERT_THAT(CursorsAfter(feed, 0, 3), ::testing::ElementsAre(1, 2, 3));
  auto watcher = std::make_shared<CountingWatcher>();
  std::shared_ptr<FeedQueue> queue = feed.Subscribe(1, 100, watcher);
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(feed.subscribers(), 1u);
  for (int i = 0; i < 5; ++i) store.Add("B", i);
  EXPECT_THAT(Drain(*queue, 7), ::testing::ElementsAre(2, 3, 4, 5, 6, 7, 8));
  // Told again for each later batch, not only the first.
  const int told = watcher->told();
  EXPECT_GE(told, 1);
  store.Add("C", 1);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (watcher->told() == told && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(2));
  }
  EXPECT_GT(watcher->told(), told);
  EXPECT_THAT(Drain(*queue, 1), ::testing::ElementsAre(9));
  feed.Unsubscribe(queue.get());
  EXPECT_EQ(feed.subscribers(), 0u);
}

TEST(FeedSubscriberTest, OneThatDoesNotTakeOverflowsAndIsDroppedTheOtherGetsAll) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  auto slow_watcher = std::make_shared<CountingWatcher>();
  auto fast_watcher = std::make_shared<CountingWatcher>();
  std::shared_ptr<FeedQueue> slow = feed.Subscribe(0, /*cap=*/5, slow_watcher);
  std::shared_ptr<FeedQueue> fast = feed.Subscribe(0, /*cap=*/5, fast_watcher);
  ASSERT_NE(slow, nullptr);
  ASSERT_NE(fast, nullptr);
  std::vector<int64_t> fast_got;
  std::thread reader([&] { fast_got = Drain(*fast, 40); });
  for (int i = 0; i < 40; ++i) {
    store.Add("A", i);
    // A pace the reader keeps up with, whatever the machine.
    if (i % 3 == 2) {
      const absl::Time deadline = absl::Now() + absl::Seconds(10);
      while (feed.latest() < i + 1 && absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(1));
      }
      while (fast->size() > 0 && absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(1));
      }
    }
  }
  reader.join();
  std::vector<int64_t> all(40);
  for (int i = 0; i < 40; ++i) all[i] = i + 1;
  EXPECT_EQ(fast_got, all);
  FeedQueue::Taken taken = slow->Take(100);
  EXPECT_TRUE(taken.overflowed);
  EXPECT_TRUE(taken.events.empty());  // dropped with its memory
  EXPECT_GE(slow_watcher->told(), 1);
  EXPECT_EQ(feed.subscribers(), 1u);  // only the fast one is left
}

// A burst larger than the cap, arriving when the watcher has taken every
// earlier event, is kept whole: keeping up is not being slow. Only when the
// cap's worth still waits as new events come is the queue dropped.
TEST(FeedQueueTest, ABurstIntoATakenQueueIsKeptEventsLeftWaitingOverflow) {
  std::deque<FeedQueue::Event> burst;
  for (int64_t c = 1; c <= 20; ++c) {
    auto e = std::make_shared<domain::FeedEvent>();
    e->cursor = c;
    burst.push_back(e);
  }
  FeedQueue queue(/*cap=*/5, /*after=*/0);
  ASSERT_TRUE(queue.Append(burst, 0));  // 20 > 5, but nothing was waiting
  FeedQueue::Taken taken = queue.Take(100);
  EXPECT_FALSE(taken.overflowed);
  ASSERT_EQ(taken.events.size(), 20u);
  EXPECT_EQ(taken.events.front()->cursor, 1);
  EXPECT_EQ(taken.events.back()->cursor, 20);

  std::deque<FeedQueue::Event> more;
  for (int64_t c = 21; c <= 30; ++c) {
    auto e = std::make_shared<domain::FeedEvent>();
    e->cursor = c;
    more.push_back(e);
  }
  ASSERT_TRUE(queue.Append(more, 0));    // taken before: kept (10 waiting)
  EXPECT_TRUE(queue.Append(more, 0));    // nothing new: nothing happens
  auto last = std::make_shared<domain::FeedEvent>();
  last->cursor = 31;
  EXPECT_FALSE(queue.Append({last}, 0));  // 10 >= 5 still waiting: too slow
  taken = queue.Take(100);
  EXPECT_TRUE(taken.overflowed);
  EXPECT_TRUE(taken.events.empty());
}

TEST(FeedSubscriberTest, BeforeTheWindowOrMoreThanItsCapBehindMustReadFirst) {
  FakeFeedStore store;
  for (int i = 0; i < 10; ++i) store.Add("A", i);
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast(/*window=*/4));
  ASSERT_OK(feed.Start());  // latest 10, window empty
  for (int i = 0; i < 6; ++i) store.Add("A", i);  // 11..16, window 13..16
  ASSERT_THAT(CursorsAfter(feed, 10, 6), ::testing::ElementsAre(11, 12, 13, 14, 15, 16));
  auto watcher = std::make_shared<CountingWatcher>();
  EXPECT_EQ(feed.Subscribe(5, 100, watcher), nullptr);   // older than the window
  EXPECT_EQ(feed.Subscribe(12, 3, watcher), nullptr);    // 4 behind, cap 3
  std::shared_ptr<FeedQueue> queue = feed.Subscribe(12, 4, watcher);
  ASSERT_NE(queue, nullptr);
  EXPECT_THAT(Drain(*queue, 4), ::testing::ElementsAre(13, 14, 15, 16));
  // At the end, and ahead of what this process has seen: nothing yet.
  EXPECT_NE(feed.Subscribe(16, 1, watcher), nullptr);
  EXPECT_NE(feed.Subscribe(20, 1, watcher), nullptr);
}

TEST(FeedSubscriberTest, StopTellsEverySubscriberAndLaterOnesAreStoppedAtOnce) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeed feed(&store, &cache, Fast());
  ASSERT_OK(feed.Start());
  auto watcher = std::make_shared<CountingWatcher>();
  std::shared_ptr<FeedQueue> queue = feed.Subscribe(0, 10, watcher);
  ASSERT_NE(queue, nullptr);
  const int before = watcher->told();
  feed.Stop();
  EXPECT_GT(watcher->told(), before);
  EXPECT_TRUE(queue->Take(10).stopping);
  std::shared_ptr<FeedQueue> late = feed.Subscribe(0, 10, watcher);
  ASSERT_NE(late, nullptr);
  EXPECT_TRUE(late->Take(10).stopping);
}

TEST(FeedSubscriberTest, ATickTellsAnIdleSubscriber) {
  FakeFeedStore store;
  RatingCache cache;
  ChangeFeedOptions options = Fast();
  options.tick = absl::Milliseconds(10);
  ChangeFeed feed(&store, &cache, options);
  ASSERT_OK(feed.Start());
  auto watcher = std::make_shared<CountingWatcher>();
  ASSERT_NE(feed.Subscribe(0, 10, watcher), nullptr);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (watcher->told() < 2 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_GE(watcher->told(), 2);
}

// ------------------------------------------------------------ daily roll

// Records the days rolled; fails while `failures` > 0.
class FakeRatingStore final : public domain::RatingStore {
 public:
  absl::StatusOr<domain::RollStats> Roll(absl::CivilDay day) override {
    absl::MutexLock lock(&mu_);
    if (failures > 0) {
      --failures;
      attempts.push_back(day);
      return absl::UnavailableError("database down");
    }
    attempts.push_back(day);
    rolled.push_back(day);
    return domain::RollStats{};
  }
  int RolledCount() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(rolled.size());
  }
  absl::Mutex mu_;
  int failures = 0;
  std::vector<absl::CivilDay> attempts;
  std::vector<absl::CivilDay> rolled;

  // Not used by the roll.
  absl::StatusOr<std::optional<domain::CurrentRating>> Get(absl::string_view) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<domain::CurrentRating>> GetMany(
      absl::Span<const std::string>) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<domain::RatingPage> List(const domain::RatingFilter&,
                                          absl::string_view, int) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<domain::RatableEnterprise> LoadRatable(absl::string_view) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<domain::RatableEnterprise>> LoadRatableMany(
      absl::Span<const std::string>) override {
    return absl::UnimplementedError("");
  }
  // Pages of `registry` (the records cache's fill).
  std::map<int64_t, domain::RatableEnterprise> registry;
  int pages_read = 0;
  absl::StatusOr<std::vector<domain::RatableEnterprise>> LoadRatablePage(
      int64_t after, int limit) override {
    ++pages_read;
    std::vector<domain::RatableEnterprise> page;
    for (auto it = registry.upper_bound(after);
         it != registry.end() && static_cast<int>(page.size()) < limit; ++it) {
      page.push_back(it->second);
    }
    return page;
  }
  absl::StatusOr<domain::RatingChangePage> History(absl::string_view, bool, int64_t,
                                                   int) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<domain::RescoreStats> RescorePage(int64_t, int, bool) override {
    return absl::UnimplementedError("");
  }
};

bool WaitFor(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(2));
  }
  return true;
}

TEST(DailyRollTest, RollsTodayOnceThenTheNextDayWhenTheDateChanges) {
  FakeRatingStore ratings;
  FakeFeedStore feed;
  SteppedClock clock(kDay);
  DailyRollOptions options;
  options.check_interval = absl::Milliseconds(2);
  options.feed_retention = absl::Hours(24 * 90);
  DailyRoll roll(&ratings, &feed, &clock, options);
  roll.Start();
  ASSERT_TRUE(WaitFor([&] { return ratings.RolledCount() == 1; }));
  absl::SleepFor(absl::Milliseconds(30));  // many checks on the same day
  EXPECT_EQ(ratings.RolledCount(), 1);
  clock.SetDay(kDay + 1);
  ASSERT_TRUE(WaitFor([&] { return ratings.RolledCount() == 2; }));
  roll.Stop();
  EXPECT_THAT(ratings.rolled, ::testing::ElementsAre(kDay, kDay + 1));
  // Each successful roll prunes the feed to the retention, in real time.
  ASSERT_EQ(feed.prune_cutoffs.size(), 2u);
  EXPECT_LT(absl::AbsDuration(feed.prune_cutoffs[0] -
                              (absl::Now() - absl::Hours(24 * 90))),
            absl::Minutes(1));
}

TEST(DailyRollTest, AFailedRollIsTriedAgainAndPrunesNothingUntilItSucceeds) {
  FakeRatingStore ratings;
  ratings.failures = 2;
  FakeFeedStore feed;
  SteppedClock clock(kDay);
  DailyRollOptions options;
  options.check_interval = absl::Milliseconds(2);
  DailyRoll roll(&ratings, &feed, &clock, options);
  roll.Start();
  ASSERT_TRUE(WaitFor([&] { return ratings.RolledCount() == 1; }));
  roll.Stop();
  EXPECT_THAT(ratings.attempts, ::testing::ElementsAre(kDay, kDay, kDay));
  EXPECT_EQ(feed.prune_cutoffs.size(), 1u);
}

// ---------------------------------------------------------- records cache

RecordsCache::Entry Records(const std::string& code, int decisions,
                            int64_t enterprise_id = 1) {
  auto e = std::make_shared<domain::RatableEnterprise>();
  e->enterprise_id = enterprise_id;
  e->credit_code = code;
  e->region_code = "320100";
  for (int i = 0; i < decisions; ++i) {
    scoring::PenaltyDecision d;
    d.decision_number = "苏环罚〔2025〕" + std::to_string(i) + "号";
    d.authority = "南京市生态环境局";
    d.measures = {scoring::Measure::kFine};
    e->records.decisions.push_back(d);
  }
  return e;
}

int DecisionsHeld(const RecordsCache& cache, const std::string& code) {
  RecordsCache::Entry e = cache.Find(code);
  return e == nullptr ? -1 : static_cast<int>(e->records.decisions.size());
}

TEST(RecordsCacheTest, AnEntryIsReplacedOnlyByNewerRecords) {
  RecordsCache cache(1 << 20);
  using Offered = RecordsCache::Offered;
  EXPECT_EQ(cache.Offer(Records("A", 2), 5), Offered::kStored);
  EXPECT_EQ(cache.Offer(Records("A", 1), 3), Offered::kStale);  // read earlier
  EXPECT_EQ(cache.Offer(Records("A", 1), 5), Offered::kStale);  // no newer
  EXPECT_EQ(DecisionsHeld(cache, "A"), 2);
  EXPECT_EQ(cache.Offer(Records("A", 3), 6), Offered::kStored);
  EXPECT_EQ(DecisionsHeld(cache, "A"), 3);
  EXPECT_EQ(DecisionsHeld(cache, "B"), -1);
  EXPECT_EQ(cache.size(), 1u);
}

// The race the labels exist for: a reader loads A's records, a write to A
// commits (cursor 7) and the feed drops A before the reader offers what it
// read. The late offer must not put the older records back.
TEST(RecordsCacheTest, ADropRefusesRecordsReadBeforeTheWriteItTellsOf) {
  RecordsCache cache(1 << 20);
  using Offered = RecordsCache::Offered;
  ASSERT_EQ(cache.Offer(Records("A", 1), 4), Offered::kStored);
  cache.Drop("A", 7);
  EXPECT_EQ(DecisionsHeld(cache, "A"), -1);
  EXPECT_EQ(cache.Offer(Records("A", 1), 6), Offered::kStale);
  EXPECT_EQ(DecisionsHeld(cache, "A"), -1);
  // Records that include the write (this process's own snapshot of it, or a
  // read after the feed saw it) are taken.
  EXPECT_EQ(cache.Offer(Records("A", 2), 7), Offered::kStored);
  EXPECT_EQ(DecisionsHeld(cache, "A"), 2);
  // The feed telling of that same write again drops nothing.
  cache.Drop("A", 7);
  EXPECT_EQ(DecisionsHeld(cache, "A"), 2);
  // A drop of an enterprise never held still refuses older reads.
  cache.Drop("B", 9);
  EXPECT_EQ(cache.Offer(Records("B", 1), 8), Offered::kStale);
  EXPECT_EQ(cache.Offer(Records("B", 1), 9), Offered::kStored);
}

TEST(RecordsCacheTest, WhenTheBudgetIsSpentNoNewEnterpriseIsAdmittedButHeldOnesStayCurrent) {
  const size_t one = ApproximateBytes(*Records("A", 10));
  RecordsCache cache(2 * one + one / 2);  // two and a half
  using Offered = RecordsCache::Offered;
  EXPECT_EQ(cache.Offer(Records("A", 10), 1), Offered::kStored);
  EXPECT_EQ(cache.Offer(Records("B", 10), 1), Offered::kStored);
  EXPECT_EQ(cache.Offer(Records("C", 10), 1), Offered::kFull);
  EXPECT_EQ(DecisionsHeld(cache, "C"), -1);
  // Newer records of a held enterprise replace the old ones even over the
  // budget: refusing them would leave records that are no longer true.
  EXPECT_EQ(cache.Offer(Records("A", 11), 2), Offered::kStored);
  EXPECT_EQ(DecisionsHeld(cache, "A"), 11);
  EXPECT_LE(cache.bytes(), 3 * one);
  // A drop frees the room.
  cache.Drop("B", 3);
  EXPECT_EQ(cache.Offer(Records("C", 10), 3), Offered::kStored);
}

TEST(RecordsCacheTest, ApproximateBytesGrowsWithTheRecords) {
  EXPECT_GT(ApproximateBytes(*Records("A", 10)), ApproximateBytes(*Records("A", 1)));
  // Ten decisions with Chinese numbers and authorities: a few hundred bytes
  // each, not a few (the heap blocks of the strings count).
  EXPECT_GT(ApproximateBytes(*Records("A", 10)), 10 * 150u);
}

TEST(RecordsCacheTest, FillLoadsEveryEnterpriseAPageAtATimeUntilTheBudgetIsSpent) {
  FakeRatingStore store;
  for (int64_t id = 1; id <= 25; ++id) {
    store.registry[id] = *Records("E" + std::to_string(id), 2, id);
  }
  RecordsCache all(1 << 20);
  ASSERT_OK_AND_ASSIGN(FillStats filled,
                       FillRecordsCache(store, all, [] { return int64_t{3}; },
                                        [] { return false; }, /*page=*/10));
  EXPECT_EQ(filled.enterprises, 25);
  EXPECT_FALSE(filled.full);
  EXPECT_EQ(store.pages_read, 3);
  EXPECT_EQ(DecisionsHeld(all, "E25"), 2);
  // Labelled with what the feed had seen before the read: a drop after it
  // (a write the read may have missed) wins over it.
  all.Drop("E25", 4);
  EXPECT_EQ(DecisionsHeld(all, "E25"), -1);

  RecordsCache small(5 * ApproximateBytes(*Records("E1", 2)));
  ASSERT_OK_AND_ASSIGN(filled, FillRecordsCache(store, small, [] { return int64_t{0}; },
                                                [] { return false; }, 10));
  EXPECT_TRUE(filled.full);
  EXPECT_EQ(filled.enterprises, 5);

  RecordsCache stopped(1 << 20);
  ASSERT_OK_AND_ASSIGN(filled, FillRecordsCache(store, stopped, [] { return int64_t{0}; },
                                                [] { return true; }, 10));
  EXPECT_TRUE(filled.stopped);
  EXPECT_EQ(filled.enterprises, 0);
}

TEST(ChangeFeedTest, RecordsChangesOfTheFeedDropCachedRecordsButNotTheWritersOwnSnapshot) {
  FakeFeedStore store;
  RatingCache cache;
  RecordsCache records(1 << 20);
  ChangeFeed feed(&store, &cache, Fast());
  feed.set_records_cache(&records);
  ASSERT_OK(feed.Start());
  records.Offer(Records("A", 1), 0);
  records.Offer(Records("B", 1), 0);
  records.Offer(Records("C", 1), 0);
  records.Offer(Records("D", 1), 0);

  store.AddRecords("A");  // another server changed A's records
  store.AddRecords("B", domain::RatingChangeCause::kRecordWritten);
  store.AddRecords("C", domain::RatingChangeCause::kTimePassed);  // no record changed
  // This process's own write to D: its snapshot comes with the commit.
  const int64_t mine = store.AddRecords("D");
  domain::RatingUpdates updates;
  updates.records_changes.push_back(domain::RecordsChange{mine, 1, "D", absl::Now()});
  updates.snapshots.push_back(domain::RecordsSnapshot{mine, Records("D", 2)});
  feed.OnRatingsCommitted(updates);

  ASSERT_TRUE(WaitFor([&] { return feed.latest() == mine; }));
  EXPECT_EQ(DecisionsHeld(records, "A"), -1);
  EXPECT_EQ(DecisionsHeld(records, "B"), -1);
  EXPECT_EQ(DecisionsHeld(records, "C"), 1);
  EXPECT_EQ(DecisionsHeld(records, "D"), 2);
  // Records changes are not rating changes: nothing of them in the cache.
  EXPECT_FALSE(cache.Find("A").has_value());
}

}  // namespace
}  // namespace envcredit::ratings
