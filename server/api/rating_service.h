// envcredit.v1.RatingService (proto/envcredit/v1/ratings.proto;
// doc/ratings.md). Current ratings come from the in-memory cache; as-of
// ratings and explanations are computed from the records, held in memory by
// the records cache (read from the database when it misses); the feed
// is served from ChangeFeed's window. WatchRatingChanges is the one method
// served with the asynchronous API (server/api/watch_calls.h): thousands of
// watches hold no thread each.
#ifndef ENVCREDIT_SERVER_API_RATING_SERVICE_H_
#define ENVCREDIT_SERVER_API_RATING_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/clock.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "server/api/call_audit.h"
#include "server/api/guard.h"
#include "server/api/peer_rate_limiter.h"
#include "server/api/watch_calls.h"
#include "server/ratings/change_feed.h"
#include "server/ratings/rating_cache.h"
#include "server/ratings/records_cache.h"
#include "server/domain/audit.h"
#include "server/domain/enterprise_repository.h"
#include "server/domain/list_repository.h"
#include "server/domain/ratings.h"
#include "server/domain/rating_store.h"

namespace envcredit::api {

namespace v1 = ::envcredit::v1;

// What LookupPublicRating reads besides the ratings: the registry (by name),
// the published lists, and the per-address limit of calls without a token.
// Every pointer must outlive the service.
struct PublicLookupSources {
  domain::EnterpriseRepository* enterprises = nullptr;
  domain::ListRepository* lists = nullptr;
  PeerRateLimiter* limiter = nullptr;
};

struct RatingServiceOptions {
  WatchOptions watch;
  // Threads for the database work of watches (start, catch-up reads).
  int watch_workers = 2;
};

class RatingService final : public WatchService {
 public:
  // Every pointer must outlive the service.
  RatingService(AccessControl* access, domain::RatingStore* store,
                ratings::RatingCache* cache,
                ratings::RecordsCache* records,
                ratings::ChangeFeed* feed,
                const domain::RatingCalculator* calculator,
                domain::AuditLog* audit, const Clock* clock,
                PublicLookupSources lookup, RatingServiceOptions options = {})
      : guard_(access, "envcredit.v1.RatingService"),
        ratings_(*store),
        cache_(*cache),
        records_(*records),
        feed_(*feed),
        calculator_(*calculator),
        audit_(audit, "envcredit.v1.RatingService"),
        clock_(*clock),
        lookup_(lookup),
        options_(options),
        watch_workers_(options.watch_workers),
        watches_(this, feed, &watch_workers_, options.watch,
                 [this](grpc::ServerContext* context,
                        const v1::WatchRatingChangesRequest& request) {
                   return AdmitWatchRatingChanges(context, request);
                 }) {}

  grpc::Status GetRating(grpc::ServerContext* context,
                         const v1::GetRatingRequest* request,
                         v1::Rating* response) override;
  grpc::Status BatchGetRatings(grpc::ServerContext* context,
                               const v1::BatchGetRatingsRequest* request,
                               v1::BatchGetRatingsResponse* response) override;
  grpc::Status ListRatings(grpc::ServerContext* context,
                           const v1::ListRatingsRequest* request,
                           v1::ListRatingsResponse* response) override;
  grpc::Status GetRatingHistory(grpc::ServerContext* context,
                                const v1::GetRatingHistoryRequest* request,
                                v1::GetRatingHistoryResponse* response) override;
  grpc::Status LookupPublicRating(grpc::ServerContext* context,
                                  const v1::LookupPublicRatingRequest* request,
                                  v1::LookupPublicRatingResponse* response) override;
  grpc::Status RollRatings(grpc::ServerContext* context,
                           const v1::RollRatingsRequest* request,
                           v1::RollRatingsResponse* response) override;
  grpc::Status RescoreRatings(grpc::ServerContext* context,
                              const v1::RescoreRatingsRequest* request,
                              v1::RescoreRatingsResponse* response) override;

  // WatchRatingChanges: serves its calls on `cq` (ServerBuilder::
  // AddCompletionQueue(false), after BuildAndStart) until StopWatches, which
  // comes after the server's Shutdown.
  void ServeWatches(grpc::ServerCompletionQueue* cq) { watches_.Start(cq); }
  void StopWatches() { watches_.Stop(); }

 private:
  const ServiceGuard guard_;
  absl::CivilDay Today() const;
  // An enterprise with its records: the records cache, else the database
  // (and then into the cache). NOT_FOUND for an unknown code.
  absl::StatusOr<ratings::RecordsCache::Entry> Ratable(const std::string& credit_code);
  // The same for many, by credit code; unknown codes are absent.
  absl::StatusOr<absl::flat_hash_map<std::string, ratings::RecordsCache::Entry>>
  RatableMany(const std::vector<std::string>& credit_codes);
  // The current rating: the cache, else the stored row, else (not rated
  // yet, or due for the roll) computed now from the records.
  absl::StatusOr<domain::CurrentRating> Current(const std::string& credit_code,
                                                absl::CivilDay today);
  // The current rating when it is known without rating the records (the
  // cache, else the stored row, if current on `today`); `*revision` is the
  // stored revision (0: none) either way.
  absl::StatusOr<std::optional<domain::CurrentRating>> Known(
      const std::string& credit_code, absl::CivilDay today, int64_t* revision);
  // The current rating with its explanation (view FULL).
  absl::StatusOr<v1::Rating> CurrentExplained(const std::string& credit_code,
                                              absl::CivilDay today);
  // `date` as an as-of date: a calendar date from 1990-01-01 to today.
  absl::StatusOr<absl::CivilDay> AsOf(const v1::Date& date, absl::string_view field,
                                      absl::CivilDay today) const;
  absl::Status BatchCurrent(const v1::BatchGetRatingsRequest& request,
                            absl::CivilDay today,
                            v1::BatchGetRatingsResponse* response);
  absl::Status BatchAsOf(const v1::BatchGetRatingsRequest& request,
                         absl::CivilDay as_of,
                         v1::BatchGetRatingsResponse* response);

  domain::RatingStore& ratings_;
  ratings::RatingCache& cache_;
  ratings::RecordsCache& records_;
  ratings::ChangeFeed& feed_;
  const domain::RatingCalculator& calculator_;
  const CallAudit audit_;
  const Clock& clock_;
  const PublicLookupSources lookup_;
  // Whether a watch may start (admission, then its fields).
  grpc::Status AdmitWatchRatingChanges(grpc::ServerContext* context,
                          const v1::WatchRatingChangesRequest& request);

  const RatingServiceOptions options_;
  WatchWorkers watch_workers_;
  WatchCalls watches_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_RATING_SERVICE_H_
