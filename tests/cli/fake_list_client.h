// An in-memory ListClient that behaves like ListService in the ways the
// `lists` commands depend on:
//   - ProposePublication makes a DRAFT of the list from `candidates`, with
//     each entry's change (ADDED / UNCHANGED) against the last PUBLISHED
//     publication of the list and a removal for every entry that left it
//     (EXPIRED on the black list, NO_LONGER_MEETS on the honour list);
//     a DRAFT of the list is SUPERSEDED by it; FAILED_PRECONDITION
//     (PUBLICATION_IN_PROGRESS) while a publication of the list is in NOTICE;
//   - StartNotice: DRAFT -> NOTICE from `today` for 15 days (to today + 14),
//     every black-list entry gets a notice_text;
//   - FileObjection only in NOTICE up to its last day, only for an entry
//     (FAILED_PRECONDITION PUBLICATION_NOT_IN_NOTICE / NOTICE_PERIOD_OVER,
//     NOT_FOUND ENTRY_NOT_FOUND); DecideObjection once (UPHELD removes the
//     entry as a removal OBJECTION_UPHELD);
//   - PublishPublication after the notice ended and with no pending
//     objection, else FAILED_PRECONDITION with a PreconditionFailure naming
//     every blocker (NOT_IN_NOTICE, NOTICE_NOT_ENDED, OBJECTIONS_PENDING);
//     numbers 1, 2, ... per list, a canonical content with its SHA-256 and
//     the previous one's, publish_time 2025-01-01T02:00:00Z + number days;
//     a published one is returned unchanged;
//   - the custom methods (Propose, StartNotice, Publish) return the
//     publication without its rows (entries, removals, content), as the
//     server does; Get returns it FULL unless BASIC (no rows, no content)
//     or CONTENT (no rows) is asked; ListPublicationEntries / Removals page
//     a publication's rows, `page_size_cap` a page;
//     ListPublications is newest first and BASIC, `page_size_cap` per page;
//     ListObjections and ListEntries are paged the same way, ListEntries
//     naming each entry and its publication; both take the list as `parent`
//     ("lists/honor", "lists/black") or `list`, INVALID_ARGUMENT naming
//     `parent` when the two disagree or the parent is no list;
//   - GetListEntry: the entry in the last PUBLISHED publication of the list
//     (NOT_FOUND ENTRY_NOT_FOUND when not there); ApplyRepair
//     fails with FAILED_PRECONDITION listing `repair_blockers` when there
//     are any.
// Every request is recorded. Not thread-safe; for unit tests only.
#ifndef ENVCREDIT_TESTS_CLI_FAKE_LIST_CLIENT_H_
#define ENVCREDIT_TESTS_CLI_FAKE_LIST_CLIENT_H_

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/clients/list_client.h"
#include "admin-cli/publication/publication_html.h"
#include "admin-cli/publication/signing.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace envcredit::admin::testing {

class FakeListClient : public ListClient {
 public:
  // --- Server state, set up by the test. ---
  // What the next proposal of each list holds, in credit-code order.
  std::map<int, std::vector<v1::PublicationEntry>> candidates;
  v1::Date today = MakeDate(2025, 7, 1);
  // Every publication, FULL, by name; ids in creation order.
  std::map<std::string, v1::Publication> publications;
  std::vector<std::string> created;  // names, oldest first
  std::map<std::string, std::vector<v1::Objection>> objections;  // by parent
  // (type, description) of every unmet repair condition; empty: granted.
  std::vector<std::pair<std::string, std::string>> repair_blockers;
  int page_size_cap = 2;  // the most items one page returns
  bool unavailable = false;

  // --- What was asked. ---
  std::vector<v1::ProposePublicationRequest> proposals;
  std::vector<v1::GetPublicationRequest> gets;
  std::vector<v1::ListPublicationsRequest> list_requests;
  std::vector<v1::StartNoticeRequest> notices;
  std::vector<v1::FileObjectionRequest> filed;
  std::vector<v1::DecideObjectionRequest> decisions;
  std::vector<v1::PublishPublicationRequest> publishes;
  std::vector<v1::ApplyRepairRequest> repairs;
  std::vector<v1::ListEntriesRequest> entry_lists;
  std::vector<v1::GetListEntryRequest> entry_gets;
  // The parent of every ListPublicationEntries / Removals call.
  std::vector<std::string> row_pages;
  std::vector<int> entry_views;  // the view of every ListPublicationEntries
  int calls = 0;

  static v1::Date MakeDate(int y, int m, int d) {
    v1::Date date;
    date.set_year(y);
    date.set_month(m);
    date.set_day(d);
    return date;
  }
  static v1::Date AddDays(const v1::Date& date, int days) {
    const absl::CivilDay day =
        absl::CivilDay(date.year(), date.month(), date.day()) + days;
    return MakeDate(static_cast<int>(day.year()), day.month(), day.day());
  }
  static absl::CivilDay Day(const v1::Date& d) {
    return absl::CivilDay(d.year(), d.month(), d.day());
  }

  // A black-list entry with one reason (a fine decision).
  static v1::PublicationEntry BlackEntry(const std::string& code,
                                         const std::string& name,
                                         const std::string& legal_rep,
                                         const std::string& decision) {
    v1::PublicationEntry e;
    e.set_credit_code(code);
    e.set_enterprise_name(name);
    e.set_legal_representative(legal_rep);
    e.set_region_code(code.substr(2, 6));
    e.set_level(v1::BLACK);
    e.set_points(-3);
    v1::ListReason* r = e.add_reasons();
    r->set_kind("penalty_decision");
    r->set_reference(decision);
    r->set_authority("苏州市生态环境局");
    *r->mutable_date() = MakeDate(2024, 3, 1);
    r->set_description("移送公安机关 transfer for criminal investigation");
    r->set_points(-12);
    *e.mutable_listing_date() = MakeDate(2024, 3, 1);
    *e.mutable_earliest_repair_date() = MakeDate(2025, 3, 1);
    *e.mutable_expiry_date() = MakeDate(2027, 3, 1);
    return e;
  }
  static v1::PublicationEntry HonorEntry(const std::string& code,
                                         const std::string& name) {
    v1::PublicationEntry e;
    e.set_credit_code(code);
    e.set_enterprise_name(name);
    e.set_legal_representative("李四");
    e.set_region_code(code.substr(2, 6));
    e.set_level(v1::GREEN);
    e.set_points(12);
    *e.mutable_listing_date() = MakeDate(2025, 1, 1);
    return e;
  }

  // Runs a whole cycle (propose, notice, 15 days, publish) for `list` with
  // `entries` as the candidates; returns the published publication.
  v1::Publication PublishNow(v1::ListKind list,
                             std::vector<v1::PublicationEntry> entries) {
    candidates[list] = std::move(entries);
    v1::ProposePublicationRequest propose;
    propose.set_list(list);
    v1::Publication p;
    ProposePublication("", propose, &p);
    v1::StartNoticeRequest notice;
    notice.set_name(p.name());
    StartNotice("", notice, &p);
    today = AddDays(today, 15);
    v1::PublishPublicationRequest publish;
    publish.set_name(p.name());
    const grpc::Status status = PublishPublication("", publish, &p);
    if (!status.ok()) return v1::Publication();
    return publications[p.name()];
  }

  // A google.rpc.Status error with an ErrorInfo (domain envcredit.v1) and,
  // when given, a PreconditionFailure.
  static grpc::Status Error(
      grpc::StatusCode code, const std::string& reason,
      const std::string& message,
      const std::vector<std::pair<std::string, std::string>>& violations = {},
      const std::string& subject = "") {
    google::rpc::Status rich;
    rich.set_code(static_cast<int>(code));
    rich.set_message(message);
    google::rpc::ErrorInfo info;
    info.set_reason(reason);
    info.set_domain("envcredit.v1");
    rich.add_details()->PackFrom(info);
    if (!violations.empty()) {
      google::rpc::PreconditionFailure failure;
      for (const auto& [type, description] : violations) {
        auto* v = failure.add_violations();
        v->set_type(type);
        v->set_subject(subject);
        v->set_description(description);
      }
      rich.add_details()->PackFrom(failure);
    }
    return grpc::Status(code, message, rich.SerializeAsString());
  }

  // --- ListClient ---

  grpc::Status ProposePublication(const std::string&,
                                  const v1::ProposePublicationRequest& r,
                                  v1::Publication* out) override {
    ++calls;
    proposals.push_back(r);
    if (unavailable) return Unavailable();
    if (r.list() != v1::HONOR_LIST && r.list() != v1::BLACK_LIST) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_LIST", "list");
    }
    for (auto& [name, p] : publications) {
      if (p.list() == r.list() && p.state() == v1::PUBLICATION_NOTICE) {
        return Error(grpc::StatusCode::FAILED_PRECONDITION,
                     "PUBLICATION_IN_PROGRESS",
                     absl::StrCat(name, " is ", StateName(p.state())));
      }
    }
    for (auto& [name, p] : publications) {
      if (p.list() == r.list() && p.state() == v1::PUBLICATION_DRAFT) {
        p.set_state(v1::PUBLICATION_SUPERSEDED);
      }
    }
    const v1::Publication* last = LastPublished(r.list());
    v1::Publication p;
    p.set_name(absl::StrCat("lists/", ListSlug(r.list()), "/publications/",
                            created.size() + 100));
    p.set_list(r.list());
    p.set_state(v1::PUBLICATION_DRAFT);
    *p.mutable_as_of() = r.has_as_of() ? r.as_of() : today;
    p.set_policy_id("jiangsu-2019");
    p.set_policy_version(2);
    p.mutable_create_time()->set_seconds(1735696800);
    if (last != nullptr) p.set_previous_publication(last->name());
    for (v1::PublicationEntry e : candidates[r.list()]) {
      const bool before = last != nullptr && HasEntry(*last, e.credit_code());
      e.set_change(before ? v1::ENTRY_UNCHANGED : v1::ENTRY_ADDED);
      e.clear_notice_text();
      *p.add_entries() = std::move(e);
    }
    if (last != nullptr) {
      for (const v1::PublicationEntry& e : last->entries()) {
        if (HasEntry(p, e.credit_code())) continue;
        v1::Removal* removal = p.add_removals();
        removal->set_credit_code(e.credit_code());
        removal->set_enterprise_name(e.enterprise_name());
        removal->set_reason(r.list() == v1::BLACK_LIST
                                ? v1::REMOVAL_EXPIRED
                                : v1::REMOVAL_NO_LONGER_MEETS);
        removal->set_detail(
            r.list() == v1::BLACK_LIST
                ? absl::StrCat("expired on ", FormatDate(e.expiry_date()))
                : "level no longer GREEN");
      }
    }
    Count(&p);
    publications[p.name()] = p;
    created.push_back(p.name());
    *out = p;
    Basic(out);  // as the server: counts, no rows
    return grpc::Status::OK;
  }

  grpc::Status GetPublication(const std::string&,
                              const v1::GetPublicationRequest& r,
                              v1::Publication* out) override {
    ++calls;
    gets.push_back(r);
    if (unavailable) return Unavailable();
    const auto it = publications.find(r.name());
    if (it == publications.end()) {
      return Error(grpc::StatusCode::NOT_FOUND, "PUBLICATION_NOT_FOUND",
                   absl::StrCat("no publication ", r.name()));
    }
    *out = it->second;
    if (r.view() == v1::PUBLICATION_BASIC) Basic(out);
    if (r.view() == v1::PUBLICATION_CONTENT) {
      out->clear_entries();
      out->clear_removals();
    }
    return grpc::Status::OK;
  }

  // A publication's rows `page_size_cap` at a time; the token is the index
  // of the next row.
  grpc::Status ListPublicationEntries(
      const std::string&, const v1::ListPublicationEntriesRequest& r,
      v1::ListPublicationEntriesResponse* out) override {
    ++calls;
    row_pages.push_back(r.parent());
    entry_views.push_back(r.view());
    if (unavailable) return Unavailable();
    grpc::Status status = PageRows(r.parent(), r.page_token(), &v1::Publication::entries,
                                   out->mutable_entries(), out);
    if (r.view() == v1::PUBLICATION_ENTRY_WITHOUT_NOTICE) {
      for (v1::PublicationEntry& e : *out->mutable_entries()) e.clear_notice_text();
    }
    return status;
  }
  grpc::Status ListPublicationRemovals(
      const std::string&, const v1::ListPublicationRemovalsRequest& r,
      v1::ListPublicationRemovalsResponse* out) override {
    ++calls;
    row_pages.push_back(r.parent());
    if (unavailable) return Unavailable();
    return PageRows(r.parent(), r.page_token(), &v1::Publication::removals,
                    out->mutable_removals(), out);
  }
  template <typename Row, typename Response>
  grpc::Status PageRows(
      const std::string& parent, const std::string& token,
      const google::protobuf::RepeatedPtrField<Row>& (v1::Publication::*rows)()
          const,
      google::protobuf::RepeatedPtrField<Row>* page, Response* out) {
    const auto it = publications.find(parent);
    if (it == publications.end()) {
      return Error(grpc::StatusCode::NOT_FOUND, "PUBLICATION_NOT_FOUND",
                   absl::StrCat("no publication ", parent));
    }
    size_t start = 0;
    if (!token.empty() && !absl::SimpleAtoi(token, &start)) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN",
                   "page_token");
    }
    const auto& all = (it->second.*rows)();
    const size_t size = page_size_cap;
    for (size_t k = start; k < static_cast<size_t>(all.size()) && k < start + size;
         ++k) {
      *page->Add() = all[static_cast<int>(k)];
    }
    if (start + size < static_cast<size_t>(all.size())) {
      out->set_next_page_token(absl::StrCat(start + size));
    }
    return grpc::Status::OK;
  }

  grpc::Status ListPublications(const std::string&,
                                const v1::ListPublicationsRequest& r,
                                v1::ListPublicationsResponse* out) override {
    ++calls;
    list_requests.push_back(r);
    if (unavailable) return Unavailable();
    int list = r.list();
    if (!r.parent().empty()) {
      grpc::Status bad = ListOfParent(r.parent(), r.list(), &list);
      if (!bad.ok()) return bad;
    }
    std::vector<const v1::Publication*> matching;
    for (auto it = created.rbegin(); it != created.rend(); ++it) {
      const v1::Publication& p = publications[*it];
      if (list != v1::LIST_KIND_UNSPECIFIED && p.list() != list) {
        continue;
      }
      if (r.published_only() && p.state() != v1::PUBLICATION_PUBLISHED) {
        continue;
      }
      matching.push_back(&p);
    }
    size_t start = 0;
    if (!r.page_token().empty() && !absl::SimpleAtoi(r.page_token(), &start)) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN",
                   "page_token");
    }
    const size_t size = std::min<size_t>(
        r.page_size() <= 0 ? 50 : r.page_size(), page_size_cap);
    for (size_t k = start; k < matching.size() && k < start + size; ++k) {
      v1::Publication* p = out->add_publications();
      *p = *matching[k];
      Basic(p);
    }
    if (start + size < matching.size()) {
      out->set_next_page_token(absl::StrCat(start + size));
    }
    return grpc::Status::OK;
  }

  grpc::Status StartNotice(const std::string&, const v1::StartNoticeRequest& r,
                           v1::Publication* out) override {
    ++calls;
    notices.push_back(r);
    if (unavailable) return Unavailable();
    const auto it = publications.find(r.name());
    if (it == publications.end()) {
      return Error(grpc::StatusCode::NOT_FOUND, "PUBLICATION_NOT_FOUND",
                   r.name());
    }
    v1::Publication& p = it->second;
    if (p.state() != v1::PUBLICATION_DRAFT) {
      return Error(grpc::StatusCode::FAILED_PRECONDITION,
                   "PUBLICATION_NOT_DRAFT",
                   absl::StrCat(p.name(), " is ", StateName(p.state())));
    }
    p.set_state(v1::PUBLICATION_NOTICE);
    *p.mutable_notice_start_date() = today;
    *p.mutable_notice_end_date() = AddDays(today, 14);
    if (p.list() == v1::BLACK_LIST) {
      for (v1::PublicationEntry& e : *p.mutable_entries()) {
        e.set_notice_text(absl::StrCat(
            e.enterprise_name(), "：经评价，贵单位截至 ",
            FormatDate(p.as_of()), " 信用等级为黑色，拟列入黑榜。"));
      }
    }
    *out = p;
    Basic(out);
    return grpc::Status::OK;
  }

  grpc::Status FileObjection(const std::string&,
                             const v1::FileObjectionRequest& r,
                             v1::Objection* out) override {
    ++calls;
    filed.push_back(r);
    if (unavailable) return Unavailable();
    const auto it = publications.find(r.parent());
    if (it == publications.end()) {
      return Error(grpc::StatusCode::NOT_FOUND, "PUBLICATION_NOT_FOUND",
                   r.parent());
    }
    const v1::Publication& p = it->second;
    if (p.state() != v1::PUBLICATION_NOTICE) {
      return Error(grpc::StatusCode::FAILED_PRECONDITION,
                   "PUBLICATION_NOT_IN_NOTICE", "not in notice");
    }
    if (Day(today) > Day(p.notice_end_date())) {
      return Error(grpc::StatusCode::FAILED_PRECONDITION, "NOTICE_PERIOD_OVER",
                   "the notice period is over");
    }
    if (!HasEntry(p, r.objection().credit_code())) {
      return Error(grpc::StatusCode::NOT_FOUND, "ENTRY_NOT_FOUND",
                   absl::StrCat(r.objection().credit_code(),
                                " is not on the proposed list"));
    }
    std::vector<v1::Objection>& list = objections[r.parent()];
    v1::Objection o = r.objection();
    o.set_name(absl::StrCat(r.parent(), "/objections/", list.size() + 1));
    o.set_state(v1::OBJECTION_PENDING);
    o.mutable_file_time()->set_seconds(1751335200);
    list.push_back(o);
    *out = o;
    return grpc::Status::OK;
  }

  grpc::Status DecideObjection(const std::string&,
                               const v1::DecideObjectionRequest& r,
                               v1::Objection* out) override {
    ++calls;
    decisions.push_back(r);
    if (unavailable) return Unavailable();
    for (auto& [parent, list] : objections) {
      for (v1::Objection& o : list) {
        if (o.name() != r.name()) continue;
        if (o.state() != v1::OBJECTION_PENDING) {
          return Error(grpc::StatusCode::FAILED_PRECONDITION,
                       "OBJECTION_ALREADY_DECIDED", "decided already");
        }
        o.set_state(r.decision());
        o.set_decision_reason(r.reason());
        o.mutable_decide_time()->set_seconds(1751421600);
        if (r.decision() == v1::OBJECTION_UPHELD) {
          v1::Publication& p = publications[parent];
          auto* entries = p.mutable_entries();
          for (int k = 0; k < entries->size(); ++k) {
            if (entries->Get(k).credit_code() != o.credit_code()) continue;
            v1::Removal* removal = p.add_removals();
            removal->set_credit_code(o.credit_code());
            removal->set_enterprise_name(entries->Get(k).enterprise_name());
            removal->set_reason(v1::REMOVAL_OBJECTION_UPHELD);
            removal->set_detail(r.reason());
            entries->DeleteSubrange(k, 1);
            break;
          }
          Count(&p);
        }
        *out = o;
        return grpc::Status::OK;
      }
    }
    return Error(grpc::StatusCode::NOT_FOUND, "OBJECTION_NOT_FOUND", r.name());
  }

  grpc::Status ListObjections(const std::string&,
                              const v1::ListObjectionsRequest& r,
                              v1::ListObjectionsResponse* out) override {
    ++calls;
    if (unavailable) return Unavailable();
    if (publications.count(r.parent()) == 0) {
      return Error(grpc::StatusCode::NOT_FOUND, "PUBLICATION_NOT_FOUND",
                   r.parent());
    }
    const std::vector<v1::Objection>& list = objections[r.parent()];
    size_t start = 0;
    if (!r.page_token().empty() && !absl::SimpleAtoi(r.page_token(), &start)) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN",
                   "page_token");
    }
    const size_t size = page_size_cap;
    for (size_t k = start; k < list.size() && k < start + size; ++k) {
      *out->add_objections() = list[k];
    }
    if (start + size < list.size()) {
      out->set_next_page_token(absl::StrCat(start + size));
    }
    return grpc::Status::OK;
  }

  grpc::Status PublishPublication(const std::string&,
                                  const v1::PublishPublicationRequest& r,
                                  v1::Publication* out) override {
    ++calls;
    publishes.push_back(r);
    if (unavailable) return Unavailable();
    const auto it = publications.find(r.name());
    if (it == publications.end()) {
      return Error(grpc::StatusCode::NOT_FOUND, "PUBLICATION_NOT_FOUND",
                   r.name());
    }
    v1::Publication& p = it->second;
    if (p.state() == v1::PUBLICATION_PUBLISHED) {
      *out = p;
      Basic(out);
      return grpc::Status::OK;
    }
    std::vector<std::pair<std::string, std::string>> blockers;
    if (p.state() != v1::PUBLICATION_NOTICE) {
      blockers.emplace_back(
          "NOT_IN_NOTICE",
          absl::StrCat("the publication is ", StateName(p.state())));
    } else if (Day(today) <= Day(p.notice_end_date())) {
      blockers.emplace_back("NOTICE_NOT_ENDED",
                            absl::StrCat("the notice period ends on ",
                                         FormatDate(p.notice_end_date())));
    }
    int pending = 0;
    for (const v1::Objection& o : objections[p.name()]) {
      if (o.state() == v1::OBJECTION_PENDING) ++pending;
    }
    if (pending > 0) {
      blockers.emplace_back("OBJECTIONS_PENDING",
                            absl::StrCat(pending, " objection(s) not decided"));
    }
    if (!blockers.empty()) {
      return Error(grpc::StatusCode::FAILED_PRECONDITION, blockers[0].first,
                   "the publication cannot be published", blockers, p.name());
    }
    const v1::Publication* last = LastPublished(p.list());
    p.set_state(v1::PUBLICATION_PUBLISHED);
    p.set_number(last == nullptr ? 1 : last->number() + 1);
    p.mutable_publish_time()->set_seconds(1735696800 + 86400 * p.number());
    p.set_canonical_content(Canonical(p));
    p.set_content_sha256(Sha256Hex(p.canonical_content()));
    p.set_previous_content_sha256(last == nullptr ? ""
                                                  : last->content_sha256());
    for (auto& [name, other] : publications) {
      if (&other != &p && other.list() == p.list() &&
          other.state() != v1::PUBLICATION_PUBLISHED) {
        other.set_state(v1::PUBLICATION_SUPERSEDED);
      }
    }
    *out = p;
    Basic(out);
    return grpc::Status::OK;
  }

  grpc::Status ListEntries(const std::string&, const v1::ListEntriesRequest& r,
                           v1::ListEntriesResponse* out) override {
    ++calls;
    entry_lists.push_back(r);
    if (unavailable) return Unavailable();
    int list = r.list();
    grpc::Status bad = ListOfParent(r.parent(), r.list(), &list);
    if (!bad.ok()) return bad;
    const v1::Publication* last = LastPublished(list);
    if (last == nullptr) return grpc::Status::OK;
    out->set_publication(last->name());
    size_t start = 0;
    if (!r.page_token().empty() && !absl::SimpleAtoi(r.page_token(), &start)) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN",
                   "page_token");
    }
    const size_t size = page_size_cap;
    const size_t total = static_cast<size_t>(last->entries_size());
    for (size_t k = start; k < total && k < start + size; ++k) {
      v1::PublicationEntry* e = out->add_entries();
      *e = last->entries(static_cast<int>(k));
      e->set_name(absl::StrCat("lists/", ListSlug(list), "/entries/",
                               e->credit_code()));
      e->set_publication(last->name());
    }
    if (start + size < total) {
      out->set_next_page_token(absl::StrCat(start + size));
    }
    return grpc::Status::OK;
  }

  grpc::Status GetListEntry(const std::string&,
                            const v1::GetListEntryRequest& r,
                            v1::PublicationEntry* out) override {
    ++calls;
    entry_gets.push_back(r);
    if (unavailable) return Unavailable();
    const std::vector<std::string> parts = absl::StrSplit(r.name(), '/');
    int list = v1::LIST_KIND_UNSPECIFIED;
    if (parts.size() != 4 || parts[2] != "entries" ||
        !ListOfParent(absl::StrCat(parts[0], "/", parts[1]),
                      v1::LIST_KIND_UNSPECIFIED, &list)
             .ok() ||
        parts[3].size() != 18) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_RESOURCE_NAME",
                   "name must be lists/{honor|black}/entries/{credit_code}");
    }
    const v1::Publication* last = LastPublished(list);
    if (last != nullptr) {
      for (const v1::PublicationEntry& e : last->entries()) {
        if (e.credit_code() != parts[3]) continue;
        *out = e;
        out->set_name(r.name());
        out->set_publication(last->name());
        return grpc::Status::OK;
      }
    }
    return Error(grpc::StatusCode::NOT_FOUND, "ENTRY_NOT_FOUND",
                 absl::StrCat(r.name(), ": not on the published ",
                              ListSlug(list), " list"));
  }

  grpc::Status ApplyRepair(const std::string&, const v1::ApplyRepairRequest& r,
                           v1::Repair* out) override {
    ++calls;
    repairs.push_back(r);
    if (unavailable) return Unavailable();
    if (!repair_blockers.empty()) {
      return Error(grpc::StatusCode::FAILED_PRECONDITION,
                   repair_blockers[0].first, "credit repair refused",
                   repair_blockers, r.entry());
    }
    absl::string_view code = r.entry();
    absl::ConsumePrefix(&code, "lists/black/entries/");
    out->set_name(absl::StrCat(r.entry(), "/repairs/1"));
    out->set_credit_code(std::string(code));
    out->set_state(v1::REPAIR_GRANTED);
    *out->mutable_evidence() = r.evidence();
    out->mutable_grant_time()->set_seconds(1751421600);
    *out->mutable_listing_date() = MakeDate(2024, 3, 1);
    return grpc::Status::OK;
  }

  // The repair queue is tested end to end (tests/e2e/enterprise_role_e2e_test.cc).
  grpc::Status DecideRepair(const std::string&, const v1::DecideRepairRequest&,
                            v1::Repair*) override {
    ++calls;
    return Error(grpc::StatusCode::UNIMPLEMENTED, "NOT_FAKED", "not in the fake");
  }
  grpc::Status ListRepairs(const std::string&, const v1::ListRepairsRequest&,
                           v1::ListRepairsResponse*) override {
    ++calls;
    return Error(grpc::StatusCode::UNIMPLEMENTED, "NOT_FAKED", "not in the fake");
  }

 private:
  static grpc::Status Unavailable() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused");
  }
  static std::string StateName(int state) {
    return v1::PublicationState_Name(static_cast<v1::PublicationState>(state));
  }
  // The list of `parent` ("lists/honor", "lists/black") into *list; `list`
  // when `parent` is empty. INVALID_ARGUMENT naming parent when it is no
  // list or names another list than a `list` given.
  static grpc::Status ListOfParent(const std::string& parent, int list,
                                   int* out) {
    *out = list;
    if (parent.empty()) return grpc::Status::OK;
    int from_parent = v1::LIST_KIND_UNSPECIFIED;
    if (parent == "lists/honor") from_parent = v1::HONOR_LIST;
    if (parent == "lists/black") from_parent = v1::BLACK_LIST;
    if (from_parent == v1::LIST_KIND_UNSPECIFIED) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_RESOURCE_NAME",
                   "parent must be lists/honor or lists/black");
    }
    if (list != v1::LIST_KIND_UNSPECIFIED && list != from_parent) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "CONFLICTING_PARENT",
                   "parent and list name different lists");
    }
    *out = from_parent;
    return grpc::Status::OK;
  }
  static bool HasEntry(const v1::Publication& p, const std::string& code) {
    for (const v1::PublicationEntry& e : p.entries()) {
      if (e.credit_code() == code) return true;
    }
    return false;
  }
  static void Basic(v1::Publication* p) {
    p->clear_entries();
    p->clear_removals();
    p->clear_canonical_content();
  }
  static void Count(v1::Publication* p) {
    int added = 0, unchanged = 0;
    for (const v1::PublicationEntry& e : p->entries()) {
      (e.change() == v1::ENTRY_ADDED ? added : unchanged)++;
    }
    p->set_entry_count(p->entries_size());
    p->set_added_count(added);
    p->set_unchanged_count(unchanged);
    p->set_removed_count(p->removals_size());
  }
  static std::string Canonical(const v1::Publication& p) {
    std::string out =
        absl::StrCat("envcredit list ", ListSlug(p.list()), " ", p.number(),
                     " as of ", FormatDate(p.as_of()), "\n");
    for (const v1::PublicationEntry& e : p.entries()) {
      absl::StrAppend(&out, "entry\t", e.credit_code(), "\t",
                      e.enterprise_name(), "\t",
                      FormatDate(e.listing_date()), "\n");
    }
    for (const v1::Removal& r : p.removals()) {
      absl::StrAppend(&out, "removal\t", r.credit_code(), "\t", r.reason(),
                      "\n");
    }
    return out;
  }
  const v1::Publication* LastPublished(int list) const {
    const v1::Publication* best = nullptr;
    for (const auto& [name, p] : publications) {
      if (p.list() == list && p.state() == v1::PUBLICATION_PUBLISHED &&
          (best == nullptr || p.number() > best->number())) {
        best = &p;
      }
    }
    return best;
  }
};

// Forwards to a FakeListClient the test keeps (RunCli owns its client).
class ForwardingListClient : public ListClient {
 public:
  explicit ForwardingListClient(ListClient* target) : target_(target) {}
  grpc::Status ProposePublication(const std::string& id,
                                  const v1::ProposePublicationRequest& r,
                                  v1::Publication* out) override {
    return target_->ProposePublication(id, r, out);
  }
  grpc::Status GetPublication(const std::string& id,
                              const v1::GetPublicationRequest& r,
                              v1::Publication* out) override {
    return target_->GetPublication(id, r, out);
  }
  grpc::Status ListPublications(const std::string& id,
                                const v1::ListPublicationsRequest& r,
                                v1::ListPublicationsResponse* out) override {
    return target_->ListPublications(id, r, out);
  }
  grpc::Status ListPublicationEntries(
      const std::string& id, const v1::ListPublicationEntriesRequest& r,
      v1::ListPublicationEntriesResponse* out) override {
    return target_->ListPublicationEntries(id, r, out);
  }
  grpc::Status ListPublicationRemovals(
      const std::string& id, const v1::ListPublicationRemovalsRequest& r,
      v1::ListPublicationRemovalsResponse* out) override {
    return target_->ListPublicationRemovals(id, r, out);
  }
  grpc::Status StartNotice(const std::string& id,
                           const v1::StartNoticeRequest& r,
                           v1::Publication* out) override {
    return target_->StartNotice(id, r, out);
  }
  grpc::Status FileObjection(const std::string& id,
                             const v1::FileObjectionRequest& r,
                             v1::Objection* out) override {
    return target_->FileObjection(id, r, out);
  }
  grpc::Status DecideObjection(const std::string& id,
                               const v1::DecideObjectionRequest& r,
                               v1::Objection* out) override {
    return target_->DecideObjection(id, r, out);
  }
  grpc::Status ListObjections(const std::string& id,
                              const v1::ListObjectionsRequest& r,
                              v1::ListObjectionsResponse* out) override {
    return target_->ListObjections(id, r, out);
  }
  grpc::Status PublishPublication(const std::string& id,
                                  const v1::PublishPublicationRequest& r,
                                  v1::Publication* out) override {
    return target_->PublishPublication(id, r, out);
  }
  grpc::Status ListEntries(const std::string& id,
                           const v1::ListEntriesRequest& r,
                           v1::ListEntriesResponse* out) override {
    return target_->ListEntries(id, r, out);
  }
  grpc::Status GetListEntry(const std::string& id,
                            const v1::GetListEntryRequest& r,
                            v1::PublicationEntry* out) override {
    return target_->GetListEntry(id, r, out);
  }
  grpc::Status ApplyRepair(const std::string& id,
                           const v1::ApplyRepairRequest& r,
                           v1::Repair* out) override {
    return target_->ApplyRepair(id, r, out);
  }
  grpc::Status DecideRepair(const std::string& id, const v1::DecideRepairRequest& r,
                            v1::Repair* out) override {
    return target_->DecideRepair(id, r, out);
  }
  grpc::Status ListRepairs(const std::string& id, const v1::ListRepairsRequest& r,
                           v1::ListRepairsResponse* out) override {
    return target_->ListRepairs(id, r, out);
  }

 private:
  ListClient* target_;
};

}  // namespace envcredit::admin::testing

#endif  // ENVCREDIT_TESTS_CLI_FAKE_LIST_CLIENT_H_
