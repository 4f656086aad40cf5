#include "server/api/token_service.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/api/grpc_status.h"
#include "server/api/page_token.h"
#include "server/api/proto_values.h"
#include "server/api/record_convert.h"
#include "server/domain/uscc.h"

namespace envcredit::api {
namespace {

constexpr absl::string_view kCollection = "tokens/";


v1::Token ToProto(const domain::Token& token) {
  v1::Token out;
  out.set_name(absl::StrCat(kCollection, token.id));
  out.set_role(static_cast<v1::Role>(token.role));
  out.set_label(token.label);
  *out.mutable_create_time() = TimestampOf(token.create_time);
  if (token.expire_time) *out.mutable_expire_time() = TimestampOf(*token.expire_time);
  if (token.revoke_time) *out.mutable_revoke_time() = TimestampOf(*token.revoke_time);
  out.set_credit_code(token.credit_code);
  return out;
}

absl::StatusOr<int64_t> ParseTokenName(absl::string_view name) {
  int64_t id = 0;
  if (!absl::StartsWith(name, kCollection) ||
      !ParseResourceId(name.substr(kCollection.size()), &id)) {
    return InvalidArgument("name", "INVALID_RESOURCE_NAME",
                           "name: must look like tokens/{id}");
  }
  return id;
}

}  // namespace

absl::StatusOr<std::string> IssueToken(domain::TokenRepository& tokens,
                                       domain::Role role,
                                       absl::string_view label) {
  std::string secret = NewTokenSecret();
  domain::Token token;
  token.token_hash = HashTokenSecret(secret);
  token.role = role;
  token.label = std::string(label);
  RETURN_IF_ERROR(tokens.Create(token).status());
  return secret;
}

grpc::Status TokenService::CreateToken(grpc::ServerContext* context,
                                       const v1::CreateTokenRequest* request,
                                       v1::CreateTokenResponse* response) {
  const Admission admitted = guard_.Admit(context, "CreateToken", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    const v1::Token& in = request->token();
    if (!domain::IsKnownRole(in.role())) {
      return InvalidArgument("token.role", "INVALID_ENUM",
                             "token.role: required; PUBLIC, INTEGRATOR, "
                             "REGULATOR, ADMIN or ENTERPRISE");
    }
    const auto role = static_cast<domain::Role>(in.role());
    if (!domain::MayIssueTokenRole(admitted.caller().role, role)) {
      return MakeError(absl::StatusCode::kPermissionDenied, "TOKEN_ROLE_NOT_ALLOWED",
                       absl::StrCat("token.role: a ", domain::RoleName(admitted.caller().role),
                                    " may issue ENTERPRISE tokens only"),
                       "token.role");
    }
    if (role == domain::Role::kEnterprise) {
      RETURN_IF_ERROR(domain::ValidateUscc(in.credit_code(), "token.credit_code"));
    } else if (!in.credit_code().empty()) {
      return InvalidArgument("token.credit_code", "UNEXPECTED_FIELD",
                             "token.credit_code: only an ENTERPRISE token is bound to an "
                             "enterprise");
    }
    RETURN_IF_ERROR(domain::ValidateTokenLabel(in.label(), "token.label"));
    if (domain::IsReservedTokenLabel(in.label())) {
      return InvalidArgument("token.label", "RESERVED_TOKEN_LABEL",
                             "token.label: reserved for the server's own use");
    }
    domain::Token token;
    if (in.has_expire_time()) {
      ASSIGN_OR_RETURN(absl::Time expire,
                       TimeFromProto(in.expire_time(), "token.expire_time"));
      if (expire <= absl::Now()) {
        return InvalidArgument("token.expire_time", "INVALID_TIME",
                               "token.expire_time: must be in the future");
      }
      token.expire_time = expire;
    }
    const std::string secret = NewTokenSecret();
    token.token_hash = HashTokenSecret(secret);
    token.role = role;
    token.label = in.label();
    token.credit_code = in.credit_code();
    ASSIGN_OR_RETURN(domain::Token created, tokens_->Create(token));
    *response->mutable_token() = ToProto(created);
    response->set_secret(secret);
    return absl::OkStatus();
  };
  absl::Status status = run();
  audit_.Append(audit_.Context(admitted.caller(), "CreateToken"), response->token().name(), status);
  return ToGrpcStatus(status);
}

grpc::Status TokenService::ListTokens(grpc::ServerContext* context,
                                      const v1::ListTokensRequest* request,
                                      v1::ListTokensResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListTokens", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int limit, ResolvePageSize(request->page_size()));
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(request->page_token(), "tokens"));
    int64_t after_id = 0;
    if (!after.empty() && !absl::SimpleAtoi(after, &after_id)) {
      return InvalidArgument("page_token", "INVALID_PAGE_TOKEN",
                             "page_token: not a token this server issued");
    }
    ASSIGN_OR_RETURN(std::vector<domain::Token> tokens,
                     tokens_->List(after_id, limit + 1));
    const bool more = static_cast<int>(tokens.size()) > limit;
    if (more) tokens.resize(limit);
    for (const domain::Token& token : tokens) *response->add_tokens() = ToProto(token);
    if (more) {
      response->set_next_page_token(
          EncodePageToken(absl::StrCat(tokens.back().id), "tokens"));
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status TokenService::RevokeToken(grpc::ServerContext* context,
                                       const v1::RevokeTokenRequest* request,
                                       v1::Token* response) {
  const Admission admitted = guard_.Admit(context, "RevokeToken", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int64_t id, ParseTokenName(request->name()));
    ASSIGN_OR_RETURN(domain::Token revoked, tokens_->Revoke(id));
    access_->Forget(revoked.token_hash);
    *response = ToProto(revoked);
    return absl::OkStatus();
  };
  absl::Status status = run();
  audit_.Append(audit_.Context(admitted.caller(), "RevokeToken"), request->name(), status);
  return ToGrpcStatus(status);
}

}  // namespace envcredit::api
