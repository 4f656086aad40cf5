// envcredit.v1.EnterpriseService: the enterprise registry over gRPC. Each
// handler reads as a checklist: validate, convert, call the repository,
// convert back. Thread-safe; holds no state of its own.
#ifndef ENVCREDIT_SERVER_API_ENTERPRISE_SERVICE_H_
#define ENVCREDIT_SERVER_API_ENTERPRISE_SERVICE_H_

#include "envcredit/v1/enterprise.grpc.pb.h"
#include "server/api/call_audit.h"
#include "server/api/guard.h"
#include "server/domain/audit.h"
#include "server/domain/enterprise_repository.h"

namespace envcredit::api {


class EnterpriseService final : public v1::EnterpriseService::Service {
 public:
  // `access`, `repository` and `audit` must outlive the service. Every
  // call is checked by `access` first. Successful writes are audited by the
  // repository; failed ones are appended to `audit` (when not null).
  EnterpriseService(AccessControl* access, domain::EnterpriseRepository* repository,
                    domain::AuditLog* audit = nullptr)
      : guard_(access, "envcredit.v1.EnterpriseService"),
        repository_(repository),
        audit_(audit, "envcredit.v1.EnterpriseService") {}

  grpc::Status BatchCreateEnterprises(grpc::ServerContext* context,
                                      const v1::BatchCreateEnterprisesRequest* request,
                                      v1::BatchCreateEnterprisesResponse* response) override;
  grpc::Status CreateEnterprise(grpc::ServerContext* context,
                                const v1::CreateEnterpriseRequest* request,
                                v1::Enterprise* response) override;
  grpc::Status GetEnterprise(grpc::ServerContext* context,
                             const v1::GetEnterpriseRequest* request,
                             v1::Enterprise* response) override;
  grpc::Status ListEnterprises(grpc::ServerContext* context,
                               const v1::ListEnterprisesRequest* request,
                               v1::ListEnterprisesResponse* response) override;
  grpc::Status UpdateEnterprise(grpc::ServerContext* context,
                                const v1::UpdateEnterpriseRequest* request,
                                v1::Enterprise* response) override;

 private:
  const ServiceGuard guard_;
  domain::EnterpriseRepository* const repository_;
  const CallAudit audit_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_ENTERPRISE_SERVICE_H_
