#include "admin-cli/output/token_output.h"

#include "absl/strings/str_cat.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/output/output.h"
#include "admin-cli/output/record_output.h"

namespace envcredit::admin {
namespace {

Fields TokenFields(const v1::Token& t) {
  return {
      {"name", t.name()},
      {"role", EnumName(v1::Role_descriptor(), t.role())},
      {"label", t.label()},
      {"credit_code", t.credit_code()},
      {"create_time", FormatTimestamp(t.create_time())},
      {"expire_time", FormatTimestamp(t.expire_time())},
      {"revoke_time", FormatTimestamp(t.revoke_time())},
  };
}

}  // namespace

std::string RenderTokens(const std::vector<v1::Token>& list,
                         OutputFormat format, bool single) {
  return RenderMessages(list, format, single, TokenFields,
                        {{"NAME", "name"},
                         {"ROLE", "role"},
                         {"LABEL", "label"},
                         {"ENTERPRISE", "credit_code"},
                         {"CREATED", "create_time"},
                         {"EXPIRES", "expire_time"},
                         {"REVOKED", "revoke_time"}});
}

std::string RenderCreatedToken(const v1::CreateTokenResponse& r,
                               OutputFormat format) {
  if (format == OutputFormat::kJson) return MessageJson(r, true) + "\n";
  Fields fields = TokenFields(r.token());
  fields.push_back({"secret", r.secret()});
  return RenderRecord(fields, format);
}

}  // namespace envcredit::admin
