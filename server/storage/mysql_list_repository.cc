#include "server/storage/mysql_list_repository.h"

#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "server/domain/list_rules.h"
#include "server/domain/records.h"
#include "server/storage/mysql_audit_log.h"
#include "server/storage/request_log.h"
#include "server/storage/rows.h"

namespace envcredit::storage {
namespace {

using domain::ListEntry;
using domain::ListKind;
using domain::Publication;
using domain::PublicationState;
using domain::Removal;

constexpr size_t kChunk = 500;
// Enterprises a proposal reads and judges at a time. Each of the records
// query's IN lists holds this many ids: from 1,000 values on MariaDB turns
// an IN list into a subquery over a table value constructor
// (in_predicate_conversion_threshold), which made the read of 1,000 black
// candidates take 0.19-0.30 s against 0.07-0.10 s for 999 (mariadb client,
// 200,000 enterprises). A whole proposal did not measurably change (its CPU
// is spread over reading, judging and writing the entries:
// doc/benchmarks.md "Lists at a million").
constexpr int kExamineChunk = 500;
// Connections a proposal reads with at once (the pool must have more).
constexpr int kExamineThreads = 2;

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// Reasons are stored one per line, fields separated by tabs.
std::string EncodeReasons(const std::vector<domain::ListReason>& reasons) {
  std::vector<std::string> lines;
  for (const domain::ListReason& r : reasons) {
    lines.push_back(absl::StrCat(r.kind, "\t", r.reference, "\t", r.authority, "\t",
                                 DayText(r.date), "\t", r.points, "\t", r.description));
  }
  return absl::StrJoin(lines, "\n");
}

std::vector<domain::ListReason> DecodeReasons(const std::string& text) {
  std::vector<domain::ListReason> out;
  if (text.empty()) return out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    f.resize(6);
    domain::ListReason r;
    r.kind = f[0];
    r.reference = f[1];
    r.authority = f[2];
    absl::ParseCivilTime(f[3], &r.date);
    absl::SimpleAtoi(f[4], &r.points);
    r.description = f[5];
    out.push_back(std::move(r));
  }
  return out;
}

#define ENVCREDIT_PUBLICATION_COLUMNS                                          \
  "id, list_kind, state, as_of, number, previous_id, policy_id, "              \
  "policy_version, notice_start, notice_end, entry_count, added_count, "       \
  "unchanged_count, removed_count, content_sha256, previous_content_sha256, " \
  "create_time, publish_time"

absl::StatusOr<Publication> RowToPublication(const Row& row) {
  Publication p;
  p.id = row.GetInt64(0);
  p.list = static_cast<ListKind>(row.GetInt64(1));
  p.state = static_cast<PublicationState>(row.GetInt64(2));
  ASSIGN_OR_RETURN(p.as_of, DayOf(row, 3));
  p.number = row.GetInt64(4);
  p.previous_id = row.GetInt64(5);
  p.policy_id = row.GetString(6);
  p.policy_version = static_cast<int>(row.GetInt64(7));
  ASSIGN_OR_RETURN(p.notice_start, OptionalDayOf(row, 8));
  ASSIGN_OR_RETURN(p.notice_end, OptionalDayOf(row, 9));
  p.entry_count = static_cast<int>(row.GetInt64(10));
  p.added_count = static_cast<int>(row.GetInt64(11));
  p.unchanged_count = static_cast<int>(row.GetInt64(12));
  p.removed_count = static_cast<int>(row.GetInt64(13));
  p.content_sha256 = row.GetString(14);
  p.previous_content_sha256 = row.GetString(15);
  ASSIGN_OR_RETURN(p.create_time, row.GetTime(16));
  if (!row.IsNull(17)) {
    ASSIGN_OR_RETURN(absl::Time t, row.GetTime(17));
    p.publish_time = t;
  }
  return p;
}

absl::StatusOr<Publication> ReadPublication(Session& s, ListKind list, int64_t id,
                                            bool for_update) {
  ASSIGN_OR_RETURN(std::optional<Row> row,
                   s.QueryRow(absl::StrCat("SELECT " ENVCREDIT_PUBLICATION_COLUMNS
                                           " FROM publications WHERE id = ? AND "
                                           "list_kind = ?",
                                           for_update ? " FOR UPDATE" : ""),
                              {id, static_cast<int>(list)}));
  if (!row) return domain::PublicationNotFound(list, id);
  return RowToPublication(*row);
}

absl::StatusOr<std::optional<Publication>> ReadLatestPublished(Session& s, ListKind list) {
  ASSIGN_OR_RETURN(std::optional<Row> row,
                   s.QueryRow("SELECT " ENVCREDIT_PUBLICATION_COLUMNS
                              " FROM publications WHERE list_kind = ? AND number "
                              "IS NOT NULL ORDER BY number DESC LIMIT 1",
                              {static_cast<int>(list)}));
  if (!row) return std::optional<Publication>();
  ASSIGN_OR_RETURN(Publication p, RowToPublication(*row));
  return std::optional<Publication>(std::move(p));
}

// An entry's columns as stored (INSERT), and as read from `publication_entries
// e` (ENVCREDIT_ENTRY_COLUMNS_BUT_NOTICE, then '' for the notice) or from
// ENVCREDIT_ENTRIES_WITH_NOTICES (ENVCREDIT_ENTRY_COLUMNS): a black-list
// entry's notice is a row of publication_notices, written when the notice
// starts (WriteNotices), so the entry rows are never rewritten.
#define ENVCREDIT_ENTRY_STORED_COLUMNS                                         \
  "credit_code, enterprise_id, enterprise_name, legal_representative, "       \
  "region_code, level, points, reasons, listing_date, earliest_repair_date, " \
  "expiry_date, change_kind"
#define ENVCREDIT_ENTRY_COLUMNS_BUT_NOTICE                                          \
  "e.credit_code, e.enterprise_id, e.enterprise_name, e.legal_representative, "    \
  "e.region_code, e.level, e.points, e.reasons, e.listing_date, "                  \
  "e.earliest_repair_date, e.expiry_date, e.change_kind"
#define ENVCREDIT_ENTRY_COLUMNS ENVCREDIT_ENTRY_COLUMNS_BUT_NOTICE ", n.notice_text"
#define ENVCREDIT_ENTRIES_WITH_NOTICES                                        \
  "publication_entries e LEFT JOIN publication_notices n ON "                 \
  "n.publication_id = e.publication_id AND n.credit_code = e.credit_code"

absl::StatusOr<ListEntry> RowToEntry(const Row& row) {
  ListEntry e;
  e.credit_code = row.GetString(0);
  e.enterprise_id = row.GetInt64(1);
  e.enterprise_name = row.GetString(2);
  e.legal_representative = row.GetString(3);
  e.region_code = row.GetString(4);
  e.level = static_cast<scoring::Level>(row.GetInt64(5));
  e.points = static_cast<int>(row.GetInt64(6));
  e.reasons = DecodeReasons(row.GetString(7));
  ASSIGN_OR_RETURN(e.listing_date, DayOf(row, 8));
  ASSIGN_OR_RETURN(e.earliest_repair_date, OptionalDayOf(row, 9));
  ASSIGN_OR_RETURN(e.expiry_date, OptionalDayOf(row, 10));
  e.change = static_cast<domain::EntryChange>(row.GetInt64(11));
  e.notice_text = row.GetString(12);
  return e;
}

#define ENVCREDIT_REMOVAL_COLUMNS \
  "credit_code, enterprise_id, enterprise_name, reason, detail"

Removal RowToRemoval(const Row& row) {
  return Removal{row.GetInt64(1), row.GetString(0), row.GetString(2),
                 static_cast<domain::RemovalReason>(row.GetInt64(3)), row.GetString(4)};
}

// Every entry and removal of `p`. Without `notices` the entries' notice
// texts (a page each, most of a black list's bytes) are left empty: the
// canonical content, a proposal's comparison and the feed do not use them.
absl::Status ReadEntries(Session& s, Publication& p, bool notices = true) {
  p.entries.clear();
  p.removals.clear();
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   s.Query(notices ? "SELECT " ENVCREDIT_ENTRY_COLUMNS
                                     " FROM " ENVCREDIT_ENTRIES_WITH_NOTICES
                                     " WHERE e.publication_id = ? ORDER BY e.credit_code"
                                   : "SELECT " ENVCREDIT_ENTRY_COLUMNS_BUT_NOTICE
                                     ", '' FROM publication_entries e WHERE "
                                     "e.publication_id = ? ORDER BY e.credit_code",
                           {p.id}));
  p.entries.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(ListEntry e, RowToEntry(row));
    p.entries.push_back(std::move(e));
  }
  ASSIGN_OR_RETURN(rows, s.Query("SELECT " ENVCREDIT_REMOVAL_COLUMNS
                                 " FROM publication_removals WHERE "
                                 "publication_id = ? ORDER BY credit_code",
                                 {p.id}));
  for (const Row& row : rows) p.removals.push_back(RowToRemoval(row));
  return absl::OkStatus();
}

// Publication `id` of `list`, with its rows when `with_entries` (their
// notice texts only with `notices`), in one read-only transaction.
absl::StatusOr<Publication> ReadOne(Database& db, ListKind list, int64_t id,
                                    bool with_entries, bool notices) {
  Publication result;
  RETURN_IF_ERROR(db.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(result, ReadPublication(tx, list, id, false));
        if (with_entries) RETURN_IF_ERROR(ReadEntries(tx, result, notices));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

// A proposal's entries, kChunk to a statement. They have no notice yet
// (WriteNotices writes them when the notice starts).
absl::Status InsertEntries(Transaction& tx, int64_t publication_id,
                           const std::vector<ListEntry>& entries) {
  for (size_t start = 0; start < entries.size(); start += kChunk) {
    const size_t n = std::min(kChunk, entries.size() - start);
    std::vector<SqlValue> params;
    params.reserve(n * 13);
    for (size_t i = start; i < start + n; ++i) {
      const ListEntry& e = entries[i];
      for (SqlValue v : std::initializer_list<SqlValue>{
               publication_id, e.credit_code, e.enterprise_id, e.enterprise_name,
               e.legal_representative, e.region_code, static_cast<int>(e.level),
               e.points, EncodeReasons(e.reasons), DayText(e.listing_date),
               OptionalDay(e.earliest_repair_date), OptionalDay(e.expiry_date),
               static_cast<int>(e.change)}) {
        params.push_back(std::move(v));
      }
    }
    RETURN_IF_ERROR(tx.Execute(absl::StrCat("INSERT INTO publication_entries "
                                            "(publication_id, " ENVCREDIT_ENTRY_STORED_COLUMNS
                                            ") VALUES ",
                                            Placeholders(n, 13)),
                               params)
                        .status());
  }
  return absl::OkStatus();
}

absl::Status InsertRemovals(Transaction& tx, int64_t publication_id,
                            const std::vector<Removal>& removals) {
  for (size_t start = 0; start < removals.size(); start += kChunk) {
    const size_t n = std::min(kChunk, removals.size() - start);
    std::vector<SqlValue> params;
    for (size_t i = start; i < start + n; ++i) {
      const Removal& r = removals[i];
      for (SqlValue v : std::initializer_list<SqlValue>{
               publication_id, r.credit_code, r.enterprise_id, r.enterprise_name,
               static_cast<int>(r.reason), r.detail}) {
        params.push_back(std::move(v));
      }
    }
    RETURN_IF_ERROR(tx.Execute(absl::StrCat("INSERT INTO publication_removals "
                                            "(publication_id, credit_code, "
                                            "enterprise_id, enterprise_name, reason, "
                                            "detail) VALUES ",
                                            Placeholders(n, 6)),
                               params)
                        .status());
  }
  return absl::OkStatus();
}

// Each black-list entry's notice (告知), written in the caller's transaction:
// the entries are read a page at a time (keyset on the primary key, without
// notices) and their notices appended to publication_notices kChunk to a
// statement, in the same key order, so memory stays bounded, a list of
// 100,000 entries costs a few hundred statements, and no entry row is
// rewritten (an UPDATE of every entry with its text, the way this was first
// done, took most of the notice step's time: doc/benchmarks.md).
absl::Status WriteNotices(Transaction& tx, int64_t publication_id,
                          const scoring::Policy& policy, absl::CivilDay notice_end) {
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<Row> rows,
                     tx.Query("SELECT " ENVCREDIT_ENTRY_COLUMNS_BUT_NOTICE
                              ", '' FROM publication_entries e WHERE e.publication_id = ? AND "
                              "e.credit_code > ? ORDER BY e.credit_code LIMIT ?",
                              {publication_id, after, static_cast<int64_t>(kChunk)}));
    if (rows.empty()) return absl::OkStatus();
    std::vector<SqlValue> params;
    params.reserve(3 * rows.size());
    for (const Row& row : rows) {
      ASSIGN_OR_RETURN(ListEntry e, RowToEntry(row));
      params.emplace_back(publication_id);
      params.emplace_back(e.credit_code);
      params.emplace_back(domain::NoticeText(e, policy, notice_end));
      after = e.credit_code;
    }
    RETURN_IF_ERROR(tx.Execute(absl::StrCat("INSERT INTO publication_notices "
                                            "(publication_id, credit_code, notice_text) "
                                            "VALUES ",
                                            Placeholders(rows.size(), 3)),
                               params)
                        .status());
    if (rows.size() < kChunk) return absl::OkStatus();
  }
}

domain::Objection RowToObjection(const Row& row, ListKind list) {
  domain::Objection o;
  o.id = row.GetInt64(0);
  o.publication_id = row.GetInt64(1);
  o.list = list;
  o.credit_code = row.GetString(2);
  o.statement = row.GetString(3);
  o.state = static_cast<domain::ObjectionState>(row.GetInt64(4));
  o.decision_reason = row.GetString(5);
  if (auto t = row.GetTime(6); t.ok()) o.file_time = *t;
  if (!row.IsNull(7)) {
    if (auto t = row.GetTime(7); t.ok()) o.decide_time = *t;
  }
  if (!row.GetString(8).empty()) o.evidence = absl::StrSplit(row.GetString(8), '\n');
  return o;
}

#define ENVCREDIT_OBJECTION_COLUMNS                                             \
  "id, publication_id, credit_code, statement, state, decision_reason, file_time, " \
  "decide_time, evidence"

}  // namespace

// ----------------------------------------------------------------- propose

absl::StatusOr<std::vector<domain::ListCandidate>> MysqlListRepository::Examine(
    ListKind list, absl::CivilDay as_of, const std::vector<ListEntry>& previous,
    const std::vector<int64_t>& repaired) {
  const domain::RatingCalculator& calculator = ratings_.calculator();
  // Which enterprises to rate: on today, the stored ratings say who can be
  // on a list (plus any whose rating is due for the roll); on an earlier
  // day, everyone.
  std::set<int> levels;
  for (const auto& [id, policy] : calculator.catalog().policies) {
    if (list == ListKind::kHonorList && policy.honor_list) {
      levels.insert(static_cast<int>(policy.honor_list->level));
    }
    if (list == ListKind::kBlackList && policy.black_list) {
      levels.insert(static_cast<int>(policy.black_list->level));
    }
  }
  const bool today = as_of == ratings_.Today();
  std::vector<int64_t> ids;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ids.clear();
        std::vector<Row> rows;
        if (today && !levels.empty()) {
          std::vector<SqlValue> params;
          for (int level : levels) params.emplace_back(level);
          params.emplace_back(DayText(as_of));
          ASSIGN_OR_RETURN(rows, tx.Query(absl::StrCat("SELECT enterprise_id FROM "
                                                       "ratings WHERE level IN (",
                                                       Marks(levels.size()),
                                                       ") OR valid_until <= ?"),
                                          params));
        } else if (!today) {
          ASSIGN_OR_RETURN(rows, tx.Query("SELECT id FROM enterprises"));
        }
        for (const Row& row : rows) ids.push_back(row.GetInt64(0));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  absl::flat_hash_set<int64_t> listed;
  // Whose reasons the proposal may need (a new black-list entry's: the
  // decisions' numbers and authorities), and whose not: on the honour list
  // nobody's; on the black list not those of the previous entries that stay
  // as they are (domain::KeepsBlackEntry), which take only the current level
  // and points. Those are read as the bulk rating reads them
  // (RatableColumns::kRating: the decisions packed one row per enterprise,
  // from the scoring index alone) — the same records but their references,
  // so the same rating.
  absl::flat_hash_set<int64_t> without_references;
  const absl::flat_hash_set<int64_t> repaired_ids(repaired.begin(), repaired.end());
  for (const ListEntry& e : previous) {
    listed.insert(e.enterprise_id);
    ids.push_back(e.enterprise_id);
    if (list == ListKind::kBlackList &&
        domain::KeepsBlackEntry(e, as_of, repaired_ids.contains(e.enterprise_id))) {
      without_references.insert(e.enterprise_id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<int64_t> with_refs;
  std::vector<int64_t> packed;
  for (int64_t id : ids) {
    (list == ListKind::kHonorList || without_references.contains(id) ? packed : with_refs)
        .push_back(id);
  }

  // Chunks of kExamineChunk enterprises, each read (its records in one
  // statement, or two when packed) and judged on its own: kExamineThreads
  // workers take the next chunk in turn, so the database reads one chunk
  // while the server rates another. The result is in id order.
  struct Job {
    absl::Span<const int64_t> ids;
    RatableColumns columns;
  };
  std::vector<Job> jobs;
  for (const auto& [part, columns] :
       {std::pair<const std::vector<int64_t>*, RatableColumns>{&with_refs,
                                                               RatableColumns::kWithReferences},
        {&packed, RatableColumns::kRating}}) {
    for (size_t start = 0; start < part->size(); start += kExamineChunk) {
      jobs.push_back({absl::MakeConstSpan(*part).subspan(start, kExamineChunk), columns});
    }
  }
  const size_t chunks = jobs.size();
  std::vector<std::vector<domain::ListCandidate>> judged(chunks);
  std::vector<absl::Status> failed(chunks);
  std::atomic<size_t> next{0};
  auto work = [&]() {
    for (size_t k = next++; k < chunks; k = next++) {
      const absl::Span<const int64_t> chunk = jobs[k].ids;
      const RatableColumns columns = jobs[k].columns;
      std::vector<domain::ListCandidate>& batch = judged[k];
      failed[k] = db_.RunInTransaction(
          [&](Transaction& tx) -> absl::Status {
            batch.clear();
            ASSIGN_OR_RETURN(
                std::vector<Row> rows,
                tx.Query(absl::StrCat("SELECT id, credit_code, display_name, "
                                      "legal_representative, region_code FROM "
                                      "enterprises WHERE id IN (",
                                      Marks(chunk.size()), ") ORDER BY id"),
                         std::vector<SqlValue>(chunk.begin(), chunk.end())));
            ASSIGN_OR_RETURN(auto records, LoadScoringRecords(tx, chunk, columns));
            for (const Row& row : rows) {
              domain::ListCandidate c;
              c.enterprise_id = row.GetInt64(0);
              c.credit_code = row.GetString(1);
              c.enterprise_name = row.GetString(2);
              c.legal_representative = row.GetString(3);
              c.region_code = row.GetString(4);
              c.policy = &calculator.PolicyFor(c.region_code);
              auto it = records.find(c.enterprise_id);
              if (it != records.end()) c.records = std::move(it->second);
              RETURN_IF_ERROR(domain::JudgeCandidate(&c, as_of));
              const bool meets = list == ListKind::kBlackList ? c.check.black_list
                                                              : c.check.honor_list;
              // Keep only what the proposal needs: who meets, who was listed.
              if (meets || listed.contains(c.enterprise_id)) batch.push_back(std::move(c));
            }
            return absl::OkStatus();
          },
          TxMode::kReadOnly);
      if (!failed[k].ok()) next = chunks;  // the others stop at their next chunk
    }
  };
  std::vector<std::thread> workers;
  for (int w = 1; w < kExamineThreads && static_cast<size_t>(w) < chunks; ++w) {
    workers.emplace_back(work);
  }
  work();
  for (std::thread& t : workers) t.join();
  std::vector<domain::ListCandidate> out;
  for (size_t k = 0; k < chunks; ++k) {
    RETURN_IF_ERROR(failed[k]);
    for (auto& c : judged[k]) out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const domain::ListCandidate& a, const domain::ListCandidate& b) {
              return a.enterprise_id < b.enterprise_id;
            });
  return out;
}

absl::StatusOr<Publication> MysqlListRepository::Propose(
    ListKind list, absl::CivilDay as_of, const domain::RequestKey& key,
    const domain::AuditContext& audit) {
  // The rating of every candidate is computed outside the write transaction
  // (it reads a great deal); the draft is then stored in one transaction.
  std::optional<Publication> previous;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(previous, ReadLatestPublished(tx, list));
        if (previous) RETURN_IF_ERROR(ReadEntries(tx, *previous, /*notices=*/false));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  const std::vector<ListEntry> no_entries;
  const std::vector<ListEntry>& previous_entries = previous ? previous->entries : no_entries;
  // The granted repairs not yet consumed, read before the candidates:
  // Examine reads the records of the entries that stay without their
  // references, and which stay depends on them.
  std::vector<int64_t> repaired;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        repaired.clear();
        ASSIGN_OR_RETURN(std::vector<Row> rows,
                         tx.Query("SELECT enterprise_id FROM list_repairs WHERE "
                                  "list_kind = ? AND consumed_by IS NULL",
                                  {static_cast<int>(list)}));
        for (const Row& row : rows) repaired.push_back(row.GetInt64(0));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  ASSIGN_OR_RETURN(std::vector<domain::ListCandidate> examined,
                   Examine(list, as_of, previous_entries, repaired));
  domain::Proposal proposal =
      domain::BuildProposal(list, as_of, previous_entries, examined, repaired);
  const scoring::Policy& policy = ratings_.calculator().DefaultPolicy();

  Publication result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Replay replay, ClaimRequestId(tx, key, "ProposePublication", ""));
    if (replay.seen) {
      ASSIGN_OR_RETURN(result, ReadPublication(tx, list,
                                               domain::IdOfRecordName(replay.resource_name),
                                               false));
      return AuditWrite(tx, audit, replay.resource_name);
    }
    ASSIGN_OR_RETURN(std::optional<Row> open_row,
                     tx.QueryRow("SELECT " ENVCREDIT_PUBLICATION_COLUMNS
                                 " FROM publications WHERE open_list = ? FOR UPDATE",
                                 {static_cast<int>(list)}));
    std::optional<Publication> open;
    if (open_row) {
      ASSIGN_OR_RETURN(open, RowToPublication(*open_row));
    }
    RETURN_IF_ERROR(domain::CheckCanPropose(open));
    if (open) {  // a DRAFT: superseded
      RETURN_IF_ERROR(tx.Execute("UPDATE publications SET state = ?, open_list = NULL "
                                 "WHERE id = ?",
                                 {static_cast<int>(PublicationState::kSuperseded), open->id})
                          .status());
    }
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO publications (list_kind, state, open_list, as_of, "
                   "previous_id, policy_id, policy_version, entry_count, "
                   "added_count, unchanged_count, removed_count, create_time) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
                   {static_cast<int>(list), static_cast<int>(PublicationState::kDraft),
                    static_cast<int>(list), DayText(as_of),
                    previous ? SqlValue(previous->id) : SqlValue(nullptr), policy.id,
                    policy.version, static_cast<int64_t>(proposal.entries.size()),
                    proposal.added, proposal.unchanged,
                    static_cast<int64_t>(proposal.removals.size())})
            .status());
    ASSIGN_OR_RETURN(int64_t id, tx.LastInsertId());
    RETURN_IF_ERROR(InsertEntries(tx, id, proposal.entries));
    RETURN_IF_ERROR(InsertRemovals(tx, id, proposal.removals));
    const std::string name = domain::PublicationName(list, id);
    RETURN_IF_ERROR(SetReplayResource(tx, key, name));
    ASSIGN_OR_RETURN(result, ReadPublication(tx, list, id, false));
    return AuditWrite(tx, audit, name);
  }));
  return result;
}

// --------------------------------------------------------------- reading

absl::StatusOr<Publication> MysqlListRepository::Get(ListKind list, int64_t id,
                                                     bool with_entries) {
  return ReadOne(db_, list, id, with_entries, /*notices=*/true);
}

absl::StatusOr<Publication> MysqlListRepository::GetWithoutNotices(ListKind list,
                                                                   int64_t id) {
  return ReadOne(db_, list, id, /*with_entries=*/true, /*notices=*/false);
}

absl::StatusOr<domain::PublicationRowsPage> MysqlListRepository::RowsOf(
    ListKind list, int64_t id, domain::PublicationRows which,
    absl::string_view after_credit_code, int limit, bool notices) {
  RETURN_IF_ERROR(CheckLimit(limit));
  const bool entries = which == domain::PublicationRows::kEntries;
  const char* const sql =
      !entries ? "SELECT " ENVCREDIT_REMOVAL_COLUMNS
                 " FROM publication_removals WHERE publication_id = ? AND "
                 "credit_code > ? ORDER BY credit_code LIMIT ?"
      : notices ? "SELECT " ENVCREDIT_ENTRY_COLUMNS " FROM " ENVCREDIT_ENTRIES_WITH_NOTICES
                  " WHERE e.publication_id = ? AND e.credit_code > ? ORDER BY "
                  "e.credit_code LIMIT ?"
                : "SELECT " ENVCREDIT_ENTRY_COLUMNS_BUT_NOTICE
                  ", '' FROM publication_entries e WHERE e.publication_id = ? AND "
                  "e.credit_code > ? ORDER BY e.credit_code LIMIT ?";
  domain::PublicationRowsPage page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        page = domain::PublicationRowsPage();
        RETURN_IF_ERROR(ReadPublication(tx, list, id, false).status());
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query(sql,
                     {id, after_credit_code, limit + 1}));
        page.has_more = static_cast<int>(rows.size()) > limit;
        if (page.has_more) rows.erase(rows.begin() + limit, rows.end());
        for (const Row& row : rows) {
          if (entries) {
            ASSIGN_OR_RETURN(ListEntry e, RowToEntry(row));
            page.entries.push_back(std::move(e));
          } else {
            page.removals.push_back(RowToRemoval(row));
          }
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

absl::StatusOr<Publication> MysqlListRepository::Latest(ListKind list,
                                                        bool with_entries) {
  Publication result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<Publication> latest, ReadLatestPublished(tx, list));
        if (!latest) {
          return MakeError(absl::StatusCode::kNotFound, "PUBLICATION_NOT_FOUND",
                           absl::StrCat("lists/", domain::ListSlug(list),
                                        " was never published"));
        }
        result = *std::move(latest);
        if (with_entries) RETURN_IF_ERROR(ReadEntries(tx, result));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::StatusOr<PublicationPage> MysqlListRepository::List(
    ListKind list, domain::PublicationFilter filter, int64_t before_id, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  PublicationPage page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        page = PublicationPage();
        std::string sql = "SELECT " ENVCREDIT_PUBLICATION_COLUMNS
                          " FROM publications WHERE list_kind = ?";
        std::vector<SqlValue> params = {static_cast<int>(list)};
        if (filter.published_only) sql += " AND number IS NOT NULL";
        if (filter.public_only) {
          sql += " AND state IN (?, ?)";
          params.emplace_back(static_cast<int>(PublicationState::kNotice));
          params.emplace_back(static_cast<int>(PublicationState::kPublished));
        }
        if (before_id > 0) {
          sql += " AND id < ?";
          params.emplace_back(before_id);
        }
        sql += " ORDER BY id DESC LIMIT ?";
        params.emplace_back(limit + 1);
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
        page.has_more = static_cast<int>(rows.size()) > limit;
        if (page.has_more) rows.erase(rows.begin() + limit, rows.end());
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(Publication p, RowToPublication(row));
          page.publications.push_back(std::move(p));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

// ---------------------------------------------------------------- notice

absl::StatusOr<Publication> MysqlListRepository::StartNotice(
    ListKind list, int64_t id, const domain::RequestKey& key,
    const domain::AuditContext& audit) {
  const std::string name = domain::PublicationName(list, id);
  const absl::CivilDay today = ratings_.Today();
  const scoring::Policy& policy = ratings_.calculator().DefaultPolicy();
  Publication result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Replay replay, ClaimRequestId(tx, key, "StartNotice", name));
    ASSIGN_OR_RETURN(Publication p, ReadPublication(tx, list, id, true));
    domain::ListStep step = domain::ListStep::kAlreadyDone;  // a replay: as it is
    if (!replay.seen) {
      ASSIGN_OR_RETURN(step, domain::CheckStartNotice(p));
    }
    if (step == domain::ListStep::kApply) {
      const absl::CivilDay end = domain::NoticeEnd(today, policy);
      RETURN_IF_ERROR(tx.Execute("UPDATE publications SET state = ?, notice_start = "
                                 "?, notice_end = ? WHERE id = ?",
                                 {static_cast<int>(PublicationState::kNotice),
                                  DayText(today), DayText(end), id})
                          .status());
      if (list == ListKind::kBlackList) {
        RETURN_IF_ERROR(WriteNotices(tx, id, policy, end));
      }
    }
    ASSIGN_OR_RETURN(result, ReadPublication(tx, list, id, false));
    return AuditWrite(tx, audit, name);
  }));
  return result;
}

absl::StatusOr<domain::Objection> MysqlListRepository::FileObjection(
    ListKind list, int64_t publication_id, const std::string& credit_code,
    const std::string& statement, const std::vector<std::string>& evidence,
    const domain::RequestKey& key, const domain::AuditContext& audit) {
  const std::string name = domain::PublicationName(list, publication_id);
  const absl::CivilDay today = ratings_.Today();
  domain::Objection result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Replay replay, ClaimRequestId(tx, key, "FileObjection", ""));
    int64_t objection_id = 0;
    if (replay.seen) {
      objection_id = domain::IdOfRecordName(replay.resource_name);
    } else {
      ASSIGN_OR_RETURN(Publication p, ReadPublication(tx, list, publication_id, true));
      ASSIGN_OR_RETURN(std::optional<Row> entry,
                       tx.QueryRow("SELECT 1 FROM publication_entries WHERE "
                                   "publication_id = ? AND credit_code = ?",
                                   {publication_id, credit_code}));
      RETURN_IF_ERROR(
          domain::CheckCanFileObjection(p, credit_code, entry.has_value(), today));
      RETURN_IF_ERROR(tx.Execute("INSERT INTO objections (publication_id, "
                                 "credit_code, statement, state, file_time, evidence) "
                                 "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), ?)",
                                 {publication_id, credit_code, statement,
                                  static_cast<int>(domain::ObjectionState::kPending),
                                  absl::StrJoin(evidence, "\n")})
                          .status());
      ASSIGN_OR_RETURN(objection_id, tx.LastInsertId());
      RETURN_IF_ERROR(SetReplayResource(
          tx, key, domain::ObjectionName(list, publication_id, objection_id)));
    }
    ASSIGN_OR_RETURN(std::optional<Row> row,
                     tx.QueryRow("SELECT " ENVCREDIT_OBJECTION_COLUMNS
                                 " FROM objections WHERE id = ?",
                                 {objection_id}));
    if (!row) return absl::InternalError("objection not found after insert");
    result = RowToObjection(*row, list);
    return AuditWrite(tx, audit, domain::ObjectionName(list, publication_id, objection_id));
  }));
  return result;
}

absl::StatusOr<domain::Objection> MysqlListRepository::DecideObjection(
    ListKind list, int64_t publication_id, int64_t objection_id, bool upheld,
    const std::string& reason, const domain::RequestKey& key,
    const domain::AuditContext& audit) {
  const std::string name = domain::ObjectionName(list, publication_id, objection_id);
  domain::Objection result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Replay replay, ClaimRequestId(tx, key, "DecideObjection", name));
    ASSIGN_OR_RETURN(Publication p, ReadPublication(tx, list, publication_id, true));
    ASSIGN_OR_RETURN(std::optional<Row> row,
                     tx.QueryRow("SELECT " ENVCREDIT_OBJECTION_COLUMNS
                                 " FROM objections WHERE id = ? AND publication_id = ?",
                                 {objection_id, publication_id}));
    if (!row) {
      return MakeError(absl::StatusCode::kNotFound, "OBJECTION_NOT_FOUND",
                       absl::StrCat(name, " does not exist"));
    }
    domain::Objection o = RowToObjection(*row, list);
    if (!replay.seen) {
      RETURN_IF_ERROR(domain::CheckCanDecideObjection(p, o));
      RETURN_IF_ERROR(tx.Execute("UPDATE objections SET state = ?, decision_reason = "
                                 "?, decide_time = UTC_TIMESTAMP(6) WHERE id = ?",
                                 {static_cast<int>(upheld ? domain::ObjectionState::kUpheld
                                                          : domain::ObjectionState::kRejected),
                                  reason, objection_id})
                          .status());
      if (upheld) {
        // The entry leaves this publication, shown as a removal.
        ASSIGN_OR_RETURN(std::optional<Row> entry_row,
                         tx.QueryRow("SELECT " ENVCREDIT_ENTRY_COLUMNS
                                     " FROM " ENVCREDIT_ENTRIES_WITH_NOTICES
                                     " WHERE e.publication_id = ? AND e.credit_code = ? "
                                     "FOR UPDATE",
                                     {publication_id, o.credit_code}));
        if (entry_row) {
          ASSIGN_OR_RETURN(ListEntry e, RowToEntry(*entry_row));
          // Its notice goes with it (0014_publication_notices.sql).
          RETURN_IF_ERROR(tx.Execute("DELETE FROM publication_notices WHERE "
                                     "publication_id = ? AND credit_code = ?",
                                     {publication_id, o.credit_code})
                              .status());
          RETURN_IF_ERROR(tx.Execute("DELETE FROM publication_entries WHERE "
                                     "publication_id = ? AND credit_code = ?",
                                     {publication_id, o.credit_code})
                              .status());
          RETURN_IF_ERROR(InsertRemovals(tx, publication_id,
                                         {domain::UpheldObjectionRemoval(e, reason)}));
          const bool added = e.change == domain::EntryChange::kAdded;
          RETURN_IF_ERROR(tx.Execute("UPDATE publications SET entry_count = "
                                     "entry_count - 1, added_count = added_count - ?, "
                                     "unchanged_count = unchanged_count - ?, "
                                     "removed_count = removed_count + 1 WHERE id = ?",
                                     {added ? 1 : 0, added ? 0 : 1, publication_id})
                              .status());
        }
      }
      ASSIGN_OR_RETURN(row, tx.QueryRow("SELECT " ENVCREDIT_OBJECTION_COLUMNS
                                        " FROM objections WHERE id = ?",
                                        {objection_id}));
      o = RowToObjection(*row, list);
    }
    result = o;
    return AuditWrite(tx, audit, name);
  }));
  return result;
}

absl::StatusOr<std::vector<domain::Objection>> MysqlListRepository::ListObjections(
    ListKind list, int64_t publication_id) {
  std::vector<domain::Objection> result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        result.clear();
        RETURN_IF_ERROR(ReadPublication(tx, list, publication_id, false).status());
        ASSIGN_OR_RETURN(std::vector<Row> rows,
                         tx.Query("SELECT " ENVCREDIT_OBJECTION_COLUMNS
                                  " FROM objections WHERE publication_id = ? ORDER BY id",
                                  {publication_id}));
        for (const Row& row : rows) result.push_back(RowToObjection(row, list));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

// --------------------------------------------------------------- publish

absl::StatusOr<Publication> MysqlListRepository::Publish(
    ListKind list, int64_t id, const domain::RequestKey& key,
    const domain::AuditContext& audit) {
  const std::string name = domain::PublicationName(list, id);
  const absl::CivilDay today = ratings_.Today();
  Publication result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Replay replay, ClaimRequestId(tx, key, "PublishPublication", name));
    ASSIGN_OR_RETURN(Publication p, ReadPublication(tx, list, id, true));
    domain::ListStep step = domain::ListStep::kAlreadyDone;  // a replay: as it is
    if (!replay.seen) {
      ASSIGN_OR_RETURN(std::optional<Row> pending,
                       tx.QueryRow("SELECT COUNT(*) FROM objections WHERE "
                                   "publication_id = ? AND state = ?",
                                   {id, static_cast<int>(domain::ObjectionState::kPending)}));
      ASSIGN_OR_RETURN(step, domain::CheckPublish(p, pending ? pending->GetInt64(0) : 0,
                                                  today));
    }
    RETURN_IF_ERROR(AuditWrite(tx, audit, name));
    if (step == domain::ListStep::kApply) {
      ASSIGN_OR_RETURN(std::optional<Publication> previous, ReadLatestPublished(tx, list));
      domain::ChainAfter(previous, &p);
      RETURN_IF_ERROR(ReadEntries(tx, p, /*notices=*/false));
      p.content_sha256 =
          Sha256Hex(domain::CanonicalContent(p.Header(), p.entries, p.removals));
      RETURN_IF_ERROR(
          tx.Execute("UPDATE publications SET state = ?, open_list = NULL, number = "
                     "?, previous_id = ?, content_sha256 = ?, "
                     "previous_content_sha256 = ?, publish_time = UTC_TIMESTAMP(6) "
                     "WHERE id = ?",
                     {static_cast<int>(PublicationState::kPublished), p.number,
                      p.previous_id == 0 ? SqlValue(nullptr) : SqlValue(p.previous_id),
                      p.content_sha256, p.previous_content_sha256, id})
              .status());
      RETURN_IF_ERROR(tx.Execute("UPDATE list_repairs SET consumed_by = ? WHERE "
                                 "list_kind = ? AND consumed_by IS NULL AND "
                                 "enterprise_id IN (SELECT enterprise_id FROM "
                                 "publication_removals WHERE publication_id = ? AND "
                                 "reason = ?)",
                                 {id, static_cast<int>(list), id,
                                  static_cast<int>(domain::RemovalReason::kRepaired)})
                          .status());
      absl::flat_hash_set<std::string> previously_listed;
      if (previous) {
        ASSIGN_OR_RETURN(std::vector<Row> rows,
                         tx.Query("SELECT credit_code FROM publication_entries "
                                  "WHERE publication_id = ?",
                                  {previous->id}));
        for (const Row& row : rows) previously_listed.insert(row.GetString(0));
      }
      // The change feed (cursors last).
      std::vector<domain::ListChange> changes =
          domain::PublicationChanges(p, previously_listed);
      RETURN_IF_ERROR(AppendListChanges(tx, changes));
    }
    ASSIGN_OR_RETURN(result, ReadPublication(tx, list, id, false));
    return absl::OkStatus();
  }));
  return result;
}

// ------------------------------------------------------ entries and repair

absl::StatusOr<EntryPage> MysqlListRepository::Entries(ListKind list,
                                                       absl::string_view after_credit_code,
                                                       int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  EntryPage page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        page = EntryPage();
        ASSIGN_OR_RETURN(std::optional<Publication> latest, ReadLatestPublished(tx, list));
        if (!latest) return absl::OkStatus();
        page.publication_id = latest->id;
        ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            tx.Query("SELECT " ENVCREDIT_ENTRY_COLUMNS " FROM " ENVCREDIT_ENTRIES_WITH_NOTICES
                     " WHERE e.publication_id = ? AND "
                     "e.credit_code > ? AND NOT EXISTS (SELECT 1 FROM list_repairs "
                     "r WHERE r.list_kind = ? AND r.enterprise_id = e.enterprise_id "
                     "AND r.listing_date = e.listing_date) ORDER BY e.credit_code "
                     "LIMIT ?",
                     {latest->id, after_credit_code, static_cast<int>(list), limit + 1}));
        page.has_more = static_cast<int>(rows.size()) > limit;
        if (page.has_more) rows.erase(rows.begin() + limit, rows.end());
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(ListEntry e, RowToEntry(row));
          page.entries.push_back(std::move(e));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

// One point read by the key (publication_id, credit_code): the newest
// published publication is found by uk_publications_number in the same
// statement; no row when the list was never published.
absl::StatusOr<domain::CurrentEntry> MysqlListRepository::EntryOf(
    ListKind list, const std::string& credit_code) {
  domain::CurrentEntry result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::optional<Row> row,
            tx.QueryRow("SELECT " ENVCREDIT_ENTRY_COLUMNS ", e.publication_id"
                        " FROM " ENVCREDIT_ENTRIES_WITH_NOTICES " WHERE e.publication_id = "
                        "(SELECT id FROM publications WHERE list_kind = ? AND number "
                        "IS NOT NULL ORDER BY number DESC LIMIT 1) AND e.credit_code = ? "
                        "AND NOT EXISTS (SELECT 1 FROM list_repairs r WHERE "
                        "r.list_kind = ? AND r.enterprise_id = e.enterprise_id AND "
                        "r.listing_date = e.listing_date)",
                        {static_cast<int>(list), credit_code, static_cast<int>(list)}));
        if (!row) return domain::NotOnCurrentList(list, credit_code);
        ASSIGN_OR_RETURN(result.entry, RowToEntry(*row));
        result.publication_id = row->GetInt64(13);
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

namespace {

#define ENVCREDIT_REPAIR_COLUMNS                                                     \
  "a.id, a.credit_code, a.listing_date, a.rectification_date, a.penalty_performed, " \
  "a.commitment, a.note, a.state, a.applicant, a.apply_time, a.decide_time, "        \
  "a.decision_reason, r.grant_time FROM repair_applications a LEFT JOIN "            \
  "list_repairs r ON r.id = a.repair_id"

absl::StatusOr<domain::Repair> RowToRepair(const Row& row) {
  domain::Repair r;
  r.id = row.GetInt64(0);
  r.credit_code = row.GetString(1);
  ASSIGN_OR_RETURN(r.listing_date, DayOf(row, 2));
  ASSIGN_OR_RETURN(absl::CivilDay rectified, DayOf(row, 3));
  r.evidence.rectification_date = rectified;
  r.evidence.penalty_performed = row.GetInt64(4) != 0;
  r.evidence.commitment = row.GetString(5);
  r.evidence.note = row.GetString(6);
  r.state = static_cast<domain::RepairState>(row.GetInt64(7));
  r.applicant = row.GetString(8);
  ASSIGN_OR_RETURN(r.apply_time, row.GetTime(9));
  if (!row.IsNull(10)) {
    ASSIGN_OR_RETURN(absl::Time decided, row.GetTime(10));
    r.decide_time = decided;
  }
  r.decision_reason = row.GetString(11);
  if (!row.IsNull(12)) {
    ASSIGN_OR_RETURN(absl::Time granted, row.GetTime(12));
    r.grant_time = granted;
  }
  return r;
}

absl::StatusOr<domain::Repair> ReadRepair(Transaction& tx, int64_t id) {
  ASSIGN_OR_RETURN(std::optional<Row> row,
                   tx.QueryRow("SELECT " ENVCREDIT_REPAIR_COLUMNS " WHERE a.id = ?", {id}));
  if (!row) return absl::InternalError("repair application not found after writing it");
  return RowToRepair(*row);
}

// `credit_code`'s entry in the newest published black list, its enterprise
// locked (one repair decision at a time), and whether its listing was
// repaired already. NOT_FOUND (NotOnPublishedBlackList) when it has none.
struct LockedEntry {
  ListEntry entry;
  bool repaired = false;
};

absl::StatusOr<LockedEntry> LockPublishedBlackEntry(Transaction& tx,
                                                    const std::string& credit_code) {
  ASSIGN_OR_RETURN(std::optional<Publication> latest,
                   ReadLatestPublished(tx, ListKind::kBlackList));
  std::optional<Row> row;
  if (latest) {
    ASSIGN_OR_RETURN(row, tx.QueryRow("SELECT " ENVCREDIT_ENTRY_COLUMNS
                                      " FROM " ENVCREDIT_ENTRIES_WITH_NOTICES
                                      " WHERE e.publication_id = ? AND e.credit_code = ?",
                                      {latest->id, credit_code}));
  }
  if (!row) return domain::NotOnPublishedBlackList(credit_code);
  LockedEntry locked;
  ASSIGN_OR_RETURN(locked.entry, RowToEntry(*row));
  RETURN_IF_ERROR(tx.Query("SELECT id FROM enterprises WHERE id = ? FOR UPDATE",
                           {locked.entry.enterprise_id})
                      .status());
  ASSIGN_OR_RETURN(std::optional<Row> granted,
                   tx.QueryRow("SELECT id FROM list_repairs WHERE list_kind = ? AND "
                               "enterprise_id = ? AND listing_date = ?",
                               {static_cast<int>(ListKind::kBlackList),
                                locked.entry.enterprise_id,
                                DayText(locked.entry.listing_date)}));
  locked.repaired = granted.has_value();
  return locked;
}

// OK when `evidence` repairs `locked` today; FAILED_PRECONDITION naming
// every unmet condition otherwise (domain::CheckCanRepair).
absl::Status CheckRepair(Transaction& tx, const LockedEntry& locked,
                         const domain::RepairEvidence& evidence, absl::CivilDay today) {
  scoring::EnterpriseRecords records;
  if (!locked.repaired) {  // the records are read only when the check needs them
    const int64_t ids[] = {locked.entry.enterprise_id};
    ASSIGN_OR_RETURN(auto loaded, LoadScoringRecords(tx, ids));
    records = std::move(loaded[locked.entry.enterprise_id]);
  }
  return domain::CheckCanRepair(locked.entry, locked.repaired, evidence, records, today);
}

// Ends the listing: the grant row the next publication reads, and the
// feed event. Returns the grant's id.
absl::StatusOr<int64_t> GrantRepair(Transaction& tx, const ListEntry& entry,
                                    const domain::RepairEvidence& evidence,
                                    absl::CivilDay today) {
  RETURN_IF_ERROR(
      tx.Execute("INSERT INTO list_repairs (list_kind, enterprise_id, credit_code, "
                 "listing_date, rectification_date, penalty_performed, commitment, "
                 "note, grant_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6))",
                 {static_cast<int>(ListKind::kBlackList), entry.enterprise_id,
                  entry.credit_code, DayText(entry.listing_date),
                  DayText(*evidence.rectification_date), evidence.penalty_performed ? 1 : 0,
                  evidence.commitment, evidence.note})
          .status());
  ASSIGN_OR_RETURN(int64_t repair_id, tx.LastInsertId());
  std::vector<domain::ListChange> changes = {domain::RepairChange(entry.credit_code, today)};
  RETURN_IF_ERROR(AppendListChanges(tx, changes));
  return repair_id;
}

absl::Status PendingExists(const std::string& credit_code) {
  return MakeError(absl::StatusCode::kFailedPrecondition, "REPAIR_PENDING_EXISTS",
                   absl::StrCat(domain::ListEntryName(ListKind::kBlackList, credit_code),
                                ": an application for repair of this listing waits for "
                                "a regulator's decision"));
}

}  // namespace

absl::StatusOr<domain::Repair> MysqlListRepository::ApplyRepair(
    const std::string& credit_code, const domain::RepairEvidence& evidence,
    domain::RepairApplicant applicant, const domain::RequestKey& key,
    const domain::AuditContext& audit) {
  const std::string entry_name = domain::ListEntryName(ListKind::kBlackList, credit_code);
  const absl::CivilDay today = ratings_.Today();
  domain::Repair result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Replay replay, ClaimRequestId(tx, key, "ApplyRepair", entry_name));
    if (replay.seen) {  // a retry: the application as it is now
      ASSIGN_OR_RETURN(result, ReadRepair(tx, domain::IdOfRecordName(replay.resource_name)));
      return AuditWrite(tx, audit, entry_name);
    }
    ASSIGN_OR_RETURN(LockedEntry locked, LockPublishedBlackEntry(tx, credit_code));
    const bool at_once = applicant == domain::RepairApplicant::kRegulator;
    if (!at_once && !locked.repaired) {
      ASSIGN_OR_RETURN(std::optional<Row> waiting,
                       tx.QueryRow("SELECT id FROM repair_applications WHERE "
                                   "enterprise_id = ? AND pending_listing = ?",
                                   {locked.entry.enterprise_id,
                                    DayText(locked.entry.listing_date)}));
      if (waiting) return PendingExists(credit_code);
    }
    RETURN_IF_ERROR(CheckRepair(tx, locked, evidence, today));
    SqlValue repair_id = nullptr;
    if (at_once) {
      ASSIGN_OR_RETURN(int64_t id, GrantRepair(tx, locked.entry, evidence, today));
      repair_id = id;
    }
    const domain::RepairState state =
        at_once ? domain::RepairState::kGranted : domain::RepairState::kPending;
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO repair_applications (enterprise_id, credit_code, "
                   "listing_date, rectification_date, penalty_performed, commitment, "
                   "note, state, applicant, apply_time, decide_time, repair_id, "
                   "pending_listing) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "UTC_TIMESTAMP(6), IF(? = 1, UTC_TIMESTAMP(6), NULL), ?, ?)",
                   {locked.entry.enterprise_id, credit_code,
                    DayText(locked.entry.listing_date),
                    DayText(*evidence.rectification_date),
                    evidence.penalty_performed ? 1 : 0, evidence.commitment,
                    evidence.note, static_cast<int>(state), audit.actor, at_once ? 1 : 0,
                    repair_id,
                    at_once ? SqlValue(nullptr)
                            : SqlValue(DayText(locked.entry.listing_date))})
            .status());
    ASSIGN_OR_RETURN(int64_t application_id, tx.LastInsertId());
    RETURN_IF_ERROR(
        SetReplayResource(tx, key, domain::RepairName(credit_code, application_id)));
    ASSIGN_OR_RETURN(result, ReadRepair(tx, application_id));
    return AuditWrite(tx, audit, entry_name);
  }));
  return result;
}

absl::StatusOr<domain::Repair> MysqlListRepository::DecideRepair(
    const std::string& credit_code, int64_t id, bool grant, const std::string& reason,
    const domain::RequestKey& key, const domain::AuditContext& audit) {
  const std::string name = domain::RepairName(credit_code, id);
  const absl::CivilDay today = ratings_.Today();
  domain::Repair result;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Replay replay, ClaimRequestId(tx, key, "DecideRepair", name));
    ASSIGN_OR_RETURN(std::optional<Row> row,
                     tx.QueryRow("SELECT " ENVCREDIT_REPAIR_COLUMNS
                                 " WHERE a.id = ? AND a.credit_code = ? FOR UPDATE",
                                 {id, credit_code}));
    if (!row) {
      return WithField(MakeError(absl::StatusCode::kNotFound, "REPAIR_NOT_FOUND",
                                 absl::StrCat(name, " does not exist")),
                       "name");
    }
    ASSIGN_OR_RETURN(domain::Repair application, RowToRepair(*row));
    if (!replay.seen) {  // a retry answers with the decision as it stands
      if (application.state != domain::RepairState::kPending) {
        return MakeError(absl::StatusCode::kFailedPrecondition, "REPAIR_NOT_PENDING",
                         absl::StrCat(name, " was decided already"));
      }
      SqlValue repair_id = nullptr;
      if (grant) {
        ASSIGN_OR_RETURN(LockedEntry locked, LockPublishedBlackEntry(tx, credit_code));
        if (locked.entry.listing_date != application.listing_date) {
          return MakeError(absl::StatusCode::kFailedPrecondition, "REPAIR_NOT_PENDING",
                           absl::StrCat(name, ": the listing it applied for has ended"));
        }
        RETURN_IF_ERROR(CheckRepair(tx, locked, application.evidence, today));
        ASSIGN_OR_RETURN(int64_t granted,
                         GrantRepair(tx, locked.entry, application.evidence, today));
        repair_id = granted;
      }
      RETURN_IF_ERROR(
          tx.Execute("UPDATE repair_applications SET state = ?, decision_reason = ?, "
                     "decide_time = UTC_TIMESTAMP(6), repair_id = ?, pending_listing = "
                     "NULL WHERE id = ?",
                     {static_cast<int>(grant ? domain::RepairState::kGranted
                                             : domain::RepairState::kRefused),
                      reason, repair_id, id})
              .status());
      ASSIGN_OR_RETURN(application, ReadRepair(tx, id));
    }
    result = std::move(application);
    return AuditWrite(tx, audit, name);
  }));
  return result;
}

absl::StatusOr<std::vector<domain::Repair>> MysqlListRepository::ListRepairs(
    const std::string& credit_code, bool pending_only, int64_t before_id, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  std::vector<domain::Repair> result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        result.clear();
        const int64_t before = before_id > 0 ? before_id : INT64_MAX;
        const int pending = static_cast<int>(domain::RepairState::kPending);
        std::vector<Row> rows;
        if (credit_code.empty()) {
          // The regulator's queue: ix_repair_applications_state.
          ASSIGN_OR_RETURN(rows, pending_only
                                     ? tx.Query("SELECT " ENVCREDIT_REPAIR_COLUMNS
                                                " WHERE a.state = ? AND a.id < ? ORDER "
                                                "BY a.id DESC LIMIT ?",
                                                {pending, before, limit})
                                     : tx.Query("SELECT " ENVCREDIT_REPAIR_COLUMNS
                                                " WHERE a.id < ? ORDER BY a.id DESC "
                                                "LIMIT ?",
                                                {before, limit}));
        } else {
          ASSIGN_OR_RETURN(rows, tx.Query("SELECT " ENVCREDIT_REPAIR_COLUMNS
                                          " WHERE a.credit_code = ? AND a.id < ? AND "
                                          "(? = 0 OR a.state = ?) ORDER BY a.id DESC "
                                          "LIMIT ?",
                                          {credit_code, before, pending_only ? 1 : 0,
                                           pending, limit}));
        }
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(domain::Repair r, RowToRepair(row));
          result.push_back(std::move(r));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

}  // namespace envcredit::storage
