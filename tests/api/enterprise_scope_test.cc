// Row-level access of ENTERPRISE tokens (server/api/enterprise_scope.h):
// every method the role table opens to them has a rule, and each rule lets
// the token's own enterprise through and refuses another, naming the field.
#include "server/api/enterprise_scope.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/errors.h"
#include "envcredit/v1/enterprise.pb.h"
#include "envcredit/v1/lists.pb.h"
#include "envcredit/v1/ratings.pb.h"
#include "envcredit/v1/records.pb.h"
#include "gtest/gtest.h"
#include "server/api/access_control.h"

namespace envcredit::api {
namespace {

namespace v1 = ::envcredit::v1;

constexpr char kOwn[] = "91320100MA1W2X3Y6A";
constexpr char kOther[] = "913301061234567887";

absl::Status Check(absl::string_view method, const google::protobuf::Message& request) {
  return CheckEnterpriseScope(absl::StrCat("/envcredit.v1.", method), request, kOwn);
}

void ExpectOtherRefused(const absl::Status& status, absl::string_view field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  EXPECT_EQ(ErrorReason(status), "NOT_OWN_ENTERPRISE");
  EXPECT_EQ(ErrorField(status), field);
  // The answer does not depend on whether the other enterprise exists.
  EXPECT_EQ(status.message().find(kOther), absl::string_view::npos);
}

TEST(EnterpriseScopeTest, EveryMethodOpenToEnterpriseTokensHasARuleAndNoOtherHas) {
  std::vector<std::string> open;
  for (const std::string& method : MethodsInRoleTable()) {
    const std::vector<domain::Role>* roles = AllowedRoles(method);
    if (std::find(roles->begin(), roles->end(), domain::Role::kEnterprise) != roles->end()) {
      open.push_back(method);
    }
  }
  EXPECT_EQ(open, EnterpriseScopedMethods());
  // The registry and the feed of everyone stay closed.
  for (absl::string_view closed :
       {"/envcredit.v1.EnterpriseService/ListEnterprises", "/envcredit.v1.RatingService/ListRatings",
        "/envcredit.v1.RatingService/WatchRatingChanges",
        "/envcredit.v1.RecordService/CheckCommitmentItem",
        "/envcredit.v1.ListService/DecideObjection", "/envcredit.v1.ListService/DecideRepair",
        "/envcredit.v1.TokenService/CreateToken"}) {
    EXPECT_EQ(std::count(open.begin(), open.end(), std::string(closed)), 0) << closed;
  }
}

TEST(EnterpriseScopeTest, ResourceNamesOfTheOwnEnterprisePassAndOthersAreRefused) {
  v1::GetRatingRequest rating;
  rating.set_name(absl::StrCat("enterprises/", kOwn, "/rating"));
  EXPECT_TRUE(Check("RatingService/GetRating", rating).ok());
  rating.set_name(absl::StrCat("enterprises/", kOther, "/rating"));
  ExpectOtherRefused(Check("RatingService/GetRating", rating), "name");

  v1::GetPenaltyDecisionRequest decision;
  decision.set_name(absl::StrCat("enterprises/", kOwn, "/penaltyDecisions/7"));
  EXPECT_TRUE(Check("RecordService/GetPenaltyDecision", decision).ok());
  decision.set_name(absl::StrCat("enterprises/", kOther, "/penaltyDecisions/7"));
  ExpectOtherRefused(Check("RecordService/GetPenaltyDecision", decision), "name");

  v1::ListCommitmentsRequest commitments;
  commitments.set_parent(absl::StrCat("enterprises/", kOther));
  ExpectOtherRefused(Check("RecordService/ListCommitments", commitments), "parent");

  v1::CreateCommitmentRequest sign;
  sign.set_parent(absl::StrCat("enterprises/", kOwn));
  EXPECT_TRUE(Check("RecordService/CreateCommitment", sign).ok());
  sign.set_parent(absl::StrCat("enterprises/", kOther));
  ExpectOtherRefused(Check("RecordService/CreateCommitment", sign), "parent");
}

TEST(EnterpriseScopeTest, BatchesAndCollectionsMustNameOnlyTheOwnEnterprise) {
  v1::BatchGetRatingsRequest batch;
  batch.add_credit_codes(kOwn);
  EXPECT_TRUE(Check("RatingService/BatchGetRatings", batch).ok());
  batch.add_credit_codes(kOther);  // one other code among own ones
  ExpectOtherRefused(Check("RatingService/BatchGetRatings", batch), "credit_codes[1]");

  v1::ListObjectionsRequest objections;
  objections.set_parent("lists/black/publications/3");
  ExpectOtherRefused(Check("ListService/ListObjections", objections), "credit_code");  // all
  objections.set_credit_code(kOwn);
  EXPECT_TRUE(Check("ListService/ListObjections", objections).ok());

  v1::ListRepairsRequest repairs;
  repairs.set_parent("lists/black/entries/-");
  ExpectOtherRefused(Check("ListService/ListRepairs", repairs), "parent");
  repairs.set_parent(absl::StrCat("lists/black/entries/", kOwn));
  EXPECT_TRUE(Check("ListService/ListRepairs", repairs).ok());

  v1::FileObjectionRequest objection;
  objection.mutable_objection()->set_credit_code(kOther);
  ExpectOtherRefused(Check("ListService/FileObjection", objection), "objection.credit_code");
}

TEST(EnterpriseScopeTest, UnreadableNamesGetTheParsersAnswerAndPublicListsPass) {
  v1::GetEnterpriseRequest get;
  get.set_name("enterprises/not-a-code");
  const absl::Status status = Check("EnterpriseService/GetEnterprise", get);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(status), "name");

  v1::ListEntriesRequest entries;
  entries.set_parent("lists/black");
  EXPECT_TRUE(Check("ListService/ListEntries", entries).ok());

  v1::ListEnterprisesRequest list;
  EXPECT_EQ(Check("EnterpriseService/ListEnterprises", list).code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace envcredit::api
