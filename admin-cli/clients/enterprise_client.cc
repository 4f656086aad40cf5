#include "admin-cli/clients/enterprise_client.h"

#include "admin-cli/call_context.h"
#include "envcredit/v1/enterprise.grpc.pb.h"

namespace envcredit::admin {
namespace {

class GrpcEnterpriseClient final : public EnterpriseClient {
 public:
  explicit GrpcEnterpriseClient(const CallContext& context)
      : context_(context),
        stub_(v1::EnterpriseService::NewStub(context.NewChannel())) {}

  grpc::Status Create(const std::string& call_id,
                      const v1::CreateEnterpriseRequest& request,
                      v1::Enterprise* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::EnterpriseService::Stub::CreateEnterprise, request,
                  response);
  }
  grpc::Status BatchCreate(
      const std::string& call_id,
      const v1::BatchCreateEnterprisesRequest& request,
      v1::BatchCreateEnterprisesResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::EnterpriseService::Stub::BatchCreateEnterprises,
                  request, response);
  }
  grpc::Status Get(const std::string& call_id,
                   const v1::GetEnterpriseRequest& request,
                   v1::Enterprise* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::EnterpriseService::Stub::GetEnterprise, request,
                  response);
  }
  grpc::Status List(const std::string& call_id,
                    const v1::ListEnterprisesRequest& request,
                    v1::ListEnterprisesResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::EnterpriseService::Stub::ListEnterprises, request,
                  response);
  }
  grpc::Status Update(const std::string& call_id,
                      const v1::UpdateEnterpriseRequest& request,
                      v1::Enterprise* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::EnterpriseService::Stub::UpdateEnterprise, request,
                  response);
  }

 private:
  const CallContext context_;
  const std::unique_ptr<v1::EnterpriseService::Stub> stub_;  // thread-safe
};

}  // namespace

std::unique_ptr<EnterpriseClient> NewGrpcEnterpriseClient(const Connection& connection) {
  return std::make_unique<GrpcEnterpriseClient>(CallContext(connection));
}

}  // namespace envcredit::admin
