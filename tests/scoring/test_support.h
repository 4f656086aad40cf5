// Helpers shared by the scoring tests: the shipped policies, loaded from the
// source tree (ENVCREDIT_POLICY_DIR), and small builders for records.
#ifndef ENVCREDIT_TESTS_SCORING_TEST_SUPPORT_H_
#define ENVCREDIT_TESTS_SCORING_TEST_SUPPORT_H_

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "scoring/engine.h"
#include "scoring/policy.h"
#include "scoring/policy_text/policy_text.h"
#include "scoring/records.h"

namespace envcredit::scoring::testing {

inline std::string PolicyPath(const std::string& file) {
  return std::string(ENVCREDIT_POLICY_DIR) + "/" + file;
}

// The shipped policies, loaded once. A load failure fails the test run.
inline const Policy& LoadOrDie(const std::string& file) {
  absl::StatusOr<Policy> policy = LoadPolicyFile(PolicyPath(file));
  if (!policy.ok()) {
    ADD_FAILURE() << policy.status();
    std::abort();
  }
  return *new Policy(*std::move(policy));  // leaked on purpose: test-only
}
inline const Policy& DefaultPolicy() {
  static const Policy& policy = LoadOrDie("default.textproto");
  return policy;
}
inline const Policy& AnnualPolicy() {
  static const Policy& policy = LoadOrDie("annual-accumulation.textproto");
  return policy;
}

inline absl::CivilDay Day(int y, int m, int d) {
  return absl::CivilDay(y, m, d);
}

inline PenaltyDecision Decision(
    std::string number, absl::CivilDay date, std::vector<Measure> measures,
    ViolationType type = ViolationType::kExceedingDischargeStandards) {
  PenaltyDecision d;
  d.decision_number = std::move(number);
  d.authority = "test bureau";
  d.violation_type = type;
  d.decision_date = date;
  d.measures = std::move(measures);
  return d;
}

inline PenaltyDecision Tampering(PenaltyDecision d) {
  d.tampering = true;
  return d;
}

inline PenaltyDecision Revoked(PenaltyDecision d) {
  d.revoked = true;
  return d;
}

inline Commitment PublicCreditCommitment(absl::CivilDay signed_on) {
  return Commitment{"CC-1", CommitmentKind::kCreditCommitment, signed_on, true};
}

inline BrokenCommitmentItem Broken(std::string ref, absl::CivilDay found) {
  return BrokenCommitmentItem{std::move(ref), found};
}

inline Incident MakeIncident(std::string ref, absl::CivilDay date,
                             IncidentGrade grade) {
  return Incident{std::move(ref), date, grade};
}

// Rates and fails the test (returning a default Rating) on error.
inline Rating RateOrFail(const EnterpriseRecords& records, absl::CivilDay as_of,
                         const Policy& policy) {
  absl::StatusOr<Rating> rating = Rate(records, as_of, policy);
  EXPECT_TRUE(rating.ok()) << rating.status();
  return rating.ok() ? *std::move(rating) : Rating();
}

}  // namespace envcredit::scoring::testing

#endif  // ENVCREDIT_TESTS_SCORING_TEST_SUPPORT_H_
