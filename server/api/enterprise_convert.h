// The enterprise boundary between protobuf and the domain: resource names,
// messages, update masks, etags. All proto <-> domain conversion for
// enterprises happens here and nowhere else.
#ifndef ENVCREDIT_SERVER_API_ENTERPRISE_CONVERT_H_
#define ENVCREDIT_SERVER_API_ENTERPRISE_CONVERT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "envcredit/v1/enterprise.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "server/domain/enterprise.h"

namespace envcredit::api {

// "enterprises/{credit_code}".
std::string EnterpriseName(absl::string_view credit_code);

// The credit code in `name`; INVALID_ARGUMENT naming `field` when `name` is
// not "enterprises/{valid USCC}" (reason INVALID_RESOURCE_NAME, or
// INVALID_CREDIT_CODE from the USCC check).
absl::StatusOr<std::string> ParseEnterpriseName(absl::string_view name,
                                                absl::string_view field);

v1::Enterprise ToProto(const domain::Enterprise& enterprise);

// The enterprise a CreateEnterprise request asks for, with the defaults of
// the API applied (region from the credit code, status OPERATING). Does not
// validate: see domain::ValidateEnterprise.
domain::Enterprise FromCreateProto(const v1::Enterprise& enterprise);

// The fields `mask` names, taken from `enterprise`. An empty mask means
// every updatable field. INVALID_ARGUMENT (field update_mask) for a path that
// is unknown, output only or immutable.
absl::StatusOr<domain::EnterprisePatch> PatchFromProto(
    const v1::Enterprise& enterprise, const google::protobuf::FieldMask& mask);

// Etags are the revision in quotes, as HTTP writes them: "\"3\"". Clients
// must treat them as opaque.
std::string EtagOf(int64_t revision);

// nullopt for an empty etag; INVALID_ARGUMENT naming `field` for one this
// server never issued.
absl::StatusOr<std::optional<int64_t>> RevisionFromEtag(absl::string_view etag,
                                                        absl::string_view field);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_ENTERPRISE_CONVERT_H_
