// Access control as the domain sees it: roles, tokens and where they are
// kept. Plain values; the gRPC layer (server/api/access_control.h) decides
// which role may call which method.
#ifndef ENVCREDIT_SERVER_DOMAIN_ACCESS_H_
#define ENVCREDIT_SERVER_DOMAIN_ACCESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace envcredit::domain {

// Numbering as envcredit.v1.Role, stored as is.
enum class Role : int {
  kUnspecified = 0,
  kPublic = 1,
  kIntegrator = 2,
  kRegulator = 3,
  kAdmin = 4,
  // Bound to one enterprise (Token::credit_code): row-level access
  // (server/api/enterprise_scope.h).
  kEnterprise = 5,
};

bool IsKnownRole(int value);
absl::string_view RoleName(Role role);  // "ADMIN", ...

// Whether `role` may read list proposals that are not public — a DRAFT or
// a SUPERSEDED one (domain/list_rules.h IsPublic): those who run the due
// process, regulators and administrators. Everyone else reads the notice
// and the issues only (doc/access.md).
bool MaySeeListProposals(Role role);

// Whether a caller of role `issuer` may create a token of role `role`: an
// ADMIN any role, a REGULATOR ENTERPRISE tokens only (it registers the
// enterprises it then lets act for themselves).
bool MayIssueTokenRole(Role issuer, Role role);

inline constexpr int kMaxTokenLabelChars = 100;

// The label of a token is the actor of every audit entry its calls write and
// appears in log lines, so it is an identifier, not free text: 1 to 100 of
// A-Z a-z 0-9 . _ - @, starting with a letter or digit ("zhang.wei",
// "bank-of-example", "ops@nanjing"). No space, '=', quote or ':' — a label
// cannot forge a field of a key=value log line, nor look like the
// "peer:<address>" actor of an aggregated denial entry.
// INVALID_ARGUMENT naming `field` (reason TEXT_LENGTH or INVALID_TEXT from
// CheckText, then INVALID_TOKEN_LABEL for a character outside the set).
absl::Status ValidateTokenLabel(absl::string_view label, absl::string_view field);

// Labels the server itself writes as actors ("anonymous", "unknown-token",
// "bootstrap-admin", ...), compared without regard to case. A client may not
// create a token with one (the server issues "bootstrap-admin" itself).
bool IsReservedTokenLabel(absl::string_view label);

struct Token {
  int64_t id = 0;
  std::string token_hash;  // raw SHA-256, 32 bytes
  Role role = Role::kUnspecified;
  std::string label;
  absl::Time create_time;
  std::optional<absl::Time> expire_time;
  std::optional<absl::Time> revoke_time;
  // ENTERPRISE tokens: the enterprise it acts for; empty otherwise.
  std::string credit_code;

  // Usable at `now`: neither revoked nor expired.
  bool ActiveAt(absl::Time now) const {
    return !revoke_time.has_value() &&
           (!expire_time.has_value() || now < *expire_time);
  }
};

// Thread-safe.
class TokenRepository {
 public:
  virtual ~TokenRepository() = default;

  // Stores a new token (id and create_time set by the store).
  // ALREADY_EXISTS (reason TOKEN_LABEL_EXISTS, field token.label) when a
  // token with the same label (case-insensitive) is active — neither
  // revoked nor expired: one label names one holder at a time. NOT_FOUND
  // (ENTERPRISE_NOT_FOUND, field token.credit_code) when an ENTERPRISE
  // token names an enterprise that is not registered.
  virtual absl::StatusOr<Token> Create(const Token& token) = 0;

  // The token with this hash; NOT_FOUND (reason TOKEN_NOT_FOUND) if none.
  virtual absl::StatusOr<Token> FindByHash(absl::string_view token_hash) = 0;

  // Tokens with id > after_id, in id order, at most `limit`.
  virtual absl::StatusOr<std::vector<Token>> List(int64_t after_id,
                                                  int limit) = 0;

  // Sets revoke_time. NOT_FOUND as above (by id); FAILED_PRECONDITION
  // (reason TOKEN_ALREADY_REVOKED) when it is revoked already.
  virtual absl::StatusOr<Token> Revoke(int64_t id) = 0;

  // Whether any ADMIN token is active at `now` (bootstrap).
  virtual absl::StatusOr<bool> HasActiveAdmin(absl::Time now) = 0;
};

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_ACCESS_H_
