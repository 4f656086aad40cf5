#include "server/api/list_convert.h"

#include <string>

#include "common/errors.h"
#include "gtest/gtest.h"
#include "server/domain/lists.h"

namespace envcredit::api {
namespace {

TEST(ListConvertTest, PublicationAndObjectionNames) {
  absl::StatusOr<PublicationKey> key =
      ParsePublicationName("lists/black/publications/12", "name");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->list, domain::ListKind::kBlackList);
  EXPECT_EQ(key->id, 12);
  EXPECT_EQ(domain::PublicationName(key->list, key->id),
            "lists/black/publications/12");
  auto objection =
      ParseObjectionName("lists/honor/publications/3/objections/7", "name");
  ASSERT_TRUE(objection.ok()) << objection.status();
  EXPECT_EQ(objection->first.list, domain::ListKind::kHonorList);
  EXPECT_EQ(objection->first.id, 3);
  EXPECT_EQ(objection->second, 7);
}

// Found by fuzz/resource_name_fuzzer: the ids went through SimpleAtoi alone,
// which also takes a sign, white space and leading zeros, so
// "lists/black/publications/06" named publication 6 too. A name is accepted
// only as PublicationName writes it.
TEST(ListConvertTest, NonCanonicalIdsAreRefused) {
  for (const char* id : {"06", "+6", " 6", "6 ", "0", "-6", "6/", ""}) {
    const std::string name = std::string("lists/black/publications/") + id;
    absl::Status status = ParsePublicationName(name, "name").status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(ErrorReason(status), "INVALID_RESOURCE_NAME") << name;
    EXPECT_EQ(ErrorField(status), "name") << name;
    const std::string objection =
        std::string("lists/black/publications/6/objections/") + id;
    EXPECT_EQ(ParseObjectionName(objection, "name").status().code(),
              absl::StatusCode::kInvalidArgument)
        << objection;
    const std::string objection_parent =
        std::string("lists/black/publications/") + id + "/objections/1";
    EXPECT_EQ(ParseObjectionName(objection_parent, "name").status().code(),
              absl::StatusCode::kInvalidArgument)
        << objection_parent;
  }
}

}  // namespace
}  // namespace envcredit::api
