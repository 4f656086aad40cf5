#include "server/api/access_control.h"

#include "absl/strings/str_cat.h"
#include "envcredit/v1/access.pb.h"
#include "envcredit/v1/audit.pb.h"
#include "envcredit/v1/enterprise.pb.h"
#include "envcredit/v1/records.pb.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace envcredit::api {
namespace {

// Every method of every envcredit.v1 service has a row in the role table:
// a new RPC cannot ship without someone deciding who may call it.
TEST(AccessControlTest, EveryApiMethodIsInTheRoleTable) {
  const google::protobuf::FileDescriptor* files[] = {
      v1::Enterprise::descriptor()->file(), v1::PenaltyDecision::descriptor()->file(),
      v1::AuditEntry::descriptor()->file(), v1::Token::descriptor()->file()};
  int methods = 0;
  for (const auto* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const std::string path =
            absl::StrCat("/", service->full_name(), "/", service->method(m)->name());
        const auto* roles = AllowedRoles(path);
        ASSERT_NE(roles, nullptr) << path << " is missing from the role table";
        EXPECT_FALSE(roles->empty()) << path << " must not be anonymous";
        ++methods;
      }
    }
  }
  EXPECT_GT(methods, 20);
}

TEST(AccessControlTest, TokenSecretsAreRandomAndHashed) {
  const std::string a = NewTokenSecret(), b = NewTokenSecret();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("ect_", 0), 0u);
  EXPECT_EQ(a.size(), 4u + 43u);
  EXPECT_EQ(HashTokenSecret(a).size(), 32u);
  EXPECT_EQ(HashTokenSecret(a), HashTokenSecret(a));
}

}  // namespace
}  // namespace envcredit::api
