#include "server/storage/mysql_rating_repository.h"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "server/domain/records.h"
#include "server/domain/rerating.h"
#include "server/storage/rows.h"

namespace envcredit::storage {
namespace {

using domain::CurrentRating;
using domain::RatingChange;

// Columns of a stored rating, in RowToRating order.
#define ENVCREDIT_RATING_COLUMNS                                          \
  "r.enterprise_id, r.credit_code, r.region_code, r.level, r.points, "   \
  "r.national_level, r.flag_bits, r.policy_id, r.policy_version, "       \
  "r.as_of, r.valid_until, r.revision"

absl::StatusOr<CurrentRating> RowToRating(const Row& row, int first = 0) {
  CurrentRating r;
  r.enterprise_id = row.GetInt64(first + 0);
  r.credit_code = row.GetString(first + 1);
  r.region_code = row.GetString(first + 2);
  r.level = static_cast<scoring::Level>(row.GetInt64(first + 3));
  r.points = static_cast<int>(row.GetInt64(first + 4));
  r.national_level =
      static_cast<scoring::NationalLevel>(row.GetInt64(first + 5));
  r.flag_bits = static_cast<uint32_t>(row.GetInt64(first + 6));
  r.policy_id = row.GetString(first + 7);
  r.policy_version = static_cast<int>(row.GetInt64(first + 8));
  ASSIGN_OR_RETURN(r.as_of, DayOf(row, first + 9));
  ASSIGN_OR_RETURN(r.valid_until, OptionalDayOf(row, first + 10));
  r.revision = row.GetInt64(first + 11);
  return r;
}

#define ENVCREDIT_CHANGE_COLUMNS                                              \
  "c.cursor_id, c.enterprise_id, c.credit_code, c.effective_date, "          \
  "c.old_level, c.new_level, c.old_points, c.new_points, "                   \
  "c.new_national_level, c.new_flag_bits, c.policy_id, c.policy_version, "   \
  "c.region_code, c.valid_until, c.cause, c.cause_resource, c.reason, "      \
  "c.record_time"

absl::StatusOr<RatingChange> RowToChange(const Row& row) {
  RatingChange c;
  c.cursor = row.GetInt64(0);
  c.enterprise_id = row.GetInt64(1);
  c.credit_code = row.GetString(2);
  ASSIGN_OR_RETURN(c.effective_date, DayOf(row, 3));
  c.old_level = static_cast<scoring::Level>(row.GetInt64(4));
  c.old_points = static_cast<int>(row.GetInt64(6));
  CurrentRating& r = c.rating;
  r.enterprise_id = c.enterprise_id;
  r.credit_code = c.credit_code;
  r.level = static_cast<scoring::Level>(row.GetInt64(5));
  r.points = static_cast<int>(row.GetInt64(7));
  r.national_level = static_cast<scoring::NationalLevel>(row.GetInt64(8));
  r.flag_bits = static_cast<uint32_t>(row.GetInt64(9));
  r.policy_id = row.GetString(10);
  r.policy_version = static_cast<int>(row.GetInt64(11));
  r.region_code = row.GetString(12);
  ASSIGN_OR_RETURN(r.valid_until, OptionalDayOf(row, 13));
  r.as_of = c.effective_date;
  r.revision = c.cursor;
  c.cause = static_cast<domain::RatingChangeCause>(row.GetInt64(14));
  c.cause_resource = row.GetString(15);
  c.reason = row.GetString(16);
  ASSIGN_OR_RETURN(c.record_time, row.GetTime(17));
  return c;
}

}  // namespace

namespace {

// The rows of ReadRatable's statement, by their first column.
enum RatableRow : int {
  kEnterpriseRow = 0,
  kDecisionRow = 1,
  kCommitmentRow = 2,
  kBrokenItemRow = 3,
  kIncidentRow = 4,
};

// One SELECT of the UNION below: the enterprises of `filter` (a constant:
// "e.id" or "e.credit_code", never request text) and one kind of their
// records. Every part has the same ten columns: row kind, enterprise id,
// record id, two texts, an integer, a date and three more integers.
std::string RatablePart(absl::string_view select, absl::string_view from,
                        absl::string_view filter, size_t keys,
                        absl::string_view more = "") {
  return absl::StrCat("SELECT ", select, " FROM ", from, " WHERE ", filter, " IN (",
                      Marks(keys), ")", more);
}

// Adds a commitment, broken item or incident row of ReadRatable's or
// LoadRatingRecords' statements to `records`: its kind, the enterprise id,
// the record id in columns 0-2, then an integer, a TO_DAYS date and another
// integer from column `first` on.
absl::Status AddOtherRecordRow(const Row& row, int kind, int first,
                               scoring::EnterpriseRecords* records) {
  switch (kind) {
    case kCommitmentRow: {
      domain::CommitmentForRating c;
      c.id = row.GetInt64(2);
      c.kind = static_cast<domain::CommitmentKind>(row.GetInt64(first));
      c.signing_date = DayOfNumber(row.GetInt64(first + 1));
      c.is_public = row.GetInt64(first + 2) != 0;
      domain::AddForRating(c, records);
      return absl::OkStatus();
    }
    case kBrokenItemRow: {
      domain::CommitmentItemForRating item;
      item.commitment_id = row.GetInt64(2);
      item.number = static_cast<int>(row.GetInt64(first));
      if (!row.IsNull(first + 1)) item.check_date = DayOfNumber(row.GetInt64(first + 1));
      item.state = static_cast<domain::CommitmentItemState>(row.GetInt64(first + 2));
      domain::AddForRating(item, records);
      return absl::OkStatus();
    }
    case kIncidentRow: {
      domain::IncidentForRating i;
      i.id = row.GetInt64(2);
      i.grade = static_cast<domain::IncidentGrade>(row.GetInt64(first));
      i.date = DayOfNumber(row.GetInt64(first + 1));
      domain::AddForRating(i, records);
      return absl::OkStatus();
    }
    default:
      return absl::InternalError(absl::StrCat("unknown ratable row kind ", kind));
  }
}

}  // namespace

absl::StatusOr<std::vector<RatableEnterprise>> ReadRatable(Session& session,
                                                           RatableKey key,
                                                           absl::Span<const SqlValue> keys,
                                                           RatableColumns columns) {
  std::vector<RatableEnterprise> out;
  if (keys.empty()) return out;
  const absl::string_view filter = key == RatableKey::kId ? "e.id" : "e.credit_code";
  const size_t n = keys.size();
  // One statement, so one round trip and one consistent view of the
  // enterprise and all its records (each statement is its own snapshot
  // under READ COMMITTED). Only BROKEN commitment items are read:
  // AddForRating maps the others to nothing. Dates come as TO_DAYS numbers
  // (DayOfNumber), not as text to parse. For the stored rating alone
  // (RatableColumns::kRating) the decisions' numbers and authorities are
  // left out, so their part reads from ix_penalty_decisions_scoring alone
  // (doc/schema.md), never from the table's rows.
  const bool references = columns == RatableColumns::kWithReferences;
  const std::string sql = absl::StrCat(
      RatablePart("0 AS row_kind, e.id AS eid, e.id AS rid, e.credit_code AS s1, "
                  "e.region_code AS s2, NULL AS i1, NULL AS d1, NULL AS i2, NULL AS i3, "
                  "NULL AS i4",
                  "enterprises e", filter, n),
      " UNION ALL ",
      RatablePart(references ? "1, d.enterprise_id, d.id, d.decision_number, d.authority, "
                               "d.violation_type, TO_DAYS(d.decision_date), d.measure_bits, "
                               "d.tampering, d.state"
                             : "1, d.enterprise_id, d.id, NULL, NULL, d.violation_type, "
                               "TO_DAYS(d.decision_date), d.measure_bits, d.tampering, d.state",
                  "penalty_decisions d JOIN enterprises e ON e.id = d.enterprise_id", filter,
                  n),
      " UNION ALL ",
      RatablePart("2, c.enterprise_id, c.id, NULL, NULL, c.kind, TO_DAYS(c.signing_date), "
                  "c.is_public, NULL, NULL",
                  "commitments c JOIN enterprises e ON e.id = c.enterprise_id", filter, n),
      " UNION ALL ",
      RatablePart("3, c.enterprise_id, c.id, NULL, NULL, i.item_number, TO_DAYS(i.check_date), "
                  "i.state, NULL, NULL",
                  "commitment_items i JOIN commitments c ON c.id = i.commitment_id "
                  "JOIN enterprises e ON e.id = c.enterprise_id",
                  filter, n, " AND i.state = ?"),
      " UNION ALL ",
      RatablePart("4, n.enterprise_id, n.id, NULL, NULL, n.grade, TO_DAYS(n.incident_date), NULL, "
                  "NULL, NULL",
                  "incidents n JOIN enterprises e ON e.id = n.enterprise_id", filter, n),
      " ORDER BY eid, row_kind, rid, i1");
  std::vector<SqlValue> params;
  params.reserve(5 * n + 1);
  for (int part = 0; part < 5; ++part) {
    params.insert(params.end(), keys.begin(), keys.end());
    if (part == kBrokenItemRow) {
      params.emplace_back(static_cast<int>(domain::CommitmentItemState::kBroken));
    }
  }
  ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query(sql, params));
  // Rows come per enterprise (its own row first), each kind in id order:
  // the order domain::AddForRating expects.
  for (const Row& row : rows) {
    const int kind = static_cast<int>(row.GetInt64(0));
    if (kind == kEnterpriseRow) {
      RatableEnterprise e;
      e.enterprise_id = row.GetInt64(1);
      e.credit_code = row.GetString(3);
      e.region_code = row.GetString(4);
      out.push_back(std::move(e));
      continue;
    }
    if (out.empty() || out.back().enterprise_id != row.GetInt64(1)) {
      return absl::InternalError("a record row came before its enterprise row");
    }
    scoring::EnterpriseRecords* records = &out.back().records;
    switch (kind) {
      case kDecisionRow: {
        domain::DecisionForRating d;
        d.decision_number = row.GetString(3);
        d.authority = row.GetString(4);
        d.violation_type = static_cast<domain::ViolationType>(row.GetInt64(5));
        d.decision_date = DayOfNumber(row.GetInt64(6));
        d.measures = domain::MeasuresFromBits(row.GetInt64(7));
        d.tampering = row.GetInt64(8) != 0;
        d.state = static_cast<domain::PenaltyDecisionState>(row.GetInt64(9));
        domain::AddForRating(std::move(d), records);
        break;
      }
      default:
        RETURN_IF_ERROR(AddOtherRecordRow(row, kind, /*first=*/5, records));
        break;
    }
  }
  return out;
}

namespace {

// A filter of `column` to `ids`: "column BETWEEN ? AND ?" when they are
// sorted, distinct and every integer from the first to the last (a rescore page on
// a registry without gaps in its ids), else "column IN (?, …)". The same
// rows either way; the range binds 2 parameters instead of one per id and
// gives the optimiser one range instead of hundreds.
struct IdFilter {
  std::string sql;
  std::vector<SqlValue> params;
};
IdFilter FilterIds(absl::string_view column, absl::Span<const int64_t> ids) {
  const bool sorted = std::is_sorted(ids.begin(), ids.end()) &&
                      std::adjacent_find(ids.begin(), ids.end()) == ids.end();
  if (sorted && !ids.empty() &&
      ids.back() - ids.front() + 1 == static_cast<int64_t>(ids.size())) {
    return {absl::StrCat(column, " BETWEEN ? AND ?"), {ids.front(), ids.back()}};
  }
  return {absl::StrCat(column, " IN (", Marks(ids.size()), ")"), IdValues(ids)};
}

// Parses one enterprise's decisions as LoadRatingRecords packs them:
// "day,type,measures,tampering,state" per decision, ';' between decisions.
// Returns how many it added, or -1 when the text is malformed (e.g. cut by
// group_concat_max_len, or a NULL that CONCAT_WS left out).
int64_t AddPackedDecisions(absl::string_view text, scoring::EnterpriseRecords* records) {
  int64_t added = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    int64_t field[5];
    for (int f = 0; f < 5; ++f) {
      if (p == end || *p < '0' || *p > '9') return -1;
      int64_t v = 0;
      while (p < end && *p >= '0' && *p <= '9') {
        if (v > (int64_t{1} << 40)) return -1;
        v = v * 10 + (*p++ - '0');
      }
      field[f] = v;
      if (f < 4) {
        if (p == end || *p != ',') return -1;
        ++p;
      } else if (p < end) {
        if (*p != ';') return -1;
        ++p;
        if (p == end) return -1;
      }
    }
    domain::DecisionForRating d;
    d.decision_date = DayOfNumber(field[0]);
    d.violation_type = static_cast<domain::ViolationType>(field[1]);
    d.measures = domain::MeasuresFromBits(field[2]);
    d.tampering = field[3] != 0;
    d.state = static_cast<domain::PenaltyDecisionState>(field[4]);
    domain::AddForRating(std::move(d), records);
    ++added;
  }
  return added;
}

// LoadScoringRecords for the bulk jobs (RatableColumns::kRating), in two
// statements instead of ReadRatable's one:
//  1. the decisions, one row per enterprise: all its decisions packed into
//     one text (GROUP_CONCAT in id order) with their count, read from
//     ix_penalty_decisions_scoring alone in index order (no join, no
//     temporary table, no sort): a tenth of the rows and a fifth of the
//     cells, each of which the connector would convert to text and back;
//  2. commitments, broken items and incidents by enterprise_id, without
//     ReadRatable's enterprise rows (Recompute has read them already) and
//     without its join to enterprises: usually no rows at all.
// Measured with 500 ids a statement (doc/benchmarks.md): ReadRatable's one
// statement took about 30 ms, these two about 15. Two statements see two
// snapshots: only for callers that hold the enterprises' locks (Recompute),
// so no record of them can change in between. A packed text cut by
// group_concat_max_len (MariaDB's default 1 MiB holds about 50,000
// decisions; MySQL 8's 1,024 bytes about 50) no longer matches its count,
// and those enterprises are read again by ReadRatable.
absl::StatusOr<absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>> LoadRatingRecords(
    Session& session, absl::Span<const int64_t> ids) {
  absl::flat_hash_map<int64_t, scoring::EnterpriseRecords> out;
  if (ids.empty()) return out;
  const IdFilter decisions_filter = FilterIds("d.enterprise_id", ids);
  const std::string packed_sql = absl::StrCat(
      "SELECT d.enterprise_id, COUNT(*), GROUP_CONCAT(CONCAT_WS(',', TO_DAYS(d.decision_date), "
      "d.violation_type, d.measure_bits, d.tampering, d.state) ORDER BY d.id SEPARATOR ';') "
      "FROM penalty_decisions d WHERE ",
      decisions_filter.sql, " GROUP BY d.enterprise_id");
  ASSIGN_OR_RETURN(std::vector<Row> packed, session.Query(packed_sql, decisions_filter.params));
  out.reserve(packed.size());
  std::vector<int64_t> cut;
  for (const Row& row : packed) {
    const int64_t id = row.GetInt64(0);
    const int64_t count = row.GetInt64(1);
    scoring::EnterpriseRecords& records = out[id];
    records.decisions.reserve(static_cast<size_t>(std::clamp<int64_t>(count, 0, 100000)));
    if (AddPackedDecisions(row.GetString(2), &records) != count) cut.push_back(id);
  }
  // Commitments and their broken items filter on the same column (c).
  const IdFilter commitments = FilterIds("c.enterprise_id", ids);
  const IdFilter incidents = FilterIds("n.enterprise_id", ids);
  std::vector<SqlValue> params = commitments.params;
  params.insert(params.end(), commitments.params.begin(), commitments.params.end());
  params.emplace_back(static_cast<int>(domain::CommitmentItemState::kBroken));
  params.insert(params.end(), incidents.params.begin(), incidents.params.end());
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      session.Query(
          absl::StrCat("SELECT 2 AS row_kind, c.enterprise_id AS eid, c.id AS rid, c.kind AS i1, "
                       "TO_DAYS(c.signing_date) AS d1, c.is_public AS i2 FROM commitments c "
                       "WHERE ",
                       commitments.sql,
                       " UNION ALL SELECT 3, c.enterprise_id, c.id, i.item_number, "
                       "TO_DAYS(i.check_date), i.state FROM commitment_items i JOIN commitments "
                       "c ON c.id = i.commitment_id WHERE ",
                       commitments.sql,
                       " AND i.state = ? UNION ALL SELECT 4, n.enterprise_id, n.id, n.grade, "
                       "TO_DAYS(n.incident_date), NULL FROM incidents n WHERE ",
                       incidents.sql, " ORDER BY eid, row_kind, rid, i1"),
          params));
  // Per enterprise, each kind in id order: the order AddForRating expects
  // (decisions first, as in ReadRatable).
  for (const Row& row : rows) {
    RETURN_IF_ERROR(AddOtherRecordRow(row, static_cast<int>(row.GetInt64(0)), /*first=*/3,
                                      &out[row.GetInt64(1)]));
  }
  if (!cut.empty()) {
    ASSIGN_OR_RETURN(std::vector<RatableEnterprise> again,
                     ReadRatable(session, RatableKey::kId, IdValues(cut), RatableColumns::kRating));
    for (const int64_t id : cut) out.erase(id);
    for (RatableEnterprise& e : again) out[e.enterprise_id] = std::move(e.records);
  }
  return out;
}

}  // namespace

absl::StatusOr<absl::flat_hash_map<int64_t, scoring::EnterpriseRecords>>
LoadScoringRecords(Session& session, absl::Span<const int64_t> ids,
                   RatableColumns columns) {
  if (columns == RatableColumns::kRating) return LoadRatingRecords(session, ids);
  absl::flat_hash_map<int64_t, scoring::EnterpriseRecords> out;
  ASSIGN_OR_RETURN(std::vector<RatableEnterprise> read,
                   ReadRatable(session, RatableKey::kId, IdValues(ids), columns));
  for (RatableEnterprise& e : read) {
    out[e.enterprise_id] = std::move(e.records);
  }
  return out;
}

absl::StatusOr<int64_t> AllocateCursors(Transaction& tx, int64_t count) {
  RETURN_IF_ERROR(tx.Execute("UPDATE feed_sequence SET last_cursor = "
                             "last_cursor + ? WHERE id = 1",
                             {count})
                      .status());
  ASSIGN_OR_RETURN(std::optional<Row> seq,
                   tx.QueryRow("SELECT last_cursor FROM feed_sequence WHERE id = 1"));
  if (!seq) return absl::InternalError("feed_sequence has no row");
  return seq->GetInt64(0) - count + 1;
}

absl::Status AppendListChanges(Transaction& tx,
                               std::vector<domain::ListChange>& changes) {
  if (changes.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(int64_t cursor,
                   AllocateCursors(tx, static_cast<int64_t>(changes.size())));
  const absl::Time now = absl::Now();
  const std::string now_text = TimeText(now);
  constexpr size_t kChunk = 1000;
  for (size_t start = 0; start < changes.size(); start += kChunk) {
    const size_t n = std::min(kChunk, changes.size() - start);
    std::vector<SqlValue> rows;
    std::vector<SqlValue> events;
    for (size_t i = start; i < start + n; ++i) {
      domain::ListChange& c = changes[i];
      c.cursor = cursor++;
      c.record_time = now;
      const int64_t publication_id = domain::IdOfRecordName(c.publication);
      for (SqlValue v : std::initializer_list<SqlValue>{
               c.cursor, c.list, c.credit_code, static_cast<int>(c.kind),
               publication_id == 0 ? SqlValue(nullptr) : SqlValue(publication_id),
               c.reason, DayText(c.effective_date), now_text}) {
        rows.push_back(std::move(v));
      }
      events.emplace_back(c.cursor);
      events.emplace_back(2);  // kind: list change
      events.emplace_back(now_text);
    }
    RETURN_IF_ERROR(tx.Execute(absl::StrCat("INSERT INTO list_changes (cursor_id, "
                                            "list_kind, credit_code, change_kind, "
                                            "publication_id, reason, effective_date, "
                                            "record_time) VALUES ",
                                            Placeholders(n, 8)),
                               rows)
                        .status());
    RETURN_IF_ERROR(tx.Execute(absl::StrCat("INSERT INTO feed_events (cursor_id, "
                                            "kind, record_time) VALUES ",
                                            Placeholders(n, 3)),
                               events)
                        .status());
  }
  return absl::OkStatus();
}

// -------------------------------------------------------------- RatingWriter

absl::CivilDay RatingWriter::Today() const {
  return TodayInChina(clock_);
}

absl::Status RatingWriter::Recompute(Transaction& tx,
                                     absl::Span<const int64_t> enterprise_ids,
                                     absl::CivilDay day,
                                     const domain::RatingTrigger& default_trigger,
                                     RatingUpdates* updates,
                                     const absl::flat_hash_map<int64_t, domain::RatingTrigger>*
                                         per_enterprise,
                                     RatableColumns columns) const {
  if (enterprise_ids.empty()) return absl::OkStatus();
  std::vector<int64_t> ids(enterprise_ids.begin(), enterprise_ids.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  // 1. Lock the enterprises and their ratings, in id order (so concurrent
  //    writers of overlapping sets cannot deadlock on them).
  const IdFilter locked = FilterIds("e.id", ids);
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query(absl::StrCat("SELECT e.id, e.credit_code, e.region_code, ",
                            "r.enterprise_id, " ENVCREDIT_RATING_COLUMNS
                            " FROM enterprises e LEFT JOIN ratings r ON "
                            "r.enterprise_id = e.id WHERE ",
                            locked.sql, " ORDER BY e.id FOR UPDATE"),
               locked.params));

  // 2. Their records, read after the locks (READ COMMITTED: every record a
  //    committed writer of these enterprises added is seen).
  absl::flat_hash_map<int64_t, scoring::EnterpriseRecords> records;
  if (columns != RatableColumns::kNone) {
    ASSIGN_OR_RETURN(records, LoadScoringRecords(tx, ids, columns));
  }

  // 3. Rate and compare (the rules: domain/rerating.h).
  std::vector<domain::RatedEnterprise> enterprises;
  enterprises.reserve(rows.size());
  for (const Row& row : rows) {
    domain::RatedEnterprise e;
    e.enterprise_id = row.GetInt64(0);
    e.credit_code = row.GetString(1);
    e.region_code = row.GetString(2);
    if (!row.IsNull(3)) {
      ASSIGN_OR_RETURN(e.stored, RowToRating(row, 4));
    }
    enterprises.push_back(std::move(e));
  }
  ASSIGN_OR_RETURN(std::vector<domain::RatingWrite> writes,
                   domain::PlanRerating(calculator_, enterprises, records, day));
  // Enterprises whose records this write changed but whose rating it did
  // not: a feed event each, so every server's records cache learns of it.
  const int64_t records_changes = domain::CountRecordsChanges(
      enterprises, writes, default_trigger, per_enterprise);
  if (writes.empty() && records_changes == 0) {
    // The records did not change either (a roll or rescore found nothing).
    return absl::OkStatus();
  }

  // 4. Cursors for the changes: taking the sequence row's lock last and
  //    holding it to the commit makes cursors visible in order.
  const int64_t changes = domain::CountChanges(writes);
  int64_t first_cursor = 0;
  if (changes + records_changes > 0) {
    ASSIGN_OR_RETURN(first_cursor, AllocateCursors(tx, changes + records_changes));
  }
  const size_t first_rating = updates->ratings.size();
  const size_t first_change = updates->changes.size();
  const size_t first_records_change = updates->records_changes.size();
  const size_t first_snapshot = updates->snapshots.size();
  const absl::Time now = absl::Now();
  domain::NumberChanges(writes, first_cursor, day, default_trigger,
                        per_enterprise, now, updates);
  domain::NumberRecordsChanges(enterprises, records, default_trigger,
                               per_enterprise, first_change,
                               first_cursor + changes, now, updates);
  if (columns == RatableColumns::kRating) {
    // Records read without references are no records cache's business.
    updates->snapshots.resize(first_snapshot);
  }

  // 5. Write ratings, history rows and feed events (multi-row statements).
  const std::string now_text = TimeText(now);
  std::vector<SqlValue> rating_params;
  std::vector<SqlValue> change_params;
  std::vector<SqlValue> event_params;
  for (size_t i = first_change; i < updates->changes.size(); ++i) {
    const RatingChange& c = updates->changes[i];
    const CurrentRating& r = c.rating;
    for (SqlValue v : std::initializer_list<SqlValue>{
             c.cursor, c.enterprise_id, c.credit_code, DayText(day),
             static_cast<int>(c.old_level), static_cast<int>(r.level),
             c.old_points, r.points, static_cast<int>(r.national_level),
             static_cast<int64_t>(r.flag_bits), r.policy_id, r.policy_version,
             r.region_code, OptionalDay(r.valid_until),
             static_cast<int>(c.cause), c.cause_resource, c.reason,
             c.level_changed() ? 1 : 0, now_text}) {
      change_params.push_back(std::move(v));
    }
    event_params.emplace_back(c.cursor);
    event_params.emplace_back(1);  // kind: rating change
    event_params.emplace_back(now_text);
  }
  for (size_t i = first_rating; i < updates->ratings.size(); ++i) {
    const CurrentRating& r = updates->ratings[i];
    for (SqlValue v : std::initializer_list<SqlValue>{
             r.enterprise_id, r.credit_code, r.region_code,
             static_cast<int>(r.level), r.points,
             static_cast<int>(r.national_level),
             static_cast<int64_t>(r.flag_bits), r.policy_id, r.policy_version,
             DayText(r.as_of), OptionalDay(r.valid_until), r.revision,
             now_text}) {
      rating_params.push_back(std::move(v));
    }
  }
  std::vector<SqlValue> records_params;
  for (size_t i = first_records_change; i < updates->records_changes.size(); ++i) {
    const domain::RecordsChange& c = updates->records_changes[i];
    for (SqlValue v : std::initializer_list<SqlValue>{
             c.cursor, c.enterprise_id, c.credit_code, now_text}) {
      records_params.push_back(std::move(v));
    }
    event_params.emplace_back(c.cursor);
    event_params.emplace_back(3);  // kind: records change
    event_params.emplace_back(now_text);
  }
  // VALUES(col) in ON DUPLICATE KEY UPDATE runs on MariaDB and MySQL 8 alike
  // (MySQL 8.0.20+ warns that it is deprecated; the row-alias form it
  // prefers does not exist in MariaDB).
  if (!writes.empty()) {
    RETURN_IF_ERROR(
        tx.Execute(
              absl::StrCat(
                  "INSERT INTO ratings (enterprise_id, credit_code, region_code, "
                  "level, points, national_level, flag_bits, policy_id, "
                  "policy_version, as_of, valid_until, revision, update_time) "
                  "VALUES ",
                  Placeholders(writes.size(), 13),
                  " ON DUPLICATE KEY UPDATE region_code = VALUES(region_code), "
                  "level = VALUES(level), points = VALUES(points), "
                  "national_level = VALUES(national_level), flag_bits = "
                  "VALUES(flag_bits), policy_id = VALUES(policy_id), "
                  "policy_version = VALUES(policy_version), as_of = "
                  "VALUES(as_of), valid_until = VALUES(valid_until), revision "
                  "= VALUES(revision), update_time = VALUES(update_time)"),
              rating_params)
            .status());
  }
  if (changes > 0) {
    RETURN_IF_ERROR(
        tx.Execute(absl::StrCat("INSERT INTO rating_changes (cursor_id, "
                                "enterprise_id, credit_code, effective_date, "
                                "old_level, new_level, old_points, "
                                "new_points, new_national_level, "
                                "new_flag_bits, policy_id, policy_version, "
                                "region_code, valid_until, cause, "
                                "cause_resource, reason, level_changed, "
                                "record_time) VALUES ",
                                Placeholders(changes, 19)),
                   change_params)
            .status());
  }
  if (records_changes > 0) {
    RETURN_IF_ERROR(
        tx.Execute(absl::StrCat("INSERT INTO records_changes (cursor_id, "
                                "enterprise_id, credit_code, record_time) VALUES ",
                                Placeholders(records_changes, 4)),
                   records_params)
            .status());
  }
  if (changes + records_changes > 0) {
    RETURN_IF_ERROR(
        tx.Execute(absl::StrCat("INSERT INTO feed_events (cursor_id, kind, "
                                "record_time) VALUES ",
                                Placeholders(changes + records_changes, 3)),
                   event_params)
            .status());
  }
  return absl::OkStatus();
}

// ------------------------------------------------------ MysqlRatingRepository

absl::StatusOr<std::optional<CurrentRating>> MysqlRatingRepository::Get(
    absl::string_view credit_code) {
  std::optional<CurrentRating> result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        result.reset();
        ASSIGN_OR_RETURN(
            std::optional<Row> row,
            tx.QueryRow("SELECT e.id, r.enterprise_id, " ENVCREDIT_RATING_COLUMNS
                        " FROM enterprises e LEFT JOIN ratings r ON "
                        "r.enterprise_id = e.id WHERE e.credit_code = ?",
                        {credit_code}));
        if (!row) return EnterpriseNotFound(credit_code);
        if (row->IsNull(1)) return absl::OkStatus();
        ASSIGN_OR_RETURN(result, RowToRating(*row, 2));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::StatusOr<std::vector<CurrentRating>> MysqlRatingRepository::GetMany(
    absl::Span<const std::string> credit_codes) {
  std::vector<CurrentRating> result;
  if (credit_codes.empty()) return result;
  std::vector<SqlValue> params(credit_codes.begin(), credit_codes.end());
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        result.clear();
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query(absl::StrCat("SELECT " ENVCREDIT_RATING_COLUMNS
                                  " FROM ratings r WHERE r.credit_code IN (",
                                  Marks(params.size()), ")"),
                     params));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(CurrentRating r, RowToRating(row));
          result.push_back(std::move(r));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::Status MysqlRatingRepository::ForEach(
    const std::function<void(CurrentRating&&)>& fn, int chunk) {
  int64_t after = 0;
  for (;;) {
    std::vector<CurrentRating> batch;
    RETURN_IF_ERROR(db_.RunInTransaction(
        [&](Transaction& tx) -> absl::Status {
          batch.clear();
          ASSIGN_OR_RETURN(
              std::vector<Row> rows,
              tx.Query("SELECT " ENVCREDIT_RATING_COLUMNS
                       " FROM ratings r WHERE r.enterprise_id > ? ORDER BY "
                       "r.enterprise_id LIMIT ?",
                       {after, chunk}));
          for (const Row& row : rows) {
            ASSIGN_OR_RETURN(CurrentRating r, RowToRating(row));
            batch.push_back(std::move(r));
          }
          return absl::OkStatus();
        },
        TxMode::kReadOnly));
    if (batch.empty()) return absl::OkStatus();
    after = batch.back().enterprise_id;
    const bool last = static_cast<int>(batch.size()) < chunk;
    for (CurrentRating& r : batch) fn(std::move(r));
    if (last) return absl::OkStatus();
  }
}

absl::StatusOr<RatingPage> MysqlRatingRepository::List(
    const RatingFilter& filter, absl::string_view after_credit_code, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  std::string sql = "SELECT " ENVCREDIT_RATING_COLUMNS
                    " FROM ratings r WHERE r.credit_code > ?";
  std::vector<SqlValue> params = {after_credit_code};
  if (!filter.levels.empty()) {
    absl::StrAppend(&sql, " AND r.level IN (", Marks(filter.levels.size()), ")");
    for (scoring::Level level : filter.levels) {
      params.emplace_back(static_cast<int>(level));
    }
  }
  if (!filter.region_prefix.empty()) {
    // The prefix is digits only (checked by the caller), so LIKE needs no
    // escaping; it is still bound, never spliced.
    sql += " AND r.region_code LIKE ?";
    params.emplace_back(absl::StrCat(filter.region_prefix, "%"));
  }
  if (!filter.policy_id.empty()) {
    sql += " AND r.policy_id = ?";
    params.emplace_back(filter.policy_id);
  }
  if (filter.required_flag_bits != 0) {
    sql += " AND (r.flag_bits & ?) = ?";
    params.emplace_back(static_cast<int64_t>(filter.required_flag_bits));
    params.emplace_back(static_cast<int64_t>(filter.required_flag_bits));
  }
  sql += " ORDER BY r.credit_code LIMIT ?";
  params.emplace_back(limit + 1);
  RatingPage page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        page = RatingPage();
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
        page.has_more = static_cast<int>(rows.size()) > limit;
        if (page.has_more) rows.erase(rows.begin() + limit, rows.end());
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(CurrentRating r, RowToRating(row));
          page.ratings.push_back(std::move(r));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

absl::StatusOr<RatableEnterprise> MysqlRatingRepository::LoadRatable(
    absl::string_view credit_code) {
  ASSIGN_OR_RETURN(std::vector<RatableEnterprise> found,
                   LoadRatableMany({std::string(credit_code)}));
  if (found.empty()) return EnterpriseNotFound(credit_code);
  return std::move(found[0]);
}

absl::StatusOr<std::vector<RatableEnterprise>>
MysqlRatingRepository::LoadRatableMany(absl::Span<const std::string> credit_codes) {
  std::vector<RatableEnterprise> result;
  if (credit_codes.empty()) return result;
  const std::vector<SqlValue> codes(credit_codes.begin(), credit_codes.end());
  RETURN_IF_ERROR(db_.RunReads([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(result, ReadRatable(session, RatableKey::kCreditCode, codes));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<std::vector<RatableEnterprise>>
MysqlRatingRepository::LoadRatablePage(int64_t after_enterprise_id, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  std::vector<RatableEnterprise> result;
  RETURN_IF_ERROR(db_.RunReads([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> rows,
                     session.Query("SELECT id FROM enterprises WHERE id > ? "
                                   "ORDER BY id LIMIT ?",
                                   {after_enterprise_id, limit}));
    std::vector<SqlValue> ids;
    ids.reserve(rows.size());
    for (const Row& row : rows) ids.emplace_back(row.GetInt64(0));
    ASSIGN_OR_RETURN(result, ReadRatable(session, RatableKey::kId, ids));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<RatingChangePage> MysqlRatingRepository::History(
    absl::string_view credit_code, bool include_point_changes,
    int64_t before_cursor, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  RatingChangePage page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        page = RatingChangePage();
        ASSIGN_OR_RETURN(std::optional<Row> e,
                         tx.QueryRow("SELECT id FROM enterprises WHERE "
                                     "credit_code = ?",
                                     {credit_code}));
        if (!e) return EnterpriseNotFound(credit_code);
        std::string sql = "SELECT " ENVCREDIT_CHANGE_COLUMNS
                          " FROM rating_changes c WHERE c.enterprise_id = ?";
        std::vector<SqlValue> params = {e->GetInt64(0)};
        if (!include_point_changes) sql += " AND c.level_changed = 1";
        if (before_cursor > 0) {
          sql += " AND c.cursor_id < ?";
          params.emplace_back(before_cursor);
        }
        sql += " ORDER BY c.cursor_id DESC LIMIT ?";
        params.emplace_back(limit + 1);
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
        page.has_more = static_cast<int>(rows.size()) > limit;
        if (page.has_more) rows.erase(rows.begin() + limit, rows.end());
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(RatingChange c, RowToChange(row));
          page.changes.push_back(std::move(c));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

absl::StatusOr<std::vector<domain::FeedEvent>> MysqlRatingRepository::ReadFeed(
    int64_t after_cursor, int limit) {
  std::vector<domain::FeedEvent> result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        result.clear();
        // Each statement below sees its own snapshot (READ COMMITTED), so
        // the events are bounded first: the first `limit` events after the
        // cursor that are visible now. Cursors become visible in order, so
        // every event up to the last of them has committed, and the reads
        // of each kind that follow see all of them. (Without the bound, a
        // transaction committing between two reads could show its list or
        // records change and hide its rating change of a lower cursor: the
        // follower would move past it for ever.)
        ASSIGN_OR_RETURN(std::optional<Row> bound,
                         tx.QueryRow("SELECT MAX(cursor_id) FROM (SELECT cursor_id FROM "
                                     "feed_events WHERE cursor_id > ? ORDER BY cursor_id "
                                     "LIMIT ?) b",
                                     {after_cursor, limit}));
        if (!bound || bound->IsNull(0)) return absl::OkStatus();
        const int64_t last = bound->GetInt64(0);
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query("SELECT " ENVCREDIT_CHANGE_COLUMNS
                     " FROM feed_events f JOIN rating_changes c ON "
                     "c.cursor_id = f.cursor_id WHERE f.cursor_id > ? AND "
                     "f.cursor_id <= ? AND f.kind = 1 ORDER BY f.cursor_id",
                     {after_cursor, last}));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(RatingChange c, RowToChange(row));
          domain::FeedEvent e;
          e.cursor = c.cursor;
          e.rating = std::move(c);
          result.push_back(std::move(e));
        }
        ASSIGN_OR_RETURN(
            rows, tx.Query("SELECT l.cursor_id, l.list_kind, l.credit_code, "
                           "l.change_kind, l.publication_id, l.reason, "
                           "l.effective_date, l.record_time FROM feed_events f "
                           "JOIN list_changes l ON l.cursor_id = f.cursor_id "
                           "WHERE f.cursor_id > ? AND f.cursor_id <= ? AND f.kind = 2 "
                           "ORDER BY f.cursor_id",
                           {after_cursor, last}));
        for (const Row& row : rows) {
          domain::ListChange c;
          c.cursor = row.GetInt64(0);
          c.list = static_cast<int>(row.GetInt64(1));
          c.credit_code = row.GetString(2);
          c.kind = static_cast<domain::ListChangeKind>(row.GetInt64(3));
          if (!row.IsNull(4)) {
            c.publication = absl::StrCat(
                "lists/", c.list == 1 ? "honor" : "black", "/publications/",
                row.GetInt64(4));
          }
          c.reason = row.GetString(5);
          ASSIGN_OR_RETURN(c.effective_date, DayOf(row, 6));
          ASSIGN_OR_RETURN(c.record_time, row.GetTime(7));
          domain::FeedEvent e;
          e.cursor = c.cursor;
          e.list = std::move(c);
          result.push_back(std::move(e));
        }
        ASSIGN_OR_RETURN(
            rows, tx.Query("SELECT r.cursor_id, r.enterprise_id, r.credit_code, "
                           "r.record_time FROM feed_events f JOIN records_changes r "
                           "ON r.cursor_id = f.cursor_id WHERE f.cursor_id > ? AND "
                           "f.cursor_id <= ? AND f.kind = 3 ORDER BY f.cursor_id",
                           {after_cursor, last}));
        for (const Row& row : rows) {
          domain::RecordsChange c;
          c.cursor = row.GetInt64(0);
          c.enterprise_id = row.GetInt64(1);
          c.credit_code = row.GetString(2);
          ASSIGN_OR_RETURN(c.record_time, row.GetTime(3));
          domain::FeedEvent e;
          e.cursor = c.cursor;
          e.records = std::move(c);
          result.push_back(std::move(e));
        }
        std::sort(result.begin(), result.end(),
                  [](const domain::FeedEvent& a, const domain::FeedEvent& b) {
                    return a.cursor < b.cursor;
                  });
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::StatusOr<int64_t> MysqlRatingRepository::LatestCursor() {
  int64_t cursor = 0;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<Row> row,
                         tx.QueryRow("SELECT last_cursor FROM feed_sequence "
                                     "WHERE id = 1"));
        if (!row) return absl::InternalError("feed_sequence has no row");
        cursor = row->GetInt64(0);
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return cursor;
}

absl::StatusOr<std::optional<int64_t>> MysqlRatingRepository::OldestFeedCursor() {
  std::optional<int64_t> cursor;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        cursor.reset();
        ASSIGN_OR_RETURN(std::optional<Row> row,
                         tx.QueryRow("SELECT MIN(cursor_id) FROM feed_events"));
        if (row && !row->IsNull(0)) cursor = row->GetInt64(0);
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return cursor;
}

absl::StatusOr<int64_t> MysqlRatingRepository::PruneFeed(absl::Time cutoff) {
  int64_t total = 0;
  for (;;) {
    uint64_t deleted = 0;
    RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
      ASSIGN_OR_RETURN(deleted,
                       tx.Execute("DELETE FROM feed_events WHERE record_time "
                                  "< ? ORDER BY cursor_id LIMIT 10000",
                                  {TimeText(cutoff)}));
      // Records changes exist only as feed events (rating and list changes
      // stay as history).
      RETURN_IF_ERROR(tx.Execute("DELETE FROM records_changes WHERE record_time "
                                 "< ? ORDER BY cursor_id LIMIT 10000",
                                 {TimeText(cutoff)})
                          .status());
      return absl::OkStatus();
    }));
    total += static_cast<int64_t>(deleted);
    if (deleted < 10000) return total;
  }
}

absl::Status MysqlRatingRepository::RecomputeBulk(
    absl::Span<const int64_t> ids, absl::CivilDay day,
    const domain::RatingTrigger& trigger,
    std::vector<domain::RatingChange>* changes, int64_t* rewritten) {
  auto run = [&](absl::Span<const int64_t> part, RatingUpdates* updates) {
    absl::Status status = db_.RunInTransaction([&](Transaction& tx) {
      updates->Clear();
      return writer_.Recompute(tx, part, day, trigger, updates, nullptr,
                               RatableColumns::kRating);
    });
    if (status.ok()) writer_.Committed(*updates);
    return status;
  };
  // The page in slices of up to 250 enterprises, each its own transaction,
  // taken in turn by up to four threads, each with its own connection: while
  // one slice's records are read in MariaDB another is rated here and a
  // third writes, so both cores work. Slices rather than one part per
  // thread: parts that start together read together and then queue
  // together for the change feed's counter (their writes take it, in turn,
  // to the commit); slices taken as threads come free fall out of step, and
  // a page of 5,000 has one wait for its slowest thread, not twenty.
  // Each thread has at least 100 enterprises (fewer gain nothing: 200 make
  // two threads, 400 four), and threads never outnumber half the pool's
  // connections (they would wait for each other's).
  constexpr size_t kMinPart = 100;
  constexpr size_t kMaxThreads = 4;
  constexpr size_t kMaxSlice = 250;
  const size_t threads = std::max<size_t>(
      1, std::min({kMaxThreads, ids.size() / kMinPart,
                   static_cast<size_t>(std::max(db_.config().pool_size / 2, 1))}));
  const size_t slice = std::max<size_t>(
      1, std::min(kMaxSlice, (ids.size() + threads - 1) / threads));
  const size_t slices = (ids.size() + slice - 1) / slice;
  std::vector<RatingUpdates> updates(slices);
  std::vector<absl::Status> statuses(slices);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  const auto work = [&] {
    // After a failure no new slice starts: the job reports it, and running
    // the job again completes the page.
    while (!failed.load()) {
      const size_t k = next.fetch_add(1);
      if (k >= slices) return;
      statuses[k] = run(ids.subspan(k * slice, slice), &updates[k]);
      if (!statuses[k].ok()) failed.store(true);
    }
  };
  std::vector<std::thread> others;
  for (size_t t = 1; t < threads; ++t) others.emplace_back(work);
  work();
  for (std::thread& t : others) t.join();
  for (RatingUpdates& u : updates) {
    if (rewritten != nullptr) *rewritten += static_cast<int64_t>(u.ratings.size());
    changes->insert(changes->end(), std::make_move_iterator(u.changes.begin()),
                    std::make_move_iterator(u.changes.end()));
  }
  for (const absl::Status& status : statuses) RETURN_IF_ERROR(status);
  return absl::OkStatus();
}

absl::StatusOr<RollStats> MysqlRatingRepository::Roll(absl::CivilDay day,
                                                      int chunk) {
  RollStats stats;
  domain::RatingTrigger trigger{domain::RatingChangeCause::kTimePassed, "",
                                absl::StrCat("time passed (daily roll to ",
                                             DayText(day), ")")};
  // Each pass takes the first `chunk` due ratings; a re-rated row is no
  // longer due (its valid_until is after `day`, or it has none), so the
  // passes end. The guard stops a loop if that ever failed to hold.
  for (int pass = 0; pass < 1000000; ++pass) {
    std::vector<int64_t> ids;
    RETURN_IF_ERROR(db_.RunInTransaction(
        [&](Transaction& tx) -> absl::Status {
          ids.clear();
          ASSIGN_OR_RETURN(
              std::vector<Row> rows,
              tx.Query("SELECT enterprise_id FROM ratings WHERE valid_until "
                       "<= ? AND as_of < ? ORDER BY valid_until, "
                       "enterprise_id LIMIT ?",
                       {DayText(day), DayText(day), chunk}));
          for (const Row& row : rows) ids.push_back(row.GetInt64(0));
          return absl::OkStatus();
        },
        TxMode::kReadOnly));
    if (ids.empty()) return stats;
    std::vector<RatingChange> changes;
    int64_t rewritten = 0;
    RETURN_IF_ERROR(RecomputeBulk(ids, day, trigger, &changes, &rewritten));
    stats.examined += static_cast<int64_t>(ids.size());
    stats.changed += static_cast<int64_t>(changes.size());
    for (const RatingChange& c : changes) {
      stats.level_changes += c.level_changed() ? 1 : 0;
    }
    if (rewritten == 0) {
      return absl::InternalError(
          "daily roll: due ratings were not rewritten; stopping");
    }
  }
  return stats;
}

absl::StatusOr<RescoreStats> MysqlRatingRepository::RescorePage(
    int64_t after_enterprise_id, int limit, bool count_total) {
  RescoreStats stats;
  std::vector<int64_t> ids;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ids.clear();
        ASSIGN_OR_RETURN(std::vector<Row> rows,
                         tx.Query("SELECT id FROM enterprises WHERE id > ? "
                                  "ORDER BY id LIMIT ?",
                                  {after_enterprise_id, limit}));
        for (const Row& row : rows) ids.push_back(row.GetInt64(0));
        if (count_total) {
          ASSIGN_OR_RETURN(std::optional<Row> total,
                           tx.QueryRow("SELECT COUNT(*) FROM enterprises"));
          stats.total = total ? total->GetInt64(0) : 0;
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  stats.last_enterprise_id = ids.empty() ? after_enterprise_id : ids.back();
  stats.done = static_cast<int>(ids.size()) < limit;
  if (ids.empty()) return stats;
  std::vector<RatingChange> changes;
  RETURN_IF_ERROR(RecomputeBulk(
      ids, writer_.Today(),
      domain::RatingTrigger{domain::RatingChangeCause::kRescored, "",
                            "rescored from the records"},
      &changes));
  stats.rescored = static_cast<int64_t>(ids.size());
  stats.changed = static_cast<int64_t>(changes.size());
  for (const RatingChange& c : changes) {
    stats.level_changes += c.level_changed() ? 1 : 0;
  }
  return stats;
}

absl::StatusOr<int64_t> MysqlRatingRepository::BackfillMissing(
    int chunk, const std::function<bool()>& stop) {
  int64_t total = 0;
  // Resume after the last id seen, so each page reads only new rows (from
  // the start every time, the scan grew with each page: quadratic).
  int64_t after = 0;
  for (;;) {
    if (stop && stop()) return total;
    std::vector<int64_t> ids;
    RETURN_IF_ERROR(db_.RunInTransaction(
        [&](Transaction& tx) -> absl::Status {
          ids.clear();
          ASSIGN_OR_RETURN(
              std::vector<Row> rows,
              tx.Query("SELECT e.id FROM enterprises e LEFT JOIN ratings r ON "
                       "r.enterprise_id = e.id WHERE e.id > ? AND "
                       "r.enterprise_id IS NULL ORDER BY e.id LIMIT ?",
                       {after, chunk}));
          for (const Row& row : rows) ids.push_back(row.GetInt64(0));
          return absl::OkStatus();
        },
        TxMode::kReadOnly));
    if (ids.empty()) return total;
    after = ids.back();
    std::vector<RatingChange> changes;
    RETURN_IF_ERROR(RecomputeBulk(
        ids, writer_.Today(),
        domain::RatingTrigger{domain::RatingChangeCause::kEnterpriseRegistered,
                              "", "first rating"},
        &changes));
    total += static_cast<int64_t>(ids.size());
  }
}

}  // namespace envcredit::storage
