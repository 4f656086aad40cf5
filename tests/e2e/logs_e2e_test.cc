// End to end: --log_format=json and one request id per call (doc/operations.md
// "Logs"). The real server writes JSON to stderr; the test makes a write with
// a request_id, failing calls with x-request-id metadata and one with
// neither, then checks that every stderr line parses as JSON and that each
// call's id is the same in its access-log line, its error details, its
// response metadata and its audit entry.
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "envcredit/v1/audit.grpc.pb.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/server_process.h"
#include "tests/support/test_database.h"

namespace envcredit {
namespace {

using ::testing::SizeIs;

std::string RequestIdInErrorInfo(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "<no details>";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (!any.UnpackTo(&info)) continue;
    auto it = info.metadata().find("request_id");
    return it == info.metadata().end() ? "<none>" : it->second;
  }
  return "<no ErrorInfo>";
}

std::string EchoedRequestId(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find("x-request-id");
  return it == metadata.end()
             ? "<none>"
             : std::string(it->second.data(), it->second.size());
}

std::string StringOf(const google::protobuf::Struct& s,
                     const std::string& key) {
  auto it = s.fields().find(key);
  if (it == s.fields().end() || !it->second.has_string_value()) return "<none>";
  return it->second.string_value();
}

TEST(LogsE2eTest, JsonLinesAndOneRequestIdPerCall) {
  auto db = testing::TestDatabase::Create("e2e_logs");
  ASSERT_TRUE(db.ok()) << db.status();
  auto server =
      testing::ServerProcess::Start((*db)->config(), {"--log_format=json"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel =
      testing::AuthedChannel((*server)->address(), (*server)->admin_token());
  auto enterprises = v1::EnterpriseService::NewStub(channel);

  // 1. A write with its own request_id; the x-request-id beside it loses.
  const std::string write_id = "logs-e2e-write-1";
  const std::string code = *domain::MakeUscc("91", "320100", "MA000117");
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "logs-e2e-metadata-loses");
    v1::CreateEnterpriseRequest request;
    request.set_request_id(write_id);
    v1::Enterprise* e = request.mutable_enterprise();
    e->set_credit_code(code);
    e->set_display_name("（虚构）南京日志示例有限公司");
    e->set_industry(v1::CHEMICALS);
    e->set_legal_representative("张示例");
    e->set_address("南京市示例区示例路1号");
    v1::Enterprise created;
    const grpc::Status status =
        enterprises->CreateEnterprise(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(EchoedRequestId(context), write_id);
  }

  // 2. A failing read with x-request-id metadata.
  const std::string read_id = "logs-e2e-read-404";
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", read_id);
    v1::GetEnterpriseRequest request;
    request.set_name("enterprises/" +
                     *domain::MakeUscc("91", "320100", "MA000999"));
    v1::Enterprise out;
    const grpc::Status status =
        enterprises->GetEnterprise(&context, request, &out);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(RequestIdInErrorInfo(status), read_id);
    EXPECT_EQ(EchoedRequestId(context), read_id);
  }

  // 3. A failing write without request_id: the metadata's id is its id, in
  // the error details and in the audit entry.
  const std::string bad_write_id = "logs-e2e-bad-write";
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", bad_write_id);
    v1::CreateEnterpriseRequest request;
    request.mutable_enterprise()->set_credit_code("not a code");
    v1::Enterprise out;
    const grpc::Status status =
        enterprises->CreateEnterprise(&context, request, &out);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(RequestIdInErrorInfo(status), bad_write_id);
  }

  // 4. A refused call with neither: the server's id, the same in the
  // details and the response metadata.
  std::string server_id;
  {
    auto anonymous = v1::EnterpriseService::NewStub(
        testing::AuthedChannel((*server)->address(), ""));
    grpc::ClientContext context;
    v1::GetEnterpriseRequest request;
    request.set_name("enterprises/" + code);
    v1::Enterprise out;
    const grpc::Status status =
        anonymous->GetEnterprise(&context, request, &out);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    server_id = EchoedRequestId(context);
    EXPECT_EQ(server_id.rfind("srv-", 0), 0u) << server_id;
    EXPECT_EQ(RequestIdInErrorInfo(status), server_id);
  }

  // 5. The audit entries carry the calls' ids.
  std::string admin_actor;
  {
    auto audit = v1::AuditService::NewStub(channel);
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_method("CreateEnterprise");
    request.set_page_size(100);
    v1::ListAuditEntriesResponse response;
    const grpc::Status status =
        audit->ListAuditEntries(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    bool saw_write = false, saw_bad_write = false;
    for (const v1::AuditEntry& entry : response.entries()) {
      if (entry.outcome() == "OK" &&
          entry.resource() == "enterprises/" + code) {
        saw_write = true;
        EXPECT_EQ(entry.request_id(), write_id);
        admin_actor = entry.actor();
      }
      if (entry.outcome() == "INVALID_ARGUMENT") {
        saw_bad_write = true;
        EXPECT_EQ(entry.request_id(), bad_write_id);
      }
    }
    EXPECT_TRUE(saw_write) << response.DebugString();
    EXPECT_TRUE(saw_bad_write) << response.DebugString();
  }

  // 6. Stop (the access log is flushed on SIGTERM), then read stderr.
  auto stopped = (*server)->Stop(SIGTERM, absl::Seconds(20));
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(*stopped, 0);
  const std::string log = (*server)->Log();
  ASSERT_FALSE(log.empty());
  ASSERT_EQ(log.back(), '\n');
  std::vector<google::protobuf::Struct> access;
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    ++lines;
    google::protobuf::Struct parsed;
    const auto status =
        google::protobuf::util::JsonStringToMessage(std::string(line), &parsed);
    ASSERT_TRUE(status.ok()) << status.ToString() << " in line: " << line;
    EXPECT_NE(StringOf(parsed, "time"), "<none>") << line;
    EXPECT_NE(StringOf(parsed, "level"), "<none>") << line;
    EXPECT_NE(StringOf(parsed, "message"), "<none>") << line;
    if (StringOf(parsed, "message") == "access") access.push_back(parsed);
  }
  EXPECT_GT(lines, 5);
  auto access_of = [&](const std::string& id) {
    std::vector<google::protobuf::Struct> found;
    for (const auto& a : access) {
      if (StringOf(a, "request_id") == id) found.push_back(a);
    }
    return found;
  };
  const auto write = access_of(write_id);
  ASSERT_THAT(write, SizeIs(1)) << log;
  EXPECT_EQ(StringOf(write[0], "method"),
            "/envcredit.v1.EnterpriseService/CreateEnterprise");
  EXPECT_EQ(StringOf(write[0], "code"), "OK");
  EXPECT_EQ(StringOf(write[0], "actor"), admin_actor);
  EXPECT_FALSE(admin_actor.empty());
  ASSERT_TRUE(write[0].fields().contains("latency_ms"));
  EXPECT_TRUE(write[0].fields().at("latency_ms").has_number_value());
  EXPECT_THAT(access_of("logs-e2e-metadata-loses"), SizeIs(0));

  const auto read = access_of(read_id);
  ASSERT_THAT(read, SizeIs(1)) << log;
  EXPECT_EQ(StringOf(read[0], "method"),
            "/envcredit.v1.EnterpriseService/GetEnterprise");
  EXPECT_EQ(StringOf(read[0], "code"), "NOT_FOUND");
  EXPECT_EQ(StringOf(read[0], "actor"), admin_actor);

  const auto bad_write = access_of(bad_write_id);
  ASSERT_THAT(bad_write, SizeIs(1)) << log;
  EXPECT_EQ(StringOf(bad_write[0], "code"), "INVALID_ARGUMENT");

  const auto refused = access_of(server_id);
  ASSERT_THAT(refused, SizeIs(1)) << log;
  EXPECT_EQ(StringOf(refused[0], "code"), "UNAUTHENTICATED");
  EXPECT_EQ(StringOf(refused[0], "actor"), "");
}

}  // namespace
}  // namespace envcredit
