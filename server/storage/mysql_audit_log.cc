#include "server/storage/mysql_audit_log.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "server/storage/rows.h"

namespace envcredit::storage {
namespace {

constexpr size_t kAuditChunk = 1000;  // a batch's entries in one statement

// Cuts `text` to at most `max_chars` code points (whole UTF-8 sequences);
// invalid UTF-8 is replaced by '?' so the insert never fails on encoding.
std::string Cut(absl::string_view text, int max_chars) {
  std::string out;
  if (!IsValidUtf8(text)) {
    for (char c : text) out += (static_cast<unsigned char>(c) < 0x80) ? c : '?';
    text = out;
    if (static_cast<int>(out.size()) <= max_chars) return out;
    return out.substr(0, max_chars);
  }
  int chars = 0;
  size_t i = 0;
  while (i < text.size() && chars < max_chars) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    i += len;
    ++chars;
  }
  return std::string(text.substr(0, i));
}

}  // namespace

absl::Status AppendAuditEntries(Session& tx,
                                absl::Span<const domain::AuditEntry> entries) {
  size_t start = 0;
  for (const size_t n : FixedRowCounts(entries.size(), kAuditChunk)) {
    std::string sql =
        "INSERT INTO audit_log (entry_time, actor, method, resource, "
        "request_id, outcome, reason, field) VALUES ";
    std::vector<SqlValue> params;
    params.reserve(n * 7);
    for (size_t i = 0; i < n; ++i) {
      const domain::AuditEntry& e = entries[start + i];
      sql += i == 0 ? "(UTC_TIMESTAMP(6),?,?,?,?,?,?,?)"
                    : ",(UTC_TIMESTAMP(6),?,?,?,?,?,?,?)";
      params.emplace_back(Cut(e.actor, domain::kMaxAuditActorChars));
      params.emplace_back(Cut(e.method, domain::kMaxAuditMethodChars));
      params.emplace_back(Cut(e.resource, domain::kMaxAuditResourceChars));
      params.emplace_back(Cut(e.request_id, 64));
      params.emplace_back(Cut(e.outcome, 32));
      params.emplace_back(Cut(e.reason, 64));
      params.emplace_back(Cut(e.field, 255));
    }
    RETURN_IF_ERROR(tx.Execute(sql, params).status());
    start += n;
  }
  return absl::OkStatus();
}

absl::Status AuditWrite(Transaction& tx, const domain::AuditContext& audit,
                        absl::string_view resource) {
  return AppendAuditEntries(tx, {domain::MakeAuditEntry(audit, resource)});
}

absl::Status MysqlAuditLog::Append(const domain::AuditEntry& entry) {
  return AppendAll(absl::MakeConstSpan(&entry, 1));
}

absl::Status MysqlAuditLog::AppendAll(
    absl::Span<const domain::AuditEntry> entries) {
  if (entries.empty()) return absl::OkStatus();
  return db_.RunInTransaction([&](Transaction& tx) {
    return AppendAuditEntries(tx, entries);
  });
}

absl::StatusOr<domain::AuditPage> MysqlAuditLog::List(
    const domain::AuditFilter& filter, int64_t before_id, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  std::string sql =
      "SELECT id, entry_time, actor, method, resource, request_id, outcome, "
      "reason, field FROM audit_log WHERE 1 = 1";
  std::vector<SqlValue> params;
  if (before_id > 0) {
    sql += " AND id < ?";
    params.emplace_back(before_id);
  }
  if (!filter.actor.empty()) {
    sql += " AND actor = ?";
    params.emplace_back(filter.actor);
  }
  if (!filter.method.empty()) {
    if (filter.method.find('/') != std::string::npos) {
      sql += " AND method = ?";
      params.emplace_back(filter.method);
    } else {
      sql += " AND method LIKE ? ESCAPE '\\\\'";
      params.emplace_back(
          absl::StrCat("%/", EscapeLikePattern(filter.method)));
    }
  }
  if (!filter.resource_prefix.empty()) {
    sql += " AND resource LIKE ? ESCAPE '\\\\'";
    params.emplace_back(
        absl::StrCat(EscapeLikePattern(filter.resource_prefix), "%"));
  }
  if (filter.start_time) {
    sql += " AND entry_time >= ?";
    params.emplace_back(TimeText(*filter.start_time));
  }
  if (filter.end_time) {
    sql += " AND entry_time < ?";
    params.emplace_back(TimeText(*filter.end_time));
  }
  if (!filter.outcome.empty()) {
    sql += " AND outcome = ?";
    params.emplace_back(filter.outcome);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(limit + 1);

  domain::AuditPage page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        page = domain::AuditPage();
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
        page.has_more = static_cast<int>(rows.size()) > limit;
        if (page.has_more) rows.erase(rows.begin() + limit, rows.end());
        for (const Row& row : rows) {
          domain::AuditEntry e;
          e.id = row.GetInt64(0);
          ASSIGN_OR_RETURN(e.time, row.GetTime(1));
          e.actor = row.GetString(2);
          e.method = row.GetString(3);
          e.resource = row.GetString(4);
          e.request_id = row.GetString(5);
          e.outcome = row.GetString(6);
          e.reason = row.GetString(7);
          e.field = row.GetString(8);
          page.entries.push_back(std::move(e));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

}  // namespace envcredit::storage
