#include "admin-cli/enterprise_client.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace envcredit::admin {
namespace {

using envcredit::v1::EnterpriseService;

class GrpcEnterpriseClient final : public EnterpriseClient {
 public:
  GrpcEnterpriseClient(std::shared_ptr<grpc::Channel> channel,
                       double timeout_seconds, std::string token)
      : stub_(EnterpriseService::NewStub(channel)),
        timeout_seconds_(timeout_seconds),
        token_(std::move(token)) {}

  grpc::Status Create(const std::string& request_id,
                      const v1::CreateEnterpriseRequest& request,
                      v1::Enterprise* response) override {
    grpc::ClientContext context;
    Prepare(request_id, context);
    return stub_->CreateEnterprise(&context, request, response);
  }
  grpc::Status Get(const std::string& request_id,
                   const v1::GetEnterpriseRequest& request,
                   v1::Enterprise* response) override {
    grpc::ClientContext context;
    Prepare(request_id, context);
    return stub_->GetEnterprise(&context, request, response);
  }
  grpc::Status List(const std::string& request_id,
                    const v1::ListEnterprisesRequest& request,
                    v1::ListEnterprisesResponse* response) override {
    grpc::ClientContext context;
    Prepare(request_id, context);
    return stub_->ListEnterprises(&context, request, response);
  }
  grpc::Status Update(const std::string& request_id,
                      const v1::UpdateEnterpriseRequest& request,
                      v1::Enterprise* response) override {
    grpc::ClientContext context;
    Prepare(request_id, context);
    return stub_->UpdateEnterprise(&context, request, response);
  }

 private:
  void Prepare(const std::string& request_id, grpc::ClientContext& context) {
    PrepareCallContext(timeout_seconds_, token_, request_id, context);
  }

  const std::unique_ptr<EnterpriseService::Stub> stub_;  // thread-safe
  const double timeout_seconds_;
  const std::string token_;
};

}  // namespace

std::unique_ptr<EnterpriseClient> NewGrpcEnterpriseClient(
    const std::string& server, double timeout_seconds,
    const std::string& token) {
  return std::make_unique<GrpcEnterpriseClient>(
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials()),
      timeout_seconds, token);
}

void PrepareCallContext(double timeout_seconds, const std::string& token,
                        const std::string& request_id,
                        grpc::ClientContext& context) {
  context.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::microseconds(static_cast<int64_t>(timeout_seconds * 1e6)));
  if (!request_id.empty()) context.AddMetadata(kRequestIdHeader, request_id);
  if (!token.empty()) {
    context.AddMetadata(kAuthorizationHeader, "Bearer " + token);
  }
}

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen),
                         absl::Uniform<uint64_t>(gen));
}

}  // namespace envcredit::admin
