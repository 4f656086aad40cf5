#include "admin-cli/clients/rating_client.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "admin-cli/call_context.h"
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
  explicit GrpcRatingClient(const CallContext& context)
      : context_(context),
        stub_(v1::RatingService::NewStub(context.NewChannel())) {}

  grpc::Status GetRating(const std::string& call_id,
                         const v1::GetRatingRequest& request,
                         v1::Rating* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RatingService::Stub::GetRating, request, response);
  }
  grpc::Status BatchGetRatings(const std::string& call_id,
                               const v1::BatchGetRatingsRequest& request,
                               v1::BatchGetRatingsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RatingService::Stub::BatchGetRatings, request, response);
  }
  grpc::Status ListRatings(const std::string& call_id,
                           const v1::ListRatingsRequest& request,
                           v1::ListRatingsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RatingService::Stub::ListRatings, request, response);
  }
  grpc::Status GetRatingHistory(
      const std::string& call_id, const v1::GetRatingHistoryRequest& request,
      v1::GetRatingHistoryResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RatingService::Stub::GetRatingHistory, request,
                  response);
  }

  grpc::Status WatchRatingChanges(const std::string& call_id,
                                  const v1::WatchRatingChangesRequest& request,
                                  const RatingChangesCallback& on_response,
                                  const std::atomic<bool>* cancel) override {
    if (cancel != nullptr && cancel->load()) return Cancelled();
    grpc::ClientContext context;
    // No deadline: the feed is meant to run for days.
    context_.Prepare(call_id, context, Deadline::kNone);
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
    return Invoke(context_, call_id, *stub_,
                  &v1::RatingService::Stub::RollRatings, request, response);
  }
  grpc::Status RescoreRatings(const std::string& call_id,
                              const v1::RescoreRatingsRequest& request,
                              v1::RescoreRatingsResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RatingService::Stub::RescoreRatings, request, response);
  }
  grpc::Status LookupPublicRating(const std::string& call_id,
                                  const v1::LookupPublicRatingRequest& request,
                                  v1::LookupPublicRatingResponse* response) override {
    return Invoke(context_, call_id, *stub_,
                  &v1::RatingService::Stub::LookupPublicRating, request, response);
  }

 private:
  static grpc::Status Cancelled() {
    return grpc::Status(grpc::StatusCode::CANCELLED,
                        "the watch was cancelled by the client");
  }

  const CallContext context_;
  const std::unique_ptr<v1::RatingService::Stub> stub_;  // thread-safe
};

}  // namespace

std::unique_ptr<RatingClient> NewGrpcRatingClient(const Connection& connection) {
  return std::make_unique<GrpcRatingClient>(CallContext(connection));
}

}  // namespace envcredit::admin
