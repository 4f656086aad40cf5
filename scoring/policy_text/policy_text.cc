#include "scoring/policy_text/policy_text.h"

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "envcredit/policy/v1/policy.pb.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace envcredit::scoring {
namespace {

namespace pb = ::envcredit::policy::v1;

// absl::string_view is not std::string_view in Debian's Abseil.
absl::string_view Sv(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::TextFormat;

class CollectErrors : public ::google::protobuf::io::ErrorCollector {
 public:
  explicit CollectErrors(std::vector<PolicyTextIssue>* issues)
      : issues_(issues) {}
  void AddError(int line, int column, const std::string& message) override {
    issues_->push_back({line + 1, column + 1, "", message});
  }

 private:
  std::vector<PolicyTextIssue>* issues_;
};

// Parses `content` into `message`, recording field locations in `tree`.
// Returns false (with the syntax errors in `issues`) on failure.
bool ParseText(std::string_view content, ::google::protobuf::Message* message,
               TextFormat::ParseInfoTree* tree,
               std::vector<PolicyTextIssue>* issues) {
  CollectErrors collector(issues);
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(tree);
  const std::string text(content);
  if (parser.ParseFromString(text, message)) return true;
  if (issues->empty()) issues->push_back({0, 0, "", "cannot parse the text"});
  return false;
}

// Finds the location of `path` ("a[2].b", "measure_rules") in `tree`. A
// repeated field named without an index resolves to its first element; a
// field absent from the file resolves to the nearest enclosing field present,
// or to line 0 at the top level.
void Locate(const Descriptor* descriptor, const TextFormat::ParseInfoTree* tree,
            std::string_view path, PolicyTextIssue& issue) {
  std::vector<absl::string_view> parts = absl::StrSplit(Sv(path), '.');
  for (size_t k = 0;
       k < parts.size() && tree != nullptr && descriptor != nullptr; ++k) {
    absl::string_view part = parts[k];
    int index = -1;
    const size_t bracket = part.find('[');
    if (bracket != absl::string_view::npos) {
      absl::string_view digits =
          part.substr(bracket + 1, part.size() - bracket - 2);
      if (!absl::SimpleAtoi(digits, &index)) return;
      part = part.substr(0, bracket);
    }
    const FieldDescriptor* field =
        descriptor->FindFieldByName(std::string(part));
    if (field == nullptr) return;
    if (field->is_repeated() && index < 0) index = 0;
    if (!field->is_repeated()) index = -1;
    const TextFormat::ParseLocation location = tree->GetLocation(field, index);
    if (location.line < 0) return;
    issue.line = location.line + 1;
    issue.column = location.column + 1;
    if (field->type() != FieldDescriptor::TYPE_MESSAGE) return;
    tree = tree->GetTreeForNested(field, index);
    descriptor = field->message_type();
  }
}

std::string IssueLine(absl::string_view source, const PolicyTextIssue& issue) {
  std::string where = issue.line > 0 ? absl::StrCat(source, ":", issue.line,
                                                    ":", issue.column, ": ")
                                     : absl::StrCat(source, ": ");
  if (issue.field.empty()) return absl::StrCat(where, issue.message);
  return absl::StrCat(where, issue.field, ": ", issue.message);
}

absl::Status IssuesToStatus(std::string_view source, std::string_view reason,
                            const std::vector<PolicyTextIssue>& issues) {
  std::vector<std::string> lines;
  lines.reserve(issues.size());
  for (const PolicyTextIssue& issue : issues) {
    lines.push_back(IssueLine(Sv(source), issue));
  }
  return InvalidArgument(issues.front().field, Sv(reason),
                         absl::StrJoin(lines, "\n"));
}

// Converts without judging; problems a conversion finds (a bad date) are
// added to `problems` with their field path.
Policy FromProto(const pb::Policy& in, std::vector<PolicyIssue>& problems) {
  Policy out;
  out.id = in.id();
  out.version = in.version();
  out.name = in.name();
  if (!absl::ParseCivilTime(in.effective_date(), &out.effective_date)) {
    problems.push_back(
        {"effective_date", absl::StrCat("effective_date \"",
                                        absl::CHexEscape(in.effective_date()),
                                        "\" is not a date YYYY-MM-DD")});
  }
  out.model = static_cast<PolicyModel>(in.model());
  out.base_points = in.base_points();
  if (in.has_max_points()) out.max_points = in.max_points();
  for (const pb::LevelBand& band : in.level_bands()) {
    LevelBand& b = out.level_bands.emplace_back();
    b.level = static_cast<Level>(band.level());
    if (band.has_min_points()) b.min_points = band.min_points();
    if (band.has_max_points()) b.max_points = band.max_points();
    b.national_level = static_cast<NationalLevel>(band.national_level());
  }
  out.veto_level = static_cast<Level>(in.veto_level());
  for (const pb::MeasureRule& rule : in.measure_rules()) {
    out.measure_rules.push_back({static_cast<Measure>(rule.measure()),
                                 rule.points(), rule.validity_months(),
                                 rule.veto(), rule.refused_to_correct()});
  }
  if (in.has_tampering_rule()) {
    const pb::TamperingRule& rule = in.tampering_rule();
    out.tampering_rule =
        TamperingRule{rule.points(), rule.validity_months(), rule.veto()};
  }
  if (in.has_veto_list_rule()) {
    const pb::VetoListRule& rule = in.veto_list_rule();
    VetoListRule& r = out.veto_list_rule.emplace();
    for (int type : rule.violation_types()) {
      r.violation_types.push_back(static_cast<ViolationType>(type));
    }
    r.points = rule.points();
    r.validity_months = rule.validity_months();
    r.veto = rule.veto();
  }
  if (in.has_broken_commitment_rule()) {
    out.broken_commitment_rule =
        BrokenCommitmentRule{in.broken_commitment_rule().points(),
                             in.broken_commitment_rule().validity_months()};
  }
  for (const pb::IncidentRule& rule : in.incident_rules()) {
    out.incident_rules.push_back({static_cast<IncidentGrade>(rule.grade()),
                                  rule.points(), rule.validity_months(),
                                  rule.downgrade_levels(), rule.veto()});
  }
  if (in.has_bonus_rule()) {
    const pb::BonusRule& rule = in.bonus_rule();
    BonusRule& r = out.bonus_rule.emplace();
    for (int kind : rule.commitment_kinds()) {
      r.commitment_kinds.push_back(static_cast<CommitmentKind>(kind));
    }
    r.require_public = rule.require_public();
    r.commitment_points = rule.commitment_points();
    r.points_per_clean_year = rule.points_per_clean_year();
    r.max_clean_year_points = rule.max_clean_year_points();
  }
  if (in.has_repeat_offender_rule()) {
    const pb::RepeatOffenderRule& rule = in.repeat_offender_rule();
    out.repeat_offender_rule =
        RepeatOffenderRule{rule.min_decisions(), rule.window_months(),
                           static_cast<Level>(rule.cap_level())};
  }
  if (in.has_honor_list()) {
    out.honor_list = HonorListRule{static_cast<Level>(in.honor_list().level()),
                                   in.honor_list().clean_months()};
  }
  if (in.has_black_list()) {
    const pb::BlackListRule& rule = in.black_list();
    out.black_list = BlackListRule{static_cast<Level>(rule.level()),
                                   rule.min_publication_months(),
                                   rule.max_publication_months()};
  }
  out.list_notice_days = in.list_notice_days();
  return out;
}

RegionPolicyMap FromProto(const pb::RegionPolicyMap& in) {
  RegionPolicyMap out;
  out.default_policy_id = in.default_policy_id();
  for (const pb::RegionRule& rule : in.rules()) {
    out.rules.push_back({rule.region_prefix(), rule.policy_id()});
  }
  return out;
}

// Parses, converts and checks a policy; `issues` gets every problem.
Policy CheckPolicyText(std::string_view content,
                       std::vector<PolicyTextIssue>& issues, bool& syntax_ok) {
  pb::Policy proto;
  TextFormat::ParseInfoTree tree;
  syntax_ok = ParseText(content, &proto, &tree, &issues);
  if (!syntax_ok) return Policy();
  std::vector<PolicyIssue> problems;
  Policy policy = FromProto(proto, problems);
  for (PolicyIssue& problem : FindPolicyProblems(policy)) {
    problems.push_back(std::move(problem));
  }
  for (PolicyIssue& problem : problems) {
    PolicyTextIssue& issue = issues.emplace_back();
    issue.field = std::move(problem.field);
    issue.message = std::move(problem.message);
    Locate(pb::Policy::descriptor(), &tree, issue.field, issue);
  }
  return policy;
}

RegionPolicyMap CheckRegionMapText(std::string_view content,
                                   std::vector<PolicyTextIssue>& issues,
                                   bool& syntax_ok) {
  pb::RegionPolicyMap proto;
  TextFormat::ParseInfoTree tree;
  syntax_ok = ParseText(content, &proto, &tree, &issues);
  if (!syntax_ok) return RegionPolicyMap();
  RegionPolicyMap map = FromProto(proto);
  for (PolicyIssue& problem : FindRegionMapProblems(map)) {
    PolicyTextIssue& issue = issues.emplace_back();
    issue.field = std::move(problem.field);
    issue.message = std::move(problem.message);
    Locate(pb::RegionPolicyMap::descriptor(), &tree, issue.field, issue);
  }
  return map;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(absl::StatusCode::kNotFound, "POLICY_FILE_NOT_FOUND",
                     absl::StrCat("cannot read policy file ", path));
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::vector<PolicyTextIssue> FindPolicyTextProblems(std::string_view content) {
  std::vector<PolicyTextIssue> issues;
  bool syntax_ok = false;
  CheckPolicyText(content, issues, syntax_ok);
  return issues;
}

absl::StatusOr<Policy> ParsePolicyText(std::string_view content,
                                       std::string_view source_name) {
  std::vector<PolicyTextIssue> issues;
  bool syntax_ok = false;
  Policy policy = CheckPolicyText(content, issues, syntax_ok);
  if (!issues.empty()) {
    return IssuesToStatus(source_name,
                          syntax_ok ? "INVALID_POLICY" : "POLICY_SYNTAX_ERROR",
                          issues);
  }
  return policy;
}

absl::StatusOr<Policy> LoadPolicyFile(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  return ParsePolicyText(*content, path);
}

std::vector<PolicyTextIssue> FindRegionMapTextProblems(
    std::string_view content) {
  std::vector<PolicyTextIssue> issues;
  bool syntax_ok = false;
  CheckRegionMapText(content, issues, syntax_ok);
  return issues;
}

absl::StatusOr<RegionPolicyMap> ParseRegionMapText(
    std::string_view content, std::string_view source_name) {
  std::vector<PolicyTextIssue> issues;
  bool syntax_ok = false;
  RegionPolicyMap map = CheckRegionMapText(content, issues, syntax_ok);
  if (!issues.empty()) {
    return IssuesToStatus(
        source_name, syntax_ok ? "INVALID_REGION_MAP" : "POLICY_SYNTAX_ERROR",
        issues);
  }
  return map;
}

absl::StatusOr<RegionPolicyMap> LoadRegionMapFile(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return content.status();
  return ParseRegionMapText(*content, path);
}

absl::StatusOr<PolicyCatalog> LoadPolicyCatalog(const std::string& dir) {
  PolicyCatalog catalog;
  absl::StatusOr<RegionPolicyMap> regions =
      LoadRegionMapFile(absl::StrCat(dir, "/regions.textproto"));
  if (!regions.ok()) return regions.status();
  catalog.regions = *std::move(regions);
  std::vector<std::string> ids = {catalog.regions.default_policy_id};
  for (const RegionRule& rule : catalog.regions.rules) {
    ids.push_back(rule.policy_id);
  }
  for (const std::string& id : ids) {
    if (catalog.policies.count(id) > 0) continue;
    const std::string path = absl::StrCat(dir, "/", id, ".textproto");
    absl::StatusOr<Policy> policy = LoadPolicyFile(path);
    if (!policy.ok()) return policy.status();
    if (policy->id != id) {
      return InvalidArgument(
          "id", "INVALID_POLICY",
          absl::StrCat(path, ": id \"", policy->id,
                       "\" differs from the file name; the region map names "
                       "policy \"",
                       id, "\""));
    }
    catalog.policies.emplace(id, *std::move(policy));
  }
  return catalog;
}

}  // namespace envcredit::scoring
