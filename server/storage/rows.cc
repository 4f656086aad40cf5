#include "server/storage/rows.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"

namespace envcredit::storage {

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

SqlValue OptionalDay(const std::optional<absl::CivilDay>& day) {
  return day ? SqlValue(DayText(*day)) : SqlValue(nullptr);
}

namespace {
constexpr int64_t kToDaysOf1970 = 719528;  // SELECT TO_DAYS('1970-01-01')
}  // namespace

int64_t DayNumber(absl::CivilDay day) {
  return (day - absl::CivilDay(1970, 1, 1)) + kToDaysOf1970;
}

absl::CivilDay DayOfNumber(int64_t day_number) {
  return absl::CivilDay(1970, 1, 1) + (day_number - kToDaysOf1970);
}

std::string RepeatRow(absl::string_view row, size_t rows) {
  std::string all;
  all.reserve(rows * (row.size() + 1));
  for (size_t r = 0; r < rows; ++r) {
    if (r > 0) all += ',';
    all.append(row.data(), row.size());
  }
  return all;
}

std::string TimeText(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", time, absl::UTCTimeZone());
}

absl::StatusOr<absl::CivilDay> DayOf(const Row& row, int column) {
  absl::CivilDay day;
  if (row.IsNull(column) || !absl::ParseCivilTime(row.GetString(column), &day)) {
    return absl::InternalError(
        absl::StrCat("column ", column, " is not a date: ", row.GetString(column)));
  }
  return day;
}

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDayOf(const Row& row,
                                                            int column) {
  if (row.IsNull(column)) return std::optional<absl::CivilDay>();
  ASSIGN_OR_RETURN(absl::CivilDay day, DayOf(row, column));
  return std::optional<absl::CivilDay>(day);
}

std::string Marks(size_t n) {
  std::string marks;
  marks.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) marks += i == 0 ? "?" : ",?";
  return marks;
}

std::vector<size_t> FixedRowCounts(size_t n, size_t max) {
  std::vector<size_t> counts;
  if (max < 100) {  // not a size the batches use: plain chunks
    for (; n > 0 && max > 0; n -= counts.back()) counts.push_back(std::min(n, max));
    return counts;
  }
  for (; n >= 100; n -= counts.back()) {
    counts.push_back(std::min(max / 100 * 100, n / 100 * 100));
  }
  if (n >= 10) counts.push_back(n / 10 * 10);
  if (n % 10 > 0) counts.push_back(n % 10);
  return counts;
}

size_t PadInList(std::vector<SqlValue>& values, size_t max) {
  if (values.empty()) return 0;
  size_t size = 1;
  while (size < values.size()) size *= 2;
  size = std::max(values.size(), std::min(size, max));
  const SqlValue last = values.back();
  values.resize(size, last);
  return size;
}

std::vector<InList> PaddedInLists(absl::Span<const SqlValue> values, size_t max) {
  std::vector<InList> lists;
  for (size_t start = 0; start < values.size() && max > 0; start += max) {
    InList list;
    list.values.assign(values.begin() + start,
                       values.begin() + start + std::min(max, values.size() - start));
    list.marks = Marks(PadInList(list.values, max));
    lists.push_back(std::move(list));
  }
  return lists;
}

std::string Placeholders(size_t rows, size_t columns) {
  return RepeatRow(absl::StrCat("(", Marks(columns), ")"), rows);
}

std::string EscapeLikePattern(absl::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::vector<SqlValue> IdValues(absl::Span<const int64_t> ids) {
  return std::vector<SqlValue>(ids.begin(), ids.end());
}

absl::Status CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return absl::InternalError(absl::StrCat("page read with limit ", limit,
                                            ", outside 1..", kMaxListLimit,
                                            " (the caller resolves page sizes)"));
  }
  return absl::OkStatus();
}

absl::Status EnterpriseNotFound(absl::string_view credit_code) {
  return MakeError(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND",
                   absl::StrCat("enterprise enterprises/", credit_code,
                                " does not exist"));
}

}  // namespace envcredit::storage
