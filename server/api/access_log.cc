#include "server/api/access_log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/json_line.h"
#include "common/log.h"
#include "google/protobuf/message.h"
#include "server/api/call_state.h"
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

// "NOT_FOUND": absl::StatusCodeToString without its string.
absl::string_view CodeName(absl::StatusCode code) {
  static constexpr absl::string_view kNames[] = {
      "OK",          "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",    "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",   "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",         "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  if (i >= 0 && i < static_cast<int>(std::size(kNames))) return kNames[i];
  return "";  // gRPC has no other code
}

bool AcceptableRequestId(absl::string_view id) {
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

class AccessLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  AccessLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                       AccessControl* access, domain::AuditLog* audit,
                       AccessLogWriter* writer,
                       const google::protobuf::FieldDescriptor* request_id_field,
                       CallStats* stats)
      : info_(info),
        method_(info->method()),
        start_(absl::Now()),
        access_(access),
        audit_(audit),
        writer_(writer),
        request_id_field_(request_id_field),
        stats_(stats),
        unary_(info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdHeader);
      if (it != metadata->end() &&
          AcceptableRequestId(absl::string_view(it->second.data(), it->second.size()))) {
        request_id_.assign(it->second.data(), it->second.size());
      }
      // Only a unary call runs its hooks and its handler on one thread (the
      // sync server's); a stream (WatchRatingChanges, asynchronous) has no
      // thread state: its errors get the id below, its line no actor.
      if (unary_) BeginCallOnThread(this, RequestId());
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        request_id_field_ != nullptr && !saw_request_) {
      saw_request_ = true;
      // The request's own request_id wins (a unary call has one message).
      // request_id_field_ is set only for methods whose handler gets the
      // generated message type, so the cast is to what gRPC holds.
      const auto* request =
          static_cast<const google::protobuf::Message*>(methods->GetRecvMessage());
      if (request != nullptr) {
        std::string scratch;
        const std::string& id = request->GetReflection()->GetStringReference(
            *request, request_id_field_, &scratch);
        if (AcceptableRequestId(id)) {
          request_id_ = id;
          if (unary_) BeginCallOnThread(this, request_id_);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, RequestId());
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      bool modified = false;
      if (std::optional<grpc::Status> replacement = NoHandlerAnswer(status)) {
        status = *std::move(replacement);
        modified = true;
      }
      // Only failures pay for this (a parse of the details, usually finding
      // the id ToGrpcStatus put there already).
      std::string reason;  // of a failure: read while the id is added
      if (!status.ok() && AddRequestId(RequestId(), &status, &reason)) modified = true;
      if (modified) methods->ModifySendStatus(status);
      const absl::Duration latency = absl::Now() - start_;
      if (stats_ != nullptr) {
        stats_->Record(method_, status.error_code(), latency);
        if (IsDenial(status.error_code())) stats_->RecordDenial(reason);
      }
      AccessRecord record;
      record.method = method_;
      record.code = static_cast<absl::StatusCode>(status.error_code());
      record.latency_micros = std::max<int64_t>(0, absl::ToInt64Microseconds(latency));
      record.request_id = RequestId();
      record.actor = CurrentActor(this);
      writer_->WriteAccess(record);
      EndCallOnThread(this);
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
    SetCurrentActor(caller->label);
    if (audit_ != nullptr && IsWriteMethod(method_)) {
      // Every write is audited (audit.proto), also one that could not be
      // read: no resource (it was in the bytes), the call's request id.
      domain::AuditEntry entry = domain::MakeAuditEntry(
          domain::AuditContext{caller->label, method_, RequestId()}, "", *unparsable);
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
  const google::protobuf::FieldDescriptor* const request_id_field_;  // or null
  CallStats* const stats_;  // or null
  const bool unary_;
  bool saw_request_ = false;
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

void AccessLogWriter::Write(absl::string_view message) {
  std::string line;
  if (GetLogFormat() == LogFormat::kJson) {
    line.reserve(80 + message.size());
    JsonLine(&line).Time("time", absl::Now()).String("level", "INFO").String("message", message).End();
  } else {
    line.reserve(40 + message.size());
    AppendLogTime(absl::Now(), &line);
    absl::StrAppend(&line, " INFO ", message, "\n");
  }
  Append(line);
}

void AccessLogWriter::WriteAccess(const AccessRecord& record) {
  const absl::Time now = absl::Now();
  const absl::string_view code = CodeName(record.code);
  std::string line;
  if (GetLogFormat() == LogFormat::kJson) {
    line.reserve(200 + record.method.size() + record.request_id.size() + record.actor.size());
    JsonLine(&line)
        .Time("time", now)
        .String("level", "INFO")
        .String("message", "access")
        .String("request_id", record.request_id)
        .String("method", record.method)
        .String("actor", record.actor)
        .String("code", code)
        .Millis("latency_ms", record.latency_micros)
        .End();
  } else {
    // Today's text line, byte for byte.
    line.reserve(120 + record.method.size() + record.request_id.size());
    AppendLogTime(now, &line);
    absl::StrAppend(&line, " INFO access method=", LogValue(record.method), " code=", code,
                    " duration_ms=", record.latency_micros / 1000, ".",
                    absl::Dec(record.latency_micros % 1000, absl::kZeroPad3),
                    " request_id=", LogValue(record.request_id), "\n");
  }
  Append(line);
}

void AccessLogWriter::Append(absl::string_view line) {
  const size_t shard =
      std::hash<std::thread::id>()(std::this_thread::get_id()) % kShards;
  {
    absl::MutexLock lock(&shards_[shard].mu);
    shards_[shard].buffer.append(line.data(), line.size());
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

AccessLogInterceptorFactory::AccessLogInterceptorFactory(AccessControl* access,
                                                         domain::AuditLog* audit,
                                                         AccessLogWriter* writer)
    : access_(access), audit_(audit), writer_(writer) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& method : MethodsInRoleTable()) {
    // "/envcredit.v1.ListService/StartNotice"
    const size_t slash = method.rfind('/');
    if (method.empty() || slash == 0 || slash == std::string::npos) continue;
    const auto* service = pool->FindServiceByName(method.substr(1, slash - 1));
    if (service == nullptr) continue;
    const auto* rpc = service->FindMethodByName(method.substr(slash + 1));
    // Only unary methods: their handler gets the generated request type
    // (a unary method served raw, with grpc::ByteBuffer, would have to be
    // left out here; today only the streaming WatchRatingChanges is raw).
    if (rpc == nullptr || rpc->client_streaming() || rpc->server_streaming()) continue;
    const auto* field = rpc->input_type()->FindFieldByName("request_id");
    if (field != nullptr && !field->is_repeated() &&
        field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      request_id_fields_.emplace(method, field);
    }
  }
}

grpc::experimental::Interceptor*
AccessLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const auto it = request_id_fields_.find(absl::string_view(info->method()));
  return new AccessLogInterceptor(info, access_, audit_, writer_,
                                  it == request_id_fields_.end() ? nullptr : it->second,
                                  stats_);
}

}  // namespace envcredit::api
