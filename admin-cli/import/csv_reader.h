// Reads CSV as RFC 4180 describes it, the way spreadsheet programs write it:
// fields separated by commas; a field in double quotes may hold commas, line
// breaks and doubled quotes (""); records end with CRLF or LF (a lone CR is
// accepted too). The text must be UTF-8; a leading byte-order mark is
// skipped. Completely empty lines are skipped.
//
// Errors say on which line they are, counting lines from 1 as an editor does
// (a quoted field with line breaks spans several lines).
#ifndef ENVCREDIT_ADMIN_CLI_IMPORT_CSV_READER_H_
#define ENVCREDIT_ADMIN_CLI_IMPORT_CSV_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace envcredit::admin {

struct CsvRecord {
  int line = 0;  // the line on which the record starts
  std::vector<std::string> fields;
};

// Parses a CSV document one record at a time, so an importer can send rows
// while it reads. Not thread-safe; `text` must outlive the parser.
class CsvParser {
 public:
  // Skips a leading byte-order mark. INVALID_ARGUMENT (with the line) when
  // `text` is not UTF-8 — checked for the whole text before any record.
  static absl::StatusOr<CsvParser> Create(absl::string_view text);

  // Parses a part of a text that Create accepted, e.g. one record's bytes
  // (from offset() before and after its Next) parsed again elsewhere.
  static CsvParser OfCheckedText(absl::string_view text) {
    return CsvParser(text);
  }

  // The next record in `*record`: true; false at the end; INVALID_ARGUMENT
  // as ParseCsv describes. Empty lines are skipped. The record's field
  // strings are reused (their buffers kept), so reading many records into
  // one CsvRecord allocates almost nothing.
  absl::StatusOr<bool> Next(CsvRecord* record);

  // Bytes consumed so far and in all (for a progress bar), counted in
  // text(): the text without its byte-order mark.
  size_t offset() const { return offset_; }
  absl::string_view text() const { return text_; }
  size_t size() const { return text_.size(); }

 private:
  explicit CsvParser(absl::string_view text) : text_(text) {}

  absl::string_view text_;
  size_t offset_ = 0;
  int line_ = 1;
};

// Reads the whole file. NOT_FOUND, PERMISSION_DENIED or INTERNAL with the
// path in the message.
absl::StatusOr<std::string> ReadFileText(const std::string& path);

// Parses a whole CSV document. Line breaks inside quoted fields are returned
// as "\n" whatever the file used. Returns INVALID_ARGUMENT, with the line
// number in the message, for an unterminated quoted field, a quote inside an
// unquoted field, text after a closing quote, or bytes that are not UTF-8.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(absl::string_view text);

// Reads the file at `path` and parses it as ParseCsv does. NOT_FOUND when
// the file does not exist, PERMISSION_DENIED/INTERNAL when it cannot be
// read; the message names the path.
absl::StatusOr<std::vector<CsvRecord>> ReadCsvFile(const std::string& path);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_IMPORT_CSV_READER_H_
