// rating-ceiling-server: the fastest RatingService this machine's gRPC can
// serve (doc/benchmarks.md "Ratings"), to measure envcredit-server's
// GetRating and BatchGetRatings against. A sync gRPC server, like the real
// one, with the same transport security by default (LocalServerCredentials
// LOCAL_TCP on loopback), that answers from memory: a Rating built once at
// start with realistic values and the size of a real BASIC answer, copied
// into each response with the requested credit code (and as_of) put in. No
// database, no access control (the authorization metadata is accepted and
// ignored), no interceptors, no health checking or reflection.
//
//   rating-ceiling-server [--listen 127.0.0.1:0] [--port_file F]
//                         [--credentials local|insecure]
//
// GetRating: INVALID_ARGUMENT unless name is "enterprises/{code}/rating";
// otherwise the template rating for that code. With as_of, the answer is an
// as-of rating: that date, no valid_until, revision 0 (as the API says).
// BatchGetRatings: INVALID_ARGUMENT for 0 or more than 1,000 codes (as the
// real server); otherwise one rating per code, in request order, codes not
// checked. Other methods: UNIMPLEMENTED.
//
// Serves until SIGTERM or SIGINT, then stops within 2 s and exits 0.
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "loopback address to serve on; port 0 picks a free port");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound port to this file once serving");
ABSL_FLAG(std::string, credentials, "local",
          "local (LocalServerCredentials LOCAL_TCP, as envcredit-server on "
          "loopback) | insecure (plain text)");

namespace envcredit::bench {
namespace {

constexpr absl::string_view kNamePrefix = "enterprises/";
constexpr absl::string_view kNameSuffix = "/rating";
constexpr int kMaxBatch = 1000;

void SetDate(absl::CivilDay day, v1::Date* date) {
  date->set_year(static_cast<int32_t>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
}

// A current rating as the real server would return it (view BASIC) for an
// enterprise with a recent penalty: every scalar field set, one flag, a
// valid_until and a revision of realistic magnitude.
v1::Rating TemplateRating() {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
  v1::Rating rating;
  rating.set_credit_code("91320102MA1N7QXK3R");
  rating.set_name(absl::StrCat(kNamePrefix, rating.credit_code(), kNameSuffix));
  rating.set_level(v1::YELLOW);
  rating.set_points(4);
  rating.set_national_level(v1::NATIONAL_WARNING);
  rating.add_flags(v1::REPEAT_OFFENDER);
  rating.set_policy_id("default");
  rating.set_policy_version(1);
  SetDate(today, rating.mutable_as_of());
  SetDate(today + 412, rating.mutable_valid_until());
  rating.set_revision(48213507);
  return rating;
}

// Answers from one immutable template; safe for any number of threads.
class CeilingRatingService final : public v1::RatingService::Service {
 public:
  explicit CeilingRatingService(v1::Rating rating)
      : template_(std::move(rating)) {}

  grpc::Status GetRating(grpc::ServerContext*,
                         const v1::GetRatingRequest* request,
                         v1::Rating* response) override {
    absl::string_view name = request->name();
    if (!absl::ConsumePrefix(&name, kNamePrefix) ||
        !absl::ConsumeSuffix(&name, kNameSuffix) || name.empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "name must be enterprises/{credit_code}/rating");
    }
    Fill(name, request->has_as_of() ? &request->as_of() : nullptr, response);
    return grpc::Status::OK;
  }

  grpc::Status BatchGetRatings(grpc::ServerContext*,
                               const v1::BatchGetRatingsRequest* request,
                               v1::BatchGetRatingsResponse* response) override {
    const int n = request->credit_codes_size();
    if (n < 1 || n > kMaxBatch) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "credit_codes: 1 to 1,000 codes");
    }
    const v1::Date* as_of = request->has_as_of() ? &request->as_of() : nullptr;
    response->mutable_results()->Reserve(n);
    for (const std::string& code : request->credit_codes()) {
      v1::BatchGetRatingResult* result = response->add_results();
      result->set_credit_code(code);
      Fill(code, as_of, result->mutable_rating());
    }
    return grpc::Status::OK;
  }

 private:
  void Fill(absl::string_view code, const v1::Date* as_of,
            v1::Rating* rating) const {
    *rating = template_;
    rating->set_credit_code(std::string(code));
    rating->set_name(absl::StrCat(kNamePrefix, code, kNameSuffix));
    if (as_of != nullptr) {
      *rating->mutable_as_of() = *as_of;
      rating->clear_valid_until();
      rating->set_revision(0);
    }
  }

  const v1::Rating template_;
};

bool IsLoopback(const std::string& listen) {
  const std::string host = listen.substr(0, listen.rfind(':'));
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

int Run() {
  const std::string listen = absl::GetFlag(FLAGS_listen);
  if (!IsLoopback(listen)) {
    std::cerr << "rating-ceiling-server: --listen must be a loopback address\n";
    return 2;
  }
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (absl::GetFlag(FLAGS_credentials) == "local") {
    credentials = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  } else if (absl::GetFlag(FLAGS_credentials) == "insecure") {
    credentials = grpc::InsecureServerCredentials();
  } else {
    std::cerr << "rating-ceiling-server: --credentials must be local or "
                 "insecure\n";
    return 2;
  }

  CeilingRatingService service(TemplateRating());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, credentials, &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "rating-ceiling-server: cannot listen on " << listen << "\n";
    return 1;
  }
  std::cerr << "rating-ceiling-server listening on "
            << listen.substr(0, listen.rfind(':')) << ":" << port << " ("
            << absl::GetFlag(FLAGS_credentials) << " credentials)\n";
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    // Write then rename, so a reader never sees a half-written file.
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), path.c_str());
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  return 0;
}

}  // namespace
}  // namespace envcredit::bench

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts: every thread inherits
  // the mask, so only the sigwait in Run receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::SetProgramUsageMessage(
      "rating-ceiling-server: RatingService answered from memory, the "
      "ceiling for envcredit-server's rating calls.\n"
      "  rating-ceiling-server --listen 127.0.0.1:0 --port_file /tmp/port");
  absl::ParseCommandLine(argc, argv);
  return envcredit::bench::Run();
}
