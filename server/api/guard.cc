#include "server/api/guard.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/api/call_state.h"
#include "server/api/grpc_status.h"

namespace envcredit::api {

grpc::Status Admission::denial() const { return ToGrpcStatus(caller_.status()); }

ServiceGuard::ServiceGuard(AccessControl* access, absl::string_view service)
    : access_(access), method_prefix_(absl::StrCat("/", service, "/")) {}

Admission ServiceGuard::Admit(const grpc::ServerContextBase* context,
                              absl::string_view method,
                              const google::protobuf::Message& request) const {
  absl::StatusOr<Caller> caller =
      access_->Check(absl::StrCat(method_prefix_, method), *context, request);
  if (caller.ok()) SetCurrentActor(caller->label);  // for the access log
  return Admission(std::move(caller));
}

}  // namespace envcredit::api
