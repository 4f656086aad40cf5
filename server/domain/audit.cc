#include "server/domain/audit.h"

#include "common/errors.h"

namespace envcredit::domain {

AuditEntry MakeAuditEntry(const AuditContext& context,
                          absl::string_view resource,
                          const absl::Status& status) {
  AuditEntry entry;
  entry.actor = context.actor;
  entry.method = context.method;
  entry.request_id = context.request_id;
  entry.resource = std::string(resource);
  entry.outcome = absl::StatusCodeToString(status.code());
  if (!status.ok()) {
    entry.reason = ErrorReason(status);
    entry.field = ErrorField(status);
  }
  return entry;
}

}  // namespace envcredit::domain
