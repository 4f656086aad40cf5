// The policy loader: both shipped policies and the region map load; each kind
// of broken policy is refused with the right line, field and reason.
//
// Broken policies are made by editing one line of a small valid policy; the
// expected line is the line the edit put the fault on (found by searching
// the text for the edited line), never a number read from the loader.
#include "scoring/policy_text/policy_text.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scoring/test_support.h"

namespace envcredit::scoring {
namespace {

using ::testing::HasSubstr;
using testing::PolicyPath;

// A small valid rolling policy, one field per line where it matters.
// clang-format off
constexpr char kValid[] = R"pb(# a test policy
id: "test"
version: 3
name: "test policy"
effective_date: "2024-01-01"
model: ROLLING_VALIDITY
base_points: 9
max_points: 12
level_bands { level: GREEN min_points: 11 max_points: 12 national_level: NATIONAL_TRUSTWORTHY }
level_bands {
  level: BLUE
  min_points: 6
  max_points: 10
  national_level: NATIONAL_GOOD
}
level_bands { level: YELLOW min_points: 3 max_points: 5 national_level: NATIONAL_WARNING }
level_bands { level: RED min_points: 1 max_points: 2 national_level: NATIONAL_POOR }
level_bands { level: BLACK max_points: 0 national_level: NATIONAL_POOR }
veto_level: RED
measure_rules { measure: WARNING points: 1 validity_months: 6 }
measure_rules { measure: ORDER_TO_CORRECT points: 1 validity_months: 6 }
measure_rules {
  measure: FINE
  points: 3
  validity_months: 6
}
measure_rules { measure: DAILY_CONTINUOUS_PENALTY points: 3 validity_months: 6 refused_to_correct: true }
measure_rules { measure: PRODUCTION_LIMIT points: 3 validity_months: 6 }
measure_rules { measure: SEAL_OR_SEIZURE points: 3 validity_months: 6 }
measure_rules { measure: SUSPENSION_FOR_RECTIFICATION validity_months: 12 veto: true }
measure_rules { measure: COURT_ENFORCEMENT validity_months: 12 veto: true }
measure_rules { measure: LICENCE_REVOCATION validity_months: 12 veto: true }
measure_rules { measure: TRANSFER_FOR_ADMINISTRATIVE_DETENTION validity_months: 12 veto: true }
measure_rules { measure: TRANSFER_FOR_CRIMINAL_INVESTIGATION points: 12 validity_months: 12 }
repeat_offender_rule { min_decisions: 3 window_months: 12 cap_level: RED }
honor_list { level: GREEN clean_months: 24 }
black_list { level: BLACK min_publication_months: 12 max_publication_months: 36 }
list_notice_days: 15
)pb";
// clang-format on

// The 1-based line of the first line of `text` containing `needle`.
int LineOf(const std::string& text, const std::string& needle) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(needle) != std::string::npos) return i + 1;
  }
  ADD_FAILURE() << "no line contains " << needle;
  return -1;
}

// kValid with `from` replaced by `to` (which must occur exactly once).
std::string Edit(const std::string& from, const std::string& to) {
  std::string text = kValid;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// The issue reported for `field`, or a failure.
PolicyTextIssue IssueFor(const std::vector<PolicyTextIssue>& issues,
                         const std::string& field) {
  for (const PolicyTextIssue& issue : issues) {
    if (issue.field == field) return issue;
  }
  std::string all;
  for (const PolicyTextIssue& issue : issues) {
    all += std::to_string(issue.line) + " " + issue.field + ": " +
           issue.message + "\n";
  }
  ADD_FAILURE() << "no issue for " << field << "; issues:\n" << all;
  return PolicyTextIssue();
}

TEST(PolicyText, TheValidTestPolicyLoads) {
  EXPECT_TRUE(FindPolicyTextProblems(kValid).empty());
  absl::StatusOr<Policy> policy = ParsePolicyText(kValid, "test.textproto");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->id, "test");
  EXPECT_EQ(policy->version, 3);
  EXPECT_EQ(policy->effective_date, absl::CivilDay(2024, 1, 1));
  EXPECT_EQ(policy->level_bands.size(), 5u);
  EXPECT_FALSE(policy->level_bands[4].min_points.has_value());
  EXPECT_EQ(policy->level_bands[4].max_points, 0);
}

TEST(PolicyText, TheDefaultPolicyFileLoads) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(PolicyPath("default.textproto"));
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->id, "default");
  EXPECT_EQ(policy->model, PolicyModel::kRollingValidity);
  EXPECT_EQ(policy->base_points, 9);
  EXPECT_EQ(policy->max_points, 12);
  EXPECT_EQ(policy->measure_rules.size(), 11u);
  ASSERT_NE(policy->FindMeasureRule(Measure::kFine), nullptr);
  EXPECT_EQ(policy->FindMeasureRule(Measure::kFine)->points, 3);
  EXPECT_EQ(policy->FindMeasureRule(Measure::kFine)->validity_months, 6);
  ASSERT_TRUE(policy->veto_list_rule.has_value());
  EXPECT_EQ(policy->veto_list_rule->violation_types.size(), 6u);
  EXPECT_EQ(policy->LevelForPoints(12), Level::kGreen);
  EXPECT_EQ(policy->LevelForPoints(6), Level::kBlue);
  EXPECT_EQ(policy->LevelForPoints(5), Level::kYellow);
  EXPECT_EQ(policy->LevelForPoints(1), Level::kRed);
  EXPECT_EQ(policy->LevelForPoints(-40), Level::kBlack);
}

TEST(PolicyText, TheAnnualPolicyFileLoads) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(PolicyPath("annual-accumulation.textproto"));
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->id, "annual-accumulation");
  EXPECT_EQ(policy->model, PolicyModel::kCalendarYearAccumulation);
  EXPECT_FALSE(policy->bonus_rule.has_value());
  EXPECT_FALSE(policy->black_list.has_value());
  EXPECT_EQ(policy->WorstLevel(), Level::kRed);
  EXPECT_EQ(policy->LevelForPoints(0), Level::kGreen);
  EXPECT_EQ(policy->LevelForPoints(3), Level::kBlue);
  EXPECT_EQ(policy->LevelForPoints(4), Level::kYellow);
  EXPECT_EQ(policy->LevelForPoints(11), Level::kYellow);
  EXPECT_EQ(policy->LevelForPoints(12), Level::kRed);
  EXPECT_EQ(policy->LevelForPoints(500), Level::kRed);
}

TEST(PolicyText, TheCatalogMapsRegionsToPolicies) {
  absl::StatusOr<PolicyCatalog> catalog =
      LoadPolicyCatalog(ENVCREDIT_POLICY_DIR);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(catalog->policies.size(), 2u);
  EXPECT_EQ(catalog->ForRegion("640104").id, "annual-accumulation");
  EXPECT_EQ(catalog->ForRegion("320100").id, "default");
  EXPECT_EQ(catalog->ForRegion("6").id, "default");
  EXPECT_NE(catalog->Find("default"), nullptr);
  EXPECT_EQ(catalog->Find("nope"), nullptr);
}

TEST(RegionMap, LongestPrefixWins) {
  RegionPolicyMap map;
  map.default_policy_id = "default";
  map.rules = {{"64", "annual"}, {"6401", "city"}, {"640104", "district"}};
  EXPECT_EQ(map.PolicyIdFor("640104"), "district");
  EXPECT_EQ(map.PolicyIdFor("640105"), "city");
  EXPECT_EQ(map.PolicyIdFor("642200"), "annual");
  EXPECT_EQ(map.PolicyIdFor("110000"), "default");
}

TEST(PolicyText, SyntaxErrorNamesTheLine) {
  const std::string text = Edit("version: 3", "version: three");
  const auto issues = FindPolicyTextProblems(text);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].line, LineOf(text, "version: three"));
  absl::StatusOr<Policy> policy = ParsePolicyText(text, "bad.textproto");
  ASSERT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(policy.status()), "POLICY_SYNTAX_ERROR");
  EXPECT_THAT(std::string(policy.status().message()),
              HasSubstr("bad.textproto:" +
                        std::to_string(LineOf(text, "version: three")) + ":"));
}

TEST(PolicyText, UnknownMeasureNamesTheLine) {
  const std::string text = Edit("measure: SEAL_OR_SEIZURE", "measure: SEALING");
  const auto issues = FindPolicyTextProblems(text);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].line, LineOf(text, "SEALING"));
  EXPECT_THAT(issues[0].message, HasSubstr("SEALING"));
}

TEST(PolicyText, UnknownFieldNamesTheLine) {
  const std::string text = Edit("base_points: 9", "start_points: 9");
  const auto issues = FindPolicyTextProblems(text);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].line, LineOf(text, "start_points"));
  EXPECT_THAT(issues[0].message, HasSubstr("start_points"));
}

TEST(PolicyText, GapBetweenThresholds) {
  const std::string text = Edit("  min_points: 6\n", "  min_points: 7\n");
  const auto issues = FindPolicyTextProblems(text);
  const PolicyTextIssue issue = IssueFor(issues, "level_bands[1].min_points");
  EXPECT_EQ(issue.line, LineOf(text, "min_points: 7"));
  EXPECT_THAT(issue.message, HasSubstr("gap: points 6..6"));
  absl::StatusOr<Policy> policy = ParsePolicyText(text, "gap.textproto");
  EXPECT_EQ(ErrorReason(policy.status()), "INVALID_POLICY");
  EXPECT_EQ(ErrorField(policy.status()), "level_bands[1].min_points");
}

TEST(PolicyText, OverlapBetweenThresholds) {
  const std::string text = Edit("level: YELLOW min_points: 3 max_points: 5",
                                "level: YELLOW min_points: 3 max_points: 6");
  const auto issues = FindPolicyTextProblems(text);
  // BLUE (6..10) starts inside YELLOW (3..6): the fault is on BLUE's start.
  const PolicyTextIssue issue = IssueFor(issues, "level_bands[1].min_points");
  EXPECT_EQ(issue.line, LineOf(text, "  min_points: 6"));
  EXPECT_THAT(issue.message, HasSubstr("overlap"));
}

TEST(PolicyText, OpenLowestBandRequiredUnderRollingValidity) {
  const std::string text = Edit("level: BLACK max_points: 0",
                                "level: BLACK min_points: -5 max_points: 0");
  const PolicyTextIssue issue =
      IssueFor(FindPolicyTextProblems(text), "level_bands[4].min_points");
  EXPECT_EQ(issue.line, LineOf(text, "level: BLACK"));
  EXPECT_THAT(issue.message, HasSubstr("below -5"));
}

TEST(PolicyText, BandsOutOfOrder) {
  const std::string text = Edit(
      "level: RED min_points: 1 max_points: 2 national_level: NATIONAL_POOR",
      "level: RED min_points: 11 max_points: 12 national_level: NATIONAL_POOR");
  const auto issues = FindPolicyTextProblems(text);
  EXPECT_FALSE(issues.empty());
  bool overlap = false;
  for (const auto& issue : issues) {
    overlap = overlap || issue.message.find("overlap") != std::string::npos;
  }
  EXPECT_TRUE(overlap);

  const std::string swapped = Edit("level_bands { level: YELLOW min_points: 3",
                                   "level_bands { level: RED min_points: 3");
  const std::string swapped2 = absl::StrReplaceAll(
      swapped, {{"level_bands { level: RED min_points: 1",
                 "level_bands { level: YELLOW min_points: 1"}});
  const PolicyTextIssue issue =
      IssueFor(FindPolicyTextProblems(swapped2), "level_bands[2].level");
  EXPECT_EQ(issue.line, LineOf(swapped2, "level: RED min_points: 3"));
  EXPECT_THAT(issue.message, HasSubstr("out of order"));
}

TEST(PolicyText, NegativeValidityNamesTheLine) {
  const std::string text =
      Edit("  validity_months: 6\n", "  validity_months: -6\n");
  const PolicyTextIssue issue = IssueFor(FindPolicyTextProblems(text),
                                         "measure_rules[2].validity_months");
  EXPECT_EQ(issue.line, LineOf(text, "validity_months: -6"));
  EXPECT_THAT(issue.message, HasSubstr("negative validity"));
}

TEST(PolicyText, NegativePoints) {
  const std::string text = Edit("  points: 3\n", "  points: -3\n");
  const PolicyTextIssue issue =
      IssueFor(FindPolicyTextProblems(text), "measure_rules[2].points");
  EXPECT_EQ(issue.line, LineOf(text, "points: -3"));
}

TEST(PolicyText, MissingLevel) {
  const std::string text = Edit(
      "level_bands { level: YELLOW min_points: 3 max_points: 5 national_level: "
      "NATIONAL_WARNING }\n",
      "");
  const auto issues = FindPolicyTextProblems(text);
  const PolicyTextIssue issue = IssueFor(issues, "level_bands");
  EXPECT_THAT(issue.message, HasSubstr("missing level YELLOW"));
  EXPECT_EQ(issue.line, LineOf(text, "level_bands"));  // the first band
  // And the hole it leaves is a gap.
  const PolicyTextIssue gap = IssueFor(issues, "level_bands[1].min_points");
  EXPECT_THAT(gap.message, HasSubstr("gap: points 3..5"));
}

TEST(PolicyText, MissingMeasure) {
  const std::string text = Edit(
      "measure_rules { measure: SEAL_OR_SEIZURE points: 3 validity_months: 6 "
      "}\n",
      "");
  const PolicyTextIssue issue =
      IssueFor(FindPolicyTextProblems(text), "measure_rules");
  EXPECT_THAT(issue.message, HasSubstr("missing measure SEAL_OR_SEIZURE"));
  EXPECT_EQ(issue.line, LineOf(text, "measure_rules"));
}

TEST(PolicyText, DuplicateMeasure) {
  const std::string text =
      Edit("measure_rules { measure: ORDER_TO_CORRECT points: 1",
           "measure_rules { measure: WARNING points: 1");
  const auto issues = FindPolicyTextProblems(text);
  const PolicyTextIssue issue = IssueFor(issues, "measure_rules[1].measure");
  EXPECT_EQ(issue.line,
            LineOf(text, "measure_rules { measure: WARNING points: 1") + 1);
  EXPECT_THAT(issue.message, HasSubstr("duplicate measure WARNING"));
}

TEST(PolicyText, BadDate) {
  const std::string text =
      Edit("effective_date: \"2024-01-01\"", "effective_date: \"2024-13-01\"");
  const PolicyTextIssue issue =
      IssueFor(FindPolicyTextProblems(text), "effective_date");
  EXPECT_EQ(issue.line, LineOf(text, "effective_date"));
}

TEST(PolicyText, BadVersionAndId) {
  const std::string text = absl::StrReplaceAll(
      kValid,
      {{"version: 3", "version: 0"}, {"id: \"test\"", "id: \"Test Policy\""}});
  const auto issues = FindPolicyTextProblems(text);
  EXPECT_EQ(IssueFor(issues, "version").line, LineOf(text, "version: 0"));
  EXPECT_EQ(IssueFor(issues, "id").line, LineOf(text, "id: \"Test Policy\""));
}

TEST(PolicyText, MissingMaxPointsHasNoLine) {
  const std::string text = Edit("max_points: 12\n", "");
  const PolicyTextIssue issue =
      IssueFor(FindPolicyTextProblems(text), "max_points");
  EXPECT_EQ(issue.line, 0);  // absent from the file
  absl::StatusOr<Policy> policy = ParsePolicyText(text, "p.textproto");
  EXPECT_THAT(std::string(policy.status().message()),
              HasSubstr("p.textproto: max_points: max_points is required"));
}

TEST(PolicyText, ReferenceToALevelWithoutBand) {
  const std::string text = absl::StrReplaceAll(
      kValid, {{"level_bands { level: BLACK max_points: 0 national_level: "
                "NATIONAL_POOR }\n",
                ""},
               {"level: RED min_points: 1", "level: RED"}});
  const PolicyTextIssue issue =
      IssueFor(FindPolicyTextProblems(text), "black_list.level");
  EXPECT_EQ(issue.line, LineOf(text, "black_list"));
  EXPECT_THAT(issue.message, HasSubstr("BLACK has no entry"));
}

TEST(PolicyText, ValidityUnderAnnualModelIsRefused) {
  std::string text = absl::StrReplaceAll(
      kValid,
      {{"model: ROLLING_VALIDITY", "model: CALENDAR_YEAR_ACCUMULATION"}});
  const auto issues = FindPolicyTextProblems(text);
  EXPECT_EQ(IssueFor(issues, "base_points").line, LineOf(text, "base_points"));
  EXPECT_EQ(IssueFor(issues, "measure_rules[0].validity_months").line,
            LineOf(text, "measure: WARNING"));
}

TEST(PolicyText, StatusListsEveryProblem) {
  const std::string text = absl::StrReplaceAll(
      kValid, {{"version: 3", "version: -1"},
               {"  validity_months: 6\n", "  validity_months: -6\n"}});
  absl::StatusOr<Policy> policy = ParsePolicyText(text, "two.textproto");
  ASSERT_FALSE(policy.ok());
  const std::string message(policy.status().message());
  EXPECT_THAT(message, HasSubstr("two.textproto:" +
                                 std::to_string(LineOf(text, "version: -1")) +
                                 ":1: version: "));
  EXPECT_THAT(message,
              HasSubstr("two.textproto:" +
                        std::to_string(LineOf(text, "validity_months: -6")) +
                        ":3: measure_rules[2].validity_months: negative"));
}

// Found by fuzz/policy_text_fuzzer: points near INT_MAX loaded, and the
// engine then overflowed (base_points + bonus, a level + downgrade_levels:
// undefined behaviour) or wrapped the sum of deductions around to a good
// level. Every points value is now bounded by kMaxPolicyPoints and a
// downgrade by the number of levels.
TEST(PolicyText, PointsThatCouldOverflowAreRefused) {
  struct Case {
    const char* from;
    const char* to;
    const char* field;
  };
  for (const Case& c : {
           Case{"  points: 3\n", "  points: 2147483647\n",
                "measure_rules[2].points"},
           Case{"base_points: 9", "base_points: -2000000", "base_points"},
           Case{"max_points: 12\n", "max_points: 1000001\n", "max_points"},
           Case{"level: RED min_points: 1", "level: RED min_points: -1000001",
                "level_bands[3].min_points"},
       }) {
    const std::string text = Edit(c.from, c.to);
    const PolicyTextIssue issue =
        IssueFor(FindPolicyTextProblems(text), c.field);
    EXPECT_THAT(issue.message, HasSubstr("is outside -1000000..1000000"))
        << c.to;
  }
  const std::string limit = Edit("  points: 3\n", "  points: 1000000\n");
  EXPECT_TRUE(FindPolicyTextProblems(limit).empty());

  const std::string downgrade = absl::StrCat(
      kValid,
      "incident_rules { grade: GENERAL points: 0 validity_months: 12 "
      "downgrade_levels: 2147483647 }\n");
  const PolicyTextIssue issue = IssueFor(FindPolicyTextProblems(downgrade),
                                         "incident_rules[0].downgrade_levels");
  EXPECT_THAT(issue.message, HasSubstr("more than 4"));
}

// Found by fuzz/policy_text_fuzzer: a value quoted in a problem message was
// copied raw, so an id holding "\n" broke the promised one line per
// problem. Quoted values are escaped now.
TEST(PolicyText, QuotedValuesStayOnTheirLine) {
  const std::string text = absl::StrReplaceAll(
      kValid,
      {{"id: \"test\"", "id: \"a\\nb.textproto:1:1: fake\""},
       {"effective_date: \"2024-01-01\"", "effective_date: \"2024\\n01\""}});
  absl::StatusOr<Policy> policy = ParsePolicyText(text, "x.textproto");
  ASSERT_FALSE(policy.ok());
  const std::vector<std::string> lines =
      absl::StrSplit(policy.status().message(), '\n');
  EXPECT_EQ(lines.size(), 2u) << policy.status().message();
  for (const std::string& line : lines) {
    EXPECT_THAT(line, ::testing::StartsWith("x.textproto:"));
  }
  EXPECT_THAT(std::string(policy.status().message()), HasSubstr("\\n"));
}

TEST(RegionMapText, ProblemsNameTheLine) {
  const std::string text =
      "default_policy_id: \"default\"\n"
      "rules { region_prefix: \"64\" policy_id: \"annual\" }\n"
      "rules { region_prefix: \"6a\" policy_id: \"x\" }\n"
      "rules { region_prefix: \"64\" policy_id: \"y\" }\n";
  const auto issues = FindRegionMapTextProblems(text);
  EXPECT_EQ(IssueFor(issues, "rules[1].region_prefix").line, 3);
  EXPECT_EQ(IssueFor(issues, "rules[2].region_prefix").line, 4);
  absl::StatusOr<RegionPolicyMap> map = ParseRegionMapText(text, "r");
  EXPECT_EQ(ErrorReason(map.status()), "INVALID_REGION_MAP");

  absl::StatusOr<RegionPolicyMap> shipped =
      LoadRegionMapFile(PolicyPath("regions.textproto"));
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(shipped->default_policy_id, "default");
}

TEST(PolicyCatalogFiles, IdMustMatchTheFileName) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("envcredit_policy_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "regions.textproto") << "default_policy_id: \"other\"\n";
  std::ofstream(dir / "other.textproto") << kValid;  // its id is "test"
  absl::StatusOr<PolicyCatalog> catalog = LoadPolicyCatalog(dir.string());
  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(catalog.status().message()),
              HasSubstr("differs from the file name"));

  std::filesystem::remove(dir / "other.textproto");
  catalog = LoadPolicyCatalog(dir.string());
  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrorReason(catalog.status()), "POLICY_FILE_NOT_FOUND");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace envcredit::scoring
