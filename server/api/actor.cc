#include "server/api/actor.h"

#include "server/api/access_control.h"

namespace envcredit::api {

std::string ActorOf(const grpc::ServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("authorization");
  if (it != metadata.end()) {
    std::string label = LabelOfAuthenticatedToken(
        absl::string_view(it->second.data(), it->second.size()));
    if (!label.empty()) return label;
  }
  return "anonymous";
}

}  // namespace envcredit::api
