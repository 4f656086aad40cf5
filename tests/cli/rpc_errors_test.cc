// Exit codes from status codes, and the report of a rich error.
#include "admin-cli/rpc_errors.h"

#include <ostream>
#include <string>

#include "admin-cli/exit_codes.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace envcredit::admin {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct ExitCase {
  grpc::StatusCode code;
  int exit_code;
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const ExitCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(absl::StrCat(static_cast<int>(c.code), " -> ", c.exit_code)).substr(0, 60));
}

class ExitCodeTest : public ::testing::TestWithParam<ExitCase> {};

TEST_P(ExitCodeTest, MapsAsDocumented) {
  EXPECT_EQ(ExitCodeForStatus(GetParam().code), GetParam().exit_code)
      << StatusCodeName(GetParam().code);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ExitCodeTest,
    ::testing::Values(ExitCase{grpc::StatusCode::OK, 0},
                      ExitCase{grpc::StatusCode::CANCELLED, 1},
                      ExitCase{grpc::StatusCode::UNKNOWN, 1},
                      ExitCase{grpc::StatusCode::INVALID_ARGUMENT, 3},
                      ExitCase{grpc::StatusCode::DEADLINE_EXCEEDED, 5},
                      ExitCase{grpc::StatusCode::NOT_FOUND, 4},
                      ExitCase{grpc::StatusCode::ALREADY_EXISTS, 6},
                      ExitCase{grpc::StatusCode::PERMISSION_DENIED, 7},
                      ExitCase{grpc::StatusCode::RESOURCE_EXHAUSTED, 1},
                      ExitCase{grpc::StatusCode::FAILED_PRECONDITION, 6},
                      ExitCase{grpc::StatusCode::ABORTED, 6},
                      ExitCase{grpc::StatusCode::OUT_OF_RANGE, 1},
                      ExitCase{grpc::StatusCode::UNIMPLEMENTED, 1},
                      ExitCase{grpc::StatusCode::INTERNAL, 1},
                      ExitCase{grpc::StatusCode::UNAVAILABLE, 5},
                      ExitCase{grpc::StatusCode::DATA_LOSS, 1},
                      ExitCase{grpc::StatusCode::UNAUTHENTICATED, 7},
                      // A code no version defines. Within the enum's range
                      // of values (-32..31): casting 42 was undefined
                      // behaviour (found by the sanitized test suite).
                      ExitCase{static_cast<grpc::StatusCode>(31), 1}));

TEST(ExitCodeTest, ConstantsAreTheDocumentedNumbers) {
  EXPECT_EQ(kExitOk, 0);
  EXPECT_EQ(kExitFailure, 1);
  EXPECT_EQ(kExitUsage, 2);
  EXPECT_EQ(kExitInvalidInput, 3);
  EXPECT_EQ(kExitNotFound, 4);
  EXPECT_EQ(kExitUnavailable, 5);
  EXPECT_EQ(kExitConflict, 6);
  EXPECT_EQ(kExitPermission, 7);
}

// A status as the server builds it (AIP-193).
grpc::Status InvalidCreditCode() {
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  rich.set_message("enterprise.credit_code: the check character is wrong");
  google::rpc::ErrorInfo info;
  info.set_reason("INVALID_CREDIT_CODE");
  info.set_domain("envcredit.v1");
  (*info.mutable_metadata())["field"] = "enterprise.credit_code";
  rich.add_details()->PackFrom(info);
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("enterprise.credit_code");
  v->set_description("position 18: expected 'A', got 'B'");
  rich.add_details()->PackFrom(bad);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, rich.message(),
                      rich.SerializeAsString());
}

TEST(ErrorDetailsTest, DecodesErrorInfoAndBadRequest) {
  const RpcErrorDetails d = DecodeErrorDetails(InvalidCreditCode());
  EXPECT_EQ(d.reason, "INVALID_CREDIT_CODE");
  EXPECT_EQ(d.domain, "envcredit.v1");
  EXPECT_EQ(d.Field(), "enterprise.credit_code");
  ASSERT_EQ(d.field_violations.size(), 1u);
  EXPECT_EQ(d.field_violations[0].second, "position 18: expected 'A', got 'B'");
  EXPECT_FALSE(d.undecodable);
}

TEST(ErrorDetailsTest, DescribesEverythingAUserNeeds) {
  const std::string text =
      DescribeRpcError(InvalidCreditCode(), "abc123", "127.0.0.1:50051");
  EXPECT_EQ(text,
            "envcredit-admin: INVALID_ARGUMENT: enterprise.credit_code: the "
            "check character is wrong\n"
            "  reason: INVALID_CREDIT_CODE (envcredit.v1)\n"
            "  field: enterprise.credit_code\n"
            "  field violation: enterprise.credit_code: position 18: expected "
            "'A', got 'B'\n"
            "  request id: abc123\n");
}

TEST(ErrorDetailsTest, PreconditionRetryAndResource) {
  google::rpc::Status rich;
  google::rpc::PreconditionFailure pf;
  auto* v = pf.add_violations();
  v->set_type("ETAG");
  v->set_subject("enterprises/X");
  v->set_description("stale");
  rich.add_details()->PackFrom(pf);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(2);
  rich.add_details()->PackFrom(retry);
  google::rpc::ResourceInfo resource;
  resource.set_resource_type("envcredit.v1.Enterprise");
  resource.set_resource_name("enterprises/X");
  rich.add_details()->PackFrom(resource);
  const grpc::Status status(grpc::StatusCode::ABORTED, "etag mismatch",
                            rich.SerializeAsString());
  const std::string text = DescribeRpcError(status, "", "s:1");
  EXPECT_THAT(text, HasSubstr("ABORTED: etag mismatch\n"));
  EXPECT_THAT(text, HasSubstr("  precondition: ETAG enterprises/X: stale\n"));
  EXPECT_THAT(text, HasSubstr("  retry after: 2s\n"));
  EXPECT_THAT(text,
              HasSubstr("  resource: envcredit.v1.Enterprise enterprises/X\n"));
  EXPECT_THAT(text, Not(HasSubstr("request id")));
}

TEST(ErrorDetailsTest, TheServersRequestIdIsTheOnlyOnePrinted) {
  // A write's id is its request_id field, which the server reports in
  // ErrorInfo; the x-request-id the CLI sent beside it is not the call's id.
  google::rpc::Status rich;
  google::rpc::ErrorInfo info;
  info.set_reason("ALREADY_EXISTS");
  info.set_domain("envcredit.v1");
  (*info.mutable_metadata())["request_id"] = "import-batch-7";
  rich.add_details()->PackFrom(info);
  const grpc::Status status(grpc::StatusCode::ALREADY_EXISTS, "exists",
                            rich.SerializeAsString());
  const std::string text = DescribeRpcError(status, "cli-header-id", "s:1");
  EXPECT_THAT(text, HasSubstr("  request_id: import-batch-7\n"));
  EXPECT_THAT(text, Not(HasSubstr("cli-header-id")));
}

TEST(ErrorDetailsTest, PlainStatusAndGarbage) {
  const grpc::Status plain(grpc::StatusCode::NOT_FOUND, "no such enterprise");
  EXPECT_EQ(
      DescribeRpcError(plain, "r", "s:1"),
      "envcredit-admin: NOT_FOUND: no such enterprise\n  request id: r\n");
  const grpc::Status garbage(grpc::StatusCode::INTERNAL, "x", "\xFF\xFF\xFF");
  EXPECT_TRUE(DecodeErrorDetails(garbage).undecodable);
}

TEST(ErrorDetailsTest, UnreachableServerNamesTheAddress) {
  const grpc::Status status(grpc::StatusCode::UNAVAILABLE,
                            "connection refused");
  EXPECT_THAT(DescribeRpcError(status, "", "10.0.0.1:50051"),
              HasSubstr("server: 10.0.0.1:50051 (is it running?"));
}

}  // namespace
}  // namespace envcredit::admin
