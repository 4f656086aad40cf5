#include "admin-cli/token_client.h"

#include <utility>

#include "admin-cli/enterprise_client.h"
#include "envcredit/v1/access.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace envcredit::admin {
namespace {

class GrpcTokenClient final : public TokenClient {
 public:
  GrpcTokenClient(const std::shared_ptr<grpc::Channel>& channel,
                  double timeout_seconds, std::string token)
      : stub_(v1::TokenService::NewStub(channel)),
        timeout_seconds_(timeout_seconds),
        token_(std::move(token)) {}

  grpc::Status CreateToken(const std::string& call_id,
                           const v1::CreateTokenRequest& request,
                           v1::CreateTokenResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->CreateToken(&context, request, response);
  }
  grpc::Status ListTokens(const std::string& call_id,
                          const v1::ListTokensRequest& request,
                          v1::ListTokensResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListTokens(&context, request, response);
  }
  grpc::Status RevokeToken(const std::string& call_id,
                           const v1::RevokeTokenRequest& request,
                           v1::Token* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->RevokeToken(&context, request, response);
  }

 private:
  const std::unique_ptr<v1::TokenService::Stub> stub_;  // thread-safe
  const double timeout_seconds_;
  const std::string token_;
};

}  // namespace

std::unique_ptr<TokenClient> NewGrpcTokenClient(const std::string& server,
                                                double timeout_seconds,
                                                const std::string& token) {
  return std::make_unique<GrpcTokenClient>(
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials()),
      timeout_seconds, token);
}

}  // namespace envcredit::admin
