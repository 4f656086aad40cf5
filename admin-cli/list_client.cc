#include "admin-cli/list_client.h"

#include <utility>

#include "admin-cli/enterprise_client.h"
#include "envcredit/v1/lists.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace envcredit::admin {
namespace {

class GrpcListClient final : public ListClient {
 public:
  GrpcListClient(const std::shared_ptr<grpc::Channel>& channel,
                 double timeout_seconds, std::string token)
      : stub_(v1::ListService::NewStub(channel)),
        timeout_seconds_(timeout_seconds),
        token_(std::move(token)) {}

  grpc::Status ProposePublication(const std::string& call_id,
                                  const v1::ProposePublicationRequest& request,
                                  v1::Publication* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ProposePublication(&context, request, response);
  }
  grpc::Status GetPublication(const std::string& call_id,
                              const v1::GetPublicationRequest& request,
                              v1::Publication* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->GetPublication(&context, request, response);
  }
  grpc::Status ListPublications(
      const std::string& call_id, const v1::ListPublicationsRequest& request,
      v1::ListPublicationsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListPublications(&context, request, response);
  }
  grpc::Status StartNotice(const std::string& call_id,
                           const v1::StartNoticeRequest& request,
                           v1::Publication* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->StartNotice(&context, request, response);
  }
  grpc::Status FileObjection(const std::string& call_id,
                             const v1::FileObjectionRequest& request,
                             v1::Objection* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->FileObjection(&context, request, response);
  }
  grpc::Status DecideObjection(const std::string& call_id,
                               const v1::DecideObjectionRequest& request,
                               v1::Objection* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->DecideObjection(&context, request, response);
  }
  grpc::Status ListObjections(const std::string& call_id,
                              const v1::ListObjectionsRequest& request,
                              v1::ListObjectionsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListObjections(&context, request, response);
  }
  grpc::Status PublishPublication(const std::string& call_id,
                                  const v1::PublishPublicationRequest& request,
                                  v1::Publication* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->PublishPublication(&context, request, response);
  }
  grpc::Status ListEntries(const std::string& call_id,
                           const v1::ListEntriesRequest& request,
                           v1::ListEntriesResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListEntries(&context, request, response);
  }
  grpc::Status ApplyRepair(const std::string& call_id,
                           const v1::ApplyRepairRequest& request,
                           v1::Repair* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ApplyRepair(&context, request, response);
  }

 private:
  const std::unique_ptr<v1::ListService::Stub> stub_;  // thread-safe
  const double timeout_seconds_;
  const std::string token_;
};

}  // namespace

std::unique_ptr<ListClient> NewGrpcListClient(const std::string& server,
                                              double timeout_seconds,
                                              const std::string& token) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 * 1024 * 1024);
  return std::make_unique<GrpcListClient>(
      grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(),
                                args),
      timeout_seconds, token);
}

}  // namespace envcredit::admin
