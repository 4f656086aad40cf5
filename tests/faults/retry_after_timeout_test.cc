// Clients that give up on a call (a very short deadline) and retry it with
// the same request_id until it succeeds (AIP-155; doc/schema.md
// "request_log"). A timed-out call may still run to its commit on the server
// — possibly at the same time as its retry — so each write must be stored
// exactly once however many attempts reached the server.
//
// Deadlines start at 0.3 ms and 1 ms (two tries each) and then grow (1, 2, 3,
// 5, 8, … ms), so
// early attempts die on the client, some reach the server and commit after
// the client gave up, and a later one succeeds. Checked for
// CreatePenaltyDecision, CreateCommitment, ProposePublication and
// FileObjection: exactly one stored row per logical request.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "envcredit/v1/lists.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/faults/fault_support.h"
#include "tests/support/status_matchers.h"

namespace envcredit::faults {
namespace {

const absl::CivilDay kToday(2024, 1, 1);
constexpr int kRepeats = 3;  // logical requests per record kind

class RetryAfterTimeoutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = FaultEnvironment::Create("retry", kToday);
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(env_, nullptr) << "environment did not start"; }

  struct Attempts {
    int total = 0;
    int timed_out = 0;
  };

  // Calls `call` with growing deadlines until it succeeds (at most 40
  // attempts). Every failure must be DEADLINE_EXCEEDED.
  static Attempts RetryUntilOk(const std::string& what,
                               absl::FunctionRef<grpc::Status(grpc::ClientContext*)> call) {
    Attempts attempts;
    // 0.3, 0.3, 1, 1 ms, then 1, 2, 3, 5, 8, ... ms (at most 10 s).
    const absl::Duration first[] = {absl::Microseconds(300), absl::Microseconds(300),
                                    absl::Milliseconds(1), absl::Milliseconds(1)};
    int64_t a = 1, b = 1;
    for (int i = 0; i < 40; ++i) {
      absl::Duration timeout;
      if (i < 4) {
        timeout = first[i];
      } else {
        timeout = absl::Milliseconds(a);
        const int64_t next = a + b;
        b = a;
        a = std::min<int64_t>(next, 10000);
      }
      auto context = ContextWithDeadline(timeout);
      grpc::Status status = call(context.get());
      ++attempts.total;
      if (status.ok()) return attempts;
      EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
          << what << " attempt " << attempts.total << " (" << timeout << "): " << Describe(status);
      ++attempts.timed_out;
    }
    ADD_FAILURE() << what << " never succeeded";
    return attempts;
  }

  // How many times the server ran (and committed) calls with this request_id:
  // the original and every replay write an audit entry.
  static int64_t ServerRuns(const std::string& request_id) {
    return env_->database().QueryInt(
        "SELECT COUNT(*) FROM audit_log WHERE request_id = ? AND outcome = 'OK'", {request_id});
  }

  // Prints what happened; adds the server runs beyond the first to
  // replayed_.
  static void Report(const std::string& what, const std::string& request_id,
                     const Attempts& attempts) {
    replayed_ += std::max<int64_t>(0, ServerRuns(request_id) - 1);
    std::printf("[ retry ] %-22s %-24s %2d attempts, %2d timed out on the client, %lld ran "
                "on the server\n",
                what.c_str(), request_id.c_str(), attempts.total, attempts.timed_out,
                static_cast<long long>(ServerRuns(request_id)));
  }

  // The request_id is claimed once, for the resource the client was given.
  static void ExpectClaimedFor(const std::string& request_id, const std::string& name) {
    std::vector<storage::Row> rows = env_->database().Query(
        "SELECT resource_name FROM request_log WHERE request_id = ?", {request_id});
    ASSERT_EQ(rows.size(), 1u) << request_id;
    EXPECT_EQ(rows[0].GetString(0), name) << request_id;
  }

  static FaultEnvironment* env_;
  static int64_t replayed_;
};

FaultEnvironment* RetryAfterTimeoutTest::env_ = nullptr;
int64_t RetryAfterTimeoutTest::replayed_ = 0;

TEST_F(RetryAfterTimeoutTest, EveryWriteIsStoredOnceHoweverOftenItIsRetried) {
  const std::string black = Uscc("RT", 1), plain = Uscc("RT", 2);
  ASSERT_OK(CreateEnterprises(env_->Channel(), {black, plain}));
  auto channel = env_->Channel();
  auto records = v1::RecordService::NewStub(channel);
  auto lists = v1::ListService::NewStub(channel);

  // 1. Penalty decisions (the first makes `black` BLACK for the list below).
  for (int k = 0; k < kRepeats; ++k) {
    v1::CreatePenaltyDecisionRequest request;
    request.set_parent(absl::StrCat("enterprises/", k == 0 ? black : plain));
    request.set_request_id(absl::StrCat("retry-decision-", k));
    v1::PenaltyDecision* d = request.mutable_penalty_decision();
    d->set_authority("南京市生态环境局");
    d->set_decision_number(absl::StrCat("宁环罚〔2024〕重试", k + 1, "号"));
    d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
    *d->mutable_decision_date() = Day(kToday);
    d->add_measures(k == 0 ? v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION : v1::WARNING);
    v1::PenaltyDecision out;
    const Attempts attempts = RetryUntilOk("CreatePenaltyDecision", [&](grpc::ClientContext* c) {
      return records->CreatePenaltyDecision(c, request, &out);
    });
    Report("CreatePenaltyDecision", request.request_id(), attempts);
    EXPECT_EQ(env_->database().QueryInt(
                  "SELECT COUNT(*) FROM penalty_decisions WHERE decision_number = ?",
                  {d->decision_number()}),
              1);
  }
  EXPECT_EQ(env_->database().QueryInt("SELECT COUNT(*) FROM penalty_decisions"), kRepeats);

  // 2. Commitments: nothing but the request_id tells a retry from a second
  //    commitment with the same content.
  for (int k = 0; k < kRepeats; ++k) {
    v1::CreateCommitmentRequest request;
    request.set_parent(absl::StrCat("enterprises/", plain));
    request.set_request_id(absl::StrCat("retry-commitment-", k));
    request.mutable_commitment()->set_kind(v1::CREDIT_COMMITMENT);
    request.mutable_commitment()->set_signer("王示例");
    *request.mutable_commitment()->mutable_signing_date() = Day(kToday);
    request.mutable_commitment()->set_public_(true);
    v1::Commitment out;
    const Attempts attempts = RetryUntilOk("CreateCommitment", [&](grpc::ClientContext* c) {
      return records->CreateCommitment(c, request, &out);
    });
    Report("CreateCommitment", request.request_id(), attempts);
    ExpectClaimedFor(request.request_id(), out.name());
    EXPECT_EQ(env_->database().QueryInt("SELECT COUNT(*) FROM commitments"), k + 1)
        << "after " << request.request_id();
  }

  // 3. A black-list proposal: one publication, not one per attempt (a second
  //    proposal would supersede the first).
  v1::Publication draft;
  {
    v1::ProposePublicationRequest request;
    request.set_list(v1::BLACK_LIST);
    request.set_request_id("retry-propose");
    const Attempts attempts = RetryUntilOk("ProposePublication", [&](grpc::ClientContext* c) {
      return lists->ProposePublication(c, request, &draft);
    });
    Report("ProposePublication", request.request_id(), attempts);
    EXPECT_EQ(env_->database().QueryInt("SELECT COUNT(*) FROM publications"), 1);
    EXPECT_EQ(draft.entry_count(), 1);
  }
  {
    v1::StartNoticeRequest request;
    request.set_name(draft.name());
    request.set_request_id("retry-notice");
    v1::Publication noticed;
    auto context = ContextWithDeadline(absl::Seconds(30));
    grpc::Status status = lists->StartNotice(context.get(), request, &noticed);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  // 4. Objections during the notice (an entry may get several).
  for (int k = 0; k < kRepeats; ++k) {
    v1::FileObjectionRequest request;
    request.set_parent(draft.name());
    request.set_request_id(absl::StrCat("retry-objection-", k));
    request.mutable_objection()->set_credit_code(black);
    request.mutable_objection()->set_statement(
        absl::StrCat("处罚决定正在复议（第", k + 1, "份）/ the decision is under review"));
    v1::Objection out;
    const Attempts attempts = RetryUntilOk("FileObjection", [&](grpc::ClientContext* c) {
      return lists->FileObjection(c, request, &out);
    });
    Report("FileObjection", request.request_id(), attempts);
    ExpectClaimedFor(request.request_id(), out.name());
    EXPECT_EQ(env_->database().QueryInt("SELECT COUNT(*) FROM objections"), k + 1)
        << "after " << request.request_id();
  }

  // The point of the test: calls the client had given up on ran on the
  // server, and their retries were answered from the request log.
  EXPECT_GT(replayed_, 0) << "no timed-out call reached the server: nothing was tested";

  if (HasFailure()) std::printf("%s\n", InterestingLines(env_->AllServerLogs()).c_str());
}

}  // namespace
}  // namespace envcredit::faults
