#include "admin-cli/publication/issuer.h"

#include <map>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/match.h"

namespace envcredit::admin {

absl::StatusOr<Issuer> ParseIssuer(absl::string_view text) {
  Issuer issuer;
  const std::map<std::string, std::string*, std::less<>> fields = {
      {"name", &issuer.name},
      {"name_en", &issuer.name_en},
      {"address", &issuer.address},
      {"phone", &issuer.phone},
      {"email", &issuer.email},
      {"website", &issuer.website},
      {"objection_channel", &issuer.objection_channel},
      {"legal_basis", &issuer.legal_basis},
  };
  std::map<std::string, int, std::less<>> seen;
  int line_number = 0;
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "issuer file line ", line_number, ": expected `key = value`"));
    }
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, eq));
    const absl::string_view value =
        absl::StripAsciiWhitespace(line.substr(eq + 1));
    const auto field = fields.find(key);
    if (field == fields.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "issuer file line ", line_number, ": unknown key '", key,
          "' (keys: name, name_en, address, phone, email, website, "
          "objection_channel, legal_basis)"));
    }
    if (const auto first = seen.find(key); first != seen.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("issuer file line ", line_number, ": '", key,
                       "' repeated (first on line ", first->second, ")"));
    }
    for (const unsigned char c : value) {
      if (c < 0x20 || c == 0x7f) {
        return absl::InvalidArgumentError(
            absl::StrCat("issuer file line ", line_number, ": '", key,
                         "' holds a control character"));
      }
    }
    seen.emplace(std::string(key), line_number);
    *field->second = std::string(value);
  }
  for (const char* required : {"name", "address", "phone"}) {
    if (fields.at(required)->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "issuer file: '", required, "' is required and is missing or empty"));
    }
  }
  if (!issuer.website.empty() &&
      !absl::StartsWith(issuer.website, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("issuer file: 'website' must start with https://, not '",
                     issuer.website, "'"));
  }
  return issuer;
}

}  // namespace envcredit::admin
