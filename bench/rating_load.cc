// rating-load: a load generator for RatingService (doc/benchmarks.md
// "Ratings"). An asynchronous gRPC client (generated async stubs, one
// CompletionQueue per client thread) that sends a fixed number of GetRating
// or BatchGetRatings calls with --in_flight calls outstanding at all times,
// spread over --channels separate connections, and prints one line:
//
//   [label=L ]method=get in_flight=8 channels=2 calls=20000 errors=0
//   seconds=0.655 calls_per_s=30534 p50_us=245 p90_us=330 p99_us=612
//   max_us=4051 errors_by_code=none
//
// (one line; batch adds `batch_size=` after the method and `ratings_per_s=`
// and `result_errors=` after calls_per_s; get_as_of, and batch with
// --as_of, add `as_of=`). Latency
// is from issuing a call to taking its completion off the queue, in
// microseconds, nearest-rank percentiles over the measured calls (the
// --warmup calls before them are not counted).
//
//   rating-load --target 127.0.0.1:PORT [--token T | --token_file F]
//               [--method get|get_as_of|batch] [--as_of 2024-06-30]
//               [--codes_file codes.txt | --synthetic_codes 100000]
//               [--pick round_robin|random --seed 1] [--batch_size 1000]
//               [--calls 20000] [--warmup 1000] [--in_flight 8] [--channels 2]
//               [--threads 1] [--credentials local|insecure]
//
// Exit status: 0 when every call succeeded with a well-formed answer; 1 when
// any call failed (the line still prints, and stderr names the first message
// of each status code), any answer was malformed, or any batch result was an
// error (an unknown code measures a NOT_FOUND path, not a lookup); 2 for bad
// flags or an unreachable target.
//
// Without --codes_file the codes are the ones bench/import_bench generates
// for the same count (--synthetic_codes), so a server loaded by import_bench
// knows them all.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "server/domain/uscc.h"

ABSL_FLAG(std::string, target, "", "server address host:port (required)");
ABSL_FLAG(std::string, token, "",
          "bearer token, sent as `authorization: Bearer <token>`");
ABSL_FLAG(std::string, token_file, "",
          "file whose first line is the bearer token (instead of --token)");
ABSL_FLAG(std::string, method, "get", "get | get_as_of | batch");
ABSL_FLAG(std::string, codes_file, "",
          "credit codes to ask for, one per line (blank lines and # comments "
          "skipped); empty: --synthetic_codes codes");
ABSL_FLAG(int, synthetic_codes, 100000,
          "without --codes_file: this many codes, the same ones "
          "import_bench --enterprises N generates");
ABSL_FLAG(std::string, pick, "round_robin",
          "round_robin (in file order, wrapping) | random (uniform, --seed)");
ABSL_FLAG(uint64_t, seed, 1, "seed of --pick random");
ABSL_FLAG(std::string, as_of, "",
          "YYYY-MM-DD: required for get_as_of; with batch, asks the batch as of it");
ABSL_FLAG(int, batch_size, 1000, "codes per BatchGetRatings call (1..1000)");
ABSL_FLAG(int64_t, calls, 20000, "measured calls (a fixed count)");
ABSL_FLAG(int64_t, warmup, 1000,
          "calls made first, at the same concurrency, and not measured");
ABSL_FLAG(int, in_flight, 1, "calls outstanding at all times");
ABSL_FLAG(int, channels, 1,
          "distinct channels (connections); in-flight calls are spread over "
          "them round-robin");
ABSL_FLAG(int, threads, 1,
          "client threads, each polling its own CompletionQueue (at most "
          "--in_flight)");
ABSL_FLAG(std::string, credentials, "local",
          "local (gRPC LocalCredentials LOCAL_TCP, what envcredit-server "
          "expects on loopback) | insecure (plain text)");
ABSL_FLAG(int, deadline_ms, 10000, "deadline of each call");
ABSL_FLAG(std::string, label, "",
          "printed first as label=<label> when set (e.g. ceiling, real)");

namespace envcredit::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum class Method { kGet, kGetAsOf, kBatch };

const char* MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "get";
    case Method::kGetAsOf:
      return "get_as_of";
    case Method::kBatch:
      return "batch";
  }
  return "?";
}

// The codes bench/import_bench.cc generates for `n` enterprises (keep the
// two in step).
absl::StatusOr<std::vector<std::string>> SyntheticCodes(int n) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const char* const kRegions[] = {"320102", "320115", "320505",
                                         "330106", "370211", "640104",
                                         "440112", "130209"};
  std::vector<std::string> codes;
  codes.reserve(n);
  for (int k = 0; k < n; ++k) {
    std::string body = "MA";
    int v = k;
    for (int p = 0; p < 6; ++p) {
      body.push_back(kAlphabet[v % 31]);
      v /= 31;
    }
    absl::StatusOr<std::string> code =
        domain::MakeUscc("91", kRegions[k % 8], body);
    if (!code.ok()) return code.status();
    codes.push_back(*std::move(code));
  }
  return codes;
}

// NOT_FOUND when the file cannot be read, INVALID_ARGUMENT when it holds no
// code.
absl::StatusOr<std::vector<std::string>> ReadCodes(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<std::string> codes;
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view code = absl::StripAsciiWhitespace(line);
    if (code.empty() || code[0] == '#') continue;
    codes.emplace_back(code);
  }
  if (codes.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no code"));
  }
  return codes;
}

// The first line of `path`, trimmed; NOT_FOUND when unreadable or empty.
absl::StatusOr<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::NotFoundError(absl::StrCat("cannot read a token from ", path));
  }
  std::string token(absl::StripAsciiWhitespace(line));
  if (token.empty()) {
    return absl::NotFoundError(absl::StrCat(path, ": empty token"));
  }
  return token;
}

// Everything the client threads share; read-only once built.
struct Setup {
  Method method = Method::kGet;
  std::vector<std::unique_ptr<v1::RatingService::Stub>> stubs;  // per channel
  std::vector<std::string> codes;
  bool random_pick = false;
  uint64_t seed = 1;
  std::string authorization;  // "" or "Bearer <token>"
  v1::Date as_of;             // kGetAsOf, and kBatch when has_as_of
  bool has_as_of = false;
  int batch_size = 1;         // kBatch only
  std::chrono::milliseconds deadline{10000};
};

// What one client thread saw; merged after the phase.
struct Tally {
  std::vector<int64_t> latencies_ns;
  std::map<int, int64_t> errors;  // grpc::StatusCode -> calls
  std::map<int, std::string> first_message;
  int64_t malformed = 0;                 // OK answers of the wrong shape
  int64_t ratings = 0;                   // batch: results that carried a rating
  std::map<int, int64_t> result_errors;  // batch: google.rpc code -> results
  Clock::time_point end;

  void Merge(Tally other) {
    latencies_ns.insert(latencies_ns.end(), other.latencies_ns.begin(),
                        other.latencies_ns.end());
    for (const auto& [code, n] : other.errors) errors[code] += n;
    for (auto& [code, message] : other.first_message) {
      first_message.emplace(code, std::move(message));
    }
    malformed += other.malformed;
    ratings += other.ratings;
    for (const auto& [code, n] : other.result_errors) result_errors[code] += n;
    end = std::max(end, other.end);
  }
};

// One in-flight position: a call at a time on one channel. Owned and used by
// one client thread only.
class Slot {
 public:
  Slot(const Setup* setup, int channel) : setup_(setup), channel_(channel) {}

  // Issues call number `index`; its completion arrives on `cq` with this
  // slot as the tag.
  void Start(int64_t index, grpc::CompletionQueue* cq, std::mt19937_64* rng) {
    const Setup& s = *setup_;
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() + s.deadline);
    if (!s.authorization.empty()) {
      context_->AddMetadata("authorization", s.authorization);
    }
    v1::RatingService::Stub* stub = s.stubs[channel_].get();
    if (s.method == Method::kBatch) {
      batch_request_.clear_credit_codes();
      if (s.has_as_of) *batch_request_.mutable_as_of() = s.as_of;
      codes_.clear();
      for (int j = 0; j < s.batch_size; ++j) {
        const size_t k = Pick(index * s.batch_size + j, rng);
        codes_.push_back(k);
        batch_request_.add_credit_codes(s.codes[k]);
      }
      batch_response_.Clear();
      start_ = Clock::now();
      batch_reader_ =
          stub->PrepareAsyncBatchGetRatings(context_.get(), batch_request_, cq);
      batch_reader_->StartCall();
      batch_reader_->Finish(&batch_response_, &status_, this);
    } else {
      codes_.assign(1, Pick(index, rng));
      get_request_.set_name(
          absl::StrCat("enterprises/", s.codes[codes_[0]], "/rating"));
      if (s.method == Method::kGetAsOf) *get_request_.mutable_as_of() = s.as_of;
      rating_.Clear();
      start_ = Clock::now();
      get_reader_ =
          stub->PrepareAsyncGetRating(context_.get(), get_request_, cq);
      get_reader_->StartCall();
      get_reader_->Finish(&rating_, &status_, this);
    }
  }

  // Records the call whose completion was just taken off the queue.
  void Finish(Tally* tally) {
    tally->latencies_ns.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() -
                                                             start_)
            .count());
    if (!status_.ok()) {
      const int code = status_.error_code();
      ++tally->errors[code];
      tally->first_message.emplace(code, status_.error_message());
      return;
    }
    const Setup& s = *setup_;
    if (s.method != Method::kBatch) {
      if (rating_.credit_code() != s.codes[codes_[0]]) ++tally->malformed;
      return;
    }
    if (batch_response_.results_size() != static_cast<int>(codes_.size())) {
      ++tally->malformed;
      return;
    }
    for (int j = 0; j < batch_response_.results_size(); ++j) {
      const v1::BatchGetRatingResult& result = batch_response_.results(j);
      if (result.credit_code() != s.codes[codes_[j]]) {
        ++tally->malformed;
      } else if (result.has_rating()) {
        ++tally->ratings;
      } else if (result.has_error()) {
        ++tally->result_errors[result.error().code()];
      } else {
        ++tally->malformed;
      }
    }
  }

 private:
  size_t Pick(int64_t position, std::mt19937_64* rng) const {
    const size_t n = setup_->codes.size();
    return setup_->random_pick ? (*rng)() % n
                               : static_cast<size_t>(position) % n;
  }

  const Setup* setup_;
  const int channel_;
  std::unique_ptr<grpc::ClientContext> context_;
  v1::GetRatingRequest get_request_;
  v1::Rating rating_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Rating>> get_reader_;
  v1::BatchGetRatingsRequest batch_request_;
  v1::BatchGetRatingsResponse batch_response_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::BatchGetRatingsResponse>>
      batch_reader_;
  std::vector<size_t> codes_;  // indexes into setup_->codes, request order
  grpc::Status status_;
  Clock::time_point start_;
};

// One client thread: keeps its slots busy until `total` calls (counted over
// all threads by `next`) have been issued, then waits for the last answers.
Tally RunThread(const Setup* setup, std::vector<int> slot_channels,
                std::atomic<int64_t>* next, int64_t total, uint64_t seed) {
  grpc::CompletionQueue cq;
  std::mt19937_64 rng(seed);
  Tally tally;
  tally.latencies_ns.reserve(static_cast<size_t>(total));
  std::vector<std::unique_ptr<Slot>> slots;
  int active = 0;
  for (int channel : slot_channels) {
    slots.push_back(std::make_unique<Slot>(setup, channel));
    const int64_t index = next->fetch_add(1);
    if (index < total) {
      slots.back()->Start(index, &cq, &rng);
      ++active;
    }
  }
  while (active > 0) {
    void* tag = nullptr;
    bool ok = false;
    if (!cq.Next(&tag, &ok)) break;
    Slot* slot = static_cast<Slot*>(tag);
    slot->Finish(&tally);  // a unary Finish tag always comes back ok
    --active;
    const int64_t index = next->fetch_add(1);
    if (index < total) {
      slot->Start(index, &cq, &rng);
      ++active;
    }
  }
  tally.end = Clock::now();
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  return tally;
}

struct PhaseResult {
  Tally tally;
  double seconds = 0;
};

// `calls` calls with `in_flight` outstanding: slot s runs on thread
// s % threads and channel s % channels.
PhaseResult RunPhase(const Setup& setup, int64_t calls, int in_flight,
                     int threads, uint64_t seed) {
  std::vector<std::vector<int>> slot_channels(threads);
  for (int s = 0; s < in_flight; ++s) {
    slot_channels[s % threads].push_back(s %
                                         static_cast<int>(setup.stubs.size()));
  }
  std::atomic<int64_t> next{0};
  std::vector<Tally> tallies(threads);
  std::vector<std::thread> workers;
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      tallies[t] = RunThread(&setup, slot_channels[t], &next, calls,
                             seed + 7919 * static_cast<uint64_t>(t));
    });
  }
  for (std::thread& worker : workers) worker.join();
  PhaseResult result;
  result.tally.end = start;
  for (Tally& tally : tallies) result.tally.Merge(std::move(tally));
  result.seconds =
      std::chrono::duration<double>(result.tally.end - start).count();
  return result;
}

std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string CountsByCode(const std::map<int, int64_t>& counts) {
  if (counts.empty()) return "none";
  std::vector<std::string> parts;
  for (const auto& [code, n] : counts) {
    parts.push_back(absl::StrCat(CodeName(code), ":", n));
  }
  return absl::StrJoin(parts, ",");
}

// Nearest-rank percentile of sorted latencies, in whole microseconds.
int64_t PercentileUs(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return (sorted[rank - 1] + 500) / 1000;
}

std::shared_ptr<grpc::Channel> MakeChannel(
    const std::string& target,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials, int index) {
  grpc::ChannelArguments args;
  // Distinct arguments: gRPC would otherwise let channels with equal
  // arguments share one subchannel (one TCP connection).
  args.SetInt("envcredit.channel", index);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(target, credentials, args);
}

int Fail(const std::string& message) {
  std::cerr << "rating-load: " << message << "\n";
  return 2;
}

int Run() {
  Setup setup;
  const std::string method = absl::GetFlag(FLAGS_method);
  if (method == "get") {
    setup.method = Method::kGet;
  } else if (method == "get_as_of") {
    setup.method = Method::kGetAsOf;
  } else if (method == "batch") {
    setup.method = Method::kBatch;
  } else {
    return Fail("--method must be get, get_as_of or batch");
  }
  const std::string target = absl::GetFlag(FLAGS_target);
  if (target.empty()) return Fail("--target is required");
  const int64_t calls = absl::GetFlag(FLAGS_calls);
  const int64_t warmup = absl::GetFlag(FLAGS_warmup);
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const int channels = absl::GetFlag(FLAGS_channels);
  const int threads = std::min(absl::GetFlag(FLAGS_threads), in_flight);
  if (calls < 1 || warmup < 0 || in_flight < 1 || channels < 1 || threads < 1 ||
      absl::GetFlag(FLAGS_deadline_ms) < 1) {
    return Fail(
        "--calls, --in_flight, --channels, --threads and --deadline_ms must "
        "be at least 1; --warmup at least 0");
  }
  setup.deadline = std::chrono::milliseconds(absl::GetFlag(FLAGS_deadline_ms));
  setup.batch_size =
      setup.method == Method::kBatch ? absl::GetFlag(FLAGS_batch_size) : 1;
  if (setup.batch_size < 1 || setup.batch_size > 1000) {
    return Fail("--batch_size must be 1..1000");
  }
  if (setup.method == Method::kGetAsOf ||
      (setup.method == Method::kBatch && !absl::GetFlag(FLAGS_as_of).empty())) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_as_of), &day)) {
      return Fail("--as_of must be YYYY-MM-DD (get_as_of needs it)");
    }
    setup.has_as_of = true;
    setup.as_of.set_year(static_cast<int32_t>(day.year()));
    setup.as_of.set_month(day.month());
    setup.as_of.set_day(day.day());
  }
  const std::string pick = absl::GetFlag(FLAGS_pick);
  if (pick != "round_robin" && pick != "random") {
    return Fail("--pick must be round_robin or random");
  }
  setup.random_pick = pick == "random";
  setup.seed = absl::GetFlag(FLAGS_seed);

  std::string token = absl::GetFlag(FLAGS_token);
  if (!absl::GetFlag(FLAGS_token_file).empty()) {
    if (!token.empty()) return Fail("give --token or --token_file, not both");
    absl::StatusOr<std::string> read =
        ReadToken(absl::GetFlag(FLAGS_token_file));
    if (!read.ok()) return Fail(std::string(read.status().message()));
    token = *std::move(read);
  }
  if (!token.empty()) setup.authorization = "Bearer " + token;

  absl::StatusOr<std::vector<std::string>> codes =
      absl::GetFlag(FLAGS_codes_file).empty()
          ? SyntheticCodes(absl::GetFlag(FLAGS_synthetic_codes))
          : ReadCodes(absl::GetFlag(FLAGS_codes_file));
  if (!codes.ok()) return Fail(codes.status().ToString());
  if (codes->empty()) return Fail("no codes to ask for");
  setup.codes = *std::move(codes);

  std::shared_ptr<grpc::ChannelCredentials> credentials;
  const std::string credentials_flag = absl::GetFlag(FLAGS_credentials);
  if (credentials_flag == "local") {
    credentials = grpc::experimental::LocalCredentials(LOCAL_TCP);
  } else if (credentials_flag == "insecure") {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    return Fail("--credentials must be local or insecure");
  }
  for (int c = 0; c < channels; ++c) {
    std::shared_ptr<grpc::Channel> channel =
        MakeChannel(target, credentials, c);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                   std::chrono::seconds(10))) {
      return Fail(absl::StrCat("cannot connect to ", target,
                               " within 10 s (is it running on "
                               "that address?)"));
    }
    setup.stubs.push_back(v1::RatingService::NewStub(channel));
  }

  if (warmup > 0) {
    PhaseResult warm =
        RunPhase(setup, warmup, in_flight, threads, setup.seed ^ 0x5eedULL);
    if (!warm.tally.errors.empty()) {
      for (const auto& [code, message] : warm.tally.first_message) {
        std::cerr << "warmup error " << CodeName(code) << ": " << message
                  << "\n";
      }
      std::cerr << "rating-load: warmup calls failed ("
                << CountsByCode(warm.tally.errors) << "); not measuring\n";
      return 1;
    }
  }

  PhaseResult run = RunPhase(setup, calls, in_flight, threads, setup.seed);
  Tally& tally = run.tally;
  std::sort(tally.latencies_ns.begin(), tally.latencies_ns.end());
  int64_t errors = 0;
  for (const auto& [code, n] : tally.errors) errors += n;
  int64_t result_errors = 0;
  for (const auto& [code, n] : tally.result_errors) result_errors += n;

  std::string line;
  if (!absl::GetFlag(FLAGS_label).empty()) {
    absl::StrAppend(&line, "label=", absl::GetFlag(FLAGS_label), " ");
  }
  absl::StrAppend(&line, "method=", MethodName(setup.method));
  if (setup.method == Method::kBatch) {
    absl::StrAppend(&line, " batch_size=", setup.batch_size);
  }
  if (setup.has_as_of) absl::StrAppend(&line, " as_of=", absl::GetFlag(FLAGS_as_of));
  absl::StrAppend(&line, " in_flight=", in_flight, " channels=", channels,
                  " calls=", calls, " errors=", errors,
                  absl::StrFormat(" seconds=%.3f calls_per_s=%.0f", run.seconds,
                                  calls / run.seconds));
  if (setup.method == Method::kBatch) {
    absl::StrAppend(
        &line,
        absl::StrFormat(" ratings_per_s=%.0f", tally.ratings / run.seconds),
        " result_errors=", result_errors);
  }
  absl::StrAppend(&line, " p50_us=", PercentileUs(tally.latencies_ns, 0.50),
                  " p90_us=", PercentileUs(tally.latencies_ns, 0.90),
                  " p99_us=", PercentileUs(tally.latencies_ns, 0.99),
                  " max_us=", PercentileUs(tally.latencies_ns, 1.0),
                  " errors_by_code=", CountsByCode(tally.errors));
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);

  for (const auto& [code, message] : tally.first_message) {
    std::cerr << "rating-load: " << tally.errors[code] << " calls failed with "
              << CodeName(code) << ", first: " << message << "\n";
  }
  if (tally.malformed > 0) {
    std::cerr << "rating-load: " << tally.malformed
              << " answers did not match their request (wrong code, or a "
                 "batch of the wrong length)\n";
  }
  if (result_errors > 0) {
    std::cerr << "rating-load: " << result_errors
              << " batch results were errors ("
              << CountsByCode(tally.result_errors) << ")\n";
  }
  return errors == 0 && tally.malformed == 0 && result_errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace envcredit::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "rating-load: a fixed number of RatingService calls at a fixed "
      "concurrency; prints calls/s and latency percentiles.\n"
      "  rating-load --target 127.0.0.1:PORT --token_file admin.token "
      "--method get --calls 20000 --in_flight 8 --channels 2");
  absl::ParseCommandLine(argc, argv);
  return envcredit::bench::Run();
}
