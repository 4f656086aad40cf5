#include "server/api/grpc_status.h"

#include <string>

#include "common/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace envcredit::api {
namespace {

google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  return details;
}

TEST(GrpcStatusTest, InvalidArgumentCarriesReasonAndField) {
  grpc::Status status = ToGrpcStatus(InvalidArgument(
      "enterprise.credit_code", "INVALID_CREDIT_CODE", "bad check character"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "bad check character");
  google::rpc::Status details = Details(status);
  ASSERT_EQ(details.details_size(), 3);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INVALID_CREDIT_CODE");
  EXPECT_EQ(info.domain(), "envcredit.v1");
  EXPECT_EQ(info.metadata().at("field"), "enterprise.credit_code");
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(1).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "enterprise.credit_code");
}

// Every error also says what it is in Chinese (AIP-193 LocalizedMessage,
// zh-CN), last among the details: the reason's sentence with the field.
google::rpc::LocalizedMessage ChineseOf(const grpc::Status& status) {
  google::rpc::Status details = Details(status);
  google::rpc::LocalizedMessage message;
  EXPECT_GT(details.details_size(), 0);
  EXPECT_TRUE(details.details(details.details_size() - 1).UnpackTo(&message));
  return message;
}

TEST(GrpcStatusTest, EveryErrorCarriesAChineseMessage) {
  google::rpc::LocalizedMessage zh = ChineseOf(ToGrpcStatus(InvalidArgument(
      "enterprise.credit_code", "INVALID_CREDIT_CODE", "bad check character")));
  EXPECT_EQ(zh.locale(), "zh-CN");
  EXPECT_EQ(zh.message(),
            "字段 enterprise.credit_code：统一社会信用代码无效（长度、字符、"
            "行政区划码或校验位不符合 GB 32100）");
  EXPECT_EQ(ChineseOf(ToGrpcStatus(absl::NotFoundError("x"))).message(),
            "资源不存在");
  // Internal errors: no detail in either language.
  EXPECT_EQ(ChineseOf(ToGrpcStatus(absl::InternalError("Table x"))).message(),
            "服务器内部错误，详情见服务器日志");
}

TEST(GrpcStatusTest, InternalErrorsHideTheirText) {
  grpc::Status status = ToGrpcStatus(
      absl::InternalError("Table 'envcredit.enterprises' doesn't exist"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message().find("enterprises"), std::string::npos);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(Details(status).details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INTERNAL");
}

TEST(GrpcStatusTest, CodeWithoutReasonGetsTheCodeName) {
  grpc::Status status = ToGrpcStatus(absl::UnavailableError("db down"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(Details(status).details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "UNAVAILABLE");
}

// ABORTED and UNAVAILABLE errors that a retry may cure tell the client when
// (google.rpc.RetryInfo), as the server's retry policy leaves them.
TEST(GrpcStatusTest, ARetryDelayBecomesRetryInfo) {
  grpc::Status status = ToGrpcStatus(WithRetryDelay(
      MakeError(absl::StatusCode::kAborted, "DB_CONFLICT", "conflict"), absl::Milliseconds(1500)));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  google::rpc::RetryInfo retry;
  bool found = false;
  const google::rpc::Status details = Details(status);  // outlives the loop
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&retry)) found = true;
  }
  ASSERT_TRUE(found);
  EXPECT_EQ(retry.retry_delay().seconds(), 1);
  EXPECT_EQ(retry.retry_delay().nanos(), 500000000);
  // Without a delay: no RetryInfo.
  const google::rpc::Status plain =
      Details(ToGrpcStatus(MakeError(absl::StatusCode::kAborted, "X", "x")));
  for (const auto& any : plain.details()) {
    EXPECT_FALSE(any.Is<google::rpc::RetryInfo>());
  }
}

// Every UNAVAILABLE says when to try again (AIP-194): 1 s unless the error
// named its own delay.
TEST(GrpcStatusTest, UnavailableAlwaysCarriesRetryInfo) {
  const google::rpc::Status details = Details(
      ToGrpcStatus(MakeError(absl::StatusCode::kUnavailable, "DB_UNAVAILABLE", "down")));
  google::rpc::RetryInfo retry;
  bool found = false;
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&retry)) found = true;
  }
  ASSERT_TRUE(found);
  EXPECT_EQ(retry.retry_delay().seconds(), 1);
}

TEST(GrpcStatusTest, OkIsOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok()); }

}  // namespace
}  // namespace envcredit::api
