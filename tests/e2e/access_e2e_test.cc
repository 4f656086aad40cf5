// Access control end to end: every method of the role table called with
// every role and with no token, asserting the exact code; revocation,
// expiry, the rate limit, the bootstrap token, TLS and mutual TLS.
#include <sys/stat.h>

#include <csignal>

#include <atomic>
#include <condition_variable>
#include <thread>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "envcredit/v1/access.grpc.pb.h"
#include "envcredit/v1/audit.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/api/access_control.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_certificates.h"
#include "tests/support/test_database.h"

namespace envcredit {
namespace {

using ::testing::HasSubstr;

// Calls `method` with `bytes` as the request, as they are, through a
// generic stub on `channel`, carrying each of `authorizations` as an
// `authorization` metadata entry; the status.
grpc::Status CallWithBytes(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& method, const std::string& bytes,
                           const std::vector<std::string>& authorizations = {}) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  for (const std::string& value : authorizations) context.AddMetadata("authorization", value);
  // A server-streaming method (…/Watch…) that passed access control keeps
  // the call open: its deadline ends it (DEADLINE_EXCEEDED, which is past
  // access control too). Unary methods answer at once.
  const bool streaming = method.find("/Watch") != std::string::npos;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(streaming ? 2 : 10));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mu);
                   result = std::move(status);
                   done = true;
                   done_cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mu);
  done_cv.wait(lock, [&] { return done; });
  return result;
}

// Calls `method` with an empty request through a generic stub: what the
// server answers before (or without) parsing anything.
grpc::StatusCode CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& method) {
  return CallWithBytes(channel, method, "").error_code();
}

// The same on a plain channel to `address`, with the given `authorization`
// entries (none, one, or several).
grpc::Status CallBytes(const std::string& address, const std::string& method,
                       const std::string& bytes,
                       const std::vector<std::string>& authorizations) {
  return CallWithBytes(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()),
                       method, bytes, authorizations);
}

// A CreateEnterprise request for a fresh code; with `not_utf8` its display
// name holds bytes that are not UTF-8, so the server cannot parse it.
std::string CreateEnterpriseBytes(const std::string& credit_code, bool not_utf8) {
  v1::CreateEnterpriseRequest request;
  request.mutable_enterprise()->set_credit_code(credit_code);
  request.mutable_enterprise()->set_display_name("<name>");
  request.mutable_enterprise()->set_industry(v1::OTHER);
  std::string bytes = request.SerializeAsString();
  if (not_utf8) bytes.replace(bytes.find("<name>"), 6, "\xff\xfe\xc0\xaf\xed\xa0");
  return bytes;
}

class AccessE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = testing::TestDatabase::Create("e2e_access");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
    // The role matrix alone is about 200 denied calls from 127.0.0.1 within
    // seconds; over the default budget of denials per peer (10/s, burst 50)
    // a token not yet cached would be refused with TOO_MANY_DENIALS instead
    // of its own code. The budget is raised here, for this suite only;
    // DenialFloodIsSummarised tests it.
    auto server = testing::ServerProcess::Start(
        database_->config(), {"--denials_per_peer_burst=100000"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    admin_ = server_->admin_token();
    ASSERT_FALSE(admin_.empty());
    for (v1::Role role : {v1::PUBLIC, v1::INTEGRATOR, v1::REGULATOR, v1::ADMIN}) {
      tokens_[role] = CreateToken(role, absl::StrCat("test-", v1::Role_Name(role)));
    }
    // An ENTERPRISE token is bound to a registered enterprise.
    {
      auto enterprises = v1::EnterpriseService::NewStub(
          testing::AuthedChannel(server_->address(), admin_));
      grpc::ClientContext context;
      v1::CreateEnterpriseRequest request;
      request.mutable_enterprise()->set_credit_code(kEnterpriseCode);
      request.mutable_enterprise()->set_display_name("矩阵测试企业");
      request.mutable_enterprise()->set_region_code("320100");
      request.mutable_enterprise()->set_industry(v1::OTHER);
      v1::Enterprise created;
      grpc::Status status = enterprises->CreateEnterprise(&context, request, &created);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    tokens_[v1::ENTERPRISE] = CreateToken(v1::ENTERPRISE, "test-ENTERPRISE", kEnterpriseCode);
  }
  // A failure in SetUpTestSuite would otherwise let each test pass unrun.
  void SetUp() override { ASSERT_NE(server_, nullptr) << "server did not start"; }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete database_;
    database_ = nullptr;
  }

  static constexpr char kEnterpriseCode[] = "91320100MA1W2X3Y6A";

  static std::string CreateToken(v1::Role role, const std::string& label,
                                 const std::string& credit_code = "") {
    auto stub = v1::TokenService::NewStub(
        testing::AuthedChannel(server_->address(), admin_));
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.mutable_token()->set_role(role);
    request.mutable_token()->set_label(label);
    request.mutable_token()->set_credit_code(credit_code);
    v1::CreateTokenResponse response;
    grpc::Status status = stub->CreateToken(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    last_token_name_ = response.token().name();
    return response.secret();
  }

  static std::vector<v1::AuditEntry> AuditEntries(const std::string& actor,
                                                  const std::string& method,
                                                  const std::string& outcome = "") {
    auto audit = v1::AuditService::NewStub(
        testing::AuthedChannel(server_->address(), admin_));
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_actor(actor);
    request.set_method(method);
    request.set_outcome(outcome);
    request.set_page_size(1000);
    v1::ListAuditEntriesResponse response;
    grpc::Status status = audit->ListAuditEntries(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.entries().begin(), response.entries().end()};
  }

  static grpc::StatusCode GetEnterpriseCode(const std::string& credit_code) {
    auto stub = v1::EnterpriseService::NewStub(
        testing::AuthedChannel(server_->address(), admin_));
    grpc::ClientContext context;
    v1::GetEnterpriseRequest request;
    request.set_name("enterprises/" + credit_code);
    v1::Enterprise response;
    return stub->GetEnterprise(&context, request, &response).error_code();
  }

  static testing::TestDatabase* database_;
  static testing::ServerProcess* server_;
  static std::string admin_;
  static std::map<v1::Role, std::string> tokens_;
  static std::string last_token_name_;
};

testing::TestDatabase* AccessE2eTest::database_ = nullptr;
testing::ServerProcess* AccessE2eTest::server_ = nullptr;
std::string AccessE2eTest::admin_;
std::map<v1::Role, std::string> AccessE2eTest::tokens_;
std::string AccessE2eTest::last_token_name_;

TEST_F(AccessE2eTest, EveryMethodWithEveryRoleAndWithoutToken) {
  int checked = 0;
  for (const std::string& method : api::MethodsInRoleTable()) {
    const std::vector<domain::Role>* allowed = api::AllowedRoles(method);
    ASSERT_NE(allowed, nullptr);
    if (allowed->empty()) continue;  // anonymous: see HealthNeedsNoToken
    SCOPED_TRACE(method);
    EXPECT_EQ(CallRaw(testing::AuthedChannel(server_->address(), ""), method),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(CallRaw(testing::AuthedChannel(server_->address(), "ect_forged"),
                      method),
              grpc::StatusCode::UNAUTHENTICATED);
    for (const auto& [role, token] : tokens_) {
      SCOPED_TRACE(v1::Role_Name(role));
      const bool may = std::find(allowed->begin(), allowed->end(),
                                 static_cast<domain::Role>(role)) != allowed->end();
      const grpc::Status status =
          CallWithBytes(testing::AuthedChannel(server_->address(), token), method, "");
      const grpc::StatusCode code = status.error_code();
      if (role == v1::ENTERPRISE) {
        // An empty request names no enterprise, or names one that is not
        // its own (NOT_OWN_ENTERPRISE): past the role check either way.
        const std::string reason = testing::DetailsOf(status).reason;
        if (may) {
          EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED);
          EXPECT_NE(reason, "ROLE_NOT_ALLOWED");
          EXPECT_NE(reason, "METHOD_NOT_ALLOWED");  // every allowed method has a rule
        } else {
          EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED);
          EXPECT_EQ(reason, "ROLE_NOT_ALLOWED");
        }
      } else if (may) {
        // Past access control: the handler answers (here, to an empty
        // request), whatever it says.
        EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_NE(code, grpc::StatusCode::PERMISSION_DENIED);
      } else {
        EXPECT_EQ(code, grpc::StatusCode::PERMISSION_DENIED);
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
}

TEST_F(AccessE2eTest, PermissionDeniedComesBeforeNotFound) {
  auto stub = v1::EnterpriseService::NewStub(
      testing::AuthedChannel(server_->address(), tokens_[v1::INTEGRATOR]));
  grpc::ClientContext context;
  v1::UpdateEnterpriseRequest request;
  request.mutable_enterprise()->set_name("enterprises/913301061234567887");
  v1::Enterprise response;
  EXPECT_EQ(stub->UpdateEnterprise(&context, request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessE2eTest, DenialsAndTokenWritesAreAudited) {
  // A denied write by the integrator...
  EXPECT_EQ(CallRaw(testing::AuthedChannel(server_->address(),
                                           tokens_[v1::INTEGRATOR]),
                    "/envcredit.v1.EnterpriseService/CreateEnterprise"),
            grpc::StatusCode::PERMISSION_DENIED);
  auto audit = v1::AuditService::NewStub(
      testing::AuthedChannel(server_->address(), admin_));
  {
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_actor("test-INTEGRATOR");
    request.set_outcome("PERMISSION_DENIED");
    v1::ListAuditEntriesResponse response;
    ASSERT_TRUE(audit->ListAuditEntries(&context, request, &response).ok());
    ASSERT_GE(response.entries_size(), 1);
    EXPECT_EQ(response.entries(0).method(),
              "/envcredit.v1.EnterpriseService/CreateEnterprise");
    EXPECT_EQ(response.entries(0).reason(), "ROLE_NOT_ALLOWED");
  }
  // ...and the tokens the bootstrap admin created, with it as the actor.
  {
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_actor("bootstrap-admin");
    request.set_method("/envcredit.v1.TokenService/CreateToken");
    v1::ListAuditEntriesResponse response;
    ASSERT_TRUE(audit->ListAuditEntries(&context, request, &response).ok());
    EXPECT_GE(response.entries_size(), 4);  // one per role at least
    for (const auto& entry : response.entries()) {
      EXPECT_EQ(entry.outcome(), "OK");
      EXPECT_THAT(entry.resource(), HasSubstr("tokens/"));
    }
  }
}

// Calls with different tokens, many at once, possibly sharing connections:
// the server stays up and every write is attributed to its own token.
TEST_F(AccessE2eTest, ConcurrentCallsKeepTheirOwnActor) {
  const std::string regulator = tokens_[v1::REGULATOR];
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      const bool as_admin = t % 2 == 0;
      auto stub = v1::EnterpriseService::NewStub(testing::AuthedChannel(
          server_->address(), as_admin ? admin_ : regulator));
      for (int i = 0; i < 20; ++i) {
        char body[9];
        snprintf(body, sizeof(body), "CC%02d%04d", t, i);
        v1::CreateEnterpriseRequest request;
        request.mutable_enterprise()->set_credit_code(
            *domain::MakeUscc("91", "320100", body));
        request.mutable_enterprise()->set_display_name(
            as_admin ? "（虚构）管理员" : "（虚构）监管员");
        request.mutable_enterprise()->set_industry(v1::OTHER);
        grpc::ClientContext context;
        v1::Enterprise response;
        if (stub->CreateEnterprise(&context, request, &response).ok()) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 160);
  auto audit = v1::AuditService::NewStub(
      testing::AuthedChannel(server_->address(), admin_));
  for (const char* actor : {"bootstrap-admin", "test-REGULATOR"}) {
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_actor(actor);
    request.set_method("/envcredit.v1.EnterpriseService/CreateEnterprise");
    request.set_outcome("OK");
    request.set_page_size(1000);
    v1::ListAuditEntriesResponse response;
    ASSERT_TRUE(audit->ListAuditEntries(&context, request, &response).ok());
    // The admin also registered the ENTERPRISE token's enterprise (set-up).
    const int before = std::string(actor) == "bootstrap-admin" ? 1 : 0;
    EXPECT_EQ(response.entries_size(), 80 + before) << actor;
  }
}

// A method the server does not have answers gRPC's UNIMPLEMENTED to anyone,
// so generic clients that probe (for an API version, a reflection version)
// fall back; the methods it has stay deny-by-default (the role matrix above).
TEST_F(AccessE2eTest, UnknownMethodIsUnimplementedForAnyCaller) {
  for (const std::string& token : {admin_, std::string()}) {
    EXPECT_EQ(CallRaw(testing::AuthedChannel(server_->address(), token),
                      "/envcredit.v1.EnterpriseService/DeleteEverything"),
              grpc::StatusCode::UNIMPLEMENTED)
        << (token.empty() ? "no token" : "admin");
    EXPECT_EQ(CallRaw(testing::AuthedChannel(server_->address(), token),
                      "/envcredit.v2.RatingService/GetRating"),
              grpc::StatusCode::UNIMPLEMENTED)
        << (token.empty() ? "no token" : "admin");
  }
}

TEST_F(AccessE2eTest, HealthNeedsNoToken) {
  auto health = grpc::health::v1::Health::NewStub(
      testing::AuthedChannel(server_->address(), ""));
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(AccessE2eTest, RevokedTokenIsRefusedAtOnce) {
  const std::string secret = CreateToken(v1::REGULATOR, "to-be-revoked");
  const std::string name = last_token_name_;
  const std::string method = "/envcredit.v1.EnterpriseService/ListEnterprises";
  EXPECT_EQ(CallRaw(testing::AuthedChannel(server_->address(), secret), method),
            grpc::StatusCode::OK);
  auto tokens = v1::TokenService::NewStub(
      testing::AuthedChannel(server_->address(), admin_));
  {
    grpc::ClientContext context;
    v1::RevokeTokenRequest request;
    request.set_name(name);
    v1::Token revoked;
    ASSERT_TRUE(tokens->RevokeToken(&context, request, &revoked).ok());
    EXPECT_TRUE(revoked.has_revoke_time());
  }
  EXPECT_EQ(CallRaw(testing::AuthedChannel(server_->address(), secret), method),
            grpc::StatusCode::UNAUTHENTICATED);
  {
    grpc::ClientContext context;
    v1::RevokeTokenRequest request;
    request.set_name(name);
    v1::Token again;
    EXPECT_EQ(tokens->RevokeToken(&context, request, &again).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
}

TEST_F(AccessE2eTest, TokensAreStoredHashedAndSecretsShownOnce) {
  auto tokens = v1::TokenService::NewStub(
      testing::AuthedChannel(server_->address(), admin_));
  grpc::ClientContext context;
  v1::ListTokensRequest request;
  request.set_page_size(100);
  v1::ListTokensResponse response;
  ASSERT_TRUE(tokens->ListTokens(&context, request, &response).ok());
  EXPECT_GE(response.tokens_size(), 5);  // bootstrap + one per role
  std::string dump = response.DebugString();
  for (const auto& [role, secret] : tokens_) {
    EXPECT_EQ(dump.find(secret), std::string::npos);
  }
}

TEST_F(AccessE2eTest, BootstrapTokenFileIsOwnerOnly) {
  // The server wrote it next to its log; ServerProcess knows where.
  struct stat info;
  const std::string log = server_->Log();
  ASSERT_THAT(log, HasSubstr("ADMIN token written to "));
  const size_t start = log.find("ADMIN token written to ") + 23;
  const std::string path = log.substr(start, log.find(' ', start) - start);
  ASSERT_EQ(stat(path.c_str(), &info), 0) << path;
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

// Finding 1 of issue 13: two `authorization` entries on one call. The check
// used one and the audit the other; now such a call is refused before
// anything runs, whichever order and combination.
TEST_F(AccessE2eTest, TwoAuthorizationHeadersAreRefusedAndNothingWritten) {
  const std::string create = "/envcredit.v1.EnterpriseService/CreateEnterprise";
  const std::string bearer_regulator = "Bearer " + tokens_[v1::REGULATOR];
  const std::string bearer_integrator = "Bearer " + tokens_[v1::INTEGRATOR];
  const std::vector<std::vector<std::string>> pairs = {
      {"Bearer ect_unknown", bearer_regulator},
      {bearer_integrator, bearer_regulator},
      {bearer_regulator, bearer_regulator},
      {bearer_regulator, "Bearer ect_unknown"},
  };
  int n = 0;
  for (const auto& pair : pairs) {
    SCOPED_TRACE(n);
    const std::string code = *domain::MakeUscc("91", "320100", absl::StrCat("DUP0000", n++));
    const grpc::Status status = CallBytes(server_->address(), create,
                                          CreateEnterpriseBytes(code, false), pair);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_THAT(status.error_message(), ::testing::StartsWith("TOKEN_DUPLICATED: "));
    EXPECT_EQ(GetEnterpriseCode(code), grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_THAT(AuditEntries("", create, "OK"),
              ::testing::Each(::testing::Property(
                  &v1::AuditEntry::resource,
                  ::testing::Not(HasSubstr("DUP0000")))));
  // [PUBLIC, ADMIN] listed tokens.
  const grpc::Status list = CallBytes(
      server_->address(), "/envcredit.v1.TokenService/ListTokens", "",
      {"Bearer " + tokens_[v1::PUBLIC], "Bearer " + tokens_[v1::ADMIN]});
  EXPECT_EQ(list.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // The denials are audited under the reason.
  EXPECT_FALSE(AuditEntries("", "/envcredit.v1.TokenService/ListTokens",
                            "UNAUTHENTICATED")
                   .empty());
}

// The actor of a write is the label of the token that passed the check —
// carried from the check to the audit, not looked up again.
TEST_F(AccessE2eTest, WriteIsAuditedUnderTheCheckedTokensLabel) {
  const std::string secret = CreateToken(v1::REGULATOR, "checked.label");
  const std::string code = *domain::MakeUscc("91", "320100", "ACTR0001");
  const grpc::Status status = CallBytes(
      server_->address(), "/envcredit.v1.EnterpriseService/CreateEnterprise",
      CreateEnterpriseBytes(code, false), {"Bearer " + secret});
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto entries =
      AuditEntries("", "/envcredit.v1.EnterpriseService/CreateEnterprise", "OK");
  int found = 0;
  for (const auto& entry : entries) {
    if (entry.resource() == "enterprises/" + code) {
      EXPECT_EQ(entry.actor(), "checked.label");
      ++found;
    }
  }
  EXPECT_EQ(found, 1);
}

// Finding 10: labels are identifiers — no reserved actor names, no second
// active holder of a label, nothing that forges a log field.
TEST_F(AccessE2eTest, TokenLabelsAreCheckedAndUnique) {
  auto tokens = v1::TokenService::NewStub(
      testing::AuthedChannel(server_->address(), admin_));
  auto create = [&](const std::string& label, v1::CreateTokenResponse* out) {
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.mutable_token()->set_role(v1::INTEGRATOR);
    request.mutable_token()->set_label(label);
    return tokens->CreateToken(&context, request, out);
  };
  v1::CreateTokenResponse ignored;
  for (const std::string label :
       {"anonymous", "bootstrap-admin", "Bootstrap-Admin", "unknown-token",
        "unauthenticated"}) {
    SCOPED_TRACE(label);
    const grpc::Status status = create(label, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("token.label"));
  }
  for (const std::string label :
       {"evil actor=admin code=OK", "a b", "x=y", "quote\"d", "peer:1.2.3.4",
        "-leading", "名字", "tab\there"}) {
    SCOPED_TRACE(label);
    const grpc::Status status = create(label, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("token.label"));
  }
  EXPECT_TRUE(AuditEntries("evil actor=admin code=OK", "").empty());
  // One active holder per label (any case); free again once revoked.
  v1::CreateTokenResponse first;
  ASSERT_TRUE(create("bank.one", &first).ok());
  const grpc::Status again = create("Bank.One", &ignored);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(again.error_message(), HasSubstr("token.label"));
  {
    grpc::ClientContext context;
    v1::RevokeTokenRequest request;
    request.set_name(first.token().name());
    v1::Token revoked;
    ASSERT_TRUE(tokens->RevokeToken(&context, request, &revoked).ok());
  }
  EXPECT_TRUE(create("bank.one", &ignored).ok());
}

// Finding 12: a write gRPC cannot parse is audited (audit.proto: every
// write), under the caller that passed the check; a caller that would be
// denied gets the denial, not the parse error (doc/access.md order).
TEST_F(AccessE2eTest, UnparsableWriteIsCheckedFirstThenAudited) {
  const std::string create = "/envcredit.v1.EnterpriseService/CreateEnterprise";
  const std::string secret = CreateToken(v1::REGULATOR, "malformed.writer");
  const std::string bytes =
      CreateEnterpriseBytes(*domain::MakeUscc("91", "320100", "BADUTF01"), true);
  EXPECT_EQ(CallBytes(server_->address(), create, bytes, {}).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallBytes(server_->address(), create, bytes,
                      {"Bearer " + tokens_[v1::INTEGRATOR]})
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status status =
      CallBytes(server_->address(), create, bytes, {"Bearer " + secret});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto entries = AuditEntries("malformed.writer", create);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].outcome(), "INVALID_ARGUMENT");
  EXPECT_EQ(entries[0].reason(), "INVALID_TEXT");
  EXPECT_EQ(entries[0].field(), "enterprise.display_name");
  // The integrator's refusal is audited as a denial, not as a bad request.
  for (const auto& entry : AuditEntries("test-INTEGRATOR", create)) {
    EXPECT_EQ(entry.outcome(), "PERMISSION_DENIED");
  }
}

TEST(AccessLimitsTest, RateLimitAnswersResourceExhaustedWithRetryAdvice) {
  auto db = testing::TestDatabase::Create("e2e_rate");
  ASSERT_TRUE(db.ok()) << db.status();
  auto server = testing::ServerProcess::Start(
      (*db)->config(), {"--rate_limit_per_second=1", "--rate_limit_burst=3"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::EnterpriseService::NewStub(
      testing::AuthedChannel((*server)->address(), (*server)->admin_token()));
  int ok = 0, exhausted = 0;
  std::string message;
  std::optional<int64_t> retry_ms;  // google.rpc.RetryInfo of a refusal
  for (int i = 0; i < 8; ++i) {
    grpc::ClientContext context;
    v1::ListEnterprisesRequest request;
    v1::ListEnterprisesResponse response;
    grpc::Status status = stub->ListEnterprises(&context, request, &response);
    if (status.ok()) ++ok;
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
      message = status.error_message();
      google::rpc::Status details;
      if (details.ParseFromString(status.error_details())) {
        for (const auto& any : details.details()) {
          google::rpc::RetryInfo info;
          if (any.UnpackTo(&info)) {
            retry_ms = info.retry_delay().seconds() * 1000 + info.retry_delay().nanos() / 1000000;
          }
        }
      }
    }
  }
  // A burst of 3 at 1 call/s: 8 calls in well under 5 s leave at least 3
  // refused, however slow the machine (each refusal is counted, not timed).
  EXPECT_GE(ok, 3);
  EXPECT_GE(exhausted, 1);
  EXPECT_EQ(ok + exhausted, 8);
  EXPECT_THAT(message, HasSubstr("retry after"));
  // The advice a client library reads: RetryInfo, at most a token's refill
  // time (1 s at 1 call/s).
  ASSERT_TRUE(retry_ms.has_value());
  EXPECT_GT(*retry_ms, 0);
  EXPECT_LE(*retry_ms, 1000);
}

// Finding 9: a flood of bad tokens from one address. Within the budget
// (burst 5, 1/s here) each denial is logged and audited; beyond it they are
// counted into one summary line and audit entry per address and interval,
// and that address gets no database look-ups for unknown tokens. Counts are
// bounded by the test's own elapsed time, never by a timing assertion.
TEST(AccessLimitsTest, DenialFloodIsSummarised) {
  auto db = testing::TestDatabase::Create("e2e_denials");
  ASSERT_TRUE(db.ok()) << db.status();
  auto server = testing::ServerProcess::Start(
      (*db)->config(), {"--denials_per_peer_per_second=1", "--denials_per_peer_burst=5",
                        "--denial_summary_seconds=1"});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string admin = (*server)->admin_token();
  const std::string list = "/envcredit.v1.EnterpriseService/ListEnterprises";
  // The admin token is known (cached) before the flood.
  ASSERT_EQ(CallRaw(testing::AuthedChannel((*server)->address(), admin), list),
            grpc::StatusCode::OK);
  constexpr int kCalls = 200;
  const absl::Time start = absl::Now();
  int unauthenticated = 0, too_many = 0;
  for (int i = 0; i < kCalls; ++i) {
    const grpc::Status status = CallBytes((*server)->address(), list, "",
                                          {absl::StrCat("Bearer ect_garbage", i)});
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) ++unauthenticated;
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++too_many;
      EXPECT_THAT(status.error_message(), ::testing::StartsWith("TOO_MANY_DENIALS: "));
    }
  }
  const double elapsed_s = absl::ToDoubleSeconds(absl::Now() - start);
  EXPECT_EQ(unauthenticated + too_many, kCalls);
  EXPECT_GT(too_many, 0);
  // A known token from the same address still works during the flood.
  EXPECT_EQ(CallRaw(testing::AuthedChannel((*server)->address(), admin), list),
            grpc::StatusCode::OK);
  // Individual entries: at most the burst plus what the rate refilled.
  const int64_t bound = 5 + static_cast<int64_t>(elapsed_s * 1) + 2;
  auto audit = v1::AuditService::NewStub(
      testing::AuthedChannel((*server)->address(), admin));
  int64_t single = 0, summarised = 0, summaries = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    single = summarised = summaries = 0;
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_page_size(1000);
    v1::ListAuditEntriesResponse response;
    ASSERT_TRUE(audit->ListAuditEntries(&context, request, &response).ok());
    for (const auto& entry : response.entries()) {
      if (entry.actor() == "unknown-token") ++single;
      if (absl::StartsWith(entry.actor(), "peer:")) {
        EXPECT_EQ(entry.actor(), "peer:127.0.0.1");
        ++summaries;
        int64_t count = 0;
        ASSERT_TRUE(absl::StartsWith(entry.resource(), "denied_calls/"));
        ASSERT_TRUE(absl::SimpleAtoi(entry.resource().substr(13), &count));
        summarised += count;
      }
    }
    if (single + summarised >= kCalls) break;
    absl::SleepFor(absl::Milliseconds(100));  // the summary thread writes each second
  }
  EXPECT_LE(single, bound);
  EXPECT_EQ(single + summarised, kCalls);
  EXPECT_GE(summaries, 1);
  // The log: as many single lines as entries, and summaries with counts.
  const std::string log = (*server)->Log();
  int64_t single_lines = 0;
  for (size_t at = log.find(" denied peer="); at != std::string::npos;
       at = log.find(" denied peer=", at + 1)) {
    ++single_lines;
  }
  EXPECT_EQ(single_lines, single);
  EXPECT_THAT(log, HasSubstr("denied-summary peer=127.0.0.1 "));
}

// The access log is buffered, and a SIGTERM drain writes all of it.
TEST(AccessLimitsTest, AccessLogIsCompleteAfterSigterm) {
  auto db = testing::TestDatabase::Create("e2e_access_log");
  ASSERT_TRUE(db.ok()) << db.status();
  auto server = testing::ServerProcess::Start((*db)->config());
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::EnterpriseService::NewStub(
      testing::AuthedChannel((*server)->address(), (*server)->admin_token()));
  for (int i = 0; i < 20; ++i) {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", absl::StrCat("drain-probe-", i));
    v1::ListEnterprisesRequest request;
    v1::ListEnterprisesResponse response;
    ASSERT_TRUE(stub->ListEnterprises(&context, request, &response).ok());
  }
  auto code = (*server)->Stop(SIGTERM, absl::Seconds(20));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  const std::string log = (*server)->Log();
  for (int i = 0; i < 20; ++i) {
    EXPECT_THAT(log, HasSubstr(absl::StrCat("request_id=drain-probe-", i, "\n")));
  }
}

TEST(AccessLimitsTest, NetworkAddressWithoutTlsIsRefused) {
  auto db = testing::TestDatabase::Create("e2e_notls");
  ASSERT_TRUE(db.ok()) << db.status();
  // The flag comes last, so it overrides ServerProcess's loopback --listen.
  auto server = testing::ServerProcess::Start((*db)->config(),
                                              {"--listen=0.0.0.0:0"});
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(std::string(server.status().message()),
              HasSubstr("refusing to serve 0.0.0.0:0 without TLS"));
}

// TLS and mutual TLS with a CA the test makes with openssl.
class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/tls_", getpid());
    ASSERT_TRUE(testing::MakeTestCertificates(dir_).ok()) << "openssl failed";
    auto db = testing::TestDatabase::Create("e2e_tls");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void TearDown() override {
    std::system(absl::StrCat("rm -rf ", dir_).c_str());
  }

  std::string Read(const std::string& file) {
    std::ifstream in(dir_ + "/" + file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  grpc::StatusCode List(const std::string& address, const std::string& token,
                        bool with_client_cert) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Read("ca.pem");
    if (with_client_cert) {
      options.pem_private_key = Read("client.key");
      options.pem_cert_chain = Read("client.pem");
    }
    auto channel =
        testing::AuthedChannel(address, token, grpc::SslCredentials(options));
    auto stub = v1::EnterpriseService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::ListEnterprisesRequest request;
    v1::ListEnterprisesResponse response;
    return stub->ListEnterprises(&context, request, &response).error_code();
  }

  std::string dir_;
  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_F(TlsTest, ServesOverTls) {
  auto server = testing::ServerProcess::Start(
      db_->config(), {"--tls_cert=" + dir_ + "/server.pem",
                      "--tls_key=" + dir_ + "/server.key"});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = absl::StrCat(
      "localhost:", (*server)->address().substr((*server)->address().rfind(':') + 1));
  EXPECT_EQ(List(address, (*server)->admin_token(), false), grpc::StatusCode::OK);
  EXPECT_EQ(List(address, "", false), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificate) {
  auto server = testing::ServerProcess::Start(
      db_->config(), {"--tls_cert=" + dir_ + "/server.pem",
                      "--tls_key=" + dir_ + "/server.key",
                      "--tls_client_ca=" + dir_ + "/ca.pem"});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = absl::StrCat(
      "localhost:", (*server)->address().substr((*server)->address().rfind(':') + 1));
  EXPECT_EQ(List(address, (*server)->admin_token(), true), grpc::StatusCode::OK);
  EXPECT_EQ(List(address, (*server)->admin_token(), false),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace envcredit
