// Who may call what (SPEC §7, doc/access.md). Every call carries exactly one
// `authorization: Bearer <token>`; tokens are kept hashed (SHA-256) with a
// role and a label.
//
// AccessControl::Check decides a call. It runs inline on the handler's own
// thread — every handler calls it first, through ServiceGuard (guard.h) — and
// for a request gRPC could not parse, in the access-log interceptor
// (access_log.h), so a caller without the right role learns nothing
// (PERMISSION_DENIED comes before NOT_FOUND or INVALID_ARGUMENT). In order:
//   1. the method must be in the method -> roles table (a method missing
//      from it is denied to everyone); the few anonymous methods (health
//      checking, reflection) need no token;
//   2. exactly one `authorization` value: none is TOKEN_MISSING, two or more
//      TOKEN_DUPLICATED (UNAUTHENTICATED) — the credential checked is then
//      necessarily the one the handler and the audit see;
//   3. `Bearer <secret>`, else TOKEN_MALFORMED;
//   4. a token not in the cache is read from the database — unless the
//      calling peer is over its budget of denied calls (denial_log.h):
//      RESOURCE_EXHAUSTED, TOO_MANY_DENIALS, no database read;
//   5. unknown, revoked, expired: UNAUTHENTICATED;
//   6. a role the table does not allow: PERMISSION_DENIED;
//   7. over the token's rate: RESOURCE_EXHAUSTED, saying when to retry.
// The answer is the Caller — token id, role, label — that the handler and
// its audit entries use; nothing looks the caller up again.
#ifndef ENVCREDIT_SERVER_API_ACCESS_CONTROL_H_
#define ENVCREDIT_SERVER_API_ACCESS_CONTROL_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "server/api/denial_log.h"
#include "server/domain/access.h"

namespace envcredit::api {

// The caller a check let through: the identity a handler acts for.
struct Caller {
  int64_t token_id = 0;  // 0 for an anonymous method
  domain::Role role = domain::Role::kUnspecified;
  std::string label = "anonymous";  // the actor of its audit entries
  // ENTERPRISE callers: the enterprise the token acts for.
  std::string credit_code;
};

// The roles allowed to call `method` ("/envcredit.v1.EnterpriseService/
// GetEnterprise"). nullptr when the method is not in the table (denied).
// An empty vector marks a method anyone may call without a token.
const std::vector<domain::Role>* AllowedRoles(absl::string_view method);

// Whether `method` writes (and so is audited whatever its outcome). False
// for reads and for methods not in the table.
bool IsWriteMethod(absl::string_view method);

// Every method in the table, for tests and doc/access.md.
std::vector<std::string> MethodsInRoleTable();

// A new bearer secret: "ect_" + 43 characters of base64url (32 random bytes).
std::string NewTokenSecret();

// SHA-256 of a secret, as stored.
std::string HashTokenSecret(absl::string_view secret);

// The address part of a gRPC peer ("ipv4:127.0.0.1:5050" -> "127.0.0.1",
// "ipv6:[::1]:5050" -> "[::1]"); the peer itself when it has no port.
std::string PeerAddress(absl::string_view grpc_peer);

struct AccessControlOptions {
  // How long a looked-up token is trusted before it is read again: a token
  // revoked through another server process stops working within this time
  // (through this one: at once).
  absl::Duration cache_ttl = absl::Seconds(2);
  // Token bucket per token: sustained calls per second and burst.
  double rate_per_second = 1000;
  double burst = 2000;
};

// The access check. Thread-safe; the hot path (a cached, valid token) takes
// one shared reader lock of one of 16 shards and the mutex of the token's own
// rate bucket: calls with different tokens do not wait for each other, and
// calls with one token only for the few nanoseconds of its bucket.
class AccessControl {
 public:
  // `tokens` and `denials` must outlive this. `denials` may be null (no
  // recording: unit tests).
  AccessControl(domain::TokenRepository* tokens, AccessControlOptions options,
                DenialLog* denials);

  // Decides a call to `method` from its metadata and peer. A denial is
  // recorded (logged, audited, counted against the peer) before it is
  // returned — except UNAVAILABLE (the database is down: the token could not
  // be checked, which is not the caller's doing).
  absl::StatusOr<Caller> Check(absl::string_view method,
                               const grpc::ServerContextBase& context);

  // The same decision without gRPC types: `authorizations` are the call's
  // `authorization` metadata values, `peer` its address.
  absl::StatusOr<Caller> Check(absl::string_view method,
                               absl::Span<const absl::string_view> authorizations,
                               absl::string_view peer);

  // Check, then, for an ENTERPRISE caller, the row-level rule of `method`
  // over `request` (enterprise_scope.h): PERMISSION_DENIED
  // (NOT_OWN_ENTERPRISE), recorded as a denial, when it names another
  // enterprise; the method's INVALID_ARGUMENT when it cannot be read.
  absl::StatusOr<Caller> Check(absl::string_view method,
                               const grpc::ServerContextBase& context,
                               const google::protobuf::Message& request);

  // Forgets a token at once (after a revocation through this process).
  void Forget(absl::string_view token_hash);

  // While not ready (the server is starting: rating enterprises, loading
  // ratings), every call is UNAVAILABLE (reason SERVER_STARTING, with a
  // retry delay) before its token is looked at; not a denial. Ready from
  // construction unless told otherwise.
  void SetReady(bool ready) { ready_.store(ready, std::memory_order_release); }

 private:
  std::atomic<bool> ready_{true};

  struct CachedToken {
    absl::StatusOr<domain::Token> token;  // NOT_FOUND cached too
    absl::Time fetched;
  };
  struct Bucket {
    absl::Mutex mu;
    double level ABSL_GUARDED_BY(mu) = 0;
    absl::Time updated ABSL_GUARDED_BY(mu);
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, CachedToken> cache ABSL_GUARDED_BY(mu);
    absl::flat_hash_map<std::string, std::unique_ptr<Bucket>> buckets
        ABSL_GUARDED_BY(mu);
  };
  static constexpr int kShards = 16;

  // The decision; `actor` receives who asked for the denial record.
  absl::StatusOr<Caller> Decide(absl::string_view method,
                                absl::Span<const absl::string_view> authorizations,
                                absl::FunctionRef<std::string()> peer,
                                std::string* actor);
  // The denial a refused decision becomes: the reason leads the message;
  // recorded (logged, audited, counted against the peer) unless UNAVAILABLE.
  absl::Status Refuse(const absl::Status& decided, absl::string_view method,
                      absl::FunctionRef<std::string()> peer, std::string actor);
  // Check with the peer's address computed only when needed.
  absl::StatusOr<Caller> Check(absl::string_view method,
                               absl::Span<const absl::string_view> authorizations,
                               absl::FunctionRef<std::string()> peer);
  Shard& ShardOf(const std::string& hash);
  // The token from the cache, or on a miss from the database when
  // `may_read()` (else RESOURCE_EXHAUSTED, TOO_MANY_DENIALS).
  absl::StatusOr<domain::Token> Lookup(const std::string& hash, absl::Time now,
                                       absl::FunctionRef<bool()> may_read);
  // OK, or RESOURCE_EXHAUSTED saying when to retry.
  absl::Status Take(const std::string& hash, absl::Time now);

  domain::TokenRepository* const tokens_;
  const AccessControlOptions options_;
  DenialLog* const denials_;
  std::array<Shard, kShards> shards_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_ACCESS_CONTROL_H_
