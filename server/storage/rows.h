// Row helpers shared by the repositories of server/storage: dates and times
// as the database reads and writes them, placeholder lists for multi-row
// statements, and the errors every repository raises alike. Defined once
// here; nothing in this file knows a business rule or a client field name.
#ifndef ENVCREDIT_SERVER_STORAGE_ROWS_H_
#define ENVCREDIT_SERVER_STORAGE_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/domain/page_limit.h"
#include "server/storage/database.h"

namespace envcredit::storage {

// "2025-06-15", as a DATE column takes it.
std::string DayText(absl::CivilDay day);
// DayText, or NULL for no day.
SqlValue OptionalDay(const std::optional<absl::CivilDay>& day);
// The day as MySQL's TO_DAYS numbers it (days since year 0; 1970-01-01 is
// 719528): bound as an integer into FROM_DAYS(?) and read back from
// TO_DAYS(column), a date crosses the connector without being formatted and
// parsed as text (Connector/C++ 1.1.12 has no typed DATE bind or getter).
// Both MySQL 8 and MariaDB document TO_DAYS/FROM_DAYS for the Gregorian
// dates we store (years 1990 on).
int64_t DayNumber(absl::CivilDay day);
absl::CivilDay DayOfNumber(int64_t day_number);
// The row template "(…)" with `columns` placeholders repeated `rows` times,
// comma-separated: for multi-row INSERTs whose placeholders are wrapped in
// functions, e.g. "(?, FROM_DAYS(?), ?)".
std::string RepeatRow(absl::string_view row, size_t rows);
// "2025-06-15 08:30:00.123456" (UTC), as a DATETIME(6) column takes it.
std::string TimeText(absl::Time time);

// The DATE in `column` of `row`. INTERNAL when it is NULL or not a date.
absl::StatusOr<absl::CivilDay> DayOf(const Row& row, int column);
// As DayOf; nullopt for NULL.
absl::StatusOr<std::optional<absl::CivilDay>> OptionalDayOf(const Row& row,
                                                            int column);

// "?,?,?" for n placeholders. The count comes from our own vectors, never
// from request text.
std::string Marks(size_t n);
// "(?,?,?),(?,?,?)" for `rows` rows of `columns` placeholders.
std::string Placeholders(size_t rows, size_t columns);
// Escapes `text` for use inside a LIKE pattern with ESCAPE '\\': a
// backslash, % and _ are preceded by a backslash, so they match themselves.
std::string EscapeLikePattern(absl::string_view text);

// Ids as the values of an IN (Marks(ids.size())) list.
std::vector<SqlValue> IdValues(absl::Span<const int64_t> ids);

// Statement shapes. A connection caches its prepared statements by text, so
// a multi-row statement or IN list whose length changes from call to call is
// prepared again for each new length: a round trip, and MariaDB parses every
// placeholder again (about a fifth of its CPU in a sorted decision import,
// doc/benchmarks.md). These two keep the lengths to a few fixed sizes.
//
// The row counts, largest first, of statements that together write `n` rows,
// none over `max` (>= 100): multiples of 100 (at most `max`), then of 10,
// then the rest: 1000 -> {1000}; 997 -> {900, 90, 7}; at most 28 sizes.
std::vector<size_t> FixedRowCounts(size_t n, size_t max);
// Pads the values of an IN list (1..`max` of them) to the next of 1, 2, 4,
// 8, ..., 256, `max` by repeating the last one: a repeated value selects
// nothing more. Returns the padded count (for Marks).
size_t PadInList(std::vector<SqlValue>& values, size_t max);

// One IN list of a longer one: its placeholders ("?,?,…") and its values,
// padded as PadInList does.
struct InList {
  std::string marks;
  std::vector<SqlValue> values;
};
// `values` cut into IN lists of at most `max` values, each padded
// (PadInList), in order; none for no values.
std::vector<InList> PaddedInLists(absl::Span<const SqlValue> values, size_t max);

// The largest `limit` a page read accepts (domain/page_limit.h).
inline constexpr int kMaxListLimit = domain::kMaxPageLimit;

// OK when 1 <= limit <= kMaxListLimit. Otherwise INTERNAL: the callers
// resolve page sizes before storage (api::ResolvePageSize), so a bad limit
// here is a programming error, refused rather than clamped so that it shows.
absl::Status CheckLimit(int limit);

// NOT_FOUND (ENTERPRISE_NOT_FOUND) for enterprises/{credit_code}.
absl::Status EnterpriseNotFound(absl::string_view credit_code);

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_ROWS_H_
