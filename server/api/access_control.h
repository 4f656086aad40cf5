// Who may call what (SPEC §7, doc/access.md). Every call carries
// `authorization: Bearer <token>`; tokens are kept hashed (SHA-256) with a
// role and a label. AuthProcessor runs inside gRPC before anything else of a
// call — before its request is even parsed — so a caller without the right
// role learns nothing (PERMISSION_DENIED comes before NOT_FOUND). It:
//   1. looks the method up in the method -> roles table; a method missing
//      from it is denied to everyone;
//   2. lets the few anonymous methods (health checking, reflection) through;
//   3. refuses a missing, unknown, expired or revoked token: UNAUTHENTICATED;
//   4. refuses a role the table does not allow: PERMISSION_DENIED;
//   5. refuses a token over its rate: RESOURCE_EXHAUSTED, saying when to
//      retry;
//   6. remembers the token's label, the call's actor (see actor.h).
// Denials are reported to a callback (the audit log).
#ifndef ENVCREDIT_SERVER_API_ACCESS_CONTROL_H_
#define ENVCREDIT_SERVER_API_ACCESS_CONTROL_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "server/domain/access.h"

namespace envcredit::api {

// The label of the token in `authorization` ("Bearer <secret>") once
// AuthProcessor has let a call with it through in this process; "" otherwise.
std::string LabelOfAuthenticatedToken(absl::string_view authorization);

// The roles allowed to call `method` ("/envcredit.v1.EnterpriseService/
// GetEnterprise"). nullptr when the method is not in the table (denied).
// An empty vector marks a method anyone may call without a token.
const std::vector<domain::Role>* AllowedRoles(absl::string_view method);

// Every method in the table, for tests and doc/access.md.
std::vector<std::string> MethodsInRoleTable();

// A new bearer secret: "ect_" + 43 characters of base64url (32 random bytes).
std::string NewTokenSecret();

// SHA-256 of a secret, as stored.
std::string HashTokenSecret(absl::string_view secret);

struct AccessControlOptions {
  // How long a looked-up token is trusted before it is read again: a token
  // revoked through another server process stops working within this time
  // (through this one: at once).
  absl::Duration cache_ttl = absl::Seconds(2);
  // Token bucket per token: sustained calls per second and burst.
  double rate_per_second = 1000;
  double burst = 2000;
};

// A refused call, for the audit log.
struct Denial {
  std::string actor;  // token label, or "anonymous" / "unknown-token"
  std::string method;
  std::string outcome;  // canonical code name
  std::string reason;   // e.g. TOKEN_REVOKED
};

class AuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  // `tokens` must outlive the processor. `on_denial` may be empty.
  AuthProcessor(domain::TokenRepository* tokens, AccessControlOptions options,
                std::function<void(const Denial&)> on_denial);

  // Runs on gRPC's thread pool: it may block on the database.
  bool IsBlocking() const override { return true; }

  grpc::Status Process(const InputMetadata& auth_metadata,
                       grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

  // Forgets a token at once (after a revocation through this process).
  void Forget(absl::string_view token_hash);

  // The decision without gRPC types: the token (empty for an anonymous
  // method), or the status the call gets. `actor`, when given, receives who
  // asked: the token's label once the token is known, else "anonymous" (no
  // token) or "unknown-token".
  absl::StatusOr<domain::Token> Authorize(absl::string_view method,
                                          absl::string_view authorization,
                                          std::string* actor = nullptr);

 private:
  struct CachedToken {
    absl::StatusOr<domain::Token> token;  // NOT_FOUND cached too
    absl::Time fetched;
  };
  struct Bucket {
    double level = 0;
    absl::Time updated;
  };

  absl::StatusOr<domain::Token> Lookup(const std::string& hash, absl::Time now);
  // OK, or RESOURCE_EXHAUSTED saying when to retry.
  absl::Status Take(const std::string& hash, absl::Time now);

  domain::TokenRepository* const tokens_;
  const AccessControlOptions options_;
  const std::function<void(const Denial&)> on_denial_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, CachedToken> cache_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_ACCESS_CONTROL_H_
