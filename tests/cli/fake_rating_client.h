// An in-memory RatingClient that behaves like RatingService in the ways the
// `ratings` commands depend on:
//   - credit codes of 18 upper-case letters and digits are valid, others get
//     INVALID_ARGUMENT (INVALID_CREDIT_CODE); valid codes without a rating
//     get NOT_FOUND (ENTERPRISE_NOT_FOUND), with ErrorInfo details;
//   - BatchGetRatings refuses more than 1,000 codes as a whole;
//   - list, history and rescore pages use the next index as page token and
//     refuse page sizes out of range;
//   - the change feed sends a first response without changes, then
//     `watch_batch` changes per response, skipping point-only changes unless
//     asked, then ends with `watch_end`; OUT_OF_RANGE (CURSOR_EXPIRED, with
//     metadata oldest_cursor) below the oldest kept event, INVALID_ARGUMENT
//     (CURSOR_AHEAD) past the end; it stops when the callback says so or
//     the cancel flag is set, and can raise SIGINT to imitate Ctrl-C.
// Every request is recorded. Not thread-safe; for unit tests only.
#ifndef ENVCREDIT_TESTS_CLI_FAKE_RATING_CLIENT_H_
#define ENVCREDIT_TESTS_CLI_FAKE_RATING_CLIENT_H_

#include <signal.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "admin-cli/clients/rating_client.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace envcredit::admin::testing {

class FakeRatingClient : public RatingClient {
 public:
  // --- Server state, set up by the test. ---
  std::map<std::string, v1::Rating> ratings;  // by credit code
  // Newest first, as GetRatingHistory returns them.
  std::map<std::string, std::vector<v1::RatingChange>> histories;
  std::vector<v1::RatingChange> feed;  // increasing cursors
  int64_t feed_end = 0;                // the last cursor issued
  int64_t oldest_cursor = 1;           // the oldest event still kept
  int watch_batch = 2;                 // changes per feed response
  // Raise SIGINT after this many feed responses (-1: never).
  int interrupt_after_responses = -1;
  grpc::Status watch_end{grpc::StatusCode::UNAVAILABLE, "server shut down"};
  int list_page_cap = 1000;       // the most ratings one list page returns
  int history_page_size = 2;      // changes per history page
  int64_t rescore_total = 0;      // enterprises RescoreRatings walks through
  int rescore_fail_at_call = -1;  // 0-based call that fails UNAVAILABLE
  bool unavailable = false;

  // --- What was asked. ---
  std::vector<v1::GetRatingRequest> gets;
  std::vector<v1::BatchGetRatingsRequest> batches;
  std::vector<v1::ListRatingsRequest> lists;
  std::vector<v1::GetRatingHistoryRequest> history_requests;
  std::vector<v1::WatchRatingChangesRequest> watches;
  std::vector<v1::RollRatingsRequest> rolls;
  std::vector<v1::RescoreRatingsRequest> rescores;
  std::vector<std::string> call_ids;
  int watch_responses = 0;  // feed responses sent, over all watches

  // A rating for `code` under policy "jiangsu-2019" version 2, as of
  // 2025-06-01, valid until 2026-01-01, with an explanation.
  v1::Rating& AddRating(const std::string& code, v1::RatingLevel level,
                        int points, std::vector<v1::RatingFlag> flags = {}) {
    v1::Rating& r = ratings[code];
    r.set_name(absl::StrCat("enterprises/", code, "/rating"));
    r.set_credit_code(code);
    r.set_level(level);
    r.set_points(points);
    r.set_national_level(level == v1::GREEN    ? v1::NATIONAL_TRUSTWORTHY
                         : level == v1::BLUE   ? v1::NATIONAL_GOOD
                         : level == v1::YELLOW ? v1::NATIONAL_WARNING
                                               : v1::NATIONAL_POOR);
    for (v1::RatingFlag f : flags) r.add_flags(f);
    r.set_policy_id("jiangsu-2019");
    r.set_policy_version(2);
    SetDate(r.mutable_as_of(), 2025, 6, 1);
    SetDate(r.mutable_valid_until(), 2026, 1, 1);
    r.set_revision(17);
    r.mutable_explanation()->set_base_points(100);
    r.mutable_explanation()->set_text(
        absl::StrCat("base 100 points\npenalty decision 苏环罚〔2024〕12号: "
                     "-12 points until 2026-01-01\nlevel ",
                     v1::RatingLevel_Name(level), " from ", points, " points"));
    return r;
  }

  // Appends an event to the feed with the next cursor.
  v1::RatingChange& AddChange(const std::string& code, v1::RatingLevel from,
                              v1::RatingLevel to, int old_points,
                              int new_points) {
    v1::RatingChange& c = feed.emplace_back();
    c.set_cursor(++feed_end);
    c.set_credit_code(code);
    SetDate(c.mutable_effective_date(), 2025, 6, 1);
    c.set_old_level(from);
    c.set_new_level(to);
    c.set_old_points(old_points);
    c.set_new_points(new_points);
    c.set_cause(v1::RECORD_WRITTEN);
    c.set_reason(absl::StrCat("change ", feed_end));
    c.set_level_changed(from != to);
    return c;
  }

  static void SetDate(v1::Date* d, int y, int m, int day) {
    d->set_year(y);
    d->set_month(m);
    d->set_day(day);
  }

  static bool ValidCode(const std::string& code) {
    return code.size() == 18 &&
           std::all_of(code.begin(), code.end(), [](char c) {
             return absl::ascii_isdigit(c) || absl::ascii_isupper(c);
           });
  }

  // A google.rpc.Status with an ErrorInfo (domain envcredit.v1).
  static google::rpc::Status Rich(
      grpc::StatusCode code, const std::string& reason,
      const std::string& message,
      std::map<std::string, std::string> meta = {}) {
    google::rpc::Status rich;
    rich.set_code(static_cast<int>(code));
    rich.set_message(message);
    google::rpc::ErrorInfo info;
    info.set_reason(reason);
    info.set_domain("envcredit.v1");
    for (const auto& [k, v] : meta) (*info.mutable_metadata())[k] = v;
    rich.add_details()->PackFrom(info);
    return rich;
  }
  static grpc::Status Error(grpc::StatusCode code, const std::string& reason,
                            const std::string& message,
                            std::map<std::string, std::string> meta = {}) {
    return grpc::Status(
        code, message,
        Rich(code, reason, message, std::move(meta)).SerializeAsString());
  }

  // --- RatingClient ---

  grpc::Status GetRating(const std::string& id, const v1::GetRatingRequest& r,
                         v1::Rating* out) override {
    call_ids.push_back(id);
    gets.push_back(r);
    if (unavailable) return Unavailable();
    absl::string_view name = r.name();
    if (!absl::ConsumePrefix(&name, "enterprises/") ||
        !absl::ConsumeSuffix(&name, "/rating")) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_RESOURCE_NAME",
                   "bad name");
    }
    grpc::Status status =
        Lookup(std::string(name), r.as_of(), r.has_as_of(), r.view(), out);
    return status;
  }

  grpc::Status BatchGetRatings(const std::string& id,
                               const v1::BatchGetRatingsRequest& r,
                               v1::BatchGetRatingsResponse* out) override {
    call_ids.push_back(id);
    batches.push_back(r);
    if (unavailable) return Unavailable();
    if (r.credit_codes_size() < 1 || r.credit_codes_size() > 1000) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_BATCH_SIZE",
                   "credit_codes: 1 to 1000 codes");
    }
    for (const std::string& code : r.credit_codes()) {
      v1::BatchGetRatingResult* result = out->add_results();
      result->set_credit_code(code);
      v1::Rating rating;
      const grpc::Status status =
          Lookup(code, r.as_of(), r.has_as_of(), r.view(), &rating);
      if (status.ok()) {
        *result->mutable_rating() = rating;
      } else {
        result->mutable_error()->ParseFromString(status.error_details());
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status ListRatings(const std::string& id,
                           const v1::ListRatingsRequest& r,
                           v1::ListRatingsResponse* out) override {
    call_ids.push_back(id);
    lists.push_back(r);
    if (unavailable) return Unavailable();
    if (r.page_size() < 0 || r.page_size() > 1000) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_SIZE",
                   "page_size: 1..1000");
    }
    std::vector<const v1::Rating*> matching;
    for (const auto& [code, rating] : ratings) {
      if (r.levels_size() > 0 &&
          std::find(r.levels().begin(), r.levels().end(), rating.level()) ==
              r.levels().end()) {
        continue;
      }
      bool flags_ok = true;
      for (int f : r.flags()) {
        if (std::find(rating.flags().begin(), rating.flags().end(), f) ==
            rating.flags().end()) {
          flags_ok = false;
        }
      }
      if (!flags_ok) continue;
      if (!absl::StartsWith(code.substr(2), r.region_prefix())) continue;
      if (!r.policy_id().empty() && rating.policy_id() != r.policy_id()) {
        continue;
      }
      matching.push_back(&rating);
    }
    const size_t size =
        std::min(r.page_size() == 0 ? 50 : r.page_size(), list_page_cap);
    size_t start = 0;
    if (!r.page_token().empty() && !absl::SimpleAtoi(r.page_token(), &start)) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN",
                   "page_token");
    }
    for (size_t k = start; k < matching.size() && k < start + size; ++k) {
      *out->add_ratings() = *matching[k];
    }
    if (start + size < matching.size()) {
      out->set_next_page_token(absl::StrCat(start + size));
    }
    return grpc::Status::OK;
  }

  grpc::Status GetRatingHistory(const std::string& id,
                                const v1::GetRatingHistoryRequest& r,
                                v1::GetRatingHistoryResponse* out) override {
    call_ids.push_back(id);
    history_requests.push_back(r);
    if (unavailable) return Unavailable();
    absl::string_view name = r.name();
    absl::ConsumePrefix(&name, "enterprises/");
    absl::ConsumeSuffix(&name, "/rating");
    const auto it = histories.find(std::string(name));
    if (it == histories.end()) {
      return Error(grpc::StatusCode::NOT_FOUND, "ENTERPRISE_NOT_FOUND",
                   "no such enterprise");
    }
    std::vector<const v1::RatingChange*> shown;
    for (const v1::RatingChange& c : it->second) {
      if (c.level_changed() || r.include_point_changes()) shown.push_back(&c);
    }
    size_t start = 0;
    if (!r.page_token().empty()) absl::SimpleAtoi(r.page_token(), &start);
    const size_t size = history_page_size;
    for (size_t k = start; k < shown.size() && k < start + size; ++k) {
      *out->add_changes() = *shown[k];
    }
    if (start + size < shown.size()) {
      out->set_next_page_token(absl::StrCat(start + size));
    }
    return grpc::Status::OK;
  }

  grpc::Status WatchRatingChanges(const std::string& id,
                                  const v1::WatchRatingChangesRequest& r,
                                  const RatingChangesCallback& on_response,
                                  const std::atomic<bool>* cancel) override {
    call_ids.push_back(id);
    watches.push_back(r);
    if (unavailable) return Unavailable();
    int64_t after = r.start_at_end() ? feed_end : r.after_cursor();
    if (after > feed_end) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "CURSOR_AHEAD",
                   "after_cursor: the feed never issued it");
    }
    if (r.start_at_oldest()) after = oldest_cursor - 1;
    if (after < oldest_cursor - 1) {
      return Error(grpc::StatusCode::OUT_OF_RANGE, "CURSOR_EXPIRED",
                   "after_cursor: older events were deleted",
                   {{"oldest_cursor", absl::StrCat(oldest_cursor)}});
    }
    // Sends one response; false when the stream must end (callback said
    // stop, or the cancel flag is set).
    bool cancelled = false;
    const auto send = [&](const v1::WatchRatingChangesResponse& response) {
      if (cancel != nullptr && cancel->load()) {
        cancelled = true;
        return false;
      }
      ++watch_responses;
      const bool more = on_response(response);
      if (interrupt_after_responses >= 0 &&
          watch_responses == interrupt_after_responses) {
        raise(SIGINT);
      }
      if (cancel != nullptr && cancel->load()) {
        cancelled = true;
        return false;
      }
      return more;
    };
    v1::WatchRatingChangesResponse first;
    first.set_cursor(after);
    if (!send(first)) return Ended(cancelled);
    v1::WatchRatingChangesResponse response;
    for (const v1::RatingChange& c : feed) {
      if (c.cursor() <= after) continue;
      response.set_cursor(c.cursor());
      if (c.level_changed() || r.include_point_changes()) {
        *response.add_changes() = c;
      }
      if (response.changes_size() == watch_batch) {
        if (!send(response)) return Ended(cancelled);
        response.Clear();
      }
    }
    if (response.changes_size() > 0 || response.cursor() != 0) {
      if (!send(response)) return Ended(cancelled);
    }
    return watch_end;
  }

  grpc::Status RollRatings(const std::string& id,
                           const v1::RollRatingsRequest& r,
                           v1::RollRatingsResponse* out) override {
    call_ids.push_back(id);
    rolls.push_back(r);
    if (unavailable) return Unavailable();
    if (r.has_date()) {
      *out->mutable_date() = r.date();
    } else {
      SetDate(out->mutable_date(), 2025, 6, 1);
    }
    out->set_enterprises_examined(42);
    out->set_ratings_changed(7);
    out->set_level_changes(3);
    return grpc::Status::OK;
  }

  // The public lookup is tested end to end (tests/e2e/enterprise_role_e2e_test.cc).
  grpc::Status LookupPublicRating(const std::string&, const v1::LookupPublicRatingRequest&,
                                  v1::LookupPublicRatingResponse*) override {
    return Error(grpc::StatusCode::UNIMPLEMENTED, "NOT_FAKED", "not in the fake");
  }

  grpc::Status RescoreRatings(const std::string& id,
                              const v1::RescoreRatingsRequest& r,
                              v1::RescoreRatingsResponse* out) override {
    call_ids.push_back(id);
    rescores.push_back(r);
    if (static_cast<int>(rescores.size()) - 1 == rescore_fail_at_call ||
        unavailable) {
      return Unavailable();
    }
    if (!r.all()) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT",
                   "all must be set");
    }
    if (r.page_size() < 0 || r.page_size() > 10000) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_SIZE",
                   "page_size: 1..10000");
    }
    const int64_t size = r.page_size() == 0 ? 1000 : r.page_size();
    int64_t start = 0;
    if (!r.page_token().empty() && !absl::SimpleAtoi(r.page_token(), &start)) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_PAGE_TOKEN",
                   "page_token");
    }
    const int64_t end = std::min(rescore_total, start + size);
    int64_t changed = 0, level = 0;
    for (int64_t k = start; k < end; ++k) {
      if (k % 10 == 0) ++changed;
      if (k % 100 == 0) ++level;
    }
    out->set_enterprises_rescored(end - start);
    out->set_ratings_changed(changed);
    out->set_level_changes(level);
    out->set_total_enterprises(rescore_total);
    out->set_enterprises_done(end);
    if (end < rescore_total) out->set_next_page_token(absl::StrCat(end));
    return grpc::Status::OK;
  }

 private:
  static grpc::Status Unavailable() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused");
  }
  static grpc::Status Ended(bool cancelled) {
    if (cancelled) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    }
    return grpc::Status::OK;
  }

  grpc::Status Lookup(const std::string& code, const v1::Date& as_of,
                      bool has_as_of, v1::RatingView view, v1::Rating* out) {
    if (!ValidCode(code)) {
      return Error(grpc::StatusCode::INVALID_ARGUMENT, "INVALID_CREDIT_CODE",
                   absl::StrCat("credit code '", code, "': wrong length"),
                   {{"field", "credit_codes"}});
    }
    const auto it = ratings.find(code);
    if (it == ratings.end()) {
      return Error(grpc::StatusCode::NOT_FOUND, "ENTERPRISE_NOT_FOUND",
                   absl::StrCat("no enterprise ", code));
    }
    *out = it->second;
    if (has_as_of) {
      *out->mutable_as_of() = as_of;
      out->clear_valid_until();
      out->set_revision(0);
    }
    if (view != v1::FULL) out->clear_explanation();
    return grpc::Status::OK;
  }
};

// Forwards to a FakeRatingClient the test keeps (RunCli owns its client).
class ForwardingRatingClient : public RatingClient {
 public:
  explicit ForwardingRatingClient(RatingClient* target) : target_(target) {}
  grpc::Status GetRating(const std::string& id, const v1::GetRatingRequest& r,
                         v1::Rating* out) override {
    return target_->GetRating(id, r, out);
  }
  grpc::Status BatchGetRatings(const std::string& id,
                               const v1::BatchGetRatingsRequest& r,
                               v1::BatchGetRatingsResponse* out) override {
    return target_->BatchGetRatings(id, r, out);
  }
  grpc::Status ListRatings(const std::string& id,
                           const v1::ListRatingsRequest& r,
                           v1::ListRatingsResponse* out) override {
    return target_->ListRatings(id, r, out);
  }
  grpc::Status GetRatingHistory(const std::string& id,
                                const v1::GetRatingHistoryRequest& r,
                                v1::GetRatingHistoryResponse* out) override {
    return target_->GetRatingHistory(id, r, out);
  }
  grpc::Status WatchRatingChanges(const std::string& id,
                                  const v1::WatchRatingChangesRequest& r,
                                  const RatingChangesCallback& on_response,
                                  const std::atomic<bool>* cancel) override {
    return target_->WatchRatingChanges(id, r, on_response, cancel);
  }
  grpc::Status RollRatings(const std::string& id,
                           const v1::RollRatingsRequest& r,
                           v1::RollRatingsResponse* out) override {
    return target_->RollRatings(id, r, out);
  }
  grpc::Status RescoreRatings(const std::string& id,
                              const v1::RescoreRatingsRequest& r,
                              v1::RescoreRatingsResponse* out) override {
    return target_->RescoreRatings(id, r, out);
  }
  grpc::Status LookupPublicRating(const std::string& id,
                                  const v1::LookupPublicRatingRequest& r,
                                  v1::LookupPublicRatingResponse* out) override {
    return target_->LookupPublicRating(id, r, out);
  }

 private:
  RatingClient* target_;
};

}  // namespace envcredit::admin::testing

#endif  // ENVCREDIT_TESTS_CLI_FAKE_RATING_CLIENT_H_
