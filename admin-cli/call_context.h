// How envcredit-admin reaches the server, in one place: the channel, the
// bearer token, the deadline and the x-request-id of every call. Each client
// of clients/ holds a CallContext and sends each unary call through Invoke(),
// so no client sets up a call on its own.
#ifndef ENVCREDIT_ADMIN_CLI_CALL_CONTEXT_H_
#define ENVCREDIT_ADMIN_CLI_CALL_CONTEXT_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kAuthorizationHeader[] = "authorization";

// Whether a call gets the --timeout deadline. Only the change feed
// (`ratings watch`) runs without one: it is meant to run for days.
enum class Deadline { kTimeout, kNone };

// The gRPC target of --server: the value itself for one server; for a
// comma-separated list of IP:PORT ("10.0.0.1:50051,10.0.0.2:50051") the
// static "ipv4:"/"ipv6:" target, which the channel balances round-robin
// and retries UNAVAILABLE on (doc/deployment.md "Clients").
std::string ChannelTarget(absl::string_view servers);

// "" for one server, or a list of IP:PORT; else what is wrong, naming
// --server.
std::string ServersError(absl::string_view servers);

// Where and how to reach the server, from the global flags (cli.h).
struct Connection {
  std::string server;  // host:port
  double timeout_seconds = 10;
  // Sent as `authorization: Bearer <token>` on every call when not empty.
  std::string token;
  // PEM texts. All empty: plain text (the server allows it on loopback
  // only). `ca` set: TLS, trusting these roots (an empty `ca` with a client
  // certificate trusts the system's roots); `cert` and `key` together: the
  // client certificate of mutual TLS.
  std::string tls_ca_pem;
  std::string tls_cert_pem;
  std::string tls_key_pem;

  bool tls() const { return !tls_ca_pem.empty() || !tls_cert_pem.empty(); }
};

// The settings every call shares. Immutable, so thread-safe: the importers
// call through one from several threads.
class CallContext {
 public:
  explicit CallContext(Connection connection);
  // Plain text, as most tests want.
  CallContext(std::string server, double timeout_seconds, std::string token)
      : CallContext(Connection{std::move(server), timeout_seconds, std::move(token), {}, {}, {}}) {}

  // A new channel to the server, over TLS when the connection says so.
  // Connecting is lazy: an unreachable
  // server shows as UNAVAILABLE on the first call (calls do not wait for it
  // to come up). Messages up to 64 MiB each way; keepalive pings every 5
  // minutes during a call, so a dead connection ends a long watch.
  std::shared_ptr<grpc::Channel> NewChannel() const;

  // Sets the deadline (now + timeout, unless `deadline` is kNone), the
  // x-request-id header (when `request_id` is not empty) and the bearer
  // token (when there is one) of one call.
  void Prepare(const std::string& request_id, grpc::ClientContext& context,
               Deadline deadline = Deadline::kTimeout) const;

  const std::string& server() const { return connection_.server; }

 private:
  const Connection connection_;
};

// One unary call through a generated stub, prepared by `context`:
//   Invoke(context_, call_id, *stub_, &Stub::GetEnterprise, request, out)
template <typename Stub, typename Request, typename Response>
grpc::Status Invoke(const CallContext& context, const std::string& request_id,
                    Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Request&, Response*),
                    const Request& request, Response* response) {
  grpc::ClientContext call;
  context.Prepare(request_id, call);
  return (stub.*method)(&call, request, response);
}

// A fresh random id for the x-request-id header: 32 lower-case hex digits.
std::string NewRequestId();

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_CALL_CONTEXT_H_
