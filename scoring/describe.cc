#include "scoring/describe.h"

#include <string>
#include <vector>

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

namespace {

std::string_view LevelZh(Level level) {
  switch (level) {
    case Level::kGreen: return "环保诚信（绿色）";
    case Level::kBlue: return "环保良好（蓝色）";
    case Level::kYellow: return "环保警示（黄色）";
    case Level::kRed: return "较重失信（红色）";
    case Level::kBlack: return "严重失信（黑色）";
    case Level::kUnspecified: break;
  }
  return "未评级";
}

std::string_view NationalZh(NationalLevel level) {
  switch (level) {
    case NationalLevel::kTrustworthy: return "诚信";
    case NationalLevel::kGood: return "良好";
    case NationalLevel::kWarning: return "警示";
    case NationalLevel::kPoor: return "不良";
    case NationalLevel::kUnspecified: break;
  }
  return "未定";
}

std::string_view MeasureZh(Measure measure) {
  switch (measure) {
    case Measure::kWarning: return "警告";
    case Measure::kOrderToCorrect: return "责令改正";
    case Measure::kFine: return "罚款";
    case Measure::kDailyContinuousPenalty: return "按日连续处罚";
    case Measure::kProductionLimit: return "责令限制生产";
    case Measure::kSealOrSeizure: return "查封、扣押";
    case Measure::kSuspensionForRectification: return "责令停产整治";
    case Measure::kCourtEnforcement: return "申请法院强制执行";
    case Measure::kLicenceRevocation: return "吊销许可证";
    case Measure::kTransferForAdministrativeDetention: return "移送行政拘留";
    case Measure::kTransferForCriminalInvestigation: return "移送涉嫌环境犯罪";
    case Measure::kUnspecified: break;
  }
  return "未知措施";
}

std::string_view KindZh(RecordKind kind) {
  switch (kind) {
    case RecordKind::kPenaltyDecision: return "行政处罚决定";
    case RecordKind::kBrokenCommitment: return "违背信用承诺";
    case RecordKind::kIncident: return "突发环境事件";
    case RecordKind::kUnspecified: break;
  }
  return "记录";
}

std::string SourceZh(EffectSource source, Measure measure) {
  switch (source) {
    case EffectSource::kMeasure: return std::string(MeasureZh(measure));
    case EffectSource::kTamperingFlag: return "篡改、伪造监测数据";
    case EffectSource::kVetoListViolation: return "违法类型属一票否决情形";
    case EffectSource::kRecordRule: return "该类记录的规则";
    case EffectSource::kNone: break;
  }
  return "无";
}

std::string_view AdjustmentZh(AdjustmentKind kind) {
  switch (kind) {
    case AdjustmentKind::kIncidentDowngrade: return "突发环境事件降级";
    case AdjustmentKind::kVetoCap: return "一票否决：最高为否决等级";
    case AdjustmentKind::kRepeatOffenderCap: return "屡教不改：最高为限定等级";
    case AdjustmentKind::kUnspecified: break;
  }
  return "等级调整";
}

std::string_view FlagZh(RatingFlag flag) {
  switch (flag) {
    case RatingFlag::kVeto: return "一票否决";
    case RatingFlag::kRepeatOffender: return "屡教不改";
    case RatingFlag::kRefusedToCorrect: return "拒不改正";
    case RatingFlag::kUnspecified: break;
  }
  return "标记";
}

}  // namespace

std::string DescribeRatingZh(const Rating& rating) {
  const Explanation& e = rating.explanation;
  std::string out = absl::StrCat(
      FormatDay(rating.as_of), " 的信用评价（评价办法 ", rating.policy_id, " 第 ",
      rating.policy_version, " 版）：", Sv(LevelZh(rating.level)), "，",
      rating.points, " 分（全国等级：", Sv(NationalZh(rating.national_level)),
      "）");
  std::vector<std::string> flags;
  for (RatingFlag flag : rating.Flags()) flags.emplace_back(Sv(FlagZh(flag)));
  if (!flags.empty()) absl::StrAppend(&out, "；标记：", absl::StrJoin(flags, "、"));
  absl::StrAppend(&out, "\n  基础分 ", e.base_points, "\n");
  const BonusExplanation& b = e.bonus;
  if (b.has_commitment) {
    absl::StrAppend(&out, "  加分 ", Signed(b.total()), "：", FormatDay(b.commitment_date),
                    " 签署的信用承诺 ", Signed(b.commitment_points), "，自 ",
                    FormatDay(b.clean_since), " 起 ", b.whole_clean_years, " 个整年无扣分 ",
                    Signed(b.clean_year_points));
    if (b.has_breach) {
      absl::StrAppend(&out, "（最近一次失信：", FormatDay(b.breach_date), " 的",
                      Sv(KindZh(b.breach_kind)), "）");
    }
    absl::StrAppend(&out, "\n");
  }
  for (const CountingRecord& r : e.records) {
    absl::StrAppend(&out, "  ", Sv(KindZh(r.kind)), " ", r.reference, "（",
                    FormatDay(r.date), "）：", Signed(r.points), " 分（依据：",
                    SourceZh(r.points_source, r.points_measure), "），计分至 ",
                    FormatDay(r.end_date), " 前");
    if (r.veto) {
      absl::StrAppend(&out, "；一票否决（", SourceZh(r.veto_source, r.veto_measure), "）");
    }
    if (r.refused_to_correct) absl::StrAppend(&out, "；拒不改正");
    if (r.downgrade_levels > 0) {
      absl::StrAppend(&out, "；降 ", r.downgrade_levels, " 级");
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "  封顶前得分 ", e.points_before_cap);
  if (e.cap) absl::StrAppend(&out, "，上限 ", *e.cap);
  absl::StrAppend(&out, " → ", rating.points, " 分 → ", Sv(LevelZh(e.level_from_points)),
                  "\n");
  for (const LevelAdjustment& a : e.adjustments) {
    absl::StrAppend(&out, "  ", Sv(AdjustmentZh(a.kind)), "：", Sv(LevelZh(a.before)), " → ",
                    Sv(LevelZh(a.after)), "\n");
  }
  if (rating.repeat_offender) {
    absl::StrAppend(&out, "  屡教不改：", FormatDay(e.repeat_offender_window_start), " 之后有 ",
                    e.repeat_offender_decisions.size(), " 份处罚决定\n");
  }
  return out;
}

}  // namespace envcredit::scoring
