#include "scoring/describe.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "scoring/civil_date.h"

namespace envcredit::scoring {
namespace {

// absl::string_view is not std::string_view in Debian's Abseil.
inline absl::string_view Sv(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
}  // namespace
namespace {

std::string_view KindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kPenaltyDecision:
      return "decision";
    case RecordKind::kBrokenCommitment:
      return "broken commitment";
    case RecordKind::kIncident:
      return "incident";
    case RecordKind::kUnspecified:
      break;
  }
  return "record";
}

std::string SourceText(EffectSource source, Measure measure) {
  switch (source) {
    case EffectSource::kMeasure:
      return std::string(Sv(MeasureName(measure)));
    case EffectSource::kTamperingFlag:
      return "tampering with monitoring data";
    case EffectSource::kVetoListViolation:
      return "violation type on the veto list";
    case EffectSource::kRecordRule:
      return "rule for this record";
    case EffectSource::kNone:
      break;
  }
  return "none";
}

std::string_view AdjustmentText(AdjustmentKind kind) {
  switch (kind) {
    case AdjustmentKind::kIncidentDowngrade:
      return "incident downgrade";
    case AdjustmentKind::kVetoCap:
      return "veto: at best the veto level";
    case AdjustmentKind::kRepeatOffenderCap:
      return "repeat offender: at best the cap level";
    case AdjustmentKind::kUnspecified:
      break;
  }
  return "adjustment";
}

std::string Signed(int value) {
  return value >= 0 ? absl::StrCat("+", value) : absl::StrCat(value);
}

}  // namespace

std::string DescribeRating(const Rating& rating) {
  const Explanation& e = rating.explanation;
  std::string out = absl::StrCat(
      "Rating on ", FormatDay(rating.as_of), " under policy ", rating.policy_id,
      " v", rating.policy_version, " (",
      Sv(PolicyModelName(rating.policy_model)),
      "): ", Sv(LevelName(rating.level)), ", ", rating.points, " points (",
      Sv(NationalLevelName(rating.national_level)), ")");
  std::vector<std::string> flags;
  for (RatingFlag flag : rating.Flags()) {
    flags.emplace_back(Sv(RatingFlagName(flag)));
  }
  if (!flags.empty())
    absl::StrAppend(&out, "; flags: ", absl::StrJoin(flags, ", "));
  absl::StrAppend(&out, "\n  base points ", e.base_points, "\n");
  const BonusExplanation& b = e.bonus;
  if (b.has_commitment) {
    absl::StrAppend(&out, "  bonus ", Signed(b.total()), ": ",
                    Signed(b.commitment_points), " for the commitment signed ",
                    FormatDay(b.commitment_date), " (commitments[",
                    b.commitment_index, "]), ", Signed(b.clean_year_points),
                    " for ", b.whole_clean_years, " whole year(s) since ",
                    FormatDay(b.clean_since));
    if (b.has_breach) {
      absl::StrAppend(&out, " (latest breach: ", Sv(KindName(b.breach_kind)),
                      " of ", FormatDay(b.breach_date), ")");
    }
    absl::StrAppend(&out, "\n");
  }
  for (const CountingRecord& r : e.records) {
    absl::StrAppend(&out, "  ", Sv(KindName(r.kind)), " ", r.reference, " of ",
                    FormatDay(r.date), ": ", Signed(r.points), " (",
                    SourceText(r.points_source, r.points_measure),
                    "), counts until ", FormatDay(r.end_date), " exclusive");
    if (r.veto) {
      absl::StrAppend(&out, "; veto (",
                      SourceText(r.veto_source, r.veto_measure), ")");
    }
    if (r.refused_to_correct) absl::StrAppend(&out, "; refused to correct");
    if (r.downgrade_levels > 0) {
      absl::StrAppend(&out, "; ", r.downgrade_levels, " level(s) down");
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "  points before cap ", e.points_before_cap);
  if (e.cap) absl::StrAppend(&out, ", cap ", *e.cap);
  absl::StrAppend(&out, " -> ", rating.points, " -> ",
                  Sv(LevelName(e.level_from_points)), "\n");
  for (const LevelAdjustment& a : e.adjustments) {
    absl::StrAppend(&out, "  ", Sv(AdjustmentText(a.kind)), ": ",
                    Sv(LevelName(a.before)), " -> ", Sv(LevelName(a.after)),
                    "\n");
  }
  if (rating.repeat_offender) {
    absl::StrAppend(&out,
                    "  repeat offender: ", e.repeat_offender_decisions.size(),
                    " decisions dated after ",
                    FormatDay(e.repeat_offender_window_start), "\n");
  }
  return out;
}

}  // namespace envcredit::scoring
