#include "server/storage/mysql_record_repository.h"

#include <algorithm>
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
#include "server/storage/request_log.h"
#include "server/storage/rows.h"
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

// Rows per multi-row INSERT of a batch, at most: a whole batch of 1,000 (the
// API's limit) in one statement (13,000 placeholders, well under the
// protocol's 65,535); other counts in a few fixed sizes (FixedRowCounts).
constexpr size_t kInsertChunk = 1000;
// Values per IN list. MariaDB turns an IN list of 1,000 values or more into
// a subquery over a table value constructor (in_predicate_conversion_
// threshold), a plan that made a batch's locking read wait seconds here.
constexpr size_t kChunk = 500;

absl::Status RecordNotFound(absl::string_view reason, absl::string_view name) {
  return MakeError(absl::StatusCode::kNotFound, reason,
                   absl::StrCat(name, " does not exist"));
}

absl::StatusOr<int64_t> EnterpriseId(Transaction& tx,
                                      absl::string_view credit_code) {
  ASSIGN_OR_RETURN(std::optional<Row> row,
                   tx.QueryRow("SELECT id FROM enterprises WHERE credit_code = ?",
                               {credit_code}));
  if (!row) return EnterpriseNotFound(credit_code);
  return row->GetInt64(0);
}

// The enterprise's id, its row locked to the end of the transaction;
// NOT_FOUND when there is none. Every write of an enterprise's records takes
// this lock first, before any other row of that enterprise: its writers
// queue here instead of deadlocking later. (Inserting a record takes a
// shared lock on the enterprise row for the foreign key; the re-rating then
// asks for the exclusive one — two writers holding the shared lock each
// waited for the other: issue 13 finding 5, doc/database.md "Locks".)
absl::StatusOr<int64_t> LockEnterprise(Transaction& tx, absl::string_view credit_code) {
  ASSIGN_OR_RETURN(std::optional<Row> row,
                   tx.QueryRow("SELECT id FROM enterprises WHERE credit_code = ? FOR UPDATE",
                               {credit_code}));
  if (!row) return EnterpriseNotFound(credit_code);
  return row->GetInt64(0);
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

// ------------------------------------------------------------- record kinds
//
// Each kind of record is described as data (RecordKind): the generic reads
// below (ReadRecords, ReadRecord, ReadRecordPage) serve every kind. In the
// SQL, `r` is the record's table and `e` its enterprise.

template <typename T>
struct RecordKind {
  const char* table;
  const char* columns;  // in from_row's order
  const char* collection;        // of the resource name (domain::kCommitments, ...)
  const char* not_found_reason;  // e.g. COMMITMENT_NOT_FOUND
  absl::StatusOr<T> (*from_row)(const Row& row);
  // Fills what other tables hold (items, links); null when nothing.
  absl::Status (*fill)(Transaction& tx, std::vector<T>& records);
};

// More conditions of a page read ("AND r.state = ?") and their values.
struct RecordFilter {
  const char* sql = "";
  std::vector<SqlValue> params;
};

// The records of `kind` that `where` (conditions and order, with `params`)
// selects, filled. With a `limit`, rows after the first `limit` are dropped
// before they are read and `*more` says whether there were any.
template <typename T>
absl::StatusOr<std::vector<T>> ReadRecords(Transaction& tx, const RecordKind<T>& kind,
                                           absl::string_view where,
                                           absl::Span<const SqlValue> params,
                                           int limit = -1, bool* more = nullptr) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query(absl::StrCat("SELECT ", kind.columns, " FROM ", kind.table,
                                         " r JOIN enterprises e ON e.id = "
                                         "r.enterprise_id ",
                                         where),
                            params));
  if (limit >= 0 && static_cast<int>(rows.size()) > limit) {
    rows.erase(rows.begin() + limit, rows.end());
    if (more != nullptr) *more = true;
  }
  std::vector<T> records;
  records.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(T record, kind.from_row(row));
    records.push_back(std::move(record));
  }
  if (kind.fill != nullptr && !records.empty()) RETURN_IF_ERROR(kind.fill(tx, records));
  return records;
}

// Record `id` of enterprise `credit_code`; NOT_FOUND (the kind's reason) when
// there is none. `for_update` locks its row.
template <typename T>
absl::StatusOr<T> ReadRecord(Transaction& tx, const RecordKind<T>& kind,
                             absl::string_view credit_code, int64_t id,
                             bool for_update = false) {
  ASSIGN_OR_RETURN(std::vector<T> found,
                   ReadRecords(tx, kind,
                               for_update ? "WHERE r.id = ? AND e.credit_code = ? FOR UPDATE"
                                          : "WHERE r.id = ? AND e.credit_code = ?",
                               {id, credit_code}));
  if (found.empty()) {
    return RecordNotFound(kind.not_found_reason,
                          RecordName(credit_code, kind.collection, id));
  }
  return std::move(found[0]);
}

// Up to `limit` records of enterprise `eid` with id > `after_id`, in id
// order, that `filter` keeps.
template <typename T>
absl::StatusOr<domain::RecordPage<T>> ReadRecordPage(Transaction& tx,
                                                     const RecordKind<T>& kind,
                                                     int64_t eid, int64_t after_id,
                                                     int limit,
                                                     const RecordFilter& filter) {
  std::vector<SqlValue> params = {eid, after_id};
  params.insert(params.end(), filter.params.begin(), filter.params.end());
  params.emplace_back(limit + 1);
  domain::RecordPage<T> page;
  ASSIGN_OR_RETURN(page.records,
                   ReadRecords(tx, kind,
                               absl::StrCat("WHERE r.enterprise_id = ? AND r.id > ?",
                                            filter.sql, " ORDER BY r.id LIMIT ?"),
                               params, limit, &page.has_more));
  return page;
}

// Every record of enterprise `eid`, in id order.
template <typename T>
absl::StatusOr<std::vector<T>> ReadAllRecords(Transaction& tx, const RecordKind<T>& kind,
                                              int64_t eid) {
  return ReadRecords(tx, kind, "WHERE r.enterprise_id = ? ORDER BY r.id", {eid});
}

// GetX: one read-only transaction.
template <typename T>
absl::StatusOr<T> GetRecord(Database& db, const RecordKind<T>& kind,
                            absl::string_view credit_code, int64_t id) {
  T result;
  RETURN_IF_ERROR(db.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(result, ReadRecord(tx, kind, credit_code, id));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

// ListX: one read-only transaction. NOT_FOUND for an unknown enterprise.
template <typename T>
absl::StatusOr<domain::RecordPage<T>> ListRecords(Database& db, const RecordKind<T>& kind,
                                                  absl::string_view credit_code,
                                                  int64_t after_id, int limit,
                                                  const RecordFilter& filter = {}) {
  RETURN_IF_ERROR(CheckLimit(limit));
  domain::RecordPage<T> page;
  RETURN_IF_ERROR(db.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
        ASSIGN_OR_RETURN(page, ReadRecordPage(tx, kind, eid, after_id, limit, filter));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

// ---------------------------------------------------------------- commitments

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
  absl::flat_hash_map<int64_t, Commitment*> by_id;
  std::vector<SqlValue> ids;
  for (Commitment& c : commitments) {
    by_id[c.id] = &c;
    ids.emplace_back(c.id);
  }
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query(absl::StrCat("SELECT commitment_id, item_number, description, "
                            "due_date, state, check_date, check_note FROM "
                            "commitment_items WHERE commitment_id IN (",
                            Marks(ids.size()), ") ORDER BY commitment_id, item_number"),
               ids));
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

constexpr RecordKind<Commitment> kCommitmentKind = {
    "commitments",
    "r.id, e.credit_code, r.kind, r.signer, r.signing_date, r.is_public, "
    "r.create_time, r.update_time",
    domain::kCommitments, "COMMITMENT_NOT_FOUND", RowToCommitment, ReadItems};

// ---------------------------------------------------------- penalty decisions

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

constexpr RecordKind<PenaltyDecision> kDecisionKind = {
    "penalty_decisions",
    "r.id, e.credit_code, r.authority, r.decision_number, r.violation_type, "
    "r.decision_date, r.measure_bits, r.fine_amount_fen, r.tampering, "
    "r.recurrence, r.recurrence_of_id, r.state, r.rectified_date, "
    "r.revocation_date, r.revocation_reason, r.revocation_note, "
    "r.create_time, r.update_time",
    domain::kPenaltyDecisions, "PENALTY_DECISION_NOT_FOUND", RowToDecision, nullptr};

// ------------------------------------------------------------------ complaints

// Fills the decision links of `complaints` (one query).
absl::Status ReadLinks(Transaction& tx, std::vector<Complaint>& complaints) {
  absl::flat_hash_map<int64_t, Complaint*> by_id;
  std::vector<SqlValue> ids;
  for (Complaint& c : complaints) {
    by_id[c.id] = &c;
    ids.emplace_back(c.id);
  }
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query(absl::StrCat("SELECT l.complaint_id, d.id, d.authority, "
                            "d.decision_number FROM complaint_decisions l JOIN "
                            "penalty_decisions d ON d.id = l.decision_id WHERE "
                            "l.complaint_id IN (",
                            Marks(ids.size()), ") ORDER BY l.complaint_id, l.position"),
               ids));
  for (const Row& row : rows) {
    by_id[row.GetInt64(0)]->decisions.push_back(
        domain::DecisionLink{row.GetInt64(1), row.GetString(2), row.GetString(3)});
  }
  return absl::OkStatus();
}

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

constexpr RecordKind<Complaint> kComplaintKind = {
    "complaints",
    "r.id, e.credit_code, r.received_date, r.channel, r.case_number, "
    "r.substantiated, r.summary, r.create_time",
    domain::kComplaints, "COMPLAINT_NOT_FOUND", RowToComplaint, ReadLinks};

// ------------------------------------------------------------------- incidents

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

constexpr RecordKind<Incident> kIncidentKind = {
    "incidents", "r.id, e.credit_code, r.incident_date, r.grade, r.description, r.create_time",
    domain::kIncidents, "INCIDENT_NOT_FOUND", RowToIncident, nullptr};

// ------------------------------------------------------- a batch of decisions

// The steps of one attempt at a batch (BatchAttempt), each over all items
// with one statement per kChunk of them.

// 1. The ids of the items' enterprises, by credit code (unknown: absent),
// their rows locked.
absl::StatusOr<absl::flat_hash_map<std::string, int64_t>> LockEnterpriseIds(
    Transaction& tx, const std::vector<domain::BatchDecision>& items) {
  std::vector<std::string> codes;
  for (const auto& item : items) codes.push_back(item.decision.credit_code);
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  absl::flat_hash_map<std::string, int64_t> ids;
  for (const InList& in :
       PaddedInLists(std::vector<SqlValue>(codes.begin(), codes.end()), kChunk)) {
    ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        tx.Query(absl::StrCat("SELECT id, credit_code FROM enterprises WHERE "
                              "credit_code IN (",
                              in.marks, ")"),
                 in.values));
    for (const Row& row : rows) ids[row.GetString(1)] = row.GetInt64(0);
  }
  // Lock them in id order, the order every re-rating locks enterprises in
  // (LockEnterprise's reason, for many enterprises at once).
  std::vector<int64_t> sorted;
  sorted.reserve(ids.size());
  for (const auto& [code, id] : ids) sorted.push_back(id);
  std::sort(sorted.begin(), sorted.end());
  for (const InList& in : PaddedInLists(IdValues(sorted), kChunk)) {
    RETURN_IF_ERROR(tx.Query(absl::StrCat("SELECT id FROM enterprises WHERE id IN (",
                                          in.marks, ") ORDER BY id FOR UPDATE"),
                             in.values)
                        .status());
  }
  return ids;
}

// Equal keys exactly when the unique key uk_penalty_decisions_number calls
// them equal: its utf8mb4_bin is PAD SPACE (MariaDB and MySQL 8), which
// ignores trailing U+0020. New identifiers cannot end in a space
// (CheckIdentifierText), but a row stored before that rule may, and a new
// number equal to it under the collation must meet it here (a duplicate or
// PENALTY_DECISION_ALREADY_EXISTS), not in the insert (DB_CONFLICT on every
// retry). Issue 13 finding 3.
std::string PairKey(absl::string_view authority, absl::string_view number) {
  auto unpadded = [](absl::string_view text) {
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
  };
  return absl::StrCat(unpadded(authority), "\x1f", unpadded(number));
}

// "(r.authority = ? AND r.decision_number IN (?,…)) OR …" over `decisions`
// and its values: the numbers grouped by authority, at most kChunk to an IN
// list. Not one "(r.authority = ? AND r.decision_number = ?)" term per
// decision: MariaDB's range optimizer spent 120–190 ms on 1,000 such terms
// against 19–24 ms grouped (10.11, 200,000 rows, doc/benchmarks.md).
struct KeyFilter {
  std::string sql;
  std::vector<SqlValue> params;
};
KeyFilter NumberKeys(const std::vector<const PenaltyDecision*>& decisions) {
  absl::flat_hash_map<absl::string_view, std::vector<absl::string_view>> by_authority;
  std::vector<absl::string_view> authorities;  // first-seen order: a stable text
  for (const PenaltyDecision* d : decisions) {
    auto [it, added] = by_authority.try_emplace(d->authority);
    if (added) authorities.push_back(d->authority);
    it->second.push_back(d->decision_number);
  }
  KeyFilter filter;
  filter.params.reserve(decisions.size() + authorities.size());
  for (const absl::string_view authority : authorities) {
    const std::vector<absl::string_view>& numbers = by_authority[authority];
    for (InList& in :
         PaddedInLists(std::vector<SqlValue>(numbers.begin(), numbers.end()), kChunk)) {
      absl::StrAppend(&filter.sql, filter.sql.empty() ? "" : " OR ",
                      "(r.authority = ? AND r.decision_number IN (", in.marks, "))");
      filter.params.emplace_back(authority);
      for (SqlValue& v : in.values) filter.params.push_back(std::move(v));
    }
  }
  return filter;
}

// 2. The decisions stored before with the items' (authority, number), by
// PairKey: one statement.
absl::StatusOr<absl::flat_hash_map<std::string, PenaltyDecision>> ReadSameNumbers(
    Transaction& tx, const std::vector<domain::BatchDecision>& items) {
  absl::flat_hash_map<std::string, PenaltyDecision> existing;
  if (items.empty()) return existing;
  std::vector<const PenaltyDecision*> decisions;
  decisions.reserve(items.size());
  for (const auto& item : items) decisions.push_back(&item.decision);
  const KeyFilter keys = NumberKeys(decisions);
  ASSIGN_OR_RETURN(std::vector<PenaltyDecision> found,
                   ReadRecords(tx, kDecisionKind, absl::StrCat("WHERE ", keys.sql),
                               keys.params));
  for (PenaltyDecision& d : found) {
    std::string key = PairKey(d.authority, d.decision_number);
    existing[std::move(key)] = std::move(d);
  }
  return existing;
}

// 0. The request ids of the items claimed before (request_log), by id, and
// the decisions their replays answer, by decision id (ReadClaims of
// request_log.h locks the claims).
struct StoredClaims {
  absl::flat_hash_map<std::string, domain::ClaimedRequest> claims;
  absl::flat_hash_map<std::string, std::string> resource_names;  // by id
  absl::flat_hash_map<int64_t, PenaltyDecision> decisions;
};
absl::StatusOr<StoredClaims> ReadStoredClaims(
    Transaction& tx, const std::vector<domain::BatchDecision>& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.key.request_id);
  ASSIGN_OR_RETURN(auto rows, ReadClaims(tx, std::move(ids)));
  StoredClaims stored;
  std::vector<SqlValue> decision_ids;
  for (auto& [id, row] : rows) {
    stored.claims[id] = domain::ClaimedRequest{row.method, row.fingerprint};
    if (row.method == domain::kCreatePenaltyDecisionMethod) {
      decision_ids.emplace_back(domain::IdOfRecordName(row.resource_name));
    }
    stored.resource_names[id] = std::move(row.resource_name);
  }
  for (const InList& in : PaddedInLists(decision_ids, kChunk)) {
    ASSIGN_OR_RETURN(std::vector<PenaltyDecision> found,
                     ReadRecords(tx, kDecisionKind,
                                 absl::StrCat("WHERE r.id IN (", in.marks, ")"), in.values));
    for (PenaltyDecision& d : found) stored.decisions[d.id] = std::move(d);
  }
  return stored;
}

// 5b. Claims the request ids of the items `claimed` names (successful, not
// replays) for the decisions they answer.
absl::Status ClaimDecisionRequests(Transaction& tx,
                                   const std::vector<domain::BatchDecision>& items,
                                   const std::vector<size_t>& claimed,
                                   const std::vector<absl::StatusOr<DecisionResult>>& results) {
  std::vector<ClaimRow> rows;
  rows.reserve(claimed.size());
  for (const size_t i : claimed) {
    const PenaltyDecision& d = results[i]->decision;
    rows.push_back({items[i].key.request_id, domain::kCreatePenaltyDecisionMethod,
                    items[i].key.fingerprint,
                    RecordName(d.credit_code, domain::kPenaltyDecisions, d.id)});
  }
  return InsertClaims(tx, rows);
}

// 3. The enterprise of each earlier decision the items name in
// recurrence_of, by decision id.
absl::StatusOr<absl::flat_hash_map<int64_t, int64_t>> ReadEarlierEnterprises(
    Transaction& tx, const std::vector<domain::BatchDecision>& items) {
  std::vector<SqlValue> ids;
  for (const auto& item : items) {
    if (item.decision.recurrence_of_id != 0) ids.emplace_back(item.decision.recurrence_of_id);
  }
  absl::flat_hash_map<int64_t, int64_t> earlier;
  for (size_t start = 0; start < ids.size(); start += kChunk) {
    const size_t m = std::min(kChunk, ids.size() - start);
    ASSIGN_OR_RETURN(std::vector<Row> rows,
                     tx.Query(absl::StrCat("SELECT id, enterprise_id FROM "
                                           "penalty_decisions WHERE id IN (",
                                           Marks(m), ")"),
                              absl::MakeConstSpan(ids).subspan(start, m)));
    for (const Row& row : rows) earlier[row.GetInt64(0)] = row.GetInt64(1);
  }
  return earlier;
}

// 5. Inserts the items `to_insert` names (new decisions, IN_FORCE, created
// `now`) and fills their results. ABORTED (DB_CONFLICT) when a concurrent
// batch stored one of the same numbers first.
absl::Status InsertDecisions(Transaction& tx,
                             const std::vector<domain::BatchDecision>& items,
                             const std::vector<size_t>& to_insert,
                             const absl::flat_hash_map<std::string, int64_t>& enterprise_ids,
                             const std::string& now_text, absl::Time now,
                             std::vector<absl::StatusOr<DecisionResult>>& results) {
  if (to_insert.empty()) return absl::OkStatus();
  constexpr size_t kColumns = 13;
  size_t start = 0;
  for (const size_t m : FixedRowCounts(to_insert.size(), kInsertChunk)) {
    std::vector<SqlValue> params;
    params.reserve(m * kColumns);
    for (size_t k = 0; k < m; ++k) {
      const PenaltyDecision& d = items[to_insert[start + k]].decision;
      params.emplace_back(enterprise_ids.at(d.credit_code));
      params.emplace_back(d.authority);
      params.emplace_back(d.decision_number);
      params.emplace_back(static_cast<int>(d.violation_type));
      params.emplace_back(DayNumber(d.decision_date));
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
    absl::StatusOr<uint64_t> inserted = tx.Execute(
        absl::StrCat("INSERT INTO penalty_decisions (enterprise_id, authority, "
                     "decision_number, violation_type, decision_date, measure_bits, "
                     "fine_amount_fen, tampering, recurrence, recurrence_of_id, state, "
                     "create_time, update_time) VALUES ",
                     RepeatRow("(?,?,?,?,FROM_DAYS(?),?,?,?,?,?,?,?,?)", m)),
        params);
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return MakeError(absl::StatusCode::kAborted, kReasonDbConflict,
                       "a concurrent write stored the same decision number");
    }
    RETURN_IF_ERROR(inserted.status());
    start += m;
  }
  // The new ids, read by natural key in one statement for the whole batch.
  // Not from LAST_INSERT_ID() and a range: the ids of one multi-row insert
  // are consecutive only under particular auto-increment settings — under
  // Galera (auto_increment_increment = cluster size) they are not, and
  // another writer's ids may interleave with ours.
  std::vector<const PenaltyDecision*> inserted;
  inserted.reserve(to_insert.size());
  for (const size_t i : to_insert) inserted.push_back(&items[i].decision);
  const KeyFilter keys = NumberKeys(inserted);
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   tx.Query(absl::StrCat("SELECT r.id, r.authority, r.decision_number FROM "
                                         "penalty_decisions r WHERE ",
                                         keys.sql),
                            keys.params));
  // Exact bytes: these rows are the ones this transaction inserted (the
  // unique key let no other row equal to one of them in).
  absl::flat_hash_map<std::string, int64_t> ids;
  ids.reserve(rows.size());
  for (const Row& row : rows) {
    ids[absl::StrCat(row.GetString(1), "\x1f", row.GetString(2))] = row.GetInt64(0);
  }
  for (const size_t i : to_insert) {
    PenaltyDecision d = items[i].decision;
    const auto id = ids.find(absl::StrCat(d.authority, "\x1f", d.decision_number));
    if (id == ids.end()) return absl::InternalError("inserted decision not found");
    d.id = id->second;
    d.measures = domain::MeasuresFromBits(domain::MeasureBits(d.measures));
    d.state = PenaltyDecisionState::kInForce;
    d.rectified_date.reset();
    d.revocation.reset();
    d.create_time = now;
    d.update_time = now;
    results[i] = DecisionResult{std::move(d), false};
  }
  return absl::OkStatus();
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

  // 0.-3. Read what the request-id and decide steps need.
  ASSIGN_OR_RETURN(StoredClaims stored_claims, ReadStoredClaims(tx, items));
  ASSIGN_OR_RETURN(auto enterprise_ids, LockEnterpriseIds(tx, items));
  ASSIGN_OR_RETURN(auto existing, ReadSameNumbers(tx, items));
  ASSIGN_OR_RETURN(auto earlier, ReadEarlierEnterprises(tx, items));

  // 4. Decide per item (domain rules), against the stored decisions and the
  //    items before it in this batch.
  std::vector<size_t> to_insert;
  absl::flat_hash_map<std::string, size_t> pending;  // pair -> item index
  std::vector<std::pair<size_t, size_t>> same_as_pending;  // item, original
  // Request ids claimed by earlier successful items: id -> item index.
  absl::flat_hash_map<std::string, size_t> batch_claims;
  std::vector<size_t> to_claim;  // items whose request id is logged
  std::vector<std::pair<size_t, size_t>> replays_of_items;  // item, original
  for (size_t i = 0; i < n; ++i) {
    const PenaltyDecision& d = items[i].decision;
    const RequestKey& request = items[i].key;
    if (!request.request_id.empty()) {
      // 4a. The request-id step: a replay of a stored request or of an
      //     earlier item, a reused id, or a fresh one.
      const domain::ClaimedRequest* earlier_claim = nullptr;
      domain::ClaimedRequest of_item;
      const auto stored_claim = stored_claims.claims.find(request.request_id);
      const auto item_claim = batch_claims.find(request.request_id);
      if (stored_claim != stored_claims.claims.end()) {
        earlier_claim = &stored_claim->second;
      } else if (item_claim != batch_claims.end()) {
        of_item = {domain::kCreatePenaltyDecisionMethod,
                   items[item_claim->second].key.fingerprint};
        earlier_claim = &of_item;
      }
      absl::StatusOr<domain::RequestIdUse> use = domain::DecideRequestIdUse(
          domain::kCreatePenaltyDecisionMethod, request.fingerprint, earlier_claim);
      if (!use.ok()) {
        results[i] = use.status();
        continue;
      }
      if (*use == domain::RequestIdUse::kReplay) {
        if (stored_claim == stored_claims.claims.end()) {
          replays_of_items.emplace_back(i, item_claim->second);
          continue;
        }
        const int64_t id = domain::IdOfRecordName(
            stored_claims.resource_names[request.request_id]);
        const auto replayed = stored_claims.decisions.find(id);
        if (replayed == stored_claims.decisions.end()) {
          results[i] = absl::InternalError(absl::StrCat(
              "request_id ", request.request_id, " names no stored decision"));
          continue;
        }
        results[i] = DecisionResult{replayed->second, true};
        continue;
      }
    }
    // Claims the item's request id once the item succeeds.
    auto claim = [&] {
      if (request.request_id.empty()) return;
      batch_claims[request.request_id] = i;
      to_claim.push_back(i);
    };
    auto eid = enterprise_ids.find(d.credit_code);
    if (eid == enterprise_ids.end()) {
      results[i] = EnterpriseNotFound(d.credit_code);
      continue;
    }
    std::optional<int64_t> earlier_enterprise;
    if (auto it = earlier.find(d.recurrence_of_id); it != earlier.end()) {
      earlier_enterprise = it->second;
    }
    if (absl::Status ok = domain::CheckRecurrenceOf(d, eid->second, earlier_enterprise);
        !ok.ok()) {
      results[i] = std::move(ok);
      continue;
    }
    std::string key = PairKey(d.authority, d.decision_number);
    const auto stored = existing.find(key);
    const auto earlier_item = pending.find(key);
    const PenaltyDecision* same_number =
        stored != existing.end()          ? &stored->second
        : earlier_item != pending.end()   ? &items[earlier_item->second].decision
                                          : nullptr;
    absl::StatusOr<domain::DecisionCreate> step = domain::DecideDecisionCreate(d, same_number);
    if (!step.ok()) {
      results[i] = step.status();
    } else if (*step == domain::DecisionCreate::kNew) {
      pending[std::move(key)] = i;
      to_insert.push_back(i);
      claim();
    } else if (stored != existing.end()) {
      results[i] = DecisionResult{stored->second, true};
      claim();
    } else {
      same_as_pending.emplace_back(i, earlier_item->second);
      claim();
    }
  }
  // 5. Insert the decisions, then the claims of their request ids.
  RETURN_IF_ERROR(InsertDecisions(tx, items, to_insert, enterprise_ids, now_text, now,
                                  results));
  for (const auto& [i, original] : same_as_pending) {
    results[i] = DecisionResult{results[original]->decision, true};
  }
  RETURN_IF_ERROR(ClaimDecisionRequests(tx, items, to_claim, results));
  for (const auto& [i, original] : replays_of_items) {
    results[i] = DecisionResult{results[original]->decision, true};
  }
  // 6. Audit every stored or found decision (before the re-rating, which
  //    takes the change feed's counter row last and holds it to the commit).
  std::vector<domain::AuditEntry> entries;
  entries.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!results[i].ok()) continue;
    const PenaltyDecision& d = results[i]->decision;
    entries.push_back(domain::MakeAuditEntry(
        items[i].audit,
        RecordName(d.credit_code, domain::kPenaltyDecisions, d.id)));
  }
  RETURN_IF_ERROR(AppendAuditEntries(tx, entries));
  // 7. Re-rate every enterprise that got a decision, naming its decisions.
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
  return ratings.Recompute(tx, rerate, ratings.Today(), domain::RatingTrigger(), updates,
                           &triggers);
}

// The one audit entry of a batch call whose every item replayed a stored
// request (doc/records.md "Audit"): the call's context, the batch's parent
// as resource (the enterprise its items name, or "enterprises/-" when they
// name several), reason REPLAYED and the number of items.
template <typename Items, typename CodeOf>
domain::AuditEntry ReplayedBatchEntry(const domain::AuditContext& call, const Items& items,
                                      CodeOf code_of) {
  bool one_enterprise = true;
  for (const auto& item : items) {
    if (code_of(item) != code_of(items.front())) {
      one_enterprise = false;
      break;
    }
  }
  domain::AuditEntry entry = domain::MakeAuditEntry(
      call, absl::StrCat("enterprises/", one_enterprise ? code_of(items.front()) : "-"));
  entry.reason = "REPLAYED";
  entry.field = absl::StrCat("items=", items.size());
  return entry;
}

// A re-import answered whole: when every item of a batch replays a stored
// request (ReadReplays), the answer is the decisions those claims name, with
// nothing written but the audit (a replay is a successful call and is
// audited, doc/records.md "Audit"): one entry for the batch call when
// `call` is given, else the items' entries, in one statement. Fills
// `results` and returns true then; false (results untouched) otherwise, and
// the batch takes the full path (BatchAttempt), which decides the rest.
// A batch answered by names is not looked up here: its caller asked
// ReplayedDecisionNames before it converted the items.
absl::StatusOr<bool> AnswerReplays(Database& db,
                                   const std::vector<domain::BatchDecision>& items,
                                   const std::optional<domain::AuditContext>& call,
                                   domain::BatchAnswer answer,
                                   std::vector<absl::StatusOr<DecisionResult>>& results) {
  if (answer != domain::BatchAnswer::kWhole) return false;
  // The decision a claim names is the number after the last '/' of its
  // resource name (enterprises/{code}/penaltyDecisions/{id}).
  ASSIGN_OR_RETURN(
      std::optional<std::vector<PenaltyDecision>> replayed,
      ReadReplays<PenaltyDecision>(
          db, items, domain::kCreatePenaltyDecisionMethod,
          absl::StrCat("SELECT ", kDecisionKind.columns,
                       ", l.request_id, l.method, l.fingerprint FROM request_log l LEFT JOIN "
                       "penalty_decisions r ON r.id = CAST(SUBSTRING_INDEX(l.resource_name, "
                       "'/', -1) AS UNSIGNED) LEFT JOIN enterprises e ON e.id = "
                       "r.enterprise_id WHERE l.request_id IN ("),
          18, [](const Row& row) -> absl::StatusOr<std::optional<PenaltyDecision>> {
            if (row.IsNull(0)) return std::nullopt;
            return RowToDecision(row);
          }));
  if (!replayed) return false;
  std::vector<domain::AuditEntry> entries;
  if (call.has_value() && !items.empty()) {
    entries.push_back(ReplayedBatchEntry(
        *call, items, [](const domain::BatchDecision& item) -> absl::string_view {
          return item.decision.credit_code;
        }));
  } else {
    entries.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      const PenaltyDecision& d = (*replayed)[i];
      entries.push_back(domain::MakeAuditEntry(
          items[i].audit, RecordName(d.credit_code, domain::kPenaltyDecisions, d.id)));
    }
  }
  ASSIGN_OR_RETURN(Session session, db.Checkout());
  RETURN_IF_ERROR(AppendAuditEntries(session, entries));
  results.clear();
  results.reserve(replayed->size());
  for (PenaltyDecision& d : *replayed) results.push_back(DecisionResult{std::move(d), true});
  return true;
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
      ASSIGN_OR_RETURN(result, ReadRecord(tx, kCommitmentKind, commitment.credit_code,
                                              domain::IdOfRecordName(
                                                  replay.resource_name)));
      return AuditWrite(tx, audit, replay.resource_name);
    }
    ASSIGN_OR_RETURN(int64_t eid, LockEnterprise(tx, commitment.credit_code));
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
    ASSIGN_OR_RETURN(result, ReadRecord(tx, kCommitmentKind, commitment.credit_code, id));
    RETURN_IF_ERROR(Rerate(ratings_, tx, eid,
                           RecordTrigger(name, "commitment recorded"), &updates));
    return AuditWrite(tx, audit, name);
  }));
  ratings_.Committed(updates);
  return result;
}

absl::StatusOr<Commitment> MysqlRecordRepository::GetCommitment(
    absl::string_view credit_code, int64_t id) {
  return GetRecord(db_, kCommitmentKind, credit_code, id);
}

absl::StatusOr<domain::RecordPage<Commitment>>
MysqlRecordRepository::ListCommitments(absl::string_view credit_code,
                                       int64_t after_id, int limit) {
  return ListRecords(db_, kCommitmentKind, credit_code, after_id, limit);
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
      ASSIGN_OR_RETURN(const int64_t eid, LockEnterprise(tx, credit_code));
      RETURN_IF_ERROR(ReadRecord(tx, kCommitmentKind, credit_code, id).status());
      ASSIGN_OR_RETURN(
          std::optional<Row> item,
          tx.QueryRow("SELECT state, due_date FROM commitment_items WHERE "
                      "commitment_id = ? AND item_number = ? FOR UPDATE",
                      {id, check.item_number}));
      std::optional<CommitmentItem> stored;
      if (item) {
        stored.emplace();
        stored->state = static_cast<CommitmentItemState>(item->GetInt64(0));
        ASSIGN_OR_RETURN(stored->due_date, DayOf(*item, 1));
      }
      RETURN_IF_ERROR(domain::CheckCanCheckItem(name, stored ? &*stored : nullptr, check));
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
      RETURN_IF_ERROR(Rerate(
          ratings_, tx, eid,
          RecordTrigger(name, absl::StrCat("commitment item ", check.item_number,
                                           check.outcome == CommitmentItemState::kBroken
                                               ? " found broken"
                                               : " checked")),
          &updates));
    }
    ASSIGN_OR_RETURN(result, ReadRecord(tx, kCommitmentKind, credit_code, id));
    return AuditWrite(tx, audit, name);
  }));
  ratings_.Committed(updates);
  return result;
}

// ---------------------------------------------------------- penalty decisions

absl::StatusOr<DecisionResult> MysqlRecordRepository::CreatePenaltyDecision(
    const PenaltyDecision& decision, const RequestKey& key,
    const AuditContext& audit) {
  ASSIGN_OR_RETURN(auto results,
                   BatchCreatePenaltyDecisions({{decision, audit, key}}));
  return std::move(results[0]);
}

absl::StatusOr<std::vector<absl::StatusOr<DecisionResult>>>
MysqlRecordRepository::BatchCreatePenaltyDecisions(
    const std::vector<domain::BatchDecision>& items,
    const std::optional<domain::AuditContext>& call, domain::BatchAnswer answer) {
  std::vector<absl::StatusOr<DecisionResult>> results;
  ASSIGN_OR_RETURN(const bool replayed, AnswerReplays(db_, items, call, answer, results));
  if (replayed) return results;
  RatingUpdates updates;
  // A batch that collided with another (a deadlock, or the same number
  // inserted by both) is run again by the server's retry policy.
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) {
    updates.Clear();
    return BatchAttempt(tx, items, results, ratings_, &updates);
  }));
  ratings_.Committed(updates);
  return results;
}

absl::StatusOr<std::optional<std::vector<std::string>>>
MysqlRecordRepository::ReplayedDecisionNames(const std::vector<domain::RequestKey>& keys,
                                             const domain::AuditContext& call) {
  // The claim's own resource name answers: a claim names its decision in
  // the transaction that stored it, and decisions are never deleted (a
  // revoked one keeps its row), so the decision itself is not read; on
  // MariaDB a join to it by the name's id cost a fifth of the read's CPU
  // (SUBSTRING_INDEX per row).
  ASSIGN_OR_RETURN(
      std::optional<std::vector<std::string>> names,
      ReadReplays<std::string>(
          db_, keys, domain::kCreatePenaltyDecisionMethod,
          "SELECT l.resource_name, l.request_id, l.method, l.fingerprint FROM request_log l "
          "WHERE l.request_id IN (",
          1, [](const Row& row) -> absl::StatusOr<std::optional<std::string>> {
            std::string name = row.GetString(0);
            if (domain::IdOfRecordName(name) == 0 ||
                domain::CreditCodeOfRecordName(name).empty()) {
              return std::nullopt;
            }
            return name;
          }));
  if (!names) return std::nullopt;
  ASSIGN_OR_RETURN(Session session, db_.Checkout());
  RETURN_IF_ERROR(AppendAuditEntries(
      session, {ReplayedBatchEntry(call, *names, [](const std::string& name) {
        return domain::CreditCodeOfRecordName(name);
      })}));
  return names;
}

absl::StatusOr<PenaltyDecision> MysqlRecordRepository::GetPenaltyDecision(
    absl::string_view credit_code, int64_t id) {
  return GetRecord(db_, kDecisionKind, credit_code, id);
}

absl::StatusOr<domain::RecordPage<PenaltyDecision>>
MysqlRecordRepository::ListPenaltyDecisions(absl::string_view credit_code,
                                            PenaltyDecisionState state,
                                            int64_t after_id, int limit) {
  RecordFilter filter;
  if (state != PenaltyDecisionState::kUnspecified) {
    filter = RecordFilter{" AND r.state = ?", {static_cast<int>(state)}};
  }
  return ListRecords(db_, kDecisionKind, credit_code, after_id, limit, filter);
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
      RETURN_IF_ERROR(LockEnterprise(tx, credit_code).status());
      ASSIGN_OR_RETURN(PenaltyDecision current,
                       ReadRecord(tx, kDecisionKind, credit_code, id, true));
      RETURN_IF_ERROR(domain::CheckCanMarkRectified(current, date));
      RETURN_IF_ERROR(
          tx.Execute("UPDATE penalty_decisions SET rectified_date = ?, "
                     "update_time = GREATEST(UTC_TIMESTAMP(6), create_time) "
                     "WHERE id = ?",
                     {DayText(date), id})
              .status());
    }
    ASSIGN_OR_RETURN(result, ReadRecord(tx, kDecisionKind, credit_code, id, false));
    return AuditWrite(tx, audit, name);
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
      ASSIGN_OR_RETURN(const int64_t eid, LockEnterprise(tx, credit_code));
      ASSIGN_OR_RETURN(PenaltyDecision current,
                       ReadRecord(tx, kDecisionKind, credit_code, id, true));
      RETURN_IF_ERROR(domain::CheckCanRevoke(current, revocation));
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
      RETURN_IF_ERROR(Rerate(
          ratings_, tx, eid,
          domain::RatingTrigger{domain::RatingChangeCause::kDecisionRevoked, name,
                                absl::StrCat("penalty decision ",
                                             current.decision_number,
                                             " revoked")},
          &updates));
    }
    ASSIGN_OR_RETURN(result, ReadRecord(tx, kDecisionKind, credit_code, id, false));
    return AuditWrite(tx, audit, name);
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
                       ReadRecord(tx, kComplaintKind, complaint.credit_code,
                                     domain::IdOfRecordName(replay.resource_name)));
      return AuditWrite(tx, audit, replay.resource_name);
    }
    ASSIGN_OR_RETURN(int64_t eid, LockEnterprise(tx, complaint.credit_code));
    // Resolve the links, in order, up to the first that names nothing.
    std::vector<std::optional<int64_t>> resolved;
    for (const domain::DecisionLink& link : complaint.decisions) {
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
      resolved.push_back(row ? std::optional<int64_t>(row->GetInt64(0)) : std::nullopt);
      if (!row) break;
    }
    ASSIGN_OR_RETURN(const std::vector<int64_t> decision_ids,
                     domain::CheckComplaintLinks(complaint, resolved));
    absl::StatusOr<uint64_t> inserted = tx.Execute(
        "INSERT INTO complaints (enterprise_id, received_date, channel, "
        "case_number, substantiated, summary, create_time) VALUES "
        "(?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
        {eid, DayText(complaint.received_date),
         static_cast<int>(complaint.channel), complaint.case_number,
         complaint.substantiated ? 1 : 0, complaint.summary});
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return domain::ComplaintCaseNumberTaken(complaint);
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
    ASSIGN_OR_RETURN(result, ReadRecord(tx, kComplaintKind, complaint.credit_code, id));
    return AuditWrite(tx, audit, name);
  }));
  return result;
}

absl::StatusOr<Complaint> MysqlRecordRepository::GetComplaint(
    absl::string_view credit_code, int64_t id) {
  return GetRecord(db_, kComplaintKind, credit_code, id);
}

absl::StatusOr<domain::RecordPage<Complaint>>
MysqlRecordRepository::ListComplaints(absl::string_view credit_code,
                                      int64_t after_id, int limit) {
  return ListRecords(db_, kComplaintKind, credit_code, after_id, limit);
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
                       ReadRecord(tx, kIncidentKind, incident.credit_code,
                                    domain::IdOfRecordName(replay.resource_name)));
      return AuditWrite(tx, audit, replay.resource_name);
    }
    ASSIGN_OR_RETURN(int64_t eid, LockEnterprise(tx, incident.credit_code));
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
    ASSIGN_OR_RETURN(result, ReadRecord(tx, kIncidentKind, incident.credit_code, id));
    RETURN_IF_ERROR(Rerate(ratings_, tx, eid,
                           RecordTrigger(name, "environmental incident recorded"),
                           &updates));
    return AuditWrite(tx, audit, name);
  }));
  ratings_.Committed(updates);
  return result;
}

absl::StatusOr<Incident> MysqlRecordRepository::GetIncident(
    absl::string_view credit_code, int64_t id) {
  return GetRecord(db_, kIncidentKind, credit_code, id);
}

absl::StatusOr<domain::RecordPage<Incident>>
MysqlRecordRepository::ListIncidents(absl::string_view credit_code,
                                     int64_t after_id, int limit) {
  return ListRecords(db_, kIncidentKind, credit_code, after_id, limit);
}

absl::StatusOr<domain::StoredRecords> MysqlRecordRepository::LoadRecords(
    absl::string_view credit_code) {
  domain::StoredRecords records;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t eid, EnterpriseId(tx, credit_code));
        ASSIGN_OR_RETURN(records.commitments, ReadAllRecords(tx, kCommitmentKind, eid));
        ASSIGN_OR_RETURN(records.decisions, ReadAllRecords(tx, kDecisionKind, eid));
        ASSIGN_OR_RETURN(records.incidents, ReadAllRecords(tx, kIncidentKind, eid));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return records;
}

}  // namespace envcredit::storage
