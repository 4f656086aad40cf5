#include "server/api/enterprise_scope.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "envcredit/v1/enterprise.pb.h"
#include "envcredit/v1/lists.pb.h"
#include "envcredit/v1/ratings.pb.h"
#include "envcredit/v1/records.pb.h"
#include "server/api/enterprise_convert.h"
#include "server/api/list_convert.h"
#include "server/api/rating_convert.h"
#include "server/api/record_convert.h"

namespace envcredit::api {
namespace {

namespace v1 = ::envcredit::v1;

// The enterprise a request names, and the field that names it.
struct Named {
  std::string field;
  std::string credit_code;
};

// What a rule answers: every enterprise the request names (none for data
// that is public, such as the published lists).
using Rule = std::function<absl::StatusOr<std::vector<Named>>(
    const google::protobuf::Message&)>;

// A rule over the concrete request type `R`.
template <typename R>
Rule For(std::function<absl::StatusOr<std::vector<Named>>(const R&)> rule) {
  return [rule = std::move(rule)](const google::protobuf::Message& message)
             -> absl::StatusOr<std::vector<Named>> {
    const R* request = google::protobuf::DynamicCastToGenerated<R>(&message);
    if (request == nullptr) {
      return absl::InternalError(absl::StrCat("enterprise scope: a ",
                                              message.GetTypeName(), " where ",
                                              R::descriptor()->full_name(),
                                              " was expected"));
    }
    return rule(*request);
  };
}

// `parent` is "enterprises/{credit_code}".
template <typename R>
Rule ByParent() {
  return For<R>([](const R& r) -> absl::StatusOr<std::vector<Named>> {
    ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(r.parent(), "parent"));
    return std::vector<Named>{{"parent", std::move(code)}};
  });
}

// `name` is "enterprises/{credit_code}/{collection}/{id}".
template <typename R>
Rule ByRecordName(absl::string_view collection) {
  return For<R>([collection](const R& r) -> absl::StatusOr<std::vector<Named>> {
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(r.name(), collection, "name"));
    return std::vector<Named>{{"name", std::move(key.credit_code)}};
  });
}

// `name` is "enterprises/{credit_code}/rating".
template <typename R>
Rule ByRatingName() {
  return For<R>([](const R& r) -> absl::StatusOr<std::vector<Named>> {
    ASSIGN_OR_RETURN(std::string code, ParseRatingName(r.name(), "name"));
    return std::vector<Named>{{"name", std::move(code)}};
  });
}

// Published lists and notices: public, the same for every caller.
Rule Public() {
  return [](const google::protobuf::Message&) -> absl::StatusOr<std::vector<Named>> {
    return std::vector<Named>{};
  };
}

const absl::flat_hash_map<std::string, Rule>& Rules() {
  static const auto* rules = new absl::flat_hash_map<std::string, Rule>{
      {"/envcredit.v1.EnterpriseService/GetEnterprise",
       For<v1::GetEnterpriseRequest>(
           [](const v1::GetEnterpriseRequest& r) -> absl::StatusOr<std::vector<Named>> {
             ASSIGN_OR_RETURN(std::string code, ParseEnterpriseName(r.name(), "name"));
             return std::vector<Named>{{"name", std::move(code)}};
           })},

      {"/envcredit.v1.RecordService/CreateCommitment", ByParent<v1::CreateCommitmentRequest>()},
      {"/envcredit.v1.RecordService/GetCommitment",
       ByRecordName<v1::GetCommitmentRequest>(domain::kCommitments)},
      {"/envcredit.v1.RecordService/ListCommitments", ByParent<v1::ListCommitmentsRequest>()},
      {"/envcredit.v1.RecordService/GetPenaltyDecision",
       ByRecordName<v1::GetPenaltyDecisionRequest>(domain::kPenaltyDecisions)},
      {"/envcredit.v1.RecordService/ListPenaltyDecisions",
       ByParent<v1::ListPenaltyDecisionsRequest>()},
      {"/envcredit.v1.RecordService/GetComplaint",
       ByRecordName<v1::GetComplaintRequest>(domain::kComplaints)},
      {"/envcredit.v1.RecordService/ListComplaints", ByParent<v1::ListComplaintsRequest>()},
      {"/envcredit.v1.RecordService/GetIncident",
       ByRecordName<v1::GetIncidentRequest>(domain::kIncidents)},
      {"/envcredit.v1.RecordService/ListIncidents", ByParent<v1::ListIncidentsRequest>()},

      {"/envcredit.v1.RatingService/GetRating", ByRatingName<v1::GetRatingRequest>()},
      {"/envcredit.v1.RatingService/GetRatingHistory",
       ByRatingName<v1::GetRatingHistoryRequest>()},
      {"/envcredit.v1.RatingService/BatchGetRatings",
       For<v1::BatchGetRatingsRequest>(
           [](const v1::BatchGetRatingsRequest& r) -> absl::StatusOr<std::vector<Named>> {
             std::vector<Named> named;
             for (int i = 0; i < r.credit_codes_size(); ++i) {
               named.push_back({absl::StrCat("credit_codes[", i, "]"), r.credit_codes(i)});
             }
             return named;
           })},

      {"/envcredit.v1.ListService/GetPublication", Public()},
      {"/envcredit.v1.ListService/ListPublications", Public()},
      {"/envcredit.v1.ListService/ListPublicationEntries", Public()},
      {"/envcredit.v1.ListService/ListPublicationRemovals", Public()},
      {"/envcredit.v1.ListService/ListEntries", Public()},
      {"/envcredit.v1.ListService/GetListEntry", Public()},
      {"/envcredit.v1.ListService/FileObjection",
       For<v1::FileObjectionRequest>(
           [](const v1::FileObjectionRequest& r) -> absl::StatusOr<std::vector<Named>> {
             return std::vector<Named>{
                 {"objection.credit_code", r.objection().credit_code()}};
           })},
      {"/envcredit.v1.ListService/ListObjections",
       For<v1::ListObjectionsRequest>(
           [](const v1::ListObjectionsRequest& r) -> absl::StatusOr<std::vector<Named>> {
             // Objections of every enterprise named in a notice are not
             // public: an enterprise asks for its own.
             return std::vector<Named>{{"credit_code", r.credit_code()}};
           })},
      {"/envcredit.v1.ListService/ApplyRepair",
       For<v1::ApplyRepairRequest>(
           [](const v1::ApplyRepairRequest& r) -> absl::StatusOr<std::vector<Named>> {
             ASSIGN_OR_RETURN(std::string code, ParseBlackEntryName(r.entry(), "entry"));
             return std::vector<Named>{{"entry", std::move(code)}};
           })},
      {"/envcredit.v1.ListService/ListRepairs",
       For<v1::ListRepairsRequest>(
           [](const v1::ListRepairsRequest& r) -> absl::StatusOr<std::vector<Named>> {
             if (r.parent() == kEveryBlackEntry) {
               return std::vector<Named>{{"parent", "-"}};  // everyone's: not its own
             }
             ASSIGN_OR_RETURN(std::string code, ParseBlackEntryName(r.parent(), "parent"));
             return std::vector<Named>{{"parent", std::move(code)}};
           })},
  };
  return *rules;
}

}  // namespace

absl::Status CheckEnterpriseScope(absl::string_view method,
                                  const google::protobuf::Message& request,
                                  absl::string_view own_credit_code) {
  auto rule = Rules().find(method);
  if (rule == Rules().end()) {
    return MakeError(absl::StatusCode::kPermissionDenied, "METHOD_NOT_ALLOWED",
                     absl::StrCat(method, " is not open to an enterprise's token"));
  }
  ASSIGN_OR_RETURN(std::vector<Named> named, rule->second(request));
  for (const Named& n : named) {
    if (n.credit_code != own_credit_code) {
      // The message does not say whether the other enterprise exists: the
      // answer is the same either way.
      return MakeError(absl::StatusCode::kPermissionDenied, "NOT_OWN_ENTERPRISE",
                       absl::StrCat(n.field, " names another enterprise than the token's own"),
                       n.field);
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> EnterpriseScopedMethods() {
  std::vector<std::string> methods;
  for (const auto& [method, rule] : Rules()) methods.push_back(method);
  std::sort(methods.begin(), methods.end());
  return methods;
}

}  // namespace envcredit::api
