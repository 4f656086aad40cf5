// NextChangeDay (scoring/next_change.h): the day on which a rating can next
// change by time alone.
//   - hand-built cases from the rules of doc/scoring.md ("When a rating can
//     change by time alone"), each expected day computed by hand from SPEC
//     §5.1, and each checked against the engine: the rating really changes
//     on that day;
//   - a property over random histories (fixed seed) under both shipped
//     policies: walking day by day, the rating never changes before the day
//     NextChangeDay gave, and when it gave none the rating stays the same for
//     800 days.
#include "scoring/next_change.h"

#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "scoring/civil_date.h"
#include "scoring/engine.h"
#include "tests/scoring/test_support.h"

namespace envcredit::scoring {
namespace {

using testing::AnnualPolicy;
using testing::Broken;
using testing::Day;
using testing::Decision;
using testing::DefaultPolicy;
using testing::MakeIncident;
using testing::PublicCreditCommitment;
using testing::RateOrFail;
using testing::Revoked;

// How far the tests look ahead for a change that NextChangeDay did not
// announce.
constexpr int kHorizonDays = 800;

// What NextChangeDay promises about: level, points and flags.
bool SameOutcome(const Rating& a, const Rating& b) {
  return a.level == b.level && a.points == b.points && a.Flags() == b.Flags();
}

std::string Outcome(const Rating& r) {
  std::string text = FormatDay(r.as_of) + " level " +
                     std::to_string(static_cast<int>(r.level)) + " points " +
                     std::to_string(r.points) + " flags";
  for (RatingFlag flag : r.Flags()) {
    text += " " + std::to_string(static_cast<int>(flag));
  }
  return text;
}

// --- Hand-built cases ----------------------------------------------------

struct Case {
  std::string name;
  const Policy* policy;
  EnterpriseRecords records;
  absl::CivilDay as_of;
  std::optional<absl::CivilDay> expected;  // computed by hand
};

// gtest prints a failing parameter with this (not as raw bytes).
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

EnterpriseRecords With(std::vector<PenaltyDecision> decisions,
                       std::vector<Commitment> commitments = {},
                       std::vector<BrokenCommitmentItem> broken = {},
                       std::vector<Incident> incidents = {}) {
  EnterpriseRecords records;
  records.decisions = std::move(decisions);
  records.commitments = std::move(commitments);
  records.broken_commitments = std::move(broken);
  records.incidents = std::move(incidents);
  return records;
}

PenaltyDecision Warning(std::string number, absl::CivilDay date) {
  return Decision(std::move(number), date, {Measure::kWarning});
}

PenaltyDecision Fine(std::string number, absl::CivilDay date) {
  return Decision(std::move(number), date, {Measure::kFine});
}

std::vector<Case> HandBuiltCases() {
  const Policy* kDefault = &DefaultPolicy();
  const Policy* kAnnual = &AnnualPolicy();
  std::vector<Case> cases;

  // Nothing on file: nothing can change, under either model.
  cases.push_back({"no_records_default", kDefault, {}, Day(2024, 6, 1), {}});
  cases.push_back({"no_records_annual", kAnnual, {}, Day(2024, 6, 1), {}});

  // End dates (rule 2.3). A fine of 2024-03-15 (−3, 6 months) counts until
  // 2024-03-15 + 6 m = 2024-09-15; nothing else changes before.
  cases.push_back({"fine_ends", kDefault, With({Fine("F-1", Day(2024, 3, 15))}),
                   Day(2024, 5, 1), Day(2024, 9, 15)});
  cases.push_back({"fine_ended", kDefault,
                   With({Fine("F-1", Day(2024, 3, 15))}), Day(2024, 9, 15),
                   std::nullopt});
  // D2: 2023-08-31 + 6 m clamps to 2024-02-29.
  cases.push_back({"clamped_end", kDefault,
                   With({Fine("F-0831", Day(2023, 8, 31))}), Day(2023, 10, 1),
                   Day(2024, 2, 29)});
  // D5: FINE + SUSPENSION: the −3 lasts the longest validity, 12 months.
  cases.push_back(
      {"longest_validity", kDefault,
       With({Decision("S-1", Day(2024, 3, 10),
                      {Measure::kFine, Measure::kSuspensionForRectification})}),
       Day(2024, 4, 1), Day(2025, 3, 10)});
  // D10: a general incident takes the level down until 2025-04-01.
  cases.push_back(
      {"incident_ends", kDefault,
       With({}, {}, {},
            {MakeIncident("INC-1", Day(2024, 4, 1), IncidentGrade::kGeneral)}),
       Day(2024, 5, 1), Day(2025, 4, 1)});

  // The bonus (rule 5.1), D7: commitment of 2021-05-10; whole years on
  // 2022-05-10 (+1) and 2023-05-10 (+2, the maximum), then never again.
  const Commitment cc = PublicCreditCommitment(Day(2021, 5, 10));
  cases.push_back({"bonus_before_signing", kDefault, With({}, {cc}),
                   Day(2021, 5, 1), Day(2021, 5, 10)});
  cases.push_back({"bonus_first_year", kDefault, With({}, {cc}),
                   Day(2021, 6, 1), Day(2022, 5, 10)});
  cases.push_back({"bonus_second_year", kDefault, With({}, {cc}),
                   Day(2022, 5, 10), Day(2023, 5, 10)});
  cases.push_back({"bonus_at_maximum", kDefault, With({}, {cc}),
                   Day(2023, 5, 10), std::nullopt});
  // §9.6: from 2020-02-29, one whole year is reached on 2021-02-28.
  cases.push_back({"bonus_leap_day", kDefault,
                   With({}, {PublicCreditCommitment(Day(2020, 2, 29))}),
                   Day(2020, 3, 1), Day(2021, 2, 28)});
  // A non-public credit commitment earns nothing, now or later.
  Commitment not_public = cc;
  not_public.is_public = false;
  cases.push_back({"bonus_not_eligible", kDefault, With({}, {not_public}),
                   Day(2022, 1, 1), std::nullopt});
  // D8: W-1 on 2023-09-01 (ends 2024-03-01) restarts the clean years.
  const EnterpriseRecords d8 = With({Warning("W-1", Day(2023, 9, 1))}, {cc});
  cases.push_back(
      {"bonus_reset_ahead", kDefault, d8, Day(2023, 8, 31), Day(2023, 9, 1)});
  // The warning ends (2024-03-01) before the first clean year (2024-09-01).
  cases.push_back(
      {"bonus_reset_day", kDefault, d8, Day(2023, 9, 1), Day(2024, 3, 1)});
  cases.push_back(
      {"bonus_after_reset_1", kDefault, d8, Day(2024, 3, 1), Day(2024, 9, 1)});
  cases.push_back(
      {"bonus_after_reset_2", kDefault, d8, Day(2024, 9, 1), Day(2025, 9, 1)});
  cases.push_back(
      {"bonus_after_reset_max", kDefault, d8, Day(2025, 9, 1), std::nullopt});

  // Repeat offender (rule 6.3), D13: on 2024-03-14 the window
  // (2023-03-14, 2024-03-14] holds W-1, W-2, W-3; W-1 (2023-03-15) leaves it
  // on 2024-03-15, before W-3 ends (2024-09-14).
  const EnterpriseRecords d13 =
      With({Warning("W-1", Day(2023, 3, 15)), Warning("W-2", Day(2023, 9, 1)),
            Warning("W-3", Day(2024, 3, 14))});
  cases.push_back({"repeat_offender_window_end", kDefault, d13,
                   Day(2024, 3, 14), Day(2024, 3, 15)});
  // Four in the window: the first to leave (W-0, 2024-03-15) leaves three,
  // still an offender; the second (W-1, 2024-04-10) ends it. W-3 ends on
  // 2024-09-14; W-0, W-1 and W-2 have already ended.
  cases.push_back(
      {"repeat_offender_below_minimum", kDefault,
       With({Warning("W-0", Day(2023, 3, 15)), Warning("W-1", Day(2023, 4, 10)),
             Warning("W-2", Day(2023, 9, 1)),
             Warning("W-3", Day(2024, 3, 14))}),
       Day(2024, 3, 14), Day(2024, 4, 10)});
  // A decision of 2024-02-29 is still in the window on 2025-02-28 (window
  // (2024-02-28, 2025-02-28]) and leaves it on 2025-03-01 (window
  // (2024-03-01, 2025-03-01]). On 2024-12-01: W-A ended 2024-08-29, W-B ends
  // on 2024-12-01 itself, W-C counts until 2025-04-15.
  cases.push_back(
      {"repeat_offender_leap_day", kDefault,
       With({Warning("W-A", Day(2024, 2, 29)), Warning("W-B", Day(2024, 6, 1)),
             Warning("W-C", Day(2024, 10, 15))}),
       Day(2024, 12, 1), Day(2025, 3, 1)});
  // D13 with W-2 revoked: two decisions, never an offender; W-3 ends on
  // 2024-09-14.
  cases.push_back({"repeat_offender_revoked", kDefault,
                   With({Warning("W-1", Day(2023, 3, 15)),
                         Revoked(Warning("W-2", Day(2023, 9, 1))),
                         Warning("W-3", Day(2024, 3, 14))}),
                   Day(2024, 3, 14), Day(2024, 9, 14)});

  // Records dated after the as-of date count from their date (rule 2.3).
  cases.push_back({"future_fine", kDefault,
                   With({Fine("F-1", Day(2024, 3, 15))}), Day(2024, 1, 1),
                   Day(2024, 3, 15)});
  cases.push_back({"future_revoked_fine", kDefault,
                   With({Revoked(Fine("F-1", Day(2024, 3, 15)))}),
                   Day(2024, 1, 1), std::nullopt});
  cases.push_back({"future_broken_item", kDefault,
                   With({}, {}, {Broken("CC-1 item 2", Day(2024, 6, 30))}),
                   Day(2024, 1, 1), Day(2024, 6, 30)});
  cases.push_back(
      {"future_incident", kDefault,
       With({}, {}, {},
            {MakeIncident("INC-1", Day(2024, 4, 1), IncidentGrade::kGeneral)}),
       Day(2024, 1, 1), Day(2024, 4, 1)});
  // N5: the annual policy has no rule for incidents or broken items.
  cases.push_back({"future_incident_annual", kAnnual,
                   With({}, {}, {Broken("CC-1 item 2", Day(2024, 2, 1))},
                        {MakeIncident("INC-9", Day(2024, 3, 1),
                                      IncidentGrade::kLargerOrAbove)}),
                   Day(2024, 1, 1), std::nullopt});

  // The annual model (rule 8.1): a record counts until 1 January.
  cases.push_back({"annual_first_of_january", kAnnual,
                   With({Fine("F-1", Day(2024, 6, 1))}), Day(2024, 7, 1),
                   Day(2025, 1, 1)});
  cases.push_back({"annual_future_fine", kAnnual,
                   With({Fine("F-1", Day(2024, 6, 1))}), Day(2024, 5, 1),
                   Day(2024, 6, 1)});
  // N1: F-1231 counts on 2023-12-31 only.
  cases.push_back({"annual_last_day", kAnnual,
                   With({Fine("F-1231", Day(2023, 12, 31))}), Day(2023, 12, 31),
                   Day(2024, 1, 1)});
  cases.push_back({"annual_year_over", kAnnual,
                   With({Fine("F-1231", Day(2023, 12, 31))}), Day(2024, 1, 1),
                   std::nullopt});
  return cases;
}

class NextChangeDayCase : public ::testing::TestWithParam<Case> {};

TEST_P(NextChangeDayCase, MatchesHandComputedDay) {
  const Case& c = GetParam();
  const Rating rating = RateOrFail(c.records, c.as_of, *c.policy);
  const std::optional<absl::CivilDay> next =
      NextChangeDay(c.records, rating, *c.policy);
  ASSERT_EQ(next.has_value(), c.expected.has_value())
      << (next ? FormatDay(*next) : "nullopt");
  if (next) {
    EXPECT_EQ(FormatDay(*next), FormatDay(*c.expected));
  }

  // The engine agrees: the same rating up to the day before, a different one
  // on the day (every case here is a real change); with no day, the same
  // rating for the whole horizon.
  const absl::CivilDay last_same = next ? *next - 1 : c.as_of + kHorizonDays;
  const Rating before = RateOrFail(c.records, last_same, *c.policy);
  EXPECT_TRUE(SameOutcome(rating, before))
      << Outcome(rating) << " vs " << Outcome(before);
  if (next) {
    const Rating on_day = RateOrFail(c.records, *next, *c.policy);
    EXPECT_FALSE(SameOutcome(rating, on_day))
        << Outcome(rating) << " vs " << Outcome(on_day);
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, NextChangeDayCase,
                         ::testing::ValuesIn(HandBuiltCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

// --- The property over random histories ---------------------------------

constexpr int kHistories = 400;

absl::CivilDay RandomDay(std::mt19937& rng, absl::CivilDay from,
                         absl::CivilDay to) {
  std::uniform_int_distribution<int> offset(0, static_cast<int>(to - from));
  return from + offset(rng);
}

// Mostly any day in a four-year span; sometimes a day where month arithmetic
// clamps or the year turns.
absl::CivilDay RecordDay(std::mt19937& rng) {
  static const absl::CivilDay kTricky[] = {
      Day(2024, 2, 29),  Day(2023, 8, 31),  Day(2024, 1, 31), Day(2023, 3, 31),
      Day(2023, 12, 31), Day(2024, 12, 31), Day(2024, 1, 1),  Day(2022, 2, 28),
      Day(2024, 10, 31), Day(2025, 5, 31)};
  std::uniform_int_distribution<int> percent(0, 99);
  if (percent(rng) < 15) {
    return kTricky[percent(rng) % (sizeof(kTricky) / sizeof(kTricky[0]))];
  }
  return RandomDay(rng, Day(2022, 1, 1), Day(2025, 12, 31));
}

PenaltyDecision RandomDecision(std::mt19937& rng, int serial) {
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> any_measure(1, kMaxMeasureValue);
  std::uniform_int_distribution<int> count(1, 2);
  PenaltyDecision d =
      Decision("PD-" + std::to_string(serial), RecordDay(rng), {});
  const int n = count(rng);
  for (int i = 0; i < n; ++i) {
    // Mostly the light measures (1..6), so that vetoes do not dominate.
    d.measures.push_back(static_cast<Measure>(
        percent(rng) < 75 ? 1 + percent(rng) % 6 : any_measure(rng)));
  }
  if (percent(rng) < 10) {
    d.violation_type = ViolationType::kBuildingWithoutEiaApproval;
  }
  d.tampering = percent(rng) < 8;
  d.revoked = percent(rng) < 10;
  return d;
}

EnterpriseRecords RandomHistory(std::mt19937& rng) {
  std::uniform_int_distribution<int> decisions(0, 9);
  std::uniform_int_distribution<int> few(0, 2);
  std::uniform_int_distribution<int> percent(0, 99);
  EnterpriseRecords records;
  if (percent(rng) < 10) return records;  // some enterprises have nothing
  for (int i = decisions(rng); i > 0; --i) {
    records.decisions.push_back(RandomDecision(rng, i));
  }
  for (int i = few(rng); i > 0; --i) {
    Commitment c = PublicCreditCommitment(RecordDay(rng) - 400);
    c.reference = "CC-" + std::to_string(i);
    if (percent(rng) < 25) c.kind = CommitmentKind::kResponsibilityLetter;
    c.is_public = percent(rng) < 80;
    records.commitments.push_back(c);
  }
  for (int i = few(rng); i > 0; --i) {
    records.broken_commitments.push_back(
        Broken("BC-" + std::to_string(i), RecordDay(rng)));
  }
  for (int i = few(rng); i > 0; --i) {
    records.incidents.push_back(
        MakeIncident("INC-" + std::to_string(i), RecordDay(rng),
                     percent(rng) < 70 ? IncidentGrade::kGeneral
                                       : IncidentGrade::kLargerOrAbove));
  }
  return records;
}

// Walks every day of the horizon after `as_of`. Between two announced days
// the rating must not change; on an announced day the walk takes the new
// rating and asks again. Returns false (having reported it) at the first
// unannounced change.
struct WalkStats {
  int announced = 0;  // announced days reached within the horizon
  int changed = 0;    // of which the rating really changed
  int quiet = 0;      // walks that ended with no day announced
};

bool WalkHorizon(const EnterpriseRecords& records, absl::CivilDay as_of,
                 const Policy& policy, const std::string& label,
                 WalkStats& stats) {
  Rating reference = RateOrFail(records, as_of, policy);
  std::optional<absl::CivilDay> next =
      NextChangeDay(records, reference, policy);
  for (absl::CivilDay d = as_of + 1; d <= as_of + kHorizonDays; ++d) {
    Rating rating = RateOrFail(records, d, policy);
    if (next && d == *next) {
      ++stats.announced;
      if (!SameOutcome(rating, reference)) ++stats.changed;
      reference = std::move(rating);
      next = NextChangeDay(records, reference, policy);
      continue;
    }
    if (!SameOutcome(rating, reference)) {
      ADD_FAILURE() << label << ": the rating changed on " << FormatDay(d)
                    << " but NextChangeDay(" << FormatDay(reference.as_of)
                    << ") said "
                    << (next ? FormatDay(*next) : std::string("never"))
                    << "\n  was " << Outcome(reference) << "\n  now "
                    << Outcome(rating);
      return false;
    }
  }
  if (!next) ++stats.quiet;
  return true;
}

TEST(NextChangeDayProperty, NoChangeBeforeTheAnnouncedDay) {
  std::mt19937 rng(20240515);
  const Policy* policies[] = {&DefaultPolicy(), &AnnualPolicy()};
  WalkStats stats;
  int failures = 0;
  for (int i = 0; i < kHistories && failures < 5; ++i) {
    const EnterpriseRecords records = RandomHistory(rng);
    const absl::CivilDay as_of =
        RandomDay(rng, Day(2021, 6, 1), Day(2026, 6, 1));
    for (const Policy* policy : policies) {
      const std::string label = "history " + std::to_string(i) + " under " +
                                policy->id + " from " + FormatDay(as_of);
      if (!WalkHorizon(records, as_of, *policy, label, stats)) ++failures;
    }
  }
  // How tight the answer is (not a requirement: conservative is allowed).
  RecordProperty("announced_days", stats.announced);
  RecordProperty("announced_days_with_a_change", stats.changed);
  RecordProperty("quiet_walks", stats.quiet);
  EXPECT_GT(stats.announced, 0);
  EXPECT_GT(stats.quiet, 0);
}

// When no day is announced, the rating is the same 800 days later (and on
// every day between, which the walk above checks too).
TEST(NextChangeDayProperty, NoDayMeansNoChangeAtTheHorizon) {
  std::mt19937 rng(7);
  const Policy* policies[] = {&DefaultPolicy(), &AnnualPolicy()};
  int quiet = 0;
  for (int i = 0; i < kHistories; ++i) {
    const EnterpriseRecords records = RandomHistory(rng);
    const absl::CivilDay as_of =
        RandomDay(rng, Day(2021, 6, 1), Day(2027, 6, 1));
    for (const Policy* policy : policies) {
      const Rating rating = RateOrFail(records, as_of, *policy);
      if (NextChangeDay(records, rating, *policy)) continue;
      ++quiet;
      const Rating later = RateOrFail(records, as_of + kHorizonDays, *policy);
      EXPECT_TRUE(SameOutcome(rating, later))
          << "history " << i << " under " << policy->id << ": "
          << Outcome(rating) << " vs " << Outcome(later);
    }
  }
  RecordProperty("quiet_ratings", quiet);
  EXPECT_GT(quiet, 0);
}

}  // namespace
}  // namespace envcredit::scoring
