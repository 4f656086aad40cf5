// Stored ratings: the current rating of an enterprise as the server keeps it,
// the changes it records (history and change feed), and the calculator that
// turns an enterprise's records into one. Pure: no SQL, no protobuf.
//
// doc/ratings.md tells the whole story: when ratings are recomputed, the
// daily roll, the feed and its cursors, the cache.
#ifndef ENVCREDIT_SERVER_DOMAIN_RATINGS_H_
#define ENVCREDIT_SERVER_DOMAIN_RATINGS_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "scoring/enums.h"
#include "scoring/policy.h"
#include "scoring/rating.h"
#include "scoring/records.h"

namespace envcredit::domain {

// Bit n set when the rating carries scoring::RatingFlag n.
uint32_t FlagBits(const scoring::Rating& rating);
std::vector<scoring::RatingFlag> FlagsOfBits(uint32_t bits);

// The current rating of one enterprise, as stored in `ratings`.
struct CurrentRating {
  int64_t enterprise_id = 0;
  std::string credit_code;
  std::string region_code;
  scoring::Level level = scoring::Level::kUnspecified;
  int points = 0;
  scoring::NationalLevel national_level = scoring::NationalLevel::kUnspecified;
  uint32_t flag_bits = 0;
  std::string policy_id;
  int policy_version = 0;
  absl::CivilDay as_of;  // the day it was computed for
  // The first day on which time alone may change it; nullopt: never.
  std::optional<absl::CivilDay> valid_until;
  int64_t revision = 0;  // cursor of the last change (0 before any)

  // True when a reader would see the same rating: level, points, flags and
  // policy (not the dates or the revision).
  bool SameRatingAs(const CurrentRating& other) const;
  // True when it is the rating on `day` (computed on or before it and not
  // yet due for the roll).
  bool CurrentOn(absl::CivilDay day) const {
    return as_of <= day && (!valid_until || day < *valid_until);
  }
};

// Why a stored rating changed. Stable values (stored; the proto's
// RatingChangeCause has the same numbers).
enum class RatingChangeCause : int {
  kUnspecified = 0,
  kEnterpriseRegistered = 1,
  kRecordWritten = 2,
  kDecisionRevoked = 3,
  kTimePassed = 4,
  kRescored = 5,
  kEnterpriseUpdated = 6,
};

// What made a recomputation happen: stored with each change it causes.
struct RatingTrigger {
  RatingChangeCause cause = RatingChangeCause::kUnspecified;
  std::string resource;  // e.g. "enterprises/…/penaltyDecisions/12"
  std::string reason;    // for people
};

// One stored change (a row of rating_changes; an event of the feed).
struct RatingChange {
  int64_t cursor = 0;
  int64_t enterprise_id = 0;
  std::string credit_code;
  absl::CivilDay effective_date;
  scoring::Level old_level = scoring::Level::kUnspecified;
  int old_points = 0;
  // The rating after the change (its revision is `cursor`).
  CurrentRating rating;
  RatingChangeCause cause = RatingChangeCause::kUnspecified;
  std::string cause_resource;
  std::string reason;
  absl::Time record_time;
  bool level_changed() const { return old_level != rating.level; }
};

// A change of a published list: an event of the change feed.
enum class ListChangeKind : int {
  kUnspecified = 0,
  kAdded = 1,     // published on the list
  kRemoved = 2,   // left it with a publication
  kRepaired = 3,  // credit repair granted
};

struct ListChange {
  int64_t cursor = 0;
  int list = 0;  // scoring::ListKind
  std::string credit_code;
  ListChangeKind kind = ListChangeKind::kUnspecified;
  std::string publication;  // resource name; "" for a repair
  std::string reason;
  absl::CivilDay effective_date;
  absl::Time record_time;
};

// Whether a write with this cause may have changed the enterprise's scoring
// records or its region, the inputs of an as-of rating (the records caches
// of every server must learn of it; doc/ratings.md "Records cache").
bool ChangesRecords(RatingChangeCause cause);

// The scoring records (or region) of an enterprise changed and its rating
// did not: an event of the change feed that only the servers' records caches
// use (watchers are not sent it). A change of the rating whose cause
// ChangesRecords says the same.
struct RecordsChange {
  int64_t cursor = 0;
  int64_t enterprise_id = 0;
  std::string credit_code;
  absl::Time record_time;
};

// One event of the change feed: a rating change, a list change, or a change
// of records that left the rating as it was.
struct FeedEvent {
  int64_t cursor = 0;
  std::optional<RatingChange> rating;
  std::optional<ListChange> list;
  std::optional<RecordsChange> records;

  // The enterprise whose records changed with this event, or nullptr.
  const std::string* RecordsChangedOf() const {
    if (records) return &records->credit_code;
    if (rating && ChangesRecords(rating->cause)) return &rating->credit_code;
    return nullptr;
  }
};

// Rates enterprises under the policies of a catalog (chosen by region).
// Thread-safe; the catalog must outlive it.
class RatingCalculator {
 public:
  explicit RatingCalculator(const scoring::PolicyCatalog* catalog)
      : catalog_(catalog) {}

  const scoring::PolicyCatalog& catalog() const { return *catalog_; }
  // The policy of the region map's default (it sets list procedures).
  const scoring::Policy& DefaultPolicy() const {
    return catalog_->policies.at(catalog_->regions.default_policy_id);
  }

  const scoring::Policy& PolicyFor(absl::string_view region_code) const {
    return catalog_->ForRegion(std::string_view(region_code.data(), region_code.size()));
  }

  // The full rating (with explanation) on `day`. INVALID_ARGUMENT if the
  // stored records are not valid scoring input (never for records written
  // through the API).
  absl::StatusOr<scoring::Rating> Rate(const scoring::EnterpriseRecords& records,
                                       absl::string_view region_code,
                                       absl::CivilDay day) const;

  // The rating to store for an enterprise on `day` (revision left 0).
  absl::StatusOr<CurrentRating> Current(int64_t enterprise_id,
                                        absl::string_view credit_code,
                                        absl::string_view region_code,
                                        const scoring::EnterpriseRecords& records,
                                        absl::CivilDay day) const;
  // The same from `rating`, which Rate(records, region_code, day) gave.
  CurrentRating CurrentOf(const scoring::Rating& rating, int64_t enterprise_id,
                          absl::string_view credit_code,
                          absl::string_view region_code,
                          const scoring::EnterpriseRecords& records,
                          absl::CivilDay day) const;

 private:
  const scoring::PolicyCatalog* catalog_;
};

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_RATINGS_H_
