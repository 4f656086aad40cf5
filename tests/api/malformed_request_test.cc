#include "server/api/malformed_request.h"

#include "envcredit/v1/enterprise.pb.h"
#include "gtest/gtest.h"

namespace envcredit::api {
namespace {

TEST(MalformedRequestTest, FindsTheFieldPathInTheRequestType) {
  // Make sure the generated descriptors are linked in and registered.
  v1::CreateEnterpriseRequest request;
  EXPECT_EQ(FieldPathIn("envcredit.v1.CreateEnterpriseRequest",
                        "envcredit.v1.Enterprise.display_name"),
            "enterprise.display_name");
  EXPECT_EQ(FieldPathIn("envcredit.v1.ListEnterprisesRequest",
                        "envcredit.v1.ListEnterprisesRequest.name_contains"),
            "name_contains");
  EXPECT_EQ(FieldPathIn("envcredit.v1.ListEnterprisesRequest",
                        "envcredit.v1.Enterprise.display_name"),
            "");
}

TEST(MalformedRequestTest, OnlyParseFailuresAreReplaced) {
  EXPECT_FALSE(ReplacementForUnparsableRequest(
                   "/envcredit.v1.EnterpriseService/GetEnterprise",
                   grpc::Status(grpc::StatusCode::INTERNAL, "internal error"))
                   .has_value());
  EXPECT_FALSE(ReplacementForUnparsableRequest(
                   "/envcredit.v1.EnterpriseService/GetEnterprise",
                   grpc::Status(grpc::StatusCode::NOT_FOUND, ""))
                   .has_value());
  auto replaced = ReplacementForUnparsableRequest(
      "/envcredit.v1.EnterpriseService/GetEnterprise",
      grpc::Status(grpc::StatusCode::INTERNAL, ""));
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace envcredit::api
