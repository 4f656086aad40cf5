// The calls envcredit-admin makes to ListService (proto/envcredit/v1/
// lists.proto), behind a small interface so the `lists` commands can be
// tested without a server (tests/cli/fake_list_client.h).
//
// Every call carries the `x-request-id` header (`call_id`), the bearer token
// when one is configured, and a deadline of --timeout seconds
// (CallContext::Prepare, call_context.h). Implementations are thread-safe. Each
// method returns the call's status; `response` is set only when it is OK.
#ifndef ENVCREDIT_ADMIN_CLI_CLIENTS_LIST_CLIENT_H_
#define ENVCREDIT_ADMIN_CLI_CLIENTS_LIST_CLIENT_H_

#include <memory>
#include <string>

#include "admin-cli/call_context.h"
#include "envcredit/v1/lists.pb.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

class ListClient {
 public:
  virtual ~ListClient() = default;

  virtual grpc::Status ProposePublication(
      const std::string& call_id,
      const envcredit::v1::ProposePublicationRequest& request,
      envcredit::v1::Publication* response) = 0;
  virtual grpc::Status GetPublication(
      const std::string& call_id,
      const envcredit::v1::GetPublicationRequest& request,
      envcredit::v1::Publication* response) = 0;
  virtual grpc::Status ListPublicationEntries(
      const std::string& call_id,
      const envcredit::v1::ListPublicationEntriesRequest& request,
      envcredit::v1::ListPublicationEntriesResponse* response) = 0;
  virtual grpc::Status ListPublicationRemovals(
      const std::string& call_id,
      const envcredit::v1::ListPublicationRemovalsRequest& request,
      envcredit::v1::ListPublicationRemovalsResponse* response) = 0;
  virtual grpc::Status ListPublications(
      const std::string& call_id,
      const envcredit::v1::ListPublicationsRequest& request,
      envcredit::v1::ListPublicationsResponse* response) = 0;
  virtual grpc::Status StartNotice(
      const std::string& call_id,
      const envcredit::v1::StartNoticeRequest& request,
      envcredit::v1::Publication* response) = 0;
  virtual grpc::Status FileObjection(
      const std::string& call_id,
      const envcredit::v1::FileObjectionRequest& request,
      envcredit::v1::Objection* response) = 0;
  virtual grpc::Status DecideObjection(
      const std::string& call_id,
      const envcredit::v1::DecideObjectionRequest& request,
      envcredit::v1::Objection* response) = 0;
  virtual grpc::Status ListObjections(
      const std::string& call_id,
      const envcredit::v1::ListObjectionsRequest& request,
      envcredit::v1::ListObjectionsResponse* response) = 0;
  virtual grpc::Status PublishPublication(
      const std::string& call_id,
      const envcredit::v1::PublishPublicationRequest& request,
      envcredit::v1::Publication* response) = 0;
  virtual grpc::Status ListEntries(
      const std::string& call_id,
      const envcredit::v1::ListEntriesRequest& request,
      envcredit::v1::ListEntriesResponse* response) = 0;
  virtual grpc::Status GetListEntry(
      const std::string& call_id,
      const envcredit::v1::GetListEntryRequest& request,
      envcredit::v1::PublicationEntry* response) = 0;
  virtual grpc::Status ApplyRepair(
      const std::string& call_id,
      const envcredit::v1::ApplyRepairRequest& request,
      envcredit::v1::Repair* response) = 0;
  virtual grpc::Status DecideRepair(
      const std::string& call_id,
      const envcredit::v1::DecideRepairRequest& request,
      envcredit::v1::Repair* response) = 0;
  virtual grpc::Status ListRepairs(
      const std::string& call_id,
      const envcredit::v1::ListRepairsRequest& request,
      envcredit::v1::ListRepairsResponse* response) = 0;
};

// A client on a channel to `connection.server` (host:port), connecting lazily
// as the other clients do (an unreachable server shows as UNAVAILABLE on the
// first call); a non-empty `connection.token` is sent as `authorization: Bearer
// <token>`. Responses of up to 64 MiB are accepted: a publication's
// canonical content (view CONTENT) is one string however many entries it
// has; the entries themselves come in pages.
std::unique_ptr<ListClient> NewGrpcListClient(const Connection& connection);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_CLIENTS_LIST_CLIENT_H_
