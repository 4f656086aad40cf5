#include "admin-cli/base/enums.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "admin-cli/base/text.h"

namespace envcredit::admin {
namespace {

using envcredit::v1::EnterpriseStatus;
using envcredit::v1::Industry;

const std::vector<std::pair<absl::string_view, Industry>>& IndustryLabels() {
  static const auto* labels =
      new std::vector<std::pair<absl::string_view, Industry>>{
          {"火电", v1::THERMAL_POWER},
          {"钢铁", v1::STEEL},
          {"水泥", v1::CEMENT},
          {"电解铝", v1::ELECTROLYTIC_ALUMINIUM},
          {"煤炭", v1::COAL},
          {"冶金", v1::METALLURGY},
          {"化工", v1::CHEMICALS},
          {"石化", v1::PETROCHEMICALS},
          {"建材", v1::BUILDING_MATERIALS},
          {"造纸", v1::PAPER},
          {"酿造", v1::BREWING},
          {"制药", v1::PHARMACEUTICALS},
          {"发酵", v1::FERMENTATION},
          {"纺织", v1::TEXTILES},
          {"制革", v1::TANNING},
          {"采矿", v1::MINING},
          {"其他", v1::OTHER},
      };
  return *labels;
}

const std::vector<std::pair<absl::string_view, EnterpriseStatus>>&
StatusLabels() {
  static const auto* labels =
      new std::vector<std::pair<absl::string_view, EnterpriseStatus>>{
          {"存续", v1::OPERATING}, {"在营", v1::OPERATING},
          {"停业", v1::SUSPENDED}, {"注销", v1::CLOSED},
          {"关闭", v1::CLOSED},
      };
  return *labels;
}

}  // namespace

std::string AllowedIndustries() {
  std::vector<std::string> names;
  const auto* d = v1::Industry_descriptor();
  for (int k = 0; k < d->value_count(); ++k) {
    if (d->value(k)->number() != 0) names.push_back(d->value(k)->name());
  }
  return absl::StrJoin(names, ", ");
}

std::string AllowedEnterpriseStatuses() {
  std::vector<std::string> names;
  const auto* d = v1::EnterpriseStatus_descriptor();
  for (int k = 0; k < d->value_count(); ++k) {
    if (d->value(k)->number() != 0) names.push_back(d->value(k)->name());
  }
  return absl::StrJoin(names, ", ");
}

absl::StatusOr<Industry> ParseIndustry(absl::string_view text) {
  const absl::string_view trimmed = TrimAscii(text);
  for (const auto& [label, value] : IndustryLabels()) {
    if (trimmed == label) return value;
  }
  Industry value;
  const std::string upper = absl::AsciiStrToUpper(trimmed);
  if (v1::Industry_Parse(upper, &value) && value != v1::INDUSTRY_UNSPECIFIED) {
    return value;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown industry '", text, "'; allowed: ", AllowedIndustries(),
      " (any letter case, or the Chinese label such as 化工)"));
}

absl::StatusOr<EnterpriseStatus> ParseEnterpriseStatus(absl::string_view text) {
  const absl::string_view trimmed = TrimAscii(text);
  for (const auto& [label, value] : StatusLabels()) {
    if (trimmed == label) return value;
  }
  EnterpriseStatus value;
  const std::string upper = absl::AsciiStrToUpper(trimmed);
  if (v1::EnterpriseStatus_Parse(upper, &value) &&
      value != v1::ENTERPRISE_STATUS_UNSPECIFIED) {
    return value;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown status '", text, "'; allowed: ", AllowedEnterpriseStatuses(),
      " (any letter case, or 存续/在营, 停业, 注销/关闭)"));
}

std::string IndustryName(int industry) {
  if (industry == 0) return "";
  if (!v1::Industry_IsValid(industry)) return absl::StrCat(industry);
  return v1::Industry_Name(static_cast<Industry>(industry));
}

std::string EnterpriseStatusName(int status) {
  if (status == 0) return "";
  if (!v1::EnterpriseStatus_IsValid(status)) return absl::StrCat(status);
  return v1::EnterpriseStatus_Name(static_cast<EnterpriseStatus>(status));
}

}  // namespace envcredit::admin
