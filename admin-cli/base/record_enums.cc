#include "admin-cli/base/record_enums.h"

#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "admin-cli/base/text.h"
#include "envcredit/v1/lists.pb.h"
#include "envcredit/v1/ratings.pb.h"

namespace envcredit::admin {
namespace {

using Labels = std::vector<std::pair<absl::string_view, int>>;

std::string Allowed(const google::protobuf::EnumDescriptor* d) {
  std::vector<std::string> names;
  for (int k = 0; k < d->value_count(); ++k) {
    if (d->value(k)->number() != 0) names.push_back(d->value(k)->name());
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<int> ParseEnum(absl::string_view text,
                              const google::protobuf::EnumDescriptor* d,
                              const Labels& labels, absl::string_view what) {
  const absl::string_view trimmed = TrimAscii(text);
  const std::string upper = absl::AsciiStrToUpper(trimmed);
  if (!upper.empty()) {
    const auto* value = d->FindValueByName(upper);
    if (value != nullptr && value->number() != 0) return value->number();
    const std::string lower = absl::AsciiStrToLower(trimmed);
    for (const auto& [label, number] : labels) {
      if (label == trimmed || label == lower) return number;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown ", what, " '", trimmed, "'; allowed: ", Allowed(d),
                   " (any case, or the Chinese label)"));
}

const Labels& MeasureLabels() {
  static const auto* l = new Labels{
      {"警告", v1::WARNING},
      {"责令改正", v1::ORDER_TO_CORRECT},
      {"限期改正", v1::ORDER_TO_CORRECT},
      {"罚款", v1::FINE},
      {"按日连续处罚", v1::DAILY_CONTINUOUS_PENALTY},
      {"按日计罚", v1::DAILY_CONTINUOUS_PENALTY},
      {"责令限制生产", v1::PRODUCTION_LIMIT},
      {"限制生产", v1::PRODUCTION_LIMIT},
      {"限产", v1::PRODUCTION_LIMIT},
      {"查封扣押", v1::SEAL_OR_SEIZURE},
      {"查封", v1::SEAL_OR_SEIZURE},
      {"扣押", v1::SEAL_OR_SEIZURE},
      {"责令停产整治", v1::SUSPENSION_FOR_RECTIFICATION},
      {"停产整治", v1::SUSPENSION_FOR_RECTIFICATION},
      {"申请法院强制执行", v1::COURT_ENFORCEMENT},
      {"法院强制执行", v1::COURT_ENFORCEMENT},
      {"吊销许可证", v1::LICENCE_REVOCATION},
      {"吊销排污许可证", v1::LICENCE_REVOCATION},
      {"移送行政拘留", v1::TRANSFER_FOR_ADMINISTRATIVE_DETENTION},
      {"行政拘留", v1::TRANSFER_FOR_ADMINISTRATIVE_DETENTION},
      {"移送涉嫌环境犯罪", v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION},
      {"移送公安机关", v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION},
      {"刑事责任", v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION},
  };
  return *l;
}

const Labels& ViolationLabels() {
  static const auto* l = new Labels{
      {"未批先建", v1::BUILDING_WITHOUT_EIA_APPROVAL},
      {"未验先投", v1::OPERATING_BEFORE_ACCEPTANCE},
      {"重大变动未重新报批", v1::MAJOR_CHANGE_WITHOUT_NEW_APPROVAL},
      {"超总量", v1::TOTAL_LOAD_QUOTA_EXCEEDED},
      {"超总量排放", v1::TOTAL_LOAD_QUOTA_EXCEEDED},
      {"暗管", v1::HIDDEN_PIPES_SEEPAGE_PITS_OR_BYPASSES},
      {"暗管渗井渗坑旁路", v1::HIDDEN_PIPES_SEEPAGE_PITS_OR_BYPASSES},
      {"暗管、渗井、渗坑、旁路", v1::HIDDEN_PIPES_SEEPAGE_PITS_OR_BYPASSES},
      {"非法处置危险废物", v1::ILLEGAL_HAZARDOUS_WASTE_DISPOSAL},
      {"超标排放", v1::EXCEEDING_DISCHARGE_STANDARDS},
      {"篡改伪造监测数据", v1::TAMPERING_WITH_MONITORING_DATA},
      {"篡改、伪造监测数据", v1::TAMPERING_WITH_MONITORING_DATA},
      {"不正常运行防治污染设施", v1::ABNORMAL_OPERATION_OF_FACILITIES},
      {"无证排污", v1::DISCHARGE_WITHOUT_PERMIT},
      {"其他", v1::VIOLATION_TYPE_OTHER},
      {"other", v1::VIOLATION_TYPE_OTHER},
  };
  return *l;
}

const Labels& KindLabels() {
  static const auto* l = new Labels{
      {"信用承诺书", v1::CREDIT_COMMITMENT},
      {"信用承诺", v1::CREDIT_COMMITMENT},
      {"credit", v1::CREDIT_COMMITMENT},
      {"责任书", v1::RESPONSIBILITY_LETTER},
      {"responsibility", v1::RESPONSIBILITY_LETTER},
      {"整改承诺", v1::RECTIFICATION_COMMITMENT},
      {"整改承诺书", v1::RECTIFICATION_COMMITMENT},
      {"rectification", v1::RECTIFICATION_COMMITMENT},
  };
  return *l;
}

const Labels& ChannelLabels() {
  static const auto* l = new Labels{
      {"12369", v1::HOTLINE_12369},
      {"12369热线", v1::HOTLINE_12369},
      {"hotline", v1::HOTLINE_12369},
      {"来信", v1::LETTER},
      {"来访", v1::VISIT},
      {"网络", v1::ONLINE},
      {"网络举报", v1::ONLINE},
      {"督察组转办", v1::INSPECTION_TEAM},
      {"督察转办", v1::INSPECTION_TEAM},
      {"其他", v1::CHANNEL_OTHER},
      {"other", v1::CHANNEL_OTHER},
  };
  return *l;
}

const Labels& GradeLabels() {
  static const auto* l = new Labels{
      {"一般", v1::GENERAL},
      {"较大及以上", v1::LARGER_OR_ABOVE},
      {"较大", v1::LARGER_OR_ABOVE},
      {"重大", v1::LARGER_OR_ABOVE},
      {"特别重大", v1::LARGER_OR_ABOVE},
      {"larger", v1::LARGER_OR_ABOVE},
  };
  return *l;
}

const Labels& ReasonLabels() {
  static const auto* l = new Labels{
      {"行政复议", v1::ADMINISTRATIVE_REVIEW},
      {"review", v1::ADMINISTRATIVE_REVIEW},
      {"行政诉讼", v1::COURT_RULING},
      {"法院判决", v1::COURT_RULING},
      {"court", v1::COURT_RULING},
  };
  return *l;
}

const Labels& StateLabels() {
  static const auto* l = new Labels{
      {"有效", v1::IN_FORCE},
      {"in-force", v1::IN_FORCE},
      {"撤销", v1::REVOKED},
      {"已撤销", v1::REVOKED},
  };
  return *l;
}

const Labels& OutcomeLabels() {
  static const auto* l = new Labels{
      {"践诺", v1::KEPT},
      {"已践诺", v1::KEPT},
      {"违诺", v1::BROKEN},
      {"未践诺", v1::BROKEN},
  };
  return *l;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

absl::StatusOr<v1::Date> ParseDate(absl::string_view text) {
  const absl::string_view trimmed = TrimAscii(text);
  std::string s(trimmed);
  s = absl::StrReplaceAll(
      s, {{"年", "-"}, {"月", "-"}, {"日", ""}, {"/", "-"}, {".", "-"}});
  const std::vector<std::string> parts = absl::StrSplit(s, '-');
  const auto bad = [&]() {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", trimmed, "' is not a date; write YYYY-MM-DD, e.g. 2024-03-05"));
  };
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].empty() ||
      parts[1].size() > 2 || parts[2].empty() || parts[2].size() > 2) {
    return bad();
  }
  int y = 0, m = 0, d = 0;
  for (const std::string& p : parts) {
    for (const char c : p) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad();
    }
  }
  if (!absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &d) || m < 1 || m > 12 || d < 1 ||
      d > DaysIn(y, m) || y < 1) {
    return bad();
  }
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

std::string FormatDate(const v1::Date& date) {
  if (date.year() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

absl::StatusOr<v1::Measure> ParseMeasure(absl::string_view text) {
  auto v =
      ParseEnum(text, v1::Measure_descriptor(), MeasureLabels(), "measure");
  if (!v.ok()) return v.status();
  return static_cast<v1::Measure>(*v);
}
absl::StatusOr<v1::ViolationType> ParseViolationType(absl::string_view text) {
  auto v = ParseEnum(text, v1::ViolationType_descriptor(), ViolationLabels(),
                     "violation type");
  if (!v.ok()) return v.status();
  return static_cast<v1::ViolationType>(*v);
}
absl::StatusOr<v1::CommitmentKind> ParseCommitmentKind(absl::string_view text) {
  auto v = ParseEnum(text, v1::CommitmentKind_descriptor(), KindLabels(),
                     "commitment kind");
  if (!v.ok()) return v.status();
  return static_cast<v1::CommitmentKind>(*v);
}
absl::StatusOr<v1::ComplaintChannel> ParseComplaintChannel(
    absl::string_view text) {
  auto v = ParseEnum(text, v1::ComplaintChannel_descriptor(), ChannelLabels(),
                     "complaint channel");
  if (!v.ok()) return v.status();
  return static_cast<v1::ComplaintChannel>(*v);
}
absl::StatusOr<v1::IncidentGrade> ParseIncidentGrade(absl::string_view text) {
  auto v = ParseEnum(text, v1::IncidentGrade_descriptor(), GradeLabels(),
                     "incident grade");
  if (!v.ok()) return v.status();
  return static_cast<v1::IncidentGrade>(*v);
}
absl::StatusOr<v1::RevocationReason> ParseRevocationReason(
    absl::string_view text) {
  auto v = ParseEnum(text, v1::RevocationReason_descriptor(), ReasonLabels(),
                     "revocation reason");
  if (!v.ok()) return v.status();
  return static_cast<v1::RevocationReason>(*v);
}
absl::StatusOr<v1::PenaltyDecisionState> ParseDecisionState(
    absl::string_view text) {
  auto v = ParseEnum(text, v1::PenaltyDecisionState_descriptor(), StateLabels(),
                     "decision state");
  if (!v.ok()) return v.status();
  return static_cast<v1::PenaltyDecisionState>(*v);
}
absl::StatusOr<v1::CommitmentItemState> ParseCheckOutcome(
    absl::string_view text) {
  auto v = ParseEnum(text, v1::CommitmentItemState_descriptor(),
                     OutcomeLabels(), "check outcome");
  if (!v.ok()) return v.status();
  if (*v != v1::KEPT && *v != v1::BROKEN) {
    return absl::InvalidArgumentError(
        absl::StrCat("the outcome of a check is KEPT or BROKEN, not '",
                     TrimAscii(text), "'"));
  }
  return static_cast<v1::CommitmentItemState>(*v);
}

absl::StatusOr<std::vector<v1::Measure>> ParseMeasureList(
    absl::string_view text) {
  // "查封、扣押" is one measure whose name contains a separator.
  std::string s =
      absl::StrReplaceAll(TrimAscii(text), {{"查封、扣押", "查封扣押"},
                                            {"，", ","},
                                            {"；", ","},
                                            {"、", ","},
                                            {";", ","},
                                            {"|", ","}});
  std::vector<v1::Measure> measures;
  std::set<int> seen;
  for (absl::string_view part : absl::StrSplit(s, ',')) {
    part = TrimAscii(part);
    if (part.empty()) continue;
    absl::StatusOr<v1::Measure> m = ParseMeasure(part);
    if (!m.ok()) return m.status();
    if (!seen.insert(*m).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("measure ", v1::Measure_Name(*m), " is given twice"));
    }
    measures.push_back(*m);
  }
  if (measures.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at least one measure is needed; allowed: ", AllowedMeasures()));
  }
  return measures;
}

absl::StatusOr<bool> ParseYesNo(absl::string_view text) {
  const std::string v = absl::AsciiStrToLower(TrimAscii(text));
  if (v.empty() || v == "false" || v == "no" || v == "n" || v == "0" ||
      v == "否") {
    return false;
  }
  if (v == "true" || v == "yes" || v == "y" || v == "1" || v == "是") {
    return true;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "'", TrimAscii(text), "' is not a yes/no value (true/false, 是/否)"));
}

absl::StatusOr<int64_t> ParseYuanAsFen(absl::string_view text) {
  const std::string s = absl::StrReplaceAll(TrimAscii(text), {{",", ""}});
  const auto bad = [&]() {
    return absl::InvalidArgumentError(
        absl::StrCat("'", TrimAscii(text),
                     "' is not an amount in yuan (e.g. 50000 or 12345.67)"));
  };
  const size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || frac.size() > 2 ||
      (dot != std::string::npos && frac.empty())) {
    return bad();
  }
  for (const char c : whole + frac) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return bad();
  }
  int64_t yuan = 0, cents = 0;
  if (!absl::SimpleAtoi(whole, &yuan)) return bad();
  if (!frac.empty()) {
    if (!absl::SimpleAtoi(frac, &cents)) return bad();
    if (frac.size() == 1) cents *= 10;
  }
  return yuan * 100 + cents;
}

absl::StatusOr<int64_t> ParseFen(absl::string_view text) {
  int64_t fen = 0;
  const absl::string_view s = TrimAscii(text);
  for (const char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) fen = -1;
  }
  if (s.empty() || s.size() > 16 || fen < 0 || !absl::SimpleAtoi(s, &fen)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", s, "' is not a whole, non-negative number of fen"));
  }
  return fen;
}

std::string FenAsYuan(int64_t fen) {
  return absl::StrFormat("%d.%02d", fen / 100, fen % 100);
}

std::string AllowedMeasures() { return Allowed(v1::Measure_descriptor()); }
std::string AllowedViolationTypes() {
  return Allowed(v1::ViolationType_descriptor());
}
std::string AllowedCommitmentKinds() {
  return Allowed(v1::CommitmentKind_descriptor());
}
std::string AllowedComplaintChannels() {
  return Allowed(v1::ComplaintChannel_descriptor());
}
std::string AllowedIncidentGrades() {
  return Allowed(v1::IncidentGrade_descriptor());
}

std::string EnumName(const google::protobuf::EnumDescriptor* descriptor,
                     int value) {
  if (value == 0) return "";
  const auto* v = descriptor->FindValueByNumber(value);
  return v == nullptr ? absl::StrCat(value) : v->name();
}

namespace {

// EnumName without `prefix`.
std::string EnumNameWithout(const google::protobuf::EnumDescriptor* descriptor,
                            int value, absl::string_view prefix) {
  std::string name = EnumName(descriptor, value);
  absl::string_view view = name;
  absl::ConsumePrefix(&view, prefix);
  return std::string(view);
}

}  // namespace

std::string RatingLevelName(int level) {
  return EnumName(v1::RatingLevel_descriptor(), level);
}

std::string ChangeName(int change) {
  return EnumNameWithout(v1::EntryChange_descriptor(), change, "ENTRY_");
}

std::string RemovalName(int reason) {
  return EnumNameWithout(v1::RemovalReason_descriptor(), reason, "REMOVAL_");
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime(
      "%Y-%m-%dT%H:%M:%E6SZ",
      absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos()),
      absl::UTCTimeZone());
}

}  // namespace envcredit::admin
