#include "admin-cli/output/list_output.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/output/output.h"
#include "admin-cli/output/record_output.h"
#include "admin-cli/publication/publication_html.h"
#include "google/protobuf/struct.pb.h"

namespace envcredit::admin {
namespace {

using v1::Publication;
using v1::PublicationEntry;

std::string ObjectionStateName(int state) {
  std::string name = EnumName(v1::ObjectionState_descriptor(), state);
  absl::string_view view = name;
  absl::ConsumePrefix(&view, "OBJECTION_");
  return std::string(view);
}

// "black (黑榜 Black list)".
std::string ListLabel(int list) {
  const std::string slug = ListSlug(list);
  if (slug.empty()) return absl::StrCat(list);
  return absl::StrCat(slug, " (", ListTitleZh(list), " ", ListTitleEn(list),
                      ")");
}

// The decision numbers of an entry ("苏环罚〔2024〕12号, ..."), or its level
// and points when it has no reasons (honour list).
std::string ReasonRefs(const PublicationEntry& e) {
  std::vector<std::string> refs;
  for (const v1::ListReason& r : e.reasons()) {
    refs.push_back(r.reference().empty() ? r.kind() : r.reference());
  }
  if (refs.empty())
    return absl::StrCat(RatingLevelName(e.level()), " ", e.points());
  return absl::StrJoin(refs, ", ");
}

std::string FullReasons(const PublicationEntry& e) {
  std::vector<std::string> reasons;
  for (const v1::ListReason& r : e.reasons()) reasons.push_back(ReasonText(r));
  return absl::StrJoin(reasons, "; ");
}

std::string NoticePeriod(const Publication& p) {
  const std::string start = FormatDate(p.notice_start_date());
  const std::string end = FormatDate(p.notice_end_date());
  if (start.empty() && end.empty()) return "";
  return absl::StrCat(start, " .. ", end);
}

Fields SummaryFields(const Publication& p) {
  return {
      {"name", p.name()},
      {"list", ListLabel(p.list())},
      {"state", PublicationStateName(p.state())},
      {"number", p.number() > 0 ? absl::StrCat(p.number()) : ""},
      {"as_of", FormatDate(p.as_of())},
      {"entries", absl::StrCat(p.entry_count())},
      {"added", absl::StrCat(p.added_count())},
      {"unchanged", absl::StrCat(p.unchanged_count())},
      {"removed", absl::StrCat(p.removed_count())},
      {"notice_period", NoticePeriod(p)},
      {"create_time", FormatUtcTime(p.create_time())},
      {"publish_time", FormatUtcTime(p.publish_time())},
      {"policy", p.policy_id().empty()
                     ? ""
                     : absl::StrCat(p.policy_id(), "@", p.policy_version())},
      {"content_sha256", p.content_sha256()},
      {"previous_content_sha256", p.previous_content_sha256()},
      {"previous_publication", p.previous_publication()},
  };
}

// FIELD/VALUE lines of the non-empty fields.
std::string SummaryTable(const Publication& p) {
  Table table{{"FIELD", "VALUE"}, {}};
  for (const auto& [key, value] : SummaryFields(p)) {
    if (!value.empty()) table.rows.push_back({key, value});
  }
  return RenderTable(table);
}

Table EntriesTableOf(const std::vector<const PublicationEntry*>& entries,
                     bool csv) {
  Table table;
  if (csv) {
    table.header = {"credit_code", "enterprise_name", "legal_representative",
                    "region_code", "level",           "points",
                    "reasons",     "listing_date",    "earliest_repair_date",
                    "expiry_date", "change"};
    for (const PublicationEntry* e : entries) {
      table.rows.push_back(
          {e->credit_code(), e->enterprise_name(), e->legal_representative(),
           e->region_code(), RatingLevelName(e->level()),
           absl::StrCat(e->points()), FullReasons(*e),
           FormatDate(e->listing_date()), FormatDate(e->earliest_repair_date()),
           FormatDate(e->expiry_date()), ChangeName(e->change())});
    }
    return table;
  }
  table.header = {"CREDIT_CODE", "ENTERPRISE", "LEGAL_REP",   "LEVEL",
                  "POINTS",      "LISTED",     "REPAIR_FROM", "EXPIRES",
                  "CHANGE",      "REASONS"};
  for (const PublicationEntry* e : entries) {
    table.rows.push_back(
        {e->credit_code(), e->enterprise_name(), e->legal_representative(),
         RatingLevelName(e->level()), absl::StrCat(e->points()),
         FormatDate(e->listing_date()), FormatDate(e->earliest_repair_date()),
         FormatDate(e->expiry_date()), ChangeName(e->change()),
         ReasonRefs(*e)});
  }
  return table;
}

std::vector<const PublicationEntry*> AllEntries(
    const google::protobuf::RepeatedPtrField<PublicationEntry>& entries) {
  std::vector<const PublicationEntry*> out;
  for (const PublicationEntry& e : entries) out.push_back(&e);
  return out;
}

Table RemovalsTable(const Publication& p) {
  Table table{{"CREDIT_CODE", "ENTERPRISE", "REASON", "DETAIL"}, {}};
  for (const v1::Removal& r : p.removals()) {
    table.rows.push_back({r.credit_code(), r.enterprise_name(),
                          RemovalName(r.reason()), r.detail()});
  }
  return table;
}

// The difference rows: ADDED (and UNCHANGED with `all`) entries, then the
// removals, in the server's (credit-code) order.
Table DiffTable(const Publication& p, bool all, bool csv) {
  Table table;
  table.header = csv ? std::vector<std::string>{"change", "credit_code",
                                                "enterprise_name", "detail"}
                     : std::vector<std::string>{"CHANGE", "CREDIT_CODE",
                                                "ENTERPRISE", "DETAIL"};
  for (int pass = 0; pass < 2; ++pass) {
    const int wanted = pass == 0 ? v1::ENTRY_ADDED : v1::ENTRY_UNCHANGED;
    if (pass == 1 && !all) break;
    for (const PublicationEntry& e : p.entries()) {
      if (e.change() != wanted) continue;
      table.rows.push_back({ChangeName(e.change()), e.credit_code(),
                            e.enterprise_name(),
                            csv ? FullReasons(e) : ReasonRefs(e)});
    }
  }
  for (const v1::Removal& r : p.removals()) {
    std::string detail = RemovalName(r.reason());
    if (!r.detail().empty()) absl::StrAppend(&detail, ": ", r.detail());
    table.rows.push_back(
        {"REMOVED", r.credit_code(), r.enterprise_name(), detail});
  }
  return table;
}

Fields ObjectionFields(const v1::Objection& o) {
  return {{"name", o.name()},
          {"credit_code", o.credit_code()},
          {"state", ObjectionStateName(o.state())},
          {"statement", o.statement()},
          {"decision_reason", o.decision_reason()},
          {"file_time", FormatUtcTime(o.file_time())},
          {"decide_time", FormatUtcTime(o.decide_time())},
          {"evidence", absl::StrJoin(o.evidence(), "; ")}};
}

std::string RepairStateName(int state) {
  std::string name = EnumName(v1::RepairState_descriptor(), state);
  absl::string_view view = name;
  absl::ConsumePrefix(&view, "REPAIR_");
  return std::string(view);
}

Fields RepairFields(const v1::Repair& r) {
  return {{"name", r.name()},
          {"credit_code", r.credit_code()},
          {"state", RepairStateName(r.state())},
          {"applicant", r.applicant()},
          {"apply_time", FormatUtcTime(r.apply_time())},
          {"decide_time", FormatUtcTime(r.decide_time())},
          {"decision_reason", r.decision_reason()},
          {"grant_time", FormatUtcTime(r.grant_time())},
          {"listing_date", FormatDate(r.listing_date())},
          {"rectification_date", FormatDate(r.evidence().rectification_date())},
          {"penalty_performed", r.evidence().penalty_performed() ? "true" : "false"},
          {"commitment", r.evidence().commitment()},
          {"note", r.evidence().note()}};
}

// A JSON string literal (the proto3 JSON printer's escaping of a string).
std::string JsonQuote(const std::string& text) {
  google::protobuf::Value value;
  value.set_string_value(text);
  return MessageJson(value, false);
}

}  // namespace

std::string PublicationStateName(int state) {
  std::string name = EnumName(v1::PublicationState_descriptor(), state);
  absl::string_view view = name;
  absl::ConsumePrefix(&view, "PUBLICATION_");
  return std::string(view);
}

// A publication with its difference (propose) or its entries (show).
std::string RenderPublication(const Publication& p, OutputFormat format,
                              bool diff, bool all) {
  switch (format) {
    case OutputFormat::kJson:
      return MessageJson(p, /*pretty=*/true) + "\n";
    case OutputFormat::kCsv:
      return RenderCsv(diff ? DiffTable(p, all, true)
                            : EntriesTableOf(AllEntries(p.entries()), true));
    case OutputFormat::kTable:
      break;
  }
  std::string out = SummaryTable(p);
  if (diff) {
    const Table rows = DiffTable(p, all, false);
    absl::StrAppend(&out, "\n",
                    rows.rows.empty() ? "no changes\n" : RenderTable(rows));
    return out;
  }
  absl::StrAppend(&out, "\n",
                  p.entries().empty() ? "no entries\n"
                                      : RenderTable(EntriesTableOf(
                                            AllEntries(p.entries()), false)));
  if (!p.removals().empty()) {
    absl::StrAppend(&out, "\nremovals:\n", RenderTable(RemovalsTable(p)));
  }
  return out;
}

std::string RenderPublicationSummary(const Publication& p,
                                     OutputFormat format) {
  return format == OutputFormat::kTable
             ? SummaryTable(p)
             : RenderRecord(SummaryFields(p), format);
}

std::string RenderDiff(const Publication& p, OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson: {
      std::vector<std::string> added, removed;
      for (const PublicationEntry& e : p.entries()) {
        if (e.change() == v1::ENTRY_ADDED) {
          added.push_back(MessageJson(e, false));
        }
      }
      for (const v1::Removal& r : p.removals()) {
        removed.push_back(MessageJson(r, false));
      }
      const auto array = [](const std::vector<std::string>& items) {
        if (items.empty()) return std::string("[]");
        return absl::StrCat("[\n    ", absl::StrJoin(items, ",\n    "),
                            "\n  ]");
      };
      return absl::StrCat(
          "{\n  \"name\": ", JsonQuote(p.name()),
          ",\n  \"previous_publication\": ", JsonQuote(p.previous_publication()),
          ",\n  \"added\": ", array(added),
          ",\n  \"removed\": ", array(removed), "\n}\n");
    }
    case OutputFormat::kCsv:
      return RenderCsv(DiffTable(p, false, true));
    case OutputFormat::kTable:
      break;
  }
  std::string out = p.name();
  if (p.number() > 0) {
    absl::StrAppend(&out, " (", ListSlug(p.list()), " ", p.number(), ")");
  }
  absl::StrAppend(&out, " against ",
                  p.previous_publication().empty() ? "no earlier publication"
                                                   : p.previous_publication(),
                  ": ", p.added_count(), " added, ", p.removed_count(),
                  " removed, ", p.unchanged_count(), " unchanged\n");
  const Table rows = DiffTable(p, false, false);
  if (!rows.rows.empty()) out += RenderTable(rows);
  return out;
}

std::string RenderRepairs(const std::vector<v1::Repair>& repairs, OutputFormat format,
                          bool single) {
  return RenderMessages(repairs, format, single, RepairFields,
                        {{"NAME", "name"},
                         {"STATE", "state"},
                         {"APPLICANT", "applicant"},
                         {"APPLIED", "apply_time"},
                         {"DECIDED", "decide_time"},
                         {"REASON", "decision_reason"}});
}

std::string RenderObjection(const v1::Objection& o, OutputFormat format) {
  if (format == OutputFormat::kJson) return MessageJson(o, true) + "\n";
  return RenderRecord(ObjectionFields(o), format);
}

std::string RenderObjections(const std::vector<v1::Objection>& objections,
                             const std::string& publication,
                             OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson: {
      std::vector<const google::protobuf::Message*> messages;
      for (const v1::Objection& o : objections) messages.push_back(&o);
      return MessageJsonArray(messages);
    }
    case OutputFormat::kCsv: {
      Table table{{"name", "credit_code", "state", "statement",
                   "decision_reason", "file_time", "decide_time", "evidence"},
                  {}};
      for (const v1::Objection& o : objections) {
        std::vector<std::string> row;
        for (auto& [k, v] : ObjectionFields(o)) row.push_back(v);
        table.rows.push_back(std::move(row));
      }
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  if (objections.empty())
    return absl::StrCat("no objections to ", publication, "\n");
  Table table{{"NAME", "CREDIT_CODE", "STATE", "FILED", "DECIDED", "STATEMENT",
               "DECISION_REASON"},
              {}};
  for (const v1::Objection& o : objections) {
    table.rows.push_back(
        {o.name(), o.credit_code(), ObjectionStateName(o.state()),
         FormatUtcTime(o.file_time()), FormatUtcTime(o.decide_time()),
         o.statement(), o.decision_reason()});
  }
  return RenderTable(table);
}

std::string RenderEntries(const v1::ListEntriesResponse& entries,
                          OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson:
      return MessageJson(entries, true) + "\n";
    case OutputFormat::kCsv:
      return RenderCsv(EntriesTableOf(AllEntries(entries.entries()), true));
    case OutputFormat::kTable:
      break;
  }
  if (entries.entries().empty()) return "no entries\n";
  return RenderTable(EntriesTableOf(AllEntries(entries.entries()), false));
}

std::string RenderEntry(const PublicationEntry& entry, OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson:
      return MessageJson(entry, true) + "\n";
    case OutputFormat::kCsv:
      return RenderCsv(EntriesTableOf({&entry}, true));
    case OutputFormat::kTable:
      break;
  }
  return RenderTable(EntriesTableOf({&entry}, false));
}

}  // namespace envcredit::admin
