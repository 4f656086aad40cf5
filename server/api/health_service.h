// grpc.health.v1.Health, served by the synchronous server (doc/operations
// notes in doc/architecture.md "Start-up and readiness"). gRPC's built-in
// health service is a callback service, and a server with any callback
// service pays for two more polling threads on every call
// (server/api/watch_calls.h); this one is a plain synchronous service.
//
// Statuses by service name: "" (readiness) and "liveness" as main.cc sets
// them. Check of a name never set: NOT_FOUND, as gRPC's own service answers.
// Watch sends the status at once and then on every change (SERVICE_UNKNOWN
// for a name never set) until the client leaves or the server stops; it
// holds a handler thread while it lasts (load balancers and probes use
// Check). No access check: health is public, as with gRPC's own service.
#ifndef ENVCREDIT_SERVER_API_HEALTH_SERVICE_H_
#define ENVCREDIT_SERVER_API_HEALTH_SERVICE_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace envcredit::api {

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  // Sets the status of `service` (after Shutdown: ignored).
  void Set(const std::string& service, bool serving);
  // Every status NOT_SERVING for good; open watches are sent it and end.
  void Shutdown();

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

 private:
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;
  Status StatusOf(const std::string& service) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, bool> serving_ ABSL_GUARDED_BY(mu_);
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t changes_ ABSL_GUARDED_BY(mu_) = 0;  // wakes watches
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_HEALTH_SERVICE_H_
