// MysqlEnterpriseRepository against the private MariaDB: the error contract
// of domain::EnterpriseRepository, idempotency, pagination and filters.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "server/storage/mysql_enterprise_repository.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_ratings.h"
#include "tests/support/test_uscc.h"

namespace envcredit::storage {
namespace {

using ::envcredit::testing::SystemClockRatingWriter;
using ::envcredit::domain::Enterprise;
using ::envcredit::domain::EnterpriseFilter;
using ::envcredit::domain::EnterprisePage;
using ::envcredit::domain::EnterprisePatch;
using ::envcredit::domain::EnterpriseStatus;
using ::envcredit::domain::Industry;
using ::envcredit::domain::RequestKey;
using ::envcredit::testing::StatusIs;
using ::envcredit::testing::TestDatabase;

std::string Uscc(const std::string& region, int serial) {
  return testing::TestUscc("MA", serial, region);
}

Enterprise Sample(const std::string& region, int serial,
                  std::string name = "（虚构）南京示例化工有限公司") {
  Enterprise e;
  e.credit_code = Uscc(region, serial);
  e.display_name = std::move(name);
  e.region_code = region;
  e.industry = Industry::kChemicals;
  e.legal_representative = "张示例";
  e.address = "南京市示例区示例路1号";
  e.status = EnterpriseStatus::kOperating;
  return e;
}

const domain::AuditContext kAudit{"test-actor", "/test/Write", ""};

RequestKey Key(std::string id, std::string fingerprint) {
  return RequestKey{std::move(id), std::move(fingerprint)};
}

class EnterpriseRepositoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = TestDatabase::Create("storage_enterprises");
    ASSERT_TRUE(db.ok()) << db.status();
    test_db_ = db->release();
  }
  static void TearDownTestSuite() {
    delete test_db_;
    test_db_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(test_db_, nullptr);
    repo_ = std::make_unique<MysqlEnterpriseRepository>(&test_db_->db(), SystemClockRatingWriter());
  }

  static int64_t Count(absl::string_view sql, std::vector<SqlValue> params) {
    absl::StatusOr<Session> session = test_db_->db().Checkout();
    if (!session.ok()) return -1;
    absl::StatusOr<std::optional<Row>> row = session->QueryRow(sql, params);
    return row.ok() && row->has_value() ? (*row)->GetInt64(0) : -1;
  }
  static int64_t EnterpriseRows(const std::string& code) {
    return Count("SELECT COUNT(*) FROM enterprises WHERE credit_code = ?",
                 {code});
  }
  static int64_t RequestRows(const std::string& id) {
    return Count("SELECT COUNT(*) FROM request_log WHERE request_id = ?", {id});
  }

  static TestDatabase* test_db_;
  std::unique_ptr<MysqlEnterpriseRepository> repo_;
};

TestDatabase* EnterpriseRepositoryTest::test_db_ = nullptr;

TEST_F(EnterpriseRepositoryTest, CreateThenGetRoundTripsEveryField) {
  Enterprise in = Sample("320100", 1, "（虚构）𠀀𡃁示例纺织有限公司");
  in.industry = Industry::kTextiles;
  in.legal_representative = "𠀀示例";
  const absl::Time before = absl::Now() - absl::Seconds(5);
  absl::StatusOr<Enterprise> created = repo_->Create(in, RequestKey(), kAudit);
  ASSERT_OK(created);
  EXPECT_EQ(created->revision, 1);
  EXPECT_EQ(created->create_time, created->update_time);
  EXPECT_GT(created->create_time, before);
  EXPECT_LT(created->create_time, absl::Now() + absl::Seconds(5));

  absl::StatusOr<Enterprise> got = repo_->Get(in.credit_code);
  ASSERT_OK(got);
  EXPECT_EQ(got->credit_code, in.credit_code);
  EXPECT_EQ(got->display_name, "（虚构）𠀀𡃁示例纺织有限公司");
  EXPECT_EQ(got->region_code, "320100");
  EXPECT_EQ(got->industry, Industry::kTextiles);
  EXPECT_EQ(got->legal_representative, "𠀀示例");
  EXPECT_EQ(got->address, in.address);
  EXPECT_EQ(got->status, EnterpriseStatus::kOperating);
  EXPECT_EQ(got->revision, 1);
  EXPECT_EQ(got->create_time, created->create_time);
  EXPECT_EQ(got->update_time, created->update_time);
}

TEST_F(EnterpriseRepositoryTest, SecondEnterpriseWithSameCodeIsAlreadyExists) {
  Enterprise in = Sample("320100", 2);
  ASSERT_OK(repo_->Create(in, RequestKey(), kAudit));
  in.display_name = "（虚构）另一家公司";
  absl::StatusOr<Enterprise> again = repo_->Create(in, Key("dup-2", "f2"), kAudit);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists,
                              "ENTERPRISE_ALREADY_EXISTS"));
  EXPECT_EQ(ErrorField(again.status()), "enterprise.credit_code");
  EXPECT_EQ(EnterpriseRows(in.credit_code), 1);
  EXPECT_EQ(RequestRows("dup-2"), 0);  // rolled back with the insert
  absl::StatusOr<Enterprise> got = repo_->Get(in.credit_code);
  ASSERT_OK(got);
  EXPECT_EQ(got->display_name, "（虚构）南京示例化工有限公司");
}

TEST_F(EnterpriseRepositoryTest, GetOfUnknownCodeIsNotFound) {
  EXPECT_THAT(repo_->Get(Uscc("110000", 999)),
              StatusIs(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND"));
}

TEST_F(EnterpriseRepositoryTest, InvalidEnterpriseIsRefusedAndNothingStored) {
  Enterprise in = Sample("320100", 3);
  in.display_name = "";
  EXPECT_THAT(repo_->Create(in, Key("invalid-3", "f"), kAudit),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(EnterpriseRows(in.credit_code), 0);
  EXPECT_EQ(RequestRows("invalid-3"), 0);
}

TEST_F(EnterpriseRepositoryTest, RetriedCreateReturnsTheOriginal) {
  Enterprise in = Sample("320100", 4);
  absl::StatusOr<Enterprise> first = repo_->Create(in, Key("create-4", "fp4"), kAudit);
  ASSERT_OK(first);
  absl::StatusOr<Enterprise> retried =
      repo_->Create(in, Key("create-4", "fp4"), kAudit);
  ASSERT_OK(retried);
  EXPECT_EQ(retried->credit_code, first->credit_code);
  EXPECT_EQ(retried->revision, 1);
  EXPECT_EQ(retried->create_time, first->create_time);
  EXPECT_EQ(EnterpriseRows(in.credit_code), 1);
  EXPECT_EQ(RequestRows("create-4"), 1);

  // After an update, a retry returns the enterprise as it is now.
  EnterprisePatch patch;
  patch.display_name = "（虚构）改名后的公司";
  ASSERT_OK(repo_->Update(in.credit_code, patch, std::nullopt, RequestKey(), kAudit));
  absl::StatusOr<Enterprise> later = repo_->Create(in, Key("create-4", "fp4"), kAudit);
  ASSERT_OK(later);
  EXPECT_EQ(later->revision, 2);
  EXPECT_EQ(later->display_name, "（虚构）改名后的公司");
}

TEST_F(EnterpriseRepositoryTest, ReusedRequestIdWithOtherContentIsRefused) {
  Enterprise in = Sample("320100", 5);
  ASSERT_OK(repo_->Create(in, Key("create-5", "fingerprint-a"), kAudit));
  Enterprise other = Sample("320100", 6);
  absl::StatusOr<Enterprise> reused =
      repo_->Create(other, Key("create-5", "fingerprint-b"), kAudit);
  EXPECT_THAT(reused, StatusIs(absl::StatusCode::kInvalidArgument,
                               "REQUEST_ID_REUSED"));
  EXPECT_EQ(ErrorField(reused.status()), "request_id");
  EXPECT_EQ(EnterpriseRows(other.credit_code), 0);

  // The same id for another method is a reuse too.
  EnterprisePatch patch;
  patch.address = "别处";
  EXPECT_THAT(
      repo_->Update(in.credit_code, patch, std::nullopt,
                    Key("create-5", "fingerprint-a"), kAudit),
      StatusIs(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED"));
  absl::StatusOr<Enterprise> got = repo_->Get(in.credit_code);
  ASSERT_OK(got);
  EXPECT_EQ(got->revision, 1);
}

TEST_F(EnterpriseRepositoryTest, BinaryFingerprintsCompareExactly) {
  const std::string digest_a("\x00\xff\x80\x7f sha", 8);
  const std::string digest_b("\x00\xff\x80\x7e sha", 8);
  Enterprise in = Sample("320100", 7);
  ASSERT_OK(repo_->Create(in, Key("create-7", digest_a), kAudit));
  EXPECT_OK(repo_->Create(in, Key("create-7", digest_a), kAudit));
  EXPECT_THAT(
      repo_->Create(in, Key("create-7", digest_b), kAudit),
      StatusIs(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED"));
}

TEST_F(EnterpriseRepositoryTest, ConcurrentRetriesCreateOnce) {
  Enterprise in = Sample("320100", 8);
  std::vector<absl::StatusOr<Enterprise>> results(8, absl::UnknownError(""));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back(
        [&, i] { results[i] = repo_->Create(in, Key("create-8", "fp8"), kAudit); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::StatusOr<Enterprise>& result : results) {
    ASSERT_OK(result);
    EXPECT_EQ(result->credit_code, in.credit_code);
    EXPECT_EQ(result->revision, 1);
  }
  EXPECT_EQ(EnterpriseRows(in.credit_code), 1);
  EXPECT_EQ(RequestRows("create-8"), 1);
}

// BatchCreate: every item decided as Create would decide it, each alone —
// new, taken before, taken by an earlier item, invalid, a replay of a single
// create, a reused request id — in one call; what succeeded is stored once,
// rated and audited, what failed stored nothing.
TEST_F(EnterpriseRepositoryTest, BatchCreateDecidesEachItemAlone) {
  ASSERT_OK(repo_->Create(Sample("320200", 1), Key("batch-single", "fp-single"), kAudit));
  Enterprise invalid = Sample("320200", 4);
  invalid.display_name = "";
  const std::vector<domain::BatchEnterprise> items = {
      {Sample("320200", 2), kAudit, Key("batch-a", "fp-a")},       // 0 new
      {Sample("320200", 1), kAudit, Key("batch-b", "fp-b")},       // 1 taken before
      {Sample("320200", 3), kAudit, Key("", "")},                  // 2 new, no id
      {Sample("320200", 3), kAudit, Key("", "")},                  // 3 taken by item 2
      {invalid, kAudit, Key("batch-c", "fp-c")},                   // 4 invalid
      {Sample("320200", 1), kAudit, Key("batch-single", "fp-single")},  // 5 replay
      {Sample("320200", 5), kAudit, Key("batch-single", "fp-other")},   // 6 reused id
      {Sample("320200", 2), kAudit, Key("batch-a", "fp-a")},       // 7 replay of item 0
  };
  const int64_t audits_before = Count("SELECT COUNT(*) FROM audit_log", {});
  auto results = repo_->BatchCreate(items);
  ASSERT_OK(results);
  ASSERT_EQ(results->size(), items.size());
  ASSERT_OK((*results)[0]);
  EXPECT_FALSE((*results)[0]->replayed);
  EXPECT_EQ((*results)[0]->enterprise.revision, 1);
  EXPECT_THAT((*results)[1], StatusIs(absl::StatusCode::kAlreadyExists,
                                      "ENTERPRISE_ALREADY_EXISTS"));
  ASSERT_OK((*results)[2]);
  EXPECT_THAT((*results)[3], StatusIs(absl::StatusCode::kAlreadyExists,
                                      "ENTERPRISE_ALREADY_EXISTS"));
  EXPECT_THAT((*results)[4], StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK((*results)[5]);
  EXPECT_TRUE((*results)[5]->replayed);
  EXPECT_EQ((*results)[5]->enterprise.credit_code, Sample("320200", 1).credit_code);
  EXPECT_THAT((*results)[6], StatusIs(absl::StatusCode::kInvalidArgument,
                                      "REQUEST_ID_REUSED"));
  ASSERT_OK((*results)[7]);
  EXPECT_TRUE((*results)[7]->replayed);
  EXPECT_EQ((*results)[7]->enterprise.create_time, (*results)[0]->enterprise.create_time);

  for (int serial : {1, 2, 3}) EXPECT_EQ(EnterpriseRows(Sample("320200", serial).credit_code), 1);
  EXPECT_EQ(EnterpriseRows(invalid.credit_code), 0);
  EXPECT_EQ(EnterpriseRows(Sample("320200", 5).credit_code), 0);
  EXPECT_EQ(RequestRows("batch-a"), 1);
  EXPECT_EQ(RequestRows("batch-b"), 0);  // a failed item claims nothing
  EXPECT_EQ(RequestRows("batch-c"), 0);
  // The new ones are rated in the same transaction.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM ratings r JOIN enterprises e ON e.id = r.enterprise_id "
                  "WHERE e.credit_code IN (?, ?)",
                  {Sample("320200", 2).credit_code, Sample("320200", 3).credit_code}),
            2);
  // One audit entry per successful item (the caller audits failures).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log", {}) - audits_before, 4);

  // The whole batch again: every item with an id replays, nothing is stored.
  auto again = repo_->BatchCreate(items);
  ASSERT_OK(again);
  ASSERT_OK((*again)[0]);
  EXPECT_TRUE((*again)[0]->replayed);
  EXPECT_THAT((*again)[2], StatusIs(absl::StatusCode::kAlreadyExists));  // no id: taken
  EXPECT_EQ(EnterpriseRows(Sample("320200", 2).credit_code), 1);
}

// A batch over one statement's worth of rows, mixed with stored codes: the
// inserts go in a few fixed row counts (500, 20, 3 for 523 new rows) and
// the code reads in padded IN lists (repeated values); every item still
// gets its own result, each new enterprise is stored, read back, rated and
// audited once, and the stored ones fail alone.
TEST_F(EnterpriseRepositoryTest, BatchOverOneStatementInFixedShapes) {
  for (int serial : {2000, 2100, 2522}) {
    ASSERT_OK(repo_->Create(Sample("320400", serial), Key("", ""), kAudit));
  }
  std::vector<domain::BatchEnterprise> items;
  for (int serial = 2000; serial < 2526; ++serial) {
    items.push_back({Sample("320400", serial), kAudit,
                     Key(absl::StrCat("shapes-", serial), absl::StrCat("fp-", serial))});
  }
  const int64_t audits_before = Count("SELECT COUNT(*) FROM audit_log", {});
  const int64_t ratings_before = Count("SELECT COUNT(*) FROM ratings", {});
  auto results = repo_->BatchCreate(items);
  ASSERT_OK(results);
  ASSERT_EQ(results->size(), items.size());
  int created = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const int serial = 2000 + static_cast<int>(i);
    if (serial == 2000 || serial == 2100 || serial == 2522) {
      EXPECT_THAT((*results)[i], StatusIs(absl::StatusCode::kAlreadyExists,
                                          "ENTERPRISE_ALREADY_EXISTS"))
          << serial;
      continue;
    }
    ASSERT_OK((*results)[i]);
    EXPECT_FALSE((*results)[i]->replayed);
    EXPECT_EQ((*results)[i]->enterprise.credit_code, items[i].enterprise.credit_code);
    EXPECT_EQ((*results)[i]->enterprise.display_name, items[i].enterprise.display_name);
    EXPECT_EQ((*results)[i]->enterprise.revision, 1);
    ++created;
  }
  EXPECT_EQ(created, 523);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enterprises WHERE region_code = ?", {"320400"}), 526);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM request_log WHERE request_id LIKE ?", {"shapes-%"}), 523);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM ratings", {}) - ratings_before, 523);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log", {}) - audits_before, 523);
}

// A re-import (issue 15): a batch whose every item replays its stored
// request answers with the stored enterprises and writes nothing but one
// audit entry per item.
TEST_F(EnterpriseRepositoryTest, ReimportOfStoredRequestsWritesOnlyTheAudit) {
  std::vector<domain::BatchEnterprise> items;
  for (int serial = 60; serial < 80; ++serial) {
    items.push_back({Sample("320300", serial), kAudit,
                     Key(absl::StrCat("reimport-", serial), absl::StrCat("fp-", serial))});
  }
  auto first = repo_->BatchCreate(items);
  ASSERT_OK(first);
  const char* const kCounts[] = {"SELECT COUNT(*) FROM enterprises", "SELECT COUNT(*) FROM request_log",
                                 "SELECT COUNT(*) FROM ratings", "SELECT COUNT(*) FROM feed_events"};
  std::vector<int64_t> before;
  for (const char* sql : kCounts) before.push_back(Count(sql, {}));
  const int64_t audits_before = Count("SELECT COUNT(*) FROM audit_log", {});
  auto again = repo_->BatchCreate(items);
  ASSERT_OK(again);
  ASSERT_EQ(again->size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_OK((*again)[i]);
    EXPECT_TRUE((*again)[i]->replayed);
    EXPECT_EQ((*again)[i]->enterprise.credit_code, items[i].enterprise.credit_code);
    EXPECT_EQ((*again)[i]->enterprise.create_time, (*first)[i]->enterprise.create_time);
    EXPECT_EQ((*again)[i]->enterprise.display_name, items[i].enterprise.display_name);
  }
  for (size_t k = 0; k < before.size(); ++k) EXPECT_EQ(Count(kCounts[k], {}), before[k]) << kCounts[k];
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log", {}) - audits_before,
            static_cast<int64_t>(items.size()));
}

// Batches that overlap (the same credit codes, each with its own request
// ids, four at once) store every enterprise once: exactly one item creates
// it, the others see ALREADY_EXISTS; no call fails.
TEST_F(EnterpriseRepositoryTest, CollidingBatchesCreateEachEnterpriseOnce) {
  constexpr int kThreads = 4;
  constexpr int kCodes = 300;
  storage::DbConfig config = test_db_->config();
  config.pool_size = 8;
  auto db = test_db_->OpenDatabase(config);
  ASSERT_OK(db);
  MysqlEnterpriseRepository repo(db->get(), SystemClockRatingWriter());
  std::vector<absl::StatusOr<std::vector<absl::StatusOr<domain::EnterpriseCreated>>>> outcomes(
      kThreads, absl::UnknownError("not run"));
  std::vector<std::vector<domain::BatchEnterprise>> batches(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    std::vector<int> serials(kCodes);
    for (int k = 0; k < kCodes; ++k) serials[k] = k;
    std::mt19937 order(static_cast<uint32_t>(t + 1));  // each thread its own order
    std::shuffle(serials.begin(), serials.end(), order);
    for (const int serial : serials) {
      batches[t].push_back({Sample("320300", serial), kAudit,
                            Key(absl::StrCat("collide-", t, "-", serial), "fp")});
    }
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] { outcomes[t] = repo.BatchCreate(batches[t]); });
  }
  for (std::thread& thread : threads) thread.join();
  std::map<std::string, int> created;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(outcomes[t].ok()) << "thread " << t << ": " << outcomes[t].status();
    for (size_t i = 0; i < batches[t].size(); ++i) {
      const auto& result = (*outcomes[t])[i];
      if (result.ok()) {
        ++created[result->enterprise.credit_code];
      } else {
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kAlreadyExists));
      }
    }
  }
  std::set<std::string> codes;
  for (const auto& item : batches[0]) codes.insert(item.enterprise.credit_code);
  for (const std::string& code : codes) {
    EXPECT_EQ(created[code], 1) << code;
    EXPECT_EQ(EnterpriseRows(code), 1) << code;
  }
}

// A batch of new enterprises takes no lock on enterprises it does not name:
// a long transaction holding another enterprise's row (a writer of its
// records, an operator's session) does not hold up an import. The batch
// locks only the stored enterprises it names, by primary key; before, its
// locking read `credit_code IN (…) ORDER BY id FOR UPDATE` could scan the
// table in id order and wait at every row another transaction held.
TEST_F(EnterpriseRepositoryTest, BatchOfNewEnterprisesDoesNotWaitForAWriterOfAnother) {
  for (int serial = 1; serial <= 40; ++serial) {
    ASSERT_OK(repo_->Create(Sample("320600", serial), Key("", ""), kAudit));
  }
  storage::DbConfig config = test_db_->config();
  config.lock_wait_timeout = absl::Seconds(1);
  config.retry.max_attempts = 1;  // a wait for the held row would fail the batch
  auto db = test_db_->OpenDatabase(config);
  ASSERT_OK(db);
  MysqlEnterpriseRepository repo(db->get(), SystemClockRatingWriter());

  // Statistics of an almost empty table, as during a first import (the table
  // grows faster than InnoDB samples it): the plan the old locking read got.
  {
    absl::StatusOr<Session> admin = test_db_->db().Checkout();
    ASSERT_OK(admin);
    ASSERT_OK(admin->Execute(
        "UPDATE mysql.innodb_table_stats SET n_rows = 1, clustered_index_size = 1 "
        "WHERE database_name = DATABASE() AND table_name = 'enterprises'"));
    ASSERT_OK(admin->Execute(
        "UPDATE mysql.innodb_index_stats SET stat_value = 1 WHERE database_name = DATABASE() "
        "AND table_name = 'enterprises'"));
    ASSERT_OK(admin->ExecuteUnprepared("FLUSH TABLES enterprises"));
  }
  absl::StatusOr<Transaction> holder = test_db_->db().Begin();
  ASSERT_OK(holder);
  for (const int serial : {1, 17, 40}) {
    ASSERT_OK(holder->Query("SELECT id FROM enterprises WHERE credit_code = ? FOR UPDATE",
                            {Sample("320600", serial).credit_code}));
  }
  std::vector<domain::BatchEnterprise> items;
  for (int serial = 41; serial <= 45; ++serial) {
    items.push_back({Sample("320600", serial), kAudit,
                     Key(absl::StrCat("no-wait-", serial), "fp")});
  }
  // One stored enterprise the holder does not hold: named, so locked, and
  // answered ALREADY_EXISTS.
  items.push_back({Sample("320600", 2), kAudit, Key("no-wait-stored", "fp")});
  auto results = repo.BatchCreate(items);
  ASSERT_OK(results);
  for (int k = 0; k < 5; ++k) {
    EXPECT_TRUE((*results)[k].ok()) << k << ": " << (*results)[k].status();
    EXPECT_EQ(EnterpriseRows(items[k].enterprise.credit_code), 1) << k;
  }
  EXPECT_THAT((*results)[5], StatusIs(absl::StatusCode::kAlreadyExists));
  holder->Rollback();
  absl::StatusOr<Session> admin = test_db_->db().Checkout();
  ASSERT_OK(admin);
  EXPECT_OK(admin->ExecuteUnprepared("ANALYZE TABLE enterprises"));
}

TEST_F(EnterpriseRepositoryTest, UpdateAppliesThePatchAndBumpsTheRevision) {
  Enterprise in = Sample("320100", 9);
  absl::StatusOr<Enterprise> created = repo_->Create(in, RequestKey(), kAudit);
  ASSERT_OK(created);
  EnterprisePatch patch;
  patch.display_name = "（虚构）𡃁新名字";
  patch.status = EnterpriseStatus::kSuspended;
  patch.industry = Industry::kSteel;
  absl::StatusOr<Enterprise> updated =
      repo_->Update(in.credit_code, patch, 1, RequestKey(), kAudit);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->revision, 2);
  EXPECT_EQ(updated->display_name, "（虚构）𡃁新名字");
  EXPECT_EQ(updated->status, EnterpriseStatus::kSuspended);
  EXPECT_EQ(updated->industry, Industry::kSteel);
  EXPECT_EQ(updated->address, in.address);  // untouched
  EXPECT_EQ(updated->create_time, created->create_time);
  EXPECT_GE(updated->update_time, created->update_time);

  absl::StatusOr<Enterprise> got = repo_->Get(in.credit_code);
  ASSERT_OK(got);
  EXPECT_EQ(got->revision, 2);
  EXPECT_EQ(got->display_name, "（虚构）𡃁新名字");
}

TEST_F(EnterpriseRepositoryTest, StaleRevisionIsAborted) {
  Enterprise in = Sample("320100", 10);
  ASSERT_OK(repo_->Create(in, RequestKey(), kAudit));
  EnterprisePatch patch;
  patch.address = "新地址";
  ASSERT_OK(repo_->Update(in.credit_code, patch, 1, RequestKey(), kAudit));
  patch.address = "过时的地址";
  absl::StatusOr<Enterprise> stale =
      repo_->Update(in.credit_code, patch, 1, Key("update-10", "f"), kAudit);
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted, "ETAG_MISMATCH"));
  EXPECT_EQ(RequestRows("update-10"), 0);
  absl::StatusOr<Enterprise> got = repo_->Get(in.credit_code);
  ASSERT_OK(got);
  EXPECT_EQ(got->address, "新地址");
  EXPECT_EQ(got->revision, 2);
}

TEST_F(EnterpriseRepositoryTest, UpdateOfUnknownCodeIsNotFound) {
  EnterprisePatch patch;
  patch.address = "无";
  EXPECT_THAT(
      repo_->Update(Uscc("110000", 998), patch, std::nullopt, RequestKey(), kAudit),
      StatusIs(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND"));
}

TEST_F(EnterpriseRepositoryTest, PatchThatMakesItInvalidStoresNothing) {
  Enterprise in = Sample("320100", 11);
  ASSERT_OK(repo_->Create(in, RequestKey(), kAudit));
  EnterprisePatch patch;
  patch.region_code = "32A100";
  absl::StatusOr<Enterprise> result =
      repo_->Update(in.credit_code, patch, std::nullopt, RequestKey(), kAudit);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorField(result.status()), "enterprise.region_code");
  absl::StatusOr<Enterprise> got = repo_->Get(in.credit_code);
  ASSERT_OK(got);
  EXPECT_EQ(got->region_code, "320100");
  EXPECT_EQ(got->revision, 1);
}

TEST_F(EnterpriseRepositoryTest, RetriedUpdateIsAppliedOnce) {
  Enterprise in = Sample("320100", 12);
  ASSERT_OK(repo_->Create(in, RequestKey(), kAudit));
  EnterprisePatch patch;
  patch.legal_representative = "李示例";
  absl::StatusOr<Enterprise> first =
      repo_->Update(in.credit_code, patch, 1, Key("update-12", "u12"), kAudit);
  ASSERT_OK(first);
  // The retry carries the same (now stale) revision: it still returns the
  // result instead of ABORTED, and changes nothing.
  absl::StatusOr<Enterprise> retried =
      repo_->Update(in.credit_code, patch, 1, Key("update-12", "u12"), kAudit);
  ASSERT_OK(retried);
  EXPECT_EQ(retried->revision, 2);
  EXPECT_EQ(retried->update_time, first->update_time);
  EXPECT_EQ(RequestRows("update-12"), 1);
}

// Pagination over several pages with filters: every match once, in order.
TEST_F(EnterpriseRepositoryTest, ListPagesWithFiltersHaveNoGapsOrDuplicates) {
  const std::vector<std::string> regions = {"320102", "320104", "320200",
                                            "110101"};
  const std::vector<Industry> industries = {Industry::kChemicals,
                                            Industry::kSteel, Industry::kPaper};
  std::vector<Enterprise> all;
  for (int i = 0; i < 60; ++i) {
    Enterprise e = Sample(regions[i % regions.size()], 100 + i,
                          absl::StrCat("（虚构）列表公司", i));
    e.industry = industries[i % industries.size()];
    e.status =
        i % 5 == 0 ? EnterpriseStatus::kClosed : EnterpriseStatus::kOperating;
    ASSERT_OK(repo_->Create(e, RequestKey(), kAudit));
    all.push_back(e);
  }

  struct Case {
    std::string label;
    EnterpriseFilter filter;
  };
  std::vector<Case> cases;
  cases.push_back({"no filter", {}});
  EnterpriseFilter f;
  f.region_prefix = "3201";
  cases.push_back({"region 3201", f});
  f = {};
  f.region_prefix = "320200";
  cases.push_back({"region 320200", f});
  f = {};
  f.industry = Industry::kSteel;
  f.region_prefix = "32";
  cases.push_back({"steel in 32", f});
  f = {};
  f.status = EnterpriseStatus::kClosed;
  cases.push_back({"closed", f});
  f = {};
  f.name_contains = "列表公司1";
  cases.push_back({"name", f});

  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    // Expected: the rows of this test matching the filter (other tests of
    // this suite may have stored more, so compare within our codes only).
    std::set<std::string> ours;
    std::vector<std::string> expected;
    for (const Enterprise& e : all) {
      ours.insert(e.credit_code);
      const EnterpriseFilter& x = c.filter;
      if (e.region_code.rfind(x.region_prefix, 0) != 0) continue;
      if (x.industry != Industry::kUnspecified && e.industry != x.industry)
        continue;
      if (x.status != EnterpriseStatus::kUnspecified && e.status != x.status)
        continue;
      if (e.display_name.find(x.name_contains) == std::string::npos) continue;
      expected.push_back(e.credit_code);
    }
    std::sort(expected.begin(), expected.end());
    ASSERT_FALSE(expected.empty());

    std::vector<std::string> seen;
    std::string after;
    int pages = 0;
    while (true) {
      absl::StatusOr<EnterprisePage> page = repo_->List(c.filter, after, 7);
      ASSERT_OK(page);
      ASSERT_LE(page->enterprises.size(), 7u);
      ++pages;
      for (const Enterprise& e : page->enterprises) {
        EXPECT_GT(e.credit_code, after);  // strictly increasing
        after = e.credit_code;
        if (ours.count(e.credit_code) > 0) seen.push_back(e.credit_code);
      }
      if (!page->has_more) break;
      ASSERT_EQ(page->enterprises.size(), 7u);  // a full page before more
      ASSERT_LT(pages, 100);
    }
    EXPECT_EQ(seen, expected);
    EXPECT_GE(pages, static_cast<int>(expected.size() / 7));
  }
}

TEST_F(EnterpriseRepositoryTest, NameContainsIsMatchedLiterally) {
  const std::vector<std::pair<int, std::string>> names = {
      {201, "（虚构）百分之100%环保公司"}, {202, "（虚构）下划线_公司"},
      {203, "（虚构）反斜杠\\公司"},       {204, "（虚构）普通公司"},
      {205, "（虚构）𠀀字公司"},           {206, "（虚构）𡃁字公司"},
      {207, "（虚构）Acme Green 公司"}};
  std::map<std::string, std::string> code_by_name;
  for (const auto& [serial, name] : names) {
    Enterprise e = Sample("440300", serial, name);
    ASSERT_OK(repo_->Create(e, RequestKey(), kAudit));
    code_by_name[name] = e.credit_code;
  }
  auto match = [&](const std::string& needle) {
    EnterpriseFilter filter;
    filter.region_prefix = "440300";
    filter.name_contains = needle;
    absl::StatusOr<EnterprisePage> page = repo_->List(filter, "", 100);
    EXPECT_TRUE(page.ok()) << page.status();
    std::set<std::string> found;
    if (page.ok()) {
      for (const Enterprise& e : page->enterprises)
        found.insert(e.display_name);
    }
    return found;
  };
  using ::testing::ElementsAre;
  EXPECT_THAT(match("%"), ElementsAre("（虚构）百分之100%环保公司"));
  EXPECT_THAT(match("_"), ElementsAre("（虚构）下划线_公司"));
  EXPECT_THAT(match("\\"), ElementsAre("（虚构）反斜杠\\公司"));
  EXPECT_THAT(match("𠀀"), ElementsAre("（虚构）𠀀字公司"));
  EXPECT_THAT(match("𡃁"), ElementsAre("（虚构）𡃁字公司"));
  EXPECT_THAT(match("acme green"), ElementsAre("（虚构）Acme Green 公司"));
  EXPECT_THAT(match("' OR '1'='1"), ::testing::IsEmpty());
  EXPECT_EQ(match("公司").size(), names.size());
}

TEST_F(EnterpriseRepositoryTest, ListRefusesBadLimitsAndPrefixes) {
  // The API layer resolves page sizes (api::ResolvePageSize); a bad limit
  // reaching storage is a programming error.
  EXPECT_THAT(repo_->List({}, "", 0), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(repo_->List({}, "", kMaxListLimit + 1),
              StatusIs(absl::StatusCode::kInternal));
  EnterpriseFilter filter;
  filter.region_prefix = "32%";
  EXPECT_THAT(repo_->List(filter, "", 10),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_FILTER"));
}

}  // namespace
}  // namespace envcredit::storage
