#include "admin-cli/rating_client.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "admin-cli/enterprise_client.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace envcredit::admin {
namespace {

// How often a watch looks at its cancel flag while it waits for the server.
constexpr std::chrono::milliseconds kCancelPoll(100);

// Sets `*cancelled` and cancels `context` once `*flag` becomes true; stops
// when Finish() is called. The flag may be set by a signal handler, which
// cannot notify a condition variable, so the flag is polled.
class CancelWatcher {
 public:
  CancelWatcher(const std::atomic<bool>* flag, grpc::ClientContext* context)
      : flag_(flag), context_(context) {
    if (flag_ != nullptr) thread_ = std::thread([this] { Run(); });
  }
  CancelWatcher(const CancelWatcher&) = delete;
  CancelWatcher& operator=(const CancelWatcher&) = delete;
  ~CancelWatcher() { Finish(); }

  // Stops the thread; afterwards cancelled() no longer changes.
  void Finish() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // True once the thread has cancelled the call.
  bool cancelled() const { return cancelled_.load(); }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_) {
      if (flag_->load()) {
        cancelled_.store(true);
        context_->TryCancel();
        return;
      }
      cv_.wait_for(lock, kCancelPoll);
    }
  }

  const std::atomic<bool>* const flag_;
  grpc::ClientContext* const context_;
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

class GrpcRatingClient final : public RatingClient {
 public:
  GrpcRatingClient(const std::shared_ptr<grpc::Channel>& channel,
                   double timeout_seconds, std::string token)
      : stub_(v1::RatingService::NewStub(channel)),
        timeout_seconds_(timeout_seconds),
        token_(std::move(token)) {}

  grpc::Status GetRating(const std::string& call_id,
                         const v1::GetRatingRequest& request,
                         v1::Rating* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->GetRating(&context, request, response);
  }
  grpc::Status BatchGetRatings(const std::string& call_id,
                               const v1::BatchGetRatingsRequest& request,
                               v1::BatchGetRatingsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->BatchGetRatings(&context, request, response);
  }
  grpc::Status ListRatings(const std::string& call_id,
                           const v1::ListRatingsRequest& request,
                           v1::ListRatingsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->ListRatings(&context, request, response);
  }
  grpc::Status GetRatingHistory(
      const std::string& call_id, const v1::GetRatingHistoryRequest& request,
      v1::GetRatingHistoryResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->GetRatingHistory(&context, request, response);
  }

  grpc::Status WatchRatingChanges(const std::string& call_id,
                                  const v1::WatchRatingChangesRequest& request,
                                  const RatingChangesCallback& on_response,
                                  const std::atomic<bool>* cancel) override {
    if (cancel != nullptr && cancel->load()) return Cancelled();
    grpc::ClientContext context;
    // No deadline: the feed is meant to run for days. Same headers as
    // PrepareCallContext otherwise.
    if (!call_id.empty()) context.AddMetadata(kRequestIdHeader, call_id);
    if (!token_.empty()) {
      context.AddMetadata(kAuthorizationHeader, "Bearer " + token_);
    }
    CancelWatcher watcher(cancel, &context);
    std::unique_ptr<grpc::ClientReader<v1::WatchRatingChangesResponse>> reader =
        stub_->WatchRatingChanges(&context, request);
    v1::WatchRatingChangesResponse response;
    bool stopped = false;    // by on_response
    bool cancelled = false;  // by the flag, seen between two responses
    while (reader->Read(&response)) {
      if (cancel != nullptr && cancel->load()) {
        cancelled = true;
        break;
      }
      if (!on_response(response)) {
        stopped = true;
        break;
      }
    }
    if (stopped || cancelled) {
      context.TryCancel();
      while (reader->Read(&response)) {  // drain before Finish()
      }
    }
    const grpc::Status status = reader->Finish();
    watcher.Finish();
    if (cancelled || watcher.cancelled()) return Cancelled();
    if (stopped) return grpc::Status::OK;
    return status;
  }

  grpc::Status RollRatings(const std::string& call_id,
                           const v1::RollRatingsRequest& request,
                           v1::RollRatingsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->RollRatings(&context, request, response);
  }
  grpc::Status RescoreRatings(const std::string& call_id,
                              const v1::RescoreRatingsRequest& request,
                              v1::RescoreRatingsResponse* response) override {
    grpc::ClientContext context;
    PrepareCallContext(timeout_seconds_, token_, call_id, context);
    return stub_->RescoreRatings(&context, request, response);
  }

 private:
  static grpc::Status Cancelled() {
    return grpc::Status(grpc::StatusCode::CANCELLED,
                        "the watch was cancelled by the client");
  }

  const std::unique_ptr<v1::RatingService::Stub> stub_;  // thread-safe
  const double timeout_seconds_;
  const std::string token_;
};

std::shared_ptr<grpc::Channel> NewChannel(const std::string& server) {
  grpc::ChannelArguments args;
  // A batch of 1,000 ratings with their explanations stays far below this.
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // Pings on an idle watch: a dead connection ends the stream instead of
  // leaving it waiting for ever. 5 minutes is the least a gRPC server
  // accepts by default (GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS).
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 5 * 60 * 1000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(),
                                   args);
}

}  // namespace

std::unique_ptr<RatingClient> NewGrpcRatingClient(const std::string& server,
                                                  double timeout_seconds,
                                                  const std::string& token) {
  return std::make_unique<GrpcRatingClient>(NewChannel(server), timeout_seconds,
                                            token);
}

}  // namespace envcredit::admin
