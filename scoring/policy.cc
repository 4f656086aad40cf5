#include "scoring/policy.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"

namespace envcredit::scoring {
namespace {

// absl::string_view is not std::string_view in Debian's Abseil.
inline absl::string_view Sv(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
}  // namespace

const MeasureRule* Policy::FindMeasureRule(Measure measure) const {
  for (const MeasureRule& rule : measure_rules) {
    if (rule.measure == measure) return &rule;
  }
  return nullptr;
}

const IncidentRule* Policy::FindIncidentRule(IncidentGrade grade) const {
  for (const IncidentRule& rule : incident_rules) {
    if (rule.grade == grade) return &rule;
  }
  return nullptr;
}

const LevelBand* Policy::FindBand(Level level) const {
  for (const LevelBand& band : level_bands) {
    if (band.level == level) return &band;
  }
  return nullptr;
}

Level Policy::LevelForPoints(int points) const {
  for (const LevelBand& band : level_bands) {
    if (band.min_points && points < *band.min_points) continue;
    if (band.max_points && points > *band.max_points) continue;
    return band.level;
  }
  return Level::kUnspecified;
}

Level Policy::WorstLevel() const {
  Level worst = Level::kUnspecified;
  for (const LevelBand& band : level_bands) {
    worst = WorseLevel(worst, band.level);
  }
  return worst;
}

namespace {

class Problems {
 public:
  void Add(std::string field, std::string message) {
    issues_.push_back({std::move(field), std::move(message)});
  }
  std::vector<PolicyIssue> Take() { return std::move(issues_); }

 private:
  std::vector<PolicyIssue> issues_;
};

std::string Indexed(std::string_view field, size_t index) {
  return absl::StrCat(Sv(field), "[", index, "]");
}

std::string BandText(const LevelBand& band) {
  return absl::StrCat(
      Sv(LevelName(band.level)), " (",
      band.min_points ? absl::StrCat(*band.min_points) : std::string("-inf"),
      "..",
      band.max_points ? absl::StrCat(*band.max_points) : std::string("+inf"),
      ")");
}

bool IsRolling(const Policy& policy) {
  return policy.model == PolicyModel::kRollingValidity;
}

// A points value beyond +-kMaxPolicyPoints: the engine's sums could
// overflow (found by fuzz/policy_text_fuzzer).
void CheckPointsRange(const std::string& field, int points,
                      Problems& problems) {
  if (points > kMaxPolicyPoints || points < -kMaxPolicyPoints) {
    problems.Add(field, absl::StrCat(points, " is outside -", kMaxPolicyPoints,
                                     "..", kMaxPolicyPoints));
  }
}

// Checks the points and validity of one effect; `prefix` is its field path.
void CheckEffect(const Policy& policy, const std::string& prefix, int points,
                 int validity_months, Problems& problems) {
  if (points < 0) {
    problems.Add(absl::StrCat(prefix, ".points"),
                 absl::StrCat("points must not be negative (got ", points,
                              "); give the size of the effect"));
  }
  CheckPointsRange(absl::StrCat(prefix, ".points"), points, problems);
  if (validity_months < 0) {
    problems.Add(
        absl::StrCat(prefix, ".validity_months"),
        absl::StrCat("negative validity (", validity_months, " months)"));
  } else if (IsRolling(policy) && validity_months == 0) {
    problems.Add(absl::StrCat(prefix, ".validity_months"),
                 "validity_months must be positive under ROLLING_VALIDITY "
                 "(a record with no validity never counts)");
  } else if (!IsRolling(policy) && validity_months != 0) {
    problems.Add(absl::StrCat(prefix, ".validity_months"),
                 "validity_months has no meaning under "
                 "CALENDAR_YEAR_ACCUMULATION (records count in their "
                 "calendar year); leave it out");
  }
}

void CheckLevelReference(const Policy& policy, const std::string& field,
                         Level level, Problems& problems) {
  if (!IsKnownLevel(static_cast<int>(level))) {
    problems.Add(field, "level is missing or unspecified");
  } else if (policy.FindBand(level) == nullptr) {
    problems.Add(field, absl::StrCat("level ", Sv(LevelName(level)),
                                     " has no entry in level_bands"));
  }
}

void CheckBands(const Policy& policy, Problems& problems) {
  const auto& bands = policy.level_bands;
  if (bands.empty()) {
    problems.Add("level_bands", "no level_bands: every level needs a band");
    return;
  }
  bool bands_usable = true;
  for (size_t i = 0; i < bands.size(); ++i) {
    const LevelBand& band = bands[i];
    const std::string path = Indexed("level_bands", i);
    if (!IsKnownLevel(static_cast<int>(band.level))) {
      problems.Add(path + ".level", "level is missing or unspecified");
      bands_usable = false;
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (bands[j].level == band.level) {
        problems.Add(path + ".level",
                     absl::StrCat("duplicate level ", Sv(LevelName(band.level)),
                                  " (also level_bands[", j, "])"));
        bands_usable = false;
      }
    }
    if (band.min_points) {
      CheckPointsRange(path + ".min_points", *band.min_points, problems);
    }
    if (band.max_points) {
      CheckPointsRange(path + ".max_points", *band.max_points, problems);
    }
    if (!IsKnownNationalLevel(static_cast<int>(band.national_level))) {
      problems.Add(path + ".national_level",
                   "national_level is missing or unspecified");
    }
    if (band.min_points && band.max_points &&
        *band.min_points > *band.max_points) {
      problems.Add(path + ".max_points",
                   absl::StrCat("max_points ", *band.max_points,
                                " is below min_points ", *band.min_points));
      bands_usable = false;
    }
  }
  for (Level required :
       {Level::kGreen, Level::kBlue, Level::kYellow, Level::kRed}) {
    if (policy.FindBand(required) == nullptr) {
      problems.Add("level_bands",
                   absl::StrCat("missing level ", Sv(LevelName(required)),
                                " (GREEN, BLUE, YELLOW and RED are required)"));
    }
  }
  if (!bands_usable) return;

  // Order the bands by points and look for gaps, overlaps and wrong order.
  std::vector<size_t> order(bands.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto& ma = bands[a].min_points;
    const auto& mb = bands[b].min_points;
    if (!ma) return mb.has_value();
    if (!mb) return false;
    return *ma < *mb;
  });
  for (size_t k = 1; k < order.size(); ++k) {
    const LevelBand& low = bands[order[k - 1]];
    const LevelBand& high = bands[order[k]];
    const std::string path = Indexed("level_bands", order[k]);
    if (!high.min_points) {
      problems.Add(path + ".min_points",
                   absl::StrCat("overlap: ", BandText(high), " and ",
                                BandText(low), " both have no min_points"));
    } else if (!low.max_points) {
      problems.Add(path + ".min_points",
                   absl::StrCat("overlap: ", BandText(high), " lies inside ",
                                BandText(low)));
    } else if (*high.min_points <= *low.max_points) {
      problems.Add(path + ".min_points",
                   absl::StrCat("overlap: ", BandText(high), " and ",
                                BandText(low), " share points ",
                                *high.min_points, "..", *low.max_points));
    } else if (*high.min_points > *low.max_points + 1) {
      problems.Add(
          path + ".min_points",
          absl::StrCat("gap: points ", *low.max_points + 1, "..",
                       *high.min_points - 1, " between ", BandText(low),
                       " and ", BandText(high), " have no level"));
    }
    // Rolling: more points is better (a smaller Level value). Accumulation:
    // more points is worse.
    const bool ordered =
        IsRolling(policy)
            ? static_cast<int>(high.level) < static_cast<int>(low.level)
            : static_cast<int>(high.level) > static_cast<int>(low.level);
    if (!ordered) {
      problems.Add(path + ".level",
                   absl::StrCat("bands out of order: ", BandText(high),
                                " is above ", BandText(low), " but under ",
                                Sv(PolicyModelName(policy.model)),
                                IsRolling(policy)
                                    ? " more points must mean a better level"
                                    : " more points must mean a worse level"));
    }
  }
  const LevelBand& lowest = bands[order.front()];
  const LevelBand& highest = bands[order.back()];
  if (IsRolling(policy)) {
    if (lowest.min_points) {
      problems.Add(Indexed("level_bands", order.front()) + ".min_points",
                   absl::StrCat("gap: points below ", *lowest.min_points,
                                " have no level (deductions are unbounded; "
                                "leave min_points out of the lowest band)"));
    }
    if (highest.max_points && policy.max_points &&
        *highest.max_points < *policy.max_points) {
      problems.Add(Indexed("level_bands", order.back()) + ".max_points",
                   absl::StrCat("gap: points ", *highest.max_points + 1, "..",
                                *policy.max_points, " (up to max_points) ",
                                "have no level"));
    }
  } else {
    if (lowest.min_points && *lowest.min_points > 0) {
      problems.Add(Indexed("level_bands", order.front()) + ".min_points",
                   absl::StrCat("gap: points 0..", *lowest.min_points - 1,
                                " have no level"));
    }
    if (highest.max_points) {
      problems.Add(Indexed("level_bands", order.back()) + ".max_points",
                   absl::StrCat("gap: points above ", *highest.max_points,
                                " have no level (accumulated points are "
                                "unbounded; leave max_points out of the "
                                "highest band)"));
    }
  }
}

void CheckMeasures(const Policy& policy, Problems& problems) {
  for (size_t i = 0; i < policy.measure_rules.size(); ++i) {
    const MeasureRule& rule = policy.measure_rules[i];
    const std::string path = Indexed("measure_rules", i);
    if (!IsKnownMeasure(static_cast<int>(rule.measure))) {
      problems.Add(path + ".measure", "measure is missing or unspecified");
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (policy.measure_rules[j].measure == rule.measure) {
        problems.Add(
            path + ".measure",
            absl::StrCat("duplicate measure ", Sv(MeasureName(rule.measure)),
                         " (also measure_rules[", j, "])"));
      }
    }
    CheckEffect(policy, path, rule.points, rule.validity_months, problems);
  }
  for (int value = 1; value <= kMaxMeasureValue; ++value) {
    const Measure measure = static_cast<Measure>(value);
    if (policy.FindMeasureRule(measure) == nullptr) {
      problems.Add("measure_rules",
                   absl::StrCat("missing measure ", Sv(MeasureName(measure)),
                                ": every measure needs a rule"));
    }
  }
}

}  // namespace

std::vector<PolicyIssue> FindPolicyProblems(const Policy& policy) {
  Problems problems;
  if (policy.id.empty()) {
    problems.Add("id", "id is required");
  } else {
    for (char c : policy.id) {
      if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) {
        problems.Add("id", absl::StrCat("id \"", absl::CHexEscape(policy.id),
                                        "\" may hold only a-z, 0-9 and '-'"));
        break;
      }
    }
  }
  if (policy.version < 1) {
    problems.Add("version", absl::StrCat("version must be 1 or more (got ",
                                         policy.version, ")"));
  }
  if (!IsKnownPolicyModel(static_cast<int>(policy.model))) {
    problems.Add("model", "model is missing or unspecified");
    return problems.Take();  // nothing else can be judged without it
  }
  CheckPointsRange("base_points", policy.base_points, problems);
  if (policy.max_points) {
    CheckPointsRange("max_points", *policy.max_points, problems);
  }
  if (IsRolling(policy)) {
    if (!policy.max_points) {
      problems.Add("max_points",
                   "max_points is required under ROLLING_VALIDITY");
    } else if (policy.base_points > *policy.max_points) {
      problems.Add("base_points",
                   absl::StrCat("base_points ", policy.base_points,
                                " is above max_points ", *policy.max_points));
    }
  } else {
    if (policy.base_points != 0) {
      problems.Add("base_points",
                   "base_points must be 0 under CALENDAR_YEAR_ACCUMULATION");
    }
    if (policy.max_points) {
      problems.Add(
          "max_points",
          "max_points has no meaning under CALENDAR_YEAR_ACCUMULATION");
    }
    if (policy.bonus_rule) {
      problems.Add("bonus_rule",
                   "bonus_rule is only allowed under ROLLING_VALIDITY");
    }
  }

  CheckBands(policy, problems);
  CheckLevelReference(policy, "veto_level", policy.veto_level, problems);
  CheckMeasures(policy, problems);

  if (policy.tampering_rule) {
    CheckEffect(policy, "tampering_rule", policy.tampering_rule->points,
                policy.tampering_rule->validity_months, problems);
  }
  if (policy.veto_list_rule) {
    const VetoListRule& rule = *policy.veto_list_rule;
    if (rule.violation_types.empty()) {
      problems.Add("veto_list_rule.violation_types",
                   "veto_list_rule names no violation type");
    }
    for (size_t i = 0; i < rule.violation_types.size(); ++i) {
      const std::string path = Indexed("veto_list_rule.violation_types", i);
      if (!IsKnownViolationType(static_cast<int>(rule.violation_types[i]))) {
        problems.Add(path, "violation type is unspecified");
      }
      for (size_t j = 0; j < i; ++j) {
        if (rule.violation_types[j] == rule.violation_types[i]) {
          problems.Add(
              path,
              absl::StrCat("duplicate violation type ",
                           Sv(ViolationTypeName(rule.violation_types[i]))));
        }
      }
    }
    CheckEffect(policy, "veto_list_rule", rule.points, rule.validity_months,
                problems);
  }
  if (policy.broken_commitment_rule) {
    CheckEffect(policy, "broken_commitment_rule",
                policy.broken_commitment_rule->points,
                policy.broken_commitment_rule->validity_months, problems);
  }
  for (size_t i = 0; i < policy.incident_rules.size(); ++i) {
    const IncidentRule& rule = policy.incident_rules[i];
    const std::string path = Indexed("incident_rules", i);
    if (!IsKnownIncidentGrade(static_cast<int>(rule.grade))) {
      problems.Add(path + ".grade", "grade is missing or unspecified");
    }
    for (size_t j = 0; j < i; ++j) {
      if (policy.incident_rules[j].grade == rule.grade) {
        problems.Add(path + ".grade",
                     absl::StrCat("duplicate grade ",
                                  Sv(IncidentGradeName(rule.grade))));
      }
    }
    if (rule.downgrade_levels < 0) {
      problems.Add(path + ".downgrade_levels",
                   "downgrade_levels must not be negative");
    } else if (rule.downgrade_levels > 4) {
      problems.Add(path + ".downgrade_levels",
                   absl::StrCat("downgrade_levels ", rule.downgrade_levels,
                                " is more than 4 (there are five levels)"));
    }
    CheckEffect(policy, path, rule.points, rule.validity_months, problems);
  }
  if (policy.bonus_rule) {
    const BonusRule& rule = *policy.bonus_rule;
    if (rule.commitment_kinds.empty()) {
      problems.Add("bonus_rule.commitment_kinds",
                   "bonus_rule names no commitment kind");
    }
    for (size_t i = 0; i < rule.commitment_kinds.size(); ++i) {
      if (!IsKnownCommitmentKind(static_cast<int>(rule.commitment_kinds[i]))) {
        problems.Add(Indexed("bonus_rule.commitment_kinds", i),
                     "commitment kind is unspecified");
      }
    }
    if (rule.commitment_points < 0) {
      problems.Add("bonus_rule.commitment_points", "must not be negative");
    }
    if (rule.points_per_clean_year < 0) {
      problems.Add("bonus_rule.points_per_clean_year", "must not be negative");
    }
    if (rule.max_clean_year_points < 0) {
      problems.Add("bonus_rule.max_clean_year_points", "must not be negative");
    }
    CheckPointsRange("bonus_rule.commitment_points", rule.commitment_points,
                     problems);
    CheckPointsRange("bonus_rule.points_per_clean_year",
                     rule.points_per_clean_year, problems);
    CheckPointsRange("bonus_rule.max_clean_year_points",
                     rule.max_clean_year_points, problems);
  }
  if (policy.repeat_offender_rule) {
    const RepeatOffenderRule& rule = *policy.repeat_offender_rule;
    if (rule.min_decisions < 1) {
      problems.Add("repeat_offender_rule.min_decisions",
                   "min_decisions must be 1 or more");
    }
    if (rule.window_months < 1) {
      problems.Add("repeat_offender_rule.window_months",
                   "window_months must be 1 or more");
    }
    CheckLevelReference(policy, "repeat_offender_rule.cap_level",
                        rule.cap_level, problems);
  }
  if (policy.honor_list) {
    CheckLevelReference(policy, "honor_list.level", policy.honor_list->level,
                        problems);
    if (policy.honor_list->clean_months < 0) {
      problems.Add("honor_list.clean_months", "must not be negative");
    }
  }
  if (policy.black_list) {
    const BlackListRule& rule = *policy.black_list;
    CheckLevelReference(policy, "black_list.level", rule.level, problems);
    if (rule.min_publication_months < 0) {
      problems.Add("black_list.min_publication_months", "must not be negative");
    }
    if (rule.max_publication_months < rule.min_publication_months) {
      problems.Add(
          "black_list.max_publication_months",
          absl::StrCat("max_publication_months ", rule.max_publication_months,
                       " is below min_publication_months ",
                       rule.min_publication_months));
    }
  }
  if ((policy.honor_list || policy.black_list) &&
      (policy.list_notice_days < 1 || policy.list_notice_days > 90)) {
    problems.Add("list_notice_days",
                 absl::StrCat("must be 1..90 with a list rule, not ",
                              policy.list_notice_days));
  }
  return problems.Take();
}

absl::Status ValidatePolicy(const Policy& policy) {
  std::vector<PolicyIssue> issues = FindPolicyProblems(policy);
  if (issues.empty()) return absl::OkStatus();
  std::vector<std::string> lines;
  lines.reserve(issues.size());
  for (const PolicyIssue& issue : issues) {
    lines.push_back(absl::StrCat(issue.field, ": ", issue.message));
  }
  return InvalidArgument(
      issues.front().field, "INVALID_POLICY",
      absl::StrCat("invalid policy \"", absl::CHexEscape(policy.id), "\":\n",
                   absl::StrJoin(lines, "\n")));
}

const std::string& RegionPolicyMap::PolicyIdFor(
    std::string_view region_code) const {
  const RegionRule* best = nullptr;
  for (const RegionRule& rule : rules) {
    if (region_code.substr(0, rule.region_prefix.size()) ==
            rule.region_prefix &&
        (best == nullptr ||
         rule.region_prefix.size() > best->region_prefix.size())) {
      best = &rule;
    }
  }
  return best != nullptr ? best->policy_id : default_policy_id;
}

std::vector<PolicyIssue> FindRegionMapProblems(const RegionPolicyMap& map) {
  Problems problems;
  if (map.default_policy_id.empty()) {
    problems.Add("default_policy_id", "default_policy_id is required");
  }
  for (size_t i = 0; i < map.rules.size(); ++i) {
    const RegionRule& rule = map.rules[i];
    const std::string path = Indexed("rules", i);
    const std::string& prefix = rule.region_prefix;
    const bool digits = std::all_of(prefix.begin(), prefix.end(), [](char c) {
      return absl::ascii_isdigit(c);
    });
    if (prefix.empty() || prefix.size() > 6 || !digits) {
      problems.Add(path + ".region_prefix",
                   absl::StrCat("region_prefix \"", absl::CHexEscape(prefix),
                                "\" must be 1 to 6 digits"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (map.rules[j].region_prefix == prefix) {
        problems.Add(
            path + ".region_prefix",
            absl::StrCat("duplicate region_prefix \"", absl::CHexEscape(prefix),
                         "\" (also rules[", j, "])"));
      }
    }
    if (rule.policy_id.empty()) {
      problems.Add(path + ".policy_id", "policy_id is required");
    }
  }
  return problems.Take();
}

const Policy& PolicyCatalog::ForRegion(std::string_view region_code) const {
  return policies.at(regions.PolicyIdFor(region_code));
}

const Policy* PolicyCatalog::Find(std::string_view id) const {
  auto it = policies.find(std::string(id));
  return it == policies.end() ? nullptr : &it->second;
}

}  // namespace envcredit::scoring
