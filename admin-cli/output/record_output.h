// How envcredit-admin prints records (commitments, penalty decisions,
// complaints, incidents, audit entries) in the three --output formats, as
// output.h does for enterprises:
//   table  one resource: FIELD/VALUE lines; a list: the main columns;
//   json   the proto3 JSON mapping, an object for one resource, an array
//          for a list;
//   csv    every field, a header line, CRLF; for decisions, complaints and
//          incidents the first columns are the import format
//          (doc/import.md), so a listing can be edited and imported again.
#ifndef ENVCREDIT_ADMIN_CLI_OUTPUT_RECORD_OUTPUT_H_
#define ENVCREDIT_ADMIN_CLI_OUTPUT_RECORD_OUTPUT_H_

#include <string>
#include <utility>
#include <vector>

#include "admin-cli/args.h"
#include "admin-cli/output/output.h"
#include "envcredit/v1/audit.pb.h"
#include "envcredit/v1/records.pb.h"
#include "google/protobuf/message.h"

namespace envcredit::admin {

// The credit code in a resource name "enterprises/{code}/..."; "" if none.
std::string CreditCodeOfName(const std::string& name);

std::string RenderDecisions(
    const std::vector<envcredit::v1::PenaltyDecision>& list,
    OutputFormat format, bool single);
std::string RenderCommitments(
    const std::vector<envcredit::v1::Commitment>& list, OutputFormat format,
    bool single);
std::string RenderComplaints(const std::vector<envcredit::v1::Complaint>& list,
                             OutputFormat format, bool single);
std::string RenderIncidents(const std::vector<envcredit::v1::Incident>& list,
                            OutputFormat format, bool single);
std::string RenderAuditEntries(
    const std::vector<envcredit::v1::AuditEntry>& list, OutputFormat format);

// The proto3 JSON of any message, every field present; compact unless
// `pretty`.
std::string MessageJson(const google::protobuf::Message& message, bool pretty);

// A JSON array of messages, one compact object per line; "[]" when empty.
std::string MessageJsonArray(
    const std::vector<const google::protobuf::Message*>& list);

// The fields of an item, in order: (key, value).
using Fields = std::vector<std::pair<std::string, std::string>>;

// Renders messages in `format`, as every Render* function of this file
// does: json the proto3 JSON (one object for a `single` item, else an
// array); csv every field of `fields(item)` under a header; table FIELD/VALUE
// lines for a `single` item, else the `columns` (heading, field key) of
// each item.
template <typename T, typename FieldsFn>
std::string RenderMessages(
    const std::vector<T>& list, OutputFormat format, bool single,
    FieldsFn fields,
    const std::vector<std::pair<std::string, std::string>>& columns) {
  switch (format) {
    case OutputFormat::kJson: {
      if (single && list.size() == 1) return MessageJson(list[0], true) + "\n";
      std::vector<const google::protobuf::Message*> messages;
      for (const T& item : list) messages.push_back(&item);
      return MessageJsonArray(messages);
    }
    case OutputFormat::kCsv: {
      Table table;
      for (const auto& [key, value] : fields(T())) table.header.push_back(key);
      for (const T& item : list) {
        std::vector<std::string> row;
        for (auto& [key, value] : fields(item)) row.push_back(std::move(value));
        table.rows.push_back(std::move(row));
      }
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  if (single && list.size() == 1) {
    Table table{{"FIELD", "VALUE"}, {}};
    for (auto& [key, value] : fields(list[0])) {
      table.rows.push_back({key, std::move(value)});
    }
    return RenderTable(table);
  }
  Table table;
  for (const auto& [heading, key] : columns) table.header.push_back(heading);
  for (const T& item : list) {
    const Fields all = fields(item);
    std::vector<std::string> row;
    for (const auto& [heading, key] : columns) {
      std::string value;
      for (const auto& [k, v] : all) {
        if (k == key) value = v;
      }
      row.push_back(std::move(value));
    }
    table.rows.push_back(std::move(row));
  }
  return RenderTable(table);
}

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_OUTPUT_RECORD_OUTPUT_H_
