#include "admin-cli/output/record_output.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/output/output.h"
#include "google/protobuf/util/json_util.h"

namespace envcredit::admin {
namespace {

std::string Bool(bool b) { return b ? "true" : "false"; }

std::string MeasureList(const v1::PenaltyDecision& d) {
  std::vector<std::string> names;
  for (const int m : d.measures()) {
    names.push_back(EnumName(v1::Measure_descriptor(), m));
  }
  return absl::StrJoin(names, ";");
}

Fields DecisionFields(const v1::PenaltyDecision& d) {
  return {
      {"credit_code", CreditCodeOfName(d.name())},
      {"authority", d.authority()},
      {"decision_number", d.decision_number()},
      {"violation_type",
       EnumName(v1::ViolationType_descriptor(), d.violation_type())},
      {"decision_date", FormatDate(d.decision_date())},
      {"measures", MeasureList(d)},
      {"fine_yuan",
       d.fine_amount_fen() == 0 ? "" : FenAsYuan(d.fine_amount_fen())},
      {"tampering", Bool(d.tampering_with_monitoring_data())},
      {"recurrence_of", d.recurrence_of()},
      {"name", d.name()},
      {"recurrence", Bool(d.recurrence())},
      {"fine_fen", absl::StrCat(d.fine_amount_fen())},
      {"state", EnumName(v1::PenaltyDecisionState_descriptor(), d.state())},
      {"rectified_date", FormatDate(d.rectified_date())},
      {"revocation_date", FormatDate(d.revocation().date())},
      {"revocation_reason",
       EnumName(v1::RevocationReason_descriptor(), d.revocation().reason())},
      {"revocation_note", d.revocation().note()},
      {"create_time", FormatTimestamp(d.create_time())},
      {"update_time", FormatTimestamp(d.update_time())},
  };
}

std::string ItemsText(const v1::Commitment& c) {
  std::vector<std::string> items;
  for (const auto& item : c.items()) {
    std::string s = absl::StrCat(
        item.number(), ". ", item.description(), " (due ",
        FormatDate(item.due_date()), ", ",
        EnumName(v1::CommitmentItemState_descriptor(), item.state()));
    if (item.check_date().year() != 0) {
      absl::StrAppend(&s, " ", FormatDate(item.check_date()));
    }
    if (!item.check_note().empty())
      absl::StrAppend(&s, ": ", item.check_note());
    s += ")";
    items.push_back(std::move(s));
  }
  return absl::StrJoin(items, "; ");
}

Fields CommitmentFields(const v1::Commitment& c) {
  int kept = 0, broken = 0, pending = 0;
  for (const auto& item : c.items()) {
    if (item.state() == v1::KEPT)
      ++kept;
    else if (item.state() == v1::BROKEN)
      ++broken;
    else
      ++pending;
  }
  return {
      {"name", c.name()},
      {"credit_code", CreditCodeOfName(c.name())},
      {"kind", EnumName(v1::CommitmentKind_descriptor(), c.kind())},
      {"signer", c.signer()},
      {"signing_date", FormatDate(c.signing_date())},
      {"public", Bool(c.public_())},
      {"items_pending", absl::StrCat(pending)},
      {"items_kept", absl::StrCat(kept)},
      {"items_broken", absl::StrCat(broken)},
      {"items", ItemsText(c)},
      {"create_time", FormatTimestamp(c.create_time())},
      {"update_time", FormatTimestamp(c.update_time())},
  };
}

std::string DecisionRefs(const v1::Complaint& c) {
  std::vector<std::string> refs;
  for (const auto& r : c.decision_references()) {
    refs.push_back(absl::StrCat(r.authority(), "：", r.decision_number()));
  }
  return absl::StrJoin(refs, ";");
}

Fields ComplaintFields(const v1::Complaint& c) {
  return {
      {"credit_code", CreditCodeOfName(c.name())},
      {"case_number", c.case_number()},
      {"received_date", FormatDate(c.received_date())},
      {"channel", EnumName(v1::ComplaintChannel_descriptor(), c.channel())},
      {"substantiated", Bool(c.substantiated())},
      {"summary", c.summary()},
      {"decisions", DecisionRefs(c)},
      {"name", c.name()},
      {"decision_names", absl::StrJoin(c.decisions(), ";")},
      {"create_time", FormatTimestamp(c.create_time())},
  };
}

Fields IncidentFields(const v1::Incident& i) {
  return {
      {"credit_code", CreditCodeOfName(i.name())},
      {"date", FormatDate(i.date())},
      {"grade", EnumName(v1::IncidentGrade_descriptor(), i.grade())},
      {"description", i.description()},
      {"name", i.name()},
      {"create_time", FormatTimestamp(i.create_time())},
  };
}

Fields AuditFields(const v1::AuditEntry& e) {
  return {
      {"id", absl::StrCat(e.id())}, {"time", FormatTimestamp(e.time())},
      {"actor", e.actor()},         {"method", e.method()},
      {"resource", e.resource()},   {"request_id", e.request_id()},
      {"outcome", e.outcome()},     {"reason", e.reason()},
      {"field", e.field()},
  };
}

}  // namespace

std::string CreditCodeOfName(const std::string& name) {
  absl::string_view n = name;
  if (!absl::ConsumePrefix(&n, "enterprises/")) return "";
  return std::string(n.substr(0, n.find('/')));
}

std::string MessageJsonArray(
    const std::vector<const google::protobuf::Message*>& list) {
  if (list.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t k = 0; k < list.size(); ++k) {
    absl::StrAppend(&out, "  ", MessageJson(*list[k], false),
                    k + 1 < list.size() ? ",\n" : "\n");
  }
  return out + "]\n";
}

std::string MessageJson(const google::protobuf::Message& message, bool pretty) {
  return ProtoJson(message, pretty);
}

std::string RenderDecisions(const std::vector<v1::PenaltyDecision>& list,
                            OutputFormat format, bool single) {
  return RenderMessages(list, format, single, DecisionFields,
                        {{"NAME", "name"},
                         {"DECISION_NUMBER", "decision_number"},
                         {"AUTHORITY", "authority"},
                         {"DATE", "decision_date"},
                         {"VIOLATION", "violation_type"},
                         {"MEASURES", "measures"},
                         {"FINE_YUAN", "fine_yuan"},
                         {"STATE", "state"}});
}

std::string RenderCommitments(const std::vector<v1::Commitment>& list,
                              OutputFormat format, bool single) {
  return RenderMessages(list, format, single, CommitmentFields,
                        {{"NAME", "name"},
                         {"KIND", "kind"},
                         {"SIGNER", "signer"},
                         {"SIGNED", "signing_date"},
                         {"PUBLIC", "public"},
                         {"PENDING", "items_pending"},
                         {"KEPT", "items_kept"},
                         {"BROKEN", "items_broken"}});
}

std::string RenderComplaints(const std::vector<v1::Complaint>& list,
                             OutputFormat format, bool single) {
  return RenderMessages(list, format, single, ComplaintFields,
                        {{"NAME", "name"},
                         {"CASE_NUMBER", "case_number"},
                         {"RECEIVED", "received_date"},
                         {"CHANNEL", "channel"},
                         {"SUBSTANTIATED", "substantiated"},
                         {"DECISIONS", "decisions"}});
}

std::string RenderIncidents(const std::vector<v1::Incident>& list,
                            OutputFormat format, bool single) {
  return RenderMessages(list, format, single, IncidentFields,
                        {{"NAME", "name"},
                         {"DATE", "date"},
                         {"GRADE", "grade"},
                         {"DESCRIPTION", "description"}});
}

std::string RenderAuditEntries(const std::vector<v1::AuditEntry>& list,
                               OutputFormat format) {
  return RenderMessages(list, format, /*single=*/false, AuditFields,
                        {{"ID", "id"},
                         {"TIME", "time"},
                         {"ACTOR", "actor"},
                         {"METHOD", "method"},
                         {"RESOURCE", "resource"},
                         {"OUTCOME", "outcome"},
                         {"REASON", "reason"}});
}

}  // namespace envcredit::admin
