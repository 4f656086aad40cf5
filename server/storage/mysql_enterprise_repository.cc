#include "server/storage/mysql_enterprise_repository.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "server/domain/records.h"
#include "server/storage/mysql_audit_log.h"
#include "server/storage/request_log.h"
#include "server/storage/rows.h"
#include "server/storage/sql_error.h"

namespace envcredit::storage {
namespace {

using domain::Enterprise;
using domain::EnterpriseStatus;
using domain::Industry;
using domain::RequestKey;

constexpr char kResourcePrefix[] = "enterprises/";
constexpr char kMethodCreate[] = "CreateEnterprise";
constexpr char kMethodUpdate[] = "UpdateEnterprise";

// The columns every read selects, in the order RowToEnterprise expects.
#define ENVCREDIT_ENTERPRISE_COLUMNS                                         \
  "credit_code, display_name, region_code, industry, legal_representative, " \
  "address, status, revision, create_time, update_time"

constexpr char kSelectByCode[] = "SELECT " ENVCREDIT_ENTERPRISE_COLUMNS
                                 " FROM enterprises WHERE credit_code = ?";
constexpr char kSelectByCodeForUpdate[] =
    "SELECT id, " ENVCREDIT_ENTERPRISE_COLUMNS
    " FROM enterprises WHERE credit_code = ? FOR UPDATE";

absl::StatusOr<Enterprise> RowToEnterprise(const Row& row, int first) {
  Enterprise e;
  e.credit_code = row.GetString(first + 0);
  e.display_name = row.GetString(first + 1);
  e.region_code = row.GetString(first + 2);
  e.industry = static_cast<Industry>(row.GetInt64(first + 3));
  e.legal_representative = row.GetString(first + 4);
  e.address = row.GetString(first + 5);
  e.status = static_cast<EnterpriseStatus>(row.GetInt64(first + 6));
  e.revision = row.GetInt64(first + 7);
  ASSIGN_OR_RETURN(e.create_time, row.GetTime(first + 8));
  ASSIGN_OR_RETURN(e.update_time, row.GetTime(first + 9));
  return e;
}

absl::StatusOr<Enterprise> ReadEnterprise(Transaction& tx,
                                          absl::string_view credit_code) {
  ASSIGN_OR_RETURN(std::optional<Row> row,
                   tx.QueryRow(kSelectByCode, {credit_code}));
  if (!row.has_value()) return EnterpriseNotFound(credit_code);
  return RowToEnterprise(*row, 0);
}

// The enterprise named by a request_log row, as it is now.
absl::StatusOr<Enterprise> ReadReplayed(Transaction& tx, const Replay& replay) {
  absl::string_view name = replay.resource_name;
  absl::ConsumePrefix(&name, kResourcePrefix);
  return ReadEnterprise(tx, name);
}

bool IsDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Enterprise> MysqlEnterpriseRepository::Create(
    const Enterprise& enterprise, const RequestKey& key,
    const domain::AuditContext& audit) {
  RETURN_IF_ERROR(domain::ValidateEnterprise(enterprise, "enterprise"));
  const std::string resource_name =
      absl::StrCat(kResourcePrefix, enterprise.credit_code);
  Enterprise result;
  RatingUpdates updates;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    updates.Clear();
    ASSIGN_OR_RETURN(Replay replay,
                     ClaimRequestId(tx, key, kMethodCreate, resource_name));
    if (replay.seen) {
      ASSIGN_OR_RETURN(result, ReadReplayed(tx, replay));
      return AuditWrite(tx, audit, resource_name);
    }
    absl::StatusOr<uint64_t> inserted = tx.Execute(
        "INSERT INTO enterprises (credit_code, display_name, region_code, "
        "industry, legal_representative, address, status, revision, "
        "create_time, update_time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
        {enterprise.credit_code, enterprise.display_name,
         enterprise.region_code, static_cast<int>(enterprise.industry),
         enterprise.legal_representative, enterprise.address,
         static_cast<int>(enterprise.status)});
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return MakeError(
          absl::StatusCode::kAlreadyExists, "ENTERPRISE_ALREADY_EXISTS",
          absl::StrCat("enterprise ", resource_name, " already exists"),
          "enterprise.credit_code");
    }
    RETURN_IF_ERROR(inserted.status());
    ASSIGN_OR_RETURN(const int64_t id, tx.LastInsertId());
    ASSIGN_OR_RETURN(result, ReadEnterprise(tx, enterprise.credit_code));
    const int64_t ids[] = {id};
    RETURN_IF_ERROR(ratings_.Recompute(
        tx, ids, ratings_.Today(),
        domain::RatingTrigger{domain::RatingChangeCause::kEnterpriseRegistered,
                              resource_name, "enterprise registered"},
        &updates));
    return AuditWrite(tx, audit, resource_name);
  }));
  ratings_.Committed(updates);
  return result;
}

namespace {

constexpr size_t kBatchChunk = 500;

absl::Status EnterpriseExists(absl::string_view resource_name) {
  return MakeError(absl::StatusCode::kAlreadyExists, "ENTERPRISE_ALREADY_EXISTS",
                   absl::StrCat("enterprise ", resource_name, " already exists"),
                   "enterprise.credit_code");
}

// The stored enterprises among `codes`, by credit code, with their ids.
// With `lock`, their rows are locked for update in id order (doc/database.md
// "Locks"): found first through the unique key without a lock, then locked
// and read again by primary key. A code not stored takes no lock (READ
// COMMITTED takes no gap locks); a concurrent insert of it meets the unique
// key in InsertEnterprises instead. One statement `credit_code IN (…) ORDER
// BY id FOR UPDATE` let the optimizer scan the primary key to skip the sort:
// on a table growing faster than its statistics (a first import) every batch
// read and locked every enterprise, and the batches in flight queued behind
// each other (doc/benchmarks.md "The enterprise import's locking read").
absl::StatusOr<absl::flat_hash_map<std::string, std::pair<int64_t, Enterprise>>> ReadByCodes(
    Transaction& tx, const std::vector<std::string>& codes, bool lock) {
  absl::flat_hash_map<std::string, std::pair<int64_t, Enterprise>> found;
  // The rows whose `column` is among `values`, added to `found`. A few fixed
  // IN-list lengths (PaddedInLists), so the connection's prepared statements
  // are reused from batch to batch instead of prepared again for every count.
  const auto read = [&](absl::string_view column, absl::Span<const SqlValue> values,
                        absl::string_view tail) -> absl::Status {
    for (const InList& in : PaddedInLists(values, kBatchChunk)) {
      ASSIGN_OR_RETURN(std::vector<Row> rows,
                       tx.Query(absl::StrCat("SELECT id, " ENVCREDIT_ENTERPRISE_COLUMNS
                                             " FROM enterprises WHERE ",
                                             column, " IN (", in.marks, ")", tail),
                                in.values));
      for (const Row& row : rows) {
        ASSIGN_OR_RETURN(Enterprise e, RowToEnterprise(row, 1));
        std::string code = e.credit_code;
        found.insert_or_assign(std::move(code), std::make_pair(row.GetInt64(0), std::move(e)));
      }
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(read("credit_code", std::vector<SqlValue>(codes.begin(), codes.end()), ""));
  if (!lock || found.empty()) return found;
  std::vector<int64_t> ids;
  ids.reserve(found.size());
  for (const auto& [code, stored] : found) ids.push_back(stored.first);
  std::sort(ids.begin(), ids.end());
  found.clear();
  RETURN_IF_ERROR(read("id", IdValues(ids), " ORDER BY id FOR UPDATE"));
  return found;
}

// Inserts `enterprises` (new, valid) in multi-row INSERTs. ABORTED
// (DB_CONFLICT) when a concurrent write stored one of the credit codes
// first: the run again finds it taken.
absl::Status InsertEnterprises(Transaction& tx, const std::vector<const Enterprise*>& enterprises) {
  constexpr size_t kColumns = 7;
  // Row counts in a few fixed sizes (FixedRowCounts): the statement texts
  // repeat from batch to batch and stay prepared.
  size_t start = 0;
  for (const size_t m : FixedRowCounts(enterprises.size(), kBatchChunk)) {
    std::vector<SqlValue> params;
    params.reserve(m * kColumns);
    std::string values;
    for (size_t k = 0; k < m; ++k) {
      const Enterprise& e = *enterprises[start + k];
      params.emplace_back(e.credit_code);
      params.emplace_back(e.display_name);
      params.emplace_back(e.region_code);
      params.emplace_back(static_cast<int>(e.industry));
      params.emplace_back(e.legal_representative);
      params.emplace_back(e.address);
      params.emplace_back(static_cast<int>(e.status));
      absl::StrAppend(&values, k == 0 ? "" : ", ",
                      "(?, ?, ?, ?, ?, ?, ?, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))");
    }
    absl::StatusOr<uint64_t> inserted = tx.Execute(
        absl::StrCat("INSERT INTO enterprises (credit_code, display_name, region_code, "
                     "industry, legal_representative, address, status, revision, "
                     "create_time, update_time) VALUES ",
                     values),
        params);
    if (inserted.status().code() == absl::StatusCode::kAlreadyExists) {
      return MakeError(absl::StatusCode::kAborted, kReasonDbConflict,
                       "a concurrent write stored the same credit code");
    }
    RETURN_IF_ERROR(inserted.status());
    start += m;
  }
  return absl::OkStatus();
}

// A re-import: when every item replays a stored request (ReadReplays), the
// answer is the enterprises those claims name, with nothing written but the
// items' audit entries (a replay is audited, doc/records.md "Audit"), in
// one statement. Returns false (results untouched) otherwise: BatchCreate's
// full path decides.
absl::StatusOr<bool> AnswerReplays(Database& db, const std::vector<domain::BatchEnterprise>& items,
                                   std::vector<absl::StatusOr<domain::EnterpriseCreated>>& results) {
  // The enterprise a claim names: its resource name after "enterprises/".
  ASSIGN_OR_RETURN(
      std::optional<std::vector<Enterprise>> replayed,
      ReadReplays<Enterprise>(
          db, items, kMethodCreate,
          absl::StrCat("SELECT e.*, l.request_id, l.method, l.fingerprint FROM request_log l "
                       "LEFT JOIN (SELECT id, " ENVCREDIT_ENTERPRISE_COLUMNS
                       " FROM enterprises) e ON e.credit_code = SUBSTRING(l.resource_name, ",
                       sizeof(kResourcePrefix), ") WHERE l.request_id IN ("),
          11, [](const Row& row) -> absl::StatusOr<std::optional<Enterprise>> {
            if (row.IsNull(0)) return std::nullopt;
            return RowToEnterprise(row, 1);
          }));
  if (!replayed) return false;
  std::vector<domain::AuditEntry> entries;
  entries.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    entries.push_back(domain::MakeAuditEntry(
        items[i].audit, absl::StrCat(kResourcePrefix, (*replayed)[i].credit_code)));
  }
  ASSIGN_OR_RETURN(Session session, db.Checkout());
  RETURN_IF_ERROR(AppendAuditEntries(session, entries));
  results.clear();
  for (Enterprise& e : *replayed) results.push_back(domain::EnterpriseCreated{std::move(e), true});
  return true;
}

}  // namespace

absl::StatusOr<std::vector<absl::StatusOr<domain::EnterpriseCreated>>>
MysqlEnterpriseRepository::BatchCreate(const std::vector<domain::BatchEnterprise>& items) {
  const size_t n = items.size();
  std::vector<absl::StatusOr<domain::EnterpriseCreated>> results;
  ASSIGN_OR_RETURN(const bool replayed, AnswerReplays(db_, items, results));
  if (replayed) return results;
  RatingUpdates updates;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    updates.Clear();
    results.assign(n, absl::UnknownError("not processed"));
    // 1. What was claimed and stored before: request ids (locked first, the
    //    order of every writer, doc/database.md "Locks"), then the credit
    //    codes the items name, locked.
    std::vector<std::string> ids;
    std::vector<std::string> codes;
    for (const auto& item : items) {
      ids.push_back(item.key.request_id);
      codes.push_back(item.enterprise.credit_code);
    }
    ASSIGN_OR_RETURN(auto claims, ReadClaims(tx, std::move(ids)));
    for (const auto& [id, claim] : claims) {
      absl::string_view replayed = claim.resource_name;
      if (claim.method == kMethodCreate && absl::ConsumePrefix(&replayed, kResourcePrefix)) {
        codes.emplace_back(replayed);
      }
    }
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    ASSIGN_OR_RETURN(auto stored, ReadByCodes(tx, codes, /*lock=*/true));

    // 2. Decide per item, against what is stored and the items before it.
    absl::flat_hash_map<std::string, size_t> batch_claims;  // request id -> item
    absl::flat_hash_map<std::string, size_t> batch_codes;   // credit code -> item
    std::vector<size_t> to_insert;
    std::vector<std::pair<size_t, size_t>> replays_of_items;  // item, original
    std::vector<std::pair<size_t, std::string>> replays_of_stored;  // item, code
    for (size_t i = 0; i < n; ++i) {
      const domain::BatchEnterprise& item = items[i];
      const std::string& id = item.key.request_id;
      if (!id.empty()) {
        const auto claim = claims.find(id);
        const auto of_item = batch_claims.find(id);
        domain::ClaimedRequest earlier_claim;
        const domain::ClaimedRequest* earlier = nullptr;
        if (claim != claims.end()) {
          earlier_claim = {claim->second.method, claim->second.fingerprint};
          earlier = &earlier_claim;
        } else if (of_item != batch_claims.end()) {
          earlier_claim = {kMethodCreate, items[of_item->second].key.fingerprint};
          earlier = &earlier_claim;
        }
        absl::StatusOr<domain::RequestIdUse> use =
            domain::DecideRequestIdUse(kMethodCreate, item.key.fingerprint, earlier);
        if (!use.ok()) {
          results[i] = use.status();
          continue;
        }
        if (*use == domain::RequestIdUse::kReplay) {
          if (claim != claims.end()) {
            absl::string_view code = claim->second.resource_name;
            absl::ConsumePrefix(&code, kResourcePrefix);
            replays_of_stored.emplace_back(i, std::string(code));
          } else {
            replays_of_items.emplace_back(i, of_item->second);
          }
          continue;
        }
      }
      if (absl::Status valid = domain::ValidateEnterprise(item.enterprise, "enterprise");
          !valid.ok()) {
        results[i] = std::move(valid);
        continue;
      }
      const std::string& code = item.enterprise.credit_code;
      if (stored.contains(code) || batch_codes.contains(code)) {
        results[i] = EnterpriseExists(absl::StrCat(kResourcePrefix, code));
        continue;
      }
      batch_codes[code] = i;
      if (!id.empty()) batch_claims[id] = i;
      to_insert.push_back(i);
    }

    // 3. Insert, read back (ids, times), claim the request ids.
    std::vector<const Enterprise*> fresh;
    std::vector<std::string> fresh_codes;
    std::vector<ClaimRow> claim_rows;
    for (const size_t i : to_insert) {
      fresh.push_back(&items[i].enterprise);
      fresh_codes.push_back(items[i].enterprise.credit_code);
      if (!items[i].key.request_id.empty()) {
        claim_rows.push_back({items[i].key.request_id, kMethodCreate, items[i].key.fingerprint,
                              absl::StrCat(kResourcePrefix, items[i].enterprise.credit_code)});
      }
    }
    RETURN_IF_ERROR(InsertEnterprises(tx, fresh));
    ASSIGN_OR_RETURN(auto inserted, ReadByCodes(tx, fresh_codes, /*lock=*/false));
    RETURN_IF_ERROR(InsertClaims(tx, claim_rows));

    // 4. Results; the new enterprises rated, every success audited.
    std::vector<int64_t> rerate;
    absl::flat_hash_map<int64_t, domain::RatingTrigger> triggers;
    for (const size_t i : to_insert) {
      const auto it = inserted.find(items[i].enterprise.credit_code);
      if (it == inserted.end()) {
        return absl::InternalError("an inserted enterprise was not read back");
      }
      results[i] = domain::EnterpriseCreated{it->second.second, false};
      rerate.push_back(it->second.first);
      const std::string name = absl::StrCat(kResourcePrefix, it->first);
      triggers[it->second.first] = domain::RatingTrigger{
          domain::RatingChangeCause::kEnterpriseRegistered, name, "enterprise registered"};
    }
    for (const auto& [i, code] : replays_of_stored) {
      const auto it = stored.find(code);
      if (it == stored.end()) {
        results[i] = absl::InternalError(
            absl::StrCat("request_id ", items[i].key.request_id, " names no stored enterprise"));
        continue;
      }
      results[i] = domain::EnterpriseCreated{it->second.second, true};
    }
    for (const auto& [i, original] : replays_of_items) {
      results[i] = domain::EnterpriseCreated{results[original]->enterprise, true};
    }
    // The audit first: the re-rating takes the change feed's counter row
    // last and holds it to the commit (doc/ratings.md §4), so whatever
    // runs after it holds up every other writer of changes.
    std::vector<domain::AuditEntry> entries;
    for (size_t i = 0; i < n; ++i) {
      if (!results[i].ok()) continue;
      entries.push_back(domain::MakeAuditEntry(
          items[i].audit, absl::StrCat(kResourcePrefix, results[i]->enterprise.credit_code)));
    }
    RETURN_IF_ERROR(AppendAuditEntries(tx, entries));
    // Rated from no records: they were created just now (RatableColumns::kNone).
    std::sort(rerate.begin(), rerate.end());
    return ratings_.Recompute(tx, rerate, ratings_.Today(), domain::RatingTrigger(), &updates,
                              &triggers, RatableColumns::kNone);
  }));
  ratings_.Committed(updates);
  return results;
}

absl::StatusOr<Enterprise> MysqlEnterpriseRepository::Get(
    absl::string_view credit_code) {
  Enterprise result;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(result, ReadEnterprise(tx, credit_code));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return result;
}

absl::StatusOr<std::vector<Enterprise>> MysqlEnterpriseRepository::FindByName(
    absl::string_view name, int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  std::vector<Enterprise> found;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        found.clear();
        ASSIGN_OR_RETURN(std::vector<Row> rows,
                         tx.Query("SELECT " ENVCREDIT_ENTERPRISE_COLUMNS
                                  " FROM enterprises WHERE display_name = ? ORDER BY "
                                  "credit_code LIMIT ?",
                                  {name, limit}));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(Enterprise e, RowToEnterprise(row, 0));
          found.push_back(std::move(e));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return found;
}

absl::StatusOr<domain::EnterprisePage> MysqlEnterpriseRepository::List(
    const domain::EnterpriseFilter& filter, absl::string_view after_credit_code,
    int limit) {
  RETURN_IF_ERROR(CheckLimit(limit));
  if (filter.region_prefix.size() > 6 || !IsDigits(filter.region_prefix)) {
    return InvalidArgument("filter", "INVALID_FILTER",
                           "the region prefix must be 0 to 6 digits");
  }
  // The SQL text is assembled from constant fragments only; every value is
  // a parameter.
  std::string sql = "SELECT " ENVCREDIT_ENTERPRISE_COLUMNS
                    " FROM enterprises WHERE credit_code > ?";
  std::vector<SqlValue> params = {after_credit_code};
  if (!filter.region_prefix.empty()) {
    if (filter.region_prefix.size() == 6) {
      sql += " AND region_code = ?";
      params.emplace_back(filter.region_prefix);
    } else {
      sql += " AND region_code LIKE ?";
      params.emplace_back(EscapeLikePattern(filter.region_prefix) + "%");
    }
  }
  if (filter.industry != Industry::kUnspecified) {
    sql += " AND industry = ?";
    params.emplace_back(static_cast<int>(filter.industry));
  }
  if (filter.status != EnterpriseStatus::kUnspecified) {
    sql += " AND status = ?";
    params.emplace_back(static_cast<int>(filter.status));
  }
  if (!filter.name_contains.empty()) {
    sql += " AND display_name LIKE ? ESCAPE '\\\\'";
    params.emplace_back(
        absl::StrCat("%", EscapeLikePattern(filter.name_contains), "%"));
  }
  sql += " ORDER BY credit_code LIMIT ?";
  params.emplace_back(limit + 1);  // one more tells whether a page follows

  domain::EnterprisePage page;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        page = domain::EnterprisePage();
        ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(sql, params));
        page.has_more = static_cast<int>(rows.size()) > limit;
        if (page.has_more) rows.erase(rows.begin() + limit, rows.end());
        page.enterprises.reserve(rows.size());
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(Enterprise e, RowToEnterprise(row, 0));
          page.enterprises.push_back(std::move(e));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return page;
}

absl::StatusOr<Enterprise> MysqlEnterpriseRepository::Update(
    absl::string_view credit_code, const domain::EnterprisePatch& patch,
    std::optional<int64_t> expected_revision, const RequestKey& key,
    const domain::AuditContext& audit) {
  const std::string resource_name = absl::StrCat(kResourcePrefix, credit_code);
  Enterprise result;
  RatingUpdates updates;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    updates.Clear();
    ASSIGN_OR_RETURN(Replay replay,
                     ClaimRequestId(tx, key, kMethodUpdate, resource_name));
    if (replay.seen) {
      ASSIGN_OR_RETURN(result, ReadReplayed(tx, replay));
      return AuditWrite(tx, audit, resource_name);
    }
    ASSIGN_OR_RETURN(std::optional<Row> row,
                     tx.QueryRow(kSelectByCodeForUpdate, {credit_code}));
    if (!row.has_value()) return EnterpriseNotFound(credit_code);
    const int64_t id = row->GetInt64(0);
    ASSIGN_OR_RETURN(Enterprise current, RowToEnterprise(*row, 1));
    if (expected_revision.has_value() &&
        *expected_revision != current.revision) {
      return MakeError(absl::StatusCode::kAborted, "ETAG_MISMATCH",
                       absl::StrCat("enterprise ", resource_name,
                                    " was changed since it was read (etag "
                                    "mismatch); read it again"),
                       "enterprise.etag");
    }
    Enterprise updated = current;
    domain::ApplyPatch(patch, updated);
    RETURN_IF_ERROR(domain::ValidateEnterprise(updated, "enterprise"));
    RETURN_IF_ERROR(
        tx.Execute(
              "UPDATE enterprises SET display_name = ?, region_code = ?, "
              "industry = ?, legal_representative = ?, address = ?, "
              "status = ?, revision = revision + 1, "
              "update_time = GREATEST(UTC_TIMESTAMP(6), create_time) "
              "WHERE id = ?",
              {updated.display_name, updated.region_code,
               static_cast<int>(updated.industry), updated.legal_representative,
               updated.address, static_cast<int>(updated.status), id})
            .status());
    ASSIGN_OR_RETURN(result, ReadEnterprise(tx, credit_code));
    if (updated.region_code != current.region_code) {
      // Another region may mean another policy.
      const int64_t ids[] = {id};
      RETURN_IF_ERROR(ratings_.Recompute(
          tx, ids, ratings_.Today(),
          domain::RatingTrigger{domain::RatingChangeCause::kEnterpriseUpdated,
                                resource_name,
                                absl::StrCat("region changed to ",
                                             updated.region_code)},
          &updates));
    }
    return AuditWrite(tx, audit, resource_name);
  }));
  ratings_.Committed(updates);
  return result;
}

}  // namespace envcredit::storage
