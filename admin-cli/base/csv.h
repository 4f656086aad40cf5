// One CSV cell as envcredit-admin writes it, for its --output csv and for
// the published lists' <list>-<number>.csv alike.
#ifndef ENVCREDIT_ADMIN_CLI_BASE_CSV_H_
#define ENVCREDIT_ADMIN_CLI_BASE_CSV_H_

#include <string>

#include "absl/strings/string_view.h"

namespace envcredit::admin {

// `value` as one RFC 4180 cell: in double quotes (inner ones doubled) when
// it holds a comma, a quote, a line break, or leading or trailing spaces.
// A value a spreadsheet would run as a formula — starting with `=`, `+`,
// `-`, `@`, a tab or a carriage return, and not a plain number such as
// "-12" or "+3.5" — gets a leading apostrophe first (OWASP "CSV
// injection"): the published lists are opened by citizens in spreadsheets,
// and names and decision numbers are text regulators typed.
std::string CsvCell(absl::string_view value);

// Appends CsvCell(value) to `out`, without a temporary when the value needs
// neither quotes nor the apostrophe (most cells of a large list).
void AppendCsvCell(std::string* out, absl::string_view value);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_BASE_CSV_H_
