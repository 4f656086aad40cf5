// How the `tokens` commands print tokens: as the record outputs do
// (output/record_output.h), and never a secret except the one of the token
// `tokens create` just made.
#ifndef ENVCREDIT_ADMIN_CLI_OUTPUT_TOKEN_OUTPUT_H_
#define ENVCREDIT_ADMIN_CLI_OUTPUT_TOKEN_OUTPUT_H_

#include <string>
#include <vector>

#include "admin-cli/args.h"
#include "envcredit/v1/access.pb.h"

namespace envcredit::admin {

// Tokens in the chosen format; `single` as RenderDecisions
// (output/record_output.h).
std::string RenderTokens(const std::vector<envcredit::v1::Token>& list,
                         OutputFormat format, bool single);

// What `tokens create` prints on stdout: the token and its secret.
std::string RenderCreatedToken(const envcredit::v1::CreateTokenResponse& r,
                               OutputFormat format);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_OUTPUT_TOKEN_OUTPUT_H_
