// envcredit.v1.ListService (proto/envcredit/v1/lists.proto; doc/lists.md):
// the honour and black lists, from proposal to signed publication, and credit
// repair. Validation and conversion happen here; the workflow is in
// domain::ListRepository and domain/lists.h.
#ifndef ENVCREDIT_SERVER_API_LIST_SERVICE_H_
#define ENVCREDIT_SERVER_API_LIST_SERVICE_H_

#include "common/clock.h"
#include "envcredit/v1/lists.grpc.pb.h"
#include "server/api/call_audit.h"
#include "server/api/guard.h"
#include "server/api/list_convert.h"
#include "server/domain/audit.h"
#include "server/domain/list_repository.h"

namespace envcredit::api {

namespace v1 = ::envcredit::v1;

class ListService final : public v1::ListService::Service {
 public:
  // Every pointer must outlive the service.
  ListService(AccessControl* access, domain::ListRepository* lists,
              domain::AuditLog* audit, const Clock* clock)
      : guard_(access, "envcredit.v1.ListService"),
        lists_(*lists),
        audit_(audit, "envcredit.v1.ListService"),
        clock_(*clock) {}

  grpc::Status ProposePublication(grpc::ServerContext* context,
                                  const v1::ProposePublicationRequest* request,
                                  v1::Publication* response) override;
  grpc::Status GetPublication(grpc::ServerContext* context,
                              const v1::GetPublicationRequest* request,
                              v1::Publication* response) override;
  grpc::Status ListPublicationEntries(grpc::ServerContext* context,
                                      const v1::ListPublicationEntriesRequest* request,
                                      v1::ListPublicationEntriesResponse* response) override;
  grpc::Status ListPublicationRemovals(grpc::ServerContext* context,
                                       const v1::ListPublicationRemovalsRequest* request,
                                       v1::ListPublicationRemovalsResponse* response) override;
  grpc::Status ListPublications(grpc::ServerContext* context,
                                const v1::ListPublicationsRequest* request,
                                v1::ListPublicationsResponse* response) override;
  grpc::Status StartNotice(grpc::ServerContext* context,
                           const v1::StartNoticeRequest* request,
                           v1::Publication* response) override;
  grpc::Status FileObjection(grpc::ServerContext* context,
                             const v1::FileObjectionRequest* request,
                             v1::Objection* response) override;
  grpc::Status DecideObjection(grpc::ServerContext* context,
                               const v1::DecideObjectionRequest* request,
                               v1::Objection* response) override;
  grpc::Status ListObjections(grpc::ServerContext* context,
                              const v1::ListObjectionsRequest* request,
                              v1::ListObjectionsResponse* response) override;
  grpc::Status PublishPublication(grpc::ServerContext* context,
                                  const v1::PublishPublicationRequest* request,
                                  v1::Publication* response) override;
  grpc::Status ListEntries(grpc::ServerContext* context,
                           const v1::ListEntriesRequest* request,
                           v1::ListEntriesResponse* response) override;
  grpc::Status GetListEntry(grpc::ServerContext* context,
                            const v1::GetListEntryRequest* request,
                            v1::PublicationEntry* response) override;
  grpc::Status ApplyRepair(grpc::ServerContext* context,
                           const v1::ApplyRepairRequest* request,
                           v1::Repair* response) override;
  grpc::Status DecideRepair(grpc::ServerContext* context,
                            const v1::DecideRepairRequest* request,
                            v1::Repair* response) override;
  grpc::Status ListRepairs(grpc::ServerContext* context,
                           const v1::ListRepairsRequest* request,
                           v1::ListRepairsResponse* response) override;

 private:
  // The publication's header, or NOT_FOUND (PUBLICATION_NOT_FOUND) also
  // when it is a proposal the caller may not see (GetPublication's rule).
  absl::StatusOr<domain::Publication> VisiblePublication(const Admission& admitted,
                                                         const PublicationKey& key);
  // ListPublicationEntries / ListPublicationRemovals: one page of rows.
  template <typename Response>
  absl::Status PagePublicationRows(const Admission& admitted, const std::string& parent,
                                   int requested_size, const std::string& token,
                                   domain::PublicationRows which, bool notices,
                                   Response* response);

  const ServiceGuard guard_;

  domain::ListRepository& lists_;
  const CallAudit audit_;
  const Clock& clock_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_LIST_SERVICE_H_
