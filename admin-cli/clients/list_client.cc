#include "admin-cli/clients/list_client.h"

#include "admin-cli/call_context.h"
#include "envcredit/v1/lists.grpc.pb.h"

namespace envcredit::admin {
namespace {

class GrpcListClient final : public ListClient {
 public:
  explicit GrpcListClient(const CallContext& context)
      : context_(context),
        stub_(v1::ListService::NewStub(context.NewChannel())) {}

  grpc::Status ProposePublication(const std::string& call_id,
                                  const v1::ProposePublicationRequest& request,
                                  v1::Publication* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::ProposePublication, request,
                  response);
  }
  grpc::Status GetPublication(const std::string& call_id,
                              const v1::GetPublicationRequest& request,
                              v1::Publication* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::GetPublication, request, response);
  }
  grpc::Status ListPublicationEntries(
      const std::string& call_id, const v1::ListPublicationEntriesRequest& request,
      v1::ListPublicationEntriesResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::ListPublicationEntries, request, response);
  }
  grpc::Status ListPublicationRemovals(
      const std::string& call_id, const v1::ListPublicationRemovalsRequest& request,
      v1::ListPublicationRemovalsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::ListPublicationRemovals, request, response);
  }
  grpc::Status ListPublications(
      const std::string& call_id, const v1::ListPublicationsRequest& request,
      v1::ListPublicationsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::ListPublications, request, response);
  }
  grpc::Status StartNotice(const std::string& call_id,
                           const v1::StartNoticeRequest& request,
                           v1::Publication* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::StartNotice, request, response);
  }
  grpc::Status FileObjection(const std::string& call_id,
                             const v1::FileObjectionRequest& request,
                             v1::Objection* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::FileObjection, request, response);
  }
  grpc::Status DecideObjection(const std::string& call_id,
                               const v1::DecideObjectionRequest& request,
                               v1::Objection* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::DecideObjection, request, response);
  }
  grpc::Status ListObjections(const std::string& call_id,
                              const v1::ListObjectionsRequest& request,
                              v1::ListObjectionsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::ListObjections, request, response);
  }
  grpc::Status PublishPublication(const std::string& call_id,
                                  const v1::PublishPublicationRequest& request,
                                  v1::Publication* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::PublishPublication, request,
                  response);
  }
  grpc::Status ListEntries(const std::string& call_id,
                           const v1::ListEntriesRequest& request,
                           v1::ListEntriesResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::ListEntries, request, response);
  }
  grpc::Status GetListEntry(const std::string& call_id,
                            const v1::GetListEntryRequest& request,
                            v1::PublicationEntry* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::GetListEntry, request, response);
  }
  grpc::Status ApplyRepair(const std::string& call_id,
                           const v1::ApplyRepairRequest& request,
                           v1::Repair* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::ApplyRepair, request, response);
  }
  grpc::Status DecideRepair(const std::string& call_id,
                            const v1::DecideRepairRequest& request,
                            v1::Repair* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::DecideRepair, request, response);
  }
  grpc::Status ListRepairs(const std::string& call_id,
                           const v1::ListRepairsRequest& request,
                           v1::ListRepairsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::ListService::Stub::ListRepairs, request, response);
  }

 private:
  const CallContext context_;
  const std::unique_ptr<v1::ListService::Stub> stub_;  // thread-safe
};

}  // namespace

std::unique_ptr<ListClient> NewGrpcListClient(const Connection& connection) {
  return std::make_unique<GrpcListClient>(CallContext(connection));
}

}  // namespace envcredit::admin
