// The rated enterprise as a user (issue 19), end to end through the real
// server: ENTERPRISE tokens issued by a regulator, two enterprises' tokens
// trying each other's data, a self-signed public commitment counted as the
// policy says, an objection to the black-list notice decided by a
// regulator, a repair application refused then granted from the queue, and
// the public lookup without a token.
//
// By hand from SPEC §5.1: a transfer for criminal investigation deducts 12
// for 12 months: 9 − 12 = −3, BLACK. A public credit commitment signed the
// same day adds +1 (no whole clean year yet): 9 + 1 − 12 = −2, still BLACK.
// An enterprise with no record has 9: BLUE. Repair from listing + 12 months.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "envcredit/v1/access.grpc.pb.h"
#include "envcredit/v1/audit.grpc.pb.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/lists.grpc.pb.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_values.h"
#include "tests/support/test_database.h"

namespace envcredit {
namespace {

using ::testing::ElementsAre;

std::string Uscc(int serial) { return testing::TestUscc("ER", serial); }

v1::Date Day(absl::CivilDay day) { return testing::DateOf(day); }

// Expects `status` to be the refusal of another enterprise's data.
void ExpectNotOwn(const grpc::Status& status, const std::string& field) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_EQ(testing::DetailsOf(status).reason, "NOT_OWN_ENTERPRISE");
  EXPECT_EQ(testing::DetailsOf(status).field, field);
}

class EnterpriseRoleE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = testing::TestDatabase::Create("e2e_enterprise_role");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
    char dir[] = "/tmp/envcredit-enterprise-role-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    today_file_ = new std::string(absl::StrCat(dir, "/today"));
    SetToday(absl::CivilDay(2024, 1, 1));
    // Denied calls are the point of this suite: raise the per-address
    // budget of individually logged denials (AccessLimitsTest tests it).
    auto server = testing::ServerProcess::Start(
        database_->config(), {absl::StrCat("--today_file=", *today_file_),
                              "--denials_per_peer_burst=100000"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete database_;
    database_ = nullptr;
  }
  static void SetToday(absl::CivilDay day) {
    const std::string tmp = *today_file_ + ".tmp";
    std::ofstream(tmp) << absl::FormatCivilTime(day) << "\n";
    std::rename(tmp.c_str(), today_file_->c_str());
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static std::shared_ptr<grpc::Channel> As(const std::string& token) {
    return testing::AuthedChannel(server_->address(), token);
  }
  static std::shared_ptr<grpc::Channel> Admin() { return As(server_->admin_token()); }

  // A token of `role` issued by the holder of `issuer`.
  static grpc::Status Issue(const std::string& issuer, v1::Role role, const std::string& label,
                            const std::string& credit_code, std::string* secret) {
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.mutable_token()->set_role(role);
    request.mutable_token()->set_label(label);
    request.mutable_token()->set_credit_code(credit_code);
    v1::CreateTokenResponse response;
    grpc::Status status =
        v1::TokenService::NewStub(As(issuer))->CreateToken(&context, request, &response);
    if (status.ok()) {
      EXPECT_EQ(response.token().credit_code(), credit_code);
      *secret = response.secret();
    }
    return status;
  }

  static void Register(const std::string& code, const std::string& name) {
    grpc::ClientContext context;
    v1::CreateEnterpriseRequest request;
    request.mutable_enterprise()->set_credit_code(code);
    request.mutable_enterprise()->set_display_name(name);
    request.mutable_enterprise()->set_legal_representative("王示例");
    request.mutable_enterprise()->set_industry(v1::CHEMICALS);
    v1::Enterprise out;
    grpc::Status status =
        v1::EnterpriseService::NewStub(Admin())->CreateEnterprise(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  static void Decide(const std::string& code, const std::string& number, absl::CivilDay date) {
    grpc::ClientContext context;
    v1::CreatePenaltyDecisionRequest request;
    request.set_parent(absl::StrCat("enterprises/", code));
    v1::PenaltyDecision* d = request.mutable_penalty_decision();
    d->set_authority("南京市生态环境局");
    d->set_decision_number(number);
    d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
    *d->mutable_decision_date() = Day(date);
    d->add_measures(v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
    v1::PenaltyDecision out;
    grpc::Status status =
        v1::RecordService::NewStub(Admin())->CreatePenaltyDecision(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  static grpc::Status Rating(const std::string& token, const std::string& code, v1::Rating* out) {
    grpc::ClientContext context;
    v1::GetRatingRequest request;
    request.set_name(absl::StrCat("enterprises/", code, "/rating"));
    request.set_view(v1::FULL);
    return v1::RatingService::NewStub(As(token))->GetRating(&context, request, out);
  }

  static grpc::Status Objections(const std::string& token, const std::string& publication,
                                 const std::string& code, bool pending,
                                 v1::ListObjectionsResponse* out) {
    grpc::ClientContext context;
    v1::ListObjectionsRequest request;
    request.set_parent(publication);
    request.set_credit_code(code);
    request.set_pending_only(pending);
    return v1::ListService::NewStub(As(token))->ListObjections(&context, request, out);
  }

  static grpc::Status ApplyRepair(const std::string& token, const std::string& code,
                                  v1::Repair* out) {
    grpc::ClientContext context;
    v1::ApplyRepairRequest request;
    request.set_entry(absl::StrCat("lists/black/entries/", code));
    *request.mutable_evidence()->mutable_rectification_date() = Day(absl::CivilDay(2024, 3, 1));
    request.mutable_evidence()->set_penalty_performed(true);
    return v1::ListService::NewStub(As(token))->ApplyRepair(&context, request, out);
  }

  static grpc::Status Repairs(const std::string& token, const std::string& parent, bool pending,
                              v1::ListRepairsResponse* out) {
    grpc::ClientContext context;
    v1::ListRepairsRequest request;
    request.set_parent(parent);
    request.set_pending_only(pending);
    return v1::ListService::NewStub(As(token))->ListRepairs(&context, request, out);
  }

  static grpc::Status DecideRepair(const std::string& token, const std::string& name,
                                   v1::RepairState decision, const std::string& reason,
                                   v1::Repair* out) {
    grpc::ClientContext context;
    v1::DecideRepairRequest request;
    request.set_name(name);
    request.set_decision(decision);
    request.set_reason(reason);
    return v1::ListService::NewStub(As(token))->DecideRepair(&context, request, out);
  }

  static grpc::Status Lookup(const v1::LookupPublicRatingRequest& request,
                             v1::LookupPublicRatingResponse* out) {
    grpc::ClientContext context;
    return v1::RatingService::NewStub(As(""))->LookupPublicRating(&context, request, out);
  }

  static testing::TestDatabase* database_;
  static testing::ServerProcess* server_;
  static std::string* today_file_;
};

testing::TestDatabase* EnterpriseRoleE2eTest::database_ = nullptr;
testing::ServerProcess* EnterpriseRoleE2eTest::server_ = nullptr;
std::string* EnterpriseRoleE2eTest::today_file_ = nullptr;

TEST_F(EnterpriseRoleE2eTest, RegulatorIssuesEnterpriseTokensOnlyForRegisteredEnterprises) {
  const std::string code = Uscc(1);
  Register(code, "（虚构）南京令牌示例有限公司");
  std::string regulator, secret;
  ASSERT_TRUE(Issue(server_->admin_token(), v1::REGULATOR, "er-regulator-1", "", &regulator).ok());

  EXPECT_TRUE(Issue(regulator, v1::ENTERPRISE, "er-ent-1", code, &secret).ok());
  grpc::Status other_role = Issue(regulator, v1::INTEGRATOR, "er-bank", "", &secret);
  EXPECT_EQ(other_role.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(testing::DetailsOf(other_role).reason, "TOKEN_ROLE_NOT_ALLOWED");
  grpc::Status unknown = Issue(regulator, v1::ENTERPRISE, "er-ent-x", Uscc(999), &secret);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(testing::DetailsOf(unknown).field, "token.credit_code");
  grpc::Status missing = Issue(regulator, v1::ENTERPRISE, "er-ent-y", "", &secret);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::DetailsOf(missing).field, "token.credit_code");
  grpc::Status bound_public = Issue(server_->admin_token(), v1::PUBLIC, "er-pub", code, &secret);
  EXPECT_EQ(bound_public.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // An enterprise's token issues nothing.
  std::string ent;
  ASSERT_TRUE(Issue(regulator, v1::ENTERPRISE, "er-ent-2", code, &ent).ok());
  EXPECT_EQ(Issue(ent, v1::ENTERPRISE, "er-ent-3", code, &secret).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(EnterpriseRoleE2eTest, TwoEnterprisesCannotReadEachOthersData) {
  const std::string a = Uscc(11), b = Uscc(12);
  Register(a, "（虚构）南京甲示例有限公司");
  Register(b, "（虚构）南京乙示例有限公司");
  Decide(a, "宁环罚〔2023〕11号", absl::CivilDay(2023, 12, 1));
  Decide(a, "宁环罚〔2023〕12号", absl::CivilDay(2023, 12, 2));
  std::string ta, tb;
  ASSERT_TRUE(Issue(server_->admin_token(), v1::ENTERPRISE, "er-a", a, &ta).ok());
  ASSERT_TRUE(Issue(server_->admin_token(), v1::ENTERPRISE, "er-b", b, &tb).ok());

  v1::Rating rating;
  ASSERT_TRUE(Rating(ta, a, &rating).ok());
  EXPECT_TRUE(rating.has_explanation());  // its own rating, with why
  ExpectNotOwn(Rating(ta, b, &rating), "name");
  ExpectNotOwn(Rating(tb, a, &rating), "name");
  // The same answer whether or not the other enterprise exists.
  ExpectNotOwn(Rating(ta, Uscc(998), &rating), "name");

  {
    grpc::ClientContext context;
    v1::BatchGetRatingsRequest request;
    request.add_credit_codes(b);
    request.add_credit_codes(a);
    v1::BatchGetRatingsResponse response;
    ExpectNotOwn(v1::RatingService::NewStub(As(tb))->BatchGetRatings(&context, request, &response),
                 "credit_codes[1]");
  }
  {
    grpc::ClientContext context;
    v1::GetRatingHistoryRequest request;
    request.set_name(absl::StrCat("enterprises/", a, "/rating"));
    v1::GetRatingHistoryResponse response;
    ExpectNotOwn(v1::RatingService::NewStub(As(tb))->GetRatingHistory(&context, request, &response),
                 "name");
  }
  // A page token A's list made does not open B's calls to A's records, and
  // is refused on B's own list (it is bound to the parent it was made for).
  std::string token_of_a;
  {
    grpc::ClientContext context;
    v1::ListPenaltyDecisionsRequest request;
    request.set_parent(absl::StrCat("enterprises/", a));
    request.set_page_size(1);
    v1::ListPenaltyDecisionsResponse response;
    ASSERT_TRUE(v1::RecordService::NewStub(As(ta))
                    ->ListPenaltyDecisions(&context, request, &response)
                    .ok());
    ASSERT_EQ(response.penalty_decisions_size(), 1);
    token_of_a = response.next_page_token();
    ASSERT_FALSE(token_of_a.empty());
  }
  for (const std::string& parent : {a, b}) {
    grpc::ClientContext context;
    v1::ListPenaltyDecisionsRequest request;
    request.set_parent(absl::StrCat("enterprises/", parent));
    request.set_page_token(token_of_a);
    v1::ListPenaltyDecisionsResponse response;
    grpc::Status status =
        v1::RecordService::NewStub(As(tb))->ListPenaltyDecisions(&context, request, &response);
    if (parent == a) {
      ExpectNotOwn(status, "parent");
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(testing::DetailsOf(status).field, "page_token");
      EXPECT_EQ(response.penalty_decisions_size(), 0);
    }
  }
  {  // The registry of everyone stays closed.
    grpc::ClientContext context;
    v1::ListEnterprisesRequest request;
    v1::ListEnterprisesResponse response;
    grpc::Status status =
        v1::EnterpriseService::NewStub(As(ta))->ListEnterprises(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(testing::DetailsOf(status).reason, "ROLE_NOT_ALLOWED");
  }
  {  // Its own enterprise: yes; another: no.
    grpc::ClientContext context;
    v1::GetEnterpriseRequest request;
    request.set_name(absl::StrCat("enterprises/", b));
    v1::Enterprise response;
    ExpectNotOwn(v1::EnterpriseService::NewStub(As(ta))->GetEnterprise(&context, request, &response),
                 "name");
  }
}

TEST_F(EnterpriseRoleE2eTest, EnterpriseSignsObjectsAndAppliesForRepairAndRegulatorsDecide) {
  const absl::CivilDay start(2024, 1, 1);
  SetToday(start);
  const std::string code = Uscc(21), other = Uscc(22);
  Register(code, "（虚构）南京自助示例化工有限公司");
  Register(other, "（虚构）南京旁观示例有限公司");
  Decide(code, "宁环罚〔2024〕21号", start);
  std::string regulator, ent, other_ent;
  ASSERT_TRUE(Issue(server_->admin_token(), v1::REGULATOR, "er-regulator-2", "", &regulator).ok());
  ASSERT_TRUE(Issue(regulator, v1::ENTERPRISE, "er-self", code, &ent).ok());
  ASSERT_TRUE(Issue(regulator, v1::ENTERPRISE, "er-other", other, &other_ent).ok());

  // 1. Its rating: −3, BLACK. It signs and publishes a credit commitment
  //    itself: +1, as one a regulator entered would give: −2.
  v1::Rating before, after;
  ASSERT_TRUE(Rating(ent, code, &before).ok());
  EXPECT_EQ(before.points(), -3);
  EXPECT_EQ(before.level(), v1::BLACK);
  {
    grpc::ClientContext context;
    v1::CreateCommitmentRequest request;
    request.set_parent(absl::StrCat("enterprises/", code));
    request.mutable_commitment()->set_kind(v1::CREDIT_COMMITMENT);
    request.mutable_commitment()->set_signer("王示例");
    *request.mutable_commitment()->mutable_signing_date() = Day(start);
    request.mutable_commitment()->set_public_(true);
    request.mutable_commitment()->add_items()->set_description("按期完成整改");
    *request.mutable_commitment()->mutable_items(0)->mutable_due_date() = Day(start + 60);
    v1::Commitment signed_commitment;
    grpc::Status status =
        v1::RecordService::NewStub(As(ent))->CreateCommitment(&context, request, &signed_commitment);
    ASSERT_TRUE(status.ok()) << status.error_message();
    // Checking whether it was kept stays with the regulator.
    grpc::ClientContext check_context;
    v1::CheckCommitmentItemRequest check;
    check.set_name(signed_commitment.name());
    check.set_item_number(1);
    check.set_outcome(v1::KEPT);
    v1::Commitment checked;
    grpc::Status refused =
        v1::RecordService::NewStub(As(ent))->CheckCommitmentItem(&check_context, check, &checked);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    // Another enterprise cannot sign for it.
    grpc::ClientContext other_context;
    v1::Commitment unused;
    ExpectNotOwn(v1::RecordService::NewStub(As(other_ent))
                     ->CreateCommitment(&other_context, request, &unused),
                 "parent");
  }
  ASSERT_TRUE(Rating(ent, code, &after).ok());
  EXPECT_EQ(after.points(), -2);
  EXPECT_EQ(after.explanation().bonus().commitment_points(), 1);
  {  // Audited with the enterprise's token as actor.
    grpc::ClientContext context;
    v1::ListAuditEntriesRequest request;
    request.set_actor("er-self");
    request.set_method("/envcredit.v1.RecordService/CreateCommitment");
    v1::ListAuditEntriesResponse response;
    ASSERT_TRUE(
        v1::AuditService::NewStub(Admin())->ListAuditEntries(&context, request, &response).ok());
    ASSERT_EQ(response.entries_size(), 1);
    EXPECT_EQ(response.entries(0).outcome(), "OK");
  }

  // 2. The black list is proposed and noticed; the enterprise objects.
  auto regulator_lists = v1::ListService::NewStub(As(regulator));
  v1::Publication draft, noticed;
  {
    grpc::ClientContext context;
    v1::ProposePublicationRequest request;
    request.set_list(v1::BLACK_LIST);
    ASSERT_TRUE(regulator_lists->ProposePublication(&context, request, &draft).ok());
  }
  {
    grpc::ClientContext context;
    v1::StartNoticeRequest request;
    request.set_name(draft.name());
    ASSERT_TRUE(regulator_lists->StartNotice(&context, request, &noticed).ok());
  }
  v1::Objection objection;
  {
    grpc::ClientContext context;
    v1::FileObjectionRequest request;
    request.set_parent(noticed.name());
    request.mutable_objection()->set_credit_code(code);
    request.mutable_objection()->set_statement("该处罚决定正在行政复议中");
    request.mutable_objection()->add_evidence("苏复议〔2024〕3号受理通知书");
    request.mutable_objection()->add_evidence("复议申请书.pdf");
    ASSERT_TRUE(v1::ListService::NewStub(As(ent))->FileObjection(&context, request, &objection).ok());
    EXPECT_THAT(objection.evidence(), ElementsAre("苏复议〔2024〕3号受理通知书", "复议申请书.pdf"));
    // Not for another enterprise.
    grpc::ClientContext other_context;
    v1::Objection unused;
    ExpectNotOwn(
        v1::ListService::NewStub(As(other_ent))->FileObjection(&other_context, request, &unused),
        "objection.credit_code");
  }
  v1::ListObjectionsResponse queue;
  ASSERT_TRUE(Objections(regulator, noticed.name(), "", true, &queue).ok());
  ASSERT_EQ(queue.objections_size(), 1);
  EXPECT_EQ(queue.objections(0).name(), objection.name());
  v1::ListObjectionsResponse theirs;
  ExpectNotOwn(Objections(other_ent, noticed.name(), code, false, &theirs), "credit_code");
  ExpectNotOwn(Objections(ent, noticed.name(), "", false, &theirs), "credit_code");
  {
    grpc::ClientContext context;
    v1::DecideObjectionRequest request;
    request.set_name(objection.name());
    request.set_decision(v1::OBJECTION_REJECTED);
    request.set_reason("复议不停止执行，处罚决定有效");
    v1::Objection decided;
    ASSERT_TRUE(regulator_lists->DecideObjection(&context, request, &decided).ok());
  }
  ASSERT_TRUE(Objections(regulator, noticed.name(), "", true, &queue).ok());
  EXPECT_EQ(queue.objections_size(), 0);  // the queue is empty
  v1::ListObjectionsResponse own;
  ASSERT_TRUE(Objections(ent, noticed.name(), code, false, &own).ok());
  ASSERT_EQ(own.objections_size(), 1);
  EXPECT_EQ(own.objections(0).state(), v1::OBJECTION_REJECTED);
  EXPECT_EQ(own.objections(0).decision_reason(), "复议不停止执行，处罚决定有效");

  // 3. Published; a year later it applies for repair itself: the
  //    application waits, is refused with a reason, then granted.
  const absl::CivilDay end(noticed.notice_end_date().year(), noticed.notice_end_date().month(),
                           noticed.notice_end_date().day());
  SetToday(end + 1);
  {
    grpc::ClientContext context;
    v1::PublishPublicationRequest request;
    request.set_name(noticed.name());
    v1::Publication published;
    ASSERT_TRUE(regulator_lists->PublishPublication(&context, request, &published).ok());
  }
  v1::LookupPublicRatingRequest by_code;
  by_code.set_credit_code(code);
  v1::LookupPublicRatingResponse found;
  ASSERT_TRUE(Lookup(by_code, &found).ok());
  ASSERT_EQ(found.ratings_size(), 1);
  EXPECT_THAT(found.ratings(0).list_entries(), ElementsAre("lists/black/entries/" + code));

  SetToday(absl::CivilDay(2025, 2, 1));
  v1::Repair first, second;
  ASSERT_TRUE(ApplyRepair(ent, code, &first).ok());
  EXPECT_EQ(first.state(), v1::REPAIR_PENDING);
  EXPECT_EQ(first.applicant(), "er-self");
  grpc::Status twice = ApplyRepair(ent, code, &second);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::DetailsOf(twice).reason, "REPAIR_PENDING_EXISTS");
  v1::Repair unused;
  ExpectNotOwn(ApplyRepair(other_ent, code, &unused), "entry");
  v1::ListRepairsResponse pending;
  ASSERT_TRUE(Repairs(regulator, "lists/black/entries/-", true, &pending).ok());
  ASSERT_EQ(pending.repairs_size(), 1);
  EXPECT_EQ(pending.repairs(0).name(), first.name());
  ExpectNotOwn(Repairs(ent, "lists/black/entries/-", false, &pending), "parent");
  ExpectNotOwn(Repairs(other_ent, "lists/black/entries/" + code, false, &pending), "parent");
  EXPECT_EQ(DecideRepair(ent, first.name(), v1::REPAIR_GRANTED, "自己批准", &unused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::Repair refused;
  ASSERT_TRUE(DecideRepair(regulator, first.name(), v1::REPAIR_REFUSED, "整改报告未附监测数据",
                           &refused)
                  .ok());
  EXPECT_EQ(refused.state(), v1::REPAIR_REFUSED);
  EXPECT_EQ(DecideRepair(regulator, first.name(), v1::REPAIR_GRANTED, "再议", &unused).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(ApplyRepair(ent, code, &second).ok());  // may apply again once decided
  v1::Repair granted;
  ASSERT_TRUE(DecideRepair(regulator, second.name(), v1::REPAIR_GRANTED, "监测数据已补齐，整改到位",
                           &granted)
                  .ok());
  EXPECT_EQ(granted.state(), v1::REPAIR_GRANTED);
  EXPECT_TRUE(granted.has_grant_time());

  // The enterprise sees both decisions and their reasons, newest first.
  v1::ListRepairsResponse mine;
  ASSERT_TRUE(Repairs(ent, "lists/black/entries/" + code, false, &mine).ok());
  ASSERT_EQ(mine.repairs_size(), 2);
  EXPECT_EQ(mine.repairs(0).state(), v1::REPAIR_GRANTED);
  EXPECT_EQ(mine.repairs(0).decision_reason(), "监测数据已补齐，整改到位");
  EXPECT_EQ(mine.repairs(1).state(), v1::REPAIR_REFUSED);
  EXPECT_EQ(mine.repairs(1).decision_reason(), "整改报告未附监测数据");
  // Repaired: off the current list at once.
  ASSERT_TRUE(Lookup(by_code, &found).ok());
  ASSERT_EQ(found.ratings_size(), 1);
  EXPECT_EQ(found.ratings(0).list_entries_size(), 0);
}

TEST_F(EnterpriseRoleE2eTest, PublicLookupByNameReturnsEveryMatchWithoutPointsOrRecords) {
  const std::string first = Uscc(31), second = Uscc(32);
  Register(second, "（虚构）同名示例有限公司");
  Register(first, "（虚构）同名示例有限公司");
  v1::LookupPublicRatingRequest request;
  request.set_registered_name("（虚构）同名示例有限公司");
  v1::LookupPublicRatingResponse response;
  grpc::Status status = Lookup(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.ratings_size(), 2);
  EXPECT_FALSE(response.truncated());
  EXPECT_EQ(response.ratings(0).credit_code(), std::min(first, second));  // credit-code order
  EXPECT_EQ(response.ratings(0).level(), v1::BLUE);  // 9 points, no record
  EXPECT_EQ(response.ratings(0).national_level(), v1::NATIONAL_GOOD);
  EXPECT_EQ(response.ratings(0).registered_name(), "（虚构）同名示例有限公司");
  EXPECT_EQ(response.ratings(0).list_entries_size(), 0);

  request.set_registered_name("（虚构）没有这家公司");
  ASSERT_TRUE(Lookup(request, &response).ok());
  EXPECT_EQ(response.ratings_size(), 0);  // no match is not an error

  std::string wrong_check = first;  // one check character off
  wrong_check.back() = wrong_check.back() == '0' ? '1' : '0';
  v1::LookupPublicRatingRequest bad;
  bad.set_credit_code(wrong_check);
  status = Lookup(bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::DetailsOf(status).field, "credit_code");
  status = Lookup(v1::LookupPublicRatingRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// Its own server with a small budget: the limit per calling address.
TEST(PublicLookupLimitTest, AnAddressOverItsBudgetIsRefusedWithRetryAdvice) {
  auto db = testing::TestDatabase::Create("e2e_lookup_limit");
  ASSERT_TRUE(db.ok()) << db.status();
  auto server = testing::ServerProcess::Start(
      (*db)->config(),
      {"--public_lookups_per_peer_burst=5", "--public_lookups_per_peer_per_second=0.01"});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::RatingService::NewStub(testing::AuthedChannel((*server)->address(), ""));
  int answered = 0, limited = 0;
  for (int i = 0; i < 8; ++i) {
    grpc::ClientContext context;
    v1::LookupPublicRatingRequest request;
    request.set_credit_code(Uscc(40));
    v1::LookupPublicRatingResponse response;
    grpc::Status status = stub->LookupPublicRating(&context, request, &response);
    if (status.ok()) {
      ++answered;
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
      EXPECT_EQ(testing::DetailsOf(status).reason, "PUBLIC_LOOKUP_LIMITED");
      ++limited;
    }
  }
  EXPECT_EQ(answered, 5);
  EXPECT_EQ(limited, 3);
}

}  // namespace
}  // namespace envcredit
