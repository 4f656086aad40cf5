#include "server/api/list_convert.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "server/api/proto_values.h"
#include "server/api/record_convert.h"
#include "server/domain/uscc.h"

namespace envcredit::api {
namespace {

absl::Status BadName(absl::string_view field, absl::string_view shape) {
  return InvalidArgument(field, "INVALID_RESOURCE_NAME",
                         absl::StrCat(field, " must be ", shape));
}

}  // namespace

absl::StatusOr<PublicationKey> ParsePublicationName(absl::string_view name,
                                                    absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  PublicationKey key;
  if (parts.size() != 4 || parts[0] != "lists" || parts[2] != "publications" ||
      (key.list = domain::ListKindOfSlug(parts[1])) ==
          domain::ListKind::kUnspecified ||
      !ParseResourceId(parts[3], &key.id)) {
    return BadName(field, "lists/{honor|black}/publications/{id}");
  }
  return key;
}

absl::StatusOr<std::pair<PublicationKey, int64_t>> ParseObjectionName(
    absl::string_view name, absl::string_view field) {
  const size_t at = name.find("/objections/");
  int64_t id = 0;
  if (at == absl::string_view::npos ||
      !ParseResourceId(name.substr(at + 12), &id)) {
    return BadName(field, "lists/{honor|black}/publications/{id}/objections/{id}");
  }
  absl::StatusOr<PublicationKey> parent = ParsePublicationName(name.substr(0, at), field);
  if (!parent.ok()) {
    return BadName(field, "lists/{honor|black}/publications/{id}/objections/{id}");
  }
  return std::make_pair(*parent, id);
}

absl::StatusOr<domain::ListKind> ListKindFromProto(int value, absl::string_view field) {
  if (value != v1::HONOR_LIST && value != v1::BLACK_LIST) {
    return InvalidArgument(field, "INVALID_ENUM",
                           absl::StrCat(field, ": HONOR_LIST or BLACK_LIST, not ", value));
  }
  return static_cast<domain::ListKind>(value);
}

absl::StatusOr<domain::ListKind> ListOfRequest(absl::string_view parent, int list) {
  if (parent.empty()) return ListKindFromProto(list, "list");
  std::vector<absl::string_view> parts = absl::StrSplit(parent, '/');
  domain::ListKind from_parent = domain::ListKind::kUnspecified;
  if (parts.size() != 2 || parts[0] != "lists" ||
      (from_parent = domain::ListKindOfSlug(parts[1])) == domain::ListKind::kUnspecified) {
    return BadName("parent", "lists/honor or lists/black");
  }
  if (list == v1::LIST_KIND_UNSPECIFIED) return from_parent;
  ASSIGN_OR_RETURN(domain::ListKind from_list, ListKindFromProto(list, "list"));
  if (from_list != from_parent) {
    return InvalidArgument(
        "parent", "CONFLICTING_PARENT",
        absl::StrCat("parent: ", parent, " is not the list ",
                     v1::ListKind_Name(static_cast<v1::ListKind>(list)),
                     " (give one of parent and list, or both agreeing)"));
  }
  return from_parent;
}

absl::StatusOr<ListEntryKey> ParseListEntryName(absl::string_view name,
                                                absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  ListEntryKey key;
  if (parts.size() != 4 || parts[0] != "lists" || parts[2] != "entries" ||
      (key.list = domain::ListKindOfSlug(parts[1])) == domain::ListKind::kUnspecified) {
    return BadName(field, "lists/{honor|black}/entries/{credit_code}");
  }
  RETURN_IF_ERROR(domain::ValidateUscc(parts[3], field));
  key.credit_code = std::string(parts[3]);
  return key;
}

absl::StatusOr<std::string> ParseBlackEntryName(absl::string_view name,
                                                absl::string_view field) {
  ASSIGN_OR_RETURN(ListEntryKey key, ParseListEntryName(name, field));
  if (key.list != domain::ListKind::kBlackList) {
    return BadName(field, "lists/black/entries/{credit_code} (only black-list entries are "
                          "repaired)");
  }
  return key.credit_code;
}

absl::StatusOr<RepairKey> ParseRepairName(absl::string_view name, absl::string_view field) {
  constexpr absl::string_view kShape = "lists/black/entries/{credit_code}/repairs/{id}";
  const size_t slash = name.rfind("/repairs/");
  if (slash == absl::string_view::npos) return BadName(field, kShape);
  RepairKey key;
  if (!ParseResourceId(name.substr(slash + 9), &key.id)) return BadName(field, kShape);
  ASSIGN_OR_RETURN(key.credit_code, ParseBlackEntryName(name.substr(0, slash), field));
  return key;
}

v1::PublicationEntry CurrentEntryToProto(const domain::ListEntry& entry,
                                         domain::ListKind list,
                                         int64_t publication_id) {
  v1::PublicationEntry out = ToProto(entry);
  out.set_name(domain::ListEntryName(list, entry.credit_code));
  out.set_publication(domain::PublicationName(list, publication_id));
  return out;
}

v1::PublicationEntry ToProto(const domain::ListEntry& e) {
  v1::PublicationEntry out;
  out.set_credit_code(e.credit_code);
  out.set_enterprise_name(e.enterprise_name);
  out.set_legal_representative(e.legal_representative);
  out.set_region_code(e.region_code);
  out.set_level(static_cast<v1::RatingLevel>(static_cast<int>(e.level)));
  out.set_points(e.points);
  for (const domain::ListReason& r : e.reasons) {
    v1::ListReason* reason = out.add_reasons();
    reason->set_kind(r.kind);
    reason->set_reference(r.reference);
    reason->set_authority(r.authority);
    *reason->mutable_date() = DateToProto(r.date);
    reason->set_description(r.description);
    reason->set_points(r.points);
  }
  *out.mutable_listing_date() = DateToProto(e.listing_date);
  if (e.earliest_repair_date) {
    *out.mutable_earliest_repair_date() = DateToProto(*e.earliest_repair_date);
  }
  if (e.expiry_date) *out.mutable_expiry_date() = DateToProto(*e.expiry_date);
  out.set_change(static_cast<v1::EntryChange>(static_cast<int>(e.change)));
  out.set_notice_text(e.notice_text);
  return out;
}

v1::Removal ToProto(const domain::Removal& r) {
  v1::Removal out;
  out.set_credit_code(r.credit_code);
  out.set_enterprise_name(r.enterprise_name);
  out.set_reason(static_cast<v1::RemovalReason>(static_cast<int>(r.reason)));
  out.set_detail(r.detail);
  return out;
}

v1::Publication ToProto(const domain::Publication& p, bool full, bool with_rows) {
  v1::Publication out;
  out.set_name(domain::PublicationName(p.list, p.id));
  out.set_list(static_cast<v1::ListKind>(static_cast<int>(p.list)));
  out.set_state(static_cast<v1::PublicationState>(static_cast<int>(p.state)));
  *out.mutable_as_of() = DateToProto(p.as_of);
  out.set_number(p.number);
  out.set_entry_count(p.entry_count);
  out.set_added_count(p.added_count);
  out.set_unchanged_count(p.unchanged_count);
  out.set_removed_count(p.removed_count);
  if (p.notice_start) *out.mutable_notice_start_date() = DateToProto(*p.notice_start);
  if (p.notice_end) *out.mutable_notice_end_date() = DateToProto(*p.notice_end);
  *out.mutable_create_time() = TimestampOf(p.create_time);
  if (p.publish_time) *out.mutable_publish_time() = TimestampOf(*p.publish_time);
  out.set_content_sha256(p.content_sha256);
  out.set_previous_content_sha256(p.previous_content_sha256);
  out.set_policy_id(p.policy_id);
  out.set_policy_version(p.policy_version);
  if (p.previous_id != 0) {
    out.set_previous_publication(domain::PublicationName(p.list, p.previous_id));
  }
  if (full && with_rows) {
    for (const domain::ListEntry& e : p.entries) *out.add_entries() = ToProto(e);
    for (const domain::Removal& r : p.removals) *out.add_removals() = ToProto(r);
  }
  if (full) {
    if (p.state == domain::PublicationState::kPublished) {
      out.set_canonical_content(domain::CanonicalContent(p.Header(), p.entries, p.removals));
    }
  }
  return out;
}

v1::Objection ToProto(const domain::Objection& o) {
  v1::Objection out;
  out.set_name(absl::StrCat(domain::PublicationName(o.list, o.publication_id),
                            "/objections/", o.id));
  out.set_credit_code(o.credit_code);
  out.set_statement(o.statement);
  out.set_state(static_cast<v1::ObjectionState>(static_cast<int>(o.state)));
  out.set_decision_reason(o.decision_reason);
  *out.mutable_file_time() = TimestampOf(o.file_time);
  if (o.decide_time) *out.mutable_decide_time() = TimestampOf(*o.decide_time);
  for (const std::string& reference : o.evidence) out.add_evidence(reference);
  return out;
}

v1::Repair ToProto(const domain::Repair& r) {
  v1::Repair out;
  out.set_name(domain::RepairName(r.credit_code, r.id));
  out.set_credit_code(r.credit_code);
  out.set_state(static_cast<v1::RepairState>(static_cast<int>(r.state)));
  v1::RepairEvidence* evidence = out.mutable_evidence();
  if (r.evidence.rectification_date) {
    *evidence->mutable_rectification_date() = DateToProto(*r.evidence.rectification_date);
  }
  evidence->set_penalty_performed(r.evidence.penalty_performed);
  evidence->set_commitment(r.evidence.commitment);
  evidence->set_note(r.evidence.note);
  if (r.grant_time) *out.mutable_grant_time() = TimestampOf(*r.grant_time);
  *out.mutable_listing_date() = DateToProto(r.listing_date);
  *out.mutable_apply_time() = TimestampOf(r.apply_time);
  if (r.decide_time) *out.mutable_decide_time() = TimestampOf(*r.decide_time);
  out.set_decision_reason(r.decision_reason);
  out.set_applicant(r.applicant);
  return out;
}

}  // namespace envcredit::api
