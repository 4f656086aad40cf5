#include "admin-cli/output/output.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "admin-cli/base/csv.h"
#include "admin-cli/base/enums.h"
#include "admin-cli/base/text.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace envcredit::admin {
namespace {

using envcredit::v1::Enterprise;

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(t);
}

// The columns of the CSV form: the import format first, then output-only.
const std::vector<std::string>& CsvColumns() {
  static const auto* columns = new std::vector<std::string>{
      "credit_code",          "name",    "industry", "region_code",
      "legal_representative", "address", "status",   "create_time",
      "update_time",          "etag"};
  return *columns;
}

std::vector<std::string> CsvRow(const Enterprise& e) {
  return {e.credit_code(),
          e.display_name(),
          IndustryName(e.industry()),
          e.region_code(),
          e.legal_representative(),
          e.address(),
          EnterpriseStatusName(e.status()),
          Time(e.create_time()),
          Time(e.update_time()),
          e.etag()};
}

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrCat("\\u00", absl::Hex(static_cast<unsigned char>(c),
                                                 absl::kZeroPad2));
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace

std::string RenderTable(const Table& table) {
  const size_t columns = table.header.size();
  std::vector<int> width(columns, 0);
  const auto measure = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < columns && c < row.size(); ++c) {
      width[c] = std::max(width[c], DisplayWidth(OneLine(row[c])));
    }
  };
  measure(table.header);
  for (const auto& row : table.rows) measure(row);

  std::string out;
  const auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < columns; ++c) {
      const std::string cell = c < row.size() ? OneLine(row[c]) : "";
      line += cell;
      if (c + 1 < columns) {
        line.append(width[c] - DisplayWidth(cell) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  emit(table.header);
  for (const auto& row : table.rows) emit(row);
  return out;
}

std::string CsvField(absl::string_view value) { return CsvCell(value); }

std::string RenderCsv(const Table& table) {
  std::string out;
  const auto emit = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out.push_back(',');
      out += CsvField(row[c]);
    }
    out += "\r\n";
  };
  emit(table.header);
  for (const auto& row : table.rows) emit(row);
  return out;
}

namespace {

// The names of the singular 64-bit integer fields of `d` and of every
// message type under it.
void CollectInt64Fields(const google::protobuf::Descriptor* d,
                        std::set<const google::protobuf::Descriptor*>* seen,
                        std::set<std::string>* names) {
  if (!seen->insert(d).second) return;
  for (int k = 0; k < d->field_count(); ++k) {
    const google::protobuf::FieldDescriptor* f = d->field(k);
    using FD = google::protobuf::FieldDescriptor;
    if (f->is_repeated()) {
      if (f->cpp_type() == FD::CPPTYPE_MESSAGE) {
        CollectInt64Fields(f->message_type(), seen, names);
      }
      continue;
    }
    switch (f->cpp_type()) {
      case FD::CPPTYPE_INT64:
      case FD::CPPTYPE_UINT64:
        names->insert(f->name());
        break;
      case FD::CPPTYPE_MESSAGE:
        // Well-known types (Timestamp, Duration) print as strings anyway.
        if (f->message_type()->file()->package() != "google.protobuf") {
          CollectInt64Fields(f->message_type(), seen, names);
        }
        break;
      default:
        break;
    }
  }
}

// CollectInt64Fields of `d`, worked out once per message type (a list of a
// million entries prints a million messages of one type).
const std::set<std::string>& Int64FieldsOf(const google::protobuf::Descriptor* d) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* by_type =
      new std::map<const google::protobuf::Descriptor*, std::set<std::string>>();
  absl::MutexLock lock(&mu);
  auto [it, added] = by_type->try_emplace(d);
  if (added) {
    std::set<const google::protobuf::Descriptor*> seen;
    CollectInt64Fields(d, &seen, &it->second);
  }
  return it->second;  // entries are never erased: the reference stays valid
}

// `"name": "123"` -> `"name": 123` for the 64-bit fields the proto3 JSON
// mapping quotes.
std::string UnquoteInt64(std::string json, const std::set<std::string>& names) {
  for (const std::string& name : names) {
    for (const absl::string_view sep : {"\": \"", "\":\""}) {
      const std::string key = absl::StrCat("\"", name, sep);
      size_t at = 0;
      while ((at = json.find(key, at)) != std::string::npos) {
        const size_t value = at + key.size();
        size_t end = value;
        if (end < json.size() && json[end] == '-') ++end;
        while (end < json.size() && absl::ascii_isdigit(json[end])) ++end;
        if (end > value && end < json.size() && json[end] == '"' &&
            absl::ascii_isdigit(json[end - 1])) {
          json.erase(end, 1);
          json.erase(value - 1, 1);
          at = end - 1;
        } else {
          at = value;
        }
      }
    }
  }
  return json;
}

}  // namespace

std::string ProtoJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = true;
  options.always_print_enums_as_ints = false;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    // Cannot happen for a message built by the generated code; keep the
    // output valid JSON anyway.
    return absl::StrCat("{\"error\": ", JsonString(status.ToString()), "}");
  }
  while (!json.empty() && json.back() == '\n') json.pop_back();
  return UnquoteInt64(std::move(json), Int64FieldsOf(message.GetDescriptor()));
}

std::string EnterpriseJson(const Enterprise& enterprise, bool pretty) {
  return ProtoJson(enterprise, pretty);
}

bool IsJsonNumber(absl::string_view v) {
  if (v.empty() || v.size() > 18) return false;
  size_t k = 0;
  if (v[k] == '-') ++k;
  if (k == v.size() || !absl::ascii_isdigit(v[k])) return false;
  if (v[k] == '0' && k + 1 < v.size() && absl::ascii_isdigit(v[k + 1])) {
    return false;  // a leading zero: an identifier such as "0512"
  }
  while (k < v.size() && absl::ascii_isdigit(v[k])) ++k;
  if (k < v.size() && v[k] == '.') {
    ++k;
    const size_t digits = k;
    while (k < v.size() && absl::ascii_isdigit(v[k])) ++k;
    if (k == digits) return false;
  }
  return k == v.size();
}

std::string RenderEnterprises(const std::vector<Enterprise>& list,
                              OutputFormat format, bool single) {
  switch (format) {
    case OutputFormat::kJson: {
      if (single && list.size() == 1) {
        return EnterpriseJson(list[0], /*pretty=*/true) + "\n";
      }
      if (list.empty()) return "[]\n";
      std::string out = "[\n";
      for (size_t k = 0; k < list.size(); ++k) {
        absl::StrAppend(&out, "  ", EnterpriseJson(list[k], /*pretty=*/false),
                        k + 1 < list.size() ? ",\n" : "\n");
      }
      out += "]\n";
      return out;
    }
    case OutputFormat::kCsv: {
      Table table{CsvColumns(), {}};
      for (const Enterprise& e : list) table.rows.push_back(CsvRow(e));
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  if (single && list.size() == 1) {
    const Enterprise& e = list[0];
    Table table{{"FIELD", "VALUE"}, {}};
    table.rows = {{"name", e.name()},
                  {"credit_code", e.credit_code()},
                  {"display_name", e.display_name()},
                  {"region_code", e.region_code()},
                  {"industry", IndustryName(e.industry())},
                  {"legal_representative", e.legal_representative()},
                  {"address", e.address()},
                  {"status", EnterpriseStatusName(e.status())},
                  {"create_time", Time(e.create_time())},
                  {"update_time", Time(e.update_time())},
                  {"etag", e.etag()}};
    return RenderTable(table);
  }
  Table table{{"CREDIT_CODE", "NAME", "REGION", "INDUSTRY", "STATUS",
               "LEGAL_REPRESENTATIVE"},
              {}};
  for (const Enterprise& e : list) {
    table.rows.push_back({e.credit_code(), e.display_name(), e.region_code(),
                          IndustryName(e.industry()),
                          EnterpriseStatusName(e.status()),
                          e.legal_representative()});
  }
  return RenderTable(table);
}

std::string RenderRecord(
    const std::vector<std::pair<std::string, std::string>>& fields,
    OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson: {
      std::vector<std::string> parts;
      // Keys whose values are identifiers, even when all digits.
      static const auto* kText = new std::set<absl::string_view>{
          "label", "name", "credit_code", "region_code", "reference",
          "decision_number", "case_number", "request_id", "token", "file",
          "path", "publication", "folder"};
      for (const auto& [key, value] : fields) {
        const bool number = IsJsonNumber(value) && kText->count(key) == 0;
        parts.push_back(absl::StrCat(JsonString(key), ": ",
                                     number ? value : JsonString(value)));
      }
      return absl::StrCat("{", absl::StrJoin(parts, ", "), "}\n");
    }
    case OutputFormat::kCsv: {
      Table table;
      table.rows.emplace_back();
      for (const auto& [key, value] : fields) {
        table.header.push_back(key);
        table.rows[0].push_back(value);
      }
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  Table table{{"FIELD", "VALUE"}, {}};
  for (const auto& [key, value] : fields) table.rows.push_back({key, value});
  return RenderTable(table);
}

}  // namespace envcredit::admin
