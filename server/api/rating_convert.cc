#include "server/api/rating_convert.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "scoring/describe.h"
#include "server/api/proto_values.h"
#include "server/api/record_convert.h"
#include "server/domain/uscc.h"

namespace envcredit::api {
namespace {

constexpr absl::string_view kPrefix = "enterprises/";
constexpr absl::string_view kSuffix = "/rating";

v1::RatingLevel LevelToProto(scoring::Level level) {
  return static_cast<v1::RatingLevel>(static_cast<int>(level));
}

void AddFlags(uint32_t bits, google::protobuf::RepeatedField<int>* out) {
  for (scoring::RatingFlag flag : domain::FlagsOfBits(bits)) {
    out->Add(static_cast<int>(flag));
  }
}

// The rule behind a counting record's points, in words.
std::string RuleText(const scoring::CountingRecord& r) {
  auto source = [](scoring::EffectSource s, scoring::Measure m) -> std::string {
    switch (s) {
      case scoring::EffectSource::kMeasure:
        return absl::StrCat("measure ", std::string(scoring::MeasureName(m)));
      case scoring::EffectSource::kTamperingFlag:
        return "tampering with monitoring data";
      case scoring::EffectSource::kVetoListViolation:
        return "national veto list";
      case scoring::EffectSource::kRecordRule:
        return "record rule";
      case scoring::EffectSource::kNone:
        break;
    }
    return "";
  };
  std::string text = source(r.points_source, r.points_measure);
  const std::string validity = source(r.validity_source, r.validity_measure);
  if (!validity.empty() && validity != text) {
    absl::StrAppend(&text, text.empty() ? "" : "; ", "validity from ", validity);
  }
  if (r.veto) {
    absl::StrAppend(&text, text.empty() ? "" : "; ", "veto from ",
                    source(r.veto_source, r.veto_measure));
  }
  return text;
}

}  // namespace

std::string RatingName(absl::string_view credit_code) {
  return absl::StrCat(kPrefix, credit_code, kSuffix);
}

absl::StatusOr<std::string> ParseRatingName(absl::string_view name,
                                            absl::string_view field) {
  if (!absl::StartsWith(name, kPrefix) || !absl::EndsWith(name, kSuffix) ||
      name.size() <= kPrefix.size() + kSuffix.size()) {
    return InvalidArgument(
        field, "INVALID_RESOURCE_NAME",
        absl::StrCat(field, " must be enterprises/{credit_code}/rating"));
  }
  const absl::string_view code = name.substr(
      kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  RETURN_IF_ERROR(domain::ValidateUscc(code, field));
  return std::string(code);
}

v1::Rating ToProto(const domain::CurrentRating& rating, absl::CivilDay today) {
  v1::Rating out;
  out.set_name(RatingName(rating.credit_code));
  out.set_credit_code(rating.credit_code);
  out.set_level(LevelToProto(rating.level));
  out.set_points(rating.points);
  out.set_national_level(
      static_cast<v1::NationalLevel>(static_cast<int>(rating.national_level)));
  AddFlags(rating.flag_bits, out.mutable_flags());
  out.set_policy_id(rating.policy_id);
  out.set_policy_version(rating.policy_version);
  *out.mutable_as_of() = DateToProto(std::max(today, rating.as_of));
  if (rating.valid_until) *out.mutable_valid_until() = DateToProto(*rating.valid_until);
  out.set_revision(rating.revision);
  return out;
}

v1::RatingExplanation ExplanationToProto(const scoring::Rating& rating,
                                         const scoring::EnterpriseRecords& records) {
  const scoring::Explanation& e = rating.explanation;
  v1::RatingExplanation out;
  out.set_base_points(e.base_points);
  v1::RatingBonus* bonus = out.mutable_bonus();
  bonus->set_commitment_points(e.bonus.commitment_points);
  if (e.bonus.has_commitment) {
    *bonus->mutable_commitment_date() = DateToProto(e.bonus.commitment_date);
    *bonus->mutable_clean_since() = DateToProto(e.bonus.clean_since);
  }
  bonus->set_whole_clean_years(e.bonus.whole_clean_years);
  bonus->set_clean_year_points(e.bonus.clean_year_points);
  bonus->set_total(e.bonus.total());
  for (const scoring::CountingRecord& r : e.records) {
    v1::CountingRecord* c = out.add_records();
    c->set_kind(static_cast<v1::CountingRecordKind>(static_cast<int>(r.kind)));
    c->set_reference(r.reference);
    *c->mutable_date() = DateToProto(r.date);
    *c->mutable_end_date() = DateToProto(r.end_date);
    c->set_points(r.points);
    c->set_veto(r.veto);
    c->set_refused_to_correct(r.refused_to_correct);
    c->set_downgrade_levels(r.downgrade_levels);
    c->set_rule(RuleText(r));
  }
  out.set_points_before_cap(e.points_before_cap);
  out.set_cap(e.cap.value_or(0));
  out.set_level_from_points(LevelToProto(e.level_from_points));
  for (const scoring::LevelAdjustment& a : e.adjustments) {
    v1::LevelAdjustment* adj = out.add_adjustments();
    adj->set_kind(static_cast<v1::LevelAdjustmentKind>(static_cast<int>(a.kind)));
    adj->set_before(LevelToProto(a.before));
    adj->set_after(LevelToProto(a.after));
    if (a.record >= 0 && a.record < static_cast<int>(e.records.size())) {
      adj->set_reference(e.records[a.record].reference);
    }
  }
  for (int index : e.repeat_offender_decisions) {
    out.add_repeat_offender_decisions(
        index >= 0 && index < static_cast<int>(records.decisions.size())
            ? records.decisions[index].decision_number
            : absl::StrCat("decisions[", index, "]"));
  }
  if (!e.repeat_offender_decisions.empty()) {
    *out.mutable_repeat_offender_window_start() =
        DateToProto(e.repeat_offender_window_start);
  }
  out.set_text(scoring::DescribeRating(rating));
  out.set_text_zh(scoring::DescribeRatingZh(rating));
  return out;
}

v1::Rating ToProto(absl::string_view credit_code, const scoring::Rating& rating,
                   const scoring::EnterpriseRecords* explain_from) {
  v1::Rating out;
  out.set_name(RatingName(credit_code));
  out.set_credit_code(std::string(credit_code));
  out.set_level(LevelToProto(rating.level));
  out.set_points(rating.points);
  out.set_national_level(
      static_cast<v1::NationalLevel>(static_cast<int>(rating.national_level)));
  for (scoring::RatingFlag flag : rating.Flags()) {
    out.add_flags(static_cast<v1::RatingFlag>(static_cast<int>(flag)));
  }
  out.set_policy_id(rating.policy_id);
  out.set_policy_version(rating.policy_version);
  *out.mutable_as_of() = DateToProto(rating.as_of);
  if (explain_from != nullptr) {
    *out.mutable_explanation() = ExplanationToProto(rating, *explain_from);
  }
  return out;
}

v1::RatingChange ToProto(const domain::RatingChange& change) {
  v1::RatingChange out;
  out.set_cursor(change.cursor);
  out.set_credit_code(change.credit_code);
  *out.mutable_effective_date() = DateToProto(change.effective_date);
  out.set_old_level(LevelToProto(change.old_level));
  out.set_new_level(LevelToProto(change.rating.level));
  out.set_old_points(change.old_points);
  out.set_new_points(change.rating.points);
  AddFlags(change.rating.flag_bits, out.mutable_new_flags());
  out.set_policy_id(change.rating.policy_id);
  out.set_policy_version(change.rating.policy_version);
  out.set_cause(static_cast<v1::RatingChangeCause>(static_cast<int>(change.cause)));
  out.set_cause_resource(change.cause_resource);
  out.set_reason(change.reason);
  *out.mutable_record_time() = TimestampOf(change.record_time);
  out.set_level_changed(change.level_changed());
  return out;
}

v1::ListChange ToProto(const domain::ListChange& change) {
  v1::ListChange out;
  out.set_cursor(change.cursor);
  out.set_credit_code(change.credit_code);
  out.set_list(static_cast<v1::ListKind>(change.list));
  out.set_kind(static_cast<v1::ListChangeKind>(static_cast<int>(change.kind)));
  out.set_publication(change.publication);
  out.set_reason(change.reason);
  *out.mutable_effective_date() = DateToProto(change.effective_date);
  *out.mutable_record_time() = TimestampOf(change.record_time);
  return out;
}

}  // namespace envcredit::api
