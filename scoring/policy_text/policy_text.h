// Loads scoring policies and the region -> policy map from Protobuf text
// files (policies/*.textproto; schema envcredit/policy/v1/policy.proto) into
// the plain structs of scoring/policy.h, and refuses a bad file naming the
// line, the field and the reason of every problem.
//
// This is the only code that sees the policy protobuf; the engine never does.
// The Parse* functions take the file's content and do no I/O; the Load*
// functions read files.
#ifndef ENVCREDIT_SCORING_POLICY_TEXT_POLICY_TEXT_H_
#define ENVCREDIT_SCORING_POLICY_TEXT_POLICY_TEXT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "scoring/policy.h"

namespace envcredit::scoring {

// A problem in a policy or region-map text: 1-based line and column (0 when
// the field is absent from the file, e.g. a required field left out), the
// field path ("level_bands[2].min_points"; empty for a syntax error) and the
// reason.
struct PolicyTextIssue {
  int line = 0;
  int column = 0;
  std::string field;
  std::string message;
};

// Every problem in a policy file's content; empty when it is a valid policy.
// A syntax error (including an unknown field or an unknown enum name such as
// a misspelt measure) stops parsing, so only syntax errors are reported then;
// otherwise every problem of FindPolicyProblems is reported with its line.
std::vector<PolicyTextIssue> FindPolicyTextProblems(std::string_view content);

// Parses and validates a policy file's content. `source_name` (a file name)
// prefixes the error lines. Returns INVALID_ARGUMENT with the reason
// POLICY_SYNTAX_ERROR or INVALID_POLICY, the first problem's field, and one
// line "source:line:column: field: reason" per problem in the message.
absl::StatusOr<Policy> ParsePolicyText(std::string_view content,
                                       std::string_view source_name = "policy");

// Reads and parses the policy file at `path`. Returns NOT_FOUND (reason
// POLICY_FILE_NOT_FOUND) when it cannot be read, else as ParsePolicyText.
absl::StatusOr<Policy> LoadPolicyFile(const std::string& path);

// The same for a region map (policies/regions.textproto).
std::vector<PolicyTextIssue> FindRegionMapTextProblems(
    std::string_view content);
absl::StatusOr<RegionPolicyMap> ParseRegionMapText(
    std::string_view content, std::string_view source_name = "regions");
absl::StatusOr<RegionPolicyMap> LoadRegionMapFile(const std::string& path);

// Loads `dir`/regions.textproto and, for every policy id it names (rules and
// default), `dir`/<id>.textproto. Fails as the loaders above, or with
// INVALID_ARGUMENT (reason INVALID_POLICY) when a file's id differs from its
// file name.
absl::StatusOr<PolicyCatalog> LoadPolicyCatalog(const std::string& dir);

}  // namespace envcredit::scoring

#endif  // ENVCREDIT_SCORING_POLICY_TEXT_POLICY_TEXT_H_
