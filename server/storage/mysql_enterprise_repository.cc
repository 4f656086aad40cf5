#include "server/storage/mysql_enterprise_repository.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/errors.h"
#include "common/status_macros.h"
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
