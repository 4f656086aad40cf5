// A rating and its explanation: what the engine returns.
//
// The explanation accounts for every point and every level step, so that
//   points_before_cap == base_points + bonus.total() + Σ records[i].points
//   points            == min(points_before_cap, cap)   (no cap: equal)
//   level_from_points == the policy's band for `points`
//   adjustments[0].before == level_from_points, each adjustment's `before`
//   is the previous one's `after`, and the last `after` is `level`
// always hold (tests/scoring/property_test.cc checks them on random
// histories). Under kCalendarYearAccumulation the base and bonus are 0 and a
// record's points are positive; under kRollingValidity deductions are
// negative.
#ifndef ENVCREDIT_SCORING_RATING_H_
#define ENVCREDIT_SCORING_RATING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "scoring/enums.h"

namespace envcredit::scoring {

// Which input vector a counting record comes from. Stable values.
enum class RecordKind : int {
  kUnspecified = 0,
  kPenaltyDecision = 1,   // EnterpriseRecords::decisions
  kBrokenCommitment = 2,  // EnterpriseRecords::broken_commitments
  kIncident = 3,          // EnterpriseRecords::incidents
};

// Which rule gave a record an effect (its points, validity or veto).
enum class EffectSource : int {
  kNone = 0,
  kMeasure = 1,            // a measure of the decision (see `*_measure`)
  kTamperingFlag = 2,      // the policy's tampering_rule
  kVetoListViolation = 3,  // the policy's veto_list_rule
  kRecordRule = 4,         // broken_commitment_rule or an incident rule
};

// One record that counts on the as-of date.
struct CountingRecord {
  RecordKind kind = RecordKind::kUnspecified;
  int index = -1;         // position in the EnterpriseRecords vector of `kind`
  std::string reference;  // decision number / commitment item / incident ref
  absl::CivilDay date;    // decision date, date found broken, incident date
  // The first day on which the record no longer counts: date + validity
  // (kRollingValidity) or 1 January of the next year (accumulation).
  absl::CivilDay end_date;
  int points = 0;  // its signed contribution to points_before_cap
  bool veto = false;
  bool refused_to_correct = false;
  int downgrade_levels = 0;
  // Why: the rule that gave the points, the validity and the veto. For a
  // decision whose effect came from a measure, the measure is named.
  EffectSource points_source = EffectSource::kNone;
  Measure points_measure = Measure::kUnspecified;
  EffectSource validity_source = EffectSource::kNone;
  Measure validity_measure = Measure::kUnspecified;
  EffectSource veto_source = EffectSource::kNone;
  Measure veto_measure = Measure::kUnspecified;
};

// The bonus (kRollingValidity policies with a bonus_rule) and why.
struct BonusExplanation {
  bool has_commitment = false;  // an eligible commitment signed on or before A
  int commitment_index = -1;    // the earliest one, in commitments
  absl::CivilDay commitment_date;
  int commitment_points = 0;
  // The latest penalty decision or broken commitment on or before A, if any.
  bool has_breach = false;
  RecordKind breach_kind = RecordKind::kUnspecified;
  int breach_index = -1;
  absl::CivilDay breach_date;
  absl::CivilDay clean_since;  // the later of commitment_date and breach_date
  int whole_clean_years = 0;   // whole 12-month periods from clean_since to A
  int clean_year_points = 0;   // after the policy's maximum

  int total() const { return commitment_points + clean_year_points; }
};

// A change of level after the level from points, in the order applied.
enum class AdjustmentKind : int {
  kUnspecified = 0,
  kIncidentDowngrade = 1,  // a counting incident takes the level down
  kVetoCap = 2,            // a counting veto: at best the policy's veto_level
  kRepeatOffenderCap = 3,  // at best the repeat-offender cap level
};

struct LevelAdjustment {
  AdjustmentKind kind = AdjustmentKind::kUnspecified;
  Level before = Level::kUnspecified;
  Level after = Level::kUnspecified;  // equal to `before` when it changed
                                      // nothing (e.g. a veto on BLACK)
  int record = -1;  // kIncidentDowngrade: index into Explanation::records
};

struct Explanation {
  int base_points = 0;
  BonusExplanation bonus;
  std::vector<CountingRecord> records;  // decisions, broken commitments,
                                        // incidents; input order in each
  int points_before_cap = 0;
  std::optional<int> cap;  // the policy's max_points
  Level level_from_points = Level::kUnspecified;
  std::vector<LevelAdjustment> adjustments;
  // Repeat offender: the decisions (indices into EnterpriseRecords::decisions)
  // in the window ending on A; empty when the enterprise is not one.
  std::vector<int> repeat_offender_decisions;
  absl::CivilDay repeat_offender_window_start;  // exclusive
};

struct Rating {
  Level level = Level::kUnspecified;
  int points = 0;
  NationalLevel national_level = NationalLevel::kUnspecified;
  bool veto = false;
  bool repeat_offender = false;
  bool refused_to_correct = false;
  std::string policy_id;
  int policy_version = 0;
  PolicyModel policy_model = PolicyModel::kUnspecified;
  absl::CivilDay as_of;
  Explanation explanation;

  bool HasFlag(RatingFlag flag) const;
  // The flags that are set, in RatingFlag order.
  std::vector<RatingFlag> Flags() const;
};

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_RATING_H_
