#include "admin-cli/clients/token_client.h"

#include "admin-cli/call_context.h"
#include "envcredit/v1/access.grpc.pb.h"

namespace envcredit::admin {
namespace {

class GrpcTokenClient final : public TokenClient {
 public:
  explicit GrpcTokenClient(const CallContext& context)
      : context_(context),
        stub_(v1::TokenService::NewStub(context.NewChannel())) {}

  grpc::Status CreateToken(const std::string& call_id,
                           const v1::CreateTokenRequest& request,
                           v1::CreateTokenResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::TokenService::Stub::CreateToken, request, response);
  }
  grpc::Status ListTokens(const std::string& call_id,
                          const v1::ListTokensRequest& request,
                          v1::ListTokensResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::TokenService::Stub::ListTokens, request, response);
  }
  grpc::Status RevokeToken(const std::string& call_id,
                           const v1::RevokeTokenRequest& request,
                           v1::Token* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::TokenService::Stub::RevokeToken, request, response);
  }

 private:
  const CallContext context_;
  const std::unique_ptr<v1::TokenService::Stub> stub_;  // thread-safe
};

}  // namespace

std::unique_ptr<TokenClient> NewGrpcTokenClient(const Connection& connection) {
  return std::make_unique<GrpcTokenClient>(CallContext(connection));
}

}  // namespace envcredit::admin
