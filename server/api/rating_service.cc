#include "server/api/rating_service.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "server/api/grpc_status.h"
#include "server/api/page_token.h"
#include "server/api/proto_values.h"
#include "server/api/rating_convert.h"
#include "server/api/access_control.h"
#include "server/api/record_convert.h"
#include "server/domain/uscc.h"

namespace envcredit::api {
namespace {

// NOT_FOUND for an enterprise the registry does not have, naming `field`
// when given (a batch item).
absl::Status EnterpriseNotFound(absl::string_view credit_code,
                                const std::string& field = "") {
  return MakeError(absl::StatusCode::kNotFound, "ENTERPRISE_NOT_FOUND",
                   absl::StrCat("enterprise enterprises/", credit_code, " does not exist"),
                   field);
}

constexpr int kMaxBatch = 1000;
const absl::CivilDay kEarliestAsOf(1990, 1, 1);

bool IsPolicyId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsDigits(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

absl::StatusOr<domain::RatingFilter> FilterFrom(
    const v1::ListRatingsRequest& request, std::string* key) {
  domain::RatingFilter filter;
  for (int i = 0; i < request.levels_size(); ++i) {
    if (!scoring::IsKnownLevel(request.levels(i))) {
      return InvalidArgument(absl::StrCat("levels[", i, "]"), "INVALID_ENUM",
                             absl::StrCat("levels[", i, "]: unknown level ",
                                          request.levels(i)));
    }
    filter.levels.push_back(static_cast<scoring::Level>(request.levels(i)));
  }
  std::sort(filter.levels.begin(), filter.levels.end());
  filter.levels.erase(std::unique(filter.levels.begin(), filter.levels.end()),
                      filter.levels.end());
  if (request.region_prefix().size() > 6 || !IsDigits(request.region_prefix())) {
    return InvalidArgument("region_prefix", "INVALID_REGION_PREFIX",
                           "region_prefix: 0 to 6 digits");
  }
  filter.region_prefix = request.region_prefix();
  if (!request.policy_id().empty() && !IsPolicyId(request.policy_id())) {
    return InvalidArgument("policy_id", "INVALID_POLICY_ID",
                           "policy_id: lower-case letters, digits and '-', at "
                           "most 64");
  }
  filter.policy_id = request.policy_id();
  for (int i = 0; i < request.flags_size(); ++i) {
    if (!scoring::IsKnownRatingFlag(request.flags(i))) {
      return InvalidArgument(absl::StrCat("flags[", i, "]"), "INVALID_ENUM",
                             absl::StrCat("flags[", i, "]: unknown flag ",
                                          request.flags(i)));
    }
    filter.required_flag_bits |= 1u << request.flags(i);
  }
  std::vector<std::string> levels;
  for (scoring::Level l : filter.levels) levels.push_back(absl::StrCat(static_cast<int>(l)));
  *key = absl::StrCat("levels=", absl::StrJoin(levels, ","), ";region=",
                      filter.region_prefix, ";policy=", filter.policy_id,
                      ";flags=", filter.required_flag_bits);
  return filter;
}

void SetError(v1::BatchGetRatingResult* result, const absl::Status& status) {
  *result->mutable_error() = ToRpcStatus(status);
}

}  // namespace

absl::CivilDay RatingService::Today() const {
  return TodayInChina(clock_);
}

absl::StatusOr<absl::CivilDay> RatingService::AsOf(const v1::Date& date,
                                                   absl::string_view field,
                                                   absl::CivilDay today) const {
  ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(date, field));
  if (day < kEarliestAsOf || day > today) {
    return InvalidArgument(
        field, "DATE_OUT_OF_RANGE",
        absl::StrCat(field, ": ", absl::FormatCivilTime(day),
                     " is not between 1990-01-01 and today (",
                     absl::FormatCivilTime(today), ")"));
  }
  return day;
}

absl::StatusOr<ratings::RecordsCache::Entry> RatingService::Ratable(
    const std::string& credit_code) {
  ASSIGN_OR_RETURN(auto found, RatableMany({credit_code}));
  auto it = found.find(credit_code);
  if (it == found.end()) return EnterpriseNotFound(credit_code);
  return std::move(it->second);
}

absl::StatusOr<absl::flat_hash_map<std::string, ratings::RecordsCache::Entry>>
RatingService::RatableMany(const std::vector<std::string>& credit_codes) {
  absl::flat_hash_map<std::string, ratings::RecordsCache::Entry> found;
  std::vector<std::string> missing;
  for (const std::string& code : credit_codes) {
    if (ratings::RecordsCache::Entry held = records_.Find(code)) {
      found[code] = std::move(held);
    } else {
      missing.push_back(code);
    }
  }
  if (missing.empty()) return found;
  // Labelled with what the feed had seen before the read (records_cache.h).
  const int64_t seen = feed_.latest();
  ASSIGN_OR_RETURN(std::vector<domain::RatableEnterprise> read,
                   ratings_.LoadRatableMany(missing));
  for (domain::RatableEnterprise& e : read) {
    auto entry = std::make_shared<const domain::RatableEnterprise>(std::move(e));
    records_.Offer(entry, seen);
    found[entry->credit_code] = std::move(entry);
  }
  return found;
}

absl::StatusOr<std::optional<domain::CurrentRating>> RatingService::Known(
    const std::string& credit_code, absl::CivilDay today, int64_t* revision) {
  *revision = 0;
  std::optional<domain::CurrentRating> cached = cache_.Find(credit_code);
  if (cached && cached->CurrentOn(today)) return cached;
  ASSIGN_OR_RETURN(std::optional<domain::CurrentRating> stored,
                   ratings_.Get(credit_code));
  if (!stored) return std::nullopt;
  cache_.Apply(*stored);
  *revision = stored->revision;
  if (!stored->CurrentOn(today)) return std::nullopt;
  return stored;
}

absl::StatusOr<domain::CurrentRating> RatingService::Current(
    const std::string& credit_code, absl::CivilDay today) {
  int64_t revision = 0;
  ASSIGN_OR_RETURN(std::optional<domain::CurrentRating> known,
                   Known(credit_code, today, &revision));
  if (known) return *std::move(known);
  // Not rated yet, or due for a roll that has not run: rate it now.
  ASSIGN_OR_RETURN(ratings::RecordsCache::Entry e, Ratable(credit_code));
  ASSIGN_OR_RETURN(domain::CurrentRating live,
                   calculator_.Current(e->enterprise_id, e->credit_code,
                                       e->region_code, e->records, today));
  live.revision = revision;
  return live;
}

absl::StatusOr<v1::Rating> RatingService::CurrentExplained(
    const std::string& credit_code, absl::CivilDay today) {
  // The explanation is computed from the records now on file, and so is the
  // rating shown with it: the records are read and rated once. The stored
  // rating gives the revision, and its valid_until when it agrees.
  ASSIGN_OR_RETURN(ratings::RecordsCache::Entry e, Ratable(credit_code));
  int64_t revision = 0;
  ASSIGN_OR_RETURN(std::optional<domain::CurrentRating> known,
                   Known(credit_code, today, &revision));
  ASSIGN_OR_RETURN(scoring::Rating rating,
                   calculator_.Rate(e->records, e->region_code, today));
  domain::CurrentRating current;
  if (known) {
    current = *std::move(known);
  } else {
    current = calculator_.CurrentOf(rating, e->enterprise_id, e->credit_code,
                                    e->region_code, e->records, today);
    current.revision = revision;
  }
  v1::Rating explained = ToProto(credit_code, rating, &e->records);
  explained.set_revision(current.revision);
  const v1::Rating basic = ToProto(current, today);
  if (basic.has_valid_until() && rating.level == current.level &&
      rating.points == current.points) {
    *explained.mutable_valid_until() = basic.valid_until();
  }
  return explained;
}

grpc::Status RatingService::GetRating(grpc::ServerContext* context,
                                      const v1::GetRatingRequest* request,
                                      v1::Rating* response) {
  const Admission admitted = guard_.Admit(context, "GetRating", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string code, ParseRatingName(request->name(), "name"));
    if (request->view() < v1::RATING_VIEW_UNSPECIFIED ||
        request->view() > v1::FULL) {
      return InvalidArgument("view", "INVALID_ENUM", "view: unknown value");
    }
    const bool full = request->view() == v1::FULL;
    const absl::CivilDay today = Today();
    if (request->has_as_of()) {
      ASSIGN_OR_RETURN(absl::CivilDay as_of, AsOf(request->as_of(), "as_of", today));
      ASSIGN_OR_RETURN(ratings::RecordsCache::Entry e, Ratable(code));
      ASSIGN_OR_RETURN(scoring::Rating rating,
                       calculator_.Rate(e->records, e->region_code, as_of));
      *response = ToProto(code, rating, full ? &e->records : nullptr);
      return absl::OkStatus();
    }
    if (full) {
      ASSIGN_OR_RETURN(*response, CurrentExplained(code, today));
    } else {
      ASSIGN_OR_RETURN(domain::CurrentRating current, Current(code, today));
      *response = ToProto(current, today);
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

absl::Status RatingService::BatchCurrent(const v1::BatchGetRatingsRequest& request,
                                         absl::CivilDay today,
                                         v1::BatchGetRatingsResponse* response) {
  // Cache hits first; the rest in one database round trip.
  std::vector<std::string> missing;
  for (int i = 0; i < request.credit_codes_size(); ++i) {
    v1::BatchGetRatingResult* result = response->mutable_results(i);
    if (result->has_error()) continue;
    std::optional<domain::CurrentRating> cached = cache_.Find(result->credit_code());
    if (cached && cached->CurrentOn(today)) {
      *result->mutable_rating() = ToProto(*cached, today);
    } else {
      missing.push_back(result->credit_code());
    }
  }
  if (missing.empty()) return absl::OkStatus();
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  ASSIGN_OR_RETURN(auto found, RatableMany(missing));
  ASSIGN_OR_RETURN(std::vector<domain::CurrentRating> stored,
                   ratings_.GetMany(missing));
  absl::flat_hash_map<std::string, domain::CurrentRating> by_code;
  for (domain::CurrentRating& r : stored) {
    cache_.Apply(r);
    by_code[r.credit_code] = std::move(r);
  }
  for (const auto& [code, e] : found) {
    auto it = by_code.find(code);
    if (it != by_code.end() && it->second.CurrentOn(today)) continue;
    ASSIGN_OR_RETURN(domain::CurrentRating live,
                     calculator_.Current(e->enterprise_id, e->credit_code,
                                         e->region_code, e->records, today));
    live.revision = it != by_code.end() ? it->second.revision : 0;
    by_code[code] = std::move(live);
  }
  for (int i = 0; i < response->results_size(); ++i) {
    v1::BatchGetRatingResult* result = response->mutable_results(i);
    if (result->has_error() || result->has_rating()) continue;
    auto it = by_code.find(result->credit_code());
    if (it == by_code.end()) {
      SetError(result,
               EnterpriseNotFound(result->credit_code(),
                                  absl::StrCat("credit_codes[", i, "]")));
    } else {
      *result->mutable_rating() = ToProto(it->second, today);
    }
  }
  return absl::OkStatus();
}

absl::Status RatingService::BatchAsOf(const v1::BatchGetRatingsRequest& request,
                                      absl::CivilDay as_of,
                                      v1::BatchGetRatingsResponse* response) {
  std::vector<std::string> codes;
  for (const v1::BatchGetRatingResult& r : response->results()) {
    if (!r.has_error()) codes.push_back(r.credit_code());
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  ASSIGN_OR_RETURN(auto by_code, RatableMany(codes));
  const bool full = request.view() == v1::FULL;
  for (int i = 0; i < response->results_size(); ++i) {
    v1::BatchGetRatingResult* result = response->mutable_results(i);
    if (result->has_error()) continue;
    auto it = by_code.find(result->credit_code());
    if (it == by_code.end()) {
      SetError(result,
               EnterpriseNotFound(result->credit_code(),
                                  absl::StrCat("credit_codes[", i, "]")));
      continue;
    }
    const domain::RatableEnterprise& e = *it->second;
    ASSIGN_OR_RETURN(scoring::Rating rating,
                     calculator_.Rate(e.records, e.region_code, as_of));
    *result->mutable_rating() =
        ToProto(e.credit_code, rating, full ? &e.records : nullptr);
  }
  return absl::OkStatus();
}

grpc::Status RatingService::BatchGetRatings(
    grpc::ServerContext* context, const v1::BatchGetRatingsRequest* request,
    v1::BatchGetRatingsResponse* response) {
  const Admission admitted = guard_.Admit(context, "BatchGetRatings", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    if (request->credit_codes_size() == 0 ||
        request->credit_codes_size() > kMaxBatch) {
      return InvalidArgument("credit_codes", "INVALID_BATCH_SIZE",
                             absl::StrCat("credit_codes: 1 to ", kMaxBatch,
                                          " codes, not ",
                                          request->credit_codes_size()));
    }
    if (request->view() < v1::RATING_VIEW_UNSPECIFIED ||
        request->view() > v1::FULL) {
      return InvalidArgument("view", "INVALID_ENUM", "view: unknown value");
    }
    const absl::CivilDay today = Today();
    std::optional<absl::CivilDay> as_of;
    if (request->has_as_of()) {
      ASSIGN_OR_RETURN(as_of, AsOf(request->as_of(), "as_of", today));
    }
    // One result per code, in order; an invalid code is its own error.
    for (int i = 0; i < request->credit_codes_size(); ++i) {
      v1::BatchGetRatingResult* result = response->add_results();
      result->set_credit_code(request->credit_codes(i));
      absl::Status valid = domain::ValidateUscc(
          request->credit_codes(i), absl::StrCat("credit_codes[", i, "]"));
      if (!valid.ok()) SetError(result, valid);
    }
    if (as_of) return BatchAsOf(*request, *as_of, response);
    if (request->view() == v1::FULL) return BatchAsOf(*request, today, response);
    return BatchCurrent(*request, today, response);
  };
  absl::Status status = run();
  if (!status.ok()) response->Clear();
  return ToGrpcStatus(status);
}

grpc::Status RatingService::ListRatings(grpc::ServerContext* context,
                                        const v1::ListRatingsRequest* request,
                                        v1::ListRatingsResponse* response) {
  const Admission admitted = guard_.Admit(context, "ListRatings", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    std::string filter_key;
    ASSIGN_OR_RETURN(domain::RatingFilter filter, FilterFrom(*request, &filter_key));
    ASSIGN_OR_RETURN(std::string after,
                     DecodePageToken(request->page_token(), filter_key));
    ASSIGN_OR_RETURN(domain::RatingPage page,
                     ratings_.List(filter, after, page_size));
    const absl::CivilDay today = Today();
    for (const domain::CurrentRating& r : page.ratings) {
      *response->add_ratings() = ToProto(r, today);
    }
    if (page.has_more && !page.ratings.empty()) {
      response->set_next_page_token(
          EncodePageToken(page.ratings.back().credit_code, filter_key));
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RatingService::GetRatingHistory(
    grpc::ServerContext* context, const v1::GetRatingHistoryRequest* request,
    v1::GetRatingHistoryResponse* response) {
  const Admission admitted = guard_.Admit(context, "GetRatingHistory", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string code, ParseRatingName(request->name(), "name"));
    ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request->page_size()));
    const std::string filter_key = absl::StrCat(
        code, ";all=", request->include_point_changes() ? 1 : 0);
    ASSIGN_OR_RETURN(std::string last,
                     DecodePageToken(request->page_token(), filter_key));
    int64_t before = 0;
    if (!last.empty() && (!absl::SimpleAtoi(last, &before) || before <= 0)) {
      return InvalidArgument("page_token", "INVALID_PAGE_TOKEN",
                             "page_token: malformed");
    }
    ASSIGN_OR_RETURN(domain::RatingChangePage page,
                     ratings_.History(code, request->include_point_changes(),
                                      before, page_size));
    for (const domain::RatingChange& c : page.changes) {
      *response->add_changes() = ToProto(c);
    }
    if (page.has_more && !page.changes.empty()) {
      response->set_next_page_token(
          EncodePageToken(absl::StrCat(page.changes.back().cursor), filter_key));
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RatingService::AdmitWatchRatingChanges(grpc::ServerContext* context,
                                       const v1::WatchRatingChangesRequest& request) {
  const Admission admitted = guard_.Admit(context, "WatchRatingChanges", request);
  if (!admitted.ok()) return admitted.denial();
  if (request.start_at_end() && request.start_at_oldest()) {
    return ToGrpcStatus(InvalidArgument(
        "start_at_oldest", "CONFLICTING_START",
        "start_at_end and start_at_oldest: give at most one"));
  }
  return grpc::Status::OK;
}

grpc::Status RatingService::LookupPublicRating(grpc::ServerContext* context,
                                               const v1::LookupPublicRatingRequest* request,
                                               v1::LookupPublicRatingResponse* response) {
  const Admission admitted = guard_.Admit(context, "LookupPublicRating", *request);
  if (!admitted.ok()) return admitted.denial();
  // Names are not unique; a page of matches is all the public gets.
  constexpr int kMaxMatches = 20;
  auto run = [&]() -> absl::Status {
    // Counted first: a refused lookup reads nothing.
    RETURN_IF_ERROR(lookup_.limiter->Take(PeerAddress(context->peer()), absl::Now()));
    std::vector<domain::Enterprise> found;
    switch (request->key_case()) {
      case v1::LookupPublicRatingRequest::kCreditCode: {
        RETURN_IF_ERROR(domain::ValidateUscc(request->credit_code(), "credit_code"));
        absl::StatusOr<domain::Enterprise> one = lookup_.enterprises->Get(request->credit_code());
        if (one.ok()) {
          found.push_back(*std::move(one));
        } else if (one.status().code() != absl::StatusCode::kNotFound) {
          return one.status();
        }
        break;
      }
      case v1::LookupPublicRatingRequest::kRegisteredName: {
        RETURN_IF_ERROR(CheckNameText("registered_name", request->registered_name(), 1, 200));
        ASSIGN_OR_RETURN(found, lookup_.enterprises->FindByName(request->registered_name(),
                                                                kMaxMatches + 1));
        if (static_cast<int>(found.size()) > kMaxMatches) {
          found.resize(kMaxMatches);
          response->set_truncated(true);
        }
        break;
      }
      default:
        return InvalidArgument("credit_code", "LOOKUP_KEY_REQUIRED",
                               "give credit_code or registered_name");
    }
    const absl::CivilDay today = Today();
    for (const domain::Enterprise& e : found) {
      ASSIGN_OR_RETURN(domain::CurrentRating rating, Current(e.credit_code, today));
      v1::PublicRating* out = response->add_ratings();
      out->set_credit_code(e.credit_code);
      out->set_registered_name(e.display_name);
      out->set_level(static_cast<v1::RatingLevel>(static_cast<int>(rating.level)));
      out->set_national_level(
          static_cast<v1::NationalLevel>(static_cast<int>(rating.national_level)));
      out->set_policy_id(rating.policy_id);
      out->set_policy_version(rating.policy_version);
      *out->mutable_as_of() = DateToProto(std::max(today, rating.as_of));
      for (domain::ListKind list : {domain::ListKind::kBlackList, domain::ListKind::kHonorList}) {
        absl::StatusOr<domain::CurrentEntry> entry = lookup_.lists->EntryOf(list, e.credit_code);
        if (entry.ok()) {
          out->add_list_entries(domain::ListEntryName(list, e.credit_code));
        } else if (entry.status().code() != absl::StatusCode::kNotFound) {
          return entry.status();
        }
      }
    }
    return absl::OkStatus();
  };
  return ToGrpcStatus(run());
}

grpc::Status RatingService::RollRatings(grpc::ServerContext* context,
                                        const v1::RollRatingsRequest* request,
                                        v1::RollRatingsResponse* response) {
  const Admission admitted = guard_.Admit(context, "RollRatings", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    const absl::CivilDay today = Today();
    absl::CivilDay day = today;
    if (request->has_date()) {
      ASSIGN_OR_RETURN(day, AsOf(request->date(), "date", today));
    }
    ASSIGN_OR_RETURN(domain::RollStats stats, ratings_.Roll(day));
    *response->mutable_date() = DateToProto(day);
    response->set_enterprises_examined(stats.examined);
    response->set_ratings_changed(stats.changed);
    response->set_level_changes(stats.level_changes);
    return absl::OkStatus();
  };
  return audit_.FinishAudited(audit_.Context(admitted.caller(), "RollRatings"), "ratings", run());
}

grpc::Status RatingService::RescoreRatings(grpc::ServerContext* context,
                                           const v1::RescoreRatingsRequest* request,
                                           v1::RescoreRatingsResponse* response) {
  const Admission admitted = guard_.Admit(context, "RescoreRatings", *request);
  if (!admitted.ok()) return admitted.denial();
  auto run = [&]() -> absl::Status {
    if (!request->all()) {
      return InvalidArgument("all", "RESCORE_SCOPE_REQUIRED",
                             "all: must be true (rescoring every enterprise "
                             "is the only mode)");
    }
    int page_size = request->page_size();
    if (page_size < 0 || page_size > 10000) {
      return InvalidArgument("page_size", "INVALID_PAGE_SIZE",
                             "page_size: 0 to 10000");
    }
    if (page_size == 0) page_size = 1000;
    // The token carries "last id/total/done so far", so only the first
    // page counts the registry.
    ASSIGN_OR_RETURN(std::string token, DecodePageToken(request->page_token(), "rescore"));
    int64_t after = 0;
    int64_t total = 0;
    int64_t done = 0;
    if (!token.empty()) {
      std::vector<std::string> parts = absl::StrSplit(token, '/');
      if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &after) ||
          !absl::SimpleAtoi(parts[1], &total) || !absl::SimpleAtoi(parts[2], &done) ||
          after < 0 || total < 0 || done < 0) {
        return InvalidArgument("page_token", "INVALID_PAGE_TOKEN",
                               "page_token: malformed");
      }
    }
    ASSIGN_OR_RETURN(domain::RescoreStats stats,
                     ratings_.RescorePage(after, page_size, token.empty()));
    if (token.empty()) total = stats.total;
    done += stats.rescored;
    response->set_enterprises_rescored(stats.rescored);
    response->set_ratings_changed(stats.changed);
    response->set_level_changes(stats.level_changes);
    response->set_total_enterprises(std::max(total, done));
    response->set_enterprises_done(done);
    if (!stats.done) {
      response->set_next_page_token(EncodePageToken(
          absl::StrCat(stats.last_enterprise_id, "/", total, "/", done), "rescore"));
    }
    return absl::OkStatus();
  };
  absl::Status status = run();
  // Audit the first page only would hide who rescored later pages; every
  // page is a write, so every page is audited.
  return audit_.FinishAudited(audit_.Context(admitted.caller(), "RescoreRatings"), "ratings", status);
}

}  // namespace envcredit::api
