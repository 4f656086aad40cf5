// The calls envcredit-admin makes to EnterpriseService, behind a small
// interface so the commands can be tested without a server.
//
// Every call carries an `x-request-id` metadata header (the caller's id, so
// it can be printed next to an error and found in the server's access log),
// the bearer token and a deadline of --timeout seconds (call_context.h).
// Implementations are thread-safe: the
// importer calls one client from several threads.
#ifndef ENVCREDIT_ADMIN_CLI_CLIENTS_ENTERPRISE_CLIENT_H_
#define ENVCREDIT_ADMIN_CLI_CLIENTS_ENTERPRISE_CLIENT_H_

#include <memory>
#include <string>

#include "admin-cli/call_context.h"
#include "envcredit/v1/enterprise.pb.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

class EnterpriseClient {
 public:
  virtual ~EnterpriseClient() = default;

  // Each returns the call's status; `response` is set only when it is OK.
  virtual grpc::Status Create(
      const std::string& request_id,
      const envcredit::v1::CreateEnterpriseRequest& request,
      envcredit::v1::Enterprise* response) = 0;
  // 1..1000 creates in one call, a result per item (in request order); an
  // item that fails does not stop the others. The call's own status is not
  // OK only when the whole call failed (unreachable, deadline, an empty or
  // oversized batch): then nothing in `response` is meaningful.
  virtual grpc::Status BatchCreate(
      const std::string& request_id,
      const envcredit::v1::BatchCreateEnterprisesRequest& request,
      envcredit::v1::BatchCreateEnterprisesResponse* response) = 0;
  virtual grpc::Status Get(const std::string& request_id,
                           const envcredit::v1::GetEnterpriseRequest& request,
                           envcredit::v1::Enterprise* response) = 0;
  virtual grpc::Status List(
      const std::string& request_id,
      const envcredit::v1::ListEnterprisesRequest& request,
      envcredit::v1::ListEnterprisesResponse* response) = 0;
  virtual grpc::Status Update(
      const std::string& request_id,
      const envcredit::v1::UpdateEnterpriseRequest& request,
      envcredit::v1::Enterprise* response) = 0;
};

// A client on a channel to `connection.server` (host:port; TLS when the
// connection has TLS settings, call_context.h). Connecting is
// lazy: an unreachable server shows as UNAVAILABLE on the first call (calls
// do not wait for the server to come up). A non-empty `connection.token` is sent as
// `authorization: Bearer <token>` metadata on every call.
std::unique_ptr<EnterpriseClient> NewGrpcEnterpriseClient(const Connection& connection);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_CLIENTS_ENTERPRISE_CLIENT_H_
