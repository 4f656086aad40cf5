#include "admin-cli/call_context.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace envcredit::admin {

CallContext::CallContext(Connection connection) : connection_(std::move(connection)) {}

std::shared_ptr<grpc::Channel> CallContext::NewChannel() const {
  grpc::ChannelArguments args;
  // A batch of 1,000 decisions with long Chinese texts, or of 1,000 ratings
  // with their explanations, stays far below this.
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  // 5 minutes is the least a gRPC server accepts by default
  // (GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS).
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 5 * 60 * 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  if (!connection_.tls()) {
    return grpc::CreateCustomChannel(connection_.server, grpc::InsecureChannelCredentials(),
                                     args);
  }
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = connection_.tls_ca_pem;
  tls.pem_cert_chain = connection_.tls_cert_pem;
  tls.pem_private_key = connection_.tls_key_pem;
  return grpc::CreateCustomChannel(connection_.server, grpc::SslCredentials(tls), args);
}

void CallContext::Prepare(const std::string& request_id,
                          grpc::ClientContext& context,
                          Deadline deadline) const {
  if (deadline == Deadline::kTimeout) {
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::microseconds(
                             static_cast<int64_t>(connection_.timeout_seconds * 1e6)));
  }
  if (!request_id.empty()) context.AddMetadata(kRequestIdHeader, request_id);
  if (!connection_.token.empty()) {
    context.AddMetadata(kAuthorizationHeader, "Bearer " + connection_.token);
  }
}

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen),
                         absl::Uniform<uint64_t>(gen));
}

}  // namespace envcredit::admin
