#include "admin-cli/base/display_names.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "envcredit/v1/ratings.pb.h"
#include "envcredit/v1/records.pb.h"

namespace envcredit::admin {
namespace {

struct Row {
  int number;
  absl::string_view zh;
  absl::string_view en;
};

// The enum's own name for a value the table lacks, else the number.
DisplayName Fallback(const google::protobuf::EnumDescriptor* d, int number) {
  if (number == 0) return {};
  const auto* value = d->FindValueByNumber(number);
  std::string name = value != nullptr ? value->name() : absl::StrCat(number);
  return {name, name};
}

DisplayName Find(const std::vector<Row>& rows,
                 const google::protobuf::EnumDescriptor* d, int number) {
  for (const Row& r : rows) {
    if (r.number == number) return {std::string(r.zh), std::string(r.en)};
  }
  return Fallback(d, number);
}

const std::vector<Row>& ViolationRows() {
  static const auto* rows = new std::vector<Row>{
      {v1::BUILDING_WITHOUT_EIA_APPROVAL, "未批先建",
       "Building without EIA approval"},
      {v1::OPERATING_BEFORE_ACCEPTANCE, "未验先投",
       "Operating before acceptance"},
      {v1::MAJOR_CHANGE_WITHOUT_NEW_APPROVAL, "重大变动未重新报批",
       "Major change without new approval"},
      {v1::TOTAL_LOAD_QUOTA_EXCEEDED, "超总量排放",
       "Total-load quota exceeded"},
      {v1::HIDDEN_PIPES_SEEPAGE_PITS_OR_BYPASSES, "暗管、渗井、渗坑、旁路排放",
       "Hidden pipes, seepage pits or bypasses"},
      {v1::ILLEGAL_HAZARDOUS_WASTE_DISPOSAL, "非法处置危险废物",
       "Illegal hazardous-waste disposal"},
      {v1::EXCEEDING_DISCHARGE_STANDARDS, "超标排放",
       "Exceeding discharge standards"},
      {v1::TAMPERING_WITH_MONITORING_DATA, "篡改、伪造监测数据",
       "Tampering with monitoring data"},
      {v1::ABNORMAL_OPERATION_OF_FACILITIES, "不正常运行防治污染设施",
       "Abnormal operation of pollution-control facilities"},
      {v1::DISCHARGE_WITHOUT_PERMIT, "无证排污", "Discharge without a permit"},
      {v1::VIOLATION_TYPE_OTHER, "其他环境违法行为",
       "Other environmental violation"},
  };
  return *rows;
}

const std::vector<Row>& MeasureRows() {
  static const auto* rows = new std::vector<Row>{
      {v1::WARNING, "警告", "warning"},
      {v1::ORDER_TO_CORRECT, "责令改正", "order to correct"},
      {v1::FINE, "罚款", "fine"},
      {v1::DAILY_CONTINUOUS_PENALTY, "按日连续处罚", "daily continuous penalty"},
      {v1::PRODUCTION_LIMIT, "责令限制生产", "production limit"},
      {v1::SEAL_OR_SEIZURE, "查封、扣押", "seal or seizure"},
      {v1::SUSPENSION_FOR_RECTIFICATION, "责令停产整治",
       "suspension for rectification"},
      {v1::COURT_ENFORCEMENT, "申请法院强制执行", "court enforcement"},
      {v1::LICENCE_REVOCATION, "吊销许可证", "licence revocation"},
      {v1::TRANSFER_FOR_ADMINISTRATIVE_DETENTION, "移送行政拘留",
       "transfer for administrative detention"},
      {v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION, "移送涉嫌环境犯罪",
       "transfer for criminal investigation"},
  };
  return *rows;
}

const std::vector<Row>& LevelRows() {
  static const auto* rows = new std::vector<Row>{
      {v1::GREEN, "环保诚信", "Trustworthy"},
      {v1::BLUE, "环保良好", "Good"},
      {v1::YELLOW, "环保警示", "Warning"},
      {v1::RED, "较重失信", "Poor"},
      {v1::BLACK, "严重失信", "Seriously dishonest"},
  };
  return *rows;
}

const std::vector<Row>& ColourRows() {
  static const auto* rows = new std::vector<Row>{
      {v1::GREEN, "绿色", "Green"},   {v1::BLUE, "蓝色", "Blue"},
      {v1::YELLOW, "黄色", "Yellow"}, {v1::RED, "红色", "Red"},
      {v1::BLACK, "黑色", "Black"},
  };
  return *rows;
}

const std::vector<Row>& NationalRows() {
  static const auto* rows = new std::vector<Row>{
      {v1::NATIONAL_TRUSTWORTHY, "诚信", "Trustworthy"},
      {v1::NATIONAL_GOOD, "良好", "Good"},
      {v1::NATIONAL_WARNING, "警示", "Warning"},
      {v1::NATIONAL_POOR, "不良", "Poor"},
  };
  return *rows;
}

const std::vector<Row>& ListRows() {
  static const auto* rows = new std::vector<Row>{
      {v1::HONOR_LIST, "环境信用红榜", "Environmental credit honour list"},
      {v1::BLACK_LIST, "环境信用黑榜", "Environmental credit black list"},
  };
  return *rows;
}

const std::vector<Row>& RemovalRows() {
  static const auto* rows = new std::vector<Row>{
      {v1::REMOVAL_EXPIRED, "公示期满移出", "Publication period ended"},
      {v1::REMOVAL_REPAIRED, "信用修复", "Credit repaired"},
      {v1::REMOVAL_NO_LONGER_MEETS, "不再符合列入条件",
       "No longer meets the criteria"},
      {v1::REMOVAL_OBJECTION_UPHELD, "异议成立", "Objection upheld"},
  };
  return *rows;
}

// One code of a description: a violation type or a measure by enum name.
std::string CodeWords(absl::string_view code, bool zh) {
  if (code == "TAMPERING") return zh ? "篡改、伪造监测数据" : "tampering";
  if (const auto* v = v1::ViolationType_descriptor()->FindValueByName(
          std::string(code));
      v != nullptr && v->number() != 0) {
    const DisplayName d = ViolationTypeDisplay(v->number());
    return zh ? d.zh : d.en;
  }
  if (const auto* m =
          v1::Measure_descriptor()->FindValueByName(std::string(code));
      m != nullptr && m->number() != 0) {
    const DisplayName d = MeasureDisplay(m->number());
    return zh ? d.zh : d.en;
  }
  return std::string(code);
}

}  // namespace

std::string DisplayName::Both() const {
  if (zh.empty() && en.empty()) return "";
  if (zh == en) return zh;
  return absl::StrCat(zh, " / ", en);
}

DisplayName ViolationTypeDisplay(int v) {
  return Find(ViolationRows(), v1::ViolationType_descriptor(), v);
}
DisplayName MeasureDisplay(int m) {
  return Find(MeasureRows(), v1::Measure_descriptor(), m);
}
DisplayName RatingLevelDisplay(int level) {
  return Find(LevelRows(), v1::RatingLevel_descriptor(), level);
}
DisplayName RatingColourDisplay(int level) {
  return Find(ColourRows(), v1::RatingLevel_descriptor(), level);
}
DisplayName RatingLevelWithColour(int level) {
  const DisplayName meaning = RatingLevelDisplay(level);
  if (meaning.zh.empty()) return {};
  const DisplayName colour = RatingColourDisplay(level);
  return {absl::StrCat(meaning.zh, "（", colour.zh, "）"),
          absl::StrCat(meaning.en, " (", colour.en, ")")};
}
DisplayName NationalLevelDisplay(int level) {
  return Find(NationalRows(), v1::NationalLevel_descriptor(), level);
}
DisplayName ListDisplay(int list) {
  return Find(ListRows(), v1::ListKind_descriptor(), list);
}
DisplayName RemovalReasonDisplay(int reason) {
  return Find(RemovalRows(), v1::RemovalReason_descriptor(), reason);
}

DisplayName ReasonKindDisplay(absl::string_view kind) {
  if (kind == "penalty_decision") return {"行政处罚决定", "Penalty decision"};
  if (kind == "broken_commitment") {
    return {"违背信用承诺（违诺）", "Broken credit commitment"};
  }
  if (kind == "incident") return {"突发环境事件", "Environmental incident"};
  return {std::string(kind), std::string(kind)};
}

namespace {
DisplayName DescribePenalty(absl::string_view description);
}  // namespace

DisplayName DescribeReason(const v1::ListReason& reason) {
  if (reason.kind() != "penalty_decision" || reason.description().empty()) {
    return ReasonKindDisplay(reason.kind());
  }
  // A list repeats a few descriptions over every entry, and an export
  // describes each reason several times (JSON, CSV, page rows): remembered
  // per thread, the descriptor look-ups made once a description.
  thread_local absl::flat_hash_map<std::string, DisplayName> described;
  if (const auto it = described.find(reason.description());
      it != described.end()) {
    return it->second;
  }
  if (described.size() >= 4096) described.clear();
  DisplayName out = DescribePenalty(reason.description());
  described.emplace(reason.description(), out);
  return out;
}

namespace {

// "VIOLATION: M1, M2[, TAMPERING]" (server/domain/lists.cc) in words.
DisplayName DescribePenalty(absl::string_view description) {
  const std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(description, absl::MaxSplits(": ", 1));
  std::vector<std::string> zh_measures, en_measures;
  for (absl::string_view code : absl::StrSplit(
           parts.second, ", ", absl::SkipWhitespace())) {
    code = absl::StripAsciiWhitespace(code);
    zh_measures.push_back(CodeWords(code, true));
    en_measures.push_back(CodeWords(code, false));
  }
  const absl::string_view violation = absl::StripAsciiWhitespace(parts.first);
  DisplayName out{CodeWords(violation, true), CodeWords(violation, false)};
  if (!zh_measures.empty()) {
    absl::StrAppend(&out.zh, "；", absl::StrJoin(zh_measures, "、"));
    absl::StrAppend(&out.en, "; ", absl::StrJoin(en_measures, ", "));
  }
  return out;
}

}  // namespace
}  // namespace envcredit::admin
