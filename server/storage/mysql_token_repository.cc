#include "server/storage/mysql_token_repository.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace envcredit::storage {
namespace {

using domain::Token;

#define ENVCREDIT_TOKEN_COLUMNS \
  "id, token_hash, role, label, create_time, expire_time, revoke_time, " \
  "credit_code"

// "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, as DATETIME(6) takes it.
std::string SqlTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", time, absl::UTCTimeZone());
}

absl::StatusOr<Token> RowToToken(const Row& row) {
  Token token;
  token.id = row.GetInt64(0);
  token.token_hash = row.GetString(1);
  token.role = static_cast<domain::Role>(row.GetInt64(2));
  token.label = row.GetString(3);
  ASSIGN_OR_RETURN(token.create_time, row.GetTime(4));
  if (!row.IsNull(5)) {
    ASSIGN_OR_RETURN(absl::Time expire, row.GetTime(5));
    token.expire_time = expire;
  }
  if (!row.IsNull(6)) {
    ASSIGN_OR_RETURN(absl::Time revoke, row.GetTime(6));
    token.revoke_time = revoke;
  }
  token.credit_code = row.GetString(7);
  return token;
}

absl::Status NotFound() {
  return MakeError(absl::StatusCode::kNotFound, "TOKEN_NOT_FOUND",
                   "no such token");
}

absl::StatusOr<Token> ReadById(Transaction& tx, int64_t id, bool for_update) {
  ASSIGN_OR_RETURN(
      std::optional<Row> row,
      tx.QueryRow(for_update ? "SELECT " ENVCREDIT_TOKEN_COLUMNS
                               " FROM access_tokens WHERE id = ? FOR UPDATE"
                             : "SELECT " ENVCREDIT_TOKEN_COLUMNS
                               " FROM access_tokens WHERE id = ?",
                  {id}));
  if (!row.has_value()) return NotFound();
  return RowToToken(*row);
}

}  // namespace

absl::StatusOr<Token> MysqlTokenRepository::Create(const Token& token) {
  Token created;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    // One label names one active holder. Creates are rare: they queue on the
    // lock of the oldest token row (rows are never deleted), so two creates
    // with the same label cannot both pass the check below (READ COMMITTED
    // takes no gap locks). The label column's collation makes the
    // comparison case-insensitive.
    RETURN_IF_ERROR(
        tx.Query("SELECT id FROM access_tokens ORDER BY id LIMIT 1 FOR UPDATE", {})
            .status());
    ASSIGN_OR_RETURN(
        std::optional<Row> holder,
        tx.QueryRow("SELECT id FROM access_tokens WHERE label = ? AND "
                    "revoke_time IS NULL AND (expire_time IS NULL OR "
                    "expire_time > UTC_TIMESTAMP(6)) LIMIT 1",
                    {token.label}));
    if (holder.has_value()) {
      return WithField(
          MakeError(absl::StatusCode::kAlreadyExists, "TOKEN_LABEL_EXISTS",
                    "token.label: an active token already has this label"),
          "token.label");
    }
    if (!token.credit_code.empty()) {
      ASSIGN_OR_RETURN(std::optional<Row> enterprise,
                       tx.QueryRow("SELECT id FROM enterprises WHERE credit_code = ?",
                                   {token.credit_code}));
      if (!enterprise.has_value()) {
        return WithField(MakeError(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND",
                                   absl::StrCat("token.credit_code: no enterprise ",
                                                token.credit_code, " is registered")),
                         "token.credit_code");
      }
    }
    SqlValue expire = token.expire_time.has_value()
                          ? SqlValue(SqlTime(*token.expire_time))
                          : SqlValue(nullptr);
    RETURN_IF_ERROR(
        tx.Execute("INSERT INTO access_tokens (token_hash, role, label, "
                   "create_time, expire_time, credit_code) VALUES (?, ?, ?, "
                   "UTC_TIMESTAMP(6), ?, ?)",
                   {SqlValue::Bytes(token.token_hash),
                    static_cast<int>(token.role), token.label, expire,
                    token.credit_code})
            .status());
    ASSIGN_OR_RETURN(int64_t id, tx.LastInsertId());
    ASSIGN_OR_RETURN(created, ReadById(tx, id, false));
    return absl::OkStatus();
  }));
  return created;
}

absl::StatusOr<Token> MysqlTokenRepository::FindByHash(
    absl::string_view token_hash) {
  Token found;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<Row> row,
                         tx.QueryRow("SELECT " ENVCREDIT_TOKEN_COLUMNS
                                     " FROM access_tokens WHERE token_hash = ?",
                                     {SqlValue::Bytes(token_hash)}));
        if (!row.has_value()) return NotFound();
        ASSIGN_OR_RETURN(found, RowToToken(*row));
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return found;
}

absl::StatusOr<std::vector<Token>> MysqlTokenRepository::List(int64_t after_id,
                                                              int limit) {
  std::vector<Token> tokens;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        tokens.clear();
        ASSIGN_OR_RETURN(std::vector<Row> rows,
                         tx.Query("SELECT " ENVCREDIT_TOKEN_COLUMNS
                                  " FROM access_tokens WHERE id > ? "
                                  "ORDER BY id LIMIT ?",
                                  {after_id, limit}));
        for (const Row& row : rows) {
          ASSIGN_OR_RETURN(Token token, RowToToken(row));
          tokens.push_back(std::move(token));
        }
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return tokens;
}

absl::StatusOr<Token> MysqlTokenRepository::Revoke(int64_t id) {
  Token revoked;
  RETURN_IF_ERROR(db_.RunInTransaction([&](Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Token token, ReadById(tx, id, true));
    if (token.revoke_time.has_value()) {
      return MakeError(absl::StatusCode::kFailedPrecondition,
                       "TOKEN_ALREADY_REVOKED",
                       absl::StrCat("tokens/", id, " is revoked already"));
    }
    RETURN_IF_ERROR(tx.Execute("UPDATE access_tokens SET revoke_time = "
                               "UTC_TIMESTAMP(6) WHERE id = ?",
                               {id})
                        .status());
    ASSIGN_OR_RETURN(revoked, ReadById(tx, id, false));
    return absl::OkStatus();
  }));
  return revoked;
}

absl::StatusOr<bool> MysqlTokenRepository::HasActiveAdmin(absl::Time now) {
  bool found = false;
  RETURN_IF_ERROR(db_.RunInTransaction(
      [&](Transaction& tx) -> absl::Status {
        ASSIGN_OR_RETURN(
            std::optional<Row> row,
            tx.QueryRow("SELECT COUNT(*) FROM access_tokens WHERE role = ? AND "
                        "revoke_time IS NULL AND (expire_time IS NULL OR "
                        "expire_time > ?)",
                        {static_cast<int>(domain::Role::kAdmin), SqlTime(now)}));
        found = row.has_value() && row->GetInt64(0) > 0;
        return absl::OkStatus();
      },
      TxMode::kReadOnly));
  return found;
}

}  // namespace envcredit::storage
