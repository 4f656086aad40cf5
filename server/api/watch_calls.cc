#include "server/api/watch_calls.h"

#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "server/api/grpc_status.h"
#include "server/api/rating_convert.h"

namespace envcredit::api {

// ---------------------------------------------------------- WatchWorkers

WatchWorkers::WatchWorkers(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] { Run(); });
  }
}

WatchWorkers::~WatchWorkers() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

void WatchWorkers::Post(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(task));
}

void WatchWorkers::Run() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || !tasks_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (tasks_.empty()) return;  // stopping, and nothing left to run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

// ------------------------------------------------------------ WireCache

namespace {

// Appends `field` of wire type 2 holding `bytes`.
void AppendLengthDelimited(int field, const std::string& bytes, std::string* out) {
  google::protobuf::io::StringOutputStream stream(out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.WriteTag(google::protobuf::internal::WireFormatLite::MakeTag(
      field, google::protobuf::internal::WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
  coded.WriteVarint32(static_cast<uint32_t>(bytes.size()));
  coded.WriteRaw(bytes.data(), static_cast<int>(bytes.size()));
}

// Appends the response's `cursor` field (2).
void AppendCursor(int64_t cursor, std::string* out) {
  google::protobuf::io::StringOutputStream stream(out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.WriteTag(google::protobuf::internal::WireFormatLite::MakeTag(
      v1::WatchRatingChangesResponse::kCursorFieldNumber,
      google::protobuf::internal::WireFormatLite::WIRETYPE_VARINT));
  coded.WriteVarint64(static_cast<uint64_t>(cursor));
}

}  // namespace

WireCache::Bytes WireCache::Of(const domain::FeedEvent& event) {
  Shard& shard = shards_[static_cast<size_t>(event.cursor) % kShards];
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.bytes.find(event.cursor);
    if (it != shard.bytes.end()) return it->second;
  }
  auto bytes = std::make_shared<std::string>();
  if (event.rating) {
    AppendLengthDelimited(v1::WatchRatingChangesResponse::kChangesFieldNumber,
                          ToProto(*event.rating).SerializeAsString(), bytes.get());
  }
  if (event.list) {
    AppendLengthDelimited(v1::WatchRatingChangesResponse::kListChangesFieldNumber,
                          ToProto(*event.list).SerializeAsString(), bytes.get());
  }
  absl::MutexLock lock(&shard.mu);
  auto [it, added] = shard.bytes.try_emplace(event.cursor, std::move(bytes));
  if (added && event.cursor > shard.newest) {
    shard.newest = event.cursor;
    if (static_cast<int64_t>(shard.bytes.size()) > 2 * kKeep / kShards) {
      const int64_t oldest_kept = shard.newest - kKeep;
      absl::erase_if(shard.bytes, [oldest_kept](const auto& entry) {
        return entry.first < oldest_kept;
      });
    }
  }
  return it->second;
}

// ---------------------------------------------------------- one watch
namespace {


// One watch call, from the request gRPC matches to it to its end. Every
// decision is taken in Advance under mu_; the completions of its operations
// (on the watches' thread), the feed's calls and the workers' results only
// change state and call Advance. At most one write is in flight; Finish is
// called once, never while a write is in flight. It holds itself (self_)
// from Request until gRPC is done with it: its Finish has completed and the
// call is over (the done notice), or the request was never matched.
//
// Lock order: mu_, then the feed's lock, then the queue's. Write and Finish
// are started under mu_: their completions arrive later, on the watches'
// thread, never inline.
class WatchCall final : public ratings::FeedWatcher,
                        public std::enable_shared_from_this<WatchCall> {
 public:
  WatchCall(WatchCalls* owner, WatchService* service, ratings::ChangeFeed* feed,
            WatchWorkers* workers, const WatchOptions* options, const WatchCalls::Admit* admit,
            WireCache* wire)
      : owner_(*owner),
        service_(*service),
        feed_(*feed),
        workers_(*workers),
        options_(*options),
        admit_(*admit),
        wire_(*wire),
        writer_(&context_) {}

  // Asks gRPC for the next call, into this object.
  void Request(grpc::ServerCompletionQueue* cq) {
    self_ = shared_from_this();
    context_.AsyncNotifyWhenDone(&done_tag_);
    service_.RequestWatchRatingChanges(&context_, &request_bytes_, &writer_, cq, cq,
                                       &accepted_tag_);
  }

  void OnFeedChanged() override { Advance(); }

 private:
  struct Op final : WatchCalls::Tag {
    Op(WatchCall* call, void (WatchCall::*on)(bool)) : call(call), on(on) {}
    void Proceed(bool ok) override {
      std::shared_ptr<WatchCall> keep = call->shared_from_this();
      (call->*on)(ok);
    }
    WatchCall* const call;
    void (WatchCall::*const on)(bool);
  };

  void OnAccepted(bool ok) {
    if (!ok) {  // the server is shutting down: no call came, none will
      Release();
      return;
    }
    owner_.AcceptNext();
    grpc::Slice bytes;
    const bool parsed =
        request_bytes_.DumpToSingleSlice(&bytes).ok() &&
        request_.ParseFromArray(bytes.begin(), static_cast<int>(bytes.size()));
    if (!parsed) request_.Clear();
    grpc::Status admitted = admit_(&context_, request_);
    if (admitted.ok() && !parsed) {
      admitted = ToGrpcStatus(MakeError(absl::StatusCode::kInvalidArgument, "MALFORMED_REQUEST",
                                        "the request could not be parsed as a "
                                        "WatchRatingChangesRequest"));
    }
    if (!admitted.ok()) {
      absl::MutexLock lock(&mu_);
      FinishLocked(admitted);
      return;
    }
    workers_.Post([me = shared_from_this()] { me->ResolveStart(); });
  }

  void OnWriteDone(bool ok) {
    {
      absl::MutexLock lock(&mu_);
      write_in_flight_ = false;
      if (!ok) broken_ = true;  // the client left or the call was cancelled
    }
    Advance();
  }

  void OnFinishDone(bool) {
    {
      absl::MutexLock lock(&mu_);
      finish_done_ = true;
      if (!call_done_) return;
    }
    Release();
  }

  // The call is over (finished, or cancelled by the client or the server).
  void OnCallDone(bool) {
    {
      absl::MutexLock lock(&mu_);
      call_done_ = true;
      if (context_.IsCancelled()) cancelled_ = true;
    }
    Advance();  // finishes a cancelled call
    {
      absl::MutexLock lock(&mu_);
      if (!finish_done_) return;
    }
    Release();
  }

  void Release() {
    std::shared_ptr<WatchCall> last;  // frees this when the caller's copy goes
    std::shared_ptr<ratings::FeedQueue> queue;
    {
      absl::MutexLock lock(&mu_);
      queue = std::move(queue_);
      last = std::move(self_);
    }
    if (queue) feed_.Unsubscribe(queue.get());
  }

  // On a worker: the cursor the watch starts after.
  void ResolveStart() {
    absl::StatusOr<int64_t> start =
        request_.start_at_end()      ? feed_.EndStart()
        : request_.start_at_oldest() ? feed_.OldestStart()
                                     : feed_.ResolveStart(request_.after_cursor());
    {
      absl::MutexLock lock(&mu_);
      if (start.ok()) {
        cursor_ = delivered_ = *start;
        started_ = true;
        first_due_ = true;
      } else {
        error_ = ToGrpcStatus(start.status());
      }
    }
    Advance();
  }

  // On a worker: up to one batch after cursor_ (older than the window, or
  // more than a queue behind).
  void CatchUp(int64_t after) {
    absl::StatusOr<std::vector<domain::FeedEvent>> events =
        feed_.ReadAfter(after, options_.batch, absl::InfinitePast());
    {
      absl::MutexLock lock(&mu_);
      read_pending_ = false;
      if (events.ok()) {
        caught_up_ = std::move(*events);
      } else {
        error_ = ToGrpcStatus(events.status());
      }
    }
    Advance();
  }

  void Advance() {
    absl::MutexLock lock(&mu_);
    if (finished_ || write_in_flight_) return;
    if (cancelled_ || broken_) {
      return FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled"));
    }
    if (error_) return FinishLocked(*error_);
    if (!started_) return;  // ResolveStart calls again
    if (first_due_) {
      // The first response: no change, the cursor the stream starts after.
      first_due_ = false;
      ClearResponse();
      return WriteLocked();
    }
    if (feed_.stopping()) return FinishLocked(Stopping());
    for (;;) {
      if (!queue_) {
        if (read_pending_) return;  // CatchUp calls again
        if (!caught_up_.empty()) {
          std::vector<domain::FeedEvent> events = std::move(caught_up_);
          caught_up_.clear();
          ClearResponse();
          for (const domain::FeedEvent& e : events) Add(e);
          if (HasChanges()) return WriteLocked();
          continue;  // all filtered out: the cursor still moved
        }
        queue_ = feed_.Subscribe(cursor_, options_.queue_events, weak_from_this());
        if (!queue_) {
          read_pending_ = true;
          workers_.Post([me = shared_from_this(), after = cursor_] { me->CatchUp(after); });
          return;
        }
      }
      ratings::FeedQueue::Taken taken = queue_->Take(options_.batch);
      if (!taken.events.empty()) {
        ClearResponse();
        for (const auto& e : taken.events) Add(*e);
        if (HasChanges()) return WriteLocked();
        continue;
      }
      if (taken.overflowed) return FinishLocked(TooSlow());
      if (taken.stopping) return FinishLocked(Stopping());
      if (absl::Now() - last_write_ >= options_.keepalive) {
        ClearResponse();
        return WriteLocked();
      }
      return;  // the feed calls again
    }
  }

  void ClearResponse() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    response_.clear();
    changes_ = 0;
  }

  // Adds `e` to the response (its bytes, encoded once for all watchers);
  // the cursor moves past it whether or not it is sent.
  void Add(const domain::FeedEvent& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    cursor_ = e.cursor;
    // An event is one kind: a rating change (sent when it changed the level
    // or the watcher asked for point changes too), a list change (always
    // sent) or a records change (never sent).
    if (e.rating && !e.rating->level_changed() && !request_.include_point_changes()) return;
    if (!e.rating && !e.list) return;
    response_.append(*wire_.Of(e));
    ++changes_;
  }

  bool HasChanges() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return changes_ > 0; }

  // Sends the response (its events and the cursor it stands at).
  void WriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    write_in_flight_ = true;
    delivered_ = cursor_;
    last_write_ = absl::Now();
    AppendCursor(cursor_, &response_);
    grpc::Slice slice(response_);
    message_ = grpc::ByteBuffer(&slice, 1);
    writer_.Write(message_, &write_tag_);
  }

  void FinishLocked(grpc::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    finished_ = true;
    writer_.Finish(std::move(status), &finish_tag_);
  }

  grpc::Status Stopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return ToGrpcStatus(WithMetadata(
        MakeError(absl::StatusCode::kUnavailable, "SERVER_STOPPING",
                  absl::StrCat("the server is stopping; resume after cursor ",
                               delivered_)),
        "resume_cursor", absl::StrCat(delivered_)));
  }

  grpc::Status TooSlow() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return ToGrpcStatus(WithMetadata(
        MakeError(absl::StatusCode::kResourceExhausted, "WATCHER_TOO_SLOW",
                  absl::StrCat("this watch fell more than ", options_.queue_events,
                               " events behind the feed; resume after cursor ",
                               delivered_, " (resume_cursor in the error details)")),
        "resume_cursor", absl::StrCat(delivered_)));
  }

  WatchCalls& owner_;
  WatchService& service_;
  ratings::ChangeFeed& feed_;
  WatchWorkers& workers_;
  const WatchOptions& options_;
  const WatchCalls::Admit& admit_;
  WireCache& wire_;

  // gRPC's side: written by gRPC until the request is matched, then read.
  grpc::ServerContext context_;
  grpc::ByteBuffer request_bytes_;
  v1::WatchRatingChangesRequest request_;  // parsed once matched
  grpc::ServerAsyncWriter<grpc::ByteBuffer> writer_;
  Op accepted_tag_{this, &WatchCall::OnAccepted};
  Op write_tag_{this, &WatchCall::OnWriteDone};
  Op finish_tag_{this, &WatchCall::OnFinishDone};
  Op done_tag_{this, &WatchCall::OnCallDone};

  absl::Mutex mu_;
  std::shared_ptr<WatchCall> self_ ABSL_GUARDED_BY(mu_);  // until Release
  std::shared_ptr<ratings::FeedQueue> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<domain::FeedEvent> caught_up_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> error_ ABSL_GUARDED_BY(mu_);
  std::string response_ ABSL_GUARDED_BY(mu_);  // the next one's bytes
  int changes_ ABSL_GUARDED_BY(mu_) = 0;        // events in it
  grpc::ByteBuffer message_ ABSL_GUARDED_BY(mu_);  // the one write in flight
  int64_t cursor_ ABSL_GUARDED_BY(mu_) = 0;     // the last event taken
  int64_t delivered_ ABSL_GUARDED_BY(mu_) = 0;  // the cursor last written
  absl::Time last_write_ ABSL_GUARDED_BY(mu_) = absl::Now();
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool first_due_ ABSL_GUARDED_BY(mu_) = false;
  bool read_pending_ ABSL_GUARDED_BY(mu_) = false;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_done_ ABSL_GUARDED_BY(mu_) = false;
  bool call_done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool broken_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

// ------------------------------------------------------------ WatchCalls

WatchCalls::WatchCalls(WatchService* service, ratings::ChangeFeed* feed, WatchWorkers* workers,
                       WatchOptions options, Admit admit)
    : service_(*service),
      feed_(*feed),
      workers_(*workers),
      options_(options),
      admit_(std::move(admit)) {}

WatchCalls::~WatchCalls() { Stop(); }

void WatchCalls::Start(grpc::ServerCompletionQueue* cq) {
  cq_ = cq;
  AcceptNext();
  thread_ = std::thread([this] { Drain(); });
}

void WatchCalls::AcceptNext() {
  auto call = std::make_shared<WatchCall>(this, &service_, &feed_, &workers_, &options_, &admit_,
                                          &wire_);
  call->Request(cq_);
}

void WatchCalls::Drain() {
  // Never blocks in the completion queue: a thread waiting there would join
  // the pollers of the process's one epoll set (see the header).
  const auto tick = absl::ToChronoMilliseconds(options_.tick);
  for (;;) {
    void* tag = nullptr;
    bool ok = false;
    switch (cq_->AsyncNext(&tag, &ok, std::chrono::system_clock::now())) {
      case grpc::CompletionQueue::GOT_EVENT:
        static_cast<Tag*>(tag)->Proceed(ok);
        break;
      case grpc::CompletionQueue::TIMEOUT:
        std::this_thread::sleep_for(tick);
        break;
      case grpc::CompletionQueue::SHUTDOWN:
        return;
    }
  }
}

void WatchCalls::Stop() {
  if (!thread_.joinable()) return;
  cq_->Shutdown();
  thread_.join();
}

}  // namespace envcredit::api
