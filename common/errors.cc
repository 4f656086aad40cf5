#include "common/errors.h"

#include <optional>

#include "absl/strings/cord.h"

namespace envcredit {
namespace {

// Payload type URLs. Private to this file: callers use the accessors.
constexpr char kReasonUrl[] = "type.envcredit.dev/reason";
constexpr char kFieldUrl[] = "type.envcredit.dev/field";

std::string PayloadOf(const absl::Status& status, const char* url) {
  std::optional<absl::Cord> payload = status.GetPayload(url);
  return payload ? std::string(*payload) : std::string();
}

}  // namespace

absl::Status MakeError(absl::StatusCode code, std::string_view reason,
                       std::string_view message, std::string_view field) {
  absl::Status status(code, message);
  if (!reason.empty()) status.SetPayload(kReasonUrl, absl::Cord(reason));
  if (!field.empty()) status.SetPayload(kFieldUrl, absl::Cord(field));
  return status;
}

absl::Status InvalidArgument(std::string_view field, std::string_view reason,
                             std::string_view message) {
  return MakeError(absl::StatusCode::kInvalidArgument, reason, message, field);
}

std::string ErrorReason(const absl::Status& status) {
  return PayloadOf(status, kReasonUrl);
}

std::string ErrorField(const absl::Status& status) {
  return PayloadOf(status, kFieldUrl);
}

absl::Status WithField(absl::Status status, std::string_view field) {
  if (!status.ok()) status.SetPayload(kFieldUrl, absl::Cord(field));
  return status;
}

}  // namespace envcredit
