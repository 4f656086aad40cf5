// The connection pool, sessions, transactions and error mapping against the
// private MariaDB.
#include "server/storage/database.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "server/storage/sql_error.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace envcredit::storage {
namespace {

using ::envcredit::testing::StatusIs;
using ::envcredit::testing::TestDatabase;
using ::testing::HasSubstr;

class DatabaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TestDatabase::Options options;
    options.migrate = false;
    auto db = TestDatabase::Create("storage_database", options);
    ASSERT_TRUE(db.ok()) << db.status();
    test_db_ = db->release();
    absl::StatusOr<Session> session = test_db_->db().Checkout();
    ASSERT_OK(session);
    ASSERT_OK(session->ExecuteUnprepared(
        "CREATE TABLE scratch (id BIGINT NOT NULL PRIMARY KEY, "
        "name VARCHAR(200) NOT NULL) ENGINE = InnoDB "
        "DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin"));
  }
  static void TearDownTestSuite() {
    delete test_db_;
    test_db_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(test_db_, nullptr); }

  static Database& db() { return test_db_->db(); }

  // A separate pool on the test schema.
  static std::unique_ptr<Database> OpenPool(int size,
                                            absl::Duration checkout_timeout) {
    DbConfig config = test_db_->config();
    config.pool_size = size;
    config.checkout_timeout = checkout_timeout;
    absl::StatusOr<std::unique_ptr<Database>> pool = Database::Open(config);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  // Connections the server has open with the test schema as default.
  static int64_t ServerConnections() {
    absl::StatusOr<Session> admin = test_db_->admin().Checkout();
    if (!admin.ok()) return -1;
    absl::StatusOr<std::optional<Row>> row = admin->QueryRow(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ?",
        {test_db_->schema()});
    return row.ok() && row->has_value() ? (*row)->GetInt64(0) : -1;
  }

  // Kills server connection `id` (as an operator or a restart would) and
  // waits until it is gone.
  static void KillConnection(int64_t id) {
    absl::StatusOr<Session> admin = test_db_->admin().Checkout();
    ASSERT_OK(admin);
    // KILL takes no placeholder; `id` is an integer from the server.
    ASSERT_OK(admin->ExecuteUnprepared(absl::StrCat("KILL CONNECTION ", id)));
    for (int i = 0; i < 200; ++i) {
      absl::StatusOr<std::optional<Row>> row = admin->QueryRow(
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?",
          {id});
      ASSERT_OK(row);
      if ((*row)->GetInt64(0) == 0) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    FAIL() << "connection " << id << " is still there";
  }

  static int64_t CountRows(absl::string_view name) {
    absl::StatusOr<Session> session = db().Checkout();
    if (!session.ok()) return -1;
    absl::StatusOr<std::optional<Row>> row = session->QueryRow(
        "SELECT COUNT(*) FROM scratch WHERE name = ?", {name});
    return row.ok() && row->has_value() ? (*row)->GetInt64(0) : -1;
  }

  static TestDatabase* test_db_;
};

TestDatabase* DatabaseTest::test_db_ = nullptr;

TEST_F(DatabaseTest, PoolNeverExceedsItsSize) {
  const int64_t baseline = ServerConnections();
  ASSERT_GE(baseline, 0);
  std::unique_ptr<Database> pool = OpenPool(3, absl::Seconds(60));
  ASSERT_NE(pool, nullptr);

  std::atomic<int> in_use{0};
  std::atomic<int> max_in_use{0};
  std::atomic<bool> done{false};
  std::atomic<int64_t> max_server{0};
  absl::Mutex mu;
  std::set<int64_t> connection_ids;
  std::atomic<int> failures{0};

  std::thread monitor([&] {
    while (!done.load()) {
      const int64_t now = ServerConnections() - baseline;
      int64_t seen = max_server.load();
      while (now > seen && !max_server.compare_exchange_weak(seen, now)) {
      }
      absl::SleepFor(absl::Milliseconds(2));
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < 16; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        absl::Status status = pool->RunInTransaction([&](Transaction& tx) {
          const int now = ++in_use;
          int seen = max_in_use.load();
          while (now > seen && !max_in_use.compare_exchange_weak(seen, now)) {
          }
          absl::StatusOr<int64_t> id = tx.ConnectionId();
          absl::StatusOr<std::vector<Row>> slept =
              tx.Query("SELECT SLEEP(0.002)");
          --in_use;
          if (!id.ok()) return id.status();
          absl::MutexLock lock(&mu);
          connection_ids.insert(*id);
          return slept.status();
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  done = true;
  monitor.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(max_in_use.load(), 3);
  EXPECT_EQ(max_in_use.load(), 3);  // 16 threads do fill it
  EXPECT_LE(max_server.load(), 3);
  EXPECT_LE(connection_ids.size(), 3u);
  PoolStats stats = pool->stats();
  EXPECT_LE(stats.live, 3);
  EXPECT_LE(stats.opened, 3);
}

TEST_F(DatabaseTest, CheckoutTimesOutWhenPoolIsExhausted) {
  std::unique_ptr<Database> pool = OpenPool(2, absl::Milliseconds(200));
  ASSERT_NE(pool, nullptr);
  absl::StatusOr<Session> first = pool->Checkout();
  absl::StatusOr<Session> second = pool->Checkout();
  ASSERT_OK(first);
  ASSERT_OK(second);

  const absl::Time start = absl::Now();
  absl::StatusOr<Session> third = pool->Checkout();
  EXPECT_THAT(third,
              StatusIs(absl::StatusCode::kUnavailable, kReasonDbPoolExhausted));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(150));
  // A transaction does not retry an exhausted pool either.
  EXPECT_THAT(
      pool->RunInTransaction([](Transaction&) { return absl::OkStatus(); }),
      StatusIs(absl::StatusCode::kUnavailable, kReasonDbPoolExhausted));

  *first = std::move(*second);  // returns the first connection to the pool
  EXPECT_OK(pool->Checkout());
}

TEST_F(DatabaseTest, WaitingCheckoutGetsTheConnectionWhenReleased) {
  std::unique_ptr<Database> pool = OpenPool(1, absl::Seconds(10));
  ASSERT_NE(pool, nullptr);
  auto held = std::make_unique<absl::StatusOr<Session>>(pool->Checkout());
  ASSERT_OK(*held);
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(100));
    held.reset();
  });
  const absl::Time start = absl::Now();
  absl::StatusOr<Session> waited = pool->Checkout();
  releaser.join();
  EXPECT_OK(waited);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(80));
  EXPECT_EQ(pool->stats().opened, 1);
}

TEST_F(DatabaseTest, QueryAfterConnectionIsKilledSucceeds) {
  std::unique_ptr<Database> pool = OpenPool(1, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  int64_t old_id = 0;
  ASSERT_OK(pool->RunInTransaction([&](Transaction& tx) -> absl::Status {
    absl::StatusOr<int64_t> id = tx.ConnectionId();
    if (id.ok()) old_id = *id;
    return id.status();
  }));
  KillConnection(old_id);

  // The pooled connection is dead (2006/2013 on use): the transaction is run
  // again on a new connection, with its statements prepared again.
  int calls = 0;
  int64_t new_id = 0;
  ASSERT_OK(pool->RunInTransaction([&](Transaction& tx) -> absl::Status {
    ++calls;
    absl::StatusOr<int64_t> id = tx.ConnectionId();
    if (id.ok()) new_id = *id;
    return id.status();
  }));
  EXPECT_NE(new_id, old_id);
  EXPECT_GE(calls, 1);
  EXPECT_EQ(pool->stats().live, 1);
  EXPECT_OK(pool->Ping());
}

TEST_F(DatabaseTest, LostConnectionBeforeCommitIsRetriedOnceOnAFreshOne) {
  std::unique_ptr<Database> pool = OpenPool(2, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  int calls = 0;
  std::set<int64_t> ids;
  absl::Status status = pool->RunInTransaction([&](Transaction& tx) {
    ++calls;
    absl::StatusOr<int64_t> id = tx.ConnectionId();
    if (!id.ok()) return id.status();
    ids.insert(*id);
    if (calls == 1) KillConnection(*id);
    return tx
        .Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                 {1000 + calls, "retried"})
        .status();
  });
  EXPECT_OK(status);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(CountRows("retried"), 1);
}

// RunReads (autocommit, for one-statement reads such as an as-of rating's)
// recovers from a lost connection as RunInTransaction does.
TEST_F(DatabaseTest, ReadsOnALostConnectionRunOnceMoreOnAFreshOne) {
  std::unique_ptr<Database> pool = OpenPool(2, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  int calls = 0;
  std::set<int64_t> ids;
  int64_t answer = 0;
  absl::Status status = pool->RunReads([&](Session& session) -> absl::Status {
    ++calls;
    absl::StatusOr<int64_t> id = session.ConnectionId();
    if (!id.ok()) return id.status();
    ids.insert(*id);
    if (calls == 1) KillConnection(*id);
    absl::StatusOr<std::optional<Row>> row = session.QueryRow("SELECT 41 + 1");
    if (!row.ok()) return row.status();
    answer = (*row)->GetInt64(0);
    return absl::OkStatus();
  });
  EXPECT_OK(status);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(answer, 42);
}

// The retry policy (issue 15 item 1): a conflict is run again after a
// backoff until it passes; a lasting one gives up after max_attempts with a
// retry delay for the client; other errors are never run again.
TEST_F(DatabaseTest, ConflictsAreRunAgainBoundedAndThenCarryARetryDelay) {
  std::unique_ptr<Database> pool = OpenPool(2, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  int calls = 0;
  absl::Status status = pool->RunInTransaction([&](Transaction& tx) -> absl::Status {
    ++calls;
    RETURN_IF_ERROR(tx.Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                               {2000 + calls, "conflicted"})
                        .status());
    if (calls < 3) return MakeError(absl::StatusCode::kAborted, kReasonDbConflict, "x");
    return absl::OkStatus();
  });
  EXPECT_OK(status);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(CountRows("conflicted"), 1);  // the failed attempts rolled back
  EXPECT_EQ(pool->stats().conflict_retries, 2);

  calls = 0;
  status = pool->RunInTransaction([&](Transaction&) -> absl::Status {
    ++calls;
    return MakeError(absl::StatusCode::kUnavailable, kReasonDbNotPrimary, "not primary");
  });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable, kReasonDbNotPrimary));
  EXPECT_EQ(calls, DbConfig().retry.max_attempts);
  ASSERT_TRUE(RetryDelayOf(status).has_value());
  EXPECT_EQ(*RetryDelayOf(status), DbConfig().retry.client_retry_delay);

  calls = 0;
  status = pool->RunInTransaction([&](Transaction&) -> absl::Status {
    ++calls;
    return MakeError(absl::StatusCode::kAlreadyExists, "X_EXISTS", "exists");
  });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(RetryDelayOf(status).has_value());
}

// A real deadlock: two transactions lock rows 1 and 2 in opposite orders.
// MariaDB rolls one back (1213); the policy runs it again and both commit.
TEST_F(DatabaseTest, ARealDeadlockEndsWithBothTransactionsCommitted) {
  std::unique_ptr<Database> pool = OpenPool(4, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  {
    absl::StatusOr<Session> session = pool->Checkout();
    ASSERT_OK(session);
    ASSERT_OK(session->Execute("INSERT INTO scratch (id, name) VALUES (3001, 'a'), (3002, 'b')")
                  .status());
  }
  absl::Notification first_locked, second_locked;
  std::atomic<int> attempts{0};
  auto writer = [&](int64_t first, int64_t second, absl::Notification* mine,
                    absl::Notification* theirs) {
    return pool->RunInTransaction([&](Transaction& tx) -> absl::Status {
      const bool first_attempt = attempts.fetch_add(1) < 2;
      RETURN_IF_ERROR(
          tx.Execute("UPDATE scratch SET name = CONCAT(name, '+') WHERE id = ?", {first})
              .status());
      if (first_attempt) {
        if (!mine->HasBeenNotified()) mine->Notify();
        theirs->WaitForNotificationWithTimeout(absl::Seconds(10));
      }
      return tx.Execute("UPDATE scratch SET name = CONCAT(name, '+') WHERE id = ?", {second})
          .status();
    });
  };
  absl::Status a, b;
  std::thread ta([&] { a = writer(3001, 3002, &first_locked, &second_locked); });
  std::thread tb([&] { b = writer(3002, 3001, &second_locked, &first_locked); });
  ta.join();
  tb.join();
  EXPECT_OK(a);
  EXPECT_OK(b);
  EXPECT_GE(attempts.load(), 3);  // one of them ran again
  EXPECT_GE(pool->stats().conflict_retries, 1);
  EXPECT_EQ(CountRows("a++"), 1);
  EXPECT_EQ(CountRows("b++"), 1);
}

TEST_F(DatabaseTest, LostConnectionAtCommitIsUnavailableAndNotRetried) {
  std::unique_ptr<Database> pool = OpenPool(2, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  int calls = 0;
  absl::Status status = pool->RunInTransaction([&](Transaction& tx) {
    ++calls;
    absl::Status inserted =
        tx.Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                   {2000, "commit-lost"})
            .status();
    if (!inserted.ok()) return inserted;
    absl::StatusOr<int64_t> id = tx.ConnectionId();
    if (!id.ok()) return id.status();
    KillConnection(*id);  // the next thing this connection does is COMMIT
    return absl::OkStatus();
  });
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kUnavailable, kReasonDbUnavailable));
  EXPECT_THAT(std::string(status.message()), HasSubstr("outcome is unknown"));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(CountRows("commit-lost"), 0);  // the kill rolled it back
}

TEST_F(DatabaseTest, KilledConnectionInExplicitTransactionIsUnavailable) {
  std::unique_ptr<Database> pool = OpenPool(1, absl::Seconds(5));
  ASSERT_NE(pool, nullptr);
  {
    absl::StatusOr<Transaction> tx = pool->Begin();
    ASSERT_OK(tx);
    absl::StatusOr<int64_t> id = tx->ConnectionId();
    ASSERT_OK(id);
    KillConnection(*id);
    EXPECT_THAT(tx->Query("SELECT 1"),
                StatusIs(absl::StatusCode::kUnavailable, kReasonDbUnavailable));
    EXPECT_TRUE(tx->connection_lost());
  }
  // The dead connection was discarded, not pooled.
  EXPECT_EQ(pool->stats().live, 0);
  absl::StatusOr<Session> session = pool->Checkout();
  ASSERT_OK(session);
  EXPECT_OK(session->Query("SELECT 1"));
}

TEST_F(DatabaseTest, DuplicateKeyIsAlreadyExists) {
  ASSERT_OK(db().RunInTransaction([](Transaction& tx) {
    return tx
        .Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                 {3000, "first"})
        .status();
  }));
  absl::Status status = db().RunInTransaction([](Transaction& tx) {
    return tx
        .Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                 {3000, "second"})
        .status();
  });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAlreadyExists,
                               kReasonDbDuplicateKey));
  EXPECT_THAT(std::string(status.message()),
              ::testing::Not(HasSubstr("scratch")));
  EXPECT_EQ(CountRows("second"), 0);
}

TEST_F(DatabaseTest, ChineseTextWithFourByteCharactersRoundTrips) {
  // U+20000 and U+210C1 are 4-byte UTF-8 (CJK Extension B); so is the emoji.
  const std::string name = "（虚构）𠀀𡃁环保科技有限公司 😀 ABC";
  ASSERT_OK(db().RunInTransaction([&](Transaction& tx) {
    return tx
        .Execute("INSERT INTO scratch (id, name) VALUES (?, ?)", {4000, name})
        .status();
  }));
  absl::StatusOr<Session> session = db().Checkout();
  ASSERT_OK(session);
  absl::StatusOr<std::optional<Row>> row = session->QueryRow(
      "SELECT name, CHAR_LENGTH(name), LENGTH(name) FROM scratch WHERE id = ?",
      {4000});
  ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->GetString(0), name);
  EXPECT_EQ((*row)->GetInt64(1), 20);  // code points, not bytes
  EXPECT_EQ((*row)->GetInt64(2), static_cast<int64_t>(name.size()));
  // Looking it up by the text as a parameter works too.
  absl::StatusOr<std::optional<Row>> by_name =
      session->QueryRow("SELECT id FROM scratch WHERE name = ?", {name});
  ASSERT_OK(by_name);
  ASSERT_TRUE(by_name->has_value());
  EXPECT_EQ((*by_name)->GetInt64(0), 4000);
}

TEST_F(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  {
    absl::StatusOr<Transaction> tx = db().Begin();
    ASSERT_OK(tx);
    ASSERT_OK(tx->Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                          {5000, "dropped"}));
  }  // destroyed without Commit
  EXPECT_EQ(CountRows("dropped"), 0);

  // A function that fails rolls back what it did.
  absl::Status failed = db().RunInTransaction([](Transaction& tx) {
    absl::Status inserted =
        tx.Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                   {5001, "failed"})
            .status();
    if (!inserted.ok()) return inserted;
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(CountRows("failed"), 0);

  {
    absl::StatusOr<Transaction> tx = db().Begin();
    ASSERT_OK(tx);
    ASSERT_OK(tx->Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                          {5002, "kept"}));
    ASSERT_OK(tx->Commit());
    EXPECT_THAT(tx->Commit(), StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  EXPECT_EQ(CountRows("kept"), 1);
}

TEST_F(DatabaseTest, SessionsAreStrictUtcAndUtf8mb4) {
  absl::StatusOr<Session> session = db().Checkout();
  ASSERT_OK(session);
  absl::StatusOr<std::optional<Row>> row = session->QueryRow(
      "SELECT @@SESSION.sql_mode, @@SESSION.time_zone, "
      "@@SESSION.character_set_connection, @@SESSION.character_set_client, "
      "@@SESSION.character_set_results");
  ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_THAT((*row)->GetString(0), HasSubstr("STRICT_ALL_TABLES"));
  EXPECT_EQ((*row)->GetString(1), "+00:00");
  EXPECT_EQ((*row)->GetString(2), "utf8mb4");
  EXPECT_EQ((*row)->GetString(3), "utf8mb4");
  EXPECT_EQ((*row)->GetString(4), "utf8mb4");

  // Strict mode: a value too long is an error, never truncated.
  const std::string too_long(201, 'x');
  absl::Status status =
      session
          ->Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                    {6000, too_long})
          .status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInternal, kReasonDbError));
  EXPECT_EQ(std::string(status.message()), "internal database error");
}

TEST_F(DatabaseTest, TimesAreReadAsUtc) {
  absl::StatusOr<Session> session = db().Checkout();
  ASSERT_OK(session);
  absl::StatusOr<std::optional<Row>> row = session->QueryRow(
      "SELECT CAST('2024-02-29 23:59:58.123456' AS DATETIME(6)), "
      "UTC_TIMESTAMP(6)");
  ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  absl::StatusOr<absl::Time> fixed = (*row)->GetTime(0);
  ASSERT_OK(fixed);
  EXPECT_EQ(*fixed, absl::FromUnixMicros(1709251198123456));
  absl::StatusOr<absl::Time> now = (*row)->GetTime(1);
  ASSERT_OK(now);
  EXPECT_LT(absl::AbsDuration(*now - absl::Now()), absl::Seconds(60));
}

TEST_F(DatabaseTest, PingAnswers) { EXPECT_OK(db().Ping()); }

TEST_F(DatabaseTest, ReadOnlyTransactionRefusesWrites) {
  absl::Status status = db().RunInTransaction(
      [](Transaction& tx) {
        return tx
            .Execute("INSERT INTO scratch (id, name) VALUES (?, ?)",
                     {7000, "read-only"})
            .status();
      },
      TxMode::kReadOnly);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInternal, kReasonDbError));
  EXPECT_EQ(CountRows("read-only"), 0);
}

TEST_F(DatabaseTest, OpenWithNoServerIsUnavailable) {
  DbConfig config = test_db_->config();
  config.port = 1;  // nothing listens on port 1 of 127.0.0.1
  EXPECT_THAT(Database::Open(config),
              StatusIs(absl::StatusCode::kUnavailable, kReasonDbUnavailable));
}

TEST_F(DatabaseTest, OpenCreatesTheDatabaseWhenAsked) {
  DbConfig config = test_db_->config();
  config.database = test_db_->schema() + "_created";
  config.create_database_if_missing = true;
  absl::StatusOr<std::unique_ptr<Database>> created = Database::Open(config);
  ASSERT_OK(created);
  created->reset();
  absl::StatusOr<Session> admin = test_db_->admin().Checkout();
  ASSERT_OK(admin);
  absl::StatusOr<std::optional<Row>> row = admin->QueryRow(
      "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA "
      "WHERE SCHEMA_NAME = ?",
      {config.database});
  ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->GetString(0), "utf8mb4");
  EXPECT_OK(admin->ExecuteUnprepared(
      absl::StrCat("DROP DATABASE `", config.database, "`")));
}

}  // namespace
}  // namespace envcredit::storage
