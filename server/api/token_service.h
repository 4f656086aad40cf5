// envcredit.v1.TokenService: issue, list and revoke bearer tokens (ADMIN
// only, checked first by every handler). Holds no state of its own.
#ifndef ENVCREDIT_SERVER_API_TOKEN_SERVICE_H_
#define ENVCREDIT_SERVER_API_TOKEN_SERVICE_H_

#include "envcredit/v1/access.grpc.pb.h"
#include "server/api/call_audit.h"
#include "server/api/access_control.h"
#include "server/api/guard.h"
#include "server/domain/access.h"
#include "server/domain/audit.h"

namespace envcredit::api {

class TokenService final : public v1::TokenService::Service {
 public:
  // Every pointer must outlive the service. `access` checks every call and
  // is told of revocations so they take effect in this process at once.
  // Token writes are audited through `audit` after they commit (tokens and
  // the audit log are separate stores).
  TokenService(AccessControl* access, domain::TokenRepository* tokens,
               domain::AuditLog* audit)
      : guard_(access, "envcredit.v1.TokenService"),
        access_(access),
        tokens_(tokens),
        audit_(audit, "envcredit.v1.TokenService") {}

  grpc::Status CreateToken(grpc::ServerContext* context,
                           const v1::CreateTokenRequest* request,
                           v1::CreateTokenResponse* response) override;
  grpc::Status ListTokens(grpc::ServerContext* context,
                          const v1::ListTokensRequest* request,
                          v1::ListTokensResponse* response) override;
  grpc::Status RevokeToken(grpc::ServerContext* context,
                           const v1::RevokeTokenRequest* request,
                           v1::Token* response) override;

 private:
  const ServiceGuard guard_;
  AccessControl* const access_;
  domain::TokenRepository* const tokens_;
  const CallAudit audit_;
};

// Issues a token of `role` labelled `label` and returns its secret (for the
// bootstrap admin token).
absl::StatusOr<std::string> IssueToken(domain::TokenRepository& tokens,
                                       domain::Role role,
                                       absl::string_view label);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_TOKEN_SERVICE_H_
