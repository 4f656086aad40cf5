#include "scoring/next_change.h"

#include <algorithm>
#include <vector>

#include "scoring/civil_date.h"

namespace envcredit::scoring {
namespace {

// The earliest day offered that is after the as-of date. Days on or before
// it are dropped: what happened then is already in the rating.
class EarliestDay {
 public:
  explicit EarliestDay(absl::CivilDay as_of) : as_of_(as_of) {}

  void Offer(absl::CivilDay day) {
    if (day <= as_of_) return;
    if (!earliest_ || day < *earliest_) earliest_ = day;
  }

  std::optional<absl::CivilDay> day() const { return earliest_; }

 private:
  const absl::CivilDay as_of_;
  std::optional<absl::CivilDay> earliest_;
};

// A record dated after the as-of date is ignored by the engine until its
// date, and from that day on may change the rating. Only records the engine
// can use at all are offered; where telling would need the engine's own
// rules (a commitment's eligibility), the record is offered anyway, which is
// merely conservative.
void OfferFutureRecords(const EnterpriseRecords& records, const Rating& rating,
                        const Policy& policy, EarliestDay& next) {
  for (const PenaltyDecision& decision : records.decisions) {
    // A revoked decision never counts, never resets the bonus and never
    // counts towards a repeat offence: as if it did not exist.
    if (decision.revoked) continue;
    next.Offer(decision.decision_date);
  }
  // A broken item deducts under broken_commitment_rule, and resets the clean
  // years under bonus_rule even when the policy has no rule of its own for it.
  if (policy.broken_commitment_rule || policy.bonus_rule) {
    for (const BrokenCommitmentItem& item : records.broken_commitments) {
      next.Offer(item.found_broken_date);
    }
  }
  for (const Incident& incident : records.incidents) {
    // The engine skips an incident whose grade has no rule (and incidents
    // never reset the bonus).
    if (policy.FindIncidentRule(incident.grade) == nullptr) continue;
    next.Offer(incident.date);
  }
  // The bonus runs from the earliest eligible commitment, so once one is on
  // file a later signing changes nothing.
  if (policy.bonus_rule && !rating.explanation.bonus.has_commitment) {
    for (const Commitment& commitment : records.commitments) {
      next.Offer(commitment.signing_date);
    }
  }
}

// A counting record stops counting on its end date: date + validity under
// kRollingValidity, 1 January of the next year under
// kCalendarYearAccumulation (so this is where the annual model's year
// boundary comes from). A record dated on or before the as-of date that does
// not count on it never counts again: its end date has passed, or its year is
// over.
void OfferEndDates(const Rating& rating, EarliestDay& next) {
  for (const CountingRecord& record : rating.explanation.records) {
    next.Offer(record.end_date);
  }
}

// The first day A on which a decision dated `date` is no longer in the
// repeat-offender window (A − window months, A], i.e. AddMonths(A, −window)
// ≥ date. `date + window months` is never later than that day but can be
// earlier when AddMonths clamped it: a decision of 2024-02-29 is still in the
// 12-month window on 2025-02-28 (the window starts after 2024-02-28) and
// leaves it on 2025-03-01. So step forward from there; a few days at most.
absl::CivilDay LeavesWindow(absl::CivilDay date, int window_months) {
  absl::CivilDay day = AddMonths(date, window_months);
  while (AddMonths(day, -window_months) < date) ++day;
  return day;
}

// A repeat offender stays one until fewer than min_decisions decisions are in
// the window. A decision can only enter the window on its own date (a future
// record, offered above), so by time alone an offender stops being one when
// enough of the decisions in the window on the as-of date have left it, and a
// non-offender never becomes one.
void OfferRepeatOffenderEnd(const EnterpriseRecords& records,
                            const Rating& rating, const Policy& policy,
                            EarliestDay& next) {
  if (!policy.repeat_offender_rule || !rating.repeat_offender) return;
  const RepeatOffenderRule& rule = *policy.repeat_offender_rule;
  const std::vector<int>& in_window =
      rating.explanation.repeat_offender_decisions;
  std::vector<absl::CivilDay> departures;
  departures.reserve(in_window.size());
  for (int index : in_window) {
    departures.push_back(LeavesWindow(records.decisions[index].decision_date,
                                      rule.window_months));
  }
  std::sort(departures.begin(), departures.end());
  // With n in the window, the count falls below the minimum on the
  // (n − min + 1)-th departure. The engine needs at least one decision to make
  // an offender, whatever the policy's minimum.
  const int n = static_cast<int>(departures.size());
  const int ending_departure = n - std::max(rule.min_decisions, 1);
  if (ending_departure < 0) return;  // not an offender after all
  next.Offer(departures[ending_departure]);
}

// The clean-year points grow on each anniversary clean_since + 12·n months
// (the engine's whole years) until they reach the policy's maximum.
// clean_since itself moves only with a new decision or broken commitment,
// which is a future record, offered above; with no eligible commitment on
// file there are no clean years to count.
void OfferNextCleanYear(const Rating& rating, const Policy& policy,
                        EarliestDay& next) {
  if (!policy.bonus_rule) return;
  const BonusRule& rule = *policy.bonus_rule;
  const BonusExplanation& bonus = rating.explanation.bonus;
  if (!bonus.has_commitment) return;
  if (rule.points_per_clean_year <= 0 ||
      bonus.clean_year_points >= rule.max_clean_year_points) {
    return;  // another year earns nothing
  }
  next.Offer(AddMonths(bonus.clean_since, 12 * (bonus.whole_clean_years + 1)));
}

}  // namespace

std::optional<absl::CivilDay> NextChangeDay(const EnterpriseRecords& records,
                                            const Rating& rating,
                                            const Policy& policy) {
  EarliestDay next(rating.as_of);
  OfferFutureRecords(records, rating, policy, next);
  OfferEndDates(rating, next);
  OfferRepeatOffenderEnd(records, rating, policy, next);
  OfferNextCleanYear(rating, policy, next);
  return next.day();
}

}  // namespace envcredit::scoring
