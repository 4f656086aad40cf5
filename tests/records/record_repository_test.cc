// MysqlRecordRepository and MysqlAuditLog on the private MariaDB: batch
// creation with good, bad, duplicate and identical rows; audit entries in
// the same transaction as the write; revocation keeps the decision.
#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "server/storage/mysql_audit_log.h"
#include "server/storage/mysql_enterprise_repository.h"
#include "server/storage/mysql_record_repository.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_ratings.h"
#include "tests/support/test_uscc.h"

namespace envcredit::storage {
namespace {

using domain::Measure;
using domain::PenaltyDecision;
using testing::StatusIs;
using testing::SystemClockRatingWriter;
using testing::TestDatabase;

const domain::AuditContext kAudit{"tester", "/test/Write", ""};

std::string Uscc(int serial) { return testing::TestUscc("MA", serial); }

class RecordRepositoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = TestDatabase::Create("storage_records");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
    enterprises_ = new MysqlEnterpriseRepository(&database_->db(), SystemClockRatingWriter());
    for (int i = 1; i <= 3; ++i) {
      domain::Enterprise e;
      e.credit_code = Uscc(i);
      e.display_name = "（虚构）示例环保公司";
      e.region_code = "320100";
      e.industry = domain::Industry::kChemicals;
      e.status = domain::EnterpriseStatus::kOperating;
      ASSERT_OK(enterprises_->Create(e, {}, kAudit));
    }
  }
  static void TearDownTestSuite() {
    delete enterprises_;
    delete database_;
  }
  void SetUp() override {
    ASSERT_NE(database_, nullptr);
    repo_ = std::make_unique<MysqlRecordRepository>(&database_->db(), SystemClockRatingWriter());
    audit_ = std::make_unique<MysqlAuditLog>(&database_->db());
  }

  int64_t Count(const std::string& sql) {
    auto session = database_->db().Checkout();
    EXPECT_TRUE(session.ok());
    auto row = session->QueryRow(sql);
    EXPECT_TRUE(row.ok() && row->has_value());
    return (*row)->GetInt64(0);
  }

  static PenaltyDecision Decision(int enterprise, const std::string& number) {
    PenaltyDecision d;
    d.credit_code = Uscc(enterprise);
    d.authority = "南京市生态环境局";
    d.decision_number = number;
    d.violation_type = domain::ViolationType::kExceedingDischargeStandards;
    d.decision_date = absl::CivilDay(2024, 5, 6);
    d.measures = {Measure::kFine, Measure::kOrderToCorrect};
    d.fine_amount_fen = 123400;
    return d;
  }

  static TestDatabase* database_;
  static MysqlEnterpriseRepository* enterprises_;
  std::unique_ptr<MysqlRecordRepository> repo_;
  std::unique_ptr<MysqlAuditLog> audit_;
};

TestDatabase* RecordRepositoryTest::database_ = nullptr;
MysqlEnterpriseRepository* RecordRepositoryTest::enterprises_ = nullptr;

TEST_F(RecordRepositoryTest, BatchGoodBadDuplicateAndIdentical) {
  ASSERT_OK(repo_->CreatePenaltyDecision(Decision(1, "宁环罚〔2024〕1号"), {}, kAudit));
  PenaltyDecision changed = Decision(1, "宁环罚〔2024〕1号");
  changed.fine_amount_fen = 999;
  std::vector<domain::BatchDecision> items = {
      {Decision(1, "B-1"), kAudit},                // new
      {Decision(1, "宁环罚〔2024〕1号"), kAudit},  // identical to stored
      {changed, kAudit},                           // stored, other content
      {Decision(99, "B-2"), kAudit},               // no such enterprise
      {Decision(2, "B-3"), kAudit},                // new
      {Decision(2, "B-3"), kAudit},                // identical within batch
      {Decision(3, "B-3"), kAudit},                // other content within batch
  };
  const int64_t audit_before = Count("SELECT COUNT(*) FROM audit_log");
  auto results = repo_->BatchCreatePenaltyDecisions(items);
  ASSERT_OK(results);
  ASSERT_EQ(results->size(), items.size());
  ASSERT_OK((*results)[0]);
  EXPECT_FALSE((*results)[0]->already_existed);
  EXPECT_GT((*results)[0]->decision.id, 0);
  ASSERT_OK((*results)[1]);
  EXPECT_TRUE((*results)[1]->already_existed);
  EXPECT_THAT((*results)[2], StatusIs(absl::StatusCode::kAlreadyExists,
                                      "PENALTY_DECISION_ALREADY_EXISTS"));
  EXPECT_THAT((*results)[3],
              StatusIs(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND"));
  ASSERT_OK((*results)[4]);
  ASSERT_OK((*results)[5]);
  EXPECT_TRUE((*results)[5]->already_existed);
  EXPECT_EQ((*results)[5]->decision.id, (*results)[4]->decision.id);
  EXPECT_THAT((*results)[6], StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM penalty_decisions"), 3);
  // One audit entry per successful item, in the same transaction.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log") - audit_before, 4);

  auto got = repo_->GetPenaltyDecision(Uscc(2), (*results)[4]->decision.id);
  ASSERT_OK(got);
  EXPECT_THAT(got->measures, ::testing::ElementsAre(Measure::kOrderToCorrect, Measure::kFine));
  EXPECT_EQ(got->decision_number, "B-3");
  // Another enterprise's name for it is NOT_FOUND.
  EXPECT_THAT(repo_->GetPenaltyDecision(Uscc(1), (*results)[4]->decision.id),
              StatusIs(absl::StatusCode::kNotFound, "PENALTY_DECISION_NOT_FOUND"));
}

// Issue 13 finding 7: a decision's request_id names one request (method and
// fingerprint), as for every other create: the same body replays, another
// body is REQUEST_ID_REUSED and stores nothing, single or in a batch.
TEST_F(RecordRepositoryTest, DecisionRequestIdReplaysOrIsRefusedWhenReused) {
  const domain::RequestKey key{"dec-rid-1", "fingerprint-A"};
  auto first = repo_->CreatePenaltyDecision(Decision(1, "RID-1"), key, kAudit);
  ASSERT_OK(first);
  EXPECT_FALSE(first->already_existed);
  const int64_t decisions = Count("SELECT COUNT(*) FROM penalty_decisions");
  const int64_t logged = Count("SELECT COUNT(*) FROM request_log");

  // Same id, same body: the stored decision, nothing stored.
  auto again = repo_->CreatePenaltyDecision(Decision(1, "RID-1"), key, kAudit);
  ASSERT_OK(again);
  EXPECT_EQ(again->decision.id, first->decision.id);
  EXPECT_TRUE(again->already_existed);

  // Same id, another body (another decision number): refused, nothing stored.
  auto reused = repo_->CreatePenaltyDecision(Decision(1, "RID-2"),
                                             {"dec-rid-1", "fingerprint-B"}, kAudit);
  EXPECT_THAT(reused, StatusIs(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED"));
  EXPECT_EQ(ErrorField(reused.status()), "request_id");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM penalty_decisions"), decisions);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM request_log"), logged);

  // In a batch: a replay of the stored request, a reuse of it, a fresh id,
  // the fresh id again with the same body (replay of that item) and with
  // another body (refused), and a failed item that claims nothing.
  PenaltyDecision changed = Decision(1, "RID-1");
  changed.fine_amount_fen = 1;
  std::vector<domain::BatchDecision> items = {
      {Decision(1, "RID-1"), kAudit, key},                              // replay
      {Decision(2, "RID-3"), kAudit, {"dec-rid-1", "fingerprint-C"}},   // reused
      {Decision(2, "RID-4"), kAudit, {"dec-rid-2", "fingerprint-D"}},   // new
      {Decision(2, "RID-4"), kAudit, {"dec-rid-2", "fingerprint-D"}},   // replay of [2]
      {Decision(2, "RID-5"), kAudit, {"dec-rid-2", "fingerprint-E"}},   // reused
      {changed, kAudit, {"dec-rid-3", "fingerprint-F"}},                // ALREADY_EXISTS
      {Decision(3, "RID-6"), kAudit, {"dec-rid-3", "fingerprint-G"}},   // new
  };
  auto results = repo_->BatchCreatePenaltyDecisions(items);
  ASSERT_OK(results);
  ASSERT_OK((*results)[0]);
  EXPECT_EQ((*results)[0]->decision.id, first->decision.id);
  EXPECT_TRUE((*results)[0]->already_existed);
  EXPECT_THAT((*results)[1], StatusIs(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED"));
  ASSERT_OK((*results)[2]);
  EXPECT_FALSE((*results)[2]->already_existed);
  ASSERT_OK((*results)[3]);
  EXPECT_EQ((*results)[3]->decision.id, (*results)[2]->decision.id);
  EXPECT_TRUE((*results)[3]->already_existed);
  EXPECT_THAT((*results)[4], StatusIs(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED"));
  EXPECT_THAT((*results)[5], StatusIs(absl::StatusCode::kAlreadyExists,
                                      "PENALTY_DECISION_ALREADY_EXISTS"));
  ASSERT_OK((*results)[6]);
  EXPECT_FALSE((*results)[6]->already_existed);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM penalty_decisions"), decisions + 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM penalty_decisions WHERE decision_number "
                  "IN ('RID-2', 'RID-3', 'RID-5')"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM request_log"), logged + 2);

  // A single create replays what a batch item claimed.
  auto single = repo_->CreatePenaltyDecision(Decision(3, "RID-6"),
                                             {"dec-rid-3", "fingerprint-G"}, kAudit);
  ASSERT_OK(single);
  EXPECT_EQ(single->decision.id, (*results)[6]->decision.id);
  // An id another method claimed is reused, not replayed.
  auto commitment_key = domain::RequestKey{"dec-rid-4", "fingerprint-H"};
  domain::Commitment commitment;
  commitment.credit_code = Uscc(1);
  commitment.kind = domain::CommitmentKind::kCreditCommitment;
  commitment.signer = "张三";
  commitment.signing_date = absl::CivilDay(2024, 1, 2);
  ASSERT_OK(repo_->CreateCommitment(commitment, commitment_key, kAudit));
  EXPECT_THAT(repo_->CreatePenaltyDecision(Decision(1, "RID-7"), commitment_key, kAudit),
              StatusIs(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED"));
}

// Issue 13 finding 3: the storage's equality of identifiers is the
// application's. The unique key's utf8mb4_bin is PAD SPACE on MariaDB and on
// MySQL 8 alike, and MySQL 8's *_0900_* collations are NO PAD; MariaDB's
// utf8mb4_nopad_bin stands in for the NO PAD rules here. The one pair PAD
// SPACE equates that bytes do not — a trailing U+0020 — is refused before
// storage (CheckIdentifierText); every pair the application accepts as
// different (case, full width, other spaces inside) both rules keep apart,
// so with either collation the key and the application agree.
TEST_F(RecordRepositoryTest, IdentifierEqualityOfStorageIsTheApplications) {
  auto equal_in_db = [&](const std::string& a, const std::string& b,
                         const std::string& collation) {
    auto session = database_->db().Checkout();
    EXPECT_TRUE(session.ok());
    auto row = session->QueryRow(
        "SELECT CAST(? AS CHAR CHARACTER SET utf8mb4) COLLATE " + collation +
            " = CAST(? AS CHAR CHARACTER SET utf8mb4) COLLATE " + collation,
        {a, b});
    EXPECT_TRUE(row.ok() && row->has_value());
    return (*row)->GetInt64(0) == 1;
  };
  // PAD SPACE equates a trailing space, NO PAD does not: why surrounding
  // whitespace is refused.
  EXPECT_TRUE(equal_in_db("宁环罚〔2024〕1号", "宁环罚〔2024〕1号 ", "utf8mb4_bin"));
  EXPECT_FALSE(equal_in_db("宁环罚〔2024〕1号", "宁环罚〔2024〕1号 ", "utf8mb4_nopad_bin"));
  for (const char* bad : {"宁环罚〔2024〕1号 ", " 宁环罚〔2024〕1号"}) {
    absl::Status status = domain::ValidatePenaltyDecision(
        Decision(1, bad), absl::CivilDay(2025, 1, 1), "penalty_decision");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorField(status), "penalty_decision.decision_number") << bad;
  }
  const std::vector<std::string> distinct = {
      "EQ-a1", "EQ-A1",                       // case
      "EQ-１号", "EQ-1号",                    // full-width digit
      "EQ-1\u3000号", "EQ-1 号", "EQ-1\u00a0号",  // spaces inside
  };
  for (size_t i = 0; i < distinct.size(); ++i) {
    ASSERT_OK(domain::ValidatePenaltyDecision(Decision(1, distinct[i]),
                                              absl::CivilDay(2025, 1, 1), "penalty_decision"));
    for (size_t j = 0; j < i; ++j) {
      EXPECT_FALSE(equal_in_db(distinct[i], distinct[j], "utf8mb4_bin")) << i << " " << j;
      EXPECT_FALSE(equal_in_db(distinct[i], distinct[j], "utf8mb4_nopad_bin")) << i << " " << j;
    }
    EXPECT_TRUE(equal_in_db(distinct[i], distinct[i], "utf8mb4_bin")) << i;
    EXPECT_TRUE(equal_in_db(distinct[i], distinct[i], "utf8mb4_nopad_bin")) << i;
  }
  std::vector<domain::BatchDecision> items;
  for (const std::string& number : distinct) items.push_back({Decision(1, number), kAudit});
  auto results = repo_->BatchCreatePenaltyDecisions(items);
  ASSERT_OK(results);
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_OK((*results)[i]);
    EXPECT_FALSE((*results)[i]->already_existed) << i;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM penalty_decisions WHERE decision_number LIKE 'EQ-%'"),
            static_cast<int64_t>(distinct.size()));
}

// A number stored with a trailing space before CheckIdentifierText existed:
// a new number equal to it under the key's PAD SPACE collation is met as the
// same number (PENALTY_DECISION_ALREADY_EXISTS, final), single and as one
// item of a batch, never ABORTED DB_CONFLICT on every retry.
TEST_F(RecordRepositoryTest, LegacyTrailingSpaceNumberIsTheSameNumber) {
  auto created = repo_->CreatePenaltyDecision(Decision(2, "宁环罚〔2023〕旧7号"), {}, kAudit);
  ASSERT_OK(created);
  {
    auto session = database_->db().Checkout();
    ASSERT_TRUE(session.ok());
    ASSERT_OK(session->Execute(
        "UPDATE penalty_decisions SET decision_number = CONCAT(decision_number, ' ') "
        "WHERE id = ?",
        {created->decision.id}).status());
  }
  EXPECT_THAT(repo_->CreatePenaltyDecision(Decision(2, "宁环罚〔2023〕旧7号"), {}, kAudit),
              StatusIs(absl::StatusCode::kAlreadyExists, "PENALTY_DECISION_ALREADY_EXISTS"));
  std::vector<domain::BatchDecision> items = {
      {Decision(2, "宁环罚〔2023〕旧8号"), kAudit},
      {Decision(2, "宁环罚〔2023〕旧7号"), kAudit},
  };
  auto results = repo_->BatchCreatePenaltyDecisions(items);
  ASSERT_OK(results);
  ASSERT_OK((*results)[0]);
  EXPECT_THAT((*results)[1],
              StatusIs(absl::StatusCode::kAlreadyExists, "PENALTY_DECISION_ALREADY_EXISTS"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM penalty_decisions WHERE decision_number LIKE "
                  "'宁环罚〔2023〕旧%'"),
            2);
}

TEST_F(RecordRepositoryTest, LargeBatchUsesChunks) {
  std::vector<domain::BatchDecision> items;
  for (int i = 0; i < 1200; ++i) {
    items.push_back({Decision(1 + i % 3, "L-" + std::to_string(i)), kAudit});
  }
  auto results = repo_->BatchCreatePenaltyDecisions(items);
  ASSERT_OK(results);
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_TRUE((*results)[i].ok()) << i << (*results)[i].status();
    auto got = repo_->GetPenaltyDecision(items[i].decision.credit_code,
                                         (*results)[i]->decision.id);
    if (i % 400 == 0) {
      ASSERT_OK(got);
      EXPECT_EQ(got->decision_number, items[i].decision.decision_number);
    }
  }
  // Re-running the same batch stores nothing twice.
  auto again = repo_->BatchCreatePenaltyDecisions(items);
  ASSERT_OK(again);
  for (const auto& r : *again) EXPECT_TRUE(r.ok() && r->already_existed);
}

// A re-import (issue 15): a batch whose every item replays its stored
// request is answered from what is stored — the same decisions, each
// already_existed — and writes nothing but the audit: the items' entries
// without a batch call, one entry for the call with one. A batch with one
// item that is not a replay takes the full path, each item audited.
TEST_F(RecordRepositoryTest, ReimportOfStoredRequestsWritesOnlyTheAudit) {
  std::vector<domain::BatchDecision> items;
  for (int i = 0; i < 30; ++i) {
    items.push_back({Decision(1 + i % 3, absl::StrCat("再导入〔2024〕", i, "号")), kAudit,
                     {absl::StrCat("reimport-", i), absl::StrCat("fp-", i)}});
  }
  auto first = repo_->BatchCreatePenaltyDecisions(items);
  ASSERT_OK(first);
  const char* const kCounts[] = {
      "SELECT COUNT(*) FROM penalty_decisions", "SELECT COUNT(*) FROM request_log",
      "SELECT COUNT(*) FROM rating_changes", "SELECT COUNT(*) FROM feed_events",
      "SELECT COALESCE(SUM(revision), 0) FROM ratings",
      "SELECT COALESCE(MAX(UNIX_TIMESTAMP(update_time)), 0) FROM penalty_decisions"};
  std::vector<int64_t> before;
  for (const char* sql : kCounts) before.push_back(Count(sql));
  const int64_t audit_before = Count("SELECT COUNT(*) FROM audit_log");

  auto again = repo_->BatchCreatePenaltyDecisions(items);
  ASSERT_OK(again);
  ASSERT_EQ(again->size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_OK((*again)[i]);
    EXPECT_TRUE((*again)[i]->already_existed) << i;
    EXPECT_EQ((*again)[i]->decision.id, (*first)[i]->decision.id) << i;
    EXPECT_EQ((*again)[i]->decision.decision_number, items[i].decision.decision_number);
    EXPECT_EQ((*again)[i]->decision.credit_code, items[i].decision.credit_code);
    EXPECT_EQ((*again)[i]->decision.decision_date, items[i].decision.decision_date);
  }
  for (size_t k = 0; k < before.size(); ++k) {
    EXPECT_EQ(Count(kCounts[k]), before[k]) << kCounts[k];
  }
  // Without a batch call (a single create's path), one entry per item.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"),
            audit_before + static_cast<int64_t>(items.size()));

  // As a batch call: ONE entry for the call (doc/records.md "Audit"), and
  // still nothing else written.
  const domain::AuditContext call{"batcher", "/envcredit.v1.RecordService/BatchCreatePenaltyDecisions",
                                  "call-id-1"};
  const int64_t audit_before_call = Count("SELECT COUNT(*) FROM audit_log");
  const int64_t last_id = Count("SELECT MAX(id) FROM audit_log");
  auto as_call = repo_->BatchCreatePenaltyDecisions(items, call);
  ASSERT_OK(as_call);
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_OK((*as_call)[i]);
    EXPECT_TRUE((*as_call)[i]->already_existed) << i;
    EXPECT_EQ((*as_call)[i]->decision.id, (*first)[i]->decision.id) << i;
  }
  for (size_t k = 0; k < before.size(); ++k) {
    EXPECT_EQ(Count(kCounts[k]), before[k]) << kCounts[k];
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), audit_before_call + 1);
  EXPECT_EQ(Count(absl::StrCat(
                "SELECT COUNT(*) FROM audit_log WHERE id > ", last_id,
                " AND actor = 'batcher' AND method = "
                "'/envcredit.v1.RecordService/BatchCreatePenaltyDecisions' AND resource = "
                "'enterprises/-' AND request_id = 'call-id-1' AND outcome = 'OK' AND reason = "
                "'REPLAYED' AND field = 'items=30'")),
            1);
  // Answering names only, from the keys alone (what the import's batches
  // ask first): the names of the same decisions, found from the request
  // log, still nothing written but the call's entry.
  std::vector<domain::RequestKey> keys;
  for (const domain::BatchDecision& item : items) keys.push_back(item.key);
  auto names = repo_->ReplayedDecisionNames(keys, call);
  ASSERT_OK(names);
  ASSERT_TRUE(names->has_value());
  ASSERT_EQ((*names)->size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ((**names)[i], domain::RecordName(items[i].decision.credit_code,
                                               domain::kPenaltyDecisions,
                                               (*first)[i]->decision.id))
        << i;
  }
  for (size_t k = 0; k < before.size(); ++k) {
    EXPECT_EQ(Count(kCounts[k]), before[k]) << kCounts[k];
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), audit_before_call + 2);
  EXPECT_EQ(Count(absl::StrCat(
                "SELECT COUNT(*) FROM audit_log WHERE id > ", last_id,
                " AND actor = 'batcher' AND resource = 'enterprises/-' AND reason = "
                "'REPLAYED' AND field = 'items=30'")),
            2);
  // One key that replays nothing, or one whose fingerprint differs: no
  // answer, and nothing written (the batch then takes the full path).
  const int64_t audit_before_miss = Count("SELECT COUNT(*) FROM audit_log");
  std::vector<domain::RequestKey> one_new = keys;
  one_new.push_back({"reimport-never-stored", "fp"});
  auto miss = repo_->ReplayedDecisionNames(one_new, call);
  ASSERT_OK(miss);
  EXPECT_FALSE(miss->has_value());
  std::vector<domain::RequestKey> other_body = keys;
  other_body[7].fingerprint += "x";
  auto reused = repo_->ReplayedDecisionNames(other_body, call);
  ASSERT_OK(reused);
  EXPECT_FALSE(reused->has_value());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), audit_before_miss);

  // A batch naming one enterprise names it as the resource.
  std::vector<domain::BatchDecision> one_enterprise;
  for (size_t i = 0; i < items.size(); i += 3) one_enterprise.push_back(items[i]);
  const int64_t last_id_one = Count("SELECT MAX(id) FROM audit_log");
  ASSERT_OK(repo_->BatchCreatePenaltyDecisions(one_enterprise, call));
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_log WHERE id > ", last_id_one,
                               " AND resource = 'enterprises/", Uscc(1),
                               "' AND reason = 'REPLAYED' AND field = 'items=10'")),
            1);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_log WHERE id > ", last_id_one)), 1);

  // One new item among the replays: all answered, the new one stored, and
  // every item audited on its own as before, the batch call too.
  items.push_back({Decision(2, "再导入〔2024〕新号"), kAudit, {"reimport-new", "fp-new"}});
  const int64_t audit_before_mixed = Count("SELECT COUNT(*) FROM audit_log");
  auto mixed = repo_->BatchCreatePenaltyDecisions(items, call);
  ASSERT_OK(mixed);
  for (size_t i = 0; i + 1 < items.size(); ++i) {
    ASSERT_OK((*mixed)[i]);
    EXPECT_TRUE((*mixed)[i]->already_existed);
    EXPECT_EQ((*mixed)[i]->decision.id, (*first)[i]->decision.id);
  }
  ASSERT_OK(mixed->back());
  EXPECT_FALSE(mixed->back()->already_existed);
  EXPECT_EQ(Count(kCounts[0]), before[0] + 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"),
            audit_before_mixed + static_cast<int64_t>(items.size()));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE reason = 'REPLAYED'"), 3);
}

// Under Galera every node hands out auto-increment ids in steps of the
// cluster size (auto_increment_increment > 1), so the ids of one multi-row
// insert are not consecutive: each result must still carry the id stored
// with its own number. A pool of one connection with the session set that
// way stands in for a node.
TEST_F(RecordRepositoryTest, BatchIdsAreRightWhenAutoIncrementStepsByThree) {
  storage::DbConfig config = database_->config();
  config.pool_size = 1;
  auto db = database_->OpenDatabase(config);
  ASSERT_OK(db);
  {
    auto session = (*db)->Checkout();
    ASSERT_OK(session);
    ASSERT_OK(session->ExecuteUnprepared(
        "SET SESSION auto_increment_increment = 3, auto_increment_offset = 2"));
  }
  MysqlRecordRepository repo(db->get(), SystemClockRatingWriter());
  std::vector<domain::BatchDecision> items;
  for (int i = 0; i < 40; ++i) {
    PenaltyDecision d = Decision(1 + i % 3, absl::StrCat("步长〔2024〕", 40 - i, "号"));
    d.fine_amount_fen = 1000 + i;
    items.push_back({d, kAudit});
  }
  auto results = repo.BatchCreatePenaltyDecisions(items);
  ASSERT_OK(results);
  std::vector<int64_t> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_OK((*results)[i]);
    ids.push_back((*results)[i]->decision.id);
    auto stored = repo_->GetPenaltyDecision(items[i].decision.credit_code, ids.back());
    ASSERT_OK(stored);
    EXPECT_EQ(stored->decision_number, items[i].decision.decision_number);
    EXPECT_EQ(stored->fine_amount_fen, items[i].decision.fine_amount_fen);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(ids[1] - ids[0], 3) << "the session did not step by 3: the test proves nothing";
}

TEST_F(RecordRepositoryTest, RevocationKeepsTheDecision) {
  auto created = repo_->CreatePenaltyDecision(Decision(2, "R-1"), {}, kAudit);
  ASSERT_OK(created);
  const int64_t id = created->decision.id;
  EXPECT_THAT(repo_->RevokePenaltyDecision(
                  Uscc(2), id,
                  {absl::CivilDay(2024, 1, 1), domain::RevocationReason::kCourtRuling, ""},
                  {}, kAudit),
              StatusIs(absl::StatusCode::kInvalidArgument, "REVOKED_BEFORE_DECISION"));
  auto revoked = repo_->RevokePenaltyDecision(
      Uscc(2), id,
      {absl::CivilDay(2024, 9, 1), domain::RevocationReason::kCourtRuling, "判决撤销"},
      {}, kAudit);
  ASSERT_OK(revoked);
  EXPECT_EQ(revoked->state, domain::PenaltyDecisionState::kRevoked);
  EXPECT_THAT(repo_->RevokePenaltyDecision(
                  Uscc(2), id,
                  {absl::CivilDay(2024, 9, 2), domain::RevocationReason::kCourtRuling, ""},
                  {}, kAudit),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "PENALTY_DECISION_ALREADY_REVOKED"));
  EXPECT_THAT(repo_->MarkPenaltyDecisionRectified(Uscc(2), id, absl::CivilDay(2024, 9, 3),
                                                  {}, kAudit),
              StatusIs(absl::StatusCode::kFailedPrecondition, "PENALTY_DECISION_REVOKED"));
  auto listed = repo_->ListPenaltyDecisions(
      Uscc(2), domain::PenaltyDecisionState::kRevoked, 0, 10);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->records.size(), 1u);
  EXPECT_EQ(listed->records[0].revocation->note, "判决撤销");
  auto stored = repo_->LoadRecords(Uscc(2));
  ASSERT_OK(stored);
  scoring::EnterpriseRecords records = domain::ToScoringRecords(*stored);
  int revoked_count = 0;
  for (const auto& d : records.decisions) revoked_count += d.revoked;
  EXPECT_EQ(revoked_count, 1);
}

TEST_F(RecordRepositoryTest, CommitmentChecks) {
  domain::Commitment c;
  c.credit_code = Uscc(3);
  c.kind = domain::CommitmentKind::kRectificationCommitment;
  c.signer = "李四";
  c.signing_date = absl::CivilDay(2024, 1, 1);
  c.items = {{0, "三个月内完成治理", absl::CivilDay(2024, 4, 1)},
             {0, "安装在线监测", absl::CivilDay(2024, 6, 1)}};
  auto created = repo_->CreateCommitment(c, {"commit-1", "fp"}, kAudit);
  ASSERT_OK(created);
  ASSERT_EQ(created->items.size(), 2u);
  EXPECT_EQ(created->items[1].number, 2);
  auto replay = repo_->CreateCommitment(c, {"commit-1", "fp"}, kAudit);
  ASSERT_OK(replay);
  EXPECT_EQ(replay->id, created->id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM commitments"), 1);

  domain::CommitmentCheck early{2, domain::CommitmentItemState::kBroken,
                                absl::CivilDay(2024, 5, 1), ""};
  EXPECT_THAT(repo_->CheckCommitmentItem(Uscc(3), created->id, early, {}, kAudit),
              StatusIs(absl::StatusCode::kFailedPrecondition, "COMMITMENT_ITEM_NOT_DUE"));
  domain::CommitmentCheck broken{2, domain::CommitmentItemState::kBroken,
                                 absl::CivilDay(2024, 6, 2), "未安装"};
  auto checked = repo_->CheckCommitmentItem(Uscc(3), created->id, broken, {}, kAudit);
  ASSERT_OK(checked);
  EXPECT_EQ(checked->items[1].state, domain::CommitmentItemState::kBroken);
  EXPECT_THAT(repo_->CheckCommitmentItem(Uscc(3), created->id, broken, {}, kAudit),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "COMMITMENT_ITEM_ALREADY_CHECKED"));
  broken.item_number = 7;
  EXPECT_THAT(repo_->CheckCommitmentItem(Uscc(3), created->id, broken, {}, kAudit),
              StatusIs(absl::StatusCode::kNotFound, "COMMITMENT_ITEM_NOT_FOUND"));
  auto stored = repo_->LoadRecords(Uscc(3));
  ASSERT_OK(stored);
  auto records = domain::ToScoringRecords(*stored);
  ASSERT_EQ(records.broken_commitments.size(), 1u);
  EXPECT_EQ(records.broken_commitments[0].found_broken_date, absl::CivilDay(2024, 6, 2));
}

TEST_F(RecordRepositoryTest, AFailedWriteLeavesNoAuditRow) {
  const int64_t before = Count("SELECT COUNT(*) FROM audit_log");
  domain::Incident incident;
  incident.credit_code = Uscc(98);  // no such enterprise
  incident.date = absl::CivilDay(2024, 1, 1);
  incident.grade = domain::IncidentGrade::kGeneral;
  EXPECT_THAT(repo_->CreateIncident(incident, {}, kAudit),
              StatusIs(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), before);
  // An audit entry written inside a transaction that rolls back is gone too.
  absl::Status rolled_back = database_->db().RunInTransaction([&](Transaction& tx) {
    EXPECT_OK(AppendAuditEntries(tx, {domain::MakeAuditEntry(kAudit, "x")}));
    return absl::AbortedError("roll back");
  });
  EXPECT_EQ(rolled_back.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), before);

  incident.credit_code = Uscc(1);
  incident.description = "（虚构）废水外溢";
  auto created = repo_->CreateIncident(incident, {}, kAudit);
  ASSERT_OK(created);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), before + 1);
  domain::AuditFilter filter;
  filter.resource_prefix = domain::RecordName(Uscc(1), domain::kIncidents, created->id);
  auto page = audit_->List(filter, 0, 10);
  ASSERT_OK(page);
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].actor, "tester");
  EXPECT_EQ(page->entries[0].outcome, "OK");
}

TEST_F(RecordRepositoryTest, ComplaintLinksAndAuditFilters) {
  auto d = repo_->CreatePenaltyDecision(Decision(3, "C-1"), {}, kAudit);
  ASSERT_OK(d);
  domain::Complaint c;
  c.credit_code = Uscc(3);
  c.received_date = absl::CivilDay(2024, 3, 3);
  c.channel = domain::ComplaintChannel::kHotline12369;
  c.case_number = "12369-001";
  c.substantiated = true;
  c.decisions = {{0, "南京市生态环境局", "C-1"}};
  auto created = repo_->CreateComplaint(c, {}, kAudit);
  ASSERT_OK(created);
  ASSERT_EQ(created->decisions.size(), 1u);
  EXPECT_EQ(created->decisions[0].id, d->decision.id);
  EXPECT_THAT(repo_->CreateComplaint(c, {}, kAudit),
              StatusIs(absl::StatusCode::kAlreadyExists, "COMPLAINT_ALREADY_EXISTS"));
  c.case_number = "12369-002";
  c.decisions = {{0, "南京市生态环境局", "no-such"}};
  absl::StatusOr<domain::Complaint> missing = repo_->CreateComplaint(c, {}, kAudit);
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, "PENALTY_DECISION_NOT_FOUND"));
  EXPECT_EQ(ErrorField(missing.status()), "complaint.decision_references[0]");

  ASSERT_OK(audit_->Append(domain::MakeAuditEntry(
      {"denied-actor", "/envcredit.v1.RecordService/CreateIncident", "r1"}, "",
      absl::PermissionDeniedError("no"))));
  domain::AuditFilter filter;
  filter.actor = "denied-actor";
  auto page = audit_->List(filter, 0, 10);
  ASSERT_OK(page);
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].outcome, "PERMISSION_DENIED");
  filter = {};
  filter.method = "CreateIncident";
  filter.outcome = "PERMISSION_DENIED";
  page = audit_->List(filter, 0, 10);
  ASSERT_OK(page);
  EXPECT_EQ(page->entries.size(), 1u);
  filter = {};
  filter.end_time = absl::FromUnixSeconds(1000);
  page = audit_->List(filter, 0, 10);
  ASSERT_OK(page);
  EXPECT_TRUE(page->entries.empty());
}

// Issue 13 finding 5: six clients writing to one enterprise at once got
// 1,861 ABORTED (deadlocks) against 470 OK. Each write now locks its
// enterprise first, so its writers queue: every write is stored and none is
// refused, whatever the interleaving. Incidents, decisions, commitments and
// revocations — every kind of write that re-rates — each on its own pooled
// connection.
TEST_F(RecordRepositoryTest, SixWritersOnOneEnterpriseAllStoredNoneRefused) {
  const std::string code = Uscc(60);
  domain::Enterprise e;
  e.credit_code = code;
  e.display_name = "（虚构）并发写入示例公司";
  e.region_code = "320100";
  e.industry = domain::Industry::kChemicals;
  e.status = domain::EnterpriseStatus::kOperating;
  ASSERT_OK(enterprises_->Create(e, {}, kAudit));
  storage::DbConfig config = database_->config();
  config.pool_size = 8;
  auto db = database_->OpenDatabase(config);
  ASSERT_OK(db);
  MysqlRecordRepository repo(db->get(), SystemClockRatingWriter());

  constexpr int kWriters = 6;
  constexpr int kWritesEach = 12;
  std::vector<std::vector<absl::Status>> outcomes(kWriters);
  std::atomic<bool> go{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kWritesEach; ++i) {
        switch (i % 4) {
          case 0:
          case 1: {
            domain::Incident incident;
            incident.credit_code = code;
            incident.date = absl::CivilDay(2024, 6, 1 + i);
            incident.grade = domain::IncidentGrade::kGeneral;
            incident.description = absl::StrCat("writer ", w, " incident ", i);
            outcomes[w].push_back(repo.CreateIncident(incident, {}, kAudit).status());
            break;
          }
          case 2: {
            PenaltyDecision d = Decision(60, absl::StrCat("并发〔2024〕", w, "-", i, "号"));
            absl::StatusOr<domain::DecisionResult> made = repo.CreatePenaltyDecision(d, {}, kAudit);
            outcomes[w].push_back(made.status());
            if (made.ok()) {
              domain::Revocation revocation;
              revocation.date = absl::CivilDay(2024, 7, 1);
              revocation.reason = domain::RevocationReason::kAdministrativeReview;
              revocation.note = "复议撤销";
              outcomes[w].push_back(
                  repo.RevokePenaltyDecision(code, made->decision.id, revocation, {}, kAudit)
                      .status());
            }
            break;
          }
          default: {
            domain::Commitment c;
            c.credit_code = code;
            c.kind = domain::CommitmentKind::kCreditCommitment;
            c.signer = "王示例";
            c.signing_date = absl::CivilDay(2024, 1, 2);
            c.is_public = true;
            outcomes[w].push_back(repo.CreateCommitment(c, {}, kAudit).status());
          }
        }
      }
    });
  }
  go = true;
  for (std::thread& t : writers) t.join();

  int refused = 0;
  for (const auto& statuses : outcomes) {
    for (const absl::Status& status : statuses) {
      if (!status.ok()) {
        ++refused;
        ADD_FAILURE() << status;
      }
    }
  }
  EXPECT_EQ(refused, 0);
  const std::string of_it =
      absl::StrCat(" WHERE enterprise_id = (SELECT id FROM enterprises WHERE credit_code = '",
                   code, "')");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM incidents" + of_it), kWriters * kWritesEach / 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM penalty_decisions" + of_it + " AND state = 2"),
            kWriters * kWritesEach / 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM commitments" + of_it), kWriters * kWritesEach / 4);
}

}  // namespace
// Issue 15: concurrent batches that overlap on purpose — the same
// enterprises, the same decision numbers, in a different order each — all
// succeed, and every decision is stored exactly once: one of the batches
// created it, the others found it (already_existed) with the same id.
TEST_F(RecordRepositoryTest, CollidingBatchesStoreEveryDecisionOnceAndNoCallFails) {
  constexpr int kEnterprises = 12;
  constexpr int kSharedEach = 10;  // shared numbers per enterprise
  constexpr int kThreads = 4;
  constexpr int kOwnEach = 20;     // numbers only one thread sends
  constexpr int kFirst = 70;
  for (int k = 0; k < kEnterprises; ++k) {
    domain::Enterprise e;
    e.credit_code = Uscc(kFirst + k);
    e.display_name = "（虚构）批量碰撞示例公司";
    e.region_code = "320100";
    e.industry = domain::Industry::kChemicals;
    e.status = domain::EnterpriseStatus::kOperating;
    ASSERT_OK(enterprises_->Create(e, {}, kAudit));
  }
  storage::DbConfig config = database_->config();
  config.pool_size = 8;
  auto db = database_->OpenDatabase(config);
  ASSERT_OK(db);
  MysqlRecordRepository repo(db->get(), SystemClockRatingWriter());

  std::vector<PenaltyDecision> shared;
  for (int k = 0; k < kEnterprises; ++k) {
    for (int j = 0; j < kSharedEach; ++j) {
      shared.push_back(Decision(kFirst + k, absl::StrCat("碰撞〔2024〕", k, "-", j, "号")));
    }
  }
  // Each thread: every shared decision and its own ones, in its own order,
  // sent as two batches.
  std::vector<std::vector<std::vector<domain::BatchDecision>>> batches(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    std::vector<domain::BatchDecision> all;
    for (const PenaltyDecision& d : shared) all.push_back({d, kAudit});
    for (int j = 0; j < kOwnEach; ++j) {
      all.push_back({Decision(kFirst + j % kEnterprises, absl::StrCat("独有〔2024〕", t, "-", j, "号")),
                     kAudit});
    }
    std::mt19937 order(static_cast<uint32_t>(t + 1));
    std::shuffle(all.begin(), all.end(), order);
    const size_t half = all.size() / 2;
    batches[t].emplace_back(all.begin(), all.begin() + half);
    batches[t].emplace_back(all.begin() + half, all.end());
  }

  struct Outcome {
    std::string number;
    absl::StatusOr<domain::DecisionResult> result;
  };
  std::vector<std::vector<Outcome>> outcomes(kThreads);
  std::vector<absl::Status> call_errors(kThreads);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (const auto& batch : batches[t]) {
        auto results = repo.BatchCreatePenaltyDecisions(batch);
        if (!results.ok()) {
          call_errors[t] = results.status();
          return;
        }
        for (size_t i = 0; i < batch.size(); ++i) {
          outcomes[t].push_back({batch[i].decision.decision_number, (*results)[i]});
        }
      }
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();

  for (int t = 0; t < kThreads; ++t) ASSERT_TRUE(call_errors[t].ok()) << "thread " << t << ": " << call_errors[t];
  absl::flat_hash_map<std::string, int> created;    // number -> times created
  absl::flat_hash_map<std::string, int64_t> id_of;  // number -> the one id
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(outcomes[t].size(), shared.size() + kOwnEach);
    for (const Outcome& o : outcomes[t]) {
      ASSERT_TRUE(o.result.ok()) << o.number << ": " << o.result.status();
      if (!o.result->already_existed) ++created[o.number];
      auto [it, added] = id_of.try_emplace(o.number, o.result->decision.id);
      EXPECT_EQ(it->second, o.result->decision.id) << o.number << " has two ids";
    }
  }
  EXPECT_EQ(id_of.size(), shared.size() + kThreads * kOwnEach);
  for (const auto& [number, id] : id_of) {
    EXPECT_EQ(created[number], 1) << number << " created " << created[number] << " times";
  }
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM penalty_decisions d JOIN enterprises e ON "
                               "e.id = d.enterprise_id WHERE e.credit_code >= '",
                               Uscc(kFirst), "' AND e.credit_code <= '",
                               Uscc(kFirst + kEnterprises - 1), "'")),
            static_cast<int64_t>(shared.size() + kThreads * kOwnEach));
}

}  // namespace envcredit::storage
