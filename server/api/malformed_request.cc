#include "server/api/malformed_request.h"

#include <deque>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/log.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "server/api/grpc_status.h"

namespace envcredit::api {
namespace {

thread_local std::string captured_field;

void CaptureLog(google::protobuf::LogLevel level, const char* filename,
                int line, const std::string& message) {
  constexpr absl::string_view kPrefix = "String field '";
  if (message.rfind(kPrefix.data(), 0) == 0 &&
      message.find("invalid UTF-8") != std::string::npos) {
    size_t end = message.find('\'', kPrefix.size());
    if (end != std::string::npos) {
      captured_field = message.substr(kPrefix.size(), end - kPrefix.size());
      return;  // an expected client error, reported to the client instead
    }
  }
  Log(level >= google::protobuf::LOGLEVEL_ERROR ? LogSeverity::kError
                                                 : LogSeverity::kWarning,
      absl::StrCat("protobuf ", filename, ":", line, ": ", message));
}

}  // namespace

void InstallProtobufLogCapture() { google::protobuf::SetLogHandler(&CaptureLog); }

void ClearCapturedInvalidField() { captured_field.clear(); }

std::string FieldPathIn(absl::string_view request_type,
                        absl::string_view field_full_name) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const auto* root = pool->FindMessageTypeByName(std::string(request_type));
  if (root == nullptr) return "";
  // Breadth first, so the shortest path wins; `seen` stops recursive types.
  std::deque<std::pair<const google::protobuf::Descriptor*, std::string>> queue;
  std::set<const google::protobuf::Descriptor*> seen = {root};
  queue.emplace_back(root, "");
  while (!queue.empty()) {
    auto [type, prefix] = queue.front();
    queue.pop_front();
    for (int i = 0; i < type->field_count(); ++i) {
      const auto* field = type->field(i);
      std::string path =
          prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
      if (field->full_name() == field_full_name) return path;
      if (field->message_type() != nullptr &&
          seen.insert(field->message_type()).second) {
        queue.emplace_back(field->message_type(), path);
      }
    }
  }
  return "";
}

std::optional<absl::Status> UnparsableRequestError(absl::string_view method,
                                                   const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::INTERNAL ||
      !(status.error_message().empty() ||
        status.error_message() == "Unable to parse request")) {
    return std::nullopt;
  }
  std::string field;
  if (!captured_field.empty()) {
    // "/envcredit.v1.EnterpriseService/CreateEnterprise" -> its input type.
    std::string name(method.substr(method.empty() ? 0 : 1));
    size_t slash = name.find('/');
    if (slash != std::string::npos) name[slash] = '.';
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
    if (descriptor != nullptr) {
      field = FieldPathIn(descriptor->input_type()->full_name(), captured_field);
    }
  }
  ClearCapturedInvalidField();
  if (field.empty()) {
    return MakeError(
        absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
        "the request could not be parsed: a text field is not valid UTF-8, "
        "or the message is malformed");
  }
  return InvalidArgument(field, "INVALID_TEXT",
                         absl::StrCat(field, ": not valid UTF-8"));
}

std::optional<grpc::Status> ReplacementForUnparsableRequest(
    absl::string_view method, const grpc::Status& status) {
  std::optional<absl::Status> error = UnparsableRequestError(method, status);
  if (!error.has_value()) return std::nullopt;
  return ToGrpcStatus(*error);
}

}  // namespace envcredit::api
