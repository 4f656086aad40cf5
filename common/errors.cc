#include "common/errors.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace envcredit {
namespace {

// Payload type URLs. Private to this file: callers use the accessors.
constexpr char kReasonUrl[] = "type.envcredit.dev/reason";
constexpr char kFieldUrl[] = "type.envcredit.dev/field";
constexpr char kMetadataUrlPrefix[] = "type.envcredit.dev/metadata/";
constexpr char kViolationsUrl[] = "type.envcredit.dev/precondition-violations";
constexpr char kRetryDelayUrl[] = "type.envcredit.dev/retry-delay-ms";
constexpr char kSep = '\x1f';  // between fields; '\x1e' between violations
constexpr char kRecordSep = '\x1e';

std::string PayloadOf(const absl::Status& status, const char* url) {
  absl::optional<absl::Cord> payload = status.GetPayload(url);
  return payload ? std::string(*payload) : std::string();
}

}  // namespace

absl::Status MakeError(absl::StatusCode code, absl::string_view reason,
                       absl::string_view message, absl::string_view field) {
  absl::Status status(code, message);
  if (!reason.empty()) status.SetPayload(kReasonUrl, absl::Cord(reason));
  if (!field.empty()) status.SetPayload(kFieldUrl, absl::Cord(field));
  return status;
}

absl::Status InvalidArgument(absl::string_view field, absl::string_view reason,
                             absl::string_view message) {
  return MakeError(absl::StatusCode::kInvalidArgument, reason, message, field);
}

std::string ErrorReason(const absl::Status& status) {
  return PayloadOf(status, kReasonUrl);
}

std::string ErrorField(const absl::Status& status) {
  return PayloadOf(status, kFieldUrl);
}

absl::Status WithField(absl::Status status, absl::string_view field) {
  if (!status.ok()) status.SetPayload(kFieldUrl, absl::Cord(field));
  return status;
}

absl::Status WithPreconditionViolations(
    absl::Status status, const std::vector<PreconditionViolation>& violations) {
  if (status.ok()) return status;
  std::string text;
  for (const PreconditionViolation& v : violations) {
    if (!text.empty()) text += kRecordSep;
    text += v.type + kSep + v.subject + kSep + v.description;
  }
  status.SetPayload(kViolationsUrl, absl::Cord(text));
  return status;
}

std::vector<PreconditionViolation> PreconditionViolationsOf(const absl::Status& status) {
  std::vector<PreconditionViolation> out;
  const std::string text = PayloadOf(status, kViolationsUrl);
  if (text.empty()) return out;
  for (absl::string_view record : absl::StrSplit(text, kRecordSep)) {
    std::vector<std::string> fields = absl::StrSplit(record, kSep);
    fields.resize(3);
    out.push_back({fields[0], fields[1], fields[2]});
  }
  return out;
}

absl::Status WithMetadata(absl::Status status, absl::string_view key,
                          absl::string_view value) {
  if (!status.ok()) {
    status.SetPayload(std::string(kMetadataUrlPrefix) + std::string(key),
                      absl::Cord(value));
  }
  return status;
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  if (!status.ok()) {
    status.SetPayload(kRetryDelayUrl,
                      absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(delay))));
  }
  return status;
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kRetryDelayUrl);
  int64_t ms = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &ms) || ms < 0) return std::nullopt;
  return absl::Milliseconds(ms);
}

void ForEachErrorMetadata(
    const absl::Status& status,
    const std::function<void(absl::string_view, absl::string_view)>& fn) {
  const absl::string_view prefix = kMetadataUrlPrefix;
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    if (url.substr(0, prefix.size()) == prefix) {
      fn(url.substr(prefix.size()), std::string(payload));
    }
  });
}

}  // namespace envcredit
