// The `tokens` commands, run in-process against an in-memory TokenClient.
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "admin-cli/cli.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/commands/token_commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace envcredit::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Behaves like TokenService where the CLI depends on it: ids 1, 2, ...;
// NOT_FOUND for an unknown name, FAILED_PRECONDITION when revoking twice;
// pages of `page_size` (default 50) with the next index as page token.
class FakeTokenClient : public TokenClient {
 public:
  bool unavailable = false;
  std::vector<v1::CreateTokenRequest> creates;
  std::vector<v1::ListTokensRequest> lists;
  std::vector<v1::RevokeTokenRequest> revokes;
  std::vector<v1::Token> tokens;

  grpc::Status CreateToken(const std::string&, const v1::CreateTokenRequest& r,
                           v1::CreateTokenResponse* out) override {
    creates.push_back(r);
    if (unavailable) return Unavailable();
    v1::Token t = r.token();
    t.set_name(absl::StrCat("tokens/", tokens.size() + 1));
    t.mutable_create_time()->set_seconds(1735660800);  // 2024-12-31T16:00Z
    tokens.push_back(t);
    *out->mutable_token() = t;
    out->set_secret(absl::StrCat("ect_secret", tokens.size()));
    return grpc::Status::OK;
  }

  grpc::Status ListTokens(const std::string&, const v1::ListTokensRequest& r,
                          v1::ListTokensResponse* out) override {
    lists.push_back(r);
    if (unavailable) return Unavailable();
    const size_t size = r.page_size() == 0 ? 50 : r.page_size();
    size_t start = r.page_token().empty() ? 0 : std::stoul(r.page_token());
    for (size_t k = start; k < tokens.size() && k < start + size; ++k) {
      *out->add_tokens() = tokens[k];
    }
    if (start + size < tokens.size()) {
      out->set_next_page_token(absl::StrCat(start + size));
    }
    return grpc::Status::OK;
  }

  grpc::Status RevokeToken(const std::string&, const v1::RevokeTokenRequest& r,
                           v1::Token* out) override {
    revokes.push_back(r);
    if (unavailable) return Unavailable();
    for (v1::Token& t : tokens) {
      if (t.name() != r.name()) continue;
      if (t.has_revoke_time()) {
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                            "already revoked");
      }
      t.mutable_revoke_time()->set_seconds(1767225600);
      *out = t;
      return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, r.name());
  }

 private:
  static grpc::Status Unavailable() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused");
  }
};

class Forwarding : public TokenClient {
 public:
  explicit Forwarding(TokenClient* target) : target_(target) {}
  grpc::Status CreateToken(const std::string& id,
                           const v1::CreateTokenRequest& r,
                           v1::CreateTokenResponse* out) override {
    return target_->CreateToken(id, r, out);
  }
  grpc::Status ListTokens(const std::string& id, const v1::ListTokensRequest& r,
                          v1::ListTokensResponse* out) override {
    return target_->ListTokens(id, r, out);
  }
  grpc::Status RevokeToken(const std::string& id,
                           const v1::RevokeTokenRequest& r,
                           v1::Token* out) override {
    return target_->RevokeToken(id, r, out);
  }

 private:
  TokenClient* target_;
};

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Result RunTokens(const std::vector<std::string>& args, FakeTokenClient& fake) {
  std::ostringstream out, err;
  CliEnvironment env;
  env.retry.sleep = [](absl::Duration) {};  // the policy, without its waits
  env.out = &out;
  env.err = &err;
  env.make_token_client = [&](const GlobalOptions&) {
    return std::make_unique<Forwarding>(&fake);
  };
  Result r;
  r.exit_code = RunCli(args, env);
  r.out = out.str();
  r.err = err.str();
  return r;
}

TEST(TokensCreateTest, BuildsTheRequestAndPrintsTheSecretOnce) {
  FakeTokenClient fake;
  const auto r = RunTokens({"tokens", "create", "--role", "regulator", "--label",
                      "zhang.wei", "--expire", "2026-12-31"},
                     fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.creates.size(), 1u);
  const v1::Token& t = fake.creates[0].token();
  EXPECT_EQ(t.role(), v1::REGULATOR);
  EXPECT_EQ(t.label(), "zhang.wei");
  EXPECT_TRUE(t.name().empty());
  // Through 2026-12-31 in China Standard Time: 2027-01-01T00:00+08:00.
  EXPECT_EQ(t.expire_time().seconds(), 1798732800);
  EXPECT_THAT(r.out, HasSubstr("tokens/1"));
  EXPECT_THAT(r.out, HasSubstr("REGULATOR"));
  EXPECT_THAT(r.out, HasSubstr("zhang.wei"));
  EXPECT_THAT(r.out, HasSubstr("ect_secret1"));
  EXPECT_THAT(r.out, HasSubstr("2026-12-31T16:00:00.000000Z"));
  EXPECT_THAT(r.err, HasSubstr("shown only this once"));
  EXPECT_THAT(r.err, Not(HasSubstr("ect_secret1")));
}

TEST(TokensCreateTest, NoExpireAndRfc3339Expire) {
  FakeTokenClient fake;
  ASSERT_EQ(RunTokens({"tokens", "create", "--role", "ADMIN", "--label", "ops"}, fake)
                .exit_code,
            kExitOk);
  EXPECT_FALSE(fake.creates[0].token().has_expire_time());
  ASSERT_EQ(RunTokens({"tokens", "create", "--role", "PUBLIC", "--label", "site",
                 "--expire", "2027-01-01T00:00:00Z"},
                fake)
                .exit_code,
            kExitOk);
  EXPECT_EQ(fake.creates[1].token().role(), v1::PUBLIC);
  EXPECT_EQ(fake.creates[1].token().expire_time().seconds(), 1798761600);
}

TEST(TokensCreateTest, JsonAndCsvCarryTheSecret) {
  FakeTokenClient fake;
  const auto json = RunTokens({"--output", "json", "tokens", "create", "--role",
                         "integrator", "--label", "bank"},
                        fake);
  ASSERT_EQ(json.exit_code, kExitOk) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"secret\": \"ect_secret1\""));
  EXPECT_THAT(json.out, HasSubstr("\"role\": \"INTEGRATOR\""));
  EXPECT_THAT(json.out, HasSubstr("\"name\": \"tokens/1\""));
  const auto csv = RunTokens({"--output", "csv", "tokens", "create", "--role",
                        "ADMIN", "--label", "ops"},
                       fake);
  ASSERT_EQ(csv.exit_code, kExitOk) << csv.err;
  EXPECT_EQ(csv.out,
            "name,role,label,credit_code,create_time,expire_time,revoke_time,secret\r\n"
            "tokens/2,ADMIN,ops,,2024-12-31T16:00:00.000000Z,,,ect_secret2\r\n");
}

TEST(TokensCreateTest, UsageErrors) {
  FakeTokenClient fake;
  const std::vector<std::vector<std::string>> bad = {
      {"tokens", "create", "--label", "x"},                      // no role
      {"tokens", "create", "--role", "ROOT", "--label", "x"},    // unknown
      {"tokens", "create", "--role", "ROLE_UNSPECIFIED", "--label", "x"},
      {"tokens", "create", "--role", "", "--label", "x"},
      {"tokens", "create", "--role", "ADMIN"},                   // no label
      {"tokens", "create", "--role", "ADMIN", "--label", "x", "--expire",
       "next year"},
      {"tokens", "create", "--role", "ADMIN", "--label", "x", "--colour",
       "red"},
      {"tokens", "list", "--page-size", "0"},
      {"tokens", "revoke"},
      {"tokens", "revoke", "tokens/"},
      {"tokens", "revoke", "tokens/1/x"},
      {"tokens", "delete", "tokens/1"},
  };
  for (const auto& args : bad) {
    const auto r = RunTokens(args, fake);
    EXPECT_EQ(r.exit_code, kExitUsage) << args[1] << " " << r.err;
    EXPECT_THAT(r.err, HasSubstr("usage error")) << args[1];
  }
  EXPECT_TRUE(fake.creates.empty());
  EXPECT_TRUE(fake.lists.empty());
  EXPECT_TRUE(fake.revokes.empty());
  const auto r = RunTokens({"tokens", "create", "--role", "ROOT", "--label", "x"},
                     fake);
  EXPECT_THAT(r.err, HasSubstr("ADMIN, REGULATOR, INTEGRATOR, PUBLIC or ENTERPRISE"));
  // An ENTERPRISE token without its enterprise is a usage error, sent nowhere.
  const auto unbound = RunTokens(
      {"tokens", "create", "--role", "ENTERPRISE", "--label", "acme"}, fake);
  EXPECT_EQ(unbound.exit_code, kExitUsage);
  EXPECT_THAT(unbound.err, HasSubstr("--credit-code"));
  EXPECT_TRUE(fake.creates.empty());
}

TEST(TokensListTest, OnePageOrAll) {
  FakeTokenClient fake;
  for (int k = 0; k < 5; ++k) {
    ASSERT_EQ(RunTokens({"tokens", "create", "--role", "PUBLIC", "--label",
                   absl::StrCat("site-", k)},
                  fake)
                  .exit_code,
              kExitOk);
  }
  const auto page = RunTokens({"tokens", "list", "--page-size", "2"}, fake);
  ASSERT_EQ(page.exit_code, kExitOk) << page.err;
  ASSERT_EQ(fake.lists.size(), 1u);
  EXPECT_EQ(fake.lists[0].page_size(), 2);
  EXPECT_THAT(page.out, HasSubstr("NAME"));
  EXPECT_THAT(page.out, HasSubstr("site-1"));
  EXPECT_THAT(page.out, Not(HasSubstr("site-2")));
  EXPECT_THAT(page.err, HasSubstr("--page-token 2"));

  const auto all = RunTokens({"tokens", "list", "--page-size", "2", "--all"}, fake);
  ASSERT_EQ(all.exit_code, kExitOk) << all.err;
  EXPECT_EQ(fake.lists.size(), 4u);  // 1 + 3 pages
  EXPECT_THAT(all.out, HasSubstr("site-4"));
  EXPECT_THAT(all.out, Not(HasSubstr("ect_secret")));
  EXPECT_EQ(all.err, "");

  const auto json = RunTokens({"--output", "json", "tokens", "list", "--all"}, fake);
  ASSERT_EQ(json.exit_code, kExitOk);
  EXPECT_EQ(json.out.substr(0, 2), "[\n");
  EXPECT_THAT(json.out, HasSubstr("\"label\":\"site-0\""));
}

TEST(TokensRevokeTest, NameOrBareIdAndErrors) {
  FakeTokenClient fake;
  ASSERT_EQ(RunTokens({"tokens", "create", "--role", "ADMIN", "--label", "a"}, fake)
                .exit_code,
            kExitOk);
  ASSERT_EQ(RunTokens({"tokens", "create", "--role", "ADMIN", "--label", "b"}, fake)
                .exit_code,
            kExitOk);
  const auto r = RunTokens({"tokens", "revoke", "tokens/1"}, fake);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("revoke_time"));
  EXPECT_THAT(r.out, HasSubstr("2026-01-01T00:00:00.000000Z"));
  ASSERT_EQ(RunTokens({"tokens", "revoke", "2"}, fake).exit_code, kExitOk);
  ASSERT_EQ(fake.revokes.size(), 2u);
  EXPECT_EQ(fake.revokes[0].name(), "tokens/1");
  EXPECT_EQ(fake.revokes[1].name(), "tokens/2");

  const auto twice = RunTokens({"tokens", "revoke", "1"}, fake);
  EXPECT_EQ(twice.exit_code, kExitConflict);
  EXPECT_THAT(twice.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_EQ(RunTokens({"tokens", "revoke", "99"}, fake).exit_code, kExitNotFound);
  fake.unavailable = true;
  const auto down = RunTokens({"tokens", "list"}, fake);
  EXPECT_EQ(down.exit_code, kExitUnavailable);
  EXPECT_THAT(down.err, HasSubstr("UNAVAILABLE"));
}

// CreateToken has no request_id: sent twice after a lost answer it could
// make two tokens, so the CLI sends it once and reports UNAVAILABLE.
TEST(TokensCreateTest, IsSentOnceEvenWhenTheServerIsUnreachable) {
  FakeTokenClient fake;
  fake.unavailable = true;
  const auto r = RunTokens(
      {"tokens", "create", "--role", "regulator", "--label", "li.na", "--expire", "2026-12-31"},
      fake);
  EXPECT_EQ(r.exit_code, kExitUnavailable);
  EXPECT_EQ(fake.creates.size(), 1u);
}

TEST(TokenNameTest, Parsing) {
  EXPECT_EQ(*TokenName("tokens/abc"), "tokens/abc");
  EXPECT_EQ(*TokenName("abc"), "tokens/abc");
  EXPECT_EQ(*TokenName(" 7 "), "tokens/7");
  EXPECT_FALSE(TokenName("").ok());
  EXPECT_FALSE(TokenName("tokens/").ok());
  EXPECT_FALSE(TokenName("enterprises/x").ok());
}

TEST(TokensHelpTest, EveryCommandHasHelpAndExamples) {
  FakeTokenClient fake;
  for (const std::string command : {"create", "list", "revoke"}) {
    const auto r = RunTokens({"tokens", command, "--help"}, fake);
    EXPECT_EQ(r.exit_code, kExitOk);
    EXPECT_THAT(r.out, HasSubstr("Usage: envcredit-admin [global flags] "
                                 "tokens " + command));
    EXPECT_THAT(r.out, HasSubstr("Examples:"));
  }
  const auto group = RunTokens({"tokens", "--help"}, fake);
  EXPECT_EQ(group.exit_code, kExitOk);
  EXPECT_THAT(group.out, HasSubstr("revoke"));
}

}  // namespace
}  // namespace envcredit::admin
