// Who is calling: the actor every write's audit entry names.
#ifndef ENVCREDIT_SERVER_API_ACTOR_H_
#define ENVCREDIT_SERVER_API_ACTOR_H_

#include <string>

#include "grpcpp/server_context.h"

namespace envcredit::api {

// The label of the caller's token (set by AuthProcessor); "anonymous" for
// the few methods that need no token.
std::string ActorOf(const grpc::ServerContext* context);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_ACTOR_H_
