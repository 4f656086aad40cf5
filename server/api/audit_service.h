// envcredit.v1.AuditService: reads the audit trail (doc/records.md "Audit").
// Thread-safe; holds no state of its own.
#ifndef ENVCREDIT_SERVER_API_AUDIT_SERVICE_H_
#define ENVCREDIT_SERVER_API_AUDIT_SERVICE_H_

#include "envcredit/v1/audit.grpc.pb.h"
#include "server/api/guard.h"
#include "server/domain/audit.h"

namespace envcredit::api {

class AuditService final : public v1::AuditService::Service {
 public:
  // `access` and `log` must outlive the service.
  AuditService(AccessControl* access, domain::AuditLog* log)
      : guard_(access, "envcredit.v1.AuditService"), log_(log) {}

  grpc::Status ListAuditEntries(grpc::ServerContext* context,
                                const v1::ListAuditEntriesRequest* request,
                                v1::ListAuditEntriesResponse* response) override;

 private:
  const ServiceGuard guard_;
  domain::AuditLog* const log_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_AUDIT_SERVICE_H_
