// End to end: the real envcredit-server binary on a free port, a fresh
// schema on the private MariaDB, calls through the generated stubs.
#include <signal.h>
#include <sys/wait.h>

#include <memory>
#include <set>
#include <string>

#include "absl/time/clock.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/server_process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_uscc.h"

namespace envcredit {
namespace {

using ::testing::HasSubstr;

using testing::DetailsOf;
using testing::ErrorDetails;

std::string Uscc(const std::string& region, int serial) {
  return testing::TestUscc("MA", serial, region);
}

class EnterpriseE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = testing::TestDatabase::Create("e2e_enterprise");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
    auto server = testing::ServerProcess::Start(database_->config());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
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
    stub_ = v1::EnterpriseService::NewStub(channel_);
  }

  grpc::Status Create(const v1::Enterprise& e, v1::Enterprise* out,
                      const std::string& request_id = "") {
    grpc::ClientContext context;
    v1::CreateEnterpriseRequest request;
    *request.mutable_enterprise() = e;
    request.set_request_id(request_id);
    return stub_->CreateEnterprise(&context, request, out);
  }

  grpc::Status Get(const std::string& code, v1::Enterprise* out) {
    grpc::ClientContext context;
    v1::GetEnterpriseRequest request;
    request.set_name("enterprises/" + code);
    return stub_->GetEnterprise(&context, request, out);
  }

  static v1::Enterprise Sample(const std::string& code,
                               const std::string& name = "（虚构）南京示例化工有限公司") {
    v1::Enterprise e;
    e.set_credit_code(code);
    e.set_display_name(name);
    e.set_industry(v1::CHEMICALS);
    e.set_legal_representative("张示例");
    e.set_address("南京市示例区示例路1号");
    return e;
  }

  static testing::TestDatabase* database_;
  static testing::ServerProcess* server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EnterpriseService::Stub> stub_;
};

testing::TestDatabase* EnterpriseE2eTest::database_ = nullptr;
testing::ServerProcess* EnterpriseE2eTest::server_ = nullptr;

// Health (server/api/health_service.h): readiness under "" and under each
// service's full name, liveness under "liveness", NOT_FOUND for a name the
// server does not have; no token needed.
TEST_F(EnterpriseE2eTest, HealthKnowsEachServiceByName) {
  auto health = grpc::health::v1::Health::NewStub(
      testing::AuthedChannel(server_->address(), ""));
  auto check = [&](const std::string& service, grpc::health::v1::HealthCheckResponse* out) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    return health->Check(&context, request, out);
  };
  for (const std::string& service :
       {std::string(""), std::string("liveness"), std::string("envcredit.v1.EnterpriseService"),
        std::string("envcredit.v1.RecordService"), std::string("envcredit.v1.AuditService"),
        std::string("envcredit.v1.RatingService"), std::string("envcredit.v1.ListService"),
        std::string("envcredit.v1.TokenService")}) {
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = check(service, &response);
    EXPECT_TRUE(status.ok()) << "'" << service << "': " << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING)
        << "'" << service << "'";
  }
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_EQ(check("envcredit.v1.NoSuchService", &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Reflection the way grpcurl uses it: v1 first (ours,
// server/api/reflection_v1_service.h), then v1alpha (Debian's) with the same
// messages; both list the services and describe a method, with no token.
TEST_F(EnterpriseE2eTest, ReflectionV1ThenV1AlphaListServicesAndDescribeAMethod) {
  namespace rv1 = ::grpc::reflection::v1;
  auto channel = testing::AuthedChannel(server_->address(), "");
  rv1::ServerReflectionRequest list;
  list.set_list_services("");
  rv1::ServerReflectionRequest describe;
  describe.set_file_containing_symbol("envcredit.v1.RatingService.GetRating");

  // v1, through its generated stub.
  std::vector<rv1::ServerReflectionResponse> v1_answers;
  {
    auto stub = rv1::ServerReflection::NewStub(channel);
    grpc::ClientContext context;
    auto stream = stub->ServerReflectionInfo(&context);
    for (const auto& request : {list, describe}) {
      ASSERT_TRUE(stream->Write(request));
      rv1::ServerReflectionResponse answer;
      ASSERT_TRUE(stream->Read(&answer));
      v1_answers.push_back(answer);
    }
    stream->WritesDone();
    EXPECT_TRUE(stream->Finish().ok());
  }
  // v1alpha: the same bytes on the other method (its messages are v1's).
  std::vector<rv1::ServerReflectionResponse> alpha_answers;
  for (const auto& request : {list, describe}) {
    grpc::GenericStub stub(channel);
    grpc::ClientContext context;
    grpc::CompletionQueue cq;
    auto call = stub.PrepareCall(&context, "/grpc.reflection.v1alpha.ServerReflection/"
                                           "ServerReflectionInfo", &cq);
    void* tag = nullptr;
    bool ok = false;
    call->StartCall(reinterpret_cast<void*>(1));
    ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer out(&slice, 1);
    call->WriteLast(out, grpc::WriteOptions(), reinterpret_cast<void*>(2));
    ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
    grpc::ByteBuffer in;
    call->Read(&in, reinterpret_cast<void*>(3));
    ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(4));
    ASSERT_TRUE(cq.Next(&tag, &ok));
    EXPECT_TRUE(status.ok()) << status.error_message();
    grpc::Slice single;
    ASSERT_TRUE(in.DumpToSingleSlice(&single).ok());
    rv1::ServerReflectionResponse answer;
    ASSERT_TRUE(answer.ParseFromArray(single.begin(), static_cast<int>(single.size())));
    alpha_answers.push_back(answer);
  }

  for (const auto* answers : {&v1_answers, &alpha_answers}) {
    const char* which = answers == &v1_answers ? "v1" : "v1alpha";
    ASSERT_EQ(answers->size(), 2u);
    std::vector<std::string> services;
    for (const auto& service : (*answers)[0].list_services_response().service()) {
      services.push_back(service.name());
    }
    EXPECT_THAT(services, ::testing::IsSupersetOf({"envcredit.v1.RatingService",
                                                   "envcredit.v1.EnterpriseService",
                                                   "grpc.health.v1.Health"}))
        << which;
    const auto& files = (*answers)[1].file_descriptor_response().file_descriptor_proto();
    ASSERT_GT(files.size(), 0) << which;
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(files[0])) << which;
    EXPECT_EQ(file.name(), "envcredit/v1/ratings.proto") << which;
    bool described = false;
    for (const auto& service : file.service()) {
      for (const auto& method : service.method()) {
        if (service.name() == "RatingService" && method.name() == "GetRating") {
          described = method.input_type() == ".envcredit.v1.GetRatingRequest";
        }
      }
    }
    EXPECT_TRUE(described) << which << ": RatingService.GetRating(GetRatingRequest) not found";
  }
}

TEST_F(EnterpriseE2eTest, CreateThenGetRoundTripsEveryField) {
  const std::string code = Uscc("320100", 1);
  // A 4-byte character (U+20000) in the name must survive the database.
  v1::Enterprise in = Sample(code, "（虚构）𠀀示例纺织有限公司");
  v1::Enterprise created;
  ASSERT_TRUE(Create(in, &created).ok());
  EXPECT_EQ(created.name(), "enterprises/" + code);
  EXPECT_EQ(created.region_code(), "320100");  // taken from the credit code
  EXPECT_EQ(created.status(), v1::OPERATING);  // the default
  EXPECT_FALSE(created.etag().empty());
  EXPECT_GT(created.create_time().seconds(), 1700000000);

  v1::Enterprise got;
  ASSERT_TRUE(Get(code, &got).ok());
  EXPECT_EQ(got.display_name(), "（虚构）𠀀示例纺织有限公司");
  EXPECT_EQ(got.legal_representative(), "张示例");
  EXPECT_EQ(got.address(), "南京市示例区示例路1号");
  EXPECT_EQ(got.industry(), v1::CHEMICALS);
  EXPECT_EQ(got.etag(), created.etag());
}

TEST_F(EnterpriseE2eTest, InvalidCreditCodeIsRefusedAndNothingIsStored) {
  v1::Enterprise created;
  // I4 of domain.md §5.5: passes mod 31, fails the organisation-code check.
  grpc::Status status = Create(Sample("91330106123456789A"), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("organisation-code check"));
  ErrorDetails details = DetailsOf(status);
  EXPECT_EQ(details.reason, "INVALID_CREDIT_CODE");
  EXPECT_EQ(details.field, "enterprise.credit_code");
  // And in Chinese, for the clerk who reads it.
  EXPECT_EQ(details.locale, "zh-CN");
  EXPECT_THAT(details.localized,
              HasSubstr("字段 enterprise.credit_code：统一社会信用代码无效"));

  v1::Enterprise got;
  EXPECT_EQ(Get("91330106123456789A", &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // The database is unchanged: no enterprise in region 330106 exists.
  grpc::ClientContext context;
  v1::ListEnterprisesRequest list;
  list.set_region_prefix("330106");
  v1::ListEnterprisesResponse response;
  ASSERT_TRUE(stub_->ListEnterprises(&context, list, &response).ok());
  EXPECT_EQ(response.enterprises_size(), 0);
}

TEST_F(EnterpriseE2eTest, BadFieldsAreNamed) {
  struct Case {
    void (*mutate)(v1::Enterprise&);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::Enterprise& e) { e.set_display_name(""); },
       "enterprise.display_name"},
      {[](v1::Enterprise& e) { e.set_display_name("\xff\xfe"); },
       "enterprise.display_name"},
      {[](v1::Enterprise& e) { e.set_industry(v1::INDUSTRY_UNSPECIFIED); },
       "enterprise.industry"},
      {[](v1::Enterprise& e) { e.set_industry(static_cast<v1::Industry>(77)); },
       "enterprise.industry"},
      {[](v1::Enterprise& e) { e.set_region_code("32O100"); },
       "enterprise.region_code"},
      {[](v1::Enterprise& e) { e.set_address(std::string(501, 'a')); },
       "enterprise.address"},
  };
  const std::string code = Uscc("320100", 2);
  for (const Case& c : cases) {
    v1::Enterprise e = Sample(code);
    c.mutate(e);
    v1::Enterprise created;
    grpc::Status status = Create(e, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(DetailsOf(status).field, c.field);
  }
  v1::Enterprise got;
  EXPECT_EQ(Get(code, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(EnterpriseE2eTest, DuplicateIsAlreadyExistsButRetryReturnsTheOriginal) {
  const std::string code = Uscc("320500", 3);
  v1::Enterprise first;
  ASSERT_TRUE(Create(Sample(code), &first, "req-dup-1").ok());

  // The same request again (a client retry after a lost answer).
  v1::Enterprise retried;
  ASSERT_TRUE(Create(Sample(code), &retried, "req-dup-1").ok());
  EXPECT_EQ(retried.etag(), first.etag());
  EXPECT_EQ(retried.create_time().seconds(), first.create_time().seconds());

  // Another request for the same credit code.
  v1::Enterprise second;
  grpc::Status status = Create(Sample(code), &second, "req-dup-2");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(DetailsOf(status).reason, "ENTERPRISE_ALREADY_EXISTS");

  // The same request id for a different request is a client bug.
  v1::Enterprise other;
  status = Create(Sample(Uscc("320500", 4)), &other, "req-dup-1");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailsOf(status).field, "request_id");
}

// BatchCreateEnterprises over the wire: per-item results in request order,
// an invalid or taken item fails alone naming its field, a retried batch
// replays, a batch over 1,000 items or an empty one is refused as a whole.
TEST_F(EnterpriseE2eTest, BatchCreateAnswersEachItemAndARetryReplays) {
  v1::BatchCreateEnterprisesRequest request;
  auto add = [&](const v1::Enterprise& e, const std::string& request_id) {
    v1::CreateEnterpriseRequest* item = request.add_requests();
    *item->mutable_enterprise() = e;
    item->set_request_id(request_id);
  };
  v1::Enterprise existing;
  ASSERT_TRUE(Create(Sample(Uscc("320500", 1)), &existing).ok());
  add(Sample(Uscc("320500", 2)), "e2e-batch-1");
  add(Sample("91330106123456789A"), "e2e-batch-2");  // bad check digits
  add(Sample(Uscc("320500", 1)), "e2e-batch-3");     // taken
  add(Sample(Uscc("320500", 3)), "e2e-batch-4");
  v1::BatchCreateEnterprisesResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->BatchCreateEnterprises(&context, request, &response).ok());
  }
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).code(), 0);
  EXPECT_EQ(response.results(0).enterprise().name(), "enterprises/" + Uscc("320500", 2));
  EXPECT_FALSE(response.results(0).replayed());
  EXPECT_EQ(response.results(1).code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(response.results(1).reason(), "INVALID_CREDIT_CODE");
  EXPECT_EQ(response.results(1).field(), "enterprise.credit_code");
  EXPECT_EQ(response.results(2).code(), static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(response.results(2).reason(), "ENTERPRISE_ALREADY_EXISTS");
  EXPECT_EQ(response.results(3).code(), 0);
  v1::Enterprise got;
  ASSERT_TRUE(Get(Uscc("320500", 3), &got).ok());
  EXPECT_EQ(got.etag(), response.results(3).enterprise().etag());

  // The same batch again (a lost answer): the stored items replay.
  v1::BatchCreateEnterprisesResponse again;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->BatchCreateEnterprises(&context, request, &again).ok());
  }
  ASSERT_EQ(again.results_size(), 4);
  EXPECT_TRUE(again.results(0).replayed());
  EXPECT_EQ(again.results(0).enterprise().create_time().seconds(),
            response.results(0).enterprise().create_time().seconds());
  EXPECT_TRUE(again.results(3).replayed());
  EXPECT_EQ(again.results(2).reason(), "ENTERPRISE_ALREADY_EXISTS");

  // The call as a whole: 0 or more than 1,000 items.
  for (int n : {0, 1001}) {
    v1::BatchCreateEnterprisesRequest sized;
    for (int i = 0; i < n; ++i) {
      *sized.add_requests()->mutable_enterprise() = Sample(Uscc("320600", i + 1));
    }
    v1::BatchCreateEnterprisesResponse refused;
    grpc::ClientContext context;
    const grpc::Status status = stub_->BatchCreateEnterprises(&context, sized, &refused);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << n;
    EXPECT_EQ(DetailsOf(status).field, "requests") << n;
  }
  EXPECT_EQ(Get(Uscc("320600", 1), &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

// AIP-134: an update without a mask changes the fields it sets and no
// other (it used to clear every field left out).
TEST_F(EnterpriseE2eTest, UpdateWithoutAMaskChangesOnlyTheFieldsItSets) {
  const std::string code = Uscc("320700", 1);
  v1::Enterprise created;
  ASSERT_TRUE(Create(Sample(code), &created).ok());
  grpc::ClientContext context;
  v1::UpdateEnterpriseRequest request;
  request.mutable_enterprise()->set_name("enterprises/" + code);
  request.mutable_enterprise()->set_address("南京市示例区新址路9号");
  v1::Enterprise updated;
  ASSERT_TRUE(stub_->UpdateEnterprise(&context, request, &updated).ok());
  EXPECT_EQ(updated.address(), "南京市示例区新址路9号");
  EXPECT_EQ(updated.display_name(), created.display_name());
  EXPECT_EQ(updated.legal_representative(), "张示例");
  EXPECT_EQ(updated.industry(), v1::CHEMICALS);
}

TEST_F(EnterpriseE2eTest, GetUnknownIsNotFound) {
  v1::Enterprise got;
  grpc::Status status = Get(Uscc("640100", 999), &got);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(DetailsOf(status).reason, "ENTERPRISE_NOT_FOUND");
}

TEST_F(EnterpriseE2eTest, UpdateWithMaskAndEtag) {
  const std::string code = Uscc("370200", 5);
  v1::Enterprise created;
  ASSERT_TRUE(Create(Sample(code), &created).ok());

  v1::UpdateEnterpriseRequest request;
  request.mutable_enterprise()->set_name(created.name());
  request.mutable_enterprise()->set_etag(created.etag());
  request.mutable_enterprise()->set_address("青岛市示例路9号");
  request.mutable_enterprise()->set_display_name("ignored: not in the mask");
  request.mutable_update_mask()->add_paths("address");
  v1::Enterprise updated;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->UpdateEnterprise(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(updated.address(), "青岛市示例路9号");
  EXPECT_EQ(updated.display_name(), created.display_name());
  EXPECT_NE(updated.etag(), created.etag());

  // The same etag again is stale now.
  {
    grpc::ClientContext context;
    v1::Enterprise ignored;
    grpc::Status status = stub_->UpdateEnterprise(&context, request, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
    EXPECT_EQ(DetailsOf(status).reason, "ETAG_MISMATCH");
  }
  // An update that would make the enterprise invalid stores nothing.
  {
    v1::UpdateEnterpriseRequest bad;
    bad.mutable_enterprise()->set_name(created.name());
    bad.mutable_enterprise()->set_region_code("12");
    bad.mutable_update_mask()->add_paths("region_code");
    grpc::ClientContext context;
    v1::Enterprise ignored;
    grpc::Status status = stub_->UpdateEnterprise(&context, bad, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(DetailsOf(status).field, "enterprise.region_code");
  }
  v1::Enterprise got;
  ASSERT_TRUE(Get(code, &got).ok());
  EXPECT_EQ(got.region_code(), "370200");
  EXPECT_EQ(got.etag(), updated.etag());
}

// Issue 13 finding 8: a name that displays as blank, or whose direction a
// bidi override/isolate spoofs, is INVALID_TEXT naming the field, on create
// and on update, and nothing is stored.
TEST_F(EnterpriseE2eTest, BlankLookingOrBidiNamesAreRefusedAndNothingIsStored) {
  struct Case {
    std::string display_name;
    std::string legal_representative;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"   ", "张示例", "enterprise.display_name"},
      {"\u3000\u3000", "张示例", "enterprise.display_name"},
      {"\u200b\ufeff\u00a0", "张示例", "enterprise.display_name"},
      {"（虚构）南京\u202e司公限有工化\u202c", "张示例", "enterprise.display_name"},
      {"（虚构）南京\u2066示例\u2069化工有限公司", "张示例", "enterprise.display_name"},
      {"（虚构）南京示例化工有限公司", "\u3000", "enterprise.legal_representative"},
      {"（虚构）南京示例化工有限公司", "\u202e例示张", "enterprise.legal_representative"},
  };
  const std::string code = Uscc("320583", 8);
  for (const Case& c : cases) {
    v1::Enterprise e = Sample(code, c.display_name);
    e.set_legal_representative(c.legal_representative);
    v1::Enterprise out;
    grpc::Status status = Create(e, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.display_name;
    EXPECT_EQ(DetailsOf(status).reason, "INVALID_TEXT") << c.display_name;
    EXPECT_EQ(DetailsOf(status).field, c.field) << c.display_name;
  }
  v1::Enterprise got;
  EXPECT_EQ(Get(code, &got).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::Enterprise created;
  ASSERT_TRUE(Create(Sample(code), &created).ok());
  for (const Case& c : cases) {
    v1::UpdateEnterpriseRequest bad;
    bad.mutable_enterprise()->set_name(created.name());
    bad.mutable_enterprise()->set_display_name(c.display_name);
    bad.mutable_enterprise()->set_legal_representative(c.legal_representative);
    bad.mutable_update_mask()->add_paths("display_name");
    bad.mutable_update_mask()->add_paths("legal_representative");
    grpc::ClientContext context;
    v1::Enterprise ignored;
    grpc::Status status = stub_->UpdateEnterprise(&context, bad, &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.display_name;
    EXPECT_EQ(DetailsOf(status).reason, "INVALID_TEXT") << c.display_name;
    EXPECT_EQ(DetailsOf(status).field, c.field) << c.display_name;
  }
  ASSERT_TRUE(Get(code, &got).ok());
  EXPECT_EQ(got.display_name(), created.display_name());
  EXPECT_EQ(got.legal_representative(), created.legal_representative());
  EXPECT_EQ(got.etag(), created.etag());
}

TEST_F(EnterpriseE2eTest, ListPagesThroughFiltersWithoutGapsOrRepeats) {
  std::set<std::string> expected;
  for (int i = 0; i < 23; ++i) {
    const std::string code = Uscc("440106", 100 + i);
    v1::Enterprise e = Sample(code, i % 2 ? "（虚构）广州示例造纸厂" : "（虚构）广州示例钢铁厂");
    e.set_industry(i % 2 ? v1::PAPER : v1::STEEL);
    v1::Enterprise created;
    ASSERT_TRUE(Create(e, &created).ok());
    if (i % 2) expected.insert(code);
  }
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListEnterprisesRequest request;
    request.set_region_prefix("4401");
    request.set_industry(v1::PAPER);
    request.set_page_size(5);
    request.set_page_token(token);
    v1::ListEnterprisesResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->ListEnterprises(&context, request, &response).ok());
    std::string previous;
    for (const auto& e : response.enterprises()) {
      EXPECT_TRUE(seen.insert(e.credit_code()).second) << "repeated";
      EXPECT_GT(e.credit_code(), previous);
      previous = e.credit_code();
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 3);  // 11 matches, 5 a page

  // Name filter, literal match: "造纸" only.
  v1::ListEnterprisesRequest by_name;
  by_name.set_name_contains("造纸");
  by_name.set_page_size(100);
  v1::ListEnterprisesResponse named;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ListEnterprises(&context, by_name, &named).ok());
  EXPECT_EQ(named.enterprises_size(), 11);

  // A wildcard in the filter is matched literally, not as SQL LIKE.
  v1::ListEnterprisesRequest wildcard;
  wildcard.set_name_contains("%");
  v1::ListEnterprisesResponse none;
  grpc::ClientContext context2;
  ASSERT_TRUE(stub_->ListEnterprises(&context2, wildcard, &none).ok());
  EXPECT_EQ(none.enterprises_size(), 0);
}

TEST_F(EnterpriseE2eTest, BadListRequestsNameTheField) {
  struct Case {
    void (*mutate)(v1::ListEnterprisesRequest&);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::ListEnterprisesRequest& r) { r.set_page_size(-1); }, "page_size"},
      {[](v1::ListEnterprisesRequest& r) { r.set_page_token("garbage!"); },
       "page_token"},
      {[](v1::ListEnterprisesRequest& r) { r.set_region_prefix("32'; DROP"); },
       "region_prefix"},
      {[](v1::ListEnterprisesRequest& r) {
         r.set_industry(static_cast<v1::Industry>(1234));
       },
       "industry"},
      {[](v1::ListEnterprisesRequest& r) { r.set_name_contains("\xc3"); },
       "name_contains"},
  };
  for (const Case& c : cases) {
    v1::ListEnterprisesRequest request;
    c.mutate(request);
    v1::ListEnterprisesResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub_->ListEnterprises(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_EQ(DetailsOf(status).field, c.field);
  }
}

TEST_F(EnterpriseE2eTest, HealthIsServing) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;  // "" = the whole server
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(EnterpriseE2eTest, EveryCallIsLoggedWithItsRequestId) {
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "e2e-probe-42");
  v1::GetEnterpriseRequest request;
  request.set_name("enterprises/" + Uscc("320100", 7777));
  v1::Enterprise got;
  EXPECT_EQ(stub_->GetEnterprise(&context, request, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The server echoes the request id, so a caller can quote it.
  auto echoed = context.GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()),
            "e2e-probe-42");
  // The access line is written as the status is sent; allow it a moment.
  std::string log;
  for (int i = 0; i < 200; ++i) {
    log = server_->Log();
    if (log.find("request_id=e2e-probe-42") != std::string::npos) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_THAT(log, HasSubstr("listening on 127.0.0.1:"));
  EXPECT_THAT(log, HasSubstr("schema version"));
  EXPECT_THAT(log, HasSubstr("access method=/envcredit.v1.EnterpriseService/"
                             "GetEnterprise code=NOT_FOUND"));
  EXPECT_THAT(log, HasSubstr("request_id=e2e-probe-42"));
}

// A server of its own: SIGTERM drains and exits 0.
TEST(ServerLifecycleTest, SigtermExitsCleanly) {
  auto db = testing::TestDatabase::Create("e2e_lifecycle");
  ASSERT_TRUE(db.ok()) << db.status();
  auto server = testing::ServerProcess::Start((*db)->config());
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::EnterpriseService::NewStub(
      testing::AuthedChannel((*server)->address(), (*server)->admin_token()));
  grpc::ClientContext context;
  v1::ListEnterprisesRequest request;
  v1::ListEnterprisesResponse response;
  ASSERT_TRUE(stub->ListEnterprises(&context, request, &response).ok());

  auto exit_code = (*server)->Stop(SIGTERM, absl::Seconds(20));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0);
  EXPECT_THAT((*server)->Log(), HasSubstr("received SIGTERM; draining"));
  EXPECT_THAT((*server)->Log(), HasSubstr("stopped"));
}

// Start-up at scale (issue 17 item 5): enterprises without a rating make the
// start-up backfill long. Meanwhile the server listens — health "liveness"
// SERVING, "" NOT_SERVING, every call UNAVAILABLE SERVER_STARTING — and a
// SIGTERM ends the backfill between two pages with exit 0. The next start
// rates the rest and serves.
TEST(ServerLifecycleTest, ListensAtOnceServesWhenReadyAndStopsBetweenBackfillPages) {
  auto db = testing::TestDatabase::Create("e2e_startup");
  ASSERT_TRUE(db.ok()) << db.status();
  {  // the schema, and the bootstrap token
    auto first = testing::ServerProcess::Start((*db)->config());
    ASSERT_TRUE(first.ok()) << first.status();
    ASSERT_EQ(*(*first)->Stop(SIGTERM, absl::Seconds(20)), 0);
  }
  constexpr int kUnrated = 60000;
  auto count = [&](const std::string& sql) -> int64_t {
    auto session = (*db)->db().Checkout();
    if (!session.ok()) return -1;
    auto row = session->QueryRow(sql);
    return row.ok() && row->has_value() ? (**row).GetInt64(0) : -1;
  };
  {  // 60,000 enterprises written behind the server's back, none rated
    auto session = (*db)->db().Checkout();
    ASSERT_TRUE(session.ok()) << session.status();
    // Five copies of the digits 0-9, crossed: 0..99999 (no sequence tables
    // or recursion limits, the same on MariaDB and MySQL).
    std::string digits = "(SELECT 0 AS d";
    for (int i = 1; i <= 9; ++i) absl::StrAppend(&digits, " UNION ALL SELECT ", i);
    absl::StrAppend(&digits, ")");
    ASSERT_TRUE(session
                    ->Execute(absl::StrCat(
                        "INSERT INTO enterprises (credit_code, display_name, region_code, "
                        "industry, legal_representative, address, status, revision, "
                        "create_time, update_time) "
                        "SELECT CONCAT('91320100ST', LPAD(n, 8, '0')), '（虚构）启动示例公司', "
                        "'320100', 7, '', '', 1, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM "
                        "(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n "
                        "FROM ", digits, " a, ", digits, " b, ", digits, " c, ", digits, " e, ",
                        digits, " f) numbers WHERE n < ",
                        kUnrated))
                    .ok());
  }
  ASSERT_EQ(count("SELECT COUNT(*) FROM enterprises e LEFT JOIN ratings r ON "
                  "r.enterprise_id = e.id WHERE r.enterprise_id IS NULL"),
            kUnrated);

  auto starting = testing::ServerProcess::Start((*db)->config(), {}, absl::Seconds(60),
                                                testing::ServerProcess::WaitFor::kListening);
  ASSERT_TRUE(starting.ok()) << starting.status();
  auto channel = testing::AuthedChannel((*starting)->address(), "");
  auto health = grpc::health::v1::Health::NewStub(channel);
  auto status_of = [&](const std::string& service) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = health->Check(&context, request, &response);
    return status.ok() ? response.status() : grpc::health::v1::HealthCheckResponse::UNKNOWN;
  };
  if (!(*starting)->Ready()) {
    EXPECT_EQ(status_of("liveness"), grpc::health::v1::HealthCheckResponse::SERVING);
    // Readiness and the calls: not before the ratings are in memory (the
    // backfill may have finished by now on a fast machine: then both serve).
    const auto readiness = status_of("");
    grpc::ClientContext context;
    v1::ListEnterprisesRequest list;
    v1::ListEnterprisesResponse listed;
    const grpc::Status call = v1::EnterpriseService::NewStub(channel)->ListEnterprises(
        &context, list, &listed);
    if (!(*starting)->Ready()) {
      EXPECT_EQ(readiness, grpc::health::v1::HealthCheckResponse::NOT_SERVING);
      EXPECT_EQ(call.error_code(), grpc::StatusCode::UNAVAILABLE);
      EXPECT_EQ(DetailsOf(call).reason, "SERVER_STARTING");
    }
  }
  auto stopped = (*starting)->Stop(SIGTERM, absl::Seconds(60));
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(*stopped, 0) << (*starting)->Log();
  const int64_t unrated = count(
      "SELECT COUNT(*) FROM enterprises e LEFT JOIN ratings r ON "
      "r.enterprise_id = e.id WHERE r.enterprise_id IS NULL");
  if ((*starting)->Log().find("stopped while starting") != std::string::npos) {
    std::printf("stopped while starting: %lld of %d enterprises still unrated\n",
                static_cast<long long>(unrated), kUnrated);
    EXPECT_GT(unrated, 0) << "stopped between pages, before the end";
    EXPECT_EQ(unrated % 1000, 0) << "whole pages only";
  } else {
    std::printf("the backfill ended before SIGTERM arrived (a fast machine)\n");
  }

  // The next start resumes and serves.
  auto next = testing::ServerProcess::Start((*db)->config(), {}, absl::Seconds(300));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(count("SELECT COUNT(*) FROM enterprises e LEFT JOIN ratings r ON "
                  "r.enterprise_id = e.id WHERE r.enterprise_id IS NULL"),
            0);
  auto ready_health = grpc::health::v1::Health::NewStub(
      testing::AuthedChannel((*next)->address(), ""));
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(ready_health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// What an operator types first: --version, and --help listing the server's
// own flags (not only --helpfull).
TEST(ServerLifecycleTest, VersionAndHelpSayWhatTheyShould) {
  auto run = [](const std::string& flag, int* exit_code) {
    std::string out;
    FILE* pipe = popen((std::string(ENVCREDIT_SERVER_BIN) + " " + flag + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return out;
    char buffer[4096];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
    *exit_code = WEXITSTATUS(pclose(pipe));
    return out;
  };
  int exit_code = -1;
  const std::string version = run("--version", &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_THAT(version, ::testing::StartsWith("envcredit 0.1.0 (commit "));
  const std::string help = run("--help", &exit_code);
  EXPECT_THAT(help, HasSubstr("--listen"));
  EXPECT_THAT(help, HasSubstr("--db_read_timeout_s"));
  EXPECT_THAT(help, HasSubstr("--listening_file"));
}

// A database the server cannot reach: a clear message and a non-zero exit,
// not a server that answers every call with errors.
TEST(ServerLifecycleTest, UnreachableDatabaseFailsAtStart) {
  storage::DbConfig nowhere;
  nowhere.host = "127.0.0.1";
  nowhere.port = 1;  // nothing listens on port 1
  nowhere.database = "envcredit_nowhere";
  nowhere.connect_timeout = absl::Seconds(1);
  auto server = testing::ServerProcess::Start(nowhere, {}, absl::Seconds(30));
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(std::string(server.status().message()),
              HasSubstr("the database at 127.0.0.1:1"));
}

}  // namespace
}  // namespace envcredit
