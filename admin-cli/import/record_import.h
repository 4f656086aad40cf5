// `import decisions|commitments|complaints|incidents FILE.csv`: stores every
// row of a regulator's CSV file as records (doc/import.md is the format).
//
// Columns are found by their header, in any order: the English column name
// (any case) or one of its Chinese aliases (统一社会信用代码, 决定书文号,
// 处罚机关, ...; full-width and ASCII parentheses alike). An unknown column is
// an error, so a typo is never silently ignored.
//
// Decisions stream: rows are read a window at a time (50,000 rows; the
// reader keeps only each row's place in the file and its credit code), each
// window sorted by credit code and cut into batches of up to 1,000 that
// keep an enterprise's rows together, and sent while the next window is
// read, one BatchCreatePenaltyDecisions call per batch with a few calls in
// flight; the sending thread parses its batch's rows again and converts
// them. The calls in flight name disjoint enterprises. A decision is idempotent by (authority, decision number) with
// identical content, and each carries a request_id derived from its row, so
// re-running a file stores nothing twice. Commitments, complaints and
// incidents are sent as concurrent single creates with request_ids derived
// from their content. Each invalid row goes to FILE.errors.csv beside the
// input with its line, column and reason (import_rows.h). A call that fails
// with a code worth retrying is sent again, with the same request_id, as the
// retry policy says (retry.h).
#ifndef ENVCREDIT_ADMIN_CLI_IMPORT_RECORD_IMPORT_H_
#define ENVCREDIT_ADMIN_CLI_IMPORT_RECORD_IMPORT_H_

#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "admin-cli/args.h"
#include "admin-cli/clients/record_client.h"
#include "admin-cli/import/csv_reader.h"
#include "admin-cli/import/import_rows.h"
#include "admin-cli/retry.h"
#include "envcredit/v1/records.pb.h"

namespace envcredit::admin {

enum class RecordKind { kDecisions, kCommitments, kComplaints, kIncidents };

// "decisions" -> kDecisions, ...; false for anything else.
bool ParseRecordKind(absl::string_view text, RecordKind* kind);
std::string RecordKindName(RecordKind kind);

// One column of an import format.
struct ImportColumn {
  std::string name;                  // canonical: "decision_number"
  std::vector<std::string> aliases;  // Chinese names: "决定书文号", ...
  bool required = false;
  std::string help;  // one line, for doc/import.md and errors
};

// The columns of `kind`, in their canonical order.
const std::vector<ImportColumn>& ImportColumnsOf(RecordKind kind);

// Where each column of a file's header is.
struct HeaderMap {
  std::vector<std::string> header;   // as written in the file
  // canonical name -> position; hashed and looked up by string_view (a
  // row's cells are read by name, a dozen lookups a row)
  absl::flat_hash_map<std::string, int> index;

  bool Has(absl::string_view column) const { return index.find(column) != index.end(); }
  // The trimmed cell of `column` in `record`; "" when absent.
  std::string Cell(const CsvRecord& record, absl::string_view column) const;
  // The same, as a view into `record` (valid while it is).
  absl::string_view CellView(const CsvRecord& record,
                             absl::string_view column) const;
  // The column's heading as written in the file (for error reports);
  // `column` itself when the file has no such column.
  std::string Heading(absl::string_view column) const;
};

// INVALID_ARGUMENT ("line 1: ...") for an unknown or repeated column or a
// missing required one.
absl::StatusOr<HeaderMap> MapRecordHeader(
    RecordKind kind, const std::vector<std::string>& header);

// A row that became a request, or why it could not.
struct DecisionRow {
  bool ok = false;
  envcredit::v1::CreatePenaltyDecisionRequest request;
  // When recurrence_of names an earlier decision by number (not by resource
  // name): it is resolved to a name after the other rows are stored.
  std::string recurrence_authority;
  std::string recurrence_number;
  RowError error;  // column: as written in the header
};
DecisionRow DecisionRowToRequest(const HeaderMap& header,
                                 const CsvRecord& record);
// The same conversion into `*request` (which may live on an arena, as the
// import's batches do): true when the row is valid; false with `*error`.
// A recurrence named by number sets `*recurrence_number` (and its
// authority), as DecisionRow does.
bool DecisionRowInto(const HeaderMap& header, const CsvRecord& record,
                     envcredit::v1::CreatePenaltyDecisionRequest* request,
                     std::string* recurrence_authority,
                     std::string* recurrence_number, RowError* error);

struct ComplaintRow {
  bool ok = false;
  envcredit::v1::CreateComplaintRequest request;
  RowError error;
};
ComplaintRow ComplaintRowToRequest(const HeaderMap& header,
                                   const CsvRecord& record);

struct IncidentRow {
  bool ok = false;
  envcredit::v1::CreateIncidentRequest request;
  RowError error;
};
IncidentRow IncidentRowToRequest(const HeaderMap& header,
                                 const CsvRecord& record);

// A commitment is one or more rows with the same (credit_code,
// commitment_ref): one row per item, the commitment's columns repeated.
struct CommitmentCheck {
  int item_number = 0;  // 1-based, the order of the rows
  envcredit::v1::CommitmentItemState outcome =
      envcredit::v1::COMMITMENT_ITEM_STATE_UNSPECIFIED;
  envcredit::v1::Date date;
  std::string note;
};
struct CommitmentGroup {
  std::vector<const CsvRecord*> rows;  // in file order; item k is rows[k]
  bool ok = false;
  envcredit::v1::CreateCommitmentRequest request;
  std::vector<CommitmentCheck> checks;  // items to mark KEPT/BROKEN
  RowError error;
  int error_row = 0;  // index in `rows` of the row at fault
};
// Groups `rows` (data rows, header excluded) into commitments, in the order
// their first rows appear.
std::vector<CommitmentGroup> GroupCommitments(
    const HeaderMap& header, const std::vector<CsvRecord>& rows);

struct RecordImportOptions {
  RecordKind kind = RecordKind::kDecisions;
  std::string path;
  int batch_size = 1000;       // decisions per BatchCreatePenaltyDecisions
  int concurrency = 0;         // calls in flight; 0: 4 batches / 16 singles
  // Decisions: rows read and sorted by credit code before they are cut into
  // batches (at least batch_size; doc/import.md "Decisions: streamed in
  // sorted windows").
  int sort_window = 50000;
  bool show_progress = false;  // a progress bar on `err` (a terminal)
  OutputFormat output = OutputFormat::kTable;
  std::string server;  // for error messages
  // A commitment, complaint or incident counts as "already existed" when
  // the server's create_time is older than the start of the import by more
  // than this (a retried request_id returns the original record).
  absl::Duration clock_skew = absl::Seconds(1);
  RetryPolicy retry;  // for every call (retry.h)
};

// Runs the import; returns the exit code: 0 when no row failed; else the
// exit code the failures share, else 1; 3 when the file cannot be read as
// CSV or its header is wrong (nothing is sent then). The summary goes to
// `out`, problems and progress to `err`.
int RunRecordImport(const RecordImportOptions& options, RecordClient& client,
                    std::ostream& out, std::ostream& err);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_IMPORT_RECORD_IMPORT_H_
