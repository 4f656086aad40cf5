#include "scoring/records.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace envcredit::scoring {
namespace {

absl::Status Bad(std::string field, const std::string& message) {
  return InvalidArgument(field, "INVALID_SCORING_RECORD", message);
}

}  // namespace

absl::Status ValidateRecords(const EnterpriseRecords& records) {
  for (size_t i = 0; i < records.decisions.size(); ++i) {
    const PenaltyDecision& d = records.decisions[i];
    if (!IsKnownViolationType(static_cast<int>(d.violation_type))) {
      return Bad(absl::StrCat("decisions[", i, "].violation_type"),
                 absl::StrCat("decision ", d.decision_number,
                              ": unknown or unspecified violation type ",
                              static_cast<int>(d.violation_type)));
    }
    if (d.measures.empty()) {
      return Bad(
          absl::StrCat("decisions[", i, "].measures"),
          absl::StrCat("decision ", d.decision_number, " carries no measure"));
    }
    for (size_t j = 0; j < d.measures.size(); ++j) {
      if (!IsKnownMeasure(static_cast<int>(d.measures[j]))) {
        return Bad(absl::StrCat("decisions[", i, "].measures[", j, "]"),
                   absl::StrCat("decision ", d.decision_number,
                                ": unknown or unspecified measure ",
                                static_cast<int>(d.measures[j])));
      }
    }
  }
  for (size_t i = 0; i < records.commitments.size(); ++i) {
    if (!IsKnownCommitmentKind(static_cast<int>(records.commitments[i].kind))) {
      return Bad(absl::StrCat("commitments[", i, "].kind"),
                 "unknown or unspecified commitment kind");
    }
  }
  for (size_t i = 0; i < records.incidents.size(); ++i) {
    if (!IsKnownIncidentGrade(static_cast<int>(records.incidents[i].grade))) {
      return Bad(absl::StrCat("incidents[", i, "].grade"),
                 "unknown or unspecified incident grade");
    }
  }
  return absl::OkStatus();
}

}  // namespace envcredit::scoring
