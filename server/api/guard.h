// The first line of every handler: the access check, inline on the
// handler's own thread (doc/access.md "Where the check runs").
//
//   grpc::Status EnterpriseService::GetEnterprise(grpc::ServerContext* context,
//                                                 ...) {
//     const Admission admitted = guard_.Admit(context, "GetEnterprise", *request);
//     if (!admitted.ok()) return admitted.denial();
//     ... admitted.caller() is who calls: its token id, role and label ...
//
// The request goes with it: an ENTERPRISE caller is admitted only to its
// own enterprise's data (enterprise_scope.h), decided here, before the
// handler reads anything.
//
// WatchRatingChanges, served with the asynchronous API (watch_calls.h),
// admits the same way as the first statement of RatingService::AdmitWatchRatingChanges,
// which a matched call runs before anything else, and finishes a refused
// call with the denial.
//
// A handler that forgets it is found twice: scripts/check_guards.py (CTest
// `access_guards`) fails on any handler of server/api/*_service.cc whose
// first statement is not this call with its own method name, and the role
// matrix of tests/e2e/access_e2e_test.cc calls every method with every role
// and no token, asserting the exact code.
#ifndef ENVCREDIT_SERVER_API_GUARD_H_
#define ENVCREDIT_SERVER_API_GUARD_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "server/api/access_control.h"

namespace envcredit::api {

// The outcome of the check: the caller, or the status to answer with.
class Admission {
 public:
  explicit Admission(absl::StatusOr<Caller> caller) : caller_(std::move(caller)) {}

  bool ok() const { return caller_.ok(); }
  // Only when ok().
  const Caller& caller() const { return *caller_; }
  // The gRPC status of the refusal (reason first in the message, ErrorInfo
  // in the details). Only when !ok().
  grpc::Status denial() const;

 private:
  absl::StatusOr<Caller> caller_;
};

// The check for the methods of one service. Thread-safe; `access` must
// outlive it.
class ServiceGuard {
 public:
  // `service`: the full service name, e.g. "envcredit.v1.ListService".
  ServiceGuard(AccessControl* access, absl::string_view service);

  // Checks the call to `method` (the name after the service's, e.g.
  // "GetEnterprise") that `context` and `request` belong to.
  // Any server context (sync and async handlers' grpc::ServerContext, a
  // callback handler's) carries the caller's metadata and peer on this
  // common base.
  Admission Admit(const grpc::ServerContextBase* context, absl::string_view method,
                  const google::protobuf::Message& request) const;

 private:
  AccessControl* const access_;
  const std::string method_prefix_;  // "/envcredit.v1.ListService/"
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_GUARD_H_
