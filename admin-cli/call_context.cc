#include "admin-cli/call_context.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include <arpa/inet.h>

#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace envcredit::admin {

namespace {

// Several servers: gRPC's round-robin balancer over all of them, and a call
// that fails UNAVAILABLE (a server down, or the database failing over
// behind it) is sent again, to the next server, up to 4 times in all. Every
// mutation carries its request_id, so a repeat never writes twice
// (doc/deployment.md "Clients").
constexpr char kClusterServiceConfig[] = R"json({
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [{"service": "envcredit.v1.EnterpriseService"},
             {"service": "envcredit.v1.RecordService"},
             {"service": "envcredit.v1.RatingService"},
             {"service": "envcredit.v1.ListService"},
             {"service": "envcredit.v1.TokenService"},
             {"service": "envcredit.v1.AuditService"}],
    "retryPolicy": {
      "maxAttempts": 4,
      "initialBackoff": "0.2s",
      "maxBackoff": "2s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})json";

}  // namespace

std::string ChannelTarget(absl::string_view servers) {
  if (!absl::StrContains(servers, ',')) return std::string(servers);
  // The static resolver of gRPC takes IP addresses: "ipv4:a:p,b:p".
  std::vector<absl::string_view> list = absl::StrSplit(servers, ',', absl::SkipEmpty());
  const bool ipv6 = !list.empty() && absl::StartsWith(list.front(), "[");
  return absl::StrCat(ipv6 ? "ipv6:" : "ipv4:", absl::StrJoin(list, ","));
}

std::string ServersError(absl::string_view servers) {
  if (!absl::StrContains(servers, ',')) return "";
  for (absl::string_view item : absl::StrSplit(servers, ',')) {
    const size_t colon = item.rfind(':');
    int port = 0;
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(item.substr(colon + 1), &port) || port < 1 || port > 65535) {
      return absl::StrCat("--server: each server of a list must be IP:PORT, got '", item,
                          "'");
    }
    const absl::string_view host = item.substr(0, colon);
    in6_addr v6;
    in_addr v4;
    const bool is_v4 = inet_pton(AF_INET, std::string(host).c_str(), &v4) == 1;
    const bool is_v6 = host.size() > 2 && host.front() == '[' && host.back() == ']' &&
                       inet_pton(AF_INET6, std::string(host.substr(1, host.size() - 2)).c_str(),
                                 &v6) == 1;
    if (!is_v4 && !is_v6) {
      return absl::StrCat(
          "--server: a list of servers takes IP addresses (for host names, "
          "one DNS name with several addresses), got '", item, "'");
    }
  }
  return "";
}

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
  const std::string target = ChannelTarget(connection_.server);
  if (target != connection_.server) {
    args.SetServiceConfigJSON(kClusterServiceConfig);
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  }
  if (!connection_.tls()) {
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = connection_.tls_ca_pem;
  tls.pem_cert_chain = connection_.tls_cert_pem;
  tls.pem_private_key = connection_.tls_key_pem;
  return grpc::CreateCustomChannel(target, grpc::SslCredentials(tls), args);
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
