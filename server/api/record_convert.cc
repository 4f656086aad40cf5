#include "server/api/record_convert.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "server/api/enterprise_convert.h"

namespace envcredit::api {
namespace {

std::string Path(absl::string_view prefix, absl::string_view name) {
  if (prefix.empty()) return std::string(name);
  return absl::StrCat(prefix, ".", name);
}

}  // namespace

bool ParseResourceId(absl::string_view text, int64_t* id) {
  // SimpleAtoi alone also takes a sign, surrounding white space and leading
  // zeros.
  if (text.empty() || text[0] == '0') return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(text, id) && *id >= 1;
}

absl::StatusOr<RecordKey> ParseRecordName(absl::string_view name,
                                          absl::string_view collection,
                                          absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  RecordKey key;
  if (parts.size() != 4 || parts[0] != "enterprises" ||
      parts[2] != collection || !ParseResourceId(parts[3], &key.id)) {
    return InvalidArgument(
        field, "INVALID_RESOURCE_NAME",
        absl::StrCat(field, ": must look like enterprises/{credit_code}/",
                     collection, "/{id}"));
  }
  ASSIGN_OR_RETURN(key.credit_code,
                   ParseEnterpriseName(absl::StrCat("enterprises/", parts[1]),
                                       field));
  return key;
}

absl::StatusOr<domain::Commitment> CommitmentFromProto(
    const v1::Commitment& proto, absl::string_view credit_code,
    absl::string_view field) {
  domain::Commitment c;
  c.credit_code = std::string(credit_code);
  c.kind = static_cast<domain::CommitmentKind>(proto.kind());
  c.signer = proto.signer();
  ASSIGN_OR_RETURN(c.signing_date,
                   DateFromProto(proto.signing_date(), Path(field, "signing_date")));
  c.is_public = proto.public_();
  for (int i = 0; i < proto.items_size(); ++i) {
    domain::CommitmentItem item;
    item.number = i + 1;
    item.description = proto.items(i).description();
    ASSIGN_OR_RETURN(item.due_date,
                     DateFromProto(proto.items(i).due_date(),
                                   Path(field, absl::StrCat("items[", i,
                                                            "].due_date"))));
    c.items.push_back(std::move(item));
  }
  return c;
}

v1::Commitment ToProto(const domain::Commitment& c) {
  v1::Commitment out;
  out.set_name(domain::RecordName(c.credit_code, domain::kCommitments, c.id));
  out.set_kind(static_cast<v1::CommitmentKind>(c.kind));
  out.set_signer(c.signer);
  *out.mutable_signing_date() = DateToProto(c.signing_date);
  out.set_public_(c.is_public);
  for (const domain::CommitmentItem& item : c.items) {
    v1::CommitmentItem* p = out.add_items();
    p->set_number(item.number);
    p->set_description(item.description);
    *p->mutable_due_date() = DateToProto(item.due_date);
    p->set_state(static_cast<v1::CommitmentItemState>(item.state));
    if (item.check_date) *p->mutable_check_date() = DateToProto(*item.check_date);
    p->set_check_note(item.check_note);
  }
  *out.mutable_create_time() = TimestampOf(c.create_time);
  *out.mutable_update_time() = TimestampOf(c.update_time);
  return out;
}

absl::StatusOr<domain::PenaltyDecision> DecisionFromProto(
    const v1::PenaltyDecision& proto, absl::string_view credit_code,
    absl::string_view field) {
  domain::PenaltyDecision d;
  d.credit_code = std::string(credit_code);
  d.authority = proto.authority();
  d.decision_number = proto.decision_number();
  d.violation_type = static_cast<domain::ViolationType>(proto.violation_type());
  ASSIGN_OR_RETURN(d.decision_date, DateFromProto(proto.decision_date(),
                                                  Path(field, "decision_date")));
  for (int m : proto.measures()) d.measures.push_back(static_cast<domain::Measure>(m));
  d.fine_amount_fen = proto.fine_amount_fen();
  d.tampering = proto.tampering_with_monitoring_data();
  d.recurrence = proto.recurrence();
  if (!proto.recurrence_of().empty()) {
    const std::string at = Path(field, "recurrence_of");
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(proto.recurrence_of(),
                                                    domain::kPenaltyDecisions,
                                                    at));
    if (key.credit_code != credit_code) {
      return InvalidArgument(
          at, "INVALID_RESOURCE_NAME",
          absl::StrCat(at, ": must name a decision of the same enterprise"));
    }
    d.recurrence_of_id = key.id;
  }
  return d;
}

v1::PenaltyDecision ToProto(const domain::PenaltyDecision& d) {
  v1::PenaltyDecision out;
  out.set_name(domain::RecordName(d.credit_code, domain::kPenaltyDecisions, d.id));
  out.set_authority(d.authority);
  out.set_decision_number(d.decision_number);
  out.set_violation_type(static_cast<v1::ViolationType>(d.violation_type));
  *out.mutable_decision_date() = DateToProto(d.decision_date);
  for (domain::Measure m : d.measures) {
    out.add_measures(static_cast<v1::Measure>(m));
  }
  out.set_fine_amount_fen(d.fine_amount_fen);
  out.set_tampering_with_monitoring_data(d.tampering);
  out.set_recurrence(d.recurrence);
  if (d.recurrence_of_id != 0) {
    out.set_recurrence_of(domain::RecordName(
        d.credit_code, domain::kPenaltyDecisions, d.recurrence_of_id));
  }
  out.set_state(static_cast<v1::PenaltyDecisionState>(d.state));
  if (d.rectified_date) *out.mutable_rectified_date() = DateToProto(*d.rectified_date);
  if (d.revocation) {
    v1::Revocation* r = out.mutable_revocation();
    *r->mutable_date() = DateToProto(d.revocation->date);
    r->set_reason(static_cast<v1::RevocationReason>(d.revocation->reason));
    r->set_note(d.revocation->note);
  }
  *out.mutable_create_time() = TimestampOf(d.create_time);
  *out.mutable_update_time() = TimestampOf(d.update_time);
  return out;
}

absl::StatusOr<domain::Revocation> RevocationFromProto(
    const v1::Revocation& proto, absl::string_view field) {
  domain::Revocation r;
  ASSIGN_OR_RETURN(r.date, DateFromProto(proto.date(), Path(field, "date")));
  r.reason = static_cast<domain::RevocationReason>(proto.reason());
  r.note = proto.note();
  return r;
}

absl::StatusOr<domain::Complaint> ComplaintFromProto(
    const v1::Complaint& proto, absl::string_view credit_code,
    absl::string_view field) {
  domain::Complaint c;
  c.credit_code = std::string(credit_code);
  ASSIGN_OR_RETURN(c.received_date, DateFromProto(proto.received_date(),
                                                  Path(field, "received_date")));
  c.channel = static_cast<domain::ComplaintChannel>(proto.channel());
  c.case_number = proto.case_number();
  c.substantiated = proto.substantiated();
  c.summary = proto.summary();
  for (int i = 0; i < proto.decisions_size(); ++i) {
    const std::string at = Path(field, absl::StrCat("decisions[", i, "]"));
    ASSIGN_OR_RETURN(RecordKey key, ParseRecordName(proto.decisions(i),
                                                    domain::kPenaltyDecisions,
                                                    at));
    if (key.credit_code != credit_code) {
      return InvalidArgument(
          at, "INVALID_RESOURCE_NAME",
          absl::StrCat(at, ": must name a decision of the same enterprise"));
    }
    c.decisions.push_back(domain::DecisionLink{key.id, "", ""});
  }
  for (int i = 0; i < proto.decision_references_size(); ++i) {
    const auto& ref = proto.decision_references(i);
    const std::string at = Path(field, absl::StrCat("decision_references[", i, "]"));
    if (ref.authority().empty() || ref.decision_number().empty()) {
      return InvalidArgument(at, "INVALID_DECISION_REFERENCE",
                             "a decision reference needs authority and decision_number");
    }
    RETURN_IF_ERROR(CheckIdentifierText(Path(at, "authority"), ref.authority(), 1,
                                        domain::kMaxAuthorityChars));
    RETURN_IF_ERROR(CheckIdentifierText(Path(at, "decision_number"),
                                        ref.decision_number(), 1,
                                        domain::kMaxDecisionNumberChars));
    c.decisions.push_back(
        domain::DecisionLink{0, ref.authority(), ref.decision_number()});
  }
  return c;
}

v1::Complaint ToProto(const domain::Complaint& c) {
  v1::Complaint out;
  out.set_name(domain::RecordName(c.credit_code, domain::kComplaints, c.id));
  *out.mutable_received_date() = DateToProto(c.received_date);
  out.set_channel(static_cast<v1::ComplaintChannel>(c.channel));
  out.set_case_number(c.case_number);
  out.set_substantiated(c.substantiated);
  for (const domain::DecisionLink& link : c.decisions) {
    out.add_decisions(
        domain::RecordName(c.credit_code, domain::kPenaltyDecisions, link.id));
    v1::PenaltyDecisionReference* ref = out.add_decision_references();
    ref->set_authority(link.authority);
    ref->set_decision_number(link.decision_number);
  }
  out.set_summary(c.summary);
  *out.mutable_create_time() = TimestampOf(c.create_time);
  return out;
}

absl::StatusOr<domain::Incident> IncidentFromProto(const v1::Incident& proto,
                                                   absl::string_view credit_code,
                                                   absl::string_view field) {
  domain::Incident i;
  i.credit_code = std::string(credit_code);
  ASSIGN_OR_RETURN(i.date, DateFromProto(proto.date(), Path(field, "date")));
  i.grade = static_cast<domain::IncidentGrade>(proto.grade());
  i.description = proto.description();
  return i;
}

v1::Incident ToProto(const domain::Incident& i) {
  v1::Incident out;
  out.set_name(domain::RecordName(i.credit_code, domain::kIncidents, i.id));
  *out.mutable_date() = DateToProto(i.date);
  out.set_grade(static_cast<v1::IncidentGrade>(i.grade));
  out.set_description(i.description);
  *out.mutable_create_time() = TimestampOf(i.create_time);
  return out;
}

v1::AuditEntry ToProto(const domain::AuditEntry& e) {
  v1::AuditEntry out;
  out.set_id(e.id);
  *out.mutable_time() = TimestampOf(e.time);
  out.set_actor(e.actor);
  out.set_method(e.method);
  out.set_resource(e.resource);
  out.set_request_id(e.request_id);
  out.set_outcome(e.outcome);
  out.set_reason(e.reason);
  out.set_field(e.field);
  return out;
}

}  // namespace envcredit::api
