#include "server/api/actor.h"

#include "server/api/access_control.h"

namespace envcredit::api {

std::string ActorOf(const grpc::ServerContext* context) {
  auto auth = context->auth_context();
  if (auth != nullptr) {
    auto values = auth->FindPropertyValues(kActorProperty);
    if (!values.empty()) return std::string(values[0].data(), values[0].size());
  }
  return "anonymous";
}

}  // namespace envcredit::api
