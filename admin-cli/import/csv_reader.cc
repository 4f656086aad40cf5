#include "admin-cli/import/csv_reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "admin-cli/base/text.h"

namespace envcredit::admin {
namespace {

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

// Counts the line of `offset` in `text` (1-based), for error messages.
int LineOf(absl::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
    } else if (text[i] == '\r' &&
               (i + 1 >= text.size() || text[i + 1] != '\n')) {
      ++line;
    }
  }
  return line;
}

}  // namespace

absl::StatusOr<CsvParser> CsvParser::Create(absl::string_view text) {
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", LineOf(text, bad),
        ": the text is not UTF-8 (save the file as \"CSV UTF-8\"; GBK/GB18030 "
        "is not accepted)"));
  }
  return CsvParser(text);
}

absl::StatusOr<bool> CsvParser::Next(CsvRecord* out) {
  const absl::string_view text = text_;
  const size_t n = text.size();
  size_t& i = offset_;
  int& line = line_;
  // Fields are written into `out`'s strings, whose buffers stay with it: a
  // reader that reads every record into one CsvRecord allocates nothing
  // once its fields have grown to the file's widest.
  std::vector<std::string>& fields = out->fields;
  size_t count = 0;         // fields of this record ended so far
  bool field_open = false;  // fields[count] is being read
  const auto open_field = [&]() -> std::string& {
    if (count == fields.size()) fields.emplace_back();
    fields[count].clear();
    field_open = true;
    return fields[count];
  };
  const auto close_field = [&]() {
    ++count;
    field_open = false;
  };
  bool record_started = false;  // anything seen since the last line break

  // Consumes a line break at text[i] (CRLF, LF or CR); true if there was one.
  const auto take_line_break = [&]() {
    if (text[i] == '\r') {
      i += (i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
      ++line;
      return true;
    }
    if (text[i] == '\n') {
      ++i;
      ++line;
      return true;
    }
    return false;
  };

  while (i < n) {
    if (!record_started) out->line = line;
    std::string& field = open_field();
    if (text[i] == '"') {
      // A quoted field: runs to the matching quote.
      record_started = true;
      const int opened_at = line;
      ++i;
      for (;;) {
        if (i >= n) {
          return absl::InvalidArgumentError(absl::StrCat(
              "line ", opened_at,
              ": unterminated quoted field (a \" opens a field that is never "
              "closed)"));
        }
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\r' || text[i] == '\n') {
          take_line_break();
          field.push_back('\n');
          continue;
        }
        field.push_back(text[i++]);
      }
      if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        return absl::InvalidArgumentError(absl::StrCat(
            "line ", line,
            ": unexpected text after a closing quote (a quote inside a quoted "
            "field must be doubled: \"\")"));
      }
    } else {
      // An unquoted field: runs to the next comma or line break.
      const size_t begin = i;
      while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') {
          return absl::InvalidArgumentError(absl::StrCat(
              "line ", line,
              ": a quote inside an unquoted field (quote the whole field and "
              "double the quote: \"a \"\"b\"\" c\")"));
        }
        ++i;
      }
      if (i > begin) {
        record_started = true;
        field.append(text.data() + begin, i - begin);
      }
    }
    if (i >= n) break;
    if (text[i] == ',') {
      record_started = true;
      close_field();
      ++i;
      continue;
    }
    take_line_break();
    close_field();
    if (count == 1 && fields[0].empty() && !record_started) {
      count = 0;  // an empty line: skipped
      continue;
    }
    fields.resize(count);
    return true;
  }
  // The end of the text ends the record being read, if any (a trailing
  // comma leaves one empty field open).
  if (record_started || (field_open && !fields[count].empty())) {
    if (!field_open) open_field();
    close_field();
    fields.resize(count);
    return true;
  }
  return false;
}

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text) {
  absl::StatusOr<CsvParser> parser = CsvParser::Create(text);
  if (!parser.ok()) return parser.status();
  std::vector<CsvRecord> records;
  for (;;) {
    CsvRecord record;
    absl::StatusOr<bool> more = parser->Next(&record);
    if (!more.ok()) return more.status();
    if (!*more) break;
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<std::string> ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    if (err == EACCES) {
      return absl::PermissionDeniedError(
          absl::StrCat(path, ": permission denied"));
    }
    return absl::InternalError(
        absl::StrCat(path, ": cannot open: ", std::strerror(err)));
  }
  std::string contents;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > 0) {
    contents.resize(static_cast<size_t>(size));
    in.seekg(0, std::ios::beg);
    in.read(contents.data(), size);
  } else {
    in.clear();
    in.seekg(0, std::ios::beg);
    std::ostringstream all;
    all << in.rdbuf();
    contents = all.str();
  }
  if (in.bad()) {
    return absl::InternalError(absl::StrCat(path, ": read error"));
  }
  return contents;
}

absl::StatusOr<std::vector<CsvRecord>> ReadCsvFile(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadFileText(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(*contents);
  if (!records.ok()) {
    return absl::Status(records.status().code(),
                        absl::StrCat(path, ": ", records.status().message()));
  }
  return records;
}

}  // namespace envcredit::admin
