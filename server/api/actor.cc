#include "server/api/actor.h"

namespace envcredit::api {

// Access control (tokens) is not wired in yet: every caller is anonymous.
std::string ActorOf(const grpc::ServerContext*) { return "unauthenticated"; }

}  // namespace envcredit::api
