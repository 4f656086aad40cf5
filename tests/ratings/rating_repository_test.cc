// Stored ratings on the private MariaDB: re-rated in the transaction of every
// write, the daily roll on a window's last and first day, gap-free cursors in
// commit order under concurrent writers, rescoring and backfilling.
//
// Expected ratings come from SPEC §5.1 by hand: start at 9 points; a fine
// deducts 3 for 6 months from its decision date; licence revocation vetoes
// (at best RED) for 12 months; three decisions in the 12 months ending on A
// make a repeat offender (at best RED); bands GREEN 11–12, BLUE 6–10,
// YELLOW 3–5, RED 1–2, BLACK ≤ 0.
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "common/clock.h"
#include "server/domain/uscc.h"
#include "server/storage/mysql_enterprise_repository.h"
#include "server/storage/mysql_rating_repository.h"
#include "server/storage/mysql_record_repository.h"
#include "tests/support/status_matchers.h"
#include "tests/support/stepped_clock.h"
#include "tests/support/test_database.h"
#include "tests/support/test_ratings.h"
#include "tests/support/test_uscc.h"

namespace envcredit::storage {
namespace {

using domain::CurrentRating;
using domain::RatingChange;
using domain::RatingChangeCause;
using scoring::Level;
using testing::TestDatabase;
using testing::SteppedClock;
using testing::TestRatings;

const domain::AuditContext kAudit{"tester", "/test/Write", ""};

std::string Uscc(int serial) { return testing::TestUscc("RT", serial); }

class RatingRepositoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // 8 connections, as the server's default pool: a bulk page of 400 or
    // more enterprises is then rated in four parts (RecomputeBulk).
    TestDatabase::Options options;
    options.pool_size = 8;
    auto db = TestDatabase::Create("ratings_storage", options);
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
  }
  static void TearDownTestSuite() {
    delete database_;
    database_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(database_, nullptr);
    clock_.SetDay(absl::CivilDay(2024, 5, 1));
    ratings_ = std::make_unique<TestRatings>(&clock_);
    enterprises_ = std::make_unique<MysqlEnterpriseRepository>(&database_->db(),
                                                               ratings_->writer());
    records_ = std::make_unique<MysqlRecordRepository>(&database_->db(),
                                                       ratings_->writer());
    repo_ = std::make_unique<MysqlRatingRepository>(&database_->db(),
                                                    ratings_->writer());
  }

  // A new enterprise (a serial no other test uses).
  std::string NewEnterprise() {
    static int serial = 0;
    domain::Enterprise e;
    e.credit_code = Uscc(++serial);
    e.display_name = "（虚构）评级测试公司";
    e.region_code = "320100";
    e.industry = domain::Industry::kChemicals;
    e.status = domain::EnterpriseStatus::kOperating;
    EXPECT_OK(enterprises_->Create(e, {}, kAudit));
    return e.credit_code;
  }

  // `n` enterprises as NewEnterprise makes them, in batches of 500.
  std::vector<std::string> NewEnterprises(int n) {
    std::vector<std::string> codes;
    for (int start = 0; start < n; start += 500) {
      std::vector<domain::BatchEnterprise> batch;
      for (int i = start; i < std::min(n, start + 500); ++i) {
        domain::Enterprise e;
        e.credit_code = Uscc(10000 + i);
        e.display_name = "（虚构）评级测试公司";
        e.region_code = "320100";
        e.industry = domain::Industry::kChemicals;
        e.status = domain::EnterpriseStatus::kOperating;
        codes.push_back(e.credit_code);
        batch.push_back({std::move(e), kAudit, {}});
      }
      auto results = enterprises_->BatchCreate(batch);
      EXPECT_OK(results);
      if (results.ok()) {
        for (const auto& r : *results) EXPECT_OK(r);
      }
    }
    return codes;
  }

  void Decide(const std::string& code, const std::string& number,
              absl::CivilDay date,
              std::vector<scoring::Measure> measures = {scoring::Measure::kFine}) {
    domain::PenaltyDecision d;
    d.credit_code = code;
    d.authority = "南京市生态环境局";
    d.decision_number = number;
    d.violation_type = scoring::ViolationType::kExceedingDischargeStandards;
    d.decision_date = date;
    d.measures = std::move(measures);
    d.fine_amount_fen = 100000;
    ASSERT_OK(records_->CreatePenaltyDecision(d, {}, kAudit));
  }

  CurrentRating Stored(const std::string& code) {
    auto r = repo_->Get(code);
    EXPECT_OK(r);
    EXPECT_TRUE(r.ok() && r->has_value()) << code << " has no stored rating";
    return r.ok() && r->has_value() ? **r : CurrentRating();
  }

  std::vector<RatingChange> History(const std::string& code, bool all = true) {
    auto page = repo_->History(code, all, 0, 100);
    EXPECT_OK(page);
    return page.ok() ? page->changes : std::vector<RatingChange>();
  }

  static TestDatabase* database_;
  SteppedClock clock_;
  std::unique_ptr<TestRatings> ratings_;
  std::unique_ptr<MysqlEnterpriseRepository> enterprises_;
  std::unique_ptr<MysqlRecordRepository> records_;
  std::unique_ptr<MysqlRatingRepository> repo_;
};

TestDatabase* RatingRepositoryTest::database_ = nullptr;

TEST_F(RatingRepositoryTest, RegisteringAnEnterpriseStoresItsFirstRating) {
  const std::string code = NewEnterprise();
  const CurrentRating r = Stored(code);
  EXPECT_EQ(r.level, Level::kBlue);  // 9 points
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(r.policy_id, "default");
  EXPECT_EQ(r.as_of, absl::CivilDay(2024, 5, 1));
  EXPECT_FALSE(r.valid_until.has_value());  // nothing on file ever expires
  const std::vector<RatingChange> history = History(code);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].cause, RatingChangeCause::kEnterpriseRegistered);
  EXPECT_EQ(history[0].old_level, Level::kUnspecified);
  EXPECT_EQ(history[0].rating.level, Level::kBlue);
  EXPECT_EQ(r.revision, history[0].cursor);
}

TEST_F(RatingRepositoryTest, EveryRecordWriteReRatesInTheSameTransaction) {
  const std::string code = NewEnterprise();
  Decide(code, "宁环罚〔2024〕101号", absl::CivilDay(2024, 4, 20));
  CurrentRating r = Stored(code);
  EXPECT_EQ(r.points, 6);  // 9 − 3
  EXPECT_EQ(r.level, Level::kBlue);
  EXPECT_EQ(r.valid_until, absl::CivilDay(2024, 10, 20));  // the fine ends

  Decide(code, "宁环罚〔2024〕102号", absl::CivilDay(2024, 4, 25),
         {scoring::Measure::kLicenceRevocation});
  r = Stored(code);
  EXPECT_EQ(r.level, Level::kRed);  // a veto: at best RED
  EXPECT_TRUE(r.flag_bits & (1u << static_cast<int>(scoring::RatingFlag::kVeto)));

  const std::vector<RatingChange> level_changes = History(code, false);
  ASSERT_EQ(level_changes.size(), 2u);  // newest first: BLUE→RED, new→BLUE
  EXPECT_EQ(level_changes[0].old_level, Level::kBlue);
  EXPECT_EQ(level_changes[0].rating.level, Level::kRed);
  EXPECT_EQ(level_changes[0].cause, RatingChangeCause::kRecordWritten);
  EXPECT_THAT(level_changes[0].reason, ::testing::HasSubstr("宁环罚〔2024〕102号"));
  EXPECT_THAT(level_changes[0].cause_resource,
              ::testing::HasSubstr("/penaltyDecisions/"));
  // The points-only change (9 → 6, BLUE kept) is history too.
  EXPECT_EQ(History(code, true).size(), 3u);
}

TEST_F(RatingRepositoryTest, RevokingADecisionRestoresTheRating) {
  const std::string code = NewEnterprise();
  Decide(code, "宁环罚〔2024〕201号", absl::CivilDay(2024, 4, 2),
         {scoring::Measure::kLicenceRevocation});
  ASSERT_EQ(Stored(code).level, Level::kRed);
  auto page = records_->ListPenaltyDecisions(code, domain::PenaltyDecisionState::kUnspecified,
                                             0, 10);
  ASSERT_OK(page);
  ASSERT_EQ(page->records.size(), 1u);
  domain::Revocation revocation{absl::CivilDay(2024, 4, 30),
                                domain::RevocationReason::kAdministrativeReview,
                                "复议撤销"};
  ASSERT_OK(records_->RevokePenaltyDecision(code, page->records[0].id, revocation,
                                            {}, kAudit));
  const CurrentRating r = Stored(code);
  EXPECT_EQ(r.level, Level::kBlue);
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(History(code, false)[0].cause, RatingChangeCause::kDecisionRevoked);
}

// A fine of 2024-03-15 counts while A < 2024-09-15.
TEST_F(RatingRepositoryTest, RollChangesNothingOnTheLastDayAndRestoresOnTheFirst) {
  const std::string code = NewEnterprise();
  Decide(code, "宁环罚〔2024〕301号", absl::CivilDay(2024, 3, 15));
  ASSERT_EQ(Stored(code).points, 6);
  ASSERT_EQ(Stored(code).valid_until, absl::CivilDay(2024, 9, 15));

  ASSERT_OK_AND_ASSIGN(RollStats last_day, repo_->Roll(absl::CivilDay(2024, 9, 14)));
  EXPECT_EQ(Stored(code).points, 6);
  EXPECT_EQ(Stored(code).as_of, absl::CivilDay(2024, 5, 1));  // not touched

  ASSERT_OK_AND_ASSIGN(RollStats first_day, repo_->Roll(absl::CivilDay(2024, 9, 15)));
  EXPECT_GE(first_day.examined, 1);
  const CurrentRating r = Stored(code);
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(r.as_of, absl::CivilDay(2024, 9, 15));
  EXPECT_FALSE(r.valid_until.has_value());
  const std::vector<RatingChange> history = History(code, true);
  EXPECT_EQ(history[0].cause, RatingChangeCause::kTimePassed);
  EXPECT_EQ(history[0].effective_date, absl::CivilDay(2024, 9, 15));
  EXPECT_EQ(history[0].old_points, 6);

  // Twice: nothing is due any more.
  ASSERT_OK_AND_ASSIGN(RollStats again, repo_->Roll(absl::CivilDay(2024, 9, 15)));
  EXPECT_EQ(again.examined, 0);
  EXPECT_EQ(again.changed, 0);
  EXPECT_EQ(History(code, true).size(), history.size());
}

// Fines on 2024-01-10, 2024-06-01 and 2024-11-01 (rated on 2024-11-01):
// three in the window → repeat offender, at best RED. Points 9 − 3 − 3 = 3
// (the January fine ended on 2024-07-10). On 2024-12-01 the June fine ends:
// 6 points, still RED (the window still holds all three). The January fine
// leaves the window on 2025-01-10 (2025-01-10 − 12 months = 2024-01-10 is
// not < its date): BLUE, 6 points, no flag.
TEST_F(RatingRepositoryTest, RollClosesTheRepeatOffenderWindowOnItsFirstDay) {
  const std::string code = NewEnterprise();
  clock_.SetDay(absl::CivilDay(2024, 11, 1));
  Decide(code, "宁环罚〔2024〕401号", absl::CivilDay(2024, 1, 10));
  Decide(code, "宁环罚〔2024〕402号", absl::CivilDay(2024, 6, 1));
  Decide(code, "宁环罚〔2024〕403号", absl::CivilDay(2024, 11, 1));
  CurrentRating r = Stored(code);
  EXPECT_EQ(r.points, 3);
  EXPECT_EQ(r.level, Level::kRed);
  const uint32_t repeat = 1u << static_cast<int>(scoring::RatingFlag::kRepeatOffender);
  EXPECT_TRUE(r.flag_bits & repeat);
  EXPECT_EQ(r.valid_until, absl::CivilDay(2024, 12, 1));

  ASSERT_OK(repo_->Roll(absl::CivilDay(2024, 12, 1)));
  r = Stored(code);
  EXPECT_EQ(r.points, 6);
  EXPECT_EQ(r.level, Level::kRed);
  EXPECT_EQ(r.valid_until, absl::CivilDay(2025, 1, 10));

  ASSERT_OK(repo_->Roll(absl::CivilDay(2025, 1, 9)));  // the window's last day
  EXPECT_EQ(Stored(code).level, Level::kRed);
  ASSERT_OK(repo_->Roll(absl::CivilDay(2025, 1, 10)));  // its first day after
  r = Stored(code);
  EXPECT_EQ(r.level, Level::kBlue);
  EXPECT_EQ(r.points, 6);
  EXPECT_FALSE(r.flag_bits & repeat);
  const std::vector<RatingChange> levels = History(code, false);
  EXPECT_EQ(levels[0].old_level, Level::kRed);
  EXPECT_EQ(levels[0].rating.level, Level::kBlue);
  EXPECT_EQ(levels[0].effective_date, absl::CivilDay(2025, 1, 10));
}

// Writers on many threads, a follower reading the feed meanwhile: every
// batch the follower reads starts right after the last cursor it saw (no
// gap, no reordering), and at the end the feed is 1..N without holes.
TEST_F(RatingRepositoryTest, CursorsAreGapFreeAndVisibleInOrderUnderConcurrentWriters) {
  std::vector<std::string> codes;
  for (int i = 0; i < 8; ++i) codes.push_back(NewEnterprise());
  ASSERT_OK_AND_ASSIGN(int64_t start, repo_->LatestCursor());

  std::atomic<bool> done{false};
  std::atomic<int> gaps{0};
  std::atomic<int64_t> seen{start};
  std::thread follower([&] {
    int64_t last = start;
    while (true) {
      const bool finished = done.load();
      auto batch = repo_->ReadFeed(last, 1000);
      if (batch.ok()) {
        for (const domain::FeedEvent& c : *batch) {
          if (c.cursor != last + 1) gaps++;
          last = c.cursor;
        }
      }
      seen = last;
      if (finished && batch.ok() && batch->empty()) return;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int k = 0; k < 10; ++k) {
        const std::string& code = codes[(w * 10 + k) % codes.size()];
        domain::PenaltyDecision d;
        d.credit_code = code;
        d.authority = "南京市生态环境局";
        d.decision_number = absl::StrCat("并发〔2024〕", w, "-", k, "号");
        d.violation_type = scoring::ViolationType::kExceedingDischargeStandards;
        d.decision_date = absl::CivilDay(2024, 4, 1) + k;
        d.measures = {k % 2 == 0 ? scoring::Measure::kWarning : scoring::Measure::kFine};
        for (int attempt = 0; attempt < 5; ++attempt) {
          auto created = records_->CreatePenaltyDecision(d, {}, kAudit);
          if (created.ok() || created.status().code() != absl::StatusCode::kAborted) {
            EXPECT_OK(created);
            break;
          }
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  done = true;
  follower.join();

  ASSERT_OK_AND_ASSIGN(int64_t end, repo_->LatestCursor());
  EXPECT_GT(end, start);
  EXPECT_EQ(gaps.load(), 0);
  EXPECT_EQ(seen.load(), end);
  ASSERT_OK_AND_ASSIGN(auto all, repo_->ReadFeed(start, 10000));
  ASSERT_EQ(static_cast<int64_t>(all.size()), end - start);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].cursor, start + 1 + i);
  // Each stored rating names the last change to it.
  for (const std::string& code : codes) {
    const std::vector<RatingChange> history = History(code);
    ASSERT_FALSE(history.empty());
    EXPECT_EQ(Stored(code).revision, history[0].cursor);
  }
}

TEST_F(RatingRepositoryTest, RescoreFindsNothingToChangeAndBackfillRestoresMissingRatings) {
  const std::string code = NewEnterprise();
  Decide(code, "宁环罚〔2024〕501号", absl::CivilDay(2024, 4, 1));
  const size_t history_before = History(code).size();
  // Other tests of this suite left ratings made on other days, so the first
  // pass may change theirs; a second pass must find nothing to change.
  auto pass = [&](int64_t* changed) {
    int64_t after = 0;
    int64_t rescored = 0;
    *changed = 0;
    for (int page = 0; page < 1000; ++page) {
      ASSERT_OK_AND_ASSIGN(RescoreStats stats,
                           repo_->RescorePage(after, 3, /*count_total=*/true));
      rescored += stats.rescored;
      *changed += stats.changed;
      after = stats.last_enterprise_id;
      if (stats.done) {
        EXPECT_EQ(rescored, stats.total);
        return;
      }
    }
    FAIL() << "rescoring did not finish";
  };
  int64_t changed = 0;
  pass(&changed);
  pass(&changed);
  EXPECT_EQ(changed, 0);
  EXPECT_EQ(History(code).size(), history_before);  // already right

  {
    auto session = database_->db().Checkout();
    ASSERT_OK(session);
    ASSERT_OK(session->Execute("DELETE FROM ratings WHERE credit_code = ?", {code}));
  }
  ASSERT_OK_AND_ASSIGN(auto missing, repo_->Get(code));
  EXPECT_FALSE(missing.has_value());
  ASSERT_OK_AND_ASSIGN(int64_t rated, repo_->BackfillMissing());
  EXPECT_EQ(rated, 1);
  EXPECT_EQ(Stored(code).points, 6);
}

// A bulk page is rated in slices of up to 250 taken in turn by up to four
// threads with their own connections (RecomputeBulk): a backfill of a page
// of more slices than threads must store each the rating one enterprise at
// a time gives, with the feed's cursors still gap-free and each rating's
// revision its own change's cursor.
TEST_F(RatingRepositoryTest, ABackfillInPartsStoresEveryRatingAsOneAtATimeDoes) {
  const std::vector<std::string> codes = NewEnterprises(1100);  // 5 slices, 4 threads
  for (size_t i = 0; i < codes.size(); i += 23) {
    Decide(codes[i], absl::StrCat("宁环罚〔2024〕分批", i, "号"),
           absl::CivilDay(2024, 5, 1 + i % 28));
  }
  std::map<std::string, std::pair<int, int>> expected;  // points, level
  for (const std::string& code : codes) {
    const CurrentRating r = Stored(code);
    expected[code] = {static_cast<int>(r.points), static_cast<int>(r.level)};
  }
  EXPECT_NE(expected[codes[0]].first, expected[codes[1]].first);  // decided vs not
  {
    auto session = database_->db().Checkout();
    ASSERT_OK(session);
    const auto [low, high] = std::minmax_element(codes.begin(), codes.end());
    ASSERT_OK(session->Execute(
        "DELETE FROM ratings WHERE credit_code >= ? AND credit_code <= ?", {*low, *high}));
  }
  ASSERT_OK_AND_ASSIGN(const int64_t start, repo_->LatestCursor());
  ASSERT_OK_AND_ASSIGN(const int64_t rated, repo_->BackfillMissing(5000));
  EXPECT_GE(rated, static_cast<int64_t>(codes.size()));
  for (const std::string& code : codes) {
    const CurrentRating r = Stored(code);
    EXPECT_EQ(static_cast<int>(r.points), expected[code].first) << code;
    EXPECT_EQ(static_cast<int>(r.level), expected[code].second) << code;
    EXPECT_EQ(r.revision, History(code)[0].cursor) << code;
  }
  ASSERT_OK_AND_ASSIGN(const int64_t end, repo_->LatestCursor());
  ASSERT_OK_AND_ASSIGN(auto feed, repo_->ReadFeed(start, 10000));
  ASSERT_EQ(static_cast<int64_t>(feed.size()), end - start);
  for (size_t i = 0; i < feed.size(); ++i) EXPECT_EQ(feed[i].cursor, start + 1 + i);
}

// The bulk jobs read each enterprise's decisions packed into one row
// (LoadScoringRecords with RatableColumns::kRating); the records must be
// those of the full read but for the references, also when the packed text
// is cut by group_concat_max_len and the enterprise is read again.
TEST_F(RatingRepositoryTest, BulkRecordsReadMatchesTheFullReadEvenWhenThePackedTextIsCut) {
  const std::string many = NewEnterprise();
  Decide(many, "宁环罚〔2024〕601号", absl::CivilDay(2023, 11, 2));
  Decide(many, "宁环罚〔2024〕602号", absl::CivilDay(2024, 2, 29),
         {scoring::Measure::kFine, scoring::Measure::kProductionLimit});
  Decide(many, "宁环罚〔2024〕603号", absl::CivilDay(2024, 4, 30),
         {scoring::Measure::kLicenceRevocation});
  const std::string one = NewEnterprise();
  Decide(one, "宁环罚〔2024〕604号", absl::CivilDay(2024, 1, 15));
  const std::string none = NewEnterprise();
  std::vector<int64_t> ids;
  for (const std::string& code : {many, one, none}) ids.push_back(Stored(code).enterprise_id);

  ASSERT_OK_AND_ASSIGN(Session session, database_->db().Checkout());
  ASSERT_OK_AND_ASSIGN(auto full,
                       LoadScoringRecords(session, ids, RatableColumns::kWithReferences));
  auto expect_same = [&](const absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>& bulk) {
    for (const int64_t id : ids) {
      SCOPED_TRACE(id);
      const auto want = full.find(id);
      const auto got = bulk.find(id);
      const size_t want_n = want == full.end() ? 0 : want->second.decisions.size();
      const size_t got_n = got == bulk.end() ? 0 : got->second.decisions.size();
      ASSERT_EQ(got_n, want_n);
      for (size_t i = 0; i < want_n; ++i) {
        const scoring::PenaltyDecision& w = want->second.decisions[i];
        const scoring::PenaltyDecision& g = got->second.decisions[i];
        EXPECT_EQ(g.decision_date, w.decision_date);
        EXPECT_EQ(g.violation_type, w.violation_type);
        EXPECT_EQ(g.measures, w.measures);
        EXPECT_EQ(g.tampering, w.tampering);
        EXPECT_EQ(g.revoked, w.revoked);
        EXPECT_TRUE(g.decision_number.empty());
      }
    }
  };
  ASSERT_EQ(full.at(ids[0]).decisions.size(), 3u);
  ASSERT_OK_AND_ASSIGN(auto bulk, LoadScoringRecords(session, ids, RatableColumns::kRating));
  expect_same(bulk);
  // About 20 bytes a decision: 30 hold the one decision, not the three.
  ASSERT_OK(session.Execute("SET SESSION group_concat_max_len = 30"));
  ASSERT_OK_AND_ASSIGN(auto cut, LoadScoringRecords(session, ids, RatableColumns::kRating));
  expect_same(cut);
  session.Discard();  // not back to the pool with the setting
}

// Keeps what each committed write told its listener.
class CapturingListener final : public RatingListener {
 public:
  void OnRatingsCommitted(const RatingUpdates& updates) override { told.push_back(updates); }
  std::vector<RatingUpdates> told;
};

// Every server's records cache must learn of every write that changes an
// enterprise's records (doc/ratings.md "Records cache"): a write that moves
// the rating says so with its rating change; one that leaves the rating as
// it was (a decision whose deduction has long expired) with a records
// change of its own. The writer hands the records it read to its listener,
// labelled with that event's cursor; a rescore changes no records and says
// nothing.
TEST_F(RatingRepositoryTest, AWriteThatLeavesTheRatingAsItWasStillTellsTheFeedItsRecordsChanged) {
  const std::string code = NewEnterprise();
  const CurrentRating before = Stored(code);
  CapturingListener listener;
  ratings_->writer()->set_listener(&listener);
  ASSERT_OK_AND_ASSIGN(const int64_t start, repo_->LatestCursor());

  // A fine of 2022 ended in 2022 (6 months): today's rating is unchanged.
  Decide(code, "宁环罚〔2022〕601号", absl::CivilDay(2022, 1, 10));
  EXPECT_TRUE(Stored(code).SameRatingAs(before));
  ASSERT_OK_AND_ASSIGN(auto events, repo_->ReadFeed(start, 100));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].rating.has_value());
  ASSERT_TRUE(events[0].records.has_value());
  EXPECT_EQ(events[0].records->credit_code, code);
  ASSERT_NE(events[0].RecordsChangedOf(), nullptr);
  ASSERT_EQ(listener.told.size(), 1u);
  ASSERT_EQ(listener.told[0].snapshots.size(), 1u);
  const domain::RecordsSnapshot& first = listener.told[0].snapshots[0];
  EXPECT_EQ(first.cursor, events[0].cursor);
  EXPECT_EQ(first.enterprise->credit_code, code);
  ASSERT_EQ(first.enterprise->records.decisions.size(), 1u);
  EXPECT_EQ(first.enterprise->records.decisions[0].decision_number, "宁环罚〔2022〕601号");

  // A fine of this year changes the rating: one event, the rating change.
  Decide(code, "宁环罚〔2024〕602号", absl::CivilDay(2024, 4, 20));
  ASSERT_OK_AND_ASSIGN(events, repo_->ReadFeed(events[0].cursor, 100));
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].rating.has_value());
  EXPECT_FALSE(events[0].records.has_value());
  EXPECT_EQ(events[0].rating->cause, RatingChangeCause::kRecordWritten);
  ASSERT_EQ(listener.told.size(), 2u);
  ASSERT_EQ(listener.told[1].snapshots.size(), 1u);
  EXPECT_EQ(listener.told[1].snapshots[0].cursor, events[0].cursor);
  EXPECT_EQ(listener.told[1].snapshots[0].enterprise->records.decisions.size(), 2u);

  // A rescore of this enterprise: no records changed, nothing told.
  ratings_->writer()->set_listener(nullptr);
  ASSERT_OK_AND_ASSIGN(const int64_t end, repo_->LatestCursor());
  ASSERT_OK_AND_ASSIGN(const auto ratable, repo_->LoadRatable(code));
  ASSERT_OK(repo_->RescorePage(ratable.enterprise_id - 1, 1, false).status());
  ASSERT_OK_AND_ASSIGN(events, repo_->ReadFeed(end, 100));
  for (const domain::FeedEvent& e : events) EXPECT_FALSE(e.records.has_value());
}

}  // namespace
}  // namespace envcredit::storage
