// The calls envcredit-admin makes to TokenService (proto/envcredit/v1/
// access.proto), behind a small interface so the `tokens` commands can be
// tested without a server (tests/cli/token_commands_test.cc has a fake).
//
// Every call carries the `x-request-id` header (`call_id`), the bearer token
// when one is configured, and a deadline of --timeout seconds
// (CallContext::Prepare, call_context.h). Each method returns the call's
// status; `response` is set only when it is OK.
#ifndef ENVCREDIT_ADMIN_CLI_CLIENTS_TOKEN_CLIENT_H_
#define ENVCREDIT_ADMIN_CLI_CLIENTS_TOKEN_CLIENT_H_

#include <memory>
#include <string>

#include "admin-cli/call_context.h"
#include "envcredit/v1/access.pb.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

class TokenClient {
 public:
  virtual ~TokenClient() = default;

  virtual grpc::Status CreateToken(
      const std::string& call_id,
      const envcredit::v1::CreateTokenRequest& request,
      envcredit::v1::CreateTokenResponse* response) = 0;
  virtual grpc::Status ListTokens(
      const std::string& call_id,
      const envcredit::v1::ListTokensRequest& request,
      envcredit::v1::ListTokensResponse* response) = 0;
  virtual grpc::Status RevokeToken(
      const std::string& call_id,
      const envcredit::v1::RevokeTokenRequest& request,
      envcredit::v1::Token* response) = 0;
};

// A client on a channel to `connection.server` (host:port), connecting lazily
// as NewGrpcRecordClient does; a non-empty `connection.token` is sent as
// `authorization: Bearer <token>`.
std::unique_ptr<TokenClient> NewGrpcTokenClient(const Connection& connection);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_CLIENTS_TOKEN_CLIENT_H_
