// `enterprises import FILE.csv` (also `import enterprises`): the enterprise
// importer, which registers every row of a CSV file.
//
// Columns are found by their header (any order, names case-insensitive):
//   credit_code, name, industry            required
//   region_code, legal_representative, address, status   optional
// Any other column is an error, so a typo is not silently ignored. Cells are
// trimmed of surrounding ASCII spaces; industry and status take the enum
// name in any case or the Chinese label (base/enums.h).
//
// Rows are sent in batches, up to 500 (--batch-size) CreateEnterprise items
// to a BatchCreateEnterprises call, each item with a request_id derived from
// its row's content (ImportHash), so running the same file again, or
// retrying a call, cannot create anything twice. The server answers per
// item: ALREADY_EXISTS counts as "already there", not as a failure; any
// other error fails that row only. Failed rows go to FILE.errors.csv beside
// the input (import_rows.h). A few calls are in flight at once.
#ifndef ENVCREDIT_ADMIN_CLI_IMPORT_ENTERPRISE_IMPORT_H_
#define ENVCREDIT_ADMIN_CLI_IMPORT_ENTERPRISE_IMPORT_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "admin-cli/args.h"
#include "admin-cli/clients/enterprise_client.h"
#include "admin-cli/import/csv_reader.h"
#include "admin-cli/import/import_rows.h"
#include "admin-cli/retry.h"
#include "envcredit/v1/enterprise.pb.h"

namespace envcredit::admin {

// The column names of the import format, in their canonical order.
const std::vector<std::string>& ImportColumnNames();

// Where each known column is in the file; -1 when absent.
struct ImportColumns {
  std::vector<std::string> header;  // as written in the file
  int credit_code = -1;
  int name = -1;
  int industry = -1;
  int region_code = -1;
  int legal_representative = -1;
  int address = -1;
  int status = -1;
};

// INVALID_ARGUMENT naming the column for an unknown or repeated column, or
// when a required column is missing.
absl::StatusOr<ImportColumns> MapImportHeader(
    const std::vector<std::string>& header);

// The CreateEnterpriseRequest for one data row, request_id included, or the
// error that stops it being sent (wrong number of fields, unknown industry
// or status).
struct RowRequest {
  bool ok = false;
  envcredit::v1::CreateEnterpriseRequest request;
  RowError error;
};
RowRequest RowToRequest(const ImportColumns& columns, const CsvRecord& record);

// The request_id of an import request: a pure function of the enterprise's
// fields, so the same row always maps to the same id.
std::string ImportRequestId(const envcredit::v1::Enterprise& enterprise);

struct ImportOptions {
  std::string path;
  int batch_size = 500;        // rows per BatchCreateEnterprises, 1..1000
  int concurrency = 4;         // calls in flight
  bool show_progress = false;  // a progress bar on `err` (a terminal)
  OutputFormat output = OutputFormat::kTable;
  std::string server;  // for error messages
  RetryPolicy retry;   // for every BatchCreateEnterprises call (retry.h)
};

// Runs the import and returns the exit code: 0 when no row failed; when rows
// failed, the exit code of their status if they all share one, else 1; 3
// when the file cannot be read as CSV or its header is wrong (nothing is
// sent then). The summary goes to `out`, problems and progress to `err`.
//
// The valid rows go in file order, `batch_size` to a call. The first batch
// is sent alone: when the server is down, that one call finds out (with its
// retries) and the other batches are not sent (NOT_SENT), instead of every
// worker trying. Then `concurrency` workers send the rest. Each row's
// outcome is its item's result: OK is "created" (also when replayed: an
// earlier attempt of this import stored it), ALREADY_EXISTS "already
// there", anything else a failed row with the server's code, reason and
// field. A call that fails with a code worth retrying is sent again with
// the same request (every item's request_id included) as the retry policy
// says; a worker stops retrying once another has found the server
// unreachable. A call that still fails fails every row of its batch with
// that status.
int RunImport(const ImportOptions& options, EnterpriseClient& client,
              std::ostream& out, std::ostream& err);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_IMPORT_ENTERPRISE_IMPORT_H_
