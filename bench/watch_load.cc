// watch-load: many WatchRatingChanges streams on one server while rating
// changes are written through the API (doc/benchmarks.md "Watchers"). Opens
// --watchers streams (gRPC's callback client API: a reactor each, no thread
// each) over --channels connections, all starting at the end of the feed
// with point changes included; waits until every stream has its first
// response; then writes --writes_per_second penalty decisions for --seconds
// through CreatePenaltyDecision (a fine of today on the enterprises of
// --codes_file, round robin: each moves its enterprise's points, so each is
// one rating change), paced on a fixed schedule by --writers threads. Every
// watcher timestamps each change it receives against the change's
// record_time (set by the server in the write's transaction, so the figure
// includes the commit); after the writes it waits up to --drain_seconds
// for every watcher to have every change, cancels the streams and prints
// one line:
//
//   method=watch watchers=1000 channels=8 streams_failed=0 streams_ended=0
//   writes=10000 write_errors=0 writes_per_s=499.9 changes=10000
//   deliveries=10000000 missing=0 p50_ms=… p90_ms=… p99_ms=… max_ms=…
//
// `changes` are the distinct rating changes any watcher received after the
// start (a write that left a rating as it was is not one); `missing` is
// what watchers lacked of them at the end (expected watchers × changes
// minus deliveries). Latency percentiles are nearest-rank over every
// delivery.
//
//   watch-load --target 127.0.0.1:PORT --token_file F --codes_file C
//              [--watchers 1000] [--channels 8] [--writes_per_second 500]
//              [--seconds 20] [--writers 8] [--drain_seconds 10]
//              [--credentials local|insecure]
//
// Exit status: 0 when every stream opened and lasted, every write succeeded
// and nothing is missing; 1 otherwise (the line still prints; stderr says
// what failed); 2 for bad flags or an unreachable target. Loopback only;
// stops by itself (the whole run is bounded by seconds + drain + 60 s).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"

ABSL_FLAG(std::string, target, "", "server address host:port (loopback, required)");
ABSL_FLAG(std::string, token_file, "", "file whose first line is a REGULATOR or ADMIN token");
ABSL_FLAG(std::string, codes_file, "", "credit codes to write decisions for, one a line");
ABSL_FLAG(int, watchers, 1000, "WatchRatingChanges streams");
ABSL_FLAG(int, channels, 8, "connections the streams are spread over");
ABSL_FLAG(double, writes_per_second, 500, "penalty decisions written per second");
ABSL_FLAG(int, seconds, 20, "how long to write");
ABSL_FLAG(int, writers, 8, "threads writing (each one call at a time)");
ABSL_FLAG(int, drain_seconds, 10, "how long to wait for the last deliveries");
ABSL_FLAG(std::string, credentials, "local", "local (LOCAL_TCP) | insecure");

namespace envcredit::bench {
namespace {

namespace v1 = ::envcredit::v1;

int Fail(const std::string& message) {
  std::cerr << "watch-load: " << message << "\n";
  return 2;
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    absl::string_view v = absl::StripAsciiWhitespace(line);
    if (!v.empty() && v[0] != '#') lines.emplace_back(v);
  }
  return lines;
}

// The few fields a watcher measures, read from the response's wire bytes
// without parsing the messages: a thousand watchers on the machine that
// also runs the server must not cost more than the server does (a full
// parse costs about 6 µs a change here, which alone saturates both cores at
// 500,000 deliveries a second). WatchRatingChangesResponse: field 1 repeated
// RatingChange {1 cursor, 14 record_time {1 seconds, 2 nanos}}, field 2 the
// stream's cursor.
class Wire {
 public:
  explicit Wire(absl::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ >= end_; }
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const uint8_t b = static_cast<uint8_t>(*p_++);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  // The next field: its number and wire type; for a length-delimited one
  // its bytes in `*inner`. False at the end or on malformed bytes.
  bool Next(int* field, int* type, uint64_t* value, absl::string_view* inner) {
    uint64_t tag = 0;
    if (done() || !Varint(&tag)) return false;
    *field = static_cast<int>(tag >> 3);
    *type = static_cast<int>(tag & 7);
    switch (*type) {
      case 0:
        return Varint(value);
      case 1:
        if (end_ - p_ < 8) return false;
        p_ += 8;
        return true;
      case 5:
        if (end_ - p_ < 4) return false;
        p_ += 4;
        return true;
      case 2: {
        uint64_t n = 0;
        if (!Varint(&n) || static_cast<uint64_t>(end_ - p_) < n) return false;
        *inner = absl::string_view(p_, n);
        p_ += n;
        return true;
      }
      default:
        return false;
    }
  }

 private:
  const char* p_;
  const char* end_;
};

struct Received {
  int64_t cursor = 0;
  absl::Time record_time;
};

// The changes of one response (and whether the bytes were well formed).
bool ScanResponse(absl::string_view bytes, std::vector<Received>* changes, int64_t* cursor) {
  Wire top(bytes);
  int field = 0, type = 0;
  uint64_t value = 0;
  absl::string_view inner;
  while (!top.done()) {
    if (!top.Next(&field, &type, &value, &inner)) return false;
    if (field == 2 && type == 0) *cursor = static_cast<int64_t>(value);
    if (field != 1 || type != 2) continue;
    Received r;
    Wire change(inner);
    while (!change.done()) {
      absl::string_view sub;
      if (!change.Next(&field, &type, &value, &sub)) return false;
      if (field == 1 && type == 0) r.cursor = static_cast<int64_t>(value);
      if (field == 14 && type == 2) {
        Wire ts(sub);
        int64_t seconds = 0, nanos = 0;
        absl::string_view unused;
        while (!ts.done()) {
          if (!ts.Next(&field, &type, &value, &unused)) return false;
          if (field == 1) seconds = static_cast<int64_t>(value);
          if (field == 2) nanos = static_cast<int64_t>(value);
        }
        r.record_time = absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
      }
    }
    changes->push_back(r);
  }
  return true;
}

// One stream (a generic bidi call from this side: the same frames as the
// server-streaming method), counting what it receives and how late.
class Watcher final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  Watcher(grpc::GenericStub* stub, const std::string& token) {
    context_.AddMetadata("authorization", "Bearer " + token);
    v1::WatchRatingChangesRequest request;
    request.set_start_at_end(true);
    request.set_include_point_changes(true);
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub->PrepareBidiStreamingCall(&context_, "/envcredit.v1.RatingService/WatchRatingChanges",
                                   grpc::StubOptions(), this);
    StartWrite(&request_, grpc::WriteOptions().set_last_message());
    StartRead(&response_);
    StartCall();
  }

  void OnWriteDone(bool) override {}

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const absl::Time now = absl::Now();
    grpc::Slice slice;
    std::vector<Received> changes;
    int64_t cursor = -1;
    const bool read = response_.DumpToSingleSlice(&slice).ok() &&
                      ScanResponse(absl::string_view(reinterpret_cast<const char*>(slice.begin()),
                                                     slice.size()),
                                   &changes, &cursor);
    {
      absl::MutexLock lock(&mu_);
      if (!read) ++malformed_;
      started_ = true;
      for (const Received& c : changes) {
        cursors_.push_back(c.cursor);
        latencies_us_.push_back(static_cast<int32_t>(
            std::max<int64_t>(0, absl::ToInt64Microseconds(now - c.record_time))));
      }
    }
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }

  void Cancel() { context_.TryCancel(); }

  bool started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  bool done() {
    absl::MutexLock lock(&mu_);
    return done_;
  }
  size_t received() {
    absl::MutexLock lock(&mu_);
    return cursors_.size();
  }
  // After done(): safe to read without the lock.
  const grpc::Status& status() const { return status_; }
  int malformed() const { return malformed_; }
  const std::vector<int64_t>& cursors() const { return cursors_; }
  const std::vector<int32_t>& latencies_us() const { return latencies_us_; }

 private:
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  absl::Mutex mu_;
  bool started_ = false;
  bool done_ = false;
  int malformed_ = 0;
  grpc::Status status_;
  std::vector<int64_t> cursors_;
  std::vector<int32_t> latencies_us_;
};

bool WaitUntil(absl::Time deadline, const std::function<bool()>& done) {
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

int Run() {
  const std::string target = absl::GetFlag(FLAGS_target);
  const std::string host = target.substr(0, target.rfind(':'));
  if (target.empty() || !(host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0)) {
    return Fail("--target must be a loopback host:port");
  }
  const std::string token = FirstLine(absl::GetFlag(FLAGS_token_file));
  if (token.empty()) return Fail("--token_file: no token");
  const std::vector<std::string> codes = Lines(absl::GetFlag(FLAGS_codes_file));
  if (codes.empty()) return Fail("--codes_file: no codes");
  const int watchers = absl::GetFlag(FLAGS_watchers);
  const int channels = std::max(1, absl::GetFlag(FLAGS_channels));
  const double rate = absl::GetFlag(FLAGS_writes_per_second);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  if (watchers < 1 || rate <= 0 || seconds < 1) return Fail("bad --watchers/--writes_per_second/--seconds");
  const absl::Time hard_deadline =
      absl::Now() + absl::Seconds(seconds + absl::GetFlag(FLAGS_drain_seconds) + 60);

  std::shared_ptr<grpc::ChannelCredentials> credentials =
      absl::GetFlag(FLAGS_credentials) == "insecure"
          ? grpc::InsecureChannelCredentials()
          : grpc::experimental::LocalCredentials(LOCAL_TCP);
  std::vector<std::shared_ptr<grpc::Channel>> pipes;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int c = 0; c < channels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("envcredit.channel", c);  // distinct: one connection each
    pipes.push_back(grpc::CreateCustomChannel(target, credentials, args));
    if (!pipes.back()->WaitForConnected(std::chrono::system_clock::now() +
                                        std::chrono::seconds(10))) {
      return Fail(absl::StrCat("cannot connect to ", target));
    }
    stubs.push_back(std::make_unique<grpc::GenericStub>(pipes.back()));
  }

  // 1. The watchers, all at the end of the feed before the first write.
  std::vector<std::unique_ptr<Watcher>> open;
  open.reserve(watchers);
  for (int w = 0; w < watchers; ++w) {
    open.push_back(std::make_unique<Watcher>(stubs[w % channels].get(), token));
  }
  const bool all_started = WaitUntil(absl::Now() + absl::Seconds(60), [&] {
    for (auto& w : open) {
      if (!w->started() && !w->done()) return false;
    }
    return true;
  });
  int streams_failed = 0;
  for (auto& w : open) streams_failed += w->started() ? 0 : 1;
  if (!all_started) std::cerr << "watch-load: not every stream started within 60 s\n";

  // 2. The writes: call i at start + i / rate, by whichever writer is free.
  const int64_t total = static_cast<int64_t>(rate * seconds);
  const std::string run = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> write_errors{0};
  std::mutex errors_mu;
  std::map<int, int64_t> errors_by_code;
  const absl::Time start = absl::Now();
  std::vector<std::thread> writers;
  for (int t = 0; t < std::max(1, absl::GetFlag(FLAGS_writers)); ++t) {
    writers.emplace_back([&, t] {
      auto stub = v1::RecordService::NewStub(pipes[t % channels]);
      for (;;) {
        const int64_t i = next.fetch_add(1);
        if (i >= total || absl::Now() > hard_deadline) return;
        absl::SleepFor(start + absl::Seconds(static_cast<double>(i) / rate) - absl::Now());
        v1::CreatePenaltyDecisionRequest request;
        const std::string& code = codes[i % codes.size()];
        request.set_parent("enterprises/" + code);
        request.set_request_id(absl::StrCat("watch-load-", run, "-", i));
        v1::PenaltyDecision* d = request.mutable_penalty_decision();
        d->set_authority("南京市生态环境局");
        d->set_decision_number(absl::StrCat("宁环罚〔观察", run, "〕", i, "号"));
        d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
        d->mutable_decision_date()->set_year(static_cast<int>(today.year()));
        d->mutable_decision_date()->set_month(today.month());
        d->mutable_decision_date()->set_day(today.day());
        d->add_measures(v1::FINE);
        d->set_fine_amount_fen(5000000);
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + token);
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        v1::PenaltyDecision out;
        grpc::Status status = stub->CreatePenaltyDecision(&context, request, &out);
        if (!status.ok()) {
          write_errors.fetch_add(1);
          std::lock_guard<std::mutex> lock(errors_mu);
          if (errors_by_code[status.error_code()]++ == 0) {
            std::cerr << "watch-load: write failed: " << status.error_code() << " "
                      << status.error_message() << "\n";
          }
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  const double write_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const int64_t writes = std::min<int64_t>(next.load(), total);

  // 3. Drain: until every watcher has a change for every write that
  //    succeeded, or all have the same and nothing came for a second, or
  //    time is up.
  const absl::Time drain_deadline =
      std::min(hard_deadline, absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_drain_seconds)));
  const size_t succeeded = static_cast<size_t>(writes - write_errors.load());
  size_t last_most = 0;
  absl::Time last_change = absl::Now();
  WaitUntil(drain_deadline, [&] {
    size_t most = 0;
    size_t least = SIZE_MAX;
    for (auto& w : open) {
      if (w->done()) continue;
      const size_t n = w->received();
      most = std::max(most, n);
      least = std::min(least, n);
    }
    if (least == SIZE_MAX || least >= succeeded) return true;
    if (most != last_most) {
      last_most = most;
      last_change = absl::Now();
    }
    return least == most && absl::Now() - last_change > absl::Seconds(1);
  });
  int streams_ended = 0;
  for (auto& w : open) {
    if (w->done()) {
      ++streams_ended;
      std::cerr << "watch-load: a stream ended early: " << w->status().error_code() << " "
                << w->status().error_message() << "\n";
    }
    w->Cancel();
  }
  WaitUntil(hard_deadline, [&] {
    for (auto& w : open) {
      if (!w->done()) return false;
    }
    return true;
  });

  // 4. The figures.
  absl::flat_hash_set<int64_t> changes;
  std::vector<int32_t> latencies;
  int64_t deliveries = 0;
  int malformed = 0;
  for (auto& w : open) {
    malformed += w->malformed();
    changes.insert(w->cursors().begin(), w->cursors().end());
    deliveries += static_cast<int64_t>(w->cursors().size());
    latencies.insert(latencies.end(), w->latencies_us().begin(), w->latencies_us().end());
  }
  const int64_t expected = static_cast<int64_t>(changes.size()) * watchers;
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) -> double {
    if (latencies.empty()) return 0;
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * latencies.size()));
    rank = std::clamp<size_t>(rank, 1, latencies.size());
    return latencies[rank - 1] / 1000.0;
  };
  std::printf(
      "method=watch watchers=%d channels=%d streams_failed=%d streams_ended=%d writes=%lld "
      "write_errors=%lld writes_per_s=%.1f changes=%zu deliveries=%lld missing=%lld "
      "p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
      watchers, channels, streams_failed, streams_ended, static_cast<long long>(writes),
      static_cast<long long>(write_errors.load()), writes / write_seconds, changes.size(),
      static_cast<long long>(deliveries), static_cast<long long>(expected - deliveries),
      pct(50), pct(90), pct(99), latencies.empty() ? 0.0 : latencies.back() / 1000.0);
  std::fflush(stdout);
  if (malformed > 0) std::cerr << "watch-load: " << malformed << " malformed responses\n";
  const bool ok = streams_failed == 0 && streams_ended == 0 && write_errors.load() == 0 &&
                  expected == deliveries && malformed == 0;
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace envcredit::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("many WatchRatingChanges streams under API writes (see the source)");
  absl::ParseCommandLine(argc, argv);
  return envcredit::bench::Run();
}
