#include "admin-cli/base/csv.h"

#include "absl/strings/ascii.h"

namespace envcredit::admin {
namespace {

// "-12", "+3.5", "0.25": an optional sign, digits, at most one point.
bool IsPlainNumber(absl::string_view value) {
  if (!value.empty() && (value.front() == '-' || value.front() == '+')) value.remove_prefix(1);
  bool digit = false;
  bool point = false;
  for (const char c : value) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  return digit;
}

bool LooksLikeFormula(absl::string_view value) {
  if (value.empty()) return false;
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return !IsPlainNumber(value);
    default:
      return false;
  }
}

}  // namespace

std::string CsvCell(absl::string_view value) {
  std::string text = LooksLikeFormula(value) ? "'" : "";
  text.append(value.data(), value.size());
  const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void AppendCsvCell(std::string* out, absl::string_view value) {
  const bool plain = !LooksLikeFormula(value) &&
                     value.find_first_of(",\"\r\n") == absl::string_view::npos &&
                     (value.empty() || (value.front() != ' ' && value.back() != ' '));
  if (plain) {
    out->append(value.data(), value.size());
  } else {
    *out += CsvCell(value);
  }
}

}  // namespace envcredit::admin
