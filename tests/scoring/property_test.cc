// Properties of the engine over random histories (fixed seeds, so every run
// checks the same histories):
//   - the same input gives the same rating (and RateInto into a used Rating
//     gives the same rating as a fresh Rate);
//   - adding a decision never improves the level;
//   - the rating on a date depends only on records dated on or before it;
//   - the explanation accounts for every point and every level step;
//   - the engine under the shipped policy files agrees with an independent,
//     naive reading of SPEC §5.1 written below with the numbers of the spec
//     itself (not read from the policy files).
#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "scoring/civil_date.h"
#include "scoring/describe.h"
#include "scoring/engine.h"
#include "tests/scoring/test_support.h"

namespace envcredit::scoring {
namespace {

using testing::AnnualPolicy;
using testing::DefaultPolicy;

constexpr int kHistories = 3000;
constexpr int kDatesPerHistory = 4;

absl::CivilDay RandomDay(std::mt19937& rng, absl::CivilDay from,
                         absl::CivilDay to) {
  std::uniform_int_distribution<int> offset(0, static_cast<int>(to - from));
  return from + offset(rng);
}

const absl::CivilDay kFirst(2018, 1, 1);
const absl::CivilDay kLast(2025, 12, 31);

PenaltyDecision RandomDecision(std::mt19937& rng, absl::CivilDay from,
                               absl::CivilDay to, int serial) {
  static constexpr ViolationType kTypes[] = {
      ViolationType::kBuildingWithoutEiaApproval,
      ViolationType::kOperatingBeforeAcceptance,
      ViolationType::kMajorChangeWithoutNewApproval,
      ViolationType::kTotalLoadQuotaExceeded,
      ViolationType::kHiddenPipesSeepagePitsOrBypasses,
      ViolationType::kIllegalHazardousWasteDisposal,
      ViolationType::kExceedingDischargeStandards,
      ViolationType::kTamperingWithMonitoringData,
      ViolationType::kAbnormalOperationOfFacilities,
      ViolationType::kDischargeWithoutPermit,
      ViolationType::kOther,
  };
  std::uniform_int_distribution<int> measure(1, kMaxMeasureValue);
  std::uniform_int_distribution<int> count(1, 3);
  std::uniform_int_distribution<int> percent(0, 99);
  // Ordinary violations most of the time, so that vetoes do not dominate.
  std::uniform_int_distribution<int> type(0, 10);
  PenaltyDecision d;
  d.decision_number = "PD-" + std::to_string(serial);
  d.authority = "bureau";
  d.violation_type = percent(rng) < 70
                         ? ViolationType::kExceedingDischargeStandards
                         : kTypes[type(rng)];
  d.decision_date = RandomDay(rng, from, to);
  const int n = count(rng);
  for (int i = 0; i < n; ++i) {
    // Mostly the light measures.
    d.measures.push_back(static_cast<Measure>(
        percent(rng) < 75 ? 1 + percent(rng) % 6 : measure(rng)));
  }
  d.tampering = percent(rng) < 8;
  d.revoked = percent(rng) < 10;
  return d;
}

EnterpriseRecords RandomHistory(std::mt19937& rng) {
  std::uniform_int_distribution<int> decisions(0, 12);
  std::uniform_int_distribution<int> few(0, 2);
  std::uniform_int_distribution<int> percent(0, 99);
  EnterpriseRecords records;
  const int n = decisions(rng);
  for (int i = 0; i < n; ++i) {
    records.decisions.push_back(RandomDecision(rng, kFirst, kLast, i));
  }
  for (int i = few(rng); i > 0; --i) {
    Commitment c;
    c.reference = "CC-" + std::to_string(i);
    c.kind = static_cast<CommitmentKind>(1 + percent(rng) % 3);
    if (percent(rng) < 60) c.kind = CommitmentKind::kCreditCommitment;
    c.signing_date = RandomDay(rng, kFirst - 365, kLast);
    c.is_public = percent(rng) < 75;
    records.commitments.push_back(c);
  }
  for (int i = few(rng); i > 0; --i) {
    records.broken_commitments.push_back(
        {"BC-" + std::to_string(i), RandomDay(rng, kFirst, kLast)});
  }
  for (int i = few(rng); i > 0; --i) {
    records.incidents.push_back(
        {"INC-" + std::to_string(i), RandomDay(rng, kFirst, kLast),
         percent(rng) < 70 ? IncidentGrade::kGeneral
                           : IncidentGrade::kLargerOrAbove});
  }
  return records;
}

absl::CivilDay RandomAsOf(std::mt19937& rng) {
  return RandomDay(rng, absl::CivilDay(2018, 6, 1), absl::CivilDay(2027, 1, 1));
}

bool SameRecord(const CountingRecord& a, const CountingRecord& b) {
  return a.kind == b.kind && a.index == b.index && a.reference == b.reference &&
         a.date == b.date && a.end_date == b.end_date && a.points == b.points &&
         a.veto == b.veto && a.refused_to_correct == b.refused_to_correct &&
         a.downgrade_levels == b.downgrade_levels &&
         a.points_source == b.points_source &&
         a.points_measure == b.points_measure &&
         a.validity_source == b.validity_source &&
         a.validity_measure == b.validity_measure &&
         a.veto_source == b.veto_source && a.veto_measure == b.veto_measure;
}

// Every field of two ratings, the explanation included.
void ExpectSameRating(const Rating& a, const Rating& b) {
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(a.points, b.points);
  EXPECT_EQ(a.national_level, b.national_level);
  EXPECT_EQ(a.Flags(), b.Flags());
  EXPECT_EQ(a.policy_id, b.policy_id);
  EXPECT_EQ(a.policy_version, b.policy_version);
  EXPECT_EQ(a.as_of, b.as_of);
  const Explanation& x = a.explanation;
  const Explanation& y = b.explanation;
  EXPECT_EQ(x.base_points, y.base_points);
  EXPECT_EQ(x.bonus.total(), y.bonus.total());
  EXPECT_EQ(x.bonus.has_commitment, y.bonus.has_commitment);
  EXPECT_EQ(x.bonus.clean_since, y.bonus.clean_since);
  EXPECT_EQ(x.bonus.whole_clean_years, y.bonus.whole_clean_years);
  EXPECT_EQ(x.points_before_cap, y.points_before_cap);
  EXPECT_EQ(x.level_from_points, y.level_from_points);
  ASSERT_EQ(x.records.size(), y.records.size());
  for (size_t i = 0; i < x.records.size(); ++i) {
    EXPECT_TRUE(SameRecord(x.records[i], y.records[i])) << i;
  }
  ASSERT_EQ(x.adjustments.size(), y.adjustments.size());
  for (size_t i = 0; i < x.adjustments.size(); ++i) {
    EXPECT_EQ(x.adjustments[i].kind, y.adjustments[i].kind);
    EXPECT_EQ(x.adjustments[i].before, y.adjustments[i].before);
    EXPECT_EQ(x.adjustments[i].after, y.adjustments[i].after);
    EXPECT_EQ(x.adjustments[i].record, y.adjustments[i].record);
  }
  EXPECT_EQ(x.repeat_offender_decisions, y.repeat_offender_decisions);
  EXPECT_EQ(DescribeRating(a), DescribeRating(b));
}

// The explanation accounts for every point and level step.
void ExpectAccountedFor(const Rating& r, const Policy& policy) {
  const Explanation& e = r.explanation;
  int sum = e.base_points + e.bonus.total();
  bool veto = false, refused = false;
  for (const CountingRecord& c : e.records) {
    sum += c.points;
    veto = veto || c.veto;
    refused = refused || c.refused_to_correct;
    EXPECT_LE(c.date, r.as_of);
    EXPECT_LT(r.as_of, c.end_date);
    if (policy.model == PolicyModel::kRollingValidity) {
      EXPECT_LE(c.points, 0);
    } else {
      EXPECT_GE(c.points, 0);
      EXPECT_EQ(c.date.year(), r.as_of.year());
    }
  }
  EXPECT_EQ(e.points_before_cap, sum);
  EXPECT_EQ(r.points, e.cap ? std::min(sum, *e.cap) : sum);
  EXPECT_EQ(e.level_from_points, policy.LevelForPoints(r.points));
  Level level = e.level_from_points;
  for (const LevelAdjustment& a : e.adjustments) {
    EXPECT_EQ(a.before, level);
    EXPECT_GE(static_cast<int>(a.after), static_cast<int>(a.before));
    level = a.after;
  }
  EXPECT_EQ(r.level, level);
  EXPECT_EQ(r.veto, veto);
  EXPECT_EQ(r.refused_to_correct, refused);
  EXPECT_EQ(r.national_level, policy.FindBand(r.level)->national_level);
  if (policy.model == PolicyModel::kRollingValidity) {
    EXPECT_LE(r.points, 12);
    EXPECT_LE(e.bonus.total(), 3);
  }
}

// --- An independent reading of SPEC §5.1 --------------------------------

absl::CivilDay NaiveAddMonths(absl::CivilDay d, int months) {
  absl::CivilMonth month(d);
  month += months;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return absl::CivilDay(month.year(), month.month(),
                        std::min<int>(d.day(), last.day()));
}

struct OracleRating {
  int points = 0;
  Level level = Level::kUnspecified;
  bool veto = false;
  bool repeat = false;
};

bool IsNationalVetoType(ViolationType t) {
  return static_cast<int>(t) >= 1 && static_cast<int>(t) <= 6;
}

// SPEC §5.1, the default policy.
OracleRating SpecDefault(const EnterpriseRecords& r, absl::CivilDay a) {
  OracleRating out;
  int deductions = 0;
  int decisions_in_window = 0;
  bool has_breach = false;
  absl::CivilDay breach;
  for (const PenaltyDecision& d : r.decisions) {
    if (d.revoked || d.decision_date > a) continue;
    if (!has_breach || d.decision_date > breach) breach = d.decision_date;
    has_breach = true;
    if (NaiveAddMonths(a, -12) < d.decision_date) ++decisions_in_window;
    int points = 0, validity = 0;
    bool veto = false;
    for (Measure m : d.measures) {
      switch (m) {
        case Measure::kWarning:
        case Measure::kOrderToCorrect:
          points = std::max(points, 1), validity = std::max(validity, 6);
          break;
        case Measure::kFine:
        case Measure::kDailyContinuousPenalty:
        case Measure::kProductionLimit:
        case Measure::kSealOrSeizure:
          points = std::max(points, 3), validity = std::max(validity, 6);
          break;
        case Measure::kTransferForCriminalInvestigation:
          points = std::max(points, 12), validity = std::max(validity, 12);
          break;
        default:  // the four veto measures
          validity = std::max(validity, 12), veto = true;
      }
    }
    if (d.tampering ||
        d.violation_type == ViolationType::kTamperingWithMonitoringData ||
        IsNationalVetoType(d.violation_type)) {
      validity = std::max(validity, 12), veto = true;
    }
    if (a < NaiveAddMonths(d.decision_date, validity)) {
      deductions += points;
      out.veto = out.veto || veto;
    }
  }
  for (const BrokenCommitmentItem& b : r.broken_commitments) {
    if (b.found_broken_date > a) continue;
    if (!has_breach || b.found_broken_date > breach)
      breach = b.found_broken_date;
    has_breach = true;
    if (a < NaiveAddMonths(b.found_broken_date, 12)) deductions += 3;
  }
  int bonus = 0;
  bool has_commitment = false;
  absl::CivilDay signed_on;
  for (const Commitment& c : r.commitments) {
    if (c.kind == CommitmentKind::kCreditCommitment && c.is_public &&
        c.signing_date <= a &&
        (!has_commitment || c.signing_date < signed_on)) {
      has_commitment = true;
      signed_on = c.signing_date;
    }
  }
  if (has_commitment) {
    const absl::CivilDay start =
        has_breach ? std::max(signed_on, breach) : signed_on;
    int years = 0;
    while (NaiveAddMonths(start, 12 * (years + 1)) <= a) ++years;
    bonus = 1 + std::min(years, 2);
  }
  out.points = std::min(12, 9 + bonus - deductions);
  int level = out.points >= 11  ? 1
              : out.points >= 6 ? 2
              : out.points >= 3 ? 3
              : out.points >= 1 ? 4
                                : 5;
  for (const Incident& i : r.incidents) {
    if (i.date > a || !(a < NaiveAddMonths(i.date, 12))) continue;
    if (i.grade == IncidentGrade::kGeneral) level = std::min(5, level + 1);
    if (i.grade == IncidentGrade::kLargerOrAbove) out.veto = true;
  }
  out.repeat = decisions_in_window >= 3;
  if (out.veto || out.repeat) level = std::max(level, 4);
  out.level = static_cast<Level>(level);
  return out;
}

// SPEC §5.1, last paragraph: the annual accumulation policy.
OracleRating SpecAnnual(const EnterpriseRecords& r, absl::CivilDay a) {
  OracleRating out;
  for (const PenaltyDecision& d : r.decisions) {
    if (d.revoked || d.decision_date > a ||
        d.decision_date.year() != a.year()) {
      continue;
    }
    int points = 0;
    for (Measure m : d.measures) {
      switch (m) {
        case Measure::kWarning:
        case Measure::kOrderToCorrect:
          points = std::max(points, 1);
          break;
        case Measure::kFine:
        case Measure::kDailyContinuousPenalty:
        case Measure::kProductionLimit:
        case Measure::kSealOrSeizure:
          points = std::max(points, 3);
          break;
        case Measure::kTransferForCriminalInvestigation:
          points = std::max(points, 12);
          out.veto = true;
          break;
        case Measure::kSuspensionForRectification:
        case Measure::kLicenceRevocation:
        case Measure::kTransferForAdministrativeDetention:
          out.veto = true;
          break;
        default:
          break;
      }
    }
    if (d.tampering ||
        d.violation_type == ViolationType::kTamperingWithMonitoringData) {
      out.veto = true;
    }
    out.points += points;
  }
  int level = out.points == 0    ? 1
              : out.points <= 3  ? 2
              : out.points <= 11 ? 3
                                 : 4;
  if (out.veto) level = 4;
  out.level = static_cast<Level>(level);
  return out;
}

// --- The properties ------------------------------------------------------

class PropertyTest : public ::testing::TestWithParam<bool> {
 protected:
  const Policy& policy() const {
    return GetParam() ? DefaultPolicy() : AnnualPolicy();
  }
  bool rolling() const { return GetParam(); }
};

TEST_P(PropertyTest, SameInputSameRating) {
  std::mt19937 rng(1234);
  Rating reused;
  for (int h = 0; h < kHistories; ++h) {
    const EnterpriseRecords records = RandomHistory(rng);
    for (int k = 0; k < kDatesPerHistory; ++k) {
      const absl::CivilDay as_of = RandomAsOf(rng);
      const Rating first = testing::RateOrFail(records, as_of, policy());
      const Rating second = testing::RateOrFail(records, as_of, policy());
      ExpectSameRating(first, second);
      ASSERT_TRUE(RateInto(records, as_of, policy(), &reused).ok());
      ExpectSameRating(first, reused);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST_P(PropertyTest, AddingADecisionNeverImprovesTheLevel) {
  std::mt19937 rng(5678);
  for (int h = 0; h < kHistories; ++h) {
    EnterpriseRecords records = RandomHistory(rng);
    const absl::CivilDay as_of = RandomAsOf(rng);
    const Rating before = testing::RateOrFail(records, as_of, policy());
    PenaltyDecision extra = RandomDecision(rng, kFirst, as_of, 99);
    extra.revoked = false;
    records.decisions.insert(
        records.decisions.begin() +
            std::uniform_int_distribution<int>(
                0, static_cast<int>(records.decisions.size()))(rng),
        extra);
    const Rating after = testing::RateOrFail(records, as_of, policy());
    ASSERT_GE(static_cast<int>(after.level), static_cast<int>(before.level))
        << DescribeRating(before) << DescribeRating(after);
    if (rolling()) {
      ASSERT_LE(after.points, before.points);
    } else {
      ASSERT_GE(after.points, before.points);
    }
  }
}

TEST_P(PropertyTest, DependsOnlyOnRecordsDatedOnOrBeforeTheDate) {
  std::mt19937 rng(9012);
  for (int h = 0; h < kHistories; ++h) {
    const EnterpriseRecords records = RandomHistory(rng);
    const absl::CivilDay as_of = RandomAsOf(rng);
    const Rating base = testing::RateOrFail(records, as_of, policy());

    // Records after the date, appended (so indices stay): the same rating.
    EnterpriseRecords with_future = records;
    const absl::CivilDay after = as_of + 1;
    const absl::CivilDay far = as_of + 2000;
    for (int i = 0; i < 3; ++i) {
      with_future.decisions.push_back(RandomDecision(rng, after, far, 100 + i));
    }
    with_future.commitments.push_back({"CC-F",
                                       CommitmentKind::kCreditCommitment,
                                       RandomDay(rng, after, far), true});
    with_future.broken_commitments.push_back(
        {"BC-F", RandomDay(rng, after, far)});
    with_future.incidents.push_back(
        {"INC-F", RandomDay(rng, after, far), IncidentGrade::kLargerOrAbove});
    ExpectSameRating(base, testing::RateOrFail(with_future, as_of, policy()));

    // Records after the date removed: the same level, points and flags.
    EnterpriseRecords past;
    for (const auto& d : records.decisions) {
      if (d.decision_date <= as_of) past.decisions.push_back(d);
    }
    for (const auto& c : records.commitments) {
      if (c.signing_date <= as_of) past.commitments.push_back(c);
    }
    for (const auto& b : records.broken_commitments) {
      if (b.found_broken_date <= as_of) past.broken_commitments.push_back(b);
    }
    for (const auto& i : records.incidents) {
      if (i.date <= as_of) past.incidents.push_back(i);
    }
    const Rating truncated = testing::RateOrFail(past, as_of, policy());
    ASSERT_EQ(truncated.level, base.level);
    ASSERT_EQ(truncated.points, base.points);
    ASSERT_EQ(truncated.Flags(), base.Flags());
    ASSERT_EQ(truncated.explanation.records.size(),
              base.explanation.records.size());
    if (::testing::Test::HasFailure()) return;
  }
}

TEST_P(PropertyTest, ExplanationAccountsForEveryPoint) {
  std::mt19937 rng(3456);
  for (int h = 0; h < kHistories; ++h) {
    const EnterpriseRecords records = RandomHistory(rng);
    for (int k = 0; k < kDatesPerHistory; ++k) {
      const Rating r = testing::RateOrFail(records, RandomAsOf(rng), policy());
      ExpectAccountedFor(r, policy());
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << DescribeRating(r);
        return;
      }
    }
  }
}

TEST_P(PropertyTest, AgreesWithANaiveReadingOfTheSpec) {
  std::mt19937 rng(7890);
  int vetoes = 0, repeats = 0, blacks = 0, greens = 0;
  for (int h = 0; h < kHistories; ++h) {
    const EnterpriseRecords records = RandomHistory(rng);
    for (int k = 0; k < kDatesPerHistory; ++k) {
      const absl::CivilDay as_of = RandomAsOf(rng);
      const Rating r = testing::RateOrFail(records, as_of, policy());
      const OracleRating o =
          rolling() ? SpecDefault(records, as_of) : SpecAnnual(records, as_of);
      ASSERT_EQ(r.points, o.points) << DescribeRating(r);
      ASSERT_EQ(r.level, o.level) << DescribeRating(r);
      ASSERT_EQ(r.veto, o.veto) << DescribeRating(r);
      ASSERT_EQ(r.repeat_offender, o.repeat) << DescribeRating(r);
      vetoes += r.veto;
      repeats += r.repeat_offender;
      blacks += r.level == Level::kBlack;
      greens += r.level == Level::kGreen;
    }
  }
  // The random histories reach every interesting case.
  EXPECT_GT(vetoes, 100);
  EXPECT_GT(greens, 100);
  if (rolling()) {
    EXPECT_GT(repeats, 100);
    EXPECT_GT(blacks, 100);
  }
}

// Found by fuzz/policy_text_fuzzer: points_before_cap was the 64-bit sum
// cast to int, so deductions past INT_MIN wrapped around to a large positive
// total and a heavily penalised enterprise came out GREEN. The sum now
// saturates. (Policies are bounded by kMaxPolicyPoints, so this needs
// thousands of counting decisions at the largest points a policy may give.)
TEST(EngineLimits, PointsSaturateInsteadOfWrapping) {
  Policy policy = DefaultPolicy();
  for (MeasureRule& rule : policy.measure_rules) {
    if (rule.measure == Measure::kFine) rule.points = kMaxPolicyPoints;
  }
  ASSERT_TRUE(FindPolicyProblems(policy).empty());
  EnterpriseRecords records;
  for (int i = 0; i < 2200; ++i) {  // 2200 * -1,000,000 < INT_MIN
    records.decisions.push_back(testing::Decision(
        "F-" + std::to_string(i), testing::Day(2024, 1, 1), {Measure::kFine}));
  }
  const Rating r =
      testing::RateOrFail(records, testing::Day(2024, 2, 1), policy);
  EXPECT_EQ(r.explanation.points_before_cap, std::numeric_limits<int>::min());
  EXPECT_EQ(r.points, std::numeric_limits<int>::min());
  EXPECT_EQ(r.level, Level::kBlack);
}

INSTANTIATE_TEST_SUITE_P(Policies, PropertyTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Default")
                                             : std::string("Annual");
                         });

}  // namespace
}  // namespace envcredit::scoring
