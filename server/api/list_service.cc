#include "server/api/list_service.h"

#include <string>
#include <type_traits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "server/api/grpc_status.h"
#include "server/api/list_convert.h"
#include "server/api/page_token.h"
#include "server/api/proto_values.h"
#include "server/api/record_convert.h"
#include "server/api/request_digest.h"
#include "server/api/request_id.h"
#include "server/domain/access.h"
#include "server/domain/list_rules.h"
#include "server/domain/ratings.h"
#include "server/domain/uscc.h"

namespace envcredit::api {
namespace {

const absl::CivilDay kEarliest(1990, 1, 1);

// The most entries and removals together that GetPublication's view FULL
// carries (about 3 MB for black-list entries with their notices: under
// gRPC's default 4 MB a client accepts). Larger: view CONTENT and the pages.
constexpr int kMaxInlineRows = 1000;

domain::RequestKey KeyOf(const std::string& request_id,
                         const google::protobuf::Message& request) {
  return domain::RequestKey{request_id, RequestFingerprint(request)};
}

absl::StatusOr<int64_t> IdFromToken(const std::string& token, const std::string& filter) {
  ASSIGN_OR_RETURN(std::string last, DecodePageToken(token, filter));
  int64_t id = 0;
  if (!last.empty() && (!absl::SimpleAtoi(last, &id) || id < 1)) {
    return InvalidArgument("page_token", "INVALID_PAGE_TOKEN", "page_token: malformed");
  }
  return id;
}

}  // namespace

grpc::Status ListService::ProposePublication(grpc::ServerContext* context,
                                             const v1::ProposePublicationRequest* request,
                                             v1::Publication* response) {
  const Admission admitted = guard_.Admit(context, "ProposePublication", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "ProposePublication", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(domain::ListKind list, ListKindFromProto(request->list(), "list"));
    const absl::CivilDay today = TodayInChina(clock_);
    absl::CivilDay as_of = today;
    if (request->has_as_of()) {
      ASSIGN_OR_RETURN(as_of, DateFromProto(request->as_of(), "as_of"));
      if (as_of < kEarliest || as_of > today) {
        return InvalidArgument("as_of", "DATE_OUT_OF_RANGE",
                               absl::StrCat("as_of: ", absl::FormatCivilTime(as_of),
                                            " is not between 1990-01-01 and today"));
      }
    }
    ASSIGN_OR_RETURN(domain::Publication p,
                     lists_.Propose(list, as_of,
                                    KeyOf(request->request_id(), *request), audit));
    *response = ToProto(p, false);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, "lists", status);
}

grpc::Status ListService::GetPublication(grpc::ServerContext* context,
                                         const v1::GetPublicationRequest* request,
                                         v1::Publication* response) {
  const Admission admitted = guard_.Admit(context, "GetPublication", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(PublicationKey key, ParsePublicationName(request->name(), "name"));
    if (request->view() < 0 || request->view() > v1::PUBLICATION_CONTENT) {
      return InvalidArgument("view", "INVALID_ENUM", "view: unknown value");
    }
    const bool basic = request->view() == v1::PUBLICATION_BASIC;
    const bool rows = !basic && request->view() != v1::PUBLICATION_CONTENT;
    ASSIGN_OR_RETURN(domain::Publication p, VisiblePublication(admitted, key));
    if (rows && p.entry_count + p.removed_count > kMaxInlineRows) {
      return MakeError(absl::StatusCode::kFailedPrecondition, "PUBLICATION_TOO_LARGE",
                       absl::StrCat("view: ", request->name(), " has ", p.entry_count,
                                    " entries and ", p.removed_count,
                                    " removals, more than view FULL carries (",
                                    kMaxInlineRows,
                                    "); ask for view CONTENT and page them with "
                                    "ListPublicationEntries and ListPublicationRemovals"),
                       "view");
    }
    // The canonical content is built from every row, so CONTENT reads them
    // too (once published) but does not send them.
    const bool content = !basic && p.state == domain::PublicationState::kPublished;
    if (rows) {
      ASSIGN_OR_RETURN(p, lists_.Get(key.list, key.id, /*with_entries=*/true));
    } else if (content) {
      ASSIGN_OR_RETURN(p, lists_.GetWithoutNotices(key.list, key.id));
    }
    *response = ToProto(p, !basic, rows);
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

absl::StatusOr<domain::Publication> ListService::VisiblePublication(
    const Admission& admitted, const PublicationKey& key) {
  ASSIGN_OR_RETURN(domain::Publication p, lists_.Get(key.list, key.id, false));
  // A proposal outside the public notice is as absent as a missing one to
  // whoever may not see it: the answer does not tell them apart.
  if (!domain::IsPublic(p.state) && !domain::MaySeeListProposals(admitted.caller().role)) {
    return domain::PublicationNotFound(key.list, key.id);
  }
  return p;
}

template <typename Response>
absl::Status ListService::PagePublicationRows(const Admission& admitted,
                                              const std::string& parent, int requested_size,
                                              const std::string& token,
                                              domain::PublicationRows which,
                                              bool notices, Response* response) {
  ASSIGN_OR_RETURN(PublicationKey key, ParsePublicationName(parent, "parent"));
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize(requested_size));
  // Bound to the publication and to which rows: a token of one publication
  // (or of its removals) does not continue another.
  const std::string filter =
      absl::StrCat(which == domain::PublicationRows::kEntries ? "pub-entries;" : "pub-removals;",
                   static_cast<int>(key.list), ";", key.id);
  ASSIGN_OR_RETURN(std::string after, DecodePageToken(token, filter));
  RETURN_IF_ERROR(VisiblePublication(admitted, key).status());
  ASSIGN_OR_RETURN(domain::PublicationRowsPage page,
                   lists_.RowsOf(key.list, key.id, which, after, page_size, notices));
  std::string last;
  if constexpr (std::is_same_v<Response, v1::ListPublicationEntriesResponse>) {
    for (const domain::ListEntry& e : page.entries) *response->add_entries() = ToProto(e);
    if (!page.entries.empty()) last = page.entries.back().credit_code;
  } else {
    for (const domain::Removal& r : page.removals) *response->add_removals() = ToProto(r);
    if (!page.removals.empty()) last = page.removals.back().credit_code;
  }
  if (page.has_more && !last.empty()) {
    response->set_next_page_token(EncodePageToken(last, filter));
  }
  return absl::OkStatus();
}

grpc::Status ListService::ListPublicationEntries(
    grpc::ServerContext* context, const v1::ListPublicationEntriesRequest* request,
    v1::ListPublicationEntriesResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListPublicationEntries", *request);
  if (!admitted.ok()) return admitted.denial();
  if (!v1::PublicationEntryView_IsValid(request->view())) {
    return ToGrpcStatus(InvalidArgument("view", "INVALID_ENUM", "view: unknown value"));
  }
  return ToGrpcStatus(PagePublicationRows(
      admitted, request->parent(), request->page_size(), request->page_token(),
      domain::PublicationRows::kEntries,
      /*notices=*/request->view() != v1::PUBLICATION_ENTRY_WITHOUT_NOTICE, response));
}

grpc::Status ListService::ListPublicationRemovals(
    grpc::ServerContext* context, const v1::ListPublicationRemovalsRequest* request,
    v1::ListPublicationRemovalsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListPublicationRemovals", *request);
  if (!admitted.ok()) return admitted.denial();
  return ToGrpcStatus(PagePublicationRows(admitted, request->parent(), request->page_size(),
                                          request->page_token(),
                                          domain::PublicationRows::kRemovals,
                                          /*notices=*/false, response));
}

grpc::Status ListService::ListPublications(grpc::ServerContext* context,
                                           const v1::ListPublicationsRequest* request,
                                           v1::ListPublicationsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListPublications", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(domain::ListKind list,
                     ListOfRequest(request->parent(), request->list()));
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    domain::PublicationFilter which;
    which.published_only = request->published_only();
    which.public_only = !domain::MaySeeListProposals(admitted.caller().role);
    // The page token is bound to what the list shows, so a token minted for
    // a regulator's listing does not continue a public one and vice versa.
    // By the list's number, whether it came as `parent` or `list`.
    const std::string filter = absl::StrCat(static_cast<int>(list), ";",
                                            which.published_only ? 1 : 0,
                                            ";", which.public_only ? 1 : 0);
    ASSIGN_OR_RETURN(int64_t before, IdFromToken(request->page_token(), filter));
    ASSIGN_OR_RETURN(domain::PublicationPage page, lists_.List(list, which, before, page_size));
    for (const domain::Publication& p : page.publications) {
      *response->add_publications() = ToProto(p, false);
    }
    if (page.has_more && !page.publications.empty()) {
      response->set_next_page_token(
          EncodePageToken(absl::StrCat(page.publications.back().id), filter));
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status ListService::StartNotice(grpc::ServerContext* context,
                                      const v1::StartNoticeRequest* request,
                                      v1::Publication* response) {
  const Admission admitted = guard_.Admit(context, "StartNotice", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "StartNotice", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(PublicationKey key, ParsePublicationName(request->name(), "name"));
    ASSIGN_OR_RETURN(domain::Publication p,
                     lists_.StartNotice(key.list, key.id,
                                        KeyOf(request->request_id(), *request), audit));
    *response = ToProto(p, false);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->name(), status);
}

grpc::Status ListService::FileObjection(grpc::ServerContext* context,
                                        const v1::FileObjectionRequest* request,
                                        v1::Objection* response) {
  const Admission admitted = guard_.Admit(context, "FileObjection", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "FileObjection", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(PublicationKey key, ParsePublicationName(request->parent(), "parent"));
    RETURN_IF_ERROR(domain::ValidateUscc(request->objection().credit_code(),
                                         "objection.credit_code"));
    RETURN_IF_ERROR(CheckText("objection.statement", request->objection().statement(), 1, 2000));
    const std::vector<std::string> evidence(request->objection().evidence().begin(),
                                            request->objection().evidence().end());
    RETURN_IF_ERROR(domain::ValidateObjectionEvidence(evidence, "objection.evidence"));
    ASSIGN_OR_RETURN(domain::Objection o,
                     lists_.FileObjection(key.list, key.id, request->objection().credit_code(),
                                          request->objection().statement(), evidence,
                                          KeyOf(request->request_id(), *request), audit));
    *response = ToProto(o);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->parent(), status);
}

grpc::Status ListService::DecideObjection(grpc::ServerContext* context,
                                          const v1::DecideObjectionRequest* request,
                                          v1::Objection* response) {
  const Admission admitted = guard_.Admit(context, "DecideObjection", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "DecideObjection", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(auto key, ParseObjectionName(request->name(), "name"));
    if (request->decision() != v1::OBJECTION_UPHELD &&
        request->decision() != v1::OBJECTION_REJECTED) {
      return InvalidArgument("decision", "INVALID_ENUM",
                             "decision: OBJECTION_UPHELD or OBJECTION_REJECTED");
    }
    RETURN_IF_ERROR(CheckText("reason", request->reason(), 1, 2000));
    ASSIGN_OR_RETURN(domain::Objection o,
                     lists_.DecideObjection(key.first.list, key.first.id, key.second,
                                            request->decision() == v1::OBJECTION_UPHELD,
                                            request->reason(),
                                            KeyOf(request->request_id(), *request), audit));
    *response = ToProto(o);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->name(), status);
}

grpc::Status ListService::ListObjections(grpc::ServerContext* context,
                                         const v1::ListObjectionsRequest* request,
                                         v1::ListObjectionsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListObjections", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(PublicationKey key, ParsePublicationName(request->parent(), "parent"));
    if (!request->credit_code().empty()) {
      RETURN_IF_ERROR(domain::ValidateUscc(request->credit_code(), "credit_code"));
    }
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    // In id order; a token carries the last id of its page and is bound to
    // the publication and the filters it was made for.
    const std::string filter = absl::StrCat(request->parent(), ";", request->credit_code(), ";",
                                            request->pending_only() ? 1 : 0);
    ASSIGN_OR_RETURN(int64_t after, IdFromToken(request->page_token(), filter));
    ASSIGN_OR_RETURN(auto objections, lists_.ListObjections(key.list, key.id));
    int64_t last = 0;
    for (const domain::Objection& o : objections) {
      if (o.id <= after) continue;
      if (!request->credit_code().empty() && o.credit_code != request->credit_code()) continue;
      if (request->pending_only() && o.state != domain::ObjectionState::kPending) continue;
      if (response->objections_size() == page_size) {
        response->set_next_page_token(EncodePageToken(absl::StrCat(last), filter));
        break;
      }
      *response->add_objections() = ToProto(o);
      last = o.id;
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status ListService::PublishPublication(grpc::ServerContext* context,
                                             const v1::PublishPublicationRequest* request,
                                             v1::Publication* response) {
  const Admission admitted = guard_.Admit(context, "PublishPublication", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "PublishPublication", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(PublicationKey key, ParsePublicationName(request->name(), "name"));
    ASSIGN_OR_RETURN(domain::Publication p,
                     lists_.Publish(key.list, key.id,
                                    KeyOf(request->request_id(), *request), audit));
    *response = ToProto(p, false);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->name(), status);
}

grpc::Status ListService::ListEntries(grpc::ServerContext* context,
                                      const v1::ListEntriesRequest* request,
                                      v1::ListEntriesResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListEntries", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(domain::ListKind list,
                     ListOfRequest(request->parent(), request->list()));
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    // By the list's number, whether it came as `parent` or `list`.
    const std::string filter = absl::StrCat("entries;", static_cast<int>(list));
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(request->page_token(), filter));
    ASSIGN_OR_RETURN(domain::EntryPage page, lists_.Entries(list, after, page_size));
    for (const domain::ListEntry& e : page.entries) {
      *response->add_entries() = CurrentEntryToProto(e, list, page.publication_id);
    }
    if (page.publication_id != 0) {
      response->set_publication(domain::PublicationName(list, page.publication_id));
    }
    if (page.has_more && !page.entries.empty()) {
      response->set_next_page_token(EncodePageToken(page.entries.back().credit_code, filter));
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status ListService::GetListEntry(grpc::ServerContext* context,
                                       const v1::GetListEntryRequest* request,
                                       v1::PublicationEntry* response) {
  const Admission admitted = guard_.Admit(context, "GetListEntry", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(ListEntryKey key, ParseListEntryName(request->name(), "name"));
    ASSIGN_OR_RETURN(domain::CurrentEntry found, lists_.EntryOf(key.list, key.credit_code));
    *response = CurrentEntryToProto(found.entry, key.list, found.publication_id);
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status ListService::ApplyRepair(grpc::ServerContext* context,
                                      const v1::ApplyRepairRequest* request,
                                      v1::Repair* response) {
  const Admission admitted = guard_.Admit(context, "ApplyRepair", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "ApplyRepair", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(const std::string code, ParseBlackEntryName(request->entry(), "entry"));
    domain::RepairEvidence evidence;
    const v1::RepairEvidence& in = request->evidence();
    if (in.has_rectification_date()) {
      ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(in.rectification_date(),
                                                         "evidence.rectification_date"));
      const absl::CivilDay today = TodayInChina(clock_);
      if (day < kEarliest || day > today) {
        return InvalidArgument(
            "evidence.rectification_date", "DATE_OUT_OF_RANGE",
            absl::StrCat("evidence.rectification_date: ", absl::FormatCivilTime(day),
                         " is not between 1990-01-01 and today"));
      }
      evidence.rectification_date = day;
    }
    evidence.penalty_performed = in.penalty_performed();
    RETURN_IF_ERROR(CheckText("evidence.commitment", in.commitment(), 0, 255));
    if (!in.commitment().empty()) {
      // A name, as documented: a commitment of the enterprise asking.
      ASSIGN_OR_RETURN(RecordKey commitment,
                       ParseRecordName(in.commitment(), domain::kCommitments,
                                       "evidence.commitment"));
      if (commitment.credit_code != code) {
        return InvalidArgument("evidence.commitment", "INVALID_RESOURCE_NAME",
                               "evidence.commitment: must name a commitment of the "
                               "listed enterprise");
      }
    }
    RETURN_IF_ERROR(CheckText("evidence.note", in.note(), 0, 2000));
    evidence.commitment = in.commitment();
    evidence.note = in.note();
    // The bureau's own application (received on paper) is decided by
    // making it; the enterprise's own waits for a regulator.
    const domain::RepairApplicant applicant = admitted.caller().role == domain::Role::kEnterprise
                                                  ? domain::RepairApplicant::kEnterprise
                                                  : domain::RepairApplicant::kRegulator;
    ASSIGN_OR_RETURN(domain::Repair repair,
                     lists_.ApplyRepair(code, evidence, applicant,
                                        KeyOf(request->request_id(), *request), audit));
    *response = ToProto(repair);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->entry(), status);
}

grpc::Status ListService::DecideRepair(grpc::ServerContext* context,
                                       const v1::DecideRepairRequest* request,
                                       v1::Repair* response) {
  const Admission admitted = guard_.Admit(context, "DecideRepair", *request);
  if (!admitted.ok()) return admitted.denial();
  const auto audit = audit_.Context(admitted.caller(), "DecideRepair", request->request_id());
  absl::Status status = [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateRequestId(request->request_id()));
    ASSIGN_OR_RETURN(RepairKey key, ParseRepairName(request->name(), "name"));
    if (request->decision() != v1::REPAIR_GRANTED && request->decision() != v1::REPAIR_REFUSED) {
      return InvalidArgument("decision", "INVALID_ENUM",
                             "decision: REPAIR_GRANTED or REPAIR_REFUSED");
    }
    RETURN_IF_ERROR(CheckText("reason", request->reason(), 1, 2000));
    ASSIGN_OR_RETURN(domain::Repair repair,
                     lists_.DecideRepair(key.credit_code, key.id,
                                         request->decision() == v1::REPAIR_GRANTED,
                                         request->reason(),
                                         KeyOf(request->request_id(), *request), audit));
    *response = ToProto(repair);
    return absl::OkStatus();
  }();
  return audit_.FinishWrite(audit, request->name(), status);
}

grpc::Status ListService::ListRepairs(grpc::ServerContext* context,
                                      const v1::ListRepairsRequest* request,
                                      v1::ListRepairsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListRepairs", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    std::string code;  // empty: every entry
    if (request->parent() != kEveryBlackEntry) {
      ASSIGN_OR_RETURN(code, ParseBlackEntryName(request->parent(), "parent"));
    }
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    // Newest first; a token carries the last id of its page.
    const std::string filter =
        absl::StrCat("repairs;", request->parent(), ";", request->pending_only() ? 1 : 0);
    ASSIGN_OR_RETURN(int64_t before, IdFromToken(request->page_token(), filter));
    ASSIGN_OR_RETURN(std::vector<domain::Repair> repairs,
                     lists_.ListRepairs(code, request->pending_only(), before, page_size + 1));
    const bool more = static_cast<int>(repairs.size()) > page_size;
    if (more) repairs.resize(page_size);
    for (const domain::Repair& r : repairs) *response->add_repairs() = ToProto(r);
    if (more) response->set_next_page_token(EncodePageToken(absl::StrCat(repairs.back().id), filter));
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

}  // namespace envcredit::api
