// The metrics endpoint of the real server (doc/operations.md "Metrics"):
// after known calls, a scrape of GET /metrics shows exactly those counts —
// calls by method and code, the latency histogram's count, denials by
// reason, import rows by outcome — and the figures read at scrape time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_values.h"
#include "tests/support/test_database.h"

namespace envcredit {
namespace {

std::string Uscc(int serial) { return testing::TestUscc("MA", serial); }

// GET /metrics over a plain socket: the body, or "" on failure.
std::string Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      ssize_t n;
      while ((n = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, n);
    }
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// Sample lines by their name and labels as printed ("name{a=\"b\"}").
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line.front() == '#') continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos ||
        !absl::SimpleAtod(line.substr(space + 1), &value)) {
      continue;
    }
    out[std::string(line.substr(0, space))] = value;
  }
  return out;
}

constexpr absl::string_view kService = "/envcredit.v1.EnterpriseService/";

TEST(MetricsE2eTest, AScrapeCountsTheCallsMade) {
  auto db = testing::TestDatabase::Create("e2e_metrics");
  ASSERT_TRUE(db.ok()) << db.status();
  auto server = testing::ServerProcess::Start((*db)->config());
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->metrics_port();
  ASSERT_GT(port, 0) << (*server)->Log();
  auto stub = v1::EnterpriseService::NewStub(
      testing::AuthedChannel((*server)->address(), (*server)->admin_token()));

  // 3 lists (OK), 2 gets of an unknown enterprise (NOT_FOUND).
  for (int k = 0; k < 3; ++k) {
    grpc::ClientContext context;
    v1::ListEnterprisesResponse response;
    ASSERT_TRUE(stub->ListEnterprises(&context, {}, &response).ok());
  }
  for (int k = 0; k < 2; ++k) {
    grpc::ClientContext context;
    v1::GetEnterpriseRequest request;
    request.set_name("enterprises/" + Uscc(900 + k));
    v1::Enterprise out;
    EXPECT_EQ(stub->GetEnterprise(&context, request, &out).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  // One call with a token the server never issued.
  {
    auto stranger = v1::EnterpriseService::NewStub(
        testing::AuthedChannel((*server)->address(), "ect_not-a-token-we-issued"));
    grpc::ClientContext context;
    v1::ListEnterprisesResponse response;
    EXPECT_EQ(stranger->ListEnterprises(&context, {}, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  // A batch of three: two new, then the first again (ALREADY_EXISTS).
  {
    grpc::ClientContext context;
    v1::BatchCreateEnterprisesRequest request;
    for (const int serial : {1, 2, 1}) {
      v1::Enterprise* e = request.add_requests()->mutable_enterprise();
      e->set_credit_code(Uscc(serial));
      e->set_display_name(absl::StrCat("（虚构）指标示例", serial));
      e->set_industry(v1::CHEMICALS);
    }
    v1::BatchCreateEnterprisesResponse response;
    ASSERT_TRUE(stub->BatchCreateEnterprises(&context, request, &response).ok());
  }

  const std::string text = Scrape(port);
  ASSERT_FALSE(text.empty());
  const std::map<std::string, double> s = Samples(text);
  const auto at = [&s, &text](const std::string& key) {
    const auto it = s.find(key);
    EXPECT_NE(it, s.end()) << key << " not in:\n" << text;
    return it == s.end() ? -1.0 : it->second;
  };
  EXPECT_EQ(at(absl::StrCat("envcredit_calls_total{method=\"", kService,
                            "ListEnterprises\",code=\"OK\"}")),
            3);
  EXPECT_EQ(at(absl::StrCat("envcredit_calls_total{method=\"", kService,
                            "GetEnterprise\",code=\"NOT_FOUND\"}")),
            2);
  EXPECT_EQ(at(absl::StrCat("envcredit_calls_total{method=\"", kService,
                            "ListEnterprises\",code=\"UNAUTHENTICATED\"}")),
            1);
  EXPECT_EQ(at(absl::StrCat("envcredit_call_latency_seconds_count{method=\"", kService,
                            "ListEnterprises\"}")),
            4);
  EXPECT_EQ(at(absl::StrCat("envcredit_call_latency_seconds_bucket{method=\"", kService,
                            "ListEnterprises\",le=\"+Inf\"}")),
            4);
  EXPECT_EQ(at("envcredit_access_denials_total{reason=\"TOKEN_UNKNOWN\"}"), 1);
  EXPECT_EQ(at("envcredit_import_rows_total{kind=\"enterprises\",outcome=\"created\"}"), 2);
  EXPECT_EQ(
      at("envcredit_import_rows_total{kind=\"enterprises\",outcome=\"already_existed\"}"), 1);
  EXPECT_EQ(at("envcredit_import_rows_total{kind=\"enterprises\",outcome=\"failed\"}"), 0);
  // Read at scrape time.
  EXPECT_EQ(at("envcredit_ready"), 1);
  EXPECT_GE(at("envcredit_schema_version"), 7);
  EXPECT_EQ(at("envcredit_rating_cache_enterprises"), 2);
  EXPECT_EQ(at("envcredit_enterprises{level=\"BLUE\",policy=\"default\"}"), 2);
  EXPECT_EQ(at("envcredit_watchers"), 0);
  EXPECT_EQ(at("envcredit_objections_pending"), 0);
  EXPECT_GE(at("envcredit_db_pool_connections{state=\"idle\"}"), 1);
  EXPECT_NE(text.find("envcredit_build_info{version=\"envcredit "), std::string::npos) << text;

  // The count moves with the next call.
  {
    grpc::ClientContext context;
    v1::ListEnterprisesResponse response;
    ASSERT_TRUE(stub->ListEnterprises(&context, {}, &response).ok());
  }
  EXPECT_EQ(Samples(Scrape(port))[absl::StrCat("envcredit_calls_total{method=\"", kService,
                                               "ListEnterprises\",code=\"OK\"}")],
            4);
}

}  // namespace
}  // namespace envcredit
