#include "scoring/enums.h"

#include <optional>
#include <string_view>

namespace envcredit::scoring {
namespace {

template <typename E>
struct NameEntry {
  E value;
  std::string_view name;
};

constexpr NameEntry<Level> kLevelNames[] = {
    {Level::kGreen, "GREEN"},   {Level::kBlue, "BLUE"},
    {Level::kYellow, "YELLOW"}, {Level::kRed, "RED"},
    {Level::kBlack, "BLACK"},
};

constexpr NameEntry<NationalLevel> kNationalLevelNames[] = {
    {NationalLevel::kTrustworthy, "NATIONAL_TRUSTWORTHY"},
    {NationalLevel::kGood, "NATIONAL_GOOD"},
    {NationalLevel::kWarning, "NATIONAL_WARNING"},
    {NationalLevel::kPoor, "NATIONAL_POOR"},
};

constexpr NameEntry<Measure> kMeasureNames[] = {
    {Measure::kWarning, "WARNING"},
    {Measure::kOrderToCorrect, "ORDER_TO_CORRECT"},
    {Measure::kFine, "FINE"},
    {Measure::kDailyContinuousPenalty, "DAILY_CONTINUOUS_PENALTY"},
    {Measure::kProductionLimit, "PRODUCTION_LIMIT"},
    {Measure::kSealOrSeizure, "SEAL_OR_SEIZURE"},
    {Measure::kSuspensionForRectification, "SUSPENSION_FOR_RECTIFICATION"},
    {Measure::kCourtEnforcement, "COURT_ENFORCEMENT"},
    {Measure::kLicenceRevocation, "LICENCE_REVOCATION"},
    {Measure::kTransferForAdministrativeDetention,
     "TRANSFER_FOR_ADMINISTRATIVE_DETENTION"},
    {Measure::kTransferForCriminalInvestigation,
     "TRANSFER_FOR_CRIMINAL_INVESTIGATION"},
};

constexpr NameEntry<ViolationType> kViolationTypeNames[] = {
    {ViolationType::kBuildingWithoutEiaApproval,
     "BUILDING_WITHOUT_EIA_APPROVAL"},
    {ViolationType::kOperatingBeforeAcceptance, "OPERATING_BEFORE_ACCEPTANCE"},
    {ViolationType::kMajorChangeWithoutNewApproval,
     "MAJOR_CHANGE_WITHOUT_NEW_APPROVAL"},
    {ViolationType::kTotalLoadQuotaExceeded, "TOTAL_LOAD_QUOTA_EXCEEDED"},
    {ViolationType::kHiddenPipesSeepagePitsOrBypasses,
     "HIDDEN_PIPES_SEEPAGE_PITS_OR_BYPASSES"},
    {ViolationType::kIllegalHazardousWasteDisposal,
     "ILLEGAL_HAZARDOUS_WASTE_DISPOSAL"},
    {ViolationType::kExceedingDischargeStandards,
     "EXCEEDING_DISCHARGE_STANDARDS"},
    {ViolationType::kTamperingWithMonitoringData,
     "TAMPERING_WITH_MONITORING_DATA"},
    {ViolationType::kAbnormalOperationOfFacilities,
     "ABNORMAL_OPERATION_OF_FACILITIES"},
    {ViolationType::kDischargeWithoutPermit, "DISCHARGE_WITHOUT_PERMIT"},
    {ViolationType::kOther, "OTHER_VIOLATION"},
};

constexpr NameEntry<CommitmentKind> kCommitmentKindNames[] = {
    {CommitmentKind::kCreditCommitment, "CREDIT_COMMITMENT"},
    {CommitmentKind::kResponsibilityLetter, "RESPONSIBILITY_LETTER"},
    {CommitmentKind::kRectificationCommitment, "RECTIFICATION_COMMITMENT"},
};

constexpr NameEntry<IncidentGrade> kIncidentGradeNames[] = {
    {IncidentGrade::kGeneral, "GENERAL"},
    {IncidentGrade::kLargerOrAbove, "LARGER_OR_ABOVE"},
};

constexpr NameEntry<PolicyModel> kPolicyModelNames[] = {
    {PolicyModel::kRollingValidity, "ROLLING_VALIDITY"},
    {PolicyModel::kCalendarYearAccumulation, "CALENDAR_YEAR_ACCUMULATION"},
};

constexpr NameEntry<RatingFlag> kRatingFlagNames[] = {
    {RatingFlag::kVeto, "VETO"},
    {RatingFlag::kRepeatOffender, "REPEAT_OFFENDER"},
    {RatingFlag::kRefusedToCorrect, "REFUSED_TO_CORRECT"},
};

template <typename E, size_t N>
std::string_view NameOf(const NameEntry<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "UNKNOWN";
}

template <typename E, size_t N>
std::optional<E> FromName(const NameEntry<E> (&table)[N],
                          std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

template <typename E, size_t N>
bool IsKnown(const NameEntry<E> (&table)[N], int value) {
  for (const auto& entry : table) {
    if (static_cast<int>(entry.value) == value) return true;
  }
  return false;
}

}  // namespace

std::string_view LevelName(Level level) { return NameOf(kLevelNames, level); }
std::string_view NationalLevelName(NationalLevel level) {
  return NameOf(kNationalLevelNames, level);
}
std::string_view MeasureName(Measure measure) {
  return NameOf(kMeasureNames, measure);
}
std::string_view ViolationTypeName(ViolationType type) {
  return NameOf(kViolationTypeNames, type);
}
std::string_view CommitmentKindName(CommitmentKind kind) {
  return NameOf(kCommitmentKindNames, kind);
}
std::string_view IncidentGradeName(IncidentGrade grade) {
  return NameOf(kIncidentGradeNames, grade);
}
std::string_view PolicyModelName(PolicyModel model) {
  return NameOf(kPolicyModelNames, model);
}
std::string_view RatingFlagName(RatingFlag flag) {
  return NameOf(kRatingFlagNames, flag);
}

std::optional<Level> LevelFromName(std::string_view name) {
  return FromName(kLevelNames, name);
}
std::optional<Measure> MeasureFromName(std::string_view name) {
  return FromName(kMeasureNames, name);
}
std::optional<ViolationType> ViolationTypeFromName(std::string_view name) {
  return FromName(kViolationTypeNames, name);
}
std::optional<CommitmentKind> CommitmentKindFromName(std::string_view name) {
  return FromName(kCommitmentKindNames, name);
}
std::optional<IncidentGrade> IncidentGradeFromName(std::string_view name) {
  return FromName(kIncidentGradeNames, name);
}

bool IsKnownLevel(int value) { return IsKnown(kLevelNames, value); }
bool IsKnownNationalLevel(int value) {
  return IsKnown(kNationalLevelNames, value);
}
bool IsKnownMeasure(int value) {
  return value >= 1 && value <= kMaxMeasureValue;  // dense; on the hot path
}
bool IsKnownViolationType(int value) {
  // A switch, not a table scan: this runs for every decision of every rating.
  switch (static_cast<ViolationType>(value)) {
    case ViolationType::kBuildingWithoutEiaApproval:
    case ViolationType::kOperatingBeforeAcceptance:
    case ViolationType::kMajorChangeWithoutNewApproval:
    case ViolationType::kTotalLoadQuotaExceeded:
    case ViolationType::kHiddenPipesSeepagePitsOrBypasses:
    case ViolationType::kIllegalHazardousWasteDisposal:
    case ViolationType::kExceedingDischargeStandards:
    case ViolationType::kTamperingWithMonitoringData:
    case ViolationType::kAbnormalOperationOfFacilities:
    case ViolationType::kDischargeWithoutPermit:
    case ViolationType::kOther:
      return true;
    case ViolationType::kUnspecified:
      break;
  }
  return false;
}
bool IsKnownCommitmentKind(int value) { return value >= 1 && value <= 3; }
bool IsKnownIncidentGrade(int value) { return value >= 1 && value <= 2; }
bool IsKnownPolicyModel(int value) { return IsKnown(kPolicyModelNames, value); }
bool IsKnownRatingFlag(int value) { return IsKnown(kRatingFlagNames, value); }

}  // namespace envcredit::scoring
