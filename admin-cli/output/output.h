// What envcredit-admin prints on stdout, in the three --output formats:
//   table  aligned columns for people; East Asian wide characters count as
//          two columns, so Chinese names line up;
//   json   one naming style everywhere: the proto field names (snake_case,
//          as in the CSV headers and the docs); numbers as JSON numbers
//          (also 64-bit ones, which the proto3 mapping quotes); enums and
//          codes by name; one object for one resource, an array for a list;
//   csv    RFC 4180, a header line, CRLF line ends; the first seven columns
//          are the import format of `enterprises import`.
#ifndef ENVCREDIT_ADMIN_CLI_OUTPUT_OUTPUT_H_
#define ENVCREDIT_ADMIN_CLI_OUTPUT_OUTPUT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "admin-cli/args.h"
#include "envcredit/v1/enterprise.pb.h"
#include "google/protobuf/message.h"

namespace envcredit::admin {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as wide as the header
};

// Columns padded to the widest cell (display width), two spaces apart, no
// trailing spaces; control characters in cells become spaces.
std::string RenderTable(const Table& table);

// One CSV field: CsvCell of base/csv.h (RFC 4180 quoting, formula guard).
std::string CsvField(absl::string_view value);

// The header and every row as RFC 4180 records ending in CRLF.
std::string RenderCsv(const Table& table);

// Enterprises as the chosen format. `single` prints one resource: a
// FIELD/VALUE table, or a JSON object instead of an array.
std::string RenderEnterprises(
    const std::vector<envcredit::v1::Enterprise>& list, OutputFormat format,
    bool single);

// The JSON of one message as every command prints it: the proto3 JSON
// mapping with the proto field names (credit_code, not creditCode), every
// field present, enums by name, and singular 64-bit integer fields as bare
// numbers; compact unless `pretty`.
std::string ProtoJson(const google::protobuf::Message& message, bool pretty);

// ProtoJson of one enterprise.
std::string EnterpriseJson(const envcredit::v1::Enterprise& enterprise,
                           bool pretty);

// Whether `value` is written as a JSON number by RenderRecord: the JSON
// number grammar (-?(0|[1-9][0-9]*)(.[0-9]+)?), at most 18 characters.
bool IsJsonNumber(absl::string_view value);

// Field/value pairs (e.g. an import summary) in the chosen format: a
// two-column table, one JSON object — values that are numbers (IsJsonNumber)
// bare, except under keys that name an identifier (label, credit_code,
// region_code, name, …), which stay strings even when all digits — or a CSV
// header and one line.
std::string RenderRecord(
    const std::vector<std::pair<std::string, std::string>>& fields,
    OutputFormat format);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_OUTPUT_OUTPUT_H_
