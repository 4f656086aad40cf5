#include "server/api/access_control.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "server/api/enterprise_scope.h"
#include "server/api/request_digest.h"

namespace envcredit::api {
namespace {

using domain::Role;

// Shorthands for the table.
const std::vector<Role> kAnyone = {};  // no token needed
const std::vector<Role> kAdmin = {Role::kAdmin};
const std::vector<Role> kRegulators = {Role::kRegulator, Role::kAdmin};
const std::vector<Role> kReaders = {Role::kIntegrator, Role::kRegulator,
                                    Role::kAdmin};
// Published lists are public: every token, PUBLIC included.
const std::vector<Role> kEveryToken = {Role::kPublic, Role::kIntegrator,
                                       Role::kRegulator, Role::kAdmin,
                                       Role::kEnterprise};
// The same, and an enterprise for its own data only (enterprise_scope.h).
const std::vector<Role> kReadersAndOwner = {Role::kIntegrator, Role::kRegulator,
                                            Role::kAdmin, Role::kEnterprise};
const std::vector<Role> kRegulatorsAndOwner = {Role::kRegulator, Role::kAdmin,
                                               Role::kEnterprise};
// A regulator issues ENTERPRISE tokens only (domain::MayIssueTokenRole).
const std::vector<Role> kTokenIssuers = {Role::kRegulator, Role::kAdmin};

// THE table: every method any service of this server offers. A method not
// listed here is denied to everyone (tests/access checks every method of
// every envcredit.v1 service is listed). Keep doc/access.md in step.
const absl::flat_hash_map<std::string, const std::vector<Role>*>& Table() {
  static const auto* table =
      new absl::flat_hash_map<std::string, const std::vector<Role>*>{
          // Infrastructure: a load balancer and grpcurl need no token.
          {"/grpc.health.v1.Health/Check", &kAnyone},
          {"/grpc.health.v1.Health/Watch", &kAnyone},
          {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
           &kAnyone},

          // Enterprise registry: integrators read it to name what they rate.
          {"/envcredit.v1.EnterpriseService/CreateEnterprise", &kRegulators},
          {"/envcredit.v1.EnterpriseService/BatchCreateEnterprises", &kRegulators},
          {"/envcredit.v1.EnterpriseService/GetEnterprise", &kReadersAndOwner},
          {"/envcredit.v1.EnterpriseService/ListEnterprises", &kReaders},
          {"/envcredit.v1.EnterpriseService/UpdateEnterprise", &kRegulators},

          // Records: regulators write and read them; an enterprise reads its
          // own and signs its own commitments (checks stay with regulators).
          {"/envcredit.v1.RecordService/CreateCommitment", &kRegulatorsAndOwner},
          {"/envcredit.v1.RecordService/GetCommitment", &kRegulatorsAndOwner},
          {"/envcredit.v1.RecordService/ListCommitments", &kRegulatorsAndOwner},
          {"/envcredit.v1.RecordService/CheckCommitmentItem", &kRegulators},
          {"/envcredit.v1.RecordService/CreatePenaltyDecision", &kRegulators},
          {"/envcredit.v1.RecordService/BatchCreatePenaltyDecisions",
           &kRegulators},
          {"/envcredit.v1.RecordService/GetPenaltyDecision", &kRegulatorsAndOwner},
          {"/envcredit.v1.RecordService/ListPenaltyDecisions", &kRegulatorsAndOwner},
          {"/envcredit.v1.RecordService/MarkPenaltyDecisionRectified",
           &kRegulators},
          {"/envcredit.v1.RecordService/RevokePenaltyDecision", &kRegulators},
          {"/envcredit.v1.RecordService/CreateComplaint", &kRegulators},
          {"/envcredit.v1.RecordService/GetComplaint", &kRegulatorsAndOwner},
          {"/envcredit.v1.RecordService/ListComplaints", &kRegulatorsAndOwner},
          {"/envcredit.v1.RecordService/CreateIncident", &kRegulators},
          {"/envcredit.v1.RecordService/GetIncident", &kRegulatorsAndOwner},
          {"/envcredit.v1.RecordService/ListIncidents", &kRegulatorsAndOwner},

          // Ratings: integrators read them, in bulk, as of a date, and
          // follow the feed; the roll and rescoring are administrative.
          {"/envcredit.v1.RatingService/GetRating", &kReadersAndOwner},
          {"/envcredit.v1.RatingService/BatchGetRatings", &kReadersAndOwner},
          {"/envcredit.v1.RatingService/ListRatings", &kReaders},
          {"/envcredit.v1.RatingService/GetRatingHistory", &kReadersAndOwner},
          // The public result of one enterprise (评价结果向社会公开): no
          // token, limited per calling address (doc/access.md).
          {"/envcredit.v1.RatingService/LookupPublicRating", &kAnyone},
          {"/envcredit.v1.RatingService/WatchRatingChanges", &kReaders},
          {"/envcredit.v1.RatingService/RollRatings", &kAdmin},
          {"/envcredit.v1.RatingService/RescoreRatings", &kAdmin},

          // Lists: regulators run the due process (and record objections
          // received); anyone with a token reads what was published; an
          // enterprise objects to a notice naming it and applies for repair.
          {"/envcredit.v1.ListService/ProposePublication", &kRegulators},
          {"/envcredit.v1.ListService/GetPublication", &kEveryToken},
          {"/envcredit.v1.ListService/ListPublicationEntries", &kEveryToken},
          {"/envcredit.v1.ListService/ListPublicationRemovals", &kEveryToken},
          {"/envcredit.v1.ListService/ListPublications", &kEveryToken},
          {"/envcredit.v1.ListService/StartNotice", &kRegulators},
          {"/envcredit.v1.ListService/FileObjection", &kRegulatorsAndOwner},
          {"/envcredit.v1.ListService/DecideObjection", &kRegulators},
          {"/envcredit.v1.ListService/ListObjections", &kRegulatorsAndOwner},
          {"/envcredit.v1.ListService/PublishPublication", &kRegulators},
          {"/envcredit.v1.ListService/ListEntries", &kEveryToken},
          {"/envcredit.v1.ListService/GetListEntry", &kEveryToken},
          {"/envcredit.v1.ListService/ApplyRepair", &kRegulatorsAndOwner},
          {"/envcredit.v1.ListService/DecideRepair", &kRegulators},
          {"/envcredit.v1.ListService/ListRepairs", &kRegulatorsAndOwner},

          // Audit and tokens: administrators only.
          {"/envcredit.v1.AuditService/ListAuditEntries", &kAdmin},
          {"/envcredit.v1.TokenService/CreateToken", &kTokenIssuers},
          {"/envcredit.v1.TokenService/ListTokens", &kAdmin},
          {"/envcredit.v1.TokenService/RevokeToken", &kAdmin},
      };
  return *table;
}

constexpr absl::string_view kBearer = "Bearer ";

// The methods that write, by name after the service: audited whatever their
// outcome (audit.proto), also when their request cannot be parsed.
const absl::flat_hash_map<std::string, bool>& Writes() {
  static const auto* writes = new absl::flat_hash_map<std::string, bool>{
      {"/envcredit.v1.EnterpriseService/CreateEnterprise", true},
      {"/envcredit.v1.EnterpriseService/BatchCreateEnterprises", true},
      {"/envcredit.v1.EnterpriseService/UpdateEnterprise", true},
      {"/envcredit.v1.RecordService/CreateCommitment", true},
      {"/envcredit.v1.RecordService/CheckCommitmentItem", true},
      {"/envcredit.v1.RecordService/CreatePenaltyDecision", true},
      {"/envcredit.v1.RecordService/BatchCreatePenaltyDecisions", true},
      {"/envcredit.v1.RecordService/MarkPenaltyDecisionRectified", true},
      {"/envcredit.v1.RecordService/RevokePenaltyDecision", true},
      {"/envcredit.v1.RecordService/CreateComplaint", true},
      {"/envcredit.v1.RecordService/CreateIncident", true},
      {"/envcredit.v1.RatingService/RollRatings", true},
      {"/envcredit.v1.RatingService/RescoreRatings", true},
      {"/envcredit.v1.ListService/ProposePublication", true},
      {"/envcredit.v1.ListService/StartNotice", true},
      {"/envcredit.v1.ListService/FileObjection", true},
      {"/envcredit.v1.ListService/DecideObjection", true},
      {"/envcredit.v1.ListService/PublishPublication", true},
      {"/envcredit.v1.ListService/ApplyRepair", true},
      {"/envcredit.v1.ListService/DecideRepair", true},
      {"/envcredit.v1.TokenService/CreateToken", true},
      {"/envcredit.v1.TokenService/RevokeToken", true},
  };
  return *writes;
}

absl::Status Unauthenticated(absl::string_view reason,
                             absl::string_view message) {
  return MakeError(absl::StatusCode::kUnauthenticated, reason, message);
}

}  // namespace

const std::vector<Role>* AllowedRoles(absl::string_view method) {
  auto it = Table().find(method);
  return it == Table().end() ? nullptr : it->second;
}

bool IsWriteMethod(absl::string_view method) {
  return Writes().contains(method);
}

std::vector<std::string> MethodsInRoleTable() {
  std::vector<std::string> methods;
  for (const auto& [method, roles] : Table()) methods.push_back(method);
  std::sort(methods.begin(), methods.end());
  return methods;
}

std::string NewTokenSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // Without randomness no token is safe to issue; this cannot be retried
    // into something better.
    LogError("RAND_bytes failed: cannot issue tokens");
    std::abort();
  }
  return absl::StrCat(
      "ect_", absl::WebSafeBase64Escape(absl::string_view(
                  reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

std::string HashTokenSecret(absl::string_view secret) { return Sha256(secret); }

std::string PeerAddress(absl::string_view grpc_peer) {
  absl::string_view rest = grpc_peer;
  if (size_t colon = rest.find(':');
      colon != absl::string_view::npos &&
      (absl::StartsWith(rest, "ipv4:") || absl::StartsWith(rest, "ipv6:"))) {
    rest = rest.substr(colon + 1);
  } else {
    return std::string(grpc_peer);
  }
  if (size_t port = rest.rfind(':'); port != absl::string_view::npos &&
                                     (rest.front() != '[' || rest[port - 1] == ']')) {
    rest = rest.substr(0, port);
  }
  // gRPC percent-encodes the brackets of IPv6 peers.
  std::string out(rest);
  absl::StrReplaceAll({{"%5B", "["}, {"%5D", "]"}}, &out);
  return out;
}

AccessControl::AccessControl(domain::TokenRepository* tokens,
                             AccessControlOptions options, DenialLog* denials)
    : tokens_(tokens), options_(options), denials_(denials) {}

AccessControl::Shard& AccessControl::ShardOf(const std::string& hash) {
  // The hash is SHA-256: any byte of it is uniform.
  const unsigned char first = hash.empty() ? 0 : static_cast<unsigned char>(hash[0]);
  return shards_[first % kShards];
}

void AccessControl::Forget(absl::string_view token_hash) {
  const std::string hash(token_hash);
  Shard& shard = ShardOf(hash);
  absl::MutexLock lock(&shard.mu);
  shard.cache.erase(hash);
}

absl::StatusOr<domain::Token> AccessControl::Lookup(
    const std::string& hash, absl::Time now, absl::FunctionRef<bool()> may_read) {
  Shard& shard = ShardOf(hash);
  // A valid token this process has read before is known: when its entry is
  // stale it is read again even for an address over its budget of denials
  // (a slow flood must not lock out the callers who hold real tokens).
  bool known = false;
  {
    absl::ReaderMutexLock lock(&shard.mu);
    auto it = shard.cache.find(hash);
    if (it != shard.cache.end() && now - it->second.fetched < options_.cache_ttl) {
      return it->second.token;
    }
    known = it != shard.cache.end() && it->second.token.ok();
  }
  if (!known && !may_read()) {
    return MakeError(absl::StatusCode::kResourceExhausted, "TOO_MANY_DENIALS",
                     "too many refused calls from this address; retry later");
  }
  absl::StatusOr<domain::Token> token = tokens_->FindByHash(hash);
  // Only answers are cached; a database outage is not remembered.
  if (token.ok() || token.status().code() == absl::StatusCode::kNotFound) {
    absl::MutexLock lock(&shard.mu);
    if (shard.cache.size() > 100000 / kShards) shard.cache.clear();  // bound memory
    shard.cache[hash] = CachedToken{token, now};
  }
  return token;
}

absl::Status AccessControl::Take(const std::string& hash, absl::Time now) {
  Shard& shard = ShardOf(hash);
  Bucket* bucket = nullptr;
  {
    absl::ReaderMutexLock lock(&shard.mu);
    auto it = shard.buckets.find(hash);
    if (it != shard.buckets.end()) bucket = it->second.get();
  }
  if (bucket == nullptr) {
    absl::MutexLock lock(&shard.mu);
    // Buckets of valid tokens only, and never erased: at most one per token
    // ever issued, so no bound is needed and a pointer stays valid.
    auto [it, inserted] = shard.buckets.try_emplace(hash);
    if (inserted) {
      it->second = std::make_unique<Bucket>();
      absl::MutexLock bucket_lock(&it->second->mu);
      it->second->level = options_.burst;
      it->second->updated = now;
    }
    bucket = it->second.get();
  }
  absl::MutexLock lock(&bucket->mu);
  // Calls of one token race to this lock: a `now` older than the last
  // update refills nothing.
  const double elapsed_s =
      std::max(0.0, absl::ToDoubleSeconds(now - bucket->updated));
  bucket->level = std::min(options_.burst,
                           bucket->level + elapsed_s * options_.rate_per_second);
  bucket->updated = std::max(bucket->updated, now);
  if (bucket->level >= 1) {
    bucket->level -= 1;
    return absl::OkStatus();
  }
  const double wait_ms = std::max(1.0, (1 - bucket->level) / options_.rate_per_second * 1000);
  return WithRetryDelay(
      MakeError(absl::StatusCode::kResourceExhausted, "RATE_LIMITED",
                absl::StrFormat("rate limit of %.0f calls/s for this token exceeded; "
                                "retry after %.0f ms",
                                options_.rate_per_second, wait_ms)),
      absl::Milliseconds(std::ceil(wait_ms)));
}

absl::StatusOr<Caller> AccessControl::Decide(
    absl::string_view method, absl::Span<const absl::string_view> authorizations,
    absl::FunctionRef<std::string()> peer, std::string* actor) {
  *actor = authorizations.empty() ? "anonymous" : "unknown-token";
  const std::vector<Role>* allowed = AllowedRoles(method);
  if (allowed == nullptr) {
    return MakeError(absl::StatusCode::kPermissionDenied, "METHOD_NOT_ALLOWED",
                     "this method is not open to any role");
  }
  if (allowed->empty()) return Caller{};  // anonymous method
  if (authorizations.empty()) {
    return Unauthenticated("TOKEN_MISSING",
                           "missing `authorization: Bearer <token>` metadata");
  }
  if (authorizations.size() > 1) {
    return Unauthenticated("TOKEN_DUPLICATED",
                           "a call must carry exactly one `authorization` "
                           "metadata entry");
  }
  const absl::string_view authorization = authorizations[0];
  if (!absl::StartsWith(authorization, kBearer)) {
    return Unauthenticated("TOKEN_MALFORMED",
                           "authorization must be `Bearer <token>`");
  }
  const absl::Time now = absl::Now();
  const std::string hash =
      HashTokenSecret(authorization.substr(kBearer.size()));
  // A peer that has used up its budget of denials gets no database reads:
  // only tokens this process already knows. (Asked on a cache miss only:
  // the hot path never touches the denial log's lock.)
  absl::StatusOr<domain::Token> token = Lookup(hash, now, [&] {
    return denials_ == nullptr || !denials_->OverBudget(peer());
  });
  if (!token.ok()) {
    if (token.status().code() == absl::StatusCode::kNotFound) {
      return Unauthenticated("TOKEN_UNKNOWN", "unknown token");
    }
    return token.status();  // UNAVAILABLE (database down), TOO_MANY_DENIALS
  }
  *actor = token->label;
  if (token->revoke_time.has_value()) {
    return Unauthenticated("TOKEN_REVOKED", "the token was revoked");
  }
  if (!token->ActiveAt(now)) {
    return Unauthenticated("TOKEN_EXPIRED", "the token has expired");
  }
  if (std::find(allowed->begin(), allowed->end(), token->role) ==
      allowed->end()) {
    return MakeError(absl::StatusCode::kPermissionDenied, "ROLE_NOT_ALLOWED",
                     absl::StrCat("role ", domain::RoleName(token->role),
                                  " may not call ", method));
  }
  RETURN_IF_ERROR(Take(hash, now));
  return Caller{token->id, token->role, token->label, token->credit_code};
}

absl::StatusOr<Caller> AccessControl::Check(
    absl::string_view method, absl::Span<const absl::string_view> authorizations,
    absl::string_view peer) {
  return Check(method, authorizations, [peer] { return std::string(peer); });
}

absl::StatusOr<Caller> AccessControl::Check(
    absl::string_view method, absl::Span<const absl::string_view> authorizations,
    absl::FunctionRef<std::string()> peer) {
  if (!ready_.load(std::memory_order_acquire)) {
    return WithRetryDelay(
        MakeError(absl::StatusCode::kUnavailable, "SERVER_STARTING",
                  "SERVER_STARTING: the server is starting (rating enterprises, loading "
                  "ratings); retry later"),
        absl::Seconds(1));
  }
  std::string actor;
  absl::StatusOr<Caller> caller = Decide(method, authorizations, peer, &actor);
  if (caller.ok()) return caller;
  return Refuse(caller.status(), method, peer, std::move(actor));
}

absl::Status AccessControl::Refuse(const absl::Status& decided, absl::string_view method,
                                   absl::FunctionRef<std::string()> peer,
                                   std::string actor) {
  // The reason leads the message, as clients and operators grep for it
  // (ErrorInfo carries it too).
  std::string reason = ErrorReason(decided);
  if (reason.empty()) reason = absl::StatusCodeToString(decided.code());
  absl::Status denial = MakeError(decided.code(), reason,
                                  absl::StrCat(reason, ": ", decided.message()),
                                  ErrorField(decided));
  if (std::optional<absl::Duration> delay = RetryDelayOf(decided)) {
    denial = WithRetryDelay(std::move(denial), *delay);  // RATE_LIMITED's
  }
  // A database outage while looking the token up is not a denial of the
  // caller: do not log or audit one per call (the outage is logged once by
  // the health check).
  if (denials_ != nullptr && denial.code() != absl::StatusCode::kUnavailable) {
    denials_->Record(Denial{peer(), std::move(actor),
                            std::string(method), denial.code(), reason});
  }
  return denial;
}

absl::StatusOr<Caller> AccessControl::Check(absl::string_view method,
                                            const grpc::ServerContextBase& context,
                                            const google::protobuf::Message& request) {
  absl::StatusOr<Caller> caller = Check(method, context);
  if (!caller.ok() || caller->role != Role::kEnterprise) return caller;
  absl::Status scope = CheckEnterpriseScope(method, request, caller->credit_code);
  if (scope.ok()) return caller;
  if (scope.code() != absl::StatusCode::kPermissionDenied) return scope;  // unreadable
  return Refuse(scope, method, [&context] { return PeerAddress(context.peer()); },
                caller->label);
}

absl::StatusOr<Caller> AccessControl::Check(
    absl::string_view method, const grpc::ServerContextBase& context) {
  absl::InlinedVector<absl::string_view, 1> authorizations;
  const auto& metadata = context.client_metadata();
  for (auto [it, end] = metadata.equal_range("authorization"); it != end; ++it) {
    authorizations.emplace_back(it->second.data(), it->second.size());
  }
  // The peer only when needed (a denial, a cache miss): gRPC builds the
  // string on every call of peer().
  return Check(method, authorizations,
               [&context] { return PeerAddress(context.peer()); });
}

}  // namespace envcredit::api
