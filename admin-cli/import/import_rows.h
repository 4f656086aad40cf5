// What the two importers (enterprise_import.h, record_import.h) share about
// rows: why a row failed, the request_id a row is sent with, and the report
// of the failed rows — FILE.errors.csv beside the input and the first ten
// on stderr (doc/import.md "Errors").
#ifndef ENVCREDIT_ADMIN_CLI_IMPORT_IMPORT_ROWS_H_
#define ENVCREDIT_ADMIN_CLI_IMPORT_IMPORT_ROWS_H_

#include <iosfwd>
#include <set>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "admin-cli/import/csv_reader.h"

namespace envcredit::admin {

// Why a row was not imported.
struct RowError {
  std::string column;  // CSV column at fault ("credit_code"), or ""
  std::string code;    // canonical code name, e.g. INVALID_ARGUMENT
  std::string reason;  // ErrorInfo reason, e.g. INVALID_CREDIT_CODE
  std::string message;
};

// A row that failed, with what the errors file shows of it.
struct FailedRow {
  int line = 0;  // where the row starts in the file
  RowError error;
  std::vector<std::string> fields;  // the row as it was
  int exit_code = 0;                // exit_codes.h, for the run's exit code
};

// The error of a row not sent because the server refused or could not be
// reached for an earlier one (reason NOT_SENT; exit 5).
FailedRow NotSentRow(int line, std::vector<std::string> fields);

// "import-" + 32 hex digits of a 128-bit FNV-1a hash of `fields` (each
// length-prefixed): the request_id of an imported row, stable across runs
// and machines.
std::string ImportHash(const std::vector<std::string>& fields);
// The same hash over views (no copies of the cells; the decision import
// hashes a row's trimmed cells where they lie).
std::string ImportHashOf(absl::Span<const absl::string_view> fields);

// "data/x.csv" -> "data/x.errors.csv"; "data/x" -> "data/x.errors.csv".
std::string ErrorsPathFor(const std::string& input_path);

// True when every field is empty or white space (a blank line of a
// spreadsheet export): such rows are skipped.
bool IsBlankRow(const CsvRecord& record);

// Reports `failures` (in line order) of the import of `input_path`, whose
// header is `header`: writes them to ErrorsPathFor(input_path) (UTF-8 with
// BOM: line, column, code, reason, message, then the row), prints the
// first ten and a note on the rows not sent on `err`, and returns the exit
// codes of the failures (kExitFailure added when the errors file cannot be
// written). Without failures, removes a stale errors file and returns {}.
std::set<int> ReportFailedRows(const std::string& input_path,
                               const std::vector<std::string>& header,
                               const std::vector<FailedRow>& failures,
                               const std::string& server, std::ostream& err);

// The exit code of a run whose failures have `exit_codes`: 0 for none, the
// one they share, else kExitFailure.
int ImportExitCode(const std::set<int>& exit_codes);

// What every import counts, for its summary record.
struct ImportCounts {
  std::string path;
  std::string kind;  // "enterprises", "decisions", ...
  int64_t rows = 0;
  int64_t created = 0;
  int64_t already_existed = 0;
  int64_t failed = 0;
  double seconds = 0;
};

// The summary record every import prints last, the same fields in the same
// order for every kind: file, kind, rows, created, already_existed, failed,
// errors_file, seconds, rows_per_second.
std::vector<std::pair<std::string, std::string>> ImportSummary(const ImportCounts& counts);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_IMPORT_IMPORT_ROWS_H_
