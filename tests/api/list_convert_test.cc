#include "server/api/list_convert.h"

#include <string>

#include "common/errors.h"
#include "gtest/gtest.h"
#include "server/domain/lists.h"
#include "server/domain/uscc.h"

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

// GetListEntry's name: the list and a credit code that passes its check.
TEST(ListConvertTest, ListEntryNames) {
  const std::string code = *domain::MakeUscc("91", "320100", "MA1W2X3Y");
  absl::StatusOr<ListEntryKey> key =
      ParseListEntryName("lists/honor/entries/" + code, "name");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->list, domain::ListKind::kHonorList);
  EXPECT_EQ(key->credit_code, code);
  EXPECT_EQ(domain::ListEntryName(key->list, key->credit_code),
            "lists/honor/entries/" + code);
  for (const std::string& name :
       {std::string(""), "lists/red/entries/" + code, "lists/black/" + code,
        "lists/black/entries/" + code + "/", "enterprises/" + code,
        "lists/black/entry/" + code, "/lists/black/entries/" + code}) {
    absl::Status status = ParseListEntryName(name, "name").status();
    EXPECT_EQ(ErrorReason(status), "INVALID_RESOURCE_NAME") << name;
    EXPECT_EQ(ErrorField(status), "name") << name;
  }
  for (const char* name :
       {"lists/black/entries/", "lists/black/entries/91320100",
        "lists/black/entries/' OR 1=1 --"}) {
    absl::Status status = ParseListEntryName(name, "name").status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(ErrorReason(status), "INVALID_CREDIT_CODE") << name;
    EXPECT_EQ(ErrorField(status), "name") << name;
  }
}

// `parent` or the kept `list` enum; both must agree.
TEST(ListConvertTest, ParentOrListNameTheList) {
  EXPECT_EQ(*ListOfRequest("lists/black", v1::LIST_KIND_UNSPECIFIED),
            domain::ListKind::kBlackList);
  EXPECT_EQ(*ListOfRequest("lists/honor", v1::HONOR_LIST), domain::ListKind::kHonorList);
  EXPECT_EQ(*ListOfRequest("", v1::BLACK_LIST), domain::ListKind::kBlackList);

  absl::Status status = ListOfRequest("lists/honor", v1::BLACK_LIST).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "CONFLICTING_PARENT");
  EXPECT_EQ(ErrorField(status), "parent");
  for (const char* parent : {"lists/red", "lists/honor/", "lists", "honor", "lists/HONOR",
                             "lists/black/entries", "enterprises/x"}) {
    status = ListOfRequest(parent, v1::LIST_KIND_UNSPECIFIED).status();
    EXPECT_EQ(ErrorReason(status), "INVALID_RESOURCE_NAME") << parent;
    EXPECT_EQ(ErrorField(status), "parent") << parent;
  }
  // Neither given, or an unknown enum: `list`, as before `parent` existed.
  status = ListOfRequest("", v1::LIST_KIND_UNSPECIFIED).status();
  EXPECT_EQ(ErrorReason(status), "INVALID_ENUM");
  EXPECT_EQ(ErrorField(status), "list");
  status = ListOfRequest("lists/black", 999).status();
  EXPECT_EQ(ErrorReason(status), "INVALID_ENUM");
  EXPECT_EQ(ErrorField(status), "list");
}

}  // namespace
}  // namespace envcredit::api
