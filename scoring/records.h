// The records of one enterprise, as the scoring engine sees them: plain
// values with civil dates (no time of day), no protobuf, no SQL. The storage
// layer fills them from the database; tests build them by hand.
#ifndef ENVCREDIT_SCORING_RECORDS_H_
#define ENVCREDIT_SCORING_RECORDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "scoring/enums.h"

namespace envcredit::scoring {

// A penalty decision (行政处罚决定). One decision may carry several measures;
// a daily continuous penalty is recorded as a decision of its own.
struct PenaltyDecision {
  std::string decision_number;  // unique per authority; shown in explanations
  std::string authority;
  ViolationType violation_type = ViolationType::kUnspecified;
  absl::CivilDay decision_date;
  std::vector<Measure> measures;  // at least one
  // Tampering with monitoring data (篡改、伪造监测数据). A decision whose
  // violation type is kTamperingWithMonitoringData is treated as flagged too.
  bool tampering = false;
  // Revoked by administrative review or a court: never counts, never resets
  // the bonus, never counts towards a repeat offence.
  bool revoked = false;
};

// A signed commitment letter (承诺). Only the kinds a policy's bonus rule
// names (the default: a public credit commitment 信用承诺书) earn a bonus.
struct Commitment {
  std::string reference;
  CommitmentKind kind = CommitmentKind::kUnspecified;
  absl::CivilDay signing_date;
  bool is_public = false;  // 亮诺
};

// One item of a commitment that was checked and found broken (违诺).
struct BrokenCommitmentItem {
  std::string reference;  // e.g. "CL-2024-007 item 3"; shown in explanations
  absl::CivilDay found_broken_date;
};

// An environmental incident (突发环境事件).
struct Incident {
  std::string reference;
  absl::CivilDay date;
  IncidentGrade grade = IncidentGrade::kUnspecified;
};

// Everything the engine needs to rate one enterprise. Records dated after the
// as-of date are ignored, so the same value can be rated on any date.
struct EnterpriseRecords {
  std::vector<PenaltyDecision> decisions;
  std::vector<Commitment> commitments;
  std::vector<BrokenCommitmentItem> broken_commitments;
  std::vector<Incident> incidents;
};

// Checks that every enum in `records` is a known, specified value and that
// every decision has at least one measure. Returns INVALID_ARGUMENT with the
// reason INVALID_SCORING_RECORD and the field path (e.g.
// "decisions[2].measures[0]") of the first bad value.
absl::Status ValidateRecords(const EnterpriseRecords& records);

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_RECORDS_H_
