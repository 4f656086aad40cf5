// The calls envcredit-admin makes to RatingService (proto/envcredit/v1/
// ratings.proto), behind a small interface so the `ratings` commands can be
// tested without a server (tests/cli/fake_rating_client.h).
//
// Every unary call carries the `x-request-id` header (`call_id`), the bearer
// token when one is configured, and a deadline of --timeout seconds
// (CallContext::Prepare, call_context.h). The change feed (WatchRatingChanges)
// is the one call without a deadline: it runs until the server ends it, the
// callback stops it, or the caller's cancel flag is set. Implementations are
// thread-safe. Each unary method returns the call's status; `response` is set
// only when it is OK.
#ifndef ENVCREDIT_ADMIN_CLI_CLIENTS_RATING_CLIENT_H_
#define ENVCREDIT_ADMIN_CLI_CLIENTS_RATING_CLIENT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "admin-cli/call_context.h"
#include "envcredit/v1/ratings.pb.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

// Called with each response of the change feed, in order, on the thread
// that called WatchRatingChanges. Returns false to end the stream.
using RatingChangesCallback =
    std::function<bool(const envcredit::v1::WatchRatingChangesResponse&)>;

class RatingClient {
 public:
  virtual ~RatingClient() = default;

  virtual grpc::Status GetRating(const std::string& call_id,
                                 const envcredit::v1::GetRatingRequest& request,
                                 envcredit::v1::Rating* response) = 0;
  virtual grpc::Status BatchGetRatings(
      const std::string& call_id,
      const envcredit::v1::BatchGetRatingsRequest& request,
      envcredit::v1::BatchGetRatingsResponse* response) = 0;
  virtual grpc::Status ListRatings(
      const std::string& call_id,
      const envcredit::v1::ListRatingsRequest& request,
      envcredit::v1::ListRatingsResponse* response) = 0;
  virtual grpc::Status GetRatingHistory(
      const std::string& call_id,
      const envcredit::v1::GetRatingHistoryRequest& request,
      envcredit::v1::GetRatingHistoryResponse* response) = 0;

  // Opens the change feed and calls `on_response` with every response until
  // the stream ends. Returns:
  //   OK         when `on_response` returned false (the call is cancelled
  //              then), or when the server ended the stream with OK;
  //   CANCELLED  when `*cancel` (if not null) became true — checked at least
  //              every 100 ms even while waiting for the server;
  //   otherwise  the stream's status, e.g. OUT_OF_RANGE (CURSOR_EXPIRED),
  //              INVALID_ARGUMENT (CURSOR_AHEAD), UNAVAILABLE.
  // `*cancel` may be set from another thread or a signal handler.
  virtual grpc::Status WatchRatingChanges(
      const std::string& call_id,
      const envcredit::v1::WatchRatingChangesRequest& request,
      const RatingChangesCallback& on_response,
      const std::atomic<bool>* cancel) = 0;

  virtual grpc::Status RollRatings(
      const std::string& call_id,
      const envcredit::v1::RollRatingsRequest& request,
      envcredit::v1::RollRatingsResponse* response) = 0;
  virtual grpc::Status RescoreRatings(
      const std::string& call_id,
      const envcredit::v1::RescoreRatingsRequest& request,
      envcredit::v1::RescoreRatingsResponse* response) = 0;
  virtual grpc::Status LookupPublicRating(
      const std::string& call_id,
      const envcredit::v1::LookupPublicRatingRequest& request,
      envcredit::v1::LookupPublicRatingResponse* response) = 0;
};

// A client on a channel to `connection.server` (host:port), connecting lazily
// as NewGrpcRecordClient does; a non-empty `connection.token` is sent as
// `authorization: Bearer <token>`. The channel sends HTTP/2 keepalive pings
// every 5 minutes (the server's default minimum), so a watch on a dead
// connection ends with UNAVAILABLE instead of hanging.
std::unique_ptr<RatingClient> NewGrpcRatingClient(const Connection& connection);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_CLIENTS_RATING_CLIENT_H_
