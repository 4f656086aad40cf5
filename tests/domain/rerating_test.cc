// Re-rating's rules (domain/rerating.h) under the shipped default policy,
// with the worked examples of doc/scoring.md: D1 (no records: 9 points,
// BLUE) and D3 (a fine on 2024-01-15 deducts 3 from its first day to
// 2024-07-14; 9 again from 2024-07-15).
#include "server/domain/rerating.h"

#include <cstdlib>
#include <iostream>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/policy_text/policy_text.h"
#include "tests/support/status_matchers.h"

namespace envcredit::domain {
namespace {

const scoring::PolicyCatalog& Policies() {
  static const scoring::PolicyCatalog* const catalog = [] {
    auto loaded = scoring::LoadPolicyCatalog(ENVCREDIT_POLICY_DIR);
    if (!loaded.ok()) {
      std::cerr << loaded.status() << "\n";
      std::abort();
    }
    return new scoring::PolicyCatalog(*std::move(loaded));
  }();
  return *catalog;
}

const char kRegion[] = "320102";  // Nanjing: the default policy

scoring::EnterpriseRecords FineOn(absl::CivilDay day) {
  scoring::PenaltyDecision d;
  d.decision_number = "宁环罚〔2024〕1号";
  d.authority = "南京市生态环境局";
  d.violation_type = scoring::ViolationType::kExceedingDischargeStandards;
  d.decision_date = day;
  d.measures = {scoring::Measure::kFine};
  scoring::EnterpriseRecords records;
  records.decisions.push_back(d);
  return records;
}

RatedEnterprise Enterprise(int64_t id, std::optional<CurrentRating> stored = {}) {
  return RatedEnterprise{id, "CODE" + std::to_string(id), kRegion,
                         std::move(stored)};
}

class ReratingTest : public ::testing::Test {
 protected:
  // The rating PlanRerating would store for `records` on `day`.
  CurrentRating Stored(int64_t id, const scoring::EnterpriseRecords& records,
                       absl::CivilDay day, int64_t revision) {
    auto r = calculator_.Current(id, "CODE" + std::to_string(id), kRegion,
                                 records, day);
    EXPECT_TRUE(r.ok());
    r->revision = revision;
    return *r;
  }
  RatingCalculator calculator_{&Policies()};
};

TEST_F(ReratingTest, AFirstRatingIsAChange) {
  ASSERT_OK_AND_ASSIGN(auto writes,
                       PlanRerating(calculator_, {Enterprise(1)}, {},
                                    absl::CivilDay(2024, 6, 1)));
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_TRUE(writes[0].change);
  EXPECT_FALSE(writes[0].old.has_value());
  EXPECT_EQ(writes[0].rating.points, 9);  // D1
  EXPECT_EQ(writes[0].rating.level, scoring::Level::kBlue);
  EXPECT_EQ(writes[0].rating.revision, 0);
}

TEST_F(ReratingTest, TheSameRatingOnALaterDayWritesNothing) {
  const CurrentRating stored = Stored(1, {}, absl::CivilDay(2024, 6, 1), 17);
  ASSERT_OK_AND_ASSIGN(auto writes,
                       PlanRerating(calculator_, {Enterprise(1, stored)}, {},
                                    absl::CivilDay(2024, 6, 2)));
  EXPECT_TRUE(writes.empty());
}

TEST_F(ReratingTest, ANewRecordChangesTheRatingAndKeepsTheOldOne) {
  const CurrentRating stored = Stored(1, {}, absl::CivilDay(2024, 1, 14), 17);
  absl::flat_hash_map<int64_t, scoring::EnterpriseRecords> records;
  records[1] = FineOn(absl::CivilDay(2024, 1, 15));
  ASSERT_OK_AND_ASSIGN(auto writes,
                       PlanRerating(calculator_, {Enterprise(1, stored)}, records,
                                    absl::CivilDay(2024, 1, 15)));
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_TRUE(writes[0].change);
  EXPECT_EQ(writes[0].rating.points, 6);  // D3: 9 − 3
  EXPECT_EQ(writes[0].rating.valid_until, absl::CivilDay(2024, 7, 15));
  EXPECT_EQ(writes[0].old->points, 9);
  EXPECT_EQ(writes[0].rating.revision, 17);  // until numbered
}

TEST_F(ReratingTest, AMovedValidUntilIsRewrittenWithoutAChange) {
  absl::flat_hash_map<int64_t, scoring::EnterpriseRecords> records;
  records[1] = FineOn(absl::CivilDay(2024, 1, 15));
  CurrentRating stored = Stored(1, records[1], absl::CivilDay(2024, 1, 15), 17);
  stored.valid_until = absl::CivilDay(2024, 3, 1);  // as if computed otherwise
  ASSERT_OK_AND_ASSIGN(auto writes,
                       PlanRerating(calculator_, {Enterprise(1, stored)}, records,
                                    absl::CivilDay(2024, 2, 1)));
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_FALSE(writes[0].change);
  EXPECT_EQ(writes[0].rating.valid_until, absl::CivilDay(2024, 7, 15));
  EXPECT_EQ(writes[0].rating.revision, 17);
}

TEST_F(ReratingTest, ChangesAreNumberedInOrderWithTheirOwnTriggers) {
  absl::flat_hash_map<int64_t, scoring::EnterpriseRecords> records;
  records[2] = FineOn(absl::CivilDay(2024, 1, 15));
  const absl::CivilDay day(2024, 1, 15);
  std::vector<RatedEnterprise> enterprises = {
      Enterprise(1),                                          // first rating
      Enterprise(2, Stored(2, {}, absl::CivilDay(2024, 1, 1), 5)),  // 9 → 6
      Enterprise(3, Stored(3, {}, day, 8)),                   // unchanged
  };
  ASSERT_OK_AND_ASSIGN(auto writes,
                       PlanRerating(calculator_, enterprises, records, day));
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(CountChanges(writes), 2);

  const RatingTrigger registered{RatingChangeCause::kEnterpriseRegistered, "", ""};
  absl::flat_hash_map<int64_t, RatingTrigger> per_enterprise;
  per_enterprise[2] = RatingTrigger{RatingChangeCause::kRecordWritten,
                                    "enterprises/CODE2/penaltyDecisions/4", ""};
  RatingUpdates updates;
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  NumberChanges(writes, 41, day, registered, &per_enterprise, now, &updates);

  ASSERT_EQ(updates.ratings.size(), 2u);
  ASSERT_EQ(updates.changes.size(), 2u);
  EXPECT_EQ(updates.ratings[0].revision, 41);
  EXPECT_EQ(updates.ratings[1].revision, 42);
  const RatingChange& first = updates.changes[0];
  EXPECT_EQ(first.cursor, 41);
  EXPECT_EQ(first.old_level, scoring::Level::kUnspecified);
  EXPECT_EQ(first.cause, RatingChangeCause::kEnterpriseRegistered);
  const RatingChange& second = updates.changes[1];
  EXPECT_EQ(second.cursor, 42);
  EXPECT_EQ(second.old_points, 9);
  EXPECT_EQ(second.rating.points, 6);
  EXPECT_EQ(second.cause, RatingChangeCause::kRecordWritten);
  EXPECT_EQ(second.cause_resource, "enterprises/CODE2/penaltyDecisions/4");
  EXPECT_EQ(second.effective_date, day);
  EXPECT_EQ(second.record_time, now);
}

}  // namespace
}  // namespace envcredit::domain
