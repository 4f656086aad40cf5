// Ratings per second of the scoring engine for enterprises with 0, 10 and
// 100 records, under the default and the annual policy. Target (issue 3):
// at least 1M ratings/s on one core for a 10-record enterprise. Results and
// the command are in doc/benchmarks.md.
//
//   BM_Rate      Rate(): a fresh Rating (with its explanation) per call.
//   BM_RateInto  RateInto(): one Rating reused, as a batch job would.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "scoring/engine.h"
#include "scoring/policy_text/policy_text.h"

namespace envcredit::scoring {
namespace {

const Policy& LoadPolicy(const char* file) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(std::string(ENVCREDIT_POLICY_DIR) + "/" + file);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(policy.status().message()).c_str());
    std::abort();
  }
  return *new Policy(*std::move(policy));
}

const Policy& PolicyFor(int index) {
  static const Policy& default_policy = LoadPolicy("default.textproto");
  static const Policy& annual_policy =
      LoadPolicy("annual-accumulation.textproto");
  return index == 0 ? default_policy : annual_policy;
}

const absl::CivilDay kAsOf(2024, 6, 30);

// A deterministic history of `n` records spread over the three years before
// kAsOf, shaped like a real file: mostly penalty decisions (one in five with
// two measures), then a commitment, broken commitment items and incidents.
// Decision numbers are realistic (longer than the small-string buffer).
EnterpriseRecords History(int n) {
  static constexpr Measure kMeasures[] = {Measure::kFine,
                                          Measure::kWarning,
                                          Measure::kOrderToCorrect,
                                          Measure::kFine,
                                          Measure::kProductionLimit,
                                          Measure::kDailyContinuousPenalty,
                                          Measure::kSuspensionForRectification};
  EnterpriseRecords records;
  for (int i = 0; i < n; ++i) {
    const absl::CivilDay date = kAsOf - (i * 97) % 1095;
    switch (i % 10) {
      case 7:
        records.commitments.push_back(
            {absl::StrCat("苏环承诺〔2021〕", i, "号"),
             CommitmentKind::kCreditCommitment, date, true});
        break;
      case 8:
        records.broken_commitments.push_back(
            {absl::StrCat("苏环承诺〔2021〕", i, "号 第2项"), date});
        break;
      case 9:
        records.incidents.push_back(
            {absl::StrCat("突发事件-", i), date, IncidentGrade::kGeneral});
        break;
      default: {
        PenaltyDecision d;
        d.decision_number = absl::StrCat("苏环罚字〔2024〕", 100 + i, "号");
        d.authority = "苏州市生态环境局";
        d.violation_type = ViolationType::kExceedingDischargeStandards;
        d.decision_date = date;
        d.measures.push_back(kMeasures[i % 7]);
        if (i % 5 == 0) d.measures.push_back(Measure::kOrderToCorrect);
        d.tampering = i % 13 == 12;
        records.decisions.push_back(std::move(d));
      }
    }
  }
  return records;
}

void BM_Rate(benchmark::State& state) {
  const EnterpriseRecords records = History(static_cast<int>(state.range(0)));
  const Policy& policy = PolicyFor(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    absl::StatusOr<Rating> rating = Rate(records, kAsOf, policy);
    benchmark::DoNotOptimize(rating);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(policy.id);
}

void BM_RateInto(benchmark::State& state) {
  const EnterpriseRecords records = History(static_cast<int>(state.range(0)));
  const Policy& policy = PolicyFor(static_cast<int>(state.range(1)));
  Rating rating;
  for (auto _ : state) {
    absl::Status status = RateInto(records, kAsOf, policy, &rating);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(rating.level);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(policy.id);
}

// Args: {records, policy (0 default, 1 annual)}.
BENCHMARK(BM_Rate)->ArgsProduct({{0, 10, 100}, {0, 1}});
BENCHMARK(BM_RateInto)->ArgsProduct({{0, 10, 100}, {0, 1}});

}  // namespace
}  // namespace envcredit::scoring

BENCHMARK_MAIN();
