#include "scoring/engine.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "common/status_macros.h"
#include "scoring/civil_date.h"

namespace envcredit::scoring {
namespace {

// The combined effect of everything a decision carries (SPEC §5.1: the
// largest deduction, the longest validity, a veto if anything vetoes).
struct Effect {
  int points = -1;  // -1: nothing seen yet
  int validity_months = -1;
  bool veto = false;
  bool refused_to_correct = false;
  EffectSource points_source = EffectSource::kNone;
  Measure points_measure = Measure::kUnspecified;
  EffectSource validity_source = EffectSource::kNone;
  Measure validity_measure = Measure::kUnspecified;
  EffectSource veto_source = EffectSource::kNone;
  Measure veto_measure = Measure::kUnspecified;

  // Adds one measure-like rule. Ties keep the earlier rule, so measures win
  // over the tampering and veto-list rules, which are added last.
  void Add(EffectSource source, Measure measure, int rule_points,
           int rule_validity, bool rule_veto, bool rule_refused) {
    if (rule_points > points) {
      points = rule_points;
      points_source = source;
      points_measure = measure;
    }
    if (rule_validity > validity_months) {
      validity_months = rule_validity;
      validity_source = source;
      validity_measure = measure;
    }
    if (rule_veto && !veto) {
      veto = true;
      veto_source = source;
      veto_measure = measure;
    }
    refused_to_correct = refused_to_correct || rule_refused;
  }
};

bool IsOnVetoList(const VetoListRule& rule, ViolationType type) {
  for (ViolationType listed : rule.violation_types) {
    if (listed == type) return true;
  }
  return false;
}

bool IsBonusCommitment(const BonusRule& rule, const Commitment& commitment) {
  if (rule.require_public && !commitment.is_public) return false;
  for (CommitmentKind kind : rule.commitment_kinds) {
    if (kind == commitment.kind) return true;
  }
  return false;
}

// Whole 12-month periods from `from` up to `to` (0 when to < from + 12 m).
int WholeYears(absl::CivilDay from, absl::CivilDay to) {
  if (to < from) return 0;
  int years = static_cast<int>(to.year() - from.year());
  while (years > 0 && AddMonths(from, 12 * years) > to) --years;
  return years;
}

class Rater {
 public:
  Rater(const EnterpriseRecords& records, absl::CivilDay as_of,
        const Policy& policy, Rating& rating)
      : records_(records),
        as_of_(as_of),
        policy_(policy),
        rating_(rating),
        explanation_(rating.explanation),
        rolling_(policy.model == PolicyModel::kRollingValidity) {}

  void Run() {
    ResetRating();
    ScanDecisions();
    ScanBrokenCommitments();
    ScanIncidents();
    explanation_.records.resize(used_records_);
    ComputeBonus();
    ComputePoints();
    ComputeLevel();
  }

 private:
  void ResetRating() {
    rating_.policy_id.assign(policy_.id);
    rating_.policy_version = policy_.version;
    rating_.policy_model = policy_.model;
    rating_.as_of = as_of_;
    rating_.veto = false;
    rating_.repeat_offender = false;
    rating_.refused_to_correct = false;
    explanation_.base_points = policy_.base_points;
    explanation_.bonus = BonusExplanation();
    // Records are reused in place (their strings keep their memory) and the
    // vector is cut to size after the scans; see Run().
    used_records_ = 0;
    explanation_.adjustments.clear();
    explanation_.repeat_offender_decisions.clear();
    explanation_.cap = policy_.max_points;
    const size_t upper = records_.decisions.size() +
                         records_.broken_commitments.size() +
                         records_.incidents.size();
    if (explanation_.records.capacity() < upper) {
      explanation_.records.reserve(upper);
    }
    if (policy_.repeat_offender_rule) {
      if (explanation_.repeat_offender_decisions.capacity() <
          records_.decisions.size()) {
        explanation_.repeat_offender_decisions.reserve(
            records_.decisions.size());
      }
      explanation_.repeat_offender_window_start =
          AddMonths(as_of_, -policy_.repeat_offender_rule->window_months);
    } else {
      explanation_.repeat_offender_window_start = absl::CivilDay();
    }
  }

  // The first day a record dated `date` with `validity_months` no longer
  // counts.
  absl::CivilDay EndDate(absl::CivilDay date, int validity_months) const {
    if (rolling_) return AddMonths(date, validity_months);
    return absl::CivilDay(date.year() + 1, 1, 1);
  }

  // Whether a record dated `date` (<= as_of) with `end` counts on as_of.
  bool Counts(absl::CivilDay date, absl::CivilDay end) const {
    if (rolling_) return as_of_ < end;
    return date.year() == as_of_.year();
  }

  void NoteBreach(RecordKind kind, int index, absl::CivilDay date) {
    BonusExplanation& bonus = explanation_.bonus;
    if (!bonus.has_breach || date >= bonus.breach_date) {
      bonus.has_breach = true;
      bonus.breach_kind = kind;
      bonus.breach_index = index;
      bonus.breach_date = date;
    }
  }

  CountingRecord& AddRecord(RecordKind kind, int index,
                            const std::string& reference, absl::CivilDay date,
                            absl::CivilDay end, int points) {
    std::vector<CountingRecord>& records = explanation_.records;
    if (used_records_ == records.size()) records.emplace_back();
    CountingRecord& record = records[used_records_++];
    std::string buffer = std::move(record.reference);  // keeps its memory
    record = CountingRecord();
    record.reference = std::move(buffer);
    record.kind = kind;
    record.index = index;
    record.reference.assign(reference);
    record.date = date;
    record.end_date = end;
    record.points = rolling_ ? -points : points;
    return record;
  }

  void ScanDecisions() {
    const RepeatOffenderRule* repeat =
        policy_.repeat_offender_rule ? &*policy_.repeat_offender_rule : nullptr;
    const int count = static_cast<int>(records_.decisions.size());
    for (int i = 0; i < count; ++i) {
      const PenaltyDecision& decision = records_.decisions[i];
      if (decision.revoked || decision.decision_date > as_of_) continue;
      NoteBreach(RecordKind::kPenaltyDecision, i, decision.decision_date);
      if (repeat != nullptr &&
          decision.decision_date > explanation_.repeat_offender_window_start) {
        explanation_.repeat_offender_decisions.push_back(i);
      }

      Effect effect;
      for (Measure measure : decision.measures) {
        const MeasureRule* rule = policy_.FindMeasureRule(measure);
        if (rule == nullptr) continue;
        effect.Add(EffectSource::kMeasure, measure, rule->points,
                   rule->validity_months, rule->veto, rule->refused_to_correct);
      }
      if (policy_.tampering_rule &&
          (decision.tampering ||
           decision.violation_type ==
               ViolationType::kTamperingWithMonitoringData)) {
        const TamperingRule& rule = *policy_.tampering_rule;
        effect.Add(EffectSource::kTamperingFlag, Measure::kUnspecified,
                   rule.points, rule.validity_months, rule.veto, false);
      }
      if (policy_.veto_list_rule &&
          IsOnVetoList(*policy_.veto_list_rule, decision.violation_type)) {
        const VetoListRule& rule = *policy_.veto_list_rule;
        effect.Add(EffectSource::kVetoListViolation, Measure::kUnspecified,
                   rule.points, rule.validity_months, rule.veto, false);
      }
      if (effect.points < 0) continue;  // no rule applies: nothing counts

      const absl::CivilDay end =
          EndDate(decision.decision_date, effect.validity_months);
      if (!Counts(decision.decision_date, end)) continue;
      CountingRecord& record =
          AddRecord(RecordKind::kPenaltyDecision, i, decision.decision_number,
                    decision.decision_date, end, effect.points);
      record.veto = effect.veto;
      record.refused_to_correct = effect.refused_to_correct;
      record.points_source = effect.points_source;
      record.points_measure = effect.points_measure;
      record.validity_source = effect.validity_source;
      record.validity_measure = effect.validity_measure;
      record.veto_source = effect.veto_source;
      record.veto_measure = effect.veto_measure;
    }
    if (repeat != nullptr &&
        static_cast<int>(explanation_.repeat_offender_decisions.size()) <
            repeat->min_decisions) {
      explanation_.repeat_offender_decisions.clear();
    }
  }

  void ScanBrokenCommitments() {
    const BrokenCommitmentRule* rule = policy_.broken_commitment_rule
                                           ? &*policy_.broken_commitment_rule
                                           : nullptr;
    const int count = static_cast<int>(records_.broken_commitments.size());
    for (int i = 0; i < count; ++i) {
      const BrokenCommitmentItem& item = records_.broken_commitments[i];
      if (item.found_broken_date > as_of_) continue;
      NoteBreach(RecordKind::kBrokenCommitment, i, item.found_broken_date);
      if (rule == nullptr) continue;
      const absl::CivilDay end =
          EndDate(item.found_broken_date, rule->validity_months);
      if (!Counts(item.found_broken_date, end)) continue;
      CountingRecord& record =
          AddRecord(RecordKind::kBrokenCommitment, i, item.reference,
                    item.found_broken_date, end, rule->points);
      record.points_source = EffectSource::kRecordRule;
      record.validity_source = EffectSource::kRecordRule;
    }
  }

  void ScanIncidents() {
    const int count = static_cast<int>(records_.incidents.size());
    for (int i = 0; i < count; ++i) {
      const Incident& incident = records_.incidents[i];
      if (incident.date > as_of_) continue;
      const IncidentRule* rule = policy_.FindIncidentRule(incident.grade);
      if (rule == nullptr) continue;
      const absl::CivilDay end = EndDate(incident.date, rule->validity_months);
      if (!Counts(incident.date, end)) continue;
      CountingRecord& record =
          AddRecord(RecordKind::kIncident, i, incident.reference, incident.date,
                    end, rule->points);
      record.veto = rule->veto;
      record.downgrade_levels = rule->downgrade_levels;
      record.points_source = EffectSource::kRecordRule;
      record.validity_source = EffectSource::kRecordRule;
      if (rule->veto) record.veto_source = EffectSource::kRecordRule;
    }
  }

  void ComputeBonus() {
    if (!policy_.bonus_rule) return;
    const BonusRule& rule = *policy_.bonus_rule;
    BonusExplanation& bonus = explanation_.bonus;
    const int count = static_cast<int>(records_.commitments.size());
    for (int i = 0; i < count; ++i) {
      const Commitment& commitment = records_.commitments[i];
      if (commitment.signing_date > as_of_ ||
          !IsBonusCommitment(rule, commitment)) {
        continue;
      }
      if (!bonus.has_commitment ||
          commitment.signing_date < bonus.commitment_date) {
        bonus.has_commitment = true;
        bonus.commitment_index = i;
        bonus.commitment_date = commitment.signing_date;
      }
    }
    if (!bonus.has_commitment) return;  // no commitment, no bonus
    bonus.commitment_points = rule.commitment_points;
    bonus.clean_since = bonus.has_breach
                            ? std::max(bonus.commitment_date, bonus.breach_date)
                            : bonus.commitment_date;
    bonus.whole_clean_years = WholeYears(bonus.clean_since, as_of_);
    const long long earned = static_cast<long long>(bonus.whole_clean_years) *
                             rule.points_per_clean_year;
    bonus.clean_year_points = static_cast<int>(
        std::min<long long>(earned, rule.max_clean_year_points));
  }

  void ComputePoints() {
    long long sum = static_cast<long long>(explanation_.base_points) +
                    explanation_.bonus.total();
    for (const CountingRecord& record : explanation_.records) {
      sum += record.points;
    }
    // Saturated, never wrapped: a wrapped sum could turn BLACK into GREEN.
    // (A valid policy's points are at most kMaxPolicyPoints, so only
    // thousands of counting records could reach the ends of an int.)
    explanation_.points_before_cap = static_cast<int>(std::clamp<long long>(
        sum, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
    rating_.points = explanation_.points_before_cap;
    if (explanation_.cap && rating_.points > *explanation_.cap) {
      rating_.points = *explanation_.cap;
    }
  }

  void Adjust(AdjustmentKind kind, Level after, int record) {
    LevelAdjustment& adjustment = explanation_.adjustments.emplace_back();
    adjustment.kind = kind;
    adjustment.before = rating_.level;
    adjustment.after = after;
    adjustment.record = record;
    rating_.level = after;
  }

  void ComputeLevel() {
    explanation_.level_from_points = policy_.LevelForPoints(rating_.points);
    rating_.level = explanation_.level_from_points;
    const int worst = static_cast<int>(policy_.WorstLevel());
    const int count = static_cast<int>(explanation_.records.size());
    for (int i = 0; i < count; ++i) {
      const CountingRecord& record = explanation_.records[i];
      rating_.veto = rating_.veto || record.veto;
      rating_.refused_to_correct =
          rating_.refused_to_correct || record.refused_to_correct;
      if (record.downgrade_levels > 0) {
        const int after = std::min(
            worst, static_cast<int>(rating_.level) + record.downgrade_levels);
        Adjust(AdjustmentKind::kIncidentDowngrade, static_cast<Level>(after),
               i);
      }
    }
    if (rating_.veto) {
      Adjust(AdjustmentKind::kVetoCap,
             WorseLevel(rating_.level, policy_.veto_level), -1);
    }
    if (!explanation_.repeat_offender_decisions.empty()) {
      rating_.repeat_offender = true;
      Adjust(AdjustmentKind::kRepeatOffenderCap,
             WorseLevel(rating_.level, policy_.repeat_offender_rule->cap_level),
             -1);
    }
    const LevelBand* band = policy_.FindBand(rating_.level);
    rating_.national_level =
        band != nullptr ? band->national_level : NationalLevel::kUnspecified;
  }

  const EnterpriseRecords& records_;
  const absl::CivilDay as_of_;
  const Policy& policy_;
  Rating& rating_;
  Explanation& explanation_;
  const bool rolling_;
  size_t used_records_ = 0;
};

}  // namespace

absl::Status RateInto(const EnterpriseRecords& records, absl::CivilDay as_of,
                      const Policy& policy, Rating* rating) {
  RETURN_IF_ERROR(ValidateRecords(records));
  Rater(records, as_of, policy, *rating).Run();
  return absl::OkStatus();
}

absl::StatusOr<Rating> Rate(const EnterpriseRecords& records,
                            absl::CivilDay as_of, const Policy& policy) {
  Rating rating;
  RETURN_IF_ERROR(RateInto(records, as_of, policy, &rating));
  return rating;
}

bool Rating::HasFlag(RatingFlag flag) const {
  switch (flag) {
    case RatingFlag::kVeto:
      return veto;
    case RatingFlag::kRepeatOffender:
      return repeat_offender;
    case RatingFlag::kRefusedToCorrect:
      return refused_to_correct;
    case RatingFlag::kUnspecified:
      break;
  }
  return false;
}

std::vector<RatingFlag> Rating::Flags() const {
  std::vector<RatingFlag> flags;
  for (RatingFlag flag : {RatingFlag::kVeto, RatingFlag::kRepeatOffender,
                          RatingFlag::kRefusedToCorrect}) {
    if (HasFlag(flag)) flags.push_back(flag);
  }
  return flags;
}

}  // namespace envcredit::scoring
