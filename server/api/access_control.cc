#include "server/api/access_control.h"

#include <openssl/rand.h>

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/errors.h"
#include "common/log.h"
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
                                       Role::kRegulator, Role::kAdmin};

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
          {"/envcredit.v1.EnterpriseService/GetEnterprise", &kReaders},
          {"/envcredit.v1.EnterpriseService/ListEnterprises", &kReaders},
          {"/envcredit.v1.EnterpriseService/UpdateEnterprise", &kRegulators},

          // Records: regulators write and read them.
          {"/envcredit.v1.RecordService/CreateCommitment", &kRegulators},
          {"/envcredit.v1.RecordService/GetCommitment", &kRegulators},
          {"/envcredit.v1.RecordService/ListCommitments", &kRegulators},
          {"/envcredit.v1.RecordService/CheckCommitmentItem", &kRegulators},
          {"/envcredit.v1.RecordService/CreatePenaltyDecision", &kRegulators},
          {"/envcredit.v1.RecordService/BatchCreatePenaltyDecisions",
           &kRegulators},
          {"/envcredit.v1.RecordService/GetPenaltyDecision", &kRegulators},
          {"/envcredit.v1.RecordService/ListPenaltyDecisions", &kRegulators},
          {"/envcredit.v1.RecordService/MarkPenaltyDecisionRectified",
           &kRegulators},
          {"/envcredit.v1.RecordService/RevokePenaltyDecision", &kRegulators},
          {"/envcredit.v1.RecordService/CreateComplaint", &kRegulators},
          {"/envcredit.v1.RecordService/GetComplaint", &kRegulators},
          {"/envcredit.v1.RecordService/ListComplaints", &kRegulators},
          {"/envcredit.v1.RecordService/CreateIncident", &kRegulators},
          {"/envcredit.v1.RecordService/GetIncident", &kRegulators},
          {"/envcredit.v1.RecordService/ListIncidents", &kRegulators},

          // Ratings: integrators read them, in bulk, as of a date, and
          // follow the feed; the roll and rescoring are administrative.
          {"/envcredit.v1.RatingService/GetRating", &kReaders},
          {"/envcredit.v1.RatingService/BatchGetRatings", &kReaders},
          {"/envcredit.v1.RatingService/ListRatings", &kReaders},
          {"/envcredit.v1.RatingService/GetRatingHistory", &kReaders},
          {"/envcredit.v1.RatingService/WatchRatingChanges", &kReaders},
          {"/envcredit.v1.RatingService/RollRatings", &kAdmin},
          {"/envcredit.v1.RatingService/RescoreRatings", &kAdmin},

          // Lists: regulators run the due process (and record objections
          // received); anyone with a token reads what was published.
          {"/envcredit.v1.ListService/ProposePublication", &kRegulators},
          {"/envcredit.v1.ListService/GetPublication", &kEveryToken},
          {"/envcredit.v1.ListService/ListPublications", &kEveryToken},
          {"/envcredit.v1.ListService/StartNotice", &kRegulators},
          {"/envcredit.v1.ListService/FileObjection", &kRegulators},
          {"/envcredit.v1.ListService/DecideObjection", &kRegulators},
          {"/envcredit.v1.ListService/ListObjections", &kRegulators},
          {"/envcredit.v1.ListService/PublishPublication", &kRegulators},
          {"/envcredit.v1.ListService/ListEntries", &kEveryToken},
          {"/envcredit.v1.ListService/ApplyRepair", &kRegulators},

          // Audit and tokens: administrators only.
          {"/envcredit.v1.AuditService/ListAuditEntries", &kAdmin},
          {"/envcredit.v1.TokenService/CreateToken", &kAdmin},
          {"/envcredit.v1.TokenService/ListTokens", &kAdmin},
          {"/envcredit.v1.TokenService/RevokeToken", &kAdmin},
      };
  return *table;
}

constexpr absl::string_view kBearer = "Bearer ";

absl::Status Unauthenticated(absl::string_view reason,
                             absl::string_view message) {
  return MakeError(absl::StatusCode::kUnauthenticated, reason, message);
}

// Labels of tokens that passed AuthProcessor, by hash, for ActorOf. Shared
// by the process (a cache of facts, not configuration), bounded.
absl::Mutex labels_mu(absl::kConstInit);
absl::flat_hash_map<std::string, std::string>* labels
    ABSL_GUARDED_BY(labels_mu) = nullptr;

void RememberLabel(const std::string& hash, const std::string& label) {
  absl::MutexLock lock(&labels_mu);
  if (labels == nullptr) labels = new absl::flat_hash_map<std::string, std::string>();
  if (labels->size() > 100000) labels->clear();
  (*labels)[hash] = label;
}

}  // namespace

std::string LabelOfAuthenticatedToken(absl::string_view authorization) {
  if (!absl::StartsWith(authorization, kBearer)) return "";
  const std::string hash = HashTokenSecret(authorization.substr(kBearer.size()));
  absl::MutexLock lock(&labels_mu);
  if (labels == nullptr) return "";
  auto it = labels->find(hash);
  return it == labels->end() ? "" : it->second;
}

const std::vector<Role>* AllowedRoles(absl::string_view method) {
  auto it = Table().find(method);
  return it == Table().end() ? nullptr : it->second;
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

AuthProcessor::AuthProcessor(domain::TokenRepository* tokens,
                             AccessControlOptions options,
                             std::function<void(const Denial&)> on_denial)
    : tokens_(tokens), options_(options), on_denial_(std::move(on_denial)) {}

void AuthProcessor::Forget(absl::string_view token_hash) {
  absl::MutexLock lock(&mu_);
  cache_.erase(std::string(token_hash));
}

absl::StatusOr<domain::Token> AuthProcessor::Lookup(const std::string& hash,
                                                    absl::Time now) {
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.fetched < options_.cache_ttl) {
      return it->second.token;
    }
  }
  absl::StatusOr<domain::Token> token = tokens_->FindByHash(hash);
  // Only answers are cached; a database outage is not remembered.
  if (token.ok() || token.status().code() == absl::StatusCode::kNotFound) {
    absl::MutexLock lock(&mu_);
    if (cache_.size() > 100000) cache_.clear();  // bound memory
    cache_[hash] = CachedToken{token, now};
  }
  return token;
}

absl::Status AuthProcessor::Take(const std::string& hash, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(hash);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.level = options_.burst;
    bucket.updated = now;
  }
  bucket.level = std::min(
      options_.burst,
      bucket.level + absl::ToDoubleSeconds(now - bucket.updated) *
                         options_.rate_per_second);
  bucket.updated = now;
  if (bucket.level >= 1) {
    bucket.level -= 1;
    return absl::OkStatus();
  }
  const double wait_ms = (1 - bucket.level) / options_.rate_per_second * 1000;
  return MakeError(
      absl::StatusCode::kResourceExhausted, "RATE_LIMITED",
      absl::StrFormat("rate limit of %.0f calls/s for this token exceeded; "
                      "retry after %.0f ms",
                      options_.rate_per_second, std::max(1.0, wait_ms)));
}

absl::StatusOr<domain::Token> AuthProcessor::Authorize(
    absl::string_view method, absl::string_view authorization,
    std::string* actor) {
  if (actor != nullptr) *actor = authorization.empty() ? "anonymous" : "unknown-token";
  const std::vector<Role>* allowed = AllowedRoles(method);
  if (allowed == nullptr) {
    return MakeError(absl::StatusCode::kPermissionDenied, "METHOD_NOT_ALLOWED",
                     absl::StrCat(method, " is not open to any role"));
  }
  if (allowed->empty()) return domain::Token{};  // anonymous method
  if (authorization.empty()) {
    return Unauthenticated("TOKEN_MISSING",
                           "missing `authorization: Bearer <token>` metadata");
  }
  if (!absl::StartsWith(authorization, kBearer)) {
    return Unauthenticated("TOKEN_MALFORMED",
                           "authorization must be `Bearer <token>`");
  }
  const absl::Time now = absl::Now();
  const std::string hash =
      HashTokenSecret(authorization.substr(kBearer.size()));
  absl::StatusOr<domain::Token> token = Lookup(hash, now);
  if (!token.ok()) {
    if (token.status().code() == absl::StatusCode::kNotFound) {
      return Unauthenticated("TOKEN_UNKNOWN", "unknown token");
    }
    return token.status();  // UNAVAILABLE: the database is down
  }
  if (actor != nullptr) *actor = token->label;
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
  if (absl::Status rate = Take(hash, now); !rate.ok()) return rate;
  return token;
}

grpc::Status AuthProcessor::Process(const InputMetadata& auth_metadata,
                                    grpc::AuthContext* context,
                                    OutputMetadata* consumed_auth_metadata,
                                    OutputMetadata* response_metadata) {
  std::string method, authorization;
  for (const auto& [key, value] : auth_metadata) {
    if (key == ":path") method.assign(value.data(), value.size());
    if (key == "authorization") authorization.assign(value.data(), value.size());
  }
  std::string actor;
  absl::StatusOr<domain::Token> token = Authorize(method, authorization, &actor);
  if (!token.ok()) {
    // A database outage while looking the token up is not a denial of the
    // caller: do not log or audit one per call (the outage is logged once
    // by the health check).
    if (on_denial_ && token.status().code() != absl::StatusCode::kUnavailable) {
      on_denial_(Denial{
          actor, method,
          absl::StatusCodeToString(token.status().code()),
          ErrorReason(token.status())});
    }
    return grpc::Status(static_cast<grpc::StatusCode>(token.status().code()),
                        absl::StrCat(ErrorReason(token.status()), ": ",
                                     token.status().message()));
  }
  // Not context->AddProperty: gRPC hands every call of a connection the
  // same AuthContext, so per-call properties would race and pile up, and
  // calls with different tokens on one connection would share an actor.
  // The handler finds its actor from its own metadata (ActorOf).
  if (!token->label.empty()) {
    RememberLabel(HashTokenSecret(authorization.substr(kBearer.size())),
                  token->label);
  }
  return grpc::Status::OK;
}

}  // namespace envcredit::api
