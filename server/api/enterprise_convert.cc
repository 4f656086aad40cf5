#include "server/api/enterprise_convert.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "server/api/proto_values.h"
#include "server/domain/uscc.h"

namespace envcredit::api {
namespace {

constexpr absl::string_view kCollection = "enterprises/";


}  // namespace

std::string EnterpriseName(absl::string_view credit_code) {
  return absl::StrCat(kCollection, credit_code);
}

absl::StatusOr<std::string> ParseEnterpriseName(absl::string_view name,
                                                absl::string_view field) {
  if (!absl::StartsWith(name, kCollection)) {
    return InvalidArgument(
        field, "INVALID_RESOURCE_NAME",
        absl::StrCat(field, ": must look like enterprises/{credit_code}"));
  }
  absl::string_view code = name.substr(kCollection.size());
  RETURN_IF_ERROR(domain::ValidateUscc(code, field));
  return std::string(code);
}

v1::Enterprise ToProto(const domain::Enterprise& e) {
  v1::Enterprise out;
  out.set_name(EnterpriseName(e.credit_code));
  out.set_credit_code(e.credit_code);
  out.set_display_name(e.display_name);
  out.set_region_code(e.region_code);
  out.set_industry(static_cast<v1::Industry>(e.industry));
  out.set_legal_representative(e.legal_representative);
  out.set_address(e.address);
  out.set_status(static_cast<v1::EnterpriseStatus>(e.status));
  *out.mutable_create_time() = TimestampOf(e.create_time);
  *out.mutable_update_time() = TimestampOf(e.update_time);
  out.set_etag(EtagOf(e.revision));
  return out;
}

domain::Enterprise FromCreateProto(const v1::Enterprise& in) {
  domain::Enterprise e;
  e.credit_code = in.credit_code();
  e.display_name = in.display_name();
  e.region_code = in.region_code();
  // The region defaults to the registering authority's, positions 3-8.
  if (e.region_code.empty() && domain::ValidateUscc(e.credit_code).ok()) {
    e.region_code = domain::RegionOfUscc(e.credit_code);
  }
  e.industry = static_cast<domain::Industry>(in.industry());
  e.legal_representative = in.legal_representative();
  e.address = in.address();
  e.status = in.status() == v1::ENTERPRISE_STATUS_UNSPECIFIED
                 ? domain::EnterpriseStatus::kOperating
                 : static_cast<domain::EnterpriseStatus>(in.status());
  return e;
}

absl::StatusOr<domain::EnterprisePatch> PatchFromProto(
    const v1::Enterprise& in, const google::protobuf::FieldMask& mask) {
  std::vector<std::string> paths(mask.paths().begin(), mask.paths().end());
  if (paths.empty()) {
    // AIP-134: no mask means the fields the request sets, so that a client
    // that sends one field does not clear the others.
    if (!in.display_name().empty()) paths.push_back("display_name");
    if (!in.region_code().empty()) paths.push_back("region_code");
    if (in.industry() != v1::INDUSTRY_UNSPECIFIED) paths.push_back("industry");
    if (!in.legal_representative().empty()) paths.push_back("legal_representative");
    if (!in.address().empty()) paths.push_back("address");
    if (in.status() != v1::ENTERPRISE_STATUS_UNSPECIFIED) paths.push_back("status");
    if (paths.empty()) {
      return InvalidArgument("update_mask", "EMPTY_UPDATE",
                             "update_mask: empty, and the enterprise sets no updatable field");
    }
  }

  domain::EnterprisePatch patch;
  for (const std::string& path : paths) {
    if (path == "display_name") {
      patch.display_name = in.display_name();
    } else if (path == "region_code") {
      patch.region_code = in.region_code();
    } else if (path == "industry") {
      patch.industry = static_cast<domain::Industry>(in.industry());
    } else if (path == "legal_representative") {
      patch.legal_representative = in.legal_representative();
    } else if (path == "address") {
      patch.address = in.address();
    } else if (path == "status") {
      patch.status = static_cast<domain::EnterpriseStatus>(in.status());
    } else if (path == "credit_code" || path == "name") {
      return InvalidArgument("update_mask", "FIELD_IMMUTABLE",
                             absl::StrCat("update_mask: ", path,
                                          " cannot be changed"));
    } else if (path == "create_time" || path == "update_time" ||
               path == "etag") {
      return InvalidArgument("update_mask", "FIELD_OUTPUT_ONLY",
                             absl::StrCat("update_mask: ", path,
                                          " is output only"));
    } else {
      return InvalidArgument(
          "update_mask", "UNKNOWN_FIELD",
          absl::StrCat("update_mask: unknown field '", path.substr(0, 64),
                       "'"));
    }
  }
  return patch;
}

std::string EtagOf(int64_t revision) { return absl::StrCat("\"", revision, "\""); }

absl::StatusOr<std::optional<int64_t>> RevisionFromEtag(absl::string_view etag,
                                                        absl::string_view field) {
  if (etag.empty()) return std::optional<int64_t>();
  int64_t revision = 0;
  if (etag.size() < 3 || etag.front() != '"' || etag.back() != '"' ||
      !absl::SimpleAtoi(etag.substr(1, etag.size() - 2), &revision) ||
      revision <= 0) {
    return InvalidArgument(field, "INVALID_ETAG",
                           absl::StrCat(field, ": not an etag this server issued"));
  }
  return std::optional<int64_t>(revision);
}

}  // namespace envcredit::api
