// Bearer tokens kept in MySQL / MariaDB (table access_tokens, doc/schema.md).
// Thread-safe.
#ifndef ENVCREDIT_SERVER_STORAGE_MYSQL_TOKEN_REPOSITORY_H_
#define ENVCREDIT_SERVER_STORAGE_MYSQL_TOKEN_REPOSITORY_H_

#include "server/domain/access.h"
#include "server/storage/database.h"

namespace envcredit::storage {

class MysqlTokenRepository final : public domain::TokenRepository {
 public:
  // `db` must outlive the repository.
  explicit MysqlTokenRepository(Database* db) : db_(*db) {}

  // Errors as domain::TokenRepository says, plus UNAVAILABLE when the
  // database cannot be reached.
  absl::StatusOr<domain::Token> Create(const domain::Token& token) override;
  absl::StatusOr<domain::Token> FindByHash(absl::string_view token_hash) override;
  absl::StatusOr<std::vector<domain::Token>> List(int64_t after_id,
                                                  int limit) override;
  absl::StatusOr<domain::Token> Revoke(int64_t id) override;
  absl::StatusOr<bool> HasActiveAdmin(absl::Time now) override;

 private:
  Database& db_;
};

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_MYSQL_TOKEN_REPOSITORY_H_
