#include "server/api/access_log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/api/grpc_status.h"
#include "server/api/log_value.h"
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

// The codes the access check answers with (a denial is counted by reason).
bool IsDenial(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAUTHENTICATED ||
         code == grpc::StatusCode::PERMISSION_DENIED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED;
}

// The ErrorInfo reason of a status ("" without one).
std::string ReasonOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

class AccessLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  AccessLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                       AccessControl* access, domain::AuditLog* audit,
                       AccessLogWriter* writer, CallStats* stats)
      : info_(info),
        method_(info->method()),
        start_(absl::Now()),
        access_(access),
        audit_(audit),
        writer_(writer),
        stats_(stats) {}

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
      if (std::optional<grpc::Status> replacement = NoHandlerAnswer(status)) {
        status = *std::move(replacement);
        methods->ModifySendStatus(status);
      }
      const absl::Duration latency = absl::Now() - start_;
      const int64_t micros =
          std::max<int64_t>(0, absl::ToInt64Microseconds(latency));
      if (stats_ != nullptr) {
        stats_->Record(method_, status.error_code(), latency);
        if (IsDenial(status.error_code())) {
          stats_->RecordDenial(ReasonOf(status));
        }
      }
      writer_->Write(absl::StrCat(
          "access method=", LogValue(method_), " code=",
          absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
          " duration_ms=", micros / 1000, ".", absl::Dec(micros % 1000, absl::kZeroPad3),
          " request_id=", LogValue(RequestId())));
    }
    methods->Proceed();
  }

 private:
  // The answer to a call no handler of ours saw (see access_log.h), or
  // nullopt to keep gRPC's or the handler's.
  std::optional<grpc::Status> NoHandlerAnswer(const grpc::Status& status) {
    std::optional<absl::Status> unparsable = UnparsableRequestError(method_, status);
    if (!unparsable.has_value()) {
      // Parsed fine: nothing captured on this thread belongs to this call.
      // (Not cleared earlier: gRPC parses the request before it runs the
      // receive hooks, on the thread that then sends the status.)
      ClearCapturedInvalidField();
      // A method this server does not have keeps gRPC's UNIMPLEMENTED (for
      // any caller): generic clients probe for methods, e.g. reflection v1
      // before v1alpha, and fall back only on that answer. The methods the
      // server has stay deny-by-default (ServiceGuard::Admit).
      return std::nullopt;
    }
    if (info_->server_context() == nullptr) return ToGrpcStatus(*unparsable);
    // The check the handler would have made first.
    absl::StatusOr<Caller> caller = access_->Check(method_, *info_->server_context());
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    if (audit_ != nullptr && IsWriteMethod(method_)) {
      // Every write is audited (audit.proto), also one that could not be
      // read: no resource, no request id (both were in the bytes).
      domain::AuditEntry entry = domain::MakeAuditEntry(
          domain::AuditContext{caller->label, method_, ""}, "", *unparsable);
      if (absl::Status appended = audit_->Append(entry); !appended.ok()) {
        LogLimited(LogSeverity::kError,
                   absl::StrCat("cannot audit unparsable ", method_),
                   absl::StrCat("cannot audit ", LogValue(method_),
                                " (unparsable request): ", appended.ToString()));
      }
    }
    return ToGrpcStatus(*unparsable);
  }

  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = NewRequestId();
    return request_id_;
  }

  grpc::experimental::ServerRpcInfo* const info_;
  const std::string method_;
  const absl::Time start_;
  AccessControl* const access_;
  domain::AuditLog* const audit_;
  AccessLogWriter* const writer_;
  CallStats* const stats_;
  std::string request_id_;  // calls on one RPC are serialised by gRPC
};

}  // namespace

AccessLogWriter::AccessLogWriter(int fd, absl::Duration flush_interval)
    : fd_(fd), flush_interval_(flush_interval) {}

AccessLogWriter::~AccessLogWriter() { Stop(); }

void AccessLogWriter::Start() {
  absl::MutexLock lock(&state_mu_);
  if (running_) return;
  running_ = true;
  stopping_ = false;
  buffered_.store(true, std::memory_order_release);
  thread_ = std::thread([this] { Run(); });
}

void AccessLogWriter::Stop() {
  buffered_.store(false, std::memory_order_release);
  {
    absl::MutexLock lock(&state_mu_);
    if (running_) stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  {
    absl::MutexLock lock(&state_mu_);
    running_ = false;
  }
  Flush();
}

void AccessLogWriter::Run() {
  absl::MutexLock lock(&state_mu_);
  while (!stopping_) {
    state_mu_.AwaitWithTimeout(absl::Condition(&stopping_), flush_interval_);
    state_mu_.Unlock();
    Flush();
    state_mu_.Lock();
  }
}

namespace {

// Appends "2026-12-04T03:17:29.123456Z" for `t` (the format of every log
// line): the date and time of day are formatted once a second per thread,
// not on every call (absl::FormatTime is most of a line's cost).
void AppendLogTime(absl::Time t, std::string* out) {
  thread_local int64_t cached_second = std::numeric_limits<int64_t>::min();
  thread_local std::string cached;
  const int64_t micros = absl::ToUnixMicros(t);
  const int64_t second = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
  if (second != cached_second) {
    cached = absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second),
                              absl::UTCTimeZone());
    cached_second = second;
  }
  absl::StrAppend(out, cached, ".", absl::Dec(micros - second * 1000000, absl::kZeroPad6),
                  "Z");
}

}  // namespace

void AccessLogWriter::Write(absl::string_view message) {
  std::string line;
  line.reserve(40 + message.size());
  AppendLogTime(absl::Now(), &line);
  absl::StrAppend(&line, " INFO ", message, "\n");
  const size_t shard =
      std::hash<std::thread::id>()(std::this_thread::get_id()) % kShards;
  {
    absl::MutexLock lock(&shards_[shard].mu);
    shards_[shard].buffer.append(line);
  }
  if (!buffered_.load(std::memory_order_acquire)) Flush();
}

void AccessLogWriter::Flush() {
  absl::MutexLock write_lock(&write_mu_);
  for (Shard& shard : shards_) {
    std::string bytes;
    {
      absl::MutexLock lock(&shard.mu);
      bytes.swap(shard.buffer);
    }
    if (!bytes.empty()) WriteAll(bytes);
  }
}

void AccessLogWriter::WriteAll(absl::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to log to
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
}

grpc::experimental::Interceptor*
AccessLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AccessLogInterceptor(info, access_, audit_, writer_, stats_);
}

}  // namespace envcredit::api
