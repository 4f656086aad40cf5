// The retry policy (admin-cli/retry.h) on its own and as both importers use
// it: which codes are retried, with the same request and a fresh
// x-request-id; the backoff, or the server's RetryInfo delay; the attempt
// limit. The sleep is injected: nothing here really waits.
#include "admin-cli/retry.h"

#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/import/enterprise_import.h"
#include "admin-cli/import/record_import.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/cli/fake_enterprise_client.h"
#include "tests/cli/fake_record_client.h"

namespace envcredit::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A status with google.rpc details: an ErrorInfo `reason` (when not empty)
// and a RetryInfo of `retry_delay` (when not zero).
grpc::Status RichStatus(grpc::StatusCode code, const std::string& reason,
                        absl::Duration retry_delay = absl::ZeroDuration()) {
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(code));
  rich.set_message("failed");
  if (!reason.empty()) {
    google::rpc::ErrorInfo info;
    info.set_reason(reason);
    info.set_domain("envcredit.v1");
    rich.add_details()->PackFrom(info);
  }
  if (retry_delay != absl::ZeroDuration()) {
    google::rpc::RetryInfo retry;
    const int64_t nanos = absl::ToInt64Nanoseconds(retry_delay);
    retry.mutable_retry_delay()->set_seconds(nanos / 1000000000);
    retry.mutable_retry_delay()->set_nanos(
        static_cast<int32_t>(nanos % 1000000000));
    rich.add_details()->PackFrom(retry);
  }
  return grpc::Status(code, "failed", rich.SerializeAsString());
}

// A policy whose sleep records the delays instead of waiting.
struct RecordedPolicy {
  RecordedPolicy() {
    policy.sleep = [this](absl::Duration d) { sleeps.push_back(d); };
  }
  RetryPolicy policy;
  std::vector<absl::Duration> sleeps;
};

// Answers each attempt with the next of `script`, then OK.
struct ScriptedCall {
  std::vector<grpc::Status> script;
  int calls = 0;
  grpc::Status operator()() {
    return calls < static_cast<int>(script.size()) ? script[calls++]
                                                   : (++calls, grpc::Status());
  }
};

TEST(RetryPolicyTest, WhatIsRetried) {
  EXPECT_TRUE(IsRetryable(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x")));
  EXPECT_TRUE(
      IsRetryable(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "x")));
  // Every request the CLI resends carries its request ids: a call that
  // outlived its deadline is answered from what it stored, if it did.
  EXPECT_TRUE(
      IsRetryable(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "x")));
  EXPECT_TRUE(
      IsRetryable(RichStatus(grpc::StatusCode::ABORTED, kDbConflictReason)));
  // A stale etag needs a fresh read; a bare ABORTED says nothing more.
  EXPECT_FALSE(
      IsRetryable(RichStatus(grpc::StatusCode::ABORTED, "ETAG_MISMATCH")));
  EXPECT_FALSE(IsRetryable(grpc::Status(grpc::StatusCode::ABORTED, "x")));
  for (const grpc::StatusCode code :
       {grpc::StatusCode::OK, grpc::StatusCode::INVALID_ARGUMENT,
        grpc::StatusCode::NOT_FOUND, grpc::StatusCode::ALREADY_EXISTS,
        grpc::StatusCode::FAILED_PRECONDITION,
        grpc::StatusCode::PERMISSION_DENIED, grpc::StatusCode::UNAUTHENTICATED,
        grpc::StatusCode::INTERNAL}) {
    EXPECT_FALSE(IsRetryable(grpc::Status(code, "x"))) << code;
  }
}

TEST(RetryPolicyTest, UnavailableThenOkIsOneRetryAfterTheBackoff) {
  RecordedPolicy r;
  ScriptedCall call{{grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")}};
  const grpc::Status status = CallWithRetry(r.policy, [&]() { return call(); });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(call.calls, 2);
  EXPECT_THAT(r.sleeps, ElementsAre(absl::Milliseconds(400)));
}

TEST(RetryPolicyTest, InvalidArgumentIsNotRetried) {
  RecordedPolicy r;
  ScriptedCall call{
      {RichStatus(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_CREDIT_CODE")}};
  const grpc::Status status = CallWithRetry(r.policy, [&]() { return call(); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(call.calls, 1);
  EXPECT_THAT(r.sleeps, IsEmpty());
}

TEST(RetryPolicyTest, BacksOffAndStopsAfterMaxAttempts) {
  RecordedPolicy r;
  const grpc::Status down(grpc::StatusCode::UNAVAILABLE, "down");
  ScriptedCall call{{down, down, down, down}};
  const grpc::Status status = CallWithRetry(r.policy, [&]() { return call(); });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(call.calls, 3);
  EXPECT_THAT(r.sleeps,
              ElementsAre(absl::Milliseconds(400), absl::Milliseconds(800)));
}

TEST(RetryPolicyTest, RetryInfoDelayIsHonouredAndCapped) {
  RecordedPolicy r;
  r.policy.max_delay = absl::Seconds(10);
  ScriptedCall call{
      {RichStatus(grpc::StatusCode::RESOURCE_EXHAUSTED, "RATE_LIMITED",
                  absl::Milliseconds(2500)),
       RichStatus(grpc::StatusCode::UNAVAILABLE, "", absl::Seconds(60))}};
  EXPECT_TRUE(CallWithRetry(r.policy, [&]() { return call(); }).ok());
  EXPECT_EQ(call.calls, 3);
  EXPECT_THAT(r.sleeps,
              ElementsAre(absl::Milliseconds(2500), absl::Seconds(10)));
  EXPECT_EQ(RetryInfoDelay(RichStatus(grpc::StatusCode::UNAVAILABLE, "",
                                      absl::Seconds(3))),
            absl::Seconds(3));
  EXPECT_FALSE(RetryInfoDelay(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x"))
                   .has_value());
}

TEST(RetryPolicyTest, GiveUpEndsTheRetries) {
  RecordedPolicy r;
  const grpc::Status down(grpc::StatusCode::UNAVAILABLE, "down");
  ScriptedCall call{{down, down, down}};
  const grpc::Status status = CallWithRetry(
      r.policy, [&]() { return call(); }, []() { return true; });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(call.calls, 1);
  EXPECT_THAT(r.sleeps, IsEmpty());
}

// Fails the first BatchCreate of each batch (told apart by its items'
// request_ids) with `failure`, then behaves like the server.
class FlakyEnterpriseClient : public testing::FakeEnterpriseClient {
 public:
  explicit FlakyEnterpriseClient(grpc::Status failure)
      : failure_(std::move(failure)) {}

  grpc::Status BatchCreate(
      const std::string& call_id,
      const v1::BatchCreateEnterprisesRequest& request,
      v1::BatchCreateEnterprisesResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::vector<std::string> ids;
      for (const auto& item : request.requests()) {
        ids.push_back(item.request_id());
      }
      attempts_.push_back({call_id, ids});
      if (failed_.insert(ids).second) return failure_;
    }
    return FakeEnterpriseClient::BatchCreate(call_id, request, response);
  }

  // (x-request-id, the items' request_ids) of every attempt.
  std::vector<std::pair<std::string, std::vector<std::string>>> attempts() {
    std::lock_guard<std::mutex> lock(mu_);
    return attempts_;
  }

 private:
  const grpc::Status failure_;
  std::mutex mu_;
  std::set<std::vector<std::string>> failed_;
  std::vector<std::pair<std::string, std::vector<std::string>>> attempts_;
};

std::string WriteCsv(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  std::remove(ErrorsPathFor(path).c_str());
  return path;
}

struct EnterpriseImportRun {
  int exit_code;
  std::string out, err;
  std::vector<absl::Duration> sleeps;
};

EnterpriseImportRun ImportEnterprises(const std::string& path,
                                      EnterpriseClient& client) {
  RecordedPolicy r;
  ImportOptions options;
  options.path = path;
  options.retry = r.policy;
  std::ostringstream out, err;
  const int code = RunImport(options, client, out, err);
  return {code, out.str(), err.str(), r.sleeps};
}

TEST(EnterpriseImportRetryTest, UnavailableBatchIsRetriedWithTheSameIds) {
  FlakyEnterpriseClient fake(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection reset"));
  const std::string path = WriteCsv(
      "retry-unavailable.csv",
      "credit_code,name,industry\n91320100MA1W2X3Y6A,（虚构）示例,STEEL\n"
      "91320100MA1W2X3Y7B,（虚构）示例二,STEEL\n");
  const EnterpriseImportRun r = ImportEnterprises(path, fake);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("created          2\n"));
  EXPECT_EQ(fake.size(), 2u);
  const auto attempts = fake.attempts();
  ASSERT_EQ(attempts.size(), 2u);
  // The same items with the same request_ids (so a retry after a lost
  // answer cannot create twice), a new x-request-id per attempt.
  ASSERT_EQ(attempts[0].second.size(), 2u);
  EXPECT_EQ(attempts[0].second, attempts[1].second);
  EXPECT_THAT(attempts[0].second[0], ::testing::StartsWith("import-"));
  EXPECT_NE(attempts[0].second[0], attempts[0].second[1]);
  EXPECT_NE(attempts[0].first, attempts[1].first);
  EXPECT_THAT(r.sleeps, ElementsAre(absl::Milliseconds(400)));
}

TEST(EnterpriseImportRetryTest, DbConflictIsRetriedEtagMismatchIsNot) {
  FlakyEnterpriseClient conflict(
      RichStatus(grpc::StatusCode::ABORTED, kDbConflictReason));
  const std::string text =
      "credit_code,name,industry\n91320100MA1W2X3Y6A,（虚构）示例,STEEL\n";
  EXPECT_EQ(ImportEnterprises(WriteCsv("retry-conflict.csv", text), conflict)
                .exit_code,
            kExitOk);
  EXPECT_EQ(conflict.attempts().size(), 2u);

  FlakyEnterpriseClient stale(
      RichStatus(grpc::StatusCode::ABORTED, "ETAG_MISMATCH"));
  const EnterpriseImportRun r =
      ImportEnterprises(WriteCsv("retry-stale.csv", text), stale);
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_EQ(stale.attempts().size(), 1u);
  EXPECT_THAT(r.sleeps, IsEmpty());
}

TEST(EnterpriseImportRetryTest, InvalidRowIsNotRetried) {
  FlakyEnterpriseClient fake(
      RichStatus(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_CREDIT_CODE"));
  const EnterpriseImportRun r = ImportEnterprises(
      WriteCsv("retry-invalid.csv",
               "credit_code,name,industry\n91320100MA1W2X3Y6A,（虚构）示例,"
               "STEEL\n"),
      fake);
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  EXPECT_EQ(fake.attempts().size(), 1u);
  EXPECT_THAT(r.sleeps, IsEmpty());
}

// The record import goes through the same policy.
class FlakyRecordClient : public testing::FakeRecordClient {
 public:
  grpc::Status BatchCreatePenaltyDecisions(
      const std::string& call_id,
      const v1::BatchCreatePenaltyDecisionsRequest& request,
      v1::BatchCreatePenaltyDecisionsResponse* response) override {
    batches.push_back(request);
    if (batches.size() == 1) {
      return RichStatus(grpc::StatusCode::UNAVAILABLE, "",
                        absl::Milliseconds(1500));
    }
    return FakeRecordClient::BatchCreatePenaltyDecisions(call_id, request,
                                                         response);
  }
  std::vector<v1::BatchCreatePenaltyDecisionsRequest> batches;
};

TEST(RecordImportRetryTest, BatchIsResentAsItWasAfterTheServersDelay) {
  FlakyRecordClient fake;
  const std::string path = WriteCsv(
      "retry-decisions.csv",
      "credit_code,authority,decision_number,violation_type,decision_date,"
      "measures,fine_yuan\n"
      "91320100MA1W2X3Y6A,南京市生态环境局,宁环罚〔2024〕1号,"
      "EXCEEDING_DISCHARGE_STANDARDS,2024-03-05,FINE,200000\n");
  RecordedPolicy r;
  RecordImportOptions options;
  options.kind = RecordKind::kDecisions;
  options.path = path;
  options.clock_skew = absl::ZeroDuration();
  options.retry = r.policy;
  std::ostringstream out, err;
  EXPECT_EQ(RunRecordImport(options, fake, out, err), kExitOk) << err.str();
  ASSERT_EQ(fake.batches.size(), 2u);
  EXPECT_EQ(fake.batches[0].SerializeAsString(),
            fake.batches[1].SerializeAsString());
  EXPECT_EQ(fake.decisions().size(), 1u);
  EXPECT_THAT(r.sleeps, ElementsAre(absl::Milliseconds(1500)));
}

}  // namespace
}  // namespace envcredit::admin
