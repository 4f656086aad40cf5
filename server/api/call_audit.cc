#include "server/api/call_audit.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "server/api/call_state.h"
#include "server/api/grpc_status.h"

namespace envcredit::api {

CallAudit::CallAudit(domain::AuditLog* log, absl::string_view service)
    : log_(log), method_prefix_(absl::StrCat("/", service, "/")) {}

domain::AuditContext CallAudit::Context(const Caller& caller,
                                        absl::string_view method,
                                        std::string request_id) const {
  if (request_id.empty()) request_id = std::string(CurrentRequestId());
  return domain::AuditContext{caller.label,
                              absl::StrCat(method_prefix_, method),
                              std::move(request_id)};
}

void CallAudit::Append(const domain::AuditContext& audit,
                       absl::string_view resource,
                       const absl::Status& status) const {
  if (log_ == nullptr) return;
  absl::Status appended =
      log_->Append(domain::MakeAuditEntry(audit, resource, status));
  if (!appended.ok()) {
    // Rate-limited: while the database is away every call fails to audit.
    LogLimited(LogSeverity::kError, absl::StrCat("cannot audit ", audit.method),
               absl::StrCat("cannot audit ", audit.method, " (",
                            status.ok() ? "OK" : "failed", "): ",
                            appended.ToString()));
  }
}

void CallAudit::AppendAll(const std::vector<domain::AuditEntry>& entries) const {
  if (log_ == nullptr || entries.empty()) return;
  absl::Status appended = log_->AppendAll(entries);
  if (!appended.ok()) {
    LogLimited(LogSeverity::kError, "cannot audit batch items",
               absl::StrCat("cannot audit ", entries.size(),
                            " failed batch items: ", appended.ToString()));
  }
}

grpc::Status CallAudit::FinishWrite(const domain::AuditContext& audit,
                                    absl::string_view resource,
                                    const absl::Status& status) const {
  if (!status.ok()) Append(audit, resource, status);
  return ToGrpcStatus(status);
}

grpc::Status CallAudit::FinishAudited(const domain::AuditContext& audit,
                                      absl::string_view resource,
                                      const absl::Status& status) const {
  Append(audit, resource, status);
  return ToGrpcStatus(status);
}

}  // namespace envcredit::api
