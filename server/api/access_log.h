// The access log, and what happens to calls that never reach a handler.
//
// A server interceptor writes one access-log line per call. With
// --log_format=text (the default):
//   ... INFO access method=/envcredit.v1.EnterpriseService/GetEnterprise
//            code=NOT_FOUND duration_ms=0.412 request_id=3f2a...
// (values that hold spaces, '=' or quotes are quoted, see log_value.h); with
// --log_format=json one JSON object (common/json_line.h):
//   {"time":"...","level":"INFO","message":"access","request_id":"3f2a...",
//    "method":"/envcredit.v1.EnterpriseService/GetEnterprise",
//    "actor":"ops-team","code":"NOT_FOUND","latency_ms":0.412}
// where `actor` is the token label the access check admitted ("anonymous"
// for a method open to all, "" for a call it refused or never checked).
//
// One request id per call (doc/operations.md "Logs"): the request's own
// `request_id` field when the method's request has one and the client set it
// (a valid one: up to 64 printable characters), else the client's
// `x-request-id` metadata (same rule), else one the server makes. The field
// wins over the metadata. The same id is in the access-log line, in the
// audit entry of a write (CallAudit::Context reads it from call_state.h), in
// metadata["request_id"] of the ErrorInfo of every error (ToGrpcStatus adds
// it on the call's thread; the interceptor adds it to a status made
// elsewhere, e.g. by gRPC), and in the response's initial metadata
// `x-request-id`, so a caller can quote it when reporting a problem.
//
// Lines go to an AccessLogWriter: the calling thread appends to a buffer in
// memory (no write syscall) and the writer's own thread writes the buffer to
// stderr every `flush_interval`; Stop() writes what is left, so a SIGTERM
// drain loses nothing (a SIGKILL loses at most one interval).
//
// For a call whose request gRPC could not parse (malformed_request.h), the
// handler — and so its access check — never runs. The interceptor then runs
// the same check (AccessControl::Check) first: a caller that would be denied
// gets the denial, not the parse error; one that passes gets INVALID_ARGUMENT
// naming the field, and a write is audited with the caller as actor. A method
// this server does not have (gRPC answers UNIMPLEMENTED) is denied like any
// method missing from the role table: PERMISSION_DENIED, METHOD_NOT_ALLOWED.
#ifndef ENVCREDIT_SERVER_API_ACCESS_LOG_H_
#define ENVCREDIT_SERVER_API_ACCESS_LOG_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/support/server_interceptor.h"
#include "server/api/access_control.h"
#include "server/api/call_stats.h"
#include "server/domain/audit.h"

namespace envcredit::api {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// One access-log line: what the interceptor knows when the call ends.
struct AccessRecord {
  absl::string_view method;      // "/envcredit.v1.X/Y"
  absl::StatusCode code = absl::StatusCode::kOk;
  int64_t latency_micros = 0;
  absl::string_view request_id;
  absl::string_view actor;       // JSON only (the text line has no actor)
};

// Buffered INFO lines, in the format of common/log.h (GetLogFormat, chosen
// at start-up). Thread-safe: callers append
// under one of 8 mutexes chosen by thread, so they rarely wait for each
// other; lines of different threads may reach the file slightly out of time
// order within one interval (each carries its own timestamp).
class AccessLogWriter {
 public:
  // Writes to file descriptor `fd` (stderr by default).
  explicit AccessLogWriter(int fd = 2,
                           absl::Duration flush_interval = absl::Milliseconds(100));
  ~AccessLogWriter();  // Stop()
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;

  // Starts the thread that writes the buffer every interval.
  void Start();
  // Ends the thread and writes everything buffered. Lines appended after
  // Stop() are written at once (no thread is left to do it later).
  void Stop();

  // Appends one line ("<UTC time> INFO <message>\n"; in JSON the message
  // is the "message" key).
  void Write(absl::string_view message);

  // Appends the access-log line of `record` (see the top of this file), built
  // in one string: no allocation beyond that line's.
  void WriteAccess(const AccessRecord& record);

  // Writes everything buffered now.
  void Flush();

 private:
  struct Shard {
    absl::Mutex mu;
    std::string buffer ABSL_GUARDED_BY(mu);
  };
  static constexpr int kShards = 8;

  void Run();
  void Append(absl::string_view line);
  void WriteAll(absl::string_view bytes);

  const int fd_;
  const absl::Duration flush_interval_;
  std::array<Shard, kShards> shards_;
  absl::Mutex write_mu_;  // one flush at a time: lines of a shard in order
  absl::Mutex state_mu_;
  bool running_ ABSL_GUARDED_BY(state_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(state_mu_) = false;
  // Whether the thread will write appended lines (else Write flushes).
  std::atomic<bool> buffered_{false};
  std::thread thread_;
};

class AccessLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // Every pointer must outlive the server. `audit` may be null (no audit of
  // unparsable writes).
  AccessLogInterceptorFactory(AccessControl* access, domain::AuditLog* audit,
                              AccessLogWriter* writer);

  // Also counts every call in `stats` (metrics; may stay unset). Set before
  // the server starts.
  void set_call_stats(CallStats* stats) { stats_ = stats; }

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  AccessControl* const access_;
  domain::AuditLog* const audit_;
  AccessLogWriter* const writer_;
  CallStats* stats_ = nullptr;
  // The string field `request_id` of the request of each method of the role
  // table that has one (full method name -> field), built once.
  absl::flat_hash_map<std::string, const google::protobuf::FieldDescriptor*>
      request_id_fields_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_ACCESS_LOG_H_
