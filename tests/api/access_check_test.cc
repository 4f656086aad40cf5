// The access check without a server: one credential per call, the caller it
// lets through, labels, quoted log values, and the per-peer denial budget
// with its summaries (deterministic: no refill, no clock).
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/api/access_control.h"
#include "server/api/denial_log.h"
#include "server/api/log_value.h"
#include "server/domain/access.h"

namespace envcredit::api {
namespace {

class FakeTokens final : public domain::TokenRepository {
 public:
  void Add(const std::string& secret, domain::Role role, const std::string& label) {
    domain::Token token;
    token.id = static_cast<int64_t>(tokens_.size()) + 1;
    token.token_hash = HashTokenSecret(secret);
    token.role = role;
    token.label = label;
    tokens_[token.token_hash] = token;
  }
  absl::StatusOr<domain::Token> Create(const domain::Token&) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<domain::Token> FindByHash(absl::string_view hash) override {
    ++reads;
    auto it = tokens_.find(std::string(hash));
    if (it == tokens_.end()) {
      return MakeError(absl::StatusCode::kNotFound, "TOKEN_NOT_FOUND", "no");
    }
    return it->second;
  }
  absl::StatusOr<std::vector<domain::Token>> List(int64_t, int) override {
    return std::vector<domain::Token>{};
  }
  absl::StatusOr<domain::Token> Revoke(int64_t) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<bool> HasActiveAdmin(absl::Time) override { return true; }
  int reads = 0;

 private:
  std::map<std::string, domain::Token> tokens_;
};

class FakeAudit final : public domain::AuditLog {
 public:
  absl::Status Append(const domain::AuditEntry& entry) override {
    std::lock_guard<std::mutex> lock(mu);
    entries.push_back(entry);
    return absl::OkStatus();
  }
  absl::Status AppendAll(absl::Span<const domain::AuditEntry> more) override {
    std::lock_guard<std::mutex> lock(mu);
    entries.insert(entries.end(), more.begin(), more.end());
    return absl::OkStatus();
  }
  absl::StatusOr<domain::AuditPage> List(const domain::AuditFilter&, int64_t,
                                         int) override {
    return domain::AuditPage{};
  }
  std::mutex mu;
  std::vector<domain::AuditEntry> entries;
};

constexpr char kWrite[] = "/envcredit.v1.EnterpriseService/CreateEnterprise";

TEST(AccessCheckTest, ExactlyOneCredentialAndTheCallerItNames) {
  FakeTokens tokens;
  tokens.Add("ect_reg", domain::Role::kRegulator, "reg.one");
  tokens.Add("ect_int", domain::Role::kIntegrator, "int.one");
  AccessControl access(&tokens, {}, nullptr);
  const std::vector<std::vector<absl::string_view>> refused = {
      {"Bearer ect_int", "Bearer ect_reg"},
      {"Bearer ect_unknown", "Bearer ect_reg"},
      {"Bearer ect_reg", "Bearer ect_reg"},
  };
  for (const auto& values : refused) {
    absl::StatusOr<Caller> caller = access.Check(kWrite, values, "127.0.0.1");
    ASSERT_FALSE(caller.ok());
    EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(ErrorReason(caller.status()), "TOKEN_DUPLICATED");
    EXPECT_TRUE(absl::StartsWith(caller.status().message(), "TOKEN_DUPLICATED: "));
  }
  const std::vector<absl::string_view> one = {"Bearer ect_reg"};
  absl::StatusOr<Caller> caller = access.Check(kWrite, one, "127.0.0.1");
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->label, "reg.one");
  EXPECT_EQ(caller->role, domain::Role::kRegulator);
  EXPECT_EQ(caller->token_id, 1);
  const std::vector<absl::string_view> none;
  EXPECT_EQ(ErrorReason(access.Check(kWrite, none, "p").status()), "TOKEN_MISSING");
  EXPECT_EQ(access.Check("/grpc.health.v1.Health/Check", none, "p")->label,
            "anonymous");
}

TEST(AccessCheckTest, APeerOverItsDenialBudgetGetsNoDatabaseReads) {
  FakeTokens tokens;
  tokens.Add("ect_reg", domain::Role::kRegulator, "reg.one");
  DenialLogOptions options;
  options.per_peer_per_second = 0;  // no refill: the counts are exact
  options.per_peer_burst = 3;
  FakeAudit audit;
  DenialLog denials(&audit, options);
  AccessControl access(&tokens, {}, &denials);
  // A known token first (cached), then 10 garbage tokens from one peer.
  const std::vector<absl::string_view> good = {"Bearer ect_reg"};
  ASSERT_TRUE(access.Check(kWrite, good, "10.0.0.1").ok());
  int unknown = 0, too_many = 0;
  for (int i = 0; i < 10; ++i) {
    const std::string value = absl::StrCat("Bearer ect_garbage", i);
    const std::vector<absl::string_view> bad = {value};
    absl::StatusOr<Caller> caller = access.Check(kWrite, bad, "10.0.0.1");
    ASSERT_FALSE(caller.ok());
    if (ErrorReason(caller.status()) == "TOKEN_UNKNOWN") ++unknown;
    if (ErrorReason(caller.status()) == "TOO_MANY_DENIALS") ++too_many;
  }
  EXPECT_EQ(unknown, 3);
  EXPECT_EQ(too_many, 7);
  EXPECT_EQ(tokens.reads, 1 + 3);  // the good token, the 3 within budget
  // The cached token still passes; another peer is not affected.
  EXPECT_TRUE(access.Check(kWrite, good, "10.0.0.1").ok());
  const std::vector<absl::string_view> other = {"Bearer ect_other"};
  EXPECT_EQ(ErrorReason(access.Check(kWrite, other, "10.0.0.2").status()),
            "TOKEN_UNKNOWN");
  // 3 + 1 entries written one by one; the 7 others in one summary.
  denials.Flush();
  std::map<std::string, int> by_actor;
  std::string summary;
  for (const auto& entry : audit.entries) {
    ++by_actor[entry.actor];
    if (entry.actor == "peer:10.0.0.1") summary = entry.resource;
  }
  EXPECT_EQ(by_actor["unknown-token"], 4);
  EXPECT_EQ(by_actor["peer:10.0.0.1"], 1);
  EXPECT_EQ(summary, "denied_calls/7");
  denials.Flush();  // nothing new: nothing written
  EXPECT_EQ(audit.entries.size(), 5u);
}

TEST(AccessCheckTest, PeerAddressDropsThePort) {
  EXPECT_EQ(PeerAddress("ipv4:127.0.0.1:50123"), "127.0.0.1");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:50123"), "[::1]");
  EXPECT_EQ(PeerAddress("ipv6:%5B::1%5D:50123"), "[::1]");
  EXPECT_EQ(PeerAddress("unix:/tmp/sock"), "unix:/tmp/sock");
}

TEST(AccessCheckTest, LogValuesCannotForgeFields) {
  EXPECT_EQ(LogValue("/envcredit.v1.X/Y"), "/envcredit.v1.X/Y");
  EXPECT_EQ(LogValue("evil actor=admin code=OK"), "\"evil actor=admin code=OK\"");
  EXPECT_EQ(LogValue("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(LogValue("line\nbreak"), "\"line\\nbreak\"");
  EXPECT_EQ(LogValue(""), "\"\"");
}

TEST(TokenLabelTest, IdentifiersOnlyAndNotReserved) {
  for (const char* good : {"zhang.wei", "bank-of-example", "ops@nanjing", "a", "A_1"}) {
    EXPECT_TRUE(domain::ValidateTokenLabel(good, "token.label").ok()) << good;
  }
  for (const char* bad : {"evil actor=admin code=OK", "a b", "-x", ".x", "x:y",
                          "名字", "x\"", "x\\y"}) {
    absl::Status status = domain::ValidateTokenLabel(bad, "token.label");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorField(status), "token.label") << bad;
  }
  EXPECT_EQ(ErrorReason(domain::ValidateTokenLabel("", "token.label")), "TEXT_LENGTH");
  EXPECT_EQ(ErrorReason(domain::ValidateTokenLabel(std::string(101, 'a'), "token.label")),
            "TEXT_LENGTH");
  for (const char* reserved : {"anonymous", "Anonymous", "bootstrap-admin",
                               "unknown-token", "unauthenticated"}) {
    EXPECT_TRUE(domain::IsReservedTokenLabel(reserved)) << reserved;
  }
  EXPECT_FALSE(domain::IsReservedTokenLabel("bank.one"));
}

}  // namespace
}  // namespace envcredit::api
