#include "server/api/enterprise_convert.h"

#include "common/errors.h"
#include "gtest/gtest.h"

namespace envcredit::api {
namespace {

TEST(EnterpriseConvertTest, ResourceNames) {
  EXPECT_EQ(EnterpriseName("91320100MA1N2B3C8C"),
            "enterprises/91320100MA1N2B3C8C");
  EXPECT_EQ(*ParseEnterpriseName("enterprises/91320100MA1N2B3C8C", "name"),
            "91320100MA1N2B3C8C");
  absl::Status wrong_collection =
      ParseEnterpriseName("companies/91320100MA1N2B3C8C", "name").status();
  EXPECT_EQ(ErrorReason(wrong_collection), "INVALID_RESOURCE_NAME");
  absl::Status bad_code =
      ParseEnterpriseName("enterprises/91320100MA1N2B3C8D", "name").status();
  EXPECT_EQ(ErrorReason(bad_code), "INVALID_CREDIT_CODE");
  EXPECT_EQ(ErrorField(bad_code), "name");
}

TEST(EnterpriseConvertTest, CreateDefaultsRegionAndStatus) {
  v1::Enterprise in;
  in.set_credit_code("91320100MA1N2B3C8C");
  domain::Enterprise e = FromCreateProto(in);
  EXPECT_EQ(e.region_code, "320100");
  EXPECT_EQ(e.status, domain::EnterpriseStatus::kOperating);
  in.set_region_code("320106");  // an override wins
  EXPECT_EQ(FromCreateProto(in).region_code, "320106");
}

TEST(EnterpriseConvertTest, UpdateMask) {
  v1::Enterprise in;
  in.set_address("新地址");
  google::protobuf::FieldMask mask;
  mask.add_paths("address");
  auto patch = PatchFromProto(in, mask);
  ASSERT_TRUE(patch.ok());
  EXPECT_EQ(patch->address, "新地址");
  EXPECT_FALSE(patch->display_name.has_value());

  for (const char* path : {"credit_code", "create_time", "no_such_field"}) {
    google::protobuf::FieldMask bad;
    bad.add_paths(path);
    absl::Status status = PatchFromProto(in, bad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_EQ(ErrorField(status), "update_mask") << path;
  }
  // An empty mask (AIP-134) updates the fields the request sets, and
  // leaves the others alone: here only the address.
  auto populated = PatchFromProto(in, google::protobuf::FieldMask());
  ASSERT_TRUE(populated.ok());
  EXPECT_EQ(populated->address, "新地址");
  EXPECT_FALSE(populated->display_name.has_value());
  EXPECT_FALSE(populated->status.has_value());
  EXPECT_FALSE(populated->legal_representative.has_value());
  // Nothing set and no mask: a mistake, not a no-op.
  absl::Status empty = PatchFromProto(v1::Enterprise(), google::protobuf::FieldMask()).status();
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(empty), "update_mask");
  EXPECT_EQ(ErrorReason(empty), "EMPTY_UPDATE");
}

TEST(EnterpriseConvertTest, Etags) {
  EXPECT_EQ(EtagOf(3), "\"3\"");
  EXPECT_EQ(**RevisionFromEtag("\"3\"", "enterprise.etag"), 3);
  EXPECT_FALSE(RevisionFromEtag("", "enterprise.etag")->has_value());
  for (const char* etag : {"3", "\"x\"", "\"\"", "\"-1\""}) {
    absl::Status status = RevisionFromEtag(etag, "enterprise.etag").status();
    EXPECT_EQ(ErrorField(status), "enterprise.etag") << etag;
  }
}

}  // namespace
}  // namespace envcredit::api
