// The audit trail in MySQL / MariaDB (table audit_log, doc/schema.md):
// domain::AuditLog, and the helper the repositories use to append entries
// inside their own transactions. Times come from the database
// (UTC_TIMESTAMP(6)). Thread-safe.
#ifndef ENVCREDIT_SERVER_STORAGE_MYSQL_AUDIT_LOG_H_
#define ENVCREDIT_SERVER_STORAGE_MYSQL_AUDIT_LOG_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "server/domain/audit.h"
#include "server/storage/database.h"

namespace envcredit::storage {

// Appends `entries` inside `tx` with multi-row INSERTs of up to 1,000 rows
// (ids and times are assigned by the database); on a Session in autocommit,
// each statement is its own transaction. Errors of Session::Execute.
absl::Status AppendAuditEntries(Session& tx,
                                absl::Span<const domain::AuditEntry> entries);

// Appends the entry (outcome OK) of a write of `resource` under `audit`
// inside `tx`. Errors of Transaction::Execute.
absl::Status AuditWrite(Transaction& tx, const domain::AuditContext& audit,
                        absl::string_view resource);

class MysqlAuditLog final : public domain::AuditLog {
 public:
  // `db` must outlive the log.
  explicit MysqlAuditLog(Database* db) : db_(*db) {}

  absl::Status Append(const domain::AuditEntry& entry) override;
  absl::Status AppendAll(absl::Span<const domain::AuditEntry> entries) override;
  absl::StatusOr<domain::AuditPage> List(const domain::AuditFilter& filter,
                                         int64_t before_id, int limit) override;

 private:
  Database& db_;
};

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_MYSQL_AUDIT_LOG_H_
