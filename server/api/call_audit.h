// The audit of a gRPC call, one way for every service (doc/access.md →
// "Audit"). A write that succeeds appends its entry inside its own
// transaction (the repositories do it); a call that fails, and a job that
// has no transaction of its own to write it in, is audited here.
#ifndef ENVCREDIT_SERVER_API_CALL_AUDIT_H_
#define ENVCREDIT_SERVER_API_CALL_AUDIT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"
#include "server/api/access_control.h"
#include "server/domain/audit.h"

namespace envcredit::api {

// The calls of one service. Thread-safe; the log must outlive it.
class CallAudit {
 public:
  // `service`: the full service name, e.g. "envcredit.v1.ListService".
  // `log` may be null (no auditing: handler unit tests).
  CallAudit(domain::AuditLog* log, absl::string_view service);

  // The audit context of a call to `method` of the service by `caller` (the
  // identity the access check let through, ServiceGuard::Admit), for the
  // write's own audit entry. Its request id is `request_id` (the request's
  // own field) when not empty, else the call's (call_state.h: the
  // `x-request-id` metadata or the server's), the one of its access-log line.
  domain::AuditContext Context(const Caller& caller,
                               absl::string_view method,
                               std::string request_id = "") const;

  // Appends the entry of a call on `resource` that ended with `status`; a
  // failure to append is logged, never returned (the caller's outcome
  // stands).
  void Append(const domain::AuditContext& audit, absl::string_view resource,
              const absl::Status& status) const;

  // Appends the entries of a batch's failed items (logged, never returned).
  void AppendAll(const std::vector<domain::AuditEntry>& entries) const;

  // Ends a write: audits it when it failed (a success was audited in its
  // transaction) and returns its gRPC status.
  grpc::Status FinishWrite(const domain::AuditContext& audit,
                           absl::string_view resource,
                           const absl::Status& status) const;

  // Ends a call that is audited whatever its outcome (jobs such as the roll
  // and rescoring) and returns its gRPC status.
  grpc::Status FinishAudited(const domain::AuditContext& audit,
                             absl::string_view resource,
                             const absl::Status& status) const;

 private:
  domain::AuditLog* const log_;
  const std::string method_prefix_;  // "/envcredit.v1.ListService/"
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_CALL_AUDIT_H_
