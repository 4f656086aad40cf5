#include "server/storage/mysql_record_repository.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "server/storage/mysql_audit_log.h"
#include "server/storage/mysql_enterprise_repository.h"
#include "server/storage/request_log.h"
#include "server/storage/sql_error.h"

namespace envcredit::storage {
namespace {

using domain::AuditContext;
using domain::Commitment;
using domain::CommitmentItem;
using domain::CommitmentItemState;
using domain::Complaint;
using domain::DecisionResult;
using domain::Incident;
using domain::PenaltyDecision;
using domain::PenaltyDecisionState;
using domain::RecordName;
using domain::RequestKey;

constexpr size_t kChunk = 500;

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::StatusOr<absl::CivilDay> DayOf(const Row& row, int column) {
  absl::CivilDay day;
  if (row.IsNull(column) || !absl::ParseCivilTime(row.GetString(column), &day)) {
    return absl::InternalError(
        absl::StrCat("column ", column, " is not a date: ",
                     row.GetString(column)));
  }
  return day;
}

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDayOf(const Row& row,
                                                            int column) {
  if (row.IsNull(column)) return std::optional<absl::CivilDay>();
  ASSIGN_OR_RETURN(absl::CivilDay day, DayOf(row, column));
  return std::optional<absl::CivilDay>(day);
}

absl::Status CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return InvalidArgument(
        "page_size", "INVALID_PAGE_SIZE",
        absl::StrCat("page size must be in 1..", kMaxListLimit));
  }
  return absl::OkStatus();
}

absl::Status EnterpriseNotFound(absl::string_view credit_code) {
  return MakeError(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND",
                   absl::StrCat("enterprise enterprises/", credit_code,
                                " does not exist"));
}

absl::Status RecordNotFound(absl::string_view reason, absl::string_view name,
                            absl::string_view field = {}) {
  return MakeError(absl::StatusCode::kNotFound, reason,
                   absl::StrCat(name, " does not exist"), field);
}

absl::StatusOr<int64_t> EnterpriseId(Transaction& tx,
                                      absl::string_view credit_code) {
  ASSIGN_OR_RETURN(std::optional<Row> row,
                   tx.QueryRow("SELECT id FROM enterprises WHERE credit_code = ?",
                               {credit_code}));
  if (!row) return EnterpriseNotFound(credit_code);
  return row->GetInt64(0);
}

absl::Status Audit(Transaction& tx, const AuditContext& audit,
                   absl::string_view resource) {
  return AppendAuditEntries(tx, {domain::MakeAuditEntry(audit, resource)});
}

domain::RatingTrigger RecordTrigger(std::string resource, std::string reason) {
  return domain::RatingTrigger{domain::RatingChangeCause::kRecordWritten,
                               std::move(resource), std::move(reason)};
}

// Re-rates one enterprise on today within `tx`.
absl::Status Rerate(const RatingWriter& ratings, Transaction& tx, int64_t eid,
                    const domain::RatingTrigger& trigger,
                    RatingUpdates* updates) {
  const int64_t ids[] = {eid};
  return ratings.Recompute(tx, ids, ratings.Today(), trigger, updates);
}

// "(?,?,?),(?,?,?)" for `rows` rows of `columns` placeholders.
std::string Placeholders(size_t rows, size_t columns) {
  std::string one = "(";
  for (size_t c = 0; c < columns; ++c) one += c == 0 ? "?" : ",?";
  one += ")";
  std::string all;
  all.reserve(rows * (one.size() + 1));
  for (size_t r = 0; r < rows; ++r) {
    if (r > 0) all += ',';
    all += one;
  }
  return all;
}

// ---------------------------------------------------------------- commitments

#define ENVCREDIT_COMMITMENT_COLUMNS                                        \
  "c.id, e.credit_code, c.kind, c.signer, c.signing_date, c.is_public, "   \
  "c.create_time, c.update_time"

absl::StatusOr<Commitment> RowToCommitment(const Row& row) {
  Commitment c;
  c.id = row.GetInt64(0);
  c.credit_code = row.GetString(1);
  c.kind = static_cast<domain::CommitmentKind>(row.GetInt64(2));
  c.signer = row.GetString(3);
  ASSIGN_OR_RETURN(c.signing_date, DayOf(row, 4));
  c.is_public = row.GetInt64(5) != 0;
  ASSIGN_OR_RETURN(c.create_time, row.GetTime(6));
  ASSIGN_OR_RETURN(c.update_time, row.GetTime(7));
  return c;
}

// Fills the items of `commitments` (one query).
absl::Status ReadItems(Transaction& tx, std::vector<Commitment>& commitments) {
  if (commitments.empty()) return absl::OkStatus();
  absl::flat_hash_map<int64_t, Commitment*> by_id;
  std::vector<SqlValue> ids;
  for (Commitment& c : commitments) {
    by_id[c.id] = &c;
    ids.emplace_back(c.id);
  }
  std::string sql =
      "SELECT commitment_id, item_number, description, due_date, state, "
      "check_date, check_note FROM commitment_items WHERE commitment_id IN (";
  for (size_t i = 0; i < ids.size(); ++i) sql += i == 0 ? "?" : ",?";
  sql += ") ORDER BY commitment_id, item_number";
  ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, ids));
  for (const Row& row : rows) {
    CommitmentItem item;
    item.number = static_cast<int>(row.GetInt64(1));
    item.description = row.GetString(2);
    ASSIGN_OR_RETURN(item.due_date, DayOf(row, 3));
    item.state = static_cast<CommitmentItemState>(row.GetInt64(4));
    ASSIGN_OR_RETURN(item.check_date, OptionalDayOf(row, 5));
    item.check_note = row.GetString(6);
    by_id[row.GetInt64(0)]->items.push_back(std::move(item));
  }
  return absl::OkStatus();
}

absl::StatusOr<Commitment> ReadCommitment(Transaction& tx,
                                          absl::string_view credit_code,
                                          int64_t id) {
  ASSIGN_OR_RETURN(
      std::optional<Row> row,
      tx.QueryRow("SELECT " ENVCREDIT_COMMITMENT_COLUMNS
                  " FROM commitments c JOIN enterprises e ON e.id = "
                  "c.enterprise_id WHERE c.id = ? AND e.credit_code = ?",
                  {id, credit_code}));
  if (!row) {
    return RecordNotFound(
        "COMMITMENT_NOT_FOUND",
        RecordName(credit_code, domain::kCommitments, id));
  }
  std::vector<Commitment> one;
  ASSIGN_OR_RETURN(Commitment c, RowToCommitment(*row));
  one.push_back(std::move(c));
  RETURN_IF_ERROR(ReadItems(tx, one));
  return std::move(one[0]);
}

// ---------------------------------------------------------- penalty decisions

#define ENVCREDIT_DECISION_COLUMNS                                            \
  "d.id, e.credit_code, d.authority, d.decision_number, d.violation_type, "  \
  "d.decision_date, d.measure_bits, d.fine_amount_fen, d.tampering, "        \
  "d.recurrence, d.recurrence_of_id, d.state, d.rectified_date, "            \
  "d.revocation_date, d.revocation_reason, d.revocation_note, "              \
  "d.create_time, d.update_time"
#define ENVCREDIT_DECISION_FROM \
  " FROM penalty_decisions d JOIN enterprises e ON e.id = d.enterprise_id"

absl::StatusOr<PenaltyDecision> RowToDecision(const Row& row) {
  PenaltyDecision d;
  d.id = row.GetInt64(0);
  d.credit_code = row.GetString(1);
  d.authority = row.GetString(2);
  d.decision_number = row.GetString(3);
  d.violation_type = static_cast<domain::ViolationType>(row.GetInt64(4));
  ASSIGN_OR_RETURN(d.decision_date, DayOf(row, 5));
  d.measures = domain::MeasuresFromBits(row.GetInt64(6));
  d.fine_amount_fen = row.GetInt64(7);
  d.tampering = row.GetInt64(8) != 0;
  d.recurrence = row.GetInt64(9) != 0;
  d.recurrence_of_id = row.GetInt64(10);
  d.state = static_cast<PenaltyDecisionState>(row.GetInt64(11));
  ASSIGN_OR_RETURN(d.rectified_date, OptionalDayOf(row, 12));
  if (!row.IsNull(13)) {
    domain::Revocation r;
    ASSIGN_OR_RETURN(r.date, DayOf(row, 13));
    r.reason = static_cast<domain::RevocationReason>(row.GetInt64(14));
    r.note = row.GetString(15);
    d.revocation = r;
  }
  ASSIGN_OR_RETURN(d.create_time, row.GetTime(16));
  ASSIGN_OR_RETURN(d.update_time, row.GetTime(17));
  return d;
}

absl::StatusOr<PenaltyDecision> ReadDecision(Transaction& tx,
                                             absl::string_view credit_code,
                                             int64_t id, bool for_update) {
  std::string sql = "SELECT " ENVCREDIT_DECISION_COLUMNS ENVCREDIT_DECISION_FROM
                    " WHERE d.id = ? AND e.credit_code = ?";
  if (for_update) sql += " FOR UPDATE";
  ASSIGN_OR_RETURN(std::optional<Row> row, tx.QueryRow(sql, {id, credit_code}));
  if (!row) {
    return RecordNotFound(
        "PENALTY_DECISION_NOT_FOUND",
        RecordName(credit_code, domain::kPenaltyDecisions, id));
  }
  return RowToDecision(*row);
}

std::string PairKey(absl::string_view authority, absl::string_view number) {
  return absl::StrCat(authority, "\x1f", number);
}

absl::Status DecisionExists(const PenaltyDecision& d) {
  return MakeError(
      absl::StatusCode::kAlreadyExists, "PENALTY_DECISION_ALREADY_EXISTS",
      absl::StrCat("decision ", d.decision_number, " of ", d.authority,
                   " exists already with other content"),
      "penalty_decision.decision_number");
}

// One attempt at a batch; ABORTED (DB_CONFLICT) when a concurrent batch
// inserted one of the same decision numbers first.
absl::Status BatchAttempt(Transaction& tx,
                          const std::vector<domain::BatchDecision>& items,
                          std::vector<absl::StatusOr<DecisionResult>>& results,
                          const RatingWriter& ratings, RatingUpdates* updates) {
  const size_t n = items.size();
  results.assign(n, absl::UnknownError("not processed"));
  ASSIGN_OR_RETURN(std::optional<Row> now_row,
                   tx.QueryRow("SELECT UTC_TIMESTAMP(6)"));
  const std::string now_text = now_row->GetString(0);
  ASSIGN_OR_RETURN(absl::Time now, now_row->GetTime(0));

  // 1. Enterprises.
  absl::flat_hash_map<std::string, int64_t> enterprise_ids;
  {
    std::vector<std::string> codes;
    for (const auto& item : items) codes.push_back(item.decision.credit_code);
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    for (size_t start = 0; start < codes.size(); start += kChunk) {
      const size_t m = std::min(kChunk, codes.size() - start);
      std::string sql = "SELECT id, credit_code FROM enterprises WHERE credit_code IN (";
      std::vector<SqlValue> params;
      for (size_t i = 0; i < m; ++i) {
        sql += i == 0 ? "?" : ",?";
        params.emplace_back(codes[start + i]);
      }
      sql += ")";
      ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
      for (const Row& row : rows) enterprise_ids[row.GetString(1)] = row.GetInt64(0);
    }
  }
  // 2. Decisions with the same numbers, stored before.
  absl::flat_hash_map<std::string, PenaltyDecision> existing;
  for (size_t start = 0; start < n; start += kChunk) {
    const size_t m = std::min(kChunk, n - start);
    std::string sql = "SELECT " ENVCREDIT_DECISION_COLUMNS ENVCREDIT_DECISION_FROM
                      " WHERE ";
    std::vector<SqlValue> params;
    for (size_t i = 0; i < m; ++i) {
      sql += i == 0 ? "(d.authority = ? AND d.decision_number = ?)"
                    : " OR (d.authority = ? AND d.decision_number = ?)";
      params.emplace_back(items[start + i].decision.authority);
      params.emplace_back(items[start + i].decision.decision_number);
    }
    ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
    for (const Row& row : rows) {
      ASSIGN_OR_RETURN(PenaltyDecision d, RowToDecision(row));
      existing[PairKey(d.authority, d.decision_number)] = std::move(d);
    }
  }
  // 3. Earlier decisions named by recurrence_of: id -> enterprise id.
  absl::flat_hash_map<int64_t, int64_t> earlier;
  {
    std::vector<SqlValue> ids;
    for (const auto& item : items) {
      if (item.decision.recurrence_of_id != 0) ids.emplace_back(item.decision.recurrence_of_id);
    }
    for (size_t start = 0; start < ids.size(); start += kChunk) {
      const size_t m = std::min(kChunk, ids.size() - start);
      std::string sql = "SELECT id, enterprise_id FROM penalty_decisions WHERE id IN (";
      for (size_t i = 0; i < m; ++i) sql += i == 0 ? "?" : ",?";
      sql += ")";
      ASSIGN_OR_RETURN(std::vector<Row> rows,
                       tx.Query(sql, absl::MakeConstSpan(ids).subspan(start, m)));
      for (const Row& row : rows) earlier[row.GetInt64(0)] = row.GetInt64(1);
    }
  }
  // 4. Decide per item.
  std::vector<size_t> to_insert;
  absl::flat_hash_map<std::string, size_t> pending;  // pair -> item index
  std::vector<std::pair<size_t, size_t>> same_as_pending;  // item, original
  for (size_t i = 0; i < n; ++i) {
    const PenaltyDecision& d = items[i].decision;
    auto eid = enterprise_ids.find(d.credit_code);
    if (eid == enterprise_ids.end()) {
      results[i] = EnterpriseNotFound(d.credit_code);
      continue;
    }
    if (d.recurrence_of_id != 0) {
      auto it = earlier.find(d.recurrence_of_id);
      if (it == earlier.end() || it->second != eid->second) {
        results[i] = RecordNotFound(
            "PENALTY_DECISION_NOT_FOUND",
            RecordName(d.credit_code, domain::kPenaltyDecisions,
                       d.recurrence_of_id),
            "penalty_decision.recurrence_of");
        continue;
      }
    }
    const std::string key = PairKey(d.authority, d.decision_number);
    if (auto it = existing.find(key); it != existing.end()) {
      if (domain::SameDecisionContent(it->second, d)) {
        results[i] = DecisionResult{it->second, true};
      } else {
        results[i] = DecisionExists(d);
      }
      continue;
    }
    if (auto it = pending.find(key); it != pending.end()) {
      if (domain::SameDecisionContent(items[it->second].decision, d)) {
        same_as_pending.emplace_back(i, it->second);
      } else {
        results[i] = DecisionExists(d);
      }
      continue;
    }
    pending[key] = i;
    to_insert.push_back(i);
  }
  // 5. Insert in chunks; read the ids back.
  for (size_t start = 0; start < to_insert.size(); start += kChunk) {
    const size_t m = std::min(kChunk, to_insert.size() - start);
    std::string sql =
        "INSERT INTO penalty_decisions (enterprise_id, authority, "
        "decision_number, violation_type, decision_date, measure_bits, "
        "fine_amount_fen, tampering, recurrence, recurrence_of_id, state, "
        "create_time, update_time) VALUES " +
        Placeholders(m, 13);
    std::vector<SqlValue> params;
    params.reserve(m * 13);
    for (size_t k = 0; k < m; ++k) {
      const PenaltyDecision& d = items[to_insert[start + k]].decision;
      params.emplace_back(enterprise_ids[d.credit_code]);
      params.emplace_back(d.authority);
      params.emplace_back(d.decision_number);
      params.emplace_back(static_cast<int>(d.violation_type));
      params.emplace_back(DayText(d.decision_date));
      params.emplace_back(domain::MeasureBits(d.measures));
      params.emplace_back(d.fine_amount_fen);
      params.emplace_back(d.tampering ? 1 : 0);
      params.emplace_back(d.recurrence ? 1 : 0);
      params.emplace_back(d.recurrence_of_id == 0 ? SqlValue(nullptr)
                                                  : SqlValue(d.recurrence_of_id));
      params.emplace_back(static_cast<int>(PenaltyDecisionState::kInForce));
      params.emplace_back(now_text);
      params.emplace_back(now_text);
    }
    absl::StatusOr<uint64_t> inserted = tx.Execute(sql, params);
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return MakeError(absl::StatusCode::kAborted, kReasonDbConflict,
                       "a concurrent write stored the same decision number");
    }
    RETURN_IF_ERROR(inserted.status());
    ASSIGN_OR_RETURN(int64_t first_id, tx.LastInsertId());
    // Ids of one multi-row insert are consecutive under the default
    // auto-increment lock modes; check it, and look them up otherwise.
    ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        tx.Query("SELECT id, authority, decision_number FROM penalty_decisions "
                 "WHERE id BETWEEN ? AND ? ORDER BY id",
                 {first_id, first_id + static_cast<int64_t>(m) - 1}));
    bool consecutive = rows.size() == m;
    for (size_t k = 0; consecutive && k < m; ++k) {
      const PenaltyDecision& d = items[to_insert[start + k]].decision;
      consecutive = rows[k].GetString(1) == d.authority &&
                    rows[k].GetString(2) == d.decision_number;
    }
    for (size_t k = 0; k < m; ++k) {
      const size_t i = to_insert[start + k];
      PenaltyDecision d = items[i].decision;
      if (consecutive) {
        d.id = rows[k].GetInt64(0);
      } else {
        ASSIGN_OR_RETURN(
            std::optional<Row> row,
            tx.QueryRow("SELECT id FROM penalty_decisions WHERE authority = ? "
                        "AND decision_number = ?",
                        {d.authority, d.decision_number}));
        if (!row) return absl::InternalError("inserted decision not found");
        d.id = row->GetInt64(0);
      }
      d.measures = domain::MeasuresFromBits(domain::MeasureBits(d.measures));
      d.state = PenaltyDecisionState::kInForce;
      d.rectified_date.reset();
      d.revocation.reset();
      d.create_time = now;
      d.update_time = now;
      results[i] = DecisionResult{std::move(d), false};
    }
  }
  for (const auto& [i, original] : same_as_pending) {
    results[i] = DecisionResult{results[original]->decision, true};
  }
  // 6. Re-rate every enterprise that got a decision, naming its decisions.
  absl::flat_hash_map<int64_t, domain::RatingTrigger> triggers;
  std::vector<int64_t> rerate;
  for (size_t i : to_insert) {
    const PenaltyDecision& d = results[i]->decision;
    const int64_t eid = enterprise_ids[d.credit_code];
    auto [it, added] = triggers.try_emplace(eid);
    if (added) {
      rerate.push_back(eid);
      it->second = RecordTrigger(
          RecordName(d.credit_code, domain::kPenaltyDecisions, d.id),
          absl::StrCat("penalty decision ", d.decision_number, " of ",
                       d.authority, " recorded"));
    } else if (it->second.reason.size() < 400) {
      absl::StrAppend(&it->second.reason, "; decision ", d.decision_number,
                      " recorded");
    }
  }
  RETURN_IF_ERROR(ratings.Recompute(tx, rerate, ratings.Today(),
                                    domain::RatingTrigger(), updates, &triggers));
  // 7. Audit every stored or found decision.
  std::vector<domain::AuditEntry> entries;
  entries.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!results[i].ok()) continue;
    const PenaltyDecision& d = results[i]->decision;
    entries.push_back(domain::MakeAuditEntry(
        items[i].audit,
        RecordName(d.credit_code, domain::kPenaltyDecisions, d.id)));
  }
  return AppendAuditEntries(tx, entries);
}

// ------------------------------------------------------------------ complaints

absl::Status ReadLinks(Transaction& tx, std::vector<Complaint>& complaints) {
  if (complaints.empty()) return absl::OkStatus();
  absl::flat_hash_map<int64_t, Complaint*> by_id;
  std::vector<SqlValue> ids;
  for (Complaint& c : complaints) {
    by_id[c.id] = &c;
    ids.emplace_back(c.id);
  }
  std::string sql =
      "SELECT l.complaint_id, d.id, d.authority, d.decision_number FROM "
      "complaint_decisions l JOIN penalty_decisions d ON d.id = l.decision_id "
      "WHERE l.complaint_id IN (";
  for (size_t i = 0; i < ids.size(); ++i) sql += i == 0 ? "?" : ",?";
  sql += ") ORDER BY l.complaint_id, l.position";
  ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, ids));
  for (const Row& row : rows) {
    by_id[row.GetInt64(0)]->decisions.push_back(
        domain::DecisionLink{row.GetInt64(1), row.GetString(2), row.GetString(3)});
  }
  return absl::OkStatus();
}

#define ENVCREDIT_COMPLAINT_COLUMNS                                          \
  "c.id, e.credit_code, c.received_date, c.channel, c.case_number, "        \
  "c.substantiated, c.summary, c.create_time"

absl::StatusOr<Complaint> RowToComplaint(const Row& row) {
  Complaint c;
  c.id = row.GetInt64(0);
  c.credit_code = row.GetString(1);
  ASSIGN_OR_RETURN(c.received_date, DayOf(row, 2));
  c.channel = static_cast<domain::ComplaintChannel>(row.GetInt64(3));
  c.case_number = row.GetString(4);
  c.substantiated = row.GetInt64(5) != 0;
  c.summary = row.GetString(6);
  ASSIGN_OR_RETURN(c.create_time, row.GetTime(7));
  return c;
}

absl::StatusOr<Complaint> ReadComplaint(Transaction& tx,
                                        absl::string_view credit_code,
                                        int64_t id) {
  ASSIGN_OR_RETURN(
      std::optional<Row> row,
      tx.QueryRow("SELECT " ENVCREDIT_COMPLAINT_COLUMNS
                  " FROM complaints c JOIN enterprises e ON e.id = "
                  "c.enterprise_id WHERE c.id = ? AND e.credit_code = ?",
                  {id, credit_code}));
  if (!row) {
    return RecordNotFound("COMPLAINT_NOT_FOUND",
                          RecordName(credit_code, domain::kComplaints, id));
  }
  std::vector<Complaint> one;
  ASSIGN_OR_RETURN(Complaint c, RowToComplaint(*row));
  one.push_back(std::move(c));
  RETURN_IF_ERROR(ReadLinks(tx, one));
  return std::move(one[0]);
}

// ------------------------------------------------------------------- incidents

#define ENVCREDIT_INCIDENT_COLUMNS \
  "i.id, e.credit_code, i.incident_date, i.grade, i.description, i.create_time"

absl::StatusOr<Incident> RowToIncident(const Row& row) {
  Incident i;
  i.id = row.GetInt64(0);
  i.credit_code = row.GetString(1);
  ASSIGN_OR_RETURN(i.date, DayOf(row, 2));
  i.grade = static_cast<domain::IncidentGrade>(row.GetInt64(3));
  i.description = row.GetString(4);
  ASSIGN_OR_RETURN(i.create_time, row.GetTime(5));
  return i;
}

absl::StatusOr<Incident> ReadIncident(Transaction& tx,
                                      absl::string_view credit_code,
                                      int64_t id) {
  ASSIGN_OR_RETURN(
      std::optional<Row> row,
      tx.QueryRow("SELECT " ENVCREDIT_INCIDENT_COLUMNS
                  " FROM incidents i JOIN enterprises e ON e.id = "
                  "i.enterprise_id WHERE i.id = ? AND e.credit_code = ?",
                  {id, credit_code}));
  if (!row) {
    return RecordNotFound("INCIDENT_NOT_FOUND",
                          RecordName(credit_code, domain::kIncidents, id));
  }
  return RowToIncident(*row);
}

// Reads up to limit + 1 rows of `sql` (which ends with "LIMIT ?") into a
// page of T.
template <typename T, typename Convert>
absl::StatusOr<domain::RecordPage<T>> ReadPage(Transaction& tx,
                                               const std::string& sql,
                                               std::vector<SqlValue> params,
                                               int limit, Convert convert) {
  params.emplace_back(limit + 1);
  domain::RecordPage<T> page;
  ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
  page.has_more = static_cast<int>(rows.size()) > limit;
  if (page.has_more) rows.erase(rows.begin() + limit, rows.end());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(T record, convert(row));
    page.records.push_back(std::move(record));
  }
  return page;
}

}  // namespace

// ---------------------------------------------------------------- commitments

absl::StatusOr<Commitment> MysqlRecordRepository::CreateCommitment(
    const Commitment& commitment, const RequestKey& key,
    const AuditContext& audit) {
  Commitment result;
  RatingUpdates updates;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    updates.Clear();
    ASSIGN_OR_RETURN(Replay replay,
                     ClaimRequestId(tx, key, "CreateCommitment", ""));
    if (replay.seen) {
      ASSIGN_OR_RETURN(result, ReadCommitment(tx, commitment.credit_code,
                                              domain::IdOfRecordName(
                                                  replay.resource_name)));
      return Audit(tx, audit, replay.resource_name);
    }
    ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, commitment.credit_code));
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO commitments (enterprise_id, kind, signer, "
                   "signing_date, is_public, create_time, update_time) VALUES "
                   "(?, ?, ?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
                   {eid, static_cast<int>(commitment.kind), commitment.signer,
                    DayText(commitment.signing_date),
                    commitment.is_public ? 1 : 0})
            .status());
    ASSIGN_OR_RETURN(int64_t id, tx.LastInsertId());
    if (!commitment.items.empty()) {
      std::vector<SqlValue> params;
      for (size_t i = 0; i < commitment.items.size(); ++i) {
        params.emplace_back(id);
        params.emplace_back(static_cast<int64_t>(i + 1));
        params.emplace_back(commitment.items[i].description);
        params.emplace_back(DayText(commitment.items[i].due_date));
        params.emplace_back(static_cast<int>(CommitmentItemState::kPending));
      }
      RETURN_IF_ERROR(
          tx.Execute("INSERT INTO commitment_items (commitment_id, "
                     "item_number, description, due_date, state) VALUES " +
                         Placeholders(commitment.items.size(), 5),
                     params)
              .status());
    }
    const std::string name =
        RecordName(commitment.credit_code, domain::kCommitments, id);
    RETURN_IF_ERROR(SetReplayResource(tx, key, name));
    ASSIGN_OR_RETURN(result, ReadCommitment(tx, commitment.credit_code, id));
    RETURN_IF_ERROR(Rerate(ratings_, tx, eid,
                           RecordTrigger(name, "commitment recorded"), &updates));
    return Audit(tx, audit, name);
  }));
  ratings_.Committed(updates);
  return result;
}

absl::StatusOr<Commitment> MysqlRecordRepository::GetCommitment(
    absl::string_view credit_code, int64_t id) {
  Commitment result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(result, ReadCommitment(tx, credit_code, id));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::StatusOr<domain::RecordPage<Commitment>>
MysqlRecordRepository::ListCommitments(absl::string_view credit_code,
                                       int64_t after_id, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  domain::RecordPage<Commitment> page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
        ASSIGN_OR_RETURN(
            page, ReadPage<Commitment>(
                      tx,
                      "SELECT " ENVCREDIT_COMMITMENT_COLUMNS
                      " FROM commitments c JOIN enterprises e ON e.id = "
                      "c.enterprise_id WHERE c.enterprise_id = ? AND c.id > ? "
                      "ORDER BY c.id LIMIT ?",
                      {eid, after_id}, limit, RowToCommitment));
        return ReadItems(tx, page.records);
      },
      TxMode::kReadOnly));
  return page;
}

absl::StatusOr<Commitment> MysqlRecordRepository::CheckCommitmentItem(
    absl::string_view credit_code, int64_t id,
    const domain::CommitmentCheck& check, const RequestKey& key,
    const AuditContext& audit) {
  const std::string name = RecordName(credit_code, domain::kCommitments, id);
  Commitment result;
  RatingUpdates updates;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    updates.Clear();
    ASSIGN_OR_RETURN(Replay replay,
                     ClaimRequestId(tx, key, "CheckCommitmentItem", name));
    if (!replay.seen) {
      ASSIGN_OR_RETURN(Commitment current, ReadCommitment(tx, credit_code, id));
      ASSIGN_OR_RETURN(
          std::optional<Row> item,
          tx.QueryRow("SELECT state, due_date FROM commitment_items WHERE "
                      "commitment_id = ? AND item_number = ? FOR UPDATE",
                      {id, check.item_number}));
      if (!item) {
        return MakeError(absl::StatusCode::kNotFound,
                         "COMMITMENT_ITEM_NOT_FOUND",
                         absl::StrCat(name, " has no item ", check.item_number),
                         "item_number");
      }
      if (item->GetInt64(0) != static_cast<int>(CommitmentItemState::kPending)) {
        return MakeError(absl::StatusCode::kFailedPrecondition,
                         "COMMITMENT_ITEM_ALREADY_CHECKED",
                         absl::StrCat("item ", check.item_number, " of ", name,
                                      " was checked already"),
                         "item_number");
      }
      ASSIGN_OR_RETURN(absl::CivilDay due, DayOf(*item, 1));
      if (check.check_date < due) {
        return MakeError(absl::StatusCode::kFailedPrecondition,
                         "COMMITMENT_ITEM_NOT_DUE",
                         absl::StrCat("item ", check.item_number, " of ", name,
                                      " is due on ", DayText(due),
                                      ", after the check date"),
                         "check_date");
      }
      RETURN_IF_ERROR(
          tx.Execute("UPDATE commitment_items SET state = ?, check_date = ?, "
                     "check_note = ? WHERE commitment_id = ? AND "
                     "item_number = ?",
                     {static_cast<int>(check.outcome),
                      DayText(check.check_date), check.note, id,
                      check.item_number})
              .status());
      RETURN_IF_ERROR(tx.Execute("UPDATE commitments SET update_time = "
                                 "GREATEST(UTC_TIMESTAMP(6), create_time) "
                                 "WHERE id = ?",
                                 {id})
                          .status());
      ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
      RETURN_IF_ERROR(Rerate(
          ratings_, tx, eid,
          RecordTrigger(name, absl::StrCat("commitment item ", check.item_number,
                                           check.outcome == CommitmentItemState::kBroken
                                               ? " found broken"
                                               : " checked")),
          &updates));
    }
    ASSIGN_OR_RETURN(result, ReadCommitment(tx, credit_code, id));
    return Audit(tx, audit, name);
  }));
  ratings_.Committed(updates);
  return result;
}

// ---------------------------------------------------------- penalty decisions

absl::StatusOr<DecisionResult> MysqlRecordRepository::CreatePenaltyDecision(
    const PenaltyDecision& decision, const AuditContext& audit) {
  ASSIGN_OR_RETURN(auto results,
                   BatchCreatePenaltyDecisions({{decision, audit}}));
  return std::move(results[0]);
}

absl::StatusOr<std::vector<absl::StatusOr<DecisionResult>>>
MysqlRecordRepository::BatchCreatePenaltyDecisions(
    const std::vector<domain::BatchDecision>& items) {
  std::vector<absl::StatusOr<DecisionResult>> results;
  RatingUpdates updates;
  absl::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    status = db_.RunInTransaction([&](Transaction& tx) {
      updates.Clear();
      return BatchAttempt(tx, items, results, ratings_, &updates);
    });
    if (status.code() != absl::StatusCode::kAborted) break;
  }
  RETURN_IF_ERROR(status);
  ratings_.Committed(updates);
  return results;
}

absl::StatusOr<PenaltyDecision> MysqlRecordRepository::GetPenaltyDecision(
    absl::string_view credit_code, int64_t id) {
  PenaltyDecision result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(result, ReadDecision(tx, credit_code, id, false));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::StatusOr<domain::RecordPage<PenaltyDecision>>
MysqlRecordRepository::ListPenaltyDecisions(absl::string_view credit_code,
                                            PenaltyDecisionState state,
                                            int64_t after_id, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  domain::RecordPage<PenaltyDecision> page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
        std::string sql = "SELECT " ENVCREDIT_DECISION_COLUMNS
                          ENVCREDIT_DECISION_FROM
                          " WHERE d.enterprise_id = ? AND d.id > ?";
        std::vector<SqlValue> params = {eid, after_id};
        if (state != PenaltyDecisionState::kUnspecified) {
          sql += " AND d.state = ?";
          params.emplace_back(static_cast<int>(state));
        }
        sql += " ORDER BY d.id LIMIT ?";
        ASSIGN_OR_RETURN(page, ReadPage<PenaltyDecision>(tx, sql, params, limit,
                                                         RowToDecision));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

absl::StatusOr<PenaltyDecision>
MysqlRecordRepository::MarkPenaltyDecisionRectified(
    absl::string_view credit_code, int64_t id, absl::CivilDay date,
    const RequestKey& key, const AuditContext& audit) {
  const std::string name =
      RecordName(credit_code, domain::kPenaltyDecisions, id);
  PenaltyDecision result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(
        Replay replay,
        ClaimRequestId(tx, key, "MarkPenaltyDecisionRectified", name));
    if (!replay.seen) {
      ASSIGN_OR_RETURN(PenaltyDecision current,
                       ReadDecision(tx, credit_code, id, true));
      if (current.state == PenaltyDecisionState::kRevoked) {
        return MakeError(absl::StatusCode::kFailedPrecondition,
                         "PENALTY_DECISION_REVOKED",
                         absl::StrCat(name, " is revoked"));
      }
      if (date < current.decision_date) {
        return InvalidArgument(
            "rectified_date", "RECTIFIED_BEFORE_DECISION",
            absl::StrCat("rectified_date: ", DayText(date),
                         " is before the decision date ",
                         DayText(current.decision_date)));
      }
      RETURN_IF_ERROR(
          tx.Execute("UPDATE penalty_decisions SET rectified_date = ?, "
                     "update_time = GREATEST(UTC_TIMESTAMP(6), create_time) "
                     "WHERE id = ?",
                     {DayText(date), id})
              .status());
    }
    ASSIGN_OR_RETURN(result, ReadDecision(tx, credit_code, id, false));
    return Audit(tx, audit, name);
  }));
  return result;
}

absl::StatusOr<PenaltyDecision> MysqlRecordRepository::RevokePenaltyDecision(
    absl::string_view credit_code, int64_t id,
    const domain::Revocation& revocation, const RequestKey& key,
    const AuditContext& audit) {
  const std::string name =
      RecordName(credit_code, domain::kPenaltyDecisions, id);
  PenaltyDecision result;
  RatingUpdates updates;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    updates.Clear();
    ASSIGN_OR_RETURN(Replay replay,
                     ClaimRequestId(tx, key, "RevokePenaltyDecision", name));
    if (!replay.seen) {
      ASSIGN_OR_RETURN(PenaltyDecision current,
                       ReadDecision(tx, credit_code, id, true));
      if (current.state == PenaltyDecisionState::kRevoked) {
        return MakeError(absl::StatusCode::kFailedPrecondition,
                         "PENALTY_DECISION_ALREADY_REVOKED",
                         absl::StrCat(name, " is revoked already"));
      }
      if (revocation.date < current.decision_date) {
        return InvalidArgument(
            "revocation.date", "REVOKED_BEFORE_DECISION",
            absl::StrCat("revocation.date: ", DayText(revocation.date),
                         " is before the decision date ",
                         DayText(current.decision_date)));
      }
      RETURN_IF_ERROR(
          tx.Execute("UPDATE penalty_decisions SET state = ?, "
                     "revocation_date = ?, revocation_reason = ?, "
                     "revocation_note = ?, "
                     "update_time = GREATEST(UTC_TIMESTAMP(6), create_time) "
                     "WHERE id = ?",
                     {static_cast<int>(PenaltyDecisionState::kRevoked),
                      DayText(revocation.date),
                      static_cast<int>(revocation.reason), revocation.note, id})
              .status());
      ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
      RETURN_IF_ERROR(Rerate(
          ratings_, tx, eid,
          domain::RatingTrigger{domain::RatingChangeCause::kDecisionRevoked, name,
                                absl::StrCat("penalty decision ",
                                             current.decision_number,
                                             " revoked")},
          &updates));
    }
    ASSIGN_OR_RETURN(result, ReadDecision(tx, credit_code, id, false));
    return Audit(tx, audit, name);
  }));
  ratings_.Committed(updates);
  return result;
}

// ------------------------------------------------------------------ complaints

absl::StatusOr<Complaint> MysqlRecordRepository::CreateComplaint(
    const Complaint& complaint, const RequestKey& key,
    const AuditContext& audit) {
  Complaint result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Replay replay,
                     ClaimRequestId(tx, key, "CreateComplaint", ""));
    if (replay.seen) {
      ASSIGN_OR_RETURN(result,
                       ReadComplaint(tx, complaint.credit_code,
                                     domain::IdOfRecordName(replay.resource_name)));
      return Audit(tx, audit, replay.resource_name);
    }
    ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, complaint.credit_code));
    // Resolve every link to a decision id of this enterprise.
    std::vector<int64_t> decision_ids;
    size_t by_id = 0;
    for (const auto& link : complaint.decisions) by_id += link.id != 0;
    for (size_t i = 0; i < complaint.decisions.size(); ++i) {
      const domain::DecisionLink& link = complaint.decisions[i];
      const std::string field =
          link.id != 0 ? absl::StrCat("complaint.decisions[", i, "]")
                       : absl::StrCat("complaint.decision_references[",
                                      i - by_id, "]");
      std::optional<Row> row;
      if (link.id != 0) {
        ASSIGN_OR_RETURN(row, tx.QueryRow("SELECT id FROM penalty_decisions "
                                          "WHERE id = ? AND enterprise_id = ?",
                                          {link.id, eid}));
      } else {
        ASSIGN_OR_RETURN(
            row, tx.QueryRow("SELECT id FROM penalty_decisions WHERE "
                             "authority = ? AND decision_number = ? AND "
                             "enterprise_id = ?",
                             {link.authority, link.decision_number, eid}));
      }
      if (!row) {
        return MakeError(
            absl::StatusCode::kNotFound, "PENALTY_DECISION_NOT_FOUND",
            absl::StrCat(field, ": no such decision of enterprises/",
                         complaint.credit_code),
            field);
      }
      const int64_t id = row->GetInt64(0);
      if (std::find(decision_ids.begin(), decision_ids.end(), id) !=
          decision_ids.end()) {
        return InvalidArgument(field, "DUPLICATE_DECISION_LINK",
                               absl::StrCat(field, ": linked twice"));
      }
      decision_ids.push_back(id);
    }
    absl::StatusOr<uint64_t> inserted = tx.Execute(
        "INSERT INTO complaints (enterprise_id, received_date, channel, "
        "case_number, substantiated, summary, create_time) VALUES "
        "(?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
        {eid, DayText(complaint.received_date),
         static_cast<int>(complaint.channel), complaint.case_number,
         complaint.substantiated ? 1 : 0, complaint.summary});
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return MakeError(absl::StatusCode::kAlreadyExists,
                       "COMPLAINT_ALREADY_EXISTS",
                       absl::StrCat("case number ", complaint.case_number,
                                    " exists already for this enterprise"),
                       "complaint.case_number");
    }
    RETURN_IF_ERROR(inserted.status());
    ASSIGN_OR_RETURN(int64_t id, tx.LastInsertId());
    if (!decision_ids.empty()) {
      std::vector<SqlValue> params;
      for (size_t i = 0; i < decision_ids.size(); ++i) {
        params.emplace_back(id);
        params.emplace_back(static_cast<int64_t>(i));
        params.emplace_back(decision_ids[i]);
      }
      RETURN_IF_ERROR(tx.Execute("INSERT INTO complaint_decisions "
                                 "(complaint_id, position, decision_id) VALUES " +
                                     Placeholders(decision_ids.size(), 3),
                                 params)
                          .status());
    }
    const std::string name =
        RecordName(complaint.credit_code, domain::kComplaints, id);
    RETURN_IF_ERROR(SetReplayResource(tx, key, name));
    ASSIGN_OR_RETURN(result, ReadComplaint(tx, complaint.credit_code, id));
    return Audit(tx, audit, name);
  }));
  return result;
}

absl::StatusOr<Complaint> MysqlRecordRepository::GetComplaint(
    absl::string_view credit_code, int64_t id) {
  Complaint result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(result, ReadComplaint(tx, credit_code, id));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::StatusOr<domain::RecordPage<Complaint>>
MysqlRecordRepository::ListComplaints(absl::string_view credit_code,
                                      int64_t after_id, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  domain::RecordPage<Complaint> page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
        ASSIGN_OR_RETURN(
            page, ReadPage<Complaint>(
                      tx,
                      "SELECT " ENVCREDIT_COMPLAINT_COLUMNS
                      " FROM complaints c JOIN enterprises e ON e.id = "
                      "c.enterprise_id WHERE c.enterprise_id = ? AND c.id > ? "
                      "ORDER BY c.id LIMIT ?",
                      {eid, after_id}, limit, RowToComplaint));
        return ReadLinks(tx, page.records);
      },
      TxMode::kReadOnly));
  return page;
}

// ------------------------------------------------------------------- incidents

absl::StatusOr<Incident> MysqlRecordRepository::CreateIncident(
    const Incident& incident, const RequestKey& key,
    const AuditContext& audit) {
  Incident result;
  RatingUpdates updates;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    updates.Clear();
    ASSIGN_OR_RETURN(Replay replay, ClaimRequestId(tx, key, "CreateIncident", ""));
    if (replay.seen) {
      ASSIGN_OR_RETURN(result,
                       ReadIncident(tx, incident.credit_code,
                                    domain::IdOfRecordName(replay.resource_name)));
      return Audit(tx, audit, replay.resource_name);
    }
    ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, incident.credit_code));
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO incidents (enterprise_id, incident_date, grade, "
                   "description, create_time) VALUES "
                   "(?, ?, ?, ?, UTC_TIMESTAMP(6))",
                   {eid, DayText(incident.date),
                    static_cast<int>(incident.grade), incident.description})
            .status());
    ASSIGN_OR_RETURN(int64_t id, tx.LastInsertId());
    const std::string name =
        RecordName(incident.credit_code, domain::kIncidents, id);
    RETURN_IF_ERROR(SetReplayResource(tx, key, name));
    ASSIGN_OR_RETURN(result, ReadIncident(tx, incident.credit_code, id));
    RETURN_IF_ERROR(Rerate(ratings_, tx, eid,
                           RecordTrigger(name, "environmental incident recorded"),
                           &updates));
    return Audit(tx, audit, name);
  }));
  ratings_.Committed(updates);
  return result;
}

absl::StatusOr<Incident> MysqlRecordRepository::GetIncident(
    absl::string_view credit_code, int64_t id) {
  Incident result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(result, ReadIncident(tx, credit_code, id));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::StatusOr<domain::RecordPage<Incident>>
MysqlRecordRepository::ListIncidents(absl::string_view credit_code,
                                     int64_t after_id, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  domain::RecordPage<Incident> page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
        ASSIGN_OR_RETURN(
            page, ReadPage<Incident>(
                      tx,
                      "SELECT " ENVCREDIT_INCIDENT_COLUMNS
                      " FROM incidents i JOIN enterprises e ON e.id = "
                      "i.enterprise_id WHERE i.enterprise_id = ? AND i.id > ? "
                      "ORDER BY i.id LIMIT ?",
                      {eid, after_id}, limit, RowToIncident));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

absl::StatusOr<domain::StoredRecords> MysqlRecordRepository::LoadRecords(
    absl::string_view credit_code) {
  domain::StoredRecords records;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        records = domain::StoredRecords();
        ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query("SELECT " ENVCREDIT_COMMITMENT_COLUMNS
                     " FROM commitments c JOIN enterprises e ON e.id = "
                     "c.enterprise_id WHERE c.enterprise_id = ? ORDER BY c.id",
                     {eid}));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(Commitment c, RowToCommitment(row));
          records.commitments.push_back(std::move(c));
        }
        RETURN_IF_ERROR(ReadItems(tx, records.commitments));
        ASSIGN_OR_RETURN(rows, tx.Query("SELECT " ENVCREDIT_DECISION_COLUMNS
                                        ENVCREDIT_DECISION_FROM
                                        " WHERE d.enterprise_id = ? ORDER BY d.id",
                                        {eid}));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(PenaltyDecision d, RowToDecision(row));
          records.decisions.push_back(std::move(d));
        }
        ASSIGN_OR_RETURN(rows, tx.Query("SELECT " ENVCREDIT_INCIDENT_COLUMNS
                                        " FROM incidents i JOIN enterprises e "
                                        "ON e.id = i.enterprise_id WHERE "
                                        "i.enterprise_id = ? ORDER BY i.id",
                                        {eid}));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(Incident i, RowToIncident(row));
          records.incidents.push_back(std::move(i));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return records;
}

}  // namespace envcredit::storage
