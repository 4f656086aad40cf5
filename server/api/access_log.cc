#include "server/api/access_log.h"

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "server/api/malformed_request.h"

namespace envcredit::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Server-made ids: start time and a counter, unique per process and cheap.
std::string NewRequestId() {
  static const int64_t start = absl::ToUnixMicros(absl::Now());
  static std::atomic<uint64_t> counter{0};
  return absl::StrFormat("srv-%x-%x", start, counter.fetch_add(1) + 1);
}

bool AcceptableRequestId(grpc::string_ref id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

class AccessLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit AccessLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method()), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdHeader);
      if (it != metadata->end() && AcceptableRequestId(it->second)) {
        request_id_.assign(it->second.data(), it->second.size());
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, RequestId());
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (auto replacement = ReplacementForUnparsableRequest(method_, status)) {
        status = *replacement;
        methods->ModifySendStatus(status);
      } else {
        // Parsed fine: nothing captured on this thread belongs to this call.
        // (Not cleared earlier: gRPC parses the request before it runs the
        // receive hooks, on the thread that then sends the status.)
        ClearCapturedInvalidField();
      }
      LogInfo(absl::StrFormat(
          "access method=%s code=%s duration_ms=%.3f request_id=%s", method_,
          absl::StatusCodeToString(
              static_cast<absl::StatusCode>(status.error_code())),
          absl::ToDoubleMilliseconds(absl::Now() - start_), RequestId()));
    }
    methods->Proceed();
  }

 private:
  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = NewRequestId();
    return request_id_;
  }

  const std::string method_;
  const absl::Time start_;
  std::string request_id_;  // calls on one RPC are serialised by gRPC
};

}  // namespace

grpc::experimental::Interceptor*
AccessLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AccessLogInterceptor(info);
}

}  // namespace envcredit::api
