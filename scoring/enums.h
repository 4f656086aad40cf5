// The vocabulary of the scoring engine: levels, measures, violation types and
// the other closed sets a rating is built from, with their names.
//
// Every enumerator has an explicit, stable integer value. The values are
// stored in the database, sent on the wire and used in policy files (the
// policy schema scoring/policy_text/envcredit/policy/v1/policy.proto uses the
// same numbers): never renumber, never reuse a value. 0 is always
// "unspecified" and is never valid in a record or a policy.
#ifndef ENVCREDIT_SCORING_ENUMS_H_
#define ENVCREDIT_SCORING_ENUMS_H_

#include <optional>
#include <string_view>

namespace envcredit::scoring {

// The five-colour rating level. The numbering runs from best to worst, so
// "worse of two levels" is the larger value.
enum class Level : int {
  kUnspecified = 0,
  kGreen = 1,   // 环保诚信 trustworthy
  kBlue = 2,    // 环保良好 good
  kYellow = 3,  // 环保警示 warning
  kRed = 4,     // 较重失信 poor (a bad level; not the honour roll)
  kBlack = 5,   // 严重失信 seriously dishonest
};

// The four levels of the 2013 national scheme (环发〔2013〕150号), through
// which ratings made under different policies are compared.
enum class NationalLevel : int {
  kUnspecified = 0,
  kTrustworthy = 1,  // 诚信
  kGood = 2,         // 良好
  kWarning = 3,      // 警示
  kPoor = 4,         // 不良
};

// A measure taken by a penalty decision (行政处罚决定).
enum class Measure : int {
  kUnspecified = 0,
  kWarning = 1,                              // 警告
  kOrderToCorrect = 2,                       // 责令改正
  kFine = 3,                                 // 罚款
  kDailyContinuousPenalty = 4,               // 按日连续处罚
  kProductionLimit = 5,                      // 责令限制生产
  kSealOrSeizure = 6,                        // 查封、扣押
  kSuspensionForRectification = 7,           // 责令停产整治
  kCourtEnforcement = 8,                     // 申请法院强制执行
  kLicenceRevocation = 9,                    // 吊销许可证
  kTransferForAdministrativeDetention = 10,  // 移送行政拘留
  kTransferForCriminalInvestigation = 11,    // 移送涉嫌环境犯罪
};
inline constexpr int kMaxMeasureValue = 11;

// What the penalised conduct was. The first group is the national veto list
// of 环发〔2013〕150号 (domain.md §1.5); which of them veto is policy data.
enum class ViolationType : int {
  kUnspecified = 0,
  kBuildingWithoutEiaApproval = 1,        // 未批先建
  kOperatingBeforeAcceptance = 2,         // 未验先投
  kMajorChangeWithoutNewApproval = 3,     // 重大变动未重新报批
  kTotalLoadQuotaExceeded = 4,            // 超总量
  kHiddenPipesSeepagePitsOrBypasses = 5,  // 暗管、渗井、渗坑、旁路
  kIllegalHazardousWasteDisposal = 6,     // 非法处置危险废物
  kExceedingDischargeStandards = 20,      // 超标排放
  kTamperingWithMonitoringData = 21,      // 篡改、伪造监测数据
  kAbnormalOperationOfFacilities = 22,    // 不正常运行防治污染设施
  kDischargeWithoutPermit = 23,           // 无证排污
  kOther = 99,
};

// The kind of a commitment letter (承诺).
enum class CommitmentKind : int {
  kUnspecified = 0,
  kCreditCommitment = 1,         // 信用承诺书
  kResponsibilityLetter = 2,     // 责任书
  kRectificationCommitment = 3,  // 整改承诺
};

// The grade of an environmental incident (突发环境事件).
enum class IncidentGrade : int {
  kUnspecified = 0,
  kGeneral = 1,        // 一般
  kLargerOrAbove = 2,  // 较大及以上
};

// How a policy turns records into points (see doc/scoring.md).
enum class PolicyModel : int {
  kUnspecified = 0,
  // Points = base + bonus − deductions; each record counts for its validity
  // from its date; higher points are better (the Jiangsu-style default).
  kRollingValidity = 1,
  // Points = the sum of the points of the records dated in the as-of date's
  // calendar year; higher points are worse (the Ningxia-style model).
  kCalendarYearAccumulation = 2,
};

// The flags a rating can carry.
enum class RatingFlag : int {
  kUnspecified = 0,
  kVeto = 1,              // a veto counts on the as-of date
  kRepeatOffender = 2,    // 屡教不改
  kRefusedToCorrect = 3,  // 拒不改正 (a daily continuous penalty counts)
};

// The upper-case names used in policy files and on screens ("GREEN",
// "FINE", ...). Unknown values give "UNKNOWN".
std::string_view LevelName(Level level);
std::string_view NationalLevelName(NationalLevel level);
std::string_view MeasureName(Measure measure);
std::string_view ViolationTypeName(ViolationType type);
std::string_view CommitmentKindName(CommitmentKind kind);
std::string_view IncidentGradeName(IncidentGrade grade);
std::string_view PolicyModelName(PolicyModel model);
std::string_view RatingFlagName(RatingFlag flag);

// Parses a name produced by the functions above. Returns nullopt for an
// unknown name or for the unspecified value's name.
std::optional<Level> LevelFromName(std::string_view name);
std::optional<Measure> MeasureFromName(std::string_view name);
std::optional<ViolationType> ViolationTypeFromName(std::string_view name);
std::optional<CommitmentKind> CommitmentKindFromName(std::string_view name);
std::optional<IncidentGrade> IncidentGradeFromName(std::string_view name);

// True for the enumerators above other than kUnspecified.
bool IsKnownLevel(int value);
bool IsKnownNationalLevel(int value);
bool IsKnownMeasure(int value);
bool IsKnownViolationType(int value);
bool IsKnownCommitmentKind(int value);
bool IsKnownIncidentGrade(int value);
bool IsKnownPolicyModel(int value);
bool IsKnownRatingFlag(int value);

// The worse of two levels (BLACK is the worst).
constexpr Level WorseLevel(Level a, Level b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_ENUMS_H_
