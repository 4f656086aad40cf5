#include "server/api/health_service.h"

#include "absl/time/time.h"

namespace envcredit::api {

using grpc::health::v1::HealthCheckResponse;

void HealthService::Set(const std::string& service, bool serving) {
  absl::MutexLock lock(&mu_);
  if (shutdown_) return;
  auto [it, added] = serving_.try_emplace(service, serving);
  if (!added && it->second == serving) return;
  it->second = serving;
  ++changes_;
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mu_);
  shutdown_ = true;
  for (auto& [service, serving] : serving_) serving = false;
  ++changes_;
}

HealthService::Status HealthService::StatusOf(const std::string& service) const {
  auto it = serving_.find(service);
  if (it == serving_.end()) return HealthCheckResponse::SERVICE_UNKNOWN;
  return it->second ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

grpc::Status HealthService::Check(grpc::ServerContext*,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  absl::ReaderMutexLock lock(&mu_);
  const Status status = StatusOf(request->service());
  if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
  }
  response->set_status(status);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(grpc::ServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::ServerWriter<HealthCheckResponse>* writer) {
  uint64_t seen = 0;
  bool first = true;
  for (;;) {
    HealthCheckResponse response;
    bool ended = false;
    {
      absl::MutexLock lock(&mu_);
      // A change, the client leaving, or a second (to notice the latter).
      const auto changed = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return first || changes_ != seen;
      };
      mu_.AwaitWithTimeout(absl::Condition(&changed), absl::Seconds(1));
      if (context->IsCancelled()) return grpc::Status::CANCELLED;
      if (!changed()) continue;
      first = false;
      seen = changes_;
      response.set_status(StatusOf(request->service()));
      ended = shutdown_;
    }
    if (!writer->Write(response)) return grpc::Status::CANCELLED;
    if (ended) return grpc::Status::OK;
  }
}

}  // namespace envcredit::api
