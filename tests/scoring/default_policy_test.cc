// The worked examples of doc/scoring.md for the default policy
// (policies/default.textproto), one test per example, named after its
// number (D1, D2, ...). Every expected value was computed by hand from the
// rules; the arithmetic is in the doc beside each example.
#include <vector>

#include "common/errors.h"
#include "gtest/gtest.h"
#include "scoring/civil_date.h"
#include "scoring/describe.h"
#include "scoring/engine.h"
#include "scoring/lists.h"
#include "tests/scoring/test_support.h"

namespace envcredit::scoring {
namespace {

using testing::Broken;
using testing::Day;
using testing::Decision;
using testing::DefaultPolicy;
using testing::MakeIncident;
using testing::PublicCreditCommitment;
using testing::RateOrFail;
using testing::Revoked;
using testing::Tampering;

Rating RateOn(const EnterpriseRecords& records, absl::CivilDay as_of) {
  return RateOrFail(records, as_of, DefaultPolicy());
}

TEST(DefaultPolicyDoc, D1_NoRecords) {
  const Rating r = RateOn({}, Day(2024, 6, 1));
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(r.level, Level::kBlue);
  EXPECT_EQ(r.national_level, NationalLevel::kGood);
  EXPECT_TRUE(r.Flags().empty());
  EXPECT_EQ(r.policy_id, "default");
  EXPECT_EQ(r.policy_version, 1);
  EXPECT_EQ(r.as_of, Day(2024, 6, 1));
  EXPECT_EQ(r.explanation.base_points, 9);
  EXPECT_EQ(r.explanation.bonus.total(), 0);
  EXPECT_TRUE(r.explanation.records.empty());
  EXPECT_TRUE(r.explanation.adjustments.empty());
}

TEST(DefaultPolicyDoc, D2_MonthEndClamping) {
  EXPECT_EQ(AddMonths(Day(2023, 8, 31), 6), Day(2024, 2, 29));
  EXPECT_EQ(AddMonths(Day(2022, 8, 31), 6), Day(2023, 2, 28));
  EXPECT_EQ(AddMonths(Day(2024, 3, 31), 6), Day(2024, 9, 30));
  EXPECT_EQ(AddMonths(Day(2024, 1, 31), 1), Day(2024, 2, 29));
  EXPECT_EQ(AddMonths(Day(2024, 2, 29), 12), Day(2025, 2, 28));
  EXPECT_EQ(AddMonths(Day(2024, 2, 29), -12), Day(2023, 2, 28));
  EXPECT_EQ(AddMonths(Day(2024, 1, 15), -1), Day(2023, 12, 15));

  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("F-0831", Day(2023, 8, 31), {Measure::kFine}));
  const Rating last_day = RateOn(records, Day(2024, 2, 28));
  EXPECT_EQ(last_day.points, 6);
  EXPECT_EQ(last_day.level, Level::kBlue);
  ASSERT_EQ(last_day.explanation.records.size(), 1u);
  EXPECT_EQ(last_day.explanation.records[0].end_date, Day(2024, 2, 29));
  EXPECT_EQ(last_day.explanation.records[0].points, -3);

  const Rating restored = RateOn(records, Day(2024, 2, 29));
  EXPECT_EQ(restored.points, 9);
  EXPECT_TRUE(restored.explanation.records.empty());
}

TEST(DefaultPolicyDoc, D3_FirstAndLastDayOfValidity) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("F-1", Day(2024, 1, 15), {Measure::kFine}));
  EXPECT_EQ(RateOn(records, Day(2024, 1, 14)).points, 9);
  const Rating first = RateOn(records, Day(2024, 1, 15));
  EXPECT_EQ(first.points, 6);
  ASSERT_EQ(first.explanation.records.size(), 1u);
  EXPECT_EQ(first.explanation.records[0].reference, "F-1");
  EXPECT_EQ(first.explanation.records[0].date, Day(2024, 1, 15));
  EXPECT_EQ(first.explanation.records[0].end_date, Day(2024, 7, 15));
  EXPECT_EQ(RateOn(records, Day(2024, 7, 14)).points, 6);
  EXPECT_EQ(RateOn(records, Day(2024, 7, 15)).points, 9);
}

TEST(DefaultPolicyDoc, D4_SeveralMeasuresTakeTheLargestDeduction) {
  EnterpriseRecords records;
  records.decisions.push_back(Decision(
      "J-1", Day(2024, 3, 10), {Measure::kOrderToCorrect, Measure::kFine}));
  const Rating r = RateOn(records, Day(2024, 4, 1));
  EXPECT_EQ(r.points, 6);  // 9 - 3, not 9 - 4
  EXPECT_EQ(r.level, Level::kBlue);
  ASSERT_EQ(r.explanation.records.size(), 1u);
  const CountingRecord& c = r.explanation.records[0];
  EXPECT_EQ(c.points, -3);
  EXPECT_EQ(c.points_source, EffectSource::kMeasure);
  EXPECT_EQ(c.points_measure, Measure::kFine);
  EXPECT_EQ(c.end_date, Day(2024, 9, 10));
  EXPECT_FALSE(c.veto);
}

TEST(DefaultPolicyDoc, D5_SeveralMeasuresLongestValidityAndVeto) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("S-1", Day(2024, 3, 10),
               {Measure::kFine, Measure::kSuspensionForRectification}));
  const Rating r = RateOn(records, Day(2024, 4, 1));
  EXPECT_EQ(r.points, 6);
  EXPECT_EQ(r.explanation.level_from_points, Level::kBlue);
  EXPECT_EQ(r.level, Level::kRed);
  EXPECT_TRUE(r.veto);
  EXPECT_EQ(r.national_level, NationalLevel::kPoor);
  ASSERT_EQ(r.explanation.records.size(), 1u);
  const CountingRecord& c = r.explanation.records[0];
  EXPECT_EQ(c.end_date, Day(2025, 3, 10));
  EXPECT_EQ(c.validity_measure, Measure::kSuspensionForRectification);
  EXPECT_EQ(c.veto_measure, Measure::kSuspensionForRectification);
  ASSERT_EQ(r.explanation.adjustments.size(), 1u);
  EXPECT_EQ(r.explanation.adjustments[0].kind, AdjustmentKind::kVetoCap);
  EXPECT_EQ(r.explanation.adjustments[0].before, Level::kBlue);
  EXPECT_EQ(r.explanation.adjustments[0].after, Level::kRed);

  const Rating october = RateOn(records, Day(2024, 10, 1));
  EXPECT_EQ(october.points, 6);  // the -3 counts for the longest validity
  EXPECT_EQ(october.level, Level::kRed);

  const Rating restored = RateOn(records, Day(2025, 3, 10));
  EXPECT_EQ(restored.points, 9);
  EXPECT_EQ(restored.level, Level::kBlue);
  EXPECT_FALSE(restored.veto);
}

TEST(DefaultPolicyDoc, D6_RevokedDecision) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Revoked(Decision("R-1", Day(2024, 2, 1), {Measure::kFine})));
  const Rating r = RateOn(records, Day(2024, 3, 1));
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(r.level, Level::kBlue);
  EXPECT_TRUE(r.explanation.records.empty());

  // A revoked decision does not reset the bonus either.
  EnterpriseRecords with_bonus;
  with_bonus.commitments.push_back(PublicCreditCommitment(Day(2021, 1, 1)));
  with_bonus.decisions.push_back(
      Revoked(Decision("R-2", Day(2023, 6, 1), {Measure::kFine})));
  const Rating revoked = RateOn(with_bonus, Day(2024, 3, 1));
  EXPECT_EQ(revoked.explanation.bonus.total(), 3);
  EXPECT_EQ(revoked.points, 12);
  EXPECT_EQ(revoked.level, Level::kGreen);

  with_bonus.decisions[0].revoked = false;
  const Rating in_force = RateOn(with_bonus, Day(2024, 3, 1));
  EXPECT_EQ(in_force.explanation.bonus.total(), 1);
  EXPECT_EQ(in_force.points, 10);
  EXPECT_EQ(in_force.level, Level::kBlue);
}

TEST(DefaultPolicyDoc, D7_BonusGrowsWithCleanYears) {
  EnterpriseRecords records;
  records.commitments.push_back(PublicCreditCommitment(Day(2021, 5, 10)));
  EXPECT_EQ(RateOn(records, Day(2021, 5, 9)).points, 9);
  const Rating signed_day = RateOn(records, Day(2021, 5, 10));
  EXPECT_EQ(signed_day.points, 10);
  EXPECT_EQ(signed_day.level, Level::kBlue);
  EXPECT_EQ(signed_day.explanation.bonus.commitment_points, 1);
  EXPECT_EQ(signed_day.explanation.bonus.clean_year_points, 0);
  EXPECT_EQ(RateOn(records, Day(2022, 5, 9)).points, 10);
  const Rating one_year = RateOn(records, Day(2022, 5, 10));
  EXPECT_EQ(one_year.points, 11);
  EXPECT_EQ(one_year.level, Level::kGreen);
  EXPECT_EQ(one_year.explanation.bonus.whole_clean_years, 1);
  EXPECT_EQ(RateOn(records, Day(2023, 5, 10)).points, 12);
  const Rating later = RateOn(records, Day(2030, 1, 1));
  EXPECT_EQ(later.points, 12);
  EXPECT_EQ(later.explanation.bonus.whole_clean_years, 8);
  EXPECT_EQ(later.explanation.bonus.clean_year_points, 2);

  EnterpriseRecords not_public;
  not_public.commitments.push_back(Commitment{
      "CC-2", CommitmentKind::kCreditCommitment, Day(2021, 5, 10), false});
  EXPECT_EQ(RateOn(not_public, Day(2024, 1, 1)).points, 9);

  EnterpriseRecords letter;
  letter.commitments.push_back(Commitment{
      "RL-1", CommitmentKind::kResponsibilityLetter, Day(2021, 5, 10), true});
  EXPECT_EQ(RateOn(letter, Day(2024, 1, 1)).points, 9);
}

TEST(DefaultPolicyDoc, D8_BonusResetByANewDecision) {
  EnterpriseRecords records;
  records.commitments.push_back(PublicCreditCommitment(Day(2021, 5, 10)));
  records.decisions.push_back(
      Decision("W-1", Day(2023, 9, 1), {Measure::kWarning}));
  EXPECT_EQ(RateOn(records, Day(2023, 8, 31)).points, 12);
  const Rating reset = RateOn(records, Day(2023, 9, 1));
  EXPECT_EQ(reset.explanation.bonus.total(), 1);
  EXPECT_EQ(reset.explanation.bonus.clean_since, Day(2023, 9, 1));
  EXPECT_EQ(reset.points, 9);
  EXPECT_EQ(reset.level, Level::kBlue);
  EXPECT_EQ(RateOn(records, Day(2024, 3, 1)).points, 10);
  const Rating one_year = RateOn(records, Day(2024, 9, 1));
  EXPECT_EQ(one_year.points, 11);
  EXPECT_EQ(one_year.level, Level::kGreen);
  EXPECT_EQ(RateOn(records, Day(2025, 9, 1)).points, 12);
}

TEST(DefaultPolicyDoc, D9_BonusResetByABrokenCommitment) {
  EnterpriseRecords records;
  records.commitments.push_back(PublicCreditCommitment(Day(2020, 1, 1)));
  records.broken_commitments.push_back(Broken("CC-1 item 2", Day(2022, 6, 30)));
  EXPECT_EQ(RateOn(records, Day(2022, 6, 29)).points, 12);
  const Rating broken = RateOn(records, Day(2022, 6, 30));
  EXPECT_EQ(broken.points, 7);
  EXPECT_EQ(broken.level, Level::kBlue);
  ASSERT_EQ(broken.explanation.records.size(), 1u);
  EXPECT_EQ(broken.explanation.records[0].kind, RecordKind::kBrokenCommitment);
  EXPECT_EQ(broken.explanation.records[0].points, -3);
  EXPECT_EQ(broken.explanation.records[0].end_date, Day(2023, 6, 30));
  EXPECT_EQ(broken.explanation.bonus.breach_kind,
            RecordKind::kBrokenCommitment);
  const Rating year_later = RateOn(records, Day(2023, 6, 30));
  EXPECT_EQ(year_later.points, 11);
  EXPECT_EQ(year_later.level, Level::kGreen);
  EXPECT_EQ(RateOn(records, Day(2024, 6, 30)).points, 12);
}

TEST(DefaultPolicyDoc, D10_GeneralIncident) {
  EnterpriseRecords records;
  records.incidents.push_back(
      MakeIncident("INC-1", Day(2024, 4, 1), IncidentGrade::kGeneral));
  const Rating r = RateOn(records, Day(2024, 5, 1));
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(r.explanation.level_from_points, Level::kBlue);
  EXPECT_EQ(r.level, Level::kYellow);
  EXPECT_FALSE(r.veto);
  ASSERT_EQ(r.explanation.adjustments.size(), 1u);
  EXPECT_EQ(r.explanation.adjustments[0].kind,
            AdjustmentKind::kIncidentDowngrade);
  EXPECT_EQ(r.explanation.adjustments[0].record, 0);
  EXPECT_EQ(RateOn(records, Day(2025, 4, 1)).level, Level::kBlue);

  // The incident does not reset the bonus: 12 points, GREEN, one down.
  EnterpriseRecords with_bonus = records;
  with_bonus.commitments.push_back(PublicCreditCommitment(Day(2020, 1, 1)));
  const Rating green = RateOn(with_bonus, Day(2024, 5, 1));
  EXPECT_EQ(green.points, 12);
  EXPECT_EQ(green.level, Level::kBlue);

  // Two general incidents: two levels down.
  EnterpriseRecords two = records;
  two.incidents.push_back(
      MakeIncident("INC-2", Day(2024, 6, 1), IncidentGrade::kGeneral));
  EXPECT_EQ(RateOn(two, Day(2024, 7, 1)).level, Level::kRed);

  // Never below BLACK.
  EnterpriseRecords black;
  black.decisions.push_back(Decision(
      "C-1", Day(2024, 1, 10), {Measure::kTransferForCriminalInvestigation}));
  black.incidents.push_back(
      MakeIncident("INC-3", Day(2024, 2, 1), IncidentGrade::kGeneral));
  const Rating b = RateOn(black, Day(2024, 3, 1));
  EXPECT_EQ(b.points, -3);
  EXPECT_EQ(b.level, Level::kBlack);
  ASSERT_EQ(b.explanation.adjustments.size(), 1u);
  EXPECT_EQ(b.explanation.adjustments[0].before, Level::kBlack);
  EXPECT_EQ(b.explanation.adjustments[0].after, Level::kBlack);
}

TEST(DefaultPolicyDoc, D11_LargerIncident) {
  EnterpriseRecords records;
  records.incidents.push_back(
      MakeIncident("INC-9", Day(2024, 4, 1), IncidentGrade::kLargerOrAbove));
  const Rating r = RateOn(records, Day(2024, 5, 1));
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(r.level, Level::kRed);
  EXPECT_TRUE(r.veto);
  ASSERT_EQ(r.explanation.records.size(), 1u);
  EXPECT_EQ(r.explanation.records[0].end_date, Day(2025, 4, 1));
  EXPECT_EQ(r.explanation.records[0].veto_source, EffectSource::kRecordRule);
  const Rating later = RateOn(records, Day(2025, 4, 1));
  EXPECT_EQ(later.level, Level::kBlue);
  EXPECT_FALSE(later.veto);
}

TEST(DefaultPolicyDoc, D12_VetoOnAnEnterpriseAlreadyBlack) {
  EnterpriseRecords records;
  records.decisions.push_back(Decision(
      "C-1", Day(2024, 1, 10), {Measure::kTransferForCriminalInvestigation}));
  records.decisions.push_back(
      Decision("S-2", Day(2024, 2, 1), {Measure::kSuspensionForRectification}));
  const Rating r = RateOn(records, Day(2024, 3, 1));
  EXPECT_EQ(r.points, -3);
  EXPECT_EQ(r.level, Level::kBlack);
  EXPECT_TRUE(r.veto);
  ASSERT_EQ(r.explanation.adjustments.size(), 1u);
  EXPECT_EQ(r.explanation.adjustments[0].kind, AdjustmentKind::kVetoCap);
  EXPECT_EQ(r.explanation.adjustments[0].before, Level::kBlack);
  EXPECT_EQ(r.explanation.adjustments[0].after, Level::kBlack);

  const Rating criminal_expired = RateOn(records, Day(2025, 1, 10));
  EXPECT_EQ(criminal_expired.points, 9);
  EXPECT_EQ(criminal_expired.level, Level::kRed);
  const Rating both_expired = RateOn(records, Day(2025, 2, 1));
  EXPECT_EQ(both_expired.points, 9);
  EXPECT_EQ(both_expired.level, Level::kBlue);
}

TEST(DefaultPolicyDoc, D13_RepeatOffenderWindow) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("W-1", Day(2023, 3, 15), {Measure::kWarning}));
  records.decisions.push_back(
      Decision("W-2", Day(2023, 9, 1), {Measure::kWarning}));
  records.decisions.push_back(
      Decision("W-3", Day(2024, 3, 14), {Measure::kWarning}));
  const Rating r = RateOn(records, Day(2024, 3, 14));
  EXPECT_EQ(r.points, 8);
  EXPECT_EQ(r.explanation.level_from_points, Level::kBlue);
  EXPECT_TRUE(r.repeat_offender);
  EXPECT_EQ(r.level, Level::kRed);
  EXPECT_EQ(r.explanation.repeat_offender_window_start, Day(2023, 3, 14));
  EXPECT_EQ(r.explanation.repeat_offender_decisions,
            (std::vector<int>{0, 1, 2}));
  ASSERT_EQ(r.explanation.adjustments.size(), 1u);
  EXPECT_EQ(r.explanation.adjustments[0].kind,
            AdjustmentKind::kRepeatOffenderCap);

  const Rating next_day = RateOn(records, Day(2024, 3, 15));
  EXPECT_EQ(next_day.points, 8);
  EXPECT_FALSE(next_day.repeat_offender);
  EXPECT_EQ(next_day.level, Level::kBlue);

  records.decisions[1].revoked = true;
  const Rating revoked = RateOn(records, Day(2024, 3, 14));
  EXPECT_FALSE(revoked.repeat_offender);
  EXPECT_EQ(revoked.level, Level::kBlue);
}

TEST(DefaultPolicyDoc, D14_TamperingFlagOnAWarning) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Tampering(Decision("T-1", Day(2024, 5, 20), {Measure::kWarning})));
  const Rating r = RateOn(records, Day(2024, 6, 1));
  EXPECT_EQ(r.points, 8);
  EXPECT_EQ(r.level, Level::kRed);
  EXPECT_TRUE(r.veto);
  ASSERT_EQ(r.explanation.records.size(), 1u);
  const CountingRecord& c = r.explanation.records[0];
  EXPECT_EQ(c.points, -1);
  EXPECT_EQ(c.points_measure, Measure::kWarning);
  EXPECT_EQ(c.validity_source, EffectSource::kTamperingFlag);
  EXPECT_EQ(c.veto_source, EffectSource::kTamperingFlag);
  EXPECT_EQ(c.end_date, Day(2025, 5, 20));
  EXPECT_EQ(RateOn(records, Day(2025, 5, 19)).level, Level::kRed);
  EXPECT_EQ(RateOn(records, Day(2025, 5, 19)).points, 8);
  const Rating restored = RateOn(records, Day(2025, 5, 20));
  EXPECT_EQ(restored.points, 9);
  EXPECT_EQ(restored.level, Level::kBlue);
}

TEST(DefaultPolicyDoc, D15_NationalVetoListViolationType) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("E-1", Day(2024, 2, 10), {Measure::kFine},
               ViolationType::kBuildingWithoutEiaApproval));
  const Rating r = RateOn(records, Day(2024, 3, 1));
  EXPECT_EQ(r.points, 6);
  EXPECT_EQ(r.level, Level::kRed);
  ASSERT_EQ(r.explanation.records.size(), 1u);
  EXPECT_EQ(r.explanation.records[0].points_measure, Measure::kFine);
  EXPECT_EQ(r.explanation.records[0].veto_source,
            EffectSource::kVetoListViolation);
  EXPECT_EQ(r.explanation.records[0].end_date, Day(2025, 2, 10));
  // The -3 counts as long as the decision: 12 months.
  EXPECT_EQ(RateOn(records, Day(2024, 12, 1)).points, 6);
  EXPECT_EQ(RateOn(records, Day(2025, 2, 10)).level, Level::kBlue);
}

TEST(DefaultPolicyDoc, D16_DailyContinuousPenalty) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("F-1", Day(2024, 1, 5), {Measure::kFine}));
  records.decisions.push_back(
      Decision("DCP-1", Day(2024, 2, 20), {Measure::kDailyContinuousPenalty}));
  const Rating r = RateOn(records, Day(2024, 3, 1));
  EXPECT_EQ(r.points, 3);
  EXPECT_EQ(r.level, Level::kYellow);
  EXPECT_TRUE(r.refused_to_correct);
  EXPECT_EQ(r.Flags(), std::vector<RatingFlag>{RatingFlag::kRefusedToCorrect});
  const Rating fine_gone = RateOn(records, Day(2024, 7, 5));
  EXPECT_EQ(fine_gone.points, 6);
  EXPECT_EQ(fine_gone.level, Level::kBlue);
  EXPECT_TRUE(fine_gone.refused_to_correct);
  const Rating both_gone = RateOn(records, Day(2024, 8, 20));
  EXPECT_EQ(both_gone.points, 9);
  EXPECT_FALSE(both_gone.refused_to_correct);
}

TEST(DefaultPolicyDoc, D17_CriminalInvestigationMakesBlack) {
  EnterpriseRecords records;
  records.decisions.push_back(Decision(
      "C-1", Day(2024, 1, 10), {Measure::kTransferForCriminalInvestigation}));
  const Rating r = RateOn(records, Day(2024, 2, 1));
  EXPECT_EQ(r.points, -3);
  EXPECT_EQ(r.level, Level::kBlack);
  EXPECT_EQ(r.national_level, NationalLevel::kPoor);
  EXPECT_FALSE(r.veto);
  EXPECT_TRUE(MeetsBlackListCriteria(r, DefaultPolicy()));
  EXPECT_FALSE(MeetsHonorListCriteria(r, records, DefaultPolicy()));
  const auto period = BlackListPeriodFor(Day(2024, 2, 1), DefaultPolicy());
  ASSERT_TRUE(period.has_value());
  EXPECT_EQ(period->earliest_repair_date, Day(2025, 2, 1));
  EXPECT_EQ(period->expiry_date, Day(2027, 2, 1));

  // The decision itself resets the bonus to the commitment point.
  records.commitments.push_back(PublicCreditCommitment(Day(2020, 1, 1)));
  const Rating with_bonus = RateOn(records, Day(2024, 2, 1));
  EXPECT_EQ(with_bonus.explanation.bonus.total(), 1);
  EXPECT_EQ(with_bonus.points, -2);
  EXPECT_EQ(with_bonus.level, Level::kBlack);
}

TEST(DefaultPolicyDoc, D18_CourtEnforcementAndProductionLimit) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("CE-1", Day(2024, 1, 1), {Measure::kCourtEnforcement}));
  const Rating r = RateOn(records, Day(2024, 6, 1));
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(r.level, Level::kRed);
  EXPECT_EQ(RateOn(records, Day(2025, 1, 1)).level, Level::kBlue);

  EnterpriseRecords limit;
  limit.decisions.push_back(
      Decision("PL-1", Day(2024, 1, 1), {Measure::kProductionLimit}));
  limit.decisions.push_back(
      Decision("SZ-1", Day(2024, 2, 1), {Measure::kSealOrSeizure}));
  const Rating l = RateOn(limit, Day(2024, 3, 1));
  EXPECT_EQ(l.points, 3);
  EXPECT_EQ(l.level, Level::kYellow);
  EXPECT_EQ(RateOn(limit, Day(2024, 7, 1)).points, 6);
  EXPECT_EQ(RateOn(limit, Day(2024, 8, 1)).points, 9);
}

TEST(DefaultPolicyDoc, D19_HonorList) {
  EnterpriseRecords records;
  records.commitments.push_back(PublicCreditCommitment(Day(2020, 1, 1)));
  records.decisions.push_back(
      Decision("W-1", Day(2022, 3, 1), {Measure::kWarning}));
  const Rating on = RateOn(records, Day(2024, 3, 1));
  EXPECT_EQ(on.explanation.bonus.whole_clean_years, 2);
  EXPECT_EQ(on.points, 12);
  EXPECT_EQ(on.level, Level::kGreen);
  EXPECT_TRUE(MeetsHonorListCriteria(on, records, DefaultPolicy()));
  EXPECT_FALSE(MeetsBlackListCriteria(on, DefaultPolicy()));

  const Rating day_before = RateOn(records, Day(2024, 2, 29));
  EXPECT_EQ(day_before.explanation.bonus.whole_clean_years, 1);
  EXPECT_EQ(day_before.points, 11);
  EXPECT_EQ(day_before.level, Level::kGreen);
  EXPECT_FALSE(MeetsHonorListCriteria(day_before, records, DefaultPolicy()));

  absl::StatusOr<ListCheck> check =
      CheckLists(records, Day(2024, 3, 1), DefaultPolicy());
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->honor_list);
  EXPECT_FALSE(check->black_list);
}

TEST(DefaultPolicyDoc, D20_EveryPointAccountedFor) {
  EnterpriseRecords records;
  records.commitments.push_back(PublicCreditCommitment(Day(2021, 1, 1)));
  records.decisions.push_back(
      Decision("W-1", Day(2023, 6, 1), {Measure::kWarning}));
  records.decisions.push_back(Decision(
      "F-2", Day(2024, 1, 15), {Measure::kFine, Measure::kOrderToCorrect}));
  records.broken_commitments.push_back(Broken("CC-1 item 1", Day(2024, 2, 1)));
  records.incidents.push_back(
      MakeIncident("INC-1", Day(2024, 3, 1), IncidentGrade::kGeneral));
  const Rating r = RateOn(records, Day(2024, 4, 1));
  const Explanation& e = r.explanation;
  EXPECT_EQ(e.base_points, 9);
  EXPECT_EQ(e.bonus.commitment_points, 1);
  EXPECT_EQ(e.bonus.breach_date, Day(2024, 2, 1));
  EXPECT_EQ(e.bonus.clean_year_points, 0);
  ASSERT_EQ(e.records.size(), 3u);  // F-2, the broken item, the incident
  EXPECT_EQ(e.records[0].reference, "F-2");
  EXPECT_EQ(e.records[0].points, -3);
  EXPECT_EQ(e.records[0].end_date, Day(2024, 7, 15));
  EXPECT_EQ(e.records[1].reference, "CC-1 item 1");
  EXPECT_EQ(e.records[1].points, -3);
  EXPECT_EQ(e.records[1].end_date, Day(2025, 2, 1));
  EXPECT_EQ(e.records[2].reference, "INC-1");
  EXPECT_EQ(e.records[2].points, 0);
  EXPECT_EQ(e.records[2].end_date, Day(2025, 3, 1));
  EXPECT_EQ(e.points_before_cap, 4);
  EXPECT_EQ(r.points, 4);
  EXPECT_EQ(e.level_from_points, Level::kYellow);
  EXPECT_EQ(r.level, Level::kRed);
  EXPECT_FALSE(r.repeat_offender);  // W-1 and F-2 only: 2 < 3

  const std::string text = DescribeRating(r);
  EXPECT_NE(text.find("F-2"), std::string::npos) << text;
  EXPECT_NE(text.find("2024-07-15"), std::string::npos) << text;
  EXPECT_NE(text.find("incident downgrade: YELLOW -> RED"), std::string::npos)
      << text;
  // The same facts in Chinese, line for line.
  const std::string zh = DescribeRatingZh(r);
  EXPECT_EQ(std::count(zh.begin(), zh.end(), '\n'),
            std::count(text.begin(), text.end(), '\n'))
      << zh;
  EXPECT_NE(zh.find("较重失信（红色），4 分"), std::string::npos) << zh;
  EXPECT_NE(zh.find("行政处罚决定 F-2（"), std::string::npos) << zh;
  EXPECT_NE(zh.find("计分至 2024-07-15 前"), std::string::npos) << zh;
  EXPECT_NE(zh.find("突发环境事件降级：环保警示（黄色） → 较重失信（红色）"),
            std::string::npos)
      << zh;
}

TEST(DefaultPolicy, RecordsAfterTheAsOfDateAreIgnored) {
  EnterpriseRecords records;
  records.decisions.push_back(
      Decision("F-9", Day(2030, 1, 1), {Measure::kFine}));
  records.commitments.push_back(PublicCreditCommitment(Day(2030, 1, 1)));
  records.incidents.push_back(
      MakeIncident("INC-9", Day(2030, 1, 1), IncidentGrade::kLargerOrAbove));
  const Rating r = RateOn(records, Day(2024, 1, 1));
  EXPECT_EQ(r.points, 9);
  EXPECT_EQ(r.level, Level::kBlue);
  EXPECT_TRUE(r.explanation.records.empty());
}

TEST(DefaultPolicy, BadRecordsAreRefusedWithTheField) {
  EnterpriseRecords records;
  records.decisions.push_back(Decision("X-1", Day(2024, 1, 1), {}));
  absl::StatusOr<Rating> rating =
      Rate(records, Day(2024, 2, 1), DefaultPolicy());
  ASSERT_EQ(rating.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(rating.status()), "decisions[0].measures");
  EXPECT_EQ(ErrorReason(rating.status()), "INVALID_SCORING_RECORD");

  records.decisions[0].measures = {Measure::kFine, static_cast<Measure>(42)};
  rating = Rate(records, Day(2024, 2, 1), DefaultPolicy());
  ASSERT_EQ(rating.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(rating.status()), "decisions[0].measures[1]");

  EnterpriseRecords incident;
  incident.incidents.push_back(
      MakeIncident("I", Day(2024, 1, 1), IncidentGrade::kUnspecified));
  rating = Rate(incident, Day(2024, 2, 1), DefaultPolicy());
  ASSERT_EQ(rating.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(rating.status()), "incidents[0].grade");
}

TEST(DefaultPolicy, RateIntoReusesARatingAndGivesTheSameAnswer) {
  EnterpriseRecords a;
  a.decisions.push_back(Decision("F-1", Day(2024, 1, 15), {Measure::kFine}));
  a.incidents.push_back(
      MakeIncident("INC-1", Day(2024, 1, 20), IncidentGrade::kGeneral));
  EnterpriseRecords b;
  Rating reused;
  ASSERT_TRUE(RateInto(a, Day(2024, 2, 1), DefaultPolicy(), &reused).ok());
  EXPECT_EQ(reused.explanation.records.size(), 2u);
  ASSERT_TRUE(RateInto(b, Day(2024, 2, 1), DefaultPolicy(), &reused).ok());
  EXPECT_EQ(reused.points, 9);
  EXPECT_EQ(reused.level, Level::kBlue);
  EXPECT_TRUE(reused.explanation.records.empty());
  EXPECT_TRUE(reused.explanation.adjustments.empty());
}

TEST(Enums, NamesRoundTrip) {
  for (int v = 1; v <= kMaxMeasureValue; ++v) {
    const Measure m = static_cast<Measure>(v);
    EXPECT_EQ(MeasureFromName(MeasureName(m)), m);
  }
  EXPECT_EQ(LevelName(Level::kGreen), "GREEN");
  EXPECT_EQ(LevelFromName("BLACK"), Level::kBlack);
  EXPECT_FALSE(LevelFromName("PURPLE").has_value());
  EXPECT_EQ(ViolationTypeFromName("ILLEGAL_HAZARDOUS_WASTE_DISPOSAL"),
            ViolationType::kIllegalHazardousWasteDisposal);
  EXPECT_EQ(RatingFlagName(RatingFlag::kRepeatOffender), "REPEAT_OFFENDER");
  EXPECT_EQ(static_cast<int>(Level::kBlack), 5);
  EXPECT_EQ(static_cast<int>(Measure::kTransferForCriminalInvestigation), 11);
}

}  // namespace
}  // namespace envcredit::scoring
