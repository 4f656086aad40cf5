// End to end: RecordService and AuditService of the real envcredit-server on
// a free port, through the generated stubs. Every RPC, idempotent retries,
// validation failures reaching the client as INVALID_ARGUMENT with the
// field, an audit entry for every write, Chinese text.
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "envcredit/v1/audit.grpc.pb.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/server_process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_uscc.h"

namespace envcredit {
namespace {

using testing::DetailsOf;
using testing::ErrorDetails;

std::string Uscc(int serial) { return testing::TestUscc("MA", serial); }

v1::Date Day(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class RecordsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = testing::TestDatabase::Create("e2e_records");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
    auto server = testing::ServerProcess::Start(database_->config());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto channel =
        testing::AuthedChannel(server_->address(), server_->admin_token());
    auto enterprises = v1::EnterpriseService::NewStub(channel);
    for (int i = 1; i <= 2; ++i) {
      grpc::ClientContext context;
      v1::CreateEnterpriseRequest request;
      request.mutable_enterprise()->set_credit_code(Uscc(i));
      request.mutable_enterprise()->set_display_name("（虚构）南京示例化工有限公司");
      request.mutable_enterprise()->set_industry(v1::CHEMICALS);
      v1::Enterprise out;
      grpc::Status status = enterprises->CreateEnterprise(&context, request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete database_;
    database_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    channel_ = testing::AuthedChannel(server_->address(), server_->admin_token());
    records_ = v1::RecordService::NewStub(channel_);
    audit_ = v1::AuditService::NewStub(channel_);
  }

  // The REPLAYED entries of BatchCreatePenaltyDecisions calls on `resource`, newest first.
  std::vector<v1::AuditEntry> ReplayedEntries(const std::string& resource) {
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest list;
    list.set_method("BatchCreatePenaltyDecisions");
    list.set_resource_prefix(resource);
    list.set_page_size(1000);
    v1::ListAuditEntriesResponse response;
    EXPECT_TRUE(audit_->ListAuditEntries(&context, list, &response).ok());
    std::vector<v1::AuditEntry> out;
    for (const auto& e : response.entries()) {
      if (e.reason() == "REPLAYED" && e.resource() == resource) out.push_back(e);
    }
    return out;
  }

  // Decisions, request-log claims and feed events stored, in one number.
  int64_t StoredRows() {
    auto session = database_->db().Checkout();
    EXPECT_TRUE(session.ok());
    auto row = session->QueryRow(
        "SELECT (SELECT COUNT(*) FROM penalty_decisions) * 1000000 + (SELECT COUNT(*) FROM "
        "request_log) * 1000 + (SELECT COUNT(*) FROM feed_events)");
    EXPECT_TRUE(row.ok() && row->has_value());
    return (*row)->GetInt64(0);
  }

  static v1::CreatePenaltyDecisionRequest DecisionRequest(const std::string& number,
                                                          int enterprise = 1) {
    v1::CreatePenaltyDecisionRequest request;
    request.set_parent("enterprises/" + Uscc(enterprise));
    v1::PenaltyDecision* d = request.mutable_penalty_decision();
    d->set_authority("南京市生态环境局");
    d->set_decision_number(number);
    d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
    *d->mutable_decision_date() = Day(2024, 6, 1);
    d->add_measures(v1::FINE);
    d->add_measures(v1::ORDER_TO_CORRECT);
    d->set_fine_amount_fen(2000000);
    return request;
  }

  grpc::Status CreateDecision(const v1::CreatePenaltyDecisionRequest& request,
                              v1::PenaltyDecision* out) {
    grpc::ClientContext context;
    return records_->CreatePenaltyDecision(&context, request, out);
  }

  // The entries about exactly `resource` (the filter is a prefix).
  std::vector<v1::AuditEntry> AuditFor(const std::string& resource) {
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_resource_prefix(resource);
    request.set_page_size(1000);
    v1::ListAuditEntriesResponse response;
    grpc::Status status = audit_->ListAuditEntries(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<v1::AuditEntry> out;
    for (const auto& e : response.entries()) {
      if (e.resource() == resource) out.push_back(e);
    }
    return out;
  }

  static testing::TestDatabase* database_;
  static testing::ServerProcess* server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RecordService::Stub> records_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
};

testing::TestDatabase* RecordsE2eTest::database_ = nullptr;
testing::ServerProcess* RecordsE2eTest::server_ = nullptr;

TEST_F(RecordsE2eTest, DecisionLifecycleWithAudit) {
  v1::PenaltyDecision created;
  ASSERT_TRUE(CreateDecision(DecisionRequest("宁环罚〔2024〕7号"), &created).ok());
  EXPECT_EQ(created.state(), v1::IN_FORCE);
  EXPECT_EQ(created.authority(), "南京市生态环境局");
  EXPECT_THAT(created.measures(), ::testing::ElementsAre(v1::ORDER_TO_CORRECT, v1::FINE));

  // Identical content: the existing decision; other content: ALREADY_EXISTS.
  v1::PenaltyDecision again;
  ASSERT_TRUE(CreateDecision(DecisionRequest("宁环罚〔2024〕7号"), &again).ok());
  EXPECT_EQ(again.name(), created.name());
  auto changed = DecisionRequest("宁环罚〔2024〕7号");
  changed.mutable_penalty_decision()->set_fine_amount_fen(1);
  grpc::Status status = CreateDecision(changed, &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(DetailsOf(status).reason, "PENALTY_DECISION_ALREADY_EXISTS");

  {
    grpc::ClientContext context;
    v1::GetPenaltyDecisionRequest request;
    request.set_name(created.name());
    v1::PenaltyDecision got;
    ASSERT_TRUE(records_->GetPenaltyDecision(&context, request, &got).ok());
    EXPECT_EQ(got.decision_number(), "宁环罚〔2024〕7号");
  }
  {  // Rectified before the decision date: INVALID_ARGUMENT.
    grpc::ClientContext context;
    v1::MarkPenaltyDecisionRectifiedRequest request;
    request.set_name(created.name());
    *request.mutable_rectified_date() = Day(2024, 5, 1);
    v1::PenaltyDecision out;
    status = records_->MarkPenaltyDecisionRectified(&context, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DetailsOf(status).field, "rectified_date");
  }
  {
    grpc::ClientContext context;
    v1::MarkPenaltyDecisionRectifiedRequest request;
    request.set_name(created.name());
    *request.mutable_rectified_date() = Day(2024, 7, 1);
    request.set_request_id("rectify-1");
    v1::PenaltyDecision out;
    ASSERT_TRUE(records_->MarkPenaltyDecisionRectified(&context, request, &out).ok());
    EXPECT_EQ(out.rectified_date().month(), 7);
  }
  v1::RevokePenaltyDecisionRequest revoke;
  revoke.set_name(created.name());
  *revoke.mutable_revocation()->mutable_date() = Day(2024, 8, 1);
  revoke.mutable_revocation()->set_reason(v1::ADMINISTRATIVE_REVIEW);
  revoke.mutable_revocation()->set_note("复议撤销");
  revoke.set_request_id("revoke-1");
  v1::PenaltyDecision revoked;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(records_->RevokePenaltyDecision(&context, revoke, &revoked).ok());
    EXPECT_EQ(revoked.state(), v1::REVOKED);
    EXPECT_EQ(revoked.revocation().note(), "复议撤销");
  }
  {  // The same request_id: the original result.
    grpc::ClientContext context;
    v1::PenaltyDecision replayed;
    ASSERT_TRUE(records_->RevokePenaltyDecision(&context, revoke, &replayed).ok());
    EXPECT_EQ(replayed.state(), v1::REVOKED);
  }
  {  // A new revocation: FAILED_PRECONDITION.
    grpc::ClientContext context;
    revoke.set_request_id("revoke-2");
    v1::PenaltyDecision out;
    status = records_->RevokePenaltyDecision(&context, revoke, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(DetailsOf(status).reason, "PENALTY_DECISION_ALREADY_REVOKED");
  }
  {  // Still listed, with its state.
    grpc::ClientContext context;
    v1::ListPenaltyDecisionsRequest request;
    request.set_parent("enterprises/" + Uscc(1));
    request.set_state(v1::REVOKED);
    v1::ListPenaltyDecisionsResponse response;
    ASSERT_TRUE(records_->ListPenaltyDecisions(&context, request, &response).ok());
    ASSERT_EQ(response.penalty_decisions_size(), 1);
    EXPECT_EQ(response.penalty_decisions(0).name(), created.name());
  }
  // Audit: create, identical create, rectify, revoke, replayed revoke (OK);
  // the failed rectify and revoke with their outcome.
  std::vector<v1::AuditEntry> entries = AuditFor(created.name());
  int ok = 0, failed = 0;
  for (const auto& e : entries) {
    EXPECT_EQ(e.actor(), "bootstrap-admin");
    (e.outcome() == "OK" ? ok : failed)++;
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(failed, 2);
  {
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_method("CreatePenaltyDecision");
    request.set_outcome("ALREADY_EXISTS");
    v1::ListAuditEntriesResponse response;
    ASSERT_TRUE(audit_->ListAuditEntries(&context, request, &response).ok());
    ASSERT_GE(response.entries_size(), 1);
    EXPECT_EQ(response.entries(0).reason(), "PENALTY_DECISION_ALREADY_EXISTS");
  }
}

TEST_F(RecordsE2eTest, EveryValidationRuleNamesTheField) {
  struct Case {
    std::function<void(v1::CreatePenaltyDecisionRequest&)> change;
    std::string field;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {[](auto& r) { r.set_parent("enterprises/bad"); }, "parent", ""},
      {[](auto& r) { r.mutable_penalty_decision()->set_authority(""); },
       "penalty_decision.authority", "TEXT_LENGTH"},
      {[](auto& r) { r.mutable_penalty_decision()->set_authority(std::string(101, 'x')); },
       "penalty_decision.authority", "TEXT_LENGTH"},
      {[](auto& r) { r.mutable_penalty_decision()->set_decision_number("\xff"); },
       "penalty_decision.decision_number", "INVALID_TEXT"},
      {[](auto& r) { r.mutable_penalty_decision()->set_violation_type(static_cast<v1::ViolationType>(55)); },
       "penalty_decision.violation_type", "INVALID_ENUM"},
      {[](auto& r) { *r.mutable_penalty_decision()->mutable_decision_date() = Day(1989, 12, 31); },
       "penalty_decision.decision_date", "DATE_OUT_OF_RANGE"},
      {[](auto& r) { *r.mutable_penalty_decision()->mutable_decision_date() = Day(2999, 1, 1); },
       "penalty_decision.decision_date", "DATE_OUT_OF_RANGE"},
      {[](auto& r) { *r.mutable_penalty_decision()->mutable_decision_date() = Day(2024, 2, 30); },
       "penalty_decision.decision_date", "INVALID_DATE"},
      {[](auto& r) { r.mutable_penalty_decision()->clear_measures(); r.mutable_penalty_decision()->set_fine_amount_fen(0); },
       "penalty_decision.measures", "MEASURES_EMPTY"},
      {[](auto& r) { r.mutable_penalty_decision()->add_measures(v1::FINE); },
       "penalty_decision.measures[2]", "DUPLICATE_MEASURE"},
      {[](auto& r) { r.mutable_penalty_decision()->add_measures(static_cast<v1::Measure>(40)); },
       "penalty_decision.measures[2]", "INVALID_ENUM"},
      {[](auto& r) { r.mutable_penalty_decision()->set_fine_amount_fen(0); },
       "penalty_decision.fine_amount_fen", "FINE_AMOUNT_REQUIRED"},
      {[](auto& r) { r.mutable_penalty_decision()->set_fine_amount_fen(-5); },
       "penalty_decision.fine_amount_fen", "FINE_AMOUNT_OUT_OF_RANGE"},
      {[](auto& r) {
         r.mutable_penalty_decision()->clear_measures();
         r.mutable_penalty_decision()->add_measures(v1::WARNING);
       },
       "penalty_decision.fine_amount_fen", "FINE_AMOUNT_NOT_ALLOWED"},
      {[](auto& r) {
         r.mutable_penalty_decision()->set_recurrence_of(
             "enterprises/" + Uscc(2) + "/penaltyDecisions/1");
       },
       "penalty_decision.recurrence_of", "INVALID_RESOURCE_NAME"},
      {[](auto& r) { r.set_request_id("has space"); }, "request_id", ""},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    auto request = DecisionRequest("INVALID-" + std::to_string(i));
    cases[i].change(request);
    v1::PenaltyDecision out;
    grpc::Status status = CreateDecision(request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
    EXPECT_EQ(DetailsOf(status).field, cases[i].field) << i;
    if (!cases[i].reason.empty()) EXPECT_EQ(DetailsOf(status).reason, cases[i].reason) << i;
  }
  // Nothing stored; every failure audited.
  grpc::ClientContext context;
  v1::ListPenaltyDecisionsRequest list;
  list.set_parent("enterprises/" + Uscc(2));
  v1::ListPenaltyDecisionsResponse response;
  ASSERT_TRUE(records_->ListPenaltyDecisions(&context, list, &response).ok());
  for (const auto& d : response.penalty_decisions()) {
    EXPECT_THAT(d.decision_number(), ::testing::Not(::testing::StartsWith("INVALID-")));
  }
  grpc::ClientContext audit_context;
  v1::ListAuditEntriesRequest audit_request;
  audit_request.set_outcome("INVALID_ARGUMENT");
  audit_request.set_method("/envcredit.v1.RecordService/CreatePenaltyDecision");
  v1::ListAuditEntriesResponse audit_response;
  ASSERT_TRUE(audit_->ListAuditEntries(&audit_context, audit_request, &audit_response).ok());
  // The non-UTF-8 request is refused before any handler runs (the message
  // cannot be parsed), so it has no audit entry; every other one has.
  EXPECT_GE(audit_response.entries_size(), static_cast<int>(cases.size()) - 1);
  // Unknown enterprise: NOT_FOUND.
  v1::PenaltyDecision out;
  grpc::Status status = CreateDecision(DecisionRequest("NF-1", 77), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(DetailsOf(status).reason, "ENTERPRISE_NOT_FOUND");
}

TEST_F(RecordsE2eTest, BatchCreate) {
  v1::BatchCreatePenaltyDecisionsRequest request;
  for (int i = 0; i < 300; ++i) {
    *request.add_requests() = DecisionRequest("批量-" + std::to_string(i), 1 + i % 2);
  }
  request.mutable_requests(5)->mutable_penalty_decision()->set_fine_amount_fen(0);
  *request.add_requests() = DecisionRequest("批量-1", 2);  // identical to #1
  v1::BatchCreatePenaltyDecisionsResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(records_->BatchCreatePenaltyDecisions(&context, request, &response).ok());
  }
  ASSERT_EQ(response.results_size(), 301);
  EXPECT_EQ(response.results(5).code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(response.results(5).field(), "penalty_decision.fine_amount_fen");
  EXPECT_EQ(response.results(0).code(), 0);
  EXPECT_FALSE(response.results(0).already_existed());
  EXPECT_TRUE(response.results(300).already_existed());
  EXPECT_EQ(response.results(300).penalty_decision().name(),
            response.results(1).penalty_decision().name());
  // A re-run stores nothing twice.
  {
    grpc::ClientContext context;
    v1::BatchCreatePenaltyDecisionsResponse again;
    ASSERT_TRUE(records_->BatchCreatePenaltyDecisions(&context, request, &again).ok());
    for (int i = 0; i < again.results_size(); ++i) {
      if (i == 5) continue;
      EXPECT_TRUE(again.results(i).already_existed()) << i;
    }
  }
  {  // Empty batch: INVALID_ARGUMENT naming requests.
    grpc::ClientContext context;
    v1::BatchCreatePenaltyDecisionsResponse out;
    grpc::Status status = records_->BatchCreatePenaltyDecisions(
        &context, v1::BatchCreatePenaltyDecisionsRequest(), &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DetailsOf(status).field, "requests");
  }
  EXPECT_EQ(AuditFor(response.results(0).penalty_decision().name()).size(), 2u);
}

// A batch call whose every item replays a stored request is audited by ONE
// entry for the call (doc/records.md "Audit"), with the call's request id
// (here its x-request-id), and stores nothing; each decision keeps only its
// creation's entry. A batch mixing new and replayed items audits each item.
TEST_F(RecordsE2eTest, FullyReplayedBatchIsAuditedOnce) {
  v1::BatchCreatePenaltyDecisionsRequest request;
  for (int i = 0; i < 10; ++i) {
    *request.add_requests() = DecisionRequest("重放批次-" + std::to_string(i), 2);
    request.mutable_requests(i)->set_request_id("e2e-replay-" + std::to_string(i));
  }
  v1::BatchCreatePenaltyDecisionsResponse created;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(records_->BatchCreatePenaltyDecisions(&context, request, &created).ok());
  }
  const std::string parent = "enterprises/" + Uscc(2);
  const int64_t stored_before = StoredRows();
  const size_t replayed_before = ReplayedEntries(parent).size();
  {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "e2e-replayed-call");
    v1::BatchCreatePenaltyDecisionsResponse again;
    ASSERT_TRUE(records_->BatchCreatePenaltyDecisions(&context, request, &again).ok());
    ASSERT_EQ(again.results_size(), 10);
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(again.results(i).code(), 0);
      EXPECT_TRUE(again.results(i).already_existed());
      EXPECT_EQ(again.results(i).penalty_decision().name(),
                created.results(i).penalty_decision().name());
    }
  }
  EXPECT_EQ(StoredRows(), stored_before);
  std::vector<v1::AuditEntry> entries = ReplayedEntries(parent);  // newest first
  ASSERT_EQ(entries.size(), replayed_before + 1);
  EXPECT_EQ(entries[0].actor(), "bootstrap-admin");
  EXPECT_EQ(entries[0].method(), "/envcredit.v1.RecordService/BatchCreatePenaltyDecisions");
  EXPECT_EQ(entries[0].request_id(), "e2e-replayed-call");
  EXPECT_EQ(entries[0].outcome(), "OK");
  EXPECT_EQ(entries[0].field(), "items=10");
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(AuditFor(created.results(i).penalty_decision().name()).size(), 1u) << i;
  }
  // One new item: the full path, every item audited on its own.
  *request.add_requests() = DecisionRequest("重放批次-新", 2);
  {
    grpc::ClientContext context;
    v1::BatchCreatePenaltyDecisionsResponse mixed;
    ASSERT_TRUE(records_->BatchCreatePenaltyDecisions(&context, request, &mixed).ok());
    ASSERT_EQ(mixed.results_size(), 11);
    EXPECT_FALSE(mixed.results(10).already_existed());
    EXPECT_EQ(AuditFor(mixed.results(10).penalty_decision().name()).size(), 1u);
  }
  EXPECT_EQ(ReplayedEntries(parent).size(), replayed_before + 1);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(AuditFor(created.results(i).penalty_decision().name()).size(), 2u) << i;
  }
}

// Issue 13 finding 7: a request_id reused with another body is refused as by
// every other create, single and in a batch, and nothing is stored; the same
// body answers the stored decision. A batch item's id covers that item.
// View NAME (what `import decisions` asks for): each stored or replayed
// decision answers with its name alone, the same name view FULL gives, and
// a batch of replays is answered so without writing anything but its audit.
TEST_F(RecordsE2eTest, BatchInViewNameAnswersTheNamesAlone) {
  v1::BatchCreatePenaltyDecisionsRequest request;
  request.set_result_view(v1::BATCH_RESULT_VIEW_NAME);
  for (int i = 0; i < 3; ++i) {
    *request.add_requests() = DecisionRequest("只要名称-" + std::to_string(i), 1);
    request.mutable_requests(i)->set_request_id("e2e-names-" + std::to_string(i));
  }
  auto send = [&](const v1::BatchCreatePenaltyDecisionsRequest& r) {
    grpc::ClientContext context;
    v1::BatchCreatePenaltyDecisionsResponse response;
    EXPECT_TRUE(records_->BatchCreatePenaltyDecisions(&context, r, &response).ok());
    EXPECT_EQ(response.results_size(), r.requests_size());
    return response;
  };
  const v1::BatchCreatePenaltyDecisionsResponse created = send(request);
  const v1::BatchCreatePenaltyDecisionsResponse replayed = send(request);
  v1::BatchCreatePenaltyDecisionsRequest full = request;
  full.set_result_view(v1::BATCH_RESULT_VIEW_FULL);
  const v1::BatchCreatePenaltyDecisionsResponse whole = send(full);
  ASSERT_EQ(whole.results_size(), 3);
  for (int i = 0; i < 3; ++i) {
    const v1::PenaltyDecision& stored = whole.results(i).penalty_decision();
    EXPECT_TRUE(absl::StartsWith(stored.name(), "enterprises/" + Uscc(1) + "/penaltyDecisions/"))
        << stored.name();
    EXPECT_EQ(stored.decision_number(), "只要名称-" + std::to_string(i));
    for (const auto* named : {&created.results(i), &replayed.results(i)}) {
      EXPECT_EQ(named->code(), 0);
      v1::PenaltyDecision only_the_name;
      only_the_name.set_name(stored.name());
      EXPECT_EQ(named->penalty_decision().SerializeAsString(),
                only_the_name.SerializeAsString())
          << named->penalty_decision().DebugString();
    }
    EXPECT_FALSE(created.results(i).already_existed());
    EXPECT_TRUE(replayed.results(i).already_existed());
    EXPECT_TRUE(whole.results(i).already_existed());
  }
  // An unknown view is refused, naming the field, before anything is stored.
  v1::BatchCreatePenaltyDecisionsRequest unknown = request;
  unknown.set_result_view(static_cast<v1::BatchResultView>(9));
  unknown.mutable_requests(0)->set_request_id("e2e-names-unknown-view");
  unknown.mutable_requests(0)->mutable_penalty_decision()->set_decision_number("只要名称-新");
  grpc::ClientContext context;
  v1::BatchCreatePenaltyDecisionsResponse refused;
  const grpc::Status status = records_->BatchCreatePenaltyDecisions(&context, unknown, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("result_view"), std::string::npos);
  v1::ListPenaltyDecisionsRequest list;
  list.set_parent("enterprises/" + Uscc(1));
  list.set_page_size(1000);
  v1::ListPenaltyDecisionsResponse listed;
  grpc::ClientContext list_context;
  ASSERT_TRUE(records_->ListPenaltyDecisions(&list_context, list, &listed).ok());
  for (const v1::PenaltyDecision& d : listed.penalty_decisions()) {
    EXPECT_NE(d.decision_number(), "只要名称-新");
  }
}

// A names-view batch is looked up as a re-import before its items are
// checked (doc/import.md "Re-import"): when every item replays, ONE audit
// entry for the call and nothing stored; when one item does not (its id is
// malformed, or its body differs from the one its id was first used for),
// the batch takes the full path and that item alone fails, naming why.
TEST_F(RecordsE2eTest, NameViewReplayIsAnsweredOnlyWhenEveryItemReplays) {
  v1::BatchCreatePenaltyDecisionsRequest request;
  request.set_result_view(v1::BATCH_RESULT_VIEW_NAME);
  for (int i = 0; i < 4; ++i) {
    *request.add_requests() = DecisionRequest("先查重放-" + std::to_string(i), 2);
    request.mutable_requests(i)->set_request_id("e2e-first-replay-" + std::to_string(i));
  }
  auto send = [&](const v1::BatchCreatePenaltyDecisionsRequest& r, const std::string& call_id) {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", call_id);
    v1::BatchCreatePenaltyDecisionsResponse response;
    EXPECT_TRUE(records_->BatchCreatePenaltyDecisions(&context, r, &response).ok());
    EXPECT_EQ(response.results_size(), r.requests_size());
    return response;
  };
  auto replayed_calls = [&](const std::string& call_id) {
    int n = 0;
    for (const v1::AuditEntry& e : ReplayedEntries("enterprises/" + Uscc(2))) {
      if (e.request_id() != call_id) continue;
      EXPECT_EQ(e.field(), "items=4");
      ++n;
    }
    return n;
  };
  const v1::BatchCreatePenaltyDecisionsResponse created = send(request, "e2e-first-create");
  const int64_t stored_before = StoredRows();

  const v1::BatchCreatePenaltyDecisionsResponse again = send(request, "e2e-first-again");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(again.results(i).code(), 0) << again.results(i).message();
    EXPECT_TRUE(again.results(i).already_existed());
    EXPECT_EQ(again.results(i).penalty_decision().name(),
              created.results(i).penalty_decision().name());
  }
  EXPECT_EQ(replayed_calls("e2e-first-again"), 1);
  EXPECT_EQ(StoredRows(), stored_before);

  v1::BatchCreatePenaltyDecisionsRequest malformed = request;
  malformed.mutable_requests(1)->set_request_id("not a well formed id");
  v1::BatchCreatePenaltyDecisionsRequest other_body = request;
  other_body.mutable_requests(2)->mutable_penalty_decision()->set_decision_number("先查重放-改");
  for (const auto& [batch, bad, reason, call_id] :
       {std::tuple{&malformed, 1, "", "e2e-first-malformed"},
        std::tuple{&other_body, 2, "REQUEST_ID_REUSED", "e2e-first-other-body"}}) {
    const v1::BatchCreatePenaltyDecisionsResponse answer = send(*batch, call_id);
    for (int i = 0; i < 4; ++i) {
      if (i == bad) {
        EXPECT_EQ(answer.results(i).code(), grpc::StatusCode::INVALID_ARGUMENT) << call_id;
        EXPECT_EQ(answer.results(i).field(), "request_id") << call_id;
        if (*reason != '\0') EXPECT_EQ(answer.results(i).reason(), reason);
      } else {
        EXPECT_EQ(answer.results(i).code(), 0) << call_id << " " << i;
        EXPECT_TRUE(answer.results(i).already_existed()) << call_id << " " << i;
        EXPECT_EQ(answer.results(i).penalty_decision().name(),
                  created.results(i).penalty_decision().name());
      }
    }
    EXPECT_EQ(replayed_calls(call_id), 0) << call_id;
    EXPECT_EQ(StoredRows(), stored_before) << call_id;
  }
}

TEST_F(RecordsE2eTest, DecisionRequestIdReusedIsRefused) {
  auto count = [&]() {
    grpc::ClientContext context;
    v1::ListPenaltyDecisionsRequest request;
    request.set_parent("enterprises/" + Uscc(1));
    request.set_page_size(1000);
    v1::ListPenaltyDecisionsResponse response;
    EXPECT_TRUE(records_->ListPenaltyDecisions(&context, request, &response).ok());
    return response.penalty_decisions_size();
  };
  auto first = DecisionRequest("宁环罚〔2024〕请求1号");
  first.set_request_id("decision-request-1");
  v1::PenaltyDecision created;
  ASSERT_TRUE(CreateDecision(first, &created).ok());
  const int stored = count();

  v1::PenaltyDecision replayed;
  ASSERT_TRUE(CreateDecision(first, &replayed).ok());
  EXPECT_EQ(replayed.name(), created.name());

  auto other = DecisionRequest("宁环罚〔2024〕请求2号");
  other.set_request_id("decision-request-1");
  v1::PenaltyDecision out;
  grpc::Status status = CreateDecision(other, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).reason, "REQUEST_ID_REUSED");
  EXPECT_EQ(DetailsOf(status).field, "request_id");
  EXPECT_EQ(count(), stored);

  v1::BatchCreatePenaltyDecisionsRequest batch;
  *batch.add_requests() = first;                                     // replay
  *batch.add_requests() = other;                                     // reused
  auto fresh = DecisionRequest("宁环罚〔2024〕请求3号");
  fresh.set_request_id("decision-request-2");
  *batch.add_requests() = fresh;                                     // new
  auto fresh_reused = DecisionRequest("宁环罚〔2024〕请求4号");
  fresh_reused.set_request_id("decision-request-2");
  *batch.add_requests() = fresh_reused;                              // reused
  v1::BatchCreatePenaltyDecisionsResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(records_->BatchCreatePenaltyDecisions(&context, batch, &response).ok());
  }
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).code(), 0);
  EXPECT_EQ(response.results(0).penalty_decision().name(), created.name());
  EXPECT_TRUE(response.results(0).already_existed());
  for (int i : {1, 3}) {
    EXPECT_EQ(response.results(i).code(),
              static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT)) << i;
    EXPECT_EQ(response.results(i).reason(), "REQUEST_ID_REUSED") << i;
    EXPECT_EQ(response.results(i).field(), "request_id") << i;
  }
  EXPECT_EQ(response.results(2).code(), 0);
  EXPECT_FALSE(response.results(2).already_existed());
  EXPECT_EQ(count(), stored + 1);
  // The batch item's id, sent again alone with its body: the same decision.
  ASSERT_TRUE(CreateDecision(fresh, &replayed).ok());
  EXPECT_EQ(replayed.name(), response.results(2).penalty_decision().name());
}

// Issue 13 finding 3: `…1号 ` beside a stored `…1号` was ABORTED DB_CONFLICT
// on every retry (the key's PAD SPACE collation equates them) and failed a
// whole batch. Now surrounding whitespace in an identifier is INVALID_ARGUMENT
// naming the field, and in a batch only that row fails.
TEST_F(RecordsE2eTest, IdentifierWithSurroundingWhitespaceIsRefused) {
  v1::PenaltyDecision stored;
  ASSERT_TRUE(CreateDecision(DecisionRequest("宁环罚〔2024〕空格1号"), &stored).ok());
  struct Case {
    v1::CreatePenaltyDecisionRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({DecisionRequest("宁环罚〔2024〕空格1号 "),
                   "penalty_decision.decision_number"});
  cases.push_back({DecisionRequest(" 宁环罚〔2024〕空格1号"),
                   "penalty_decision.decision_number"});
  cases.push_back({DecisionRequest("宁环罚〔2024〕空格1号\u3000"),
                   "penalty_decision.decision_number"});
  auto authority = DecisionRequest("宁环罚〔2024〕空格1号");
  authority.mutable_penalty_decision()->set_authority("南京市生态环境局 ");
  cases.push_back({authority, "penalty_decision.authority"});
  auto nbsp = DecisionRequest("宁环罚〔2024〕空格2号");
  nbsp.mutable_penalty_decision()->set_authority("\u00a0南京市生态环境局");
  cases.push_back({nbsp, "penalty_decision.authority"});
  for (const Case& c : cases) {
    v1::PenaltyDecision out;
    grpc::Status status = CreateDecision(c.request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.request.penalty_decision().decision_number() << " " << status.error_message();
    EXPECT_EQ(DetailsOf(status).reason, "SURROUNDING_WHITESPACE");
    EXPECT_EQ(DetailsOf(status).field, c.field);
  }
  // In a batch: only the bad rows fail, the others are stored.
  v1::BatchCreatePenaltyDecisionsRequest batch;
  *batch.add_requests() = DecisionRequest("宁环罚〔2024〕空格3号");
  for (const Case& c : cases) *batch.add_requests() = c.request;
  *batch.add_requests() = DecisionRequest("宁环罚〔2024〕空格1号");  // identical
  v1::BatchCreatePenaltyDecisionsResponse response;
  {
    grpc::ClientContext context;
    grpc::Status status = records_->BatchCreatePenaltyDecisions(&context, batch, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(response.results_size(), static_cast<int>(cases.size()) + 2);
  EXPECT_EQ(response.results(0).code(), 0);
  EXPECT_FALSE(response.results(0).already_existed());
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& r = response.results(static_cast<int>(i) + 1);
    EXPECT_EQ(r.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT)) << i;
    EXPECT_EQ(r.reason(), "SURROUNDING_WHITESPACE") << i;
    EXPECT_EQ(r.field(), cases[i].field) << i;
  }
  const auto& last = response.results(static_cast<int>(cases.size()) + 1);
  EXPECT_EQ(last.code(), 0);
  EXPECT_TRUE(last.already_existed());
  EXPECT_EQ(last.penalty_decision().name(), stored.name());
  {  // A complaint's case number and decision reference, likewise.
    grpc::ClientContext context;
    v1::CreateComplaintRequest request;
    request.set_parent("enterprises/" + Uscc(1));
    *request.mutable_complaint()->mutable_received_date() = Day(2024, 6, 2);
    request.mutable_complaint()->set_channel(v1::HOTLINE_12369);
    request.mutable_complaint()->set_case_number("投诉-1 ");
    v1::Complaint out;
    grpc::Status status = records_->CreateComplaint(&context, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DetailsOf(status).reason, "SURROUNDING_WHITESPACE");
    EXPECT_EQ(DetailsOf(status).field, "complaint.case_number");
  }
  {
    grpc::ClientContext context;
    v1::CreateComplaintRequest request;
    request.set_parent("enterprises/" + Uscc(1));
    *request.mutable_complaint()->mutable_received_date() = Day(2024, 6, 2);
    request.mutable_complaint()->set_channel(v1::HOTLINE_12369);
    request.mutable_complaint()->set_case_number("投诉-2");
    auto* ref = request.mutable_complaint()->add_decision_references();
    ref->set_authority("南京市生态环境局");
    ref->set_decision_number("宁环罚〔2024〕空格1号 ");
    v1::Complaint out;
    grpc::Status status = records_->CreateComplaint(&context, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DetailsOf(status).reason, "SURROUNDING_WHITESPACE");
    EXPECT_EQ(DetailsOf(status).field, "complaint.decision_references[0].decision_number");
  }
  // Nothing refused was stored: of the numbers 空格…, only 1号 and 3号.
  auto session = database_->db().Checkout();
  ASSERT_TRUE(session.ok());
  auto rows = session->QueryRow(
      "SELECT COUNT(*), SUM(decision_number LIKE '% ' OR decision_number LIKE ' %' "
      "OR authority LIKE '% ' OR authority LIKE '\u00a0%') FROM penalty_decisions "
      "WHERE decision_number LIKE '%空格%'");
  ASSERT_TRUE(rows.ok() && rows->has_value());
  EXPECT_EQ((*rows)->GetInt64(0), 2);
  EXPECT_EQ((*rows)->GetInt64(1), 0);
  auto complaints = session->QueryRow(
      "SELECT COUNT(*) FROM complaints WHERE case_number LIKE '投诉-%'");
  ASSERT_TRUE(complaints.ok() && complaints->has_value());
  EXPECT_EQ((*complaints)->GetInt64(0), 0);
}

TEST_F(RecordsE2eTest, CommitmentsComplaintsIncidents) {
  v1::CreateCommitmentRequest create;
  create.set_parent("enterprises/" + Uscc(2));
  create.set_request_id("commitment-1");
  v1::Commitment* c = create.mutable_commitment();
  c->set_kind(v1::CREDIT_COMMITMENT);
  c->set_signer("王五");
  *c->mutable_signing_date() = Day(2024, 1, 5);
  c->set_public_(true);
  v1::CommitmentItem* item = c->add_items();
  item->set_description("按期完成污染治理设施改造");
  *item->mutable_due_date() = Day(2024, 3, 1);
  v1::Commitment created, replayed;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(records_->CreateCommitment(&context, create, &created).ok());
  }
  {
    grpc::ClientContext context;
    ASSERT_TRUE(records_->CreateCommitment(&context, create, &replayed).ok());
    EXPECT_EQ(replayed.name(), created.name());
  }
  {  // Same request_id, other content.
    grpc::ClientContext context;
    create.mutable_commitment()->set_signer("赵六");
    grpc::Status status = records_->CreateCommitment(&context, create, &replayed);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DetailsOf(status).reason, "REQUEST_ID_REUSED");
  }
  v1::CheckCommitmentItemRequest check;
  check.set_name(created.name());
  check.set_item_number(1);
  check.set_outcome(v1::BROKEN);
  *check.mutable_check_date() = Day(2024, 2, 1);
  {
    grpc::ClientContext context;
    v1::Commitment out;
    grpc::Status status = records_->CheckCommitmentItem(&context, check, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(DetailsOf(status).reason, "COMMITMENT_ITEM_NOT_DUE");
  }
  *check.mutable_check_date() = Day(2024, 3, 2);
  check.set_note("未完成");
  {
    grpc::ClientContext context;
    v1::Commitment out;
    ASSERT_TRUE(records_->CheckCommitmentItem(&context, check, &out).ok());
    EXPECT_EQ(out.items(0).state(), v1::BROKEN);
    EXPECT_EQ(out.items(0).check_note(), "未完成");
  }
  {
    grpc::ClientContext context;
    v1::Commitment out;
    grpc::Status status = records_->CheckCommitmentItem(&context, check, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(DetailsOf(status).reason, "COMMITMENT_ITEM_ALREADY_CHECKED");
  }
  {
    grpc::ClientContext context;
    v1::GetCommitmentRequest get;
    get.set_name(created.name());
    v1::Commitment out;
    ASSERT_TRUE(records_->GetCommitment(&context, get, &out).ok());
    EXPECT_TRUE(out.public_());
  }
  {
    grpc::ClientContext context;
    v1::ListCommitmentsRequest list;
    list.set_parent("enterprises/" + Uscc(2));
    v1::ListCommitmentsResponse out;
    ASSERT_TRUE(records_->ListCommitments(&context, list, &out).ok());
    EXPECT_EQ(out.commitments_size(), 1);
  }
  EXPECT_EQ(AuditFor(created.name()).size(), 5u);  // 2 creates, 3 checks (the reuse is audited on the parent)

  // Complaint linked to a decision by its natural key.
  v1::PenaltyDecision decision;
  ASSERT_TRUE(CreateDecision(DecisionRequest("信访-1", 2), &decision).ok());
  v1::CreateComplaintRequest complaint;
  complaint.set_parent("enterprises/" + Uscc(2));
  complaint.mutable_complaint()->set_channel(v1::HOTLINE_12369);
  complaint.mutable_complaint()->set_case_number("12369-2024-88");
  complaint.mutable_complaint()->set_substantiated(true);
  complaint.mutable_complaint()->set_summary("群众反映夜间偷排");
  *complaint.mutable_complaint()->mutable_received_date() = Day(2024, 5, 20);
  auto* ref = complaint.mutable_complaint()->add_decision_references();
  ref->set_authority("南京市生态环境局");
  ref->set_decision_number("信访-1");
  v1::Complaint made;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(records_->CreateComplaint(&context, complaint, &made).ok());
    ASSERT_EQ(made.decisions_size(), 1);
    EXPECT_EQ(made.decisions(0), decision.name());
  }
  {
    grpc::ClientContext context;
    v1::GetComplaintRequest get;
    get.set_name(made.name());
    v1::Complaint out;
    ASSERT_TRUE(records_->GetComplaint(&context, get, &out).ok());
    EXPECT_EQ(out.summary(), "群众反映夜间偷排");
  }
  {
    grpc::ClientContext context;
    v1::ListComplaintsRequest list;
    list.set_parent("enterprises/" + Uscc(2));
    v1::ListComplaintsResponse out;
    ASSERT_TRUE(records_->ListComplaints(&context, list, &out).ok());
    EXPECT_EQ(out.complaints_size(), 1);
  }
  v1::CreateIncidentRequest incident;
  incident.set_parent("enterprises/" + Uscc(2));
  incident.set_request_id("incident-1");
  *incident.mutable_incident()->mutable_date() = Day(2024, 4, 4);
  incident.mutable_incident()->set_grade(v1::LARGER_OR_ABOVE);
  incident.mutable_incident()->set_description("（虚构）储罐泄漏");
  v1::Incident inc;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(records_->CreateIncident(&context, incident, &inc).ok());
  }
  {
    grpc::ClientContext context;
    v1::Incident again;
    ASSERT_TRUE(records_->CreateIncident(&context, incident, &again).ok());
    EXPECT_EQ(again.name(), inc.name());
  }
  {
    grpc::ClientContext context;
    v1::GetIncidentRequest get;
    get.set_name(inc.name());
    v1::Incident out;
    ASSERT_TRUE(records_->GetIncident(&context, get, &out).ok());
    EXPECT_EQ(out.grade(), v1::LARGER_OR_ABOVE);
  }
  {
    grpc::ClientContext context;
    v1::ListIncidentsRequest list;
    list.set_parent("enterprises/" + Uscc(2));
    v1::ListIncidentsResponse out;
    ASSERT_TRUE(records_->ListIncidents(&context, list, &out).ok());
    EXPECT_EQ(out.incidents_size(), 1);
  }
  EXPECT_EQ(AuditFor(inc.name()).size(), 2u);
  EXPECT_EQ(AuditFor(made.name()).size(), 1u);
}

TEST_F(RecordsE2eTest, EnterpriseWritesAreAudited) {
  grpc::ClientContext context;
  v1::ListAuditEntriesRequest request;
  request.set_method("CreateEnterprise");
  v1::ListAuditEntriesResponse response;
  ASSERT_TRUE(audit_->ListAuditEntries(&context, request, &response).ok());
  EXPECT_EQ(response.entries_size(), 2);
  for (const auto& e : response.entries()) EXPECT_EQ(e.outcome(), "OK");
}

TEST_F(RecordsE2eTest, AuditPagination) {
  std::set<int64_t> seen;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_page_size(3);
    request.set_page_token(token);
    v1::ListAuditEntriesResponse response;
    ASSERT_TRUE(audit_->ListAuditEntries(&context, request, &response).ok());
    for (const auto& e : response.entries()) EXPECT_TRUE(seen.insert(e.id()).second);
    token = response.next_page_token();
  } while (!token.empty() && ++pages < 5);
  EXPECT_GE(seen.size(), 2u);
  grpc::ClientContext context;
  v1::ListAuditEntriesRequest bad;
  bad.set_page_token("garbage");
  v1::ListAuditEntriesResponse response;
  grpc::Status status = audit_->ListAuditEntries(&context, bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).field, "page_token");
}

}  // namespace
}  // namespace envcredit
