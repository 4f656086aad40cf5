// Fuzzes the policy loader (scoring/policy_text/policy_text.h): every input
// is read both as a policy file and as a region map.
//
// Properties, besides "no crash, no sanitizer report":
//  - a refusal is INVALID_ARGUMENT with reason POLICY_SYNTAX_ERROR or
//    INVALID_POLICY (INVALID_REGION_MAP), one message line per problem that
//    Find*TextProblems reports, each starting with the source name, each at
//    a line of the file (or 0 for a field the file leaves out);
//  - Parse* succeeds exactly when Find*TextProblems finds nothing;
//  - an accepted policy passes FindPolicyProblems, maps every points value a
//    rating can have to a level (LevelForPoints is never UNSPECIFIED up to
//    max_points under ROLLING_VALIDITY, from 0 under
//    CALENDAR_YEAR_ACCUMULATION), and the engine rates
//    a fixed, busy set of records under it on several dates without error,
//    giving a level the policy has and an explanation that accounts for
//    every point (the invariants of scoring/rating.h, summed in 64 bits so
//    a wrap-around shows): what the loader accepts, the engine can use;
//  - an accepted region map has a default and answers PolicyIdFor exactly
//    as a plain longest-prefix search over its rules does.
#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "fuzz/fuzz_check.h"
#include "scoring/engine.h"
#include "scoring/policy.h"
#include "scoring/policy_text/policy_text.h"
#include "scoring/records.h"

namespace {

namespace sc = ::envcredit::scoring;
using ::envcredit::fuzz::Quote;

constexpr char kSource[] = "fuzz.textproto";

int LineCount(absl::string_view text) {
  int lines = 1;
  for (char c : text) lines += c == '\n';
  return lines;
}

void CheckRefusal(const absl::Status& status,
                  const std::vector<sc::PolicyTextIssue>& issues,
                  absl::string_view content, absl::string_view invalid_reason) {
  const std::string reason = envcredit::ErrorReason(status);
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument &&
                 (reason == "POLICY_SYNTAX_ERROR" || reason == invalid_reason),
             status.ToString());
  FUZZ_CHECK(!issues.empty(),
             absl::StrCat(Quote(content), ": ", status.ToString()));
  const std::vector<absl::string_view> lines =
      absl::StrSplit(status.message(), '\n');
  FUZZ_CHECK(lines.size() >= issues.size(), status.ToString());
  for (absl::string_view line : lines) {
    FUZZ_CHECK(absl::StartsWith(line, absl::StrCat(kSource, ":")),
               status.ToString());
  }
  const int last_line = LineCount(content);
  for (const sc::PolicyTextIssue& issue : issues) {
    FUZZ_CHECK(
        issue.line >= 0 && issue.line <= last_line + 1 && issue.column >= 0,
        absl::StrCat(Quote(content), ": line ", issue.line, " column ",
                     issue.column, " ", issue.field, " ", issue.message));
  }
}

sc::EnterpriseRecords BusyRecords() {
  sc::EnterpriseRecords records;
  int n = 0;
  for (int m = 1; m <= sc::kMaxMeasureValue; ++m) {
    sc::PenaltyDecision d;
    d.decision_number = absl::StrCat("D-", ++n);
    d.authority = "fuzz bureau";
    d.violation_type = m % 2 ? sc::ViolationType::kExceedingDischargeStandards
                             : sc::ViolationType::kBuildingWithoutEiaApproval;
    d.decision_date = absl::CivilDay(2020 + m % 5, 1 + m, 1 + 2 * m);
    d.measures = {static_cast<sc::Measure>(m)};
    if (m % 3 == 0) d.measures.push_back(sc::Measure::kFine);
    d.tampering = m == 4;
    d.revoked = m == 7;
    records.decisions.push_back(d);
  }
  sc::PenaltyDecision tampering;
  tampering.decision_number = "D-T";
  tampering.authority = "fuzz bureau";
  tampering.violation_type = sc::ViolationType::kTamperingWithMonitoringData;
  tampering.decision_date = absl::CivilDay(2023, 5, 31);
  tampering.measures = {sc::Measure::kWarning};
  records.decisions.push_back(tampering);
  records.commitments.push_back({"C-1", sc::CommitmentKind::kCreditCommitment,
                                 absl::CivilDay(2019, 2, 28), true});
  records.commitments.push_back({"C-2",
                                 sc::CommitmentKind::kResponsibilityLetter,
                                 absl::CivilDay(2021, 12, 31), false});
  records.broken_commitments.push_back(
      {"C-2 item 1", absl::CivilDay(2022, 3, 1)});
  records.incidents.push_back(
      {"I-1", absl::CivilDay(2022, 8, 8), sc::IncidentGrade::kGeneral});
  records.incidents.push_back(
      {"I-2", absl::CivilDay(2024, 2, 29), sc::IncidentGrade::kLargerOrAbove});
  return records;
}

// The invariants scoring/rating.h promises, with the sum done in 64 bits:
// every point is accounted for and nothing wraps around.
void CheckExplanation(const sc::Rating& rating, const sc::Policy& policy,
                      absl::string_view content) {
  const sc::Explanation& e = rating.explanation;
  long long sum = static_cast<long long>(e.base_points) +
                  e.bonus.commitment_points + e.bonus.clean_year_points;
  for (const sc::CountingRecord& record : e.records) sum += record.points;
  FUZZ_CHECK(
      e.points_before_cap == sum,
      absl::StrCat(Quote(content), ": points_before_cap ", e.points_before_cap,
                   " but base + bonus + records = ", sum));
  const long long capped = e.cap ? std::min<long long>(sum, *e.cap) : sum;
  FUZZ_CHECK(rating.points == capped,
             absl::StrCat(Quote(content), ": points ", rating.points,
                          ", expected ", capped));
  FUZZ_CHECK(e.level_from_points == policy.LevelForPoints(rating.points),
             Quote(content));
  sc::Level level = e.level_from_points;
  for (const sc::LevelAdjustment& adjustment : e.adjustments) {
    FUZZ_CHECK(adjustment.before == level, Quote(content));
    level = adjustment.after;
  }
  FUZZ_CHECK(level == rating.level, Quote(content));
}

bool HasBandFor(const sc::Policy& policy, sc::Level level) {
  return policy.FindBand(level) != nullptr;
}

void CheckAcceptedPolicy(const sc::Policy& policy, absl::string_view content) {
  FUZZ_CHECK(sc::FindPolicyProblems(policy).empty(), Quote(content));
  std::vector<int> points = {INT_MIN, INT_MIN + 1, INT_MAX, INT_MAX - 1,
                             policy.base_points};
  if (policy.max_points) points.push_back(*policy.max_points);
  for (int p = -50; p <= 50; ++p) points.push_back(p);
  for (const sc::LevelBand& band : policy.level_bands) {
    for (const auto& bound : {band.min_points, band.max_points}) {
      if (!bound) continue;
      points.push_back(*bound);
      if (*bound > INT_MIN) points.push_back(*bound - 1);
      if (*bound < INT_MAX) points.push_back(*bound + 1);
    }
  }
  // The points a rating can have: up to max_points under ROLLING_VALIDITY,
  // 0 and up under CALENDAR_YEAR_ACCUMULATION.
  const bool rolling = policy.model == sc::PolicyModel::kRollingValidity;
  for (int p : points) {
    if (rolling ? p > *policy.max_points : p < 0) continue;
    FUZZ_CHECK(policy.LevelForPoints(p) != sc::Level::kUnspecified,
               absl::StrCat(Quote(content), ": no level for ", p, " points"));
  }
  static const sc::EnterpriseRecords* const busy =
      new sc::EnterpriseRecords(BusyRecords());
  const sc::EnterpriseRecords empty;
  for (const sc::EnterpriseRecords* records : {&empty, busy}) {
    for (absl::CivilDay day :
         {absl::CivilDay(2019, 1, 1), absl::CivilDay(2021, 6, 30),
          absl::CivilDay(2022, 6, 30), absl::CivilDay(2022, 12, 31),
          absl::CivilDay(2023, 6, 30), absl::CivilDay(2024, 6, 30),
          absl::CivilDay(2024, 12, 31), absl::CivilDay(2040, 1, 1)}) {
      absl::StatusOr<sc::Rating> rating = sc::Rate(*records, day, policy);
      FUZZ_CHECK(rating.ok(), absl::StrCat(Quote(content), ": ",
                                           rating.status().ToString()));
      FUZZ_CHECK(rating->level != sc::Level::kUnspecified &&
                     HasBandFor(policy, rating->level),
                 absl::StrCat(Quote(content), ": level ",
                              static_cast<int>(rating->level), " on ",
                              absl::FormatCivilTime(day)));
      FUZZ_CHECK(rating->policy_id == policy.id &&
                     rating->policy_version == policy.version,
                 Quote(content));
      CheckExplanation(*rating, policy, content);
    }
  }
}

void CheckAcceptedRegionMap(const sc::RegionPolicyMap& map,
                            absl::string_view content) {
  FUZZ_CHECK(sc::FindRegionMapProblems(map).empty(), Quote(content));
  FUZZ_CHECK(!map.default_policy_id.empty(), Quote(content));
  std::vector<std::string> regions = {"000000", "999999", ""};
  for (const sc::RegionRule& rule : map.rules) {
    regions.push_back(rule.region_prefix);
    regions.push_back(rule.region_prefix + std::string(6, '0'));
    regions.push_back(rule.region_prefix + std::string(6, '9'));
    regions.push_back(
        rule.region_prefix.substr(0, rule.region_prefix.size() - 1));
  }
  for (std::string& region : regions) {
    if (region.size() > 6) region.resize(6);
    const std::string* expected = &map.default_policy_id;
    size_t longest = 0;
    for (const sc::RegionRule& rule : map.rules) {
      if (rule.region_prefix.size() > longest &&
          region.compare(0, rule.region_prefix.size(), rule.region_prefix) ==
              0 &&
          region.size() >= rule.region_prefix.size()) {
        longest = rule.region_prefix.size();
        expected = &rule.policy_id;
      }
    }
    const std::string& got = map.PolicyIdFor(region);
    FUZZ_CHECK(got == *expected && !got.empty(),
               absl::StrCat(Quote(content), ": region ", region, " -> ", got,
                            ", expected ", *expected));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  const absl::string_view text(content.data(), content.size());

  absl::StatusOr<sc::Policy> policy = sc::ParsePolicyText(content, kSource);
  const std::vector<sc::PolicyTextIssue> policy_issues =
      sc::FindPolicyTextProblems(content);
  FUZZ_CHECK(policy.ok() == policy_issues.empty(), Quote(text));
  if (policy.ok()) {
    CheckAcceptedPolicy(*policy, text);
  } else {
    CheckRefusal(policy.status(), policy_issues, text, "INVALID_POLICY");
  }

  absl::StatusOr<sc::RegionPolicyMap> map =
      sc::ParseRegionMapText(content, kSource);
  const std::vector<sc::PolicyTextIssue> map_issues =
      sc::FindRegionMapTextProblems(content);
  FUZZ_CHECK(map.ok() == map_issues.empty(), Quote(text));
  if (map.ok()) {
    CheckAcceptedRegionMap(*map, text);
  } else {
    CheckRefusal(map.status(), map_issues, text, "INVALID_REGION_MAP");
  }
  return 0;
}
