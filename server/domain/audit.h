// The audit trail (doc/records.md "Audit"): who wrote what, when, with which
// outcome. Entries of successful writes are appended by the repositories in
// the transaction of the write; failed or refused calls are appended on
// their own through AuditLog::Append.
#ifndef ENVCREDIT_SERVER_DOMAIN_AUDIT_H_
#define ENVCREDIT_SERVER_DOMAIN_AUDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace envcredit::domain {

// Who is writing, through which method, under which request_id. Passed to
// every repository write so it can append the audit entry itself.
struct AuditContext {
  std::string actor;       // token label, "anonymous", "unauthenticated"
  std::string method;      // full gRPC method, "/envcredit.v1.X/Y"
  std::string request_id;  // "" when none
};

struct AuditEntry {
  int64_t id = 0;     // set by the log
  absl::Time time;    // set by the log (database clock)
  std::string actor;
  std::string method;
  std::string resource;
  std::string request_id;
  std::string outcome = "OK";  // canonical code name
  std::string reason;          // ErrorInfo reason of a failure
  std::string field;           // the field a validation failure named
};

// The entry for a call under `context` on `resource` that ended with
// `status` (outcome = the code's name, reason and field from common/errors.h).
AuditEntry MakeAuditEntry(const AuditContext& context,
                          absl::string_view resource,
                          const absl::Status& status = absl::OkStatus());

struct AuditFilter {
  std::string actor;            // exact; "" = any
  std::string method;           // full method, or the name after the last '/'
  std::string resource_prefix;  // "" = any
  std::optional<absl::Time> start_time;  // inclusive
  std::optional<absl::Time> end_time;    // exclusive
  std::string outcome;          // exact; "" = any
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // newest first
  bool has_more = false;
};

// Limits of the stored columns; longer values are cut (an audit append never
// fails because of a long value).
inline constexpr int kMaxAuditActorChars = 100;
inline constexpr int kMaxAuditMethodChars = 150;
inline constexpr int kMaxAuditResourceChars = 255;

// Thread-safe.
class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // Appends one entry in its own transaction (for failed and refused calls;
  // successful writes are audited by the repositories). UNAVAILABLE when the
  // database cannot be reached; INTERNAL otherwise.
  virtual absl::Status Append(const AuditEntry& entry) = 0;
  // Appends several entries in one transaction (one multi-row insert).
  virtual absl::Status AppendAll(absl::Span<const AuditEntry> entries) = 0;

  // Up to `limit` (1..1000) entries matching `filter` with id < `before_id`
  // (0 = from the newest), newest first. A limit outside 1..1000 is the
  // caller's bug (it resolves page sizes first): INTERNAL.
  virtual absl::StatusOr<AuditPage> List(const AuditFilter& filter,
                                         int64_t before_id, int limit) = 0;
};

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_AUDIT_H_
