// A scoring policy as plain data, and the checks that make it usable.
//
// A policy says how records become points and points become a level: the
// level bands, the measure table (points, validity, veto), the tampering and
// national-veto-list rules, incidents, broken commitments, the bonus, the
// repeat-offender rule and the list criteria. Policies are written as
// Protobuf text files (policies/*.textproto, schema in
// scoring/policy_text/envcredit/policy/v1/policy.proto) and loaded by the
// envcredit_policy_text library; this header has no protobuf in it.
//
// Member names match the field names of the policy schema, so a field path
// reported by ValidatePolicy ("level_bands[2].min_points") names the field in
// the file too.
#ifndef ENVCREDIT_SCORING_POLICY_H_
#define ENVCREDIT_SCORING_POLICY_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "scoring/enums.h"

namespace envcredit::scoring {

// A range of points that maps to one level. An absent bound is open (the
// band extends without limit on that side). Bounds are inclusive.
struct LevelBand {
  Level level = Level::kUnspecified;
  std::optional<int> min_points;
  std::optional<int> max_points;
  NationalLevel national_level = NationalLevel::kUnspecified;
};

// What a decision carrying `measure` does. `points` is the size of the
// effect: subtracted under kRollingValidity, added under
// kCalendarYearAccumulation. `validity_months` is used only under
// kRollingValidity.
struct MeasureRule {
  Measure measure = Measure::kUnspecified;
  int points = 0;
  int validity_months = 0;
  bool veto = false;
  bool refused_to_correct = false;  // marks the enterprise 拒不改正
};

// Applies to a decision flagged as tampering with monitoring data, as if the
// decision carried one more measure.
struct TamperingRule {
  int points = 0;
  int validity_months = 0;
  bool veto = false;
};

// Applies to a decision whose violation type is on the list, as if the
// decision carried one more measure (the national veto list).
struct VetoListRule {
  std::vector<ViolationType> violation_types;
  int points = 0;
  int validity_months = 0;
  bool veto = false;
};

// Applies to each broken commitment item, from the date it was found broken.
struct BrokenCommitmentRule {
  int points = 0;
  int validity_months = 0;
};

// Applies to each incident of `grade`, from its date.
struct IncidentRule {
  IncidentGrade grade = IncidentGrade::kUnspecified;
  int points = 0;
  int validity_months = 0;
  int downgrade_levels = 0;  // levels down while the incident counts
  bool veto = false;
};

// The bonus (kRollingValidity only): `commitment_points` once an eligible
// commitment is on file, plus `points_per_clean_year` for each whole year
// since the later of the earliest eligible signing date and the latest
// breach (penalty decision or broken commitment), at most
// `max_clean_year_points`.
struct BonusRule {
  std::vector<CommitmentKind> commitment_kinds;
  bool require_public = false;
  int commitment_points = 0;
  int points_per_clean_year = 0;
  int max_clean_year_points = 0;
};

// `min_decisions` or more penalty decisions dated within the `window_months`
// ending on the as-of date make a repeat offender, whose level is at best
// `cap_level`.
struct RepeatOffenderRule {
  int min_decisions = 0;
  int window_months = 0;
  Level cap_level = Level::kUnspecified;
};

// HONOR_LIST (红榜, the honour roll): `level` on the as-of date and no
// penalty decision, broken commitment or incident in the `clean_months`
// ending on it.
struct HonorListRule {
  Level level = Level::kUnspecified;
  int clean_months = 0;
};

// BLACK_LIST (黑榜): `level` on the as-of date. An entry stays published at
// least `min_publication_months` before repair can be asked for and expires
// after `max_publication_months`.
struct BlackListRule {
  Level level = Level::kUnspecified;
  int min_publication_months = 0;
  int max_publication_months = 0;
};

struct Policy {
  std::string id;    // e.g. "default"; lower-case letters, digits, '-'
  int version = 0;   // >= 1; every rating names it
  std::string name;  // for people
  absl::CivilDay effective_date;
  PolicyModel model = PolicyModel::kUnspecified;

  int base_points = 0;            // kRollingValidity: the starting points
  std::optional<int> max_points;  // kRollingValidity: the cap

  std::vector<LevelBand> level_bands;
  Level veto_level = Level::kUnspecified;  // a veto caps the level at this

  std::vector<MeasureRule> measure_rules;  // exactly one per measure
  std::optional<TamperingRule> tampering_rule;
  std::optional<VetoListRule> veto_list_rule;
  std::optional<BrokenCommitmentRule> broken_commitment_rule;
  std::vector<IncidentRule> incident_rules;  // at most one per grade
  std::optional<BonusRule> bonus_rule;
  std::optional<RepeatOffenderRule> repeat_offender_rule;

  std::optional<HonorListRule> honor_list;
  std::optional<BlackListRule> black_list;
  // Days of public notice (公示) before a list is published; 1..90 when the
  // policy has either list.
  int list_notice_days = 0;

  // Lookups used by the engine; linear scans over a handful of entries.
  // nullptr when the policy has no rule for the value.
  const MeasureRule* FindMeasureRule(Measure measure) const;
  const IncidentRule* FindIncidentRule(IncidentGrade grade) const;
  const LevelBand* FindBand(Level level) const;
  // The level whose band holds `points`, or kUnspecified if none does (never
  // for a valid policy).
  Level LevelForPoints(int points) const;
  // The worst level the policy has (BLACK if it has one).
  Level WorstLevel() const;
};

// A problem with a policy: the path of the field at fault, in the schema's
// field names ("measure_rules[3].validity_months"; a repeated field's name
// alone when something is missing from it), and what is wrong.
struct PolicyIssue {
  std::string field;
  std::string message;
};

// The largest size of any points value in a policy (base_points, max_points,
// band bounds, the points of every rule, the bonus). Real policies use a
// dozen points; the bound keeps every sum the engine forms far inside an int.
inline constexpr int kMaxPolicyPoints = 1000000;

// Every problem ValidatePolicy finds, in a stable order (empty when the
// policy is valid): bad id or version, unspecified enums, gaps or overlaps
// between level bands, bands out of order, a missing level
// (GREEN/BLUE/YELLOW/RED are required; BLACK is optional), a missing or
// duplicate measure, negative points, points beyond +-kMaxPolicyPoints, a
// downgrade of more than 4 levels, negative or (under kRollingValidity)
// zero validity, fields that mean nothing under the policy's model, and list
// or cap levels the policy has no band for.
std::vector<PolicyIssue> FindPolicyProblems(const Policy& policy);

// OK if FindPolicyProblems finds nothing; otherwise INVALID_ARGUMENT with the
// reason INVALID_POLICY, the first issue's field, and every issue in the
// message, one per line.
absl::Status ValidatePolicy(const Policy& policy);

// Which policy rates an enterprise, by the region code (GB/T 2260, positions
// 3–8 of the credit code): the rule with the longest matching prefix wins;
// with none, `default_policy_id`.
struct RegionRule {
  std::string region_prefix;  // 1 to 6 digits
  std::string policy_id;
};

struct RegionPolicyMap {
  std::string default_policy_id;
  std::vector<RegionRule> rules;

  // The policy id for `region_code`. Never empty for a valid map.
  const std::string& PolicyIdFor(std::string_view region_code) const;
};

// Problems with a region map: empty default, prefixes that are not 1–6
// digits, duplicate prefixes, empty policy ids. Same conventions as
// FindPolicyProblems ("rules[1].region_prefix").
std::vector<PolicyIssue> FindRegionMapProblems(const RegionPolicyMap& map);

// The policies a server uses: the region map and every policy it names.
struct PolicyCatalog {
  RegionPolicyMap regions;
  std::map<std::string, Policy> policies;  // by id

  // The policy for an enterprise in `region_code` (longest prefix wins).
  const Policy& ForRegion(std::string_view region_code) const;
  // nullptr when there is no policy `id`.
  const Policy* Find(std::string_view id) const;
};

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_POLICY_H_
