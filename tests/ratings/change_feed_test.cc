// ChangeFeed on the private MariaDB, in process: the cache follows writes,
// watchers read from the in-memory window or from the database, an expired
// cursor is OUT_OF_RANGE naming the oldest cursor kept, a cursor the feed
// never issued is INVALID_ARGUMENT.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/ratings/change_feed.h"
#include "server/ratings/rating_cache.h"
#include "server/domain/uscc.h"
#include "server/storage/mysql_enterprise_repository.h"
#include "server/storage/mysql_rating_repository.h"
#include "server/storage/mysql_record_repository.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_ratings.h"
#include "tests/support/test_uscc.h"

namespace envcredit::ratings {
namespace {

using testing::StatusIs;
using testing::TestDatabase;
using testing::TestRatings;

const domain::AuditContext kAudit{"tester", "/test/Write", ""};

std::string Uscc(int serial) { return testing::TestUscc("CF", serial); }

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = TestDatabase::Create("ratings_feed");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = std::move(*db);
    ratings_ = std::make_unique<TestRatings>();
    repo_ = std::make_unique<storage::MysqlRatingRepository>(&database_->db(),
                                                             ratings_->writer());
    enterprises_ = std::make_unique<storage::MysqlEnterpriseRepository>(
        &database_->db(), ratings_->writer());
    ChangeFeedOptions options;
    options.poll_interval = absl::Milliseconds(20);
    options.window = 3;  // small, so older cursors go to the database
    feed_ = std::make_unique<ChangeFeed>(repo_.get(), &cache_, options);
    ratings_->writer()->set_listener(feed_.get());
  }
  void TearDown() override {
    if (feed_) feed_->Stop();
    if (ratings_) ratings_->writer()->set_listener(nullptr);
  }

  std::string NewEnterprise(int serial) {
    domain::Enterprise e;
    e.credit_code = Uscc(serial);
    e.display_name = "（虚构）订阅测试公司";
    e.region_code = "320100";
    e.industry = domain::Industry::kChemicals;
    e.status = domain::EnterpriseStatus::kOperating;
    EXPECT_OK(enterprises_->Create(e, {}, kAudit));
    return e.credit_code;
  }

  // Every event after `after`, waiting up to 30 s (a busy machine) for
  // `count` of them.
  std::vector<domain::FeedEvent> ReadAll(int64_t after, size_t count) {
    std::vector<domain::FeedEvent> out;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (out.size() < count && absl::Now() < deadline) {
      auto batch = feed_->ReadAfter(after, 100, absl::Now() + absl::Milliseconds(200));
      EXPECT_OK(batch);
      if (!batch.ok()) break;
      for (auto& c : *batch) {
        after = c.cursor;
        out.push_back(std::move(c));
      }
    }
    return out;
  }

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<TestRatings> ratings_;
  std::unique_ptr<storage::MysqlRatingRepository> repo_;
  std::unique_ptr<storage::MysqlEnterpriseRepository> enterprises_;
  RatingCache cache_;
  std::unique_ptr<ChangeFeed> feed_;
};

TEST_F(ChangeFeedTest, StartLoadsTheCacheAndLocalWritesAreVisibleAtOnce) {
  const std::string before = NewEnterprise(1);  // before the feed starts
  ASSERT_OK(feed_->Start());
  EXPECT_EQ(cache_.Find(before)->points, 9);
  const std::string after = NewEnterprise(2);
  // Applied by the writer's commit, before the follower polls.
  ASSERT_TRUE(cache_.Find(after).has_value());
  EXPECT_EQ(cache_.Find(after)->level, scoring::Level::kBlue);
}

TEST_F(ChangeFeedTest, OlderThanTheWindowComesFromTheDatabaseInOrder) {
  ASSERT_OK(feed_->Start());
  for (int i = 1; i <= 8; ++i) NewEnterprise(10 + i);
  const std::vector<domain::FeedEvent> all = ReadAll(0, 8);
  ASSERT_EQ(all.size(), 8u);  // the window holds 3; the rest from the database
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].cursor, static_cast<int64_t>(i) + 1);
  }
  // Events older than the window come straight from the database, so the
  // follower may reach cursor 8 a poll later than the reader did.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (feed_->latest() < 8 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(feed_->latest(), 8);
}

TEST_F(ChangeFeedTest, AnExpiredCursorIsOutOfRangeWithTheOldestKept) {
  ASSERT_OK(feed_->Start());
  for (int i = 1; i <= 4; ++i) NewEnterprise(20 + i);
  ASSERT_EQ(ReadAll(0, 4).size(), 4u);
  // Retention deletes every event so far; four more come after it.
  ASSERT_OK_AND_ASSIGN(int64_t pruned, repo_->PruneFeed(absl::Now() + absl::Seconds(1)));
  EXPECT_EQ(pruned, 4);
  absl::SleepFor(absl::Milliseconds(1100));
  for (int i = 5; i <= 8; ++i) NewEnterprise(20 + i);
  ASSERT_EQ(ReadAll(4, 4).size(), 4u);

  // Window holds 6..8; cursor 1 is older than it and than the retention.
  absl::Status expired = feed_->ResolveStart(1).status();
  EXPECT_THAT(expired, StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_EQ(ErrorReason(expired), "CURSOR_EXPIRED");
  std::string oldest;
  ForEachErrorMetadata(expired, [&](absl::string_view key, absl::string_view value) {
    if (key == "oldest_cursor") oldest = std::string(value);
  });
  EXPECT_EQ(oldest, "5");
  EXPECT_THAT(feed_->ReadAfter(1, 10, absl::Now()).status(),
              StatusIs(absl::StatusCode::kOutOfRange));
  // After the oldest kept minus one is fine: exactly 5..8.
  ASSERT_OK_AND_ASSIGN(int64_t start, feed_->ResolveStart(4));
  EXPECT_EQ(start, 4);
  const auto rest = ReadAll(4, 4);
  ASSERT_EQ(rest.size(), 4u);
  EXPECT_EQ(rest.front().cursor, 5);
  // 0 is "from the very first event", deleted here: expired too. The
  // oldest kept is asked for explicitly.
  EXPECT_THAT(feed_->ResolveStart(0).status(),
              StatusIs(absl::StatusCode::kOutOfRange));
  ASSERT_OK_AND_ASSIGN(int64_t from_oldest, feed_->OldestStart());
  EXPECT_EQ(from_oldest, 4);
  // A cursor never issued.
  absl::Status ahead = feed_->ResolveStart(1000).status();
  EXPECT_THAT(ahead, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorReason(ahead), "CURSOR_AHEAD");
}

}  // namespace
}  // namespace envcredit::ratings
