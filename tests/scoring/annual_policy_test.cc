// The worked examples of doc/scoring.md for the annual accumulation policy
// (policies/annual-accumulation.textproto), one test per example (N1, N2,
// ...). Expected values were computed by hand; the arithmetic is in the doc.
#include <vector>

#include "gtest/gtest.h"
#include "scoring/engine.h"
#include "scoring/lists.h"
#include "tests/scoring/test_support.h"

namespace envcredit::scoring {
namespace {

using testing::AnnualPolicy;
using testing::Broken;
using testing::Day;
using testing::Decision;
using testing::MakeIncident;
using testing::PublicCreditCommitment;
using testing::RateOrFail;
using testing::Tampering;

Rating RateOn(const EnterpriseRecords& records, absl::CivilDay as_of) {
  return RateOrFail(records, as_of, AnnualPolicy());
}

TEST(AnnualPolicyDoc, N1_YearBoundary) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("F-1231", Day(2023, 12, 31), {Measure::kFine}));
  const Rating december = RateOn(records, Day(2023, 12, 31));
  EXPECT_EQ(december.points, 3);
  EXPECT_EQ(december.level, Level::kBlue);
  EXPECT_EQ(december.national_level, NationalLevel::kGood);
  EXPECT_EQ(december.policy_id, "annual-accumulation");
  EXPECT_EQ(december.policy_model, PolicyModel::kCalendarYearAccumulation);
  ASSERT_EQ(december.explanation.records.size(), 1u);
  EXPECT_EQ(december.explanation.records[0].points, 3);
  EXPECT_EQ(december.explanation.records[0].end_date, Day(2024, 1, 1));

  const Rating january = RateOn(records, Day(2024, 1, 1));
  EXPECT_EQ(january.points, 0);
  EXPECT_EQ(january.level, Level::kGreen);
  EXPECT_TRUE(january.explanation.records.empty());

  records.decisions.push_back(
      Decision("F-0101", Day(2024, 1, 1), {Measure::kFine}));
  const Rating new_year = RateOn(records, Day(2024, 1, 1));
  EXPECT_EQ(new_year.points, 3);
  EXPECT_EQ(new_year.level, Level::kBlue);
  ASSERT_EQ(new_year.explanation.records.size(), 1u);
  EXPECT_EQ(new_year.explanation.records[0].reference, "F-0101");
}

TEST(AnnualPolicyDoc, N2_PointsAccumulateOverTheYear) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("F-1", Day(2024, 2, 1), {Measure::kFine}));
  records.decisions.push_back(
      Decision("W-1", Day(2024, 3, 1), {Measure::kWarning}));
  records.decisions.push_back(
      Decision("F-2", Day(2024, 4, 1), {Measure::kFine}));
  records.decisions.push_back(
      Decision("F-3", Day(2024, 5, 1), {Measure::kFine}));
  records.decisions.push_back(
      Decision("F-4", Day(2024, 6, 1), {Measure::kFine}));
  EXPECT_EQ(RateOn(records, Day(2024, 2, 15)).points, 3);
  EXPECT_EQ(RateOn(records, Day(2024, 2, 15)).level, Level::kBlue);
  const Rating march = RateOn(records, Day(2024, 3, 1));
  EXPECT_EQ(march.points, 4);
  EXPECT_EQ(march.level, Level::kYellow);
  const Rating june = RateOn(records, Day(2024, 6, 1));
  EXPECT_EQ(june.points, 13);
  EXPECT_EQ(june.level, Level::kRed);
  EXPECT_FALSE(june.repeat_offender);  // the policy has no such rule
  EXPECT_FALSE(june.veto);
  EXPECT_EQ(RateOn(records, Day(2025, 1, 1)).level, Level::kGreen);
}

TEST(AnnualPolicyDoc, N3_SeveralMeasuresTakeTheLargest) {
  EnterpriseRecords records;
  records.decisions.push_back(Decision(
      "J-1", Day(2024, 3, 10), {Measure::kOrderToCorrect, Measure::kFine}));
  const Rating r = RateOn(records, Day(2024, 4, 1));
  EXPECT_EQ(r.points, 3);
  EXPECT_EQ(r.level, Level::kBlue);
}

TEST(AnnualPolicyDoc, N4_Vetoes) {
  EnterpriseRecords suspension;
  suspension.decisions.push_back(
      Decision("S-1", Day(2024, 6, 1), {Measure::kSuspensionForRectification}));
  const Rating s = RateOn(suspension, Day(2024, 7, 1));
  EXPECT_EQ(s.points, 0);
  EXPECT_EQ(s.explanation.level_from_points, Level::kGreen);
  EXPECT_EQ(s.level, Level::kRed);
  EXPECT_TRUE(s.veto);
  EXPECT_EQ(RateOn(suspension, Day(2024, 12, 31)).level, Level::kRed);
  EXPECT_EQ(RateOn(suspension, Day(2025, 1, 1)).level, Level::kGreen);

  EnterpriseRecords tampering;
  tampering.decisions.push_back(
      Tampering(Decision("T-1", Day(2024, 3, 1), {Measure::kWarning})));
  const Rating t = RateOn(tampering, Day(2024, 3, 2));
  EXPECT_EQ(t.points, 1);
  EXPECT_EQ(t.level, Level::kRed);

  EnterpriseRecords court;
  court.decisions.push_back(
      Decision("CE-1", Day(2024, 3, 1), {Measure::kCourtEnforcement}));
  const Rating c = RateOn(court, Day(2024, 3, 2));
  EXPECT_EQ(c.points, 0);
  EXPECT_EQ(c.level, Level::kGreen);
  EXPECT_FALSE(c.veto);

  EnterpriseRecords eia;
  eia.decisions.push_back(Decision("E-1", Day(2024, 3, 1), {Measure::kFine},
                                   ViolationType::kBuildingWithoutEiaApproval));
  const Rating e = RateOn(eia, Day(2024, 3, 2));
  EXPECT_EQ(e.points, 3);
  EXPECT_EQ(e.level, Level::kBlue);
}

TEST(AnnualPolicyDoc, N5_NoBonusNoIncidentsNoBrokenCommitments) {
  EnterpriseRecords records;
  records.commitments.push_back(PublicCreditCommitment(Day(2020, 1, 1)));
  records.broken_commitments.push_back(Broken("CC-1 item 1", Day(2024, 2, 1)));
  records.incidents.push_back(
      MakeIncident("INC-1", Day(2024, 3, 1), IncidentGrade::kLargerOrAbove));
  const Rating r = RateOn(records, Day(2024, 4, 1));
  EXPECT_EQ(r.points, 0);
  EXPECT_EQ(r.level, Level::kGreen);
  EXPECT_EQ(r.explanation.bonus.total(), 0);
  EXPECT_TRUE(r.explanation.records.empty());
}

TEST(AnnualPolicyDoc, N6_CriminalInvestigationAndTheLists) {
  EnterpriseRecords records;
  records.decisions.push_back(Decision(
      "C-1", Day(2024, 5, 1), {Measure::kTransferForCriminalInvestigation}));
  const Rating r = RateOn(records, Day(2024, 5, 2));
  EXPECT_EQ(r.points, 12);
  EXPECT_EQ(r.level, Level::kRed);
  EXPECT_TRUE(r.veto);
  EXPECT_EQ(r.national_level, NationalLevel::kPoor);
  EXPECT_FALSE(MeetsBlackListCriteria(r, AnnualPolicy()));  // no black list
  EXPECT_FALSE(BlackListPeriodFor(Day(2024, 5, 2), AnnualPolicy()).has_value());

  // GREEN again in 2025, but not on the honour list for 24 months.
  const Rating next_year = RateOn(records, Day(2025, 1, 1));
  EXPECT_EQ(next_year.level, Level::kGreen);
  EXPECT_FALSE(MeetsHonorListCriteria(next_year, records, AnnualPolicy()));
  const Rating two_years = RateOn(records, Day(2026, 5, 1));
  EXPECT_TRUE(MeetsHonorListCriteria(two_years, records, AnnualPolicy()));
}

TEST(AnnualPolicyDoc, N7_DailyContinuousPenaltyInTheYear) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("DCP-1", Day(2024, 11, 20), {Measure::kDailyContinuousPenalty}));
  const Rating r = RateOn(records, Day(2024, 12, 1));
  EXPECT_EQ(r.points, 3);
  EXPECT_EQ(r.level, Level::kBlue);
  EXPECT_TRUE(r.refused_to_correct);
  EXPECT_FALSE(RateOn(records, Day(2025, 1, 1)).refused_to_correct);
}

}  // namespace
}  // namespace envcredit::scoring
