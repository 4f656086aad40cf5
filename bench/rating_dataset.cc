// rating-dataset: fills a migrated envcredit database with a synthetic
// registry for the rating benchmarks (doc/benchmarks.md "Ratings"):
// --enterprises enterprises and --decisions penalty decisions spread over
// them, written straight into the tables through the server's own storage
// layer (server/storage/database.h: prepared multi-row INSERTs of
// --batch_rows rows, one transaction per statement, --threads connections).
// It writes no ratings: envcredit-server rates every enterprise that has no
// rating when it starts (BackfillMissing), which is part of what is
// measured. It also writes the credit codes to --codes_file, one per line in
// a seeded random order, for bench/rating-load (--codes_file).
//
//   envcredit-server --migrate_only --db_create --db_name=NAME   # schema first
//   rating-dataset --db_env_file RUN/db/db.env --db_name NAME
//       --enterprises 100000 --decisions 1000000 --codes_file RUN/codes.txt
//
// The data (deterministic for a given --seed and counts):
//  - enterprises: valid USCCs ("91" + region + "MA" + 6 characters from the
//    row number + both check characters, built with domain::MakeUscc),
//    regions cycling over 8 districts of Jiangsu and Zhejiang (the default
//    policy) and 2 of Ningxia (prefix 64, rated by the annual-accumulation
//    policy in policies/regions.textproto): 80 % / 20 %. Industries cycle
//    over the known ones; 95 % operating, 4 % suspended, 1 % closed.
//  - decisions: dates spread evenly over the last 3 years (today in China
//    back to 3 years ago plus one day) and inserted in date order, as the
//    table grows in reality; each goes to a random enterprise, half of them
//    to the fifth of enterprises whose index is a multiple of 5 (repeat
//    offenders: about 30 decisions each on average, the others about 5);
//    authority = the enterprise's city bureau (10 % the provincial
//    department); decision number "<prefix>〔<year>〕<row>号", unique; nine
//    measure mixes (most often ORDER_TO_CORRECT + FINE), stored as
//    measure_bits (bit n = Measure n, domain::MeasureBits); a fine when a
//    FINE or DAILY_CONTINUOUS_PENALTY is among them; ten violation types
//    (5 % TAMPERING_WITH_MONITORING_DATA, with tampering = 1); 1 % revoked by
//    an administrative review or a court ruling 30-179 days later (when
//    that is not in the future). Every 97th generated row is checked with
//    domain::ValidateEnterprise / ValidatePenaltyDecision.
//
// Refuses a database whose schema is not at this binary's version (run
// envcredit-server --migrate_only first) and one whose enterprises table is
// not empty, unless --append: then ids, codes and decision numbers continue
// after the rows already there, and the new decisions go to the new
// enterprises only.
//
// Exit status: 0 done; 1 a database error; 2 bad flags or a refused database.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "server/domain/enterprise.h"
#include "server/domain/ratings.h"
#include "server/domain/records.h"
#include "server/domain/uscc.h"
#include "server/storage/database.h"
#include "server/storage/db_config.h"
#include "server/storage/migrations.h"

ABSL_FLAG(std::string, db_env_file, "",
          "KEY=VALUE database settings (the db.env scripts/db.sh writes); "
          "without it, the ENVCREDIT_DB_* environment variables");
ABSL_FLAG(std::string, db_name, "",
          "database (schema) name; default ENVCREDIT_DB_NAME from the file or "
          "the environment, else envcredit");
ABSL_FLAG(int64_t, enterprises, 100000, "enterprises to insert");
ABSL_FLAG(int64_t, decisions, 1000000, "penalty decisions to insert");
ABSL_FLAG(std::string, codes_file, "",
          "write the credit codes inserted by this run here, one per line "
          "(seeded random order); empty: do not write them");
ABSL_FLAG(uint64_t, seed, 20250101, "seed of every random choice");
ABSL_FLAG(bool, append, false,
          "allow a non-empty enterprises table: continue after its rows");
ABSL_FLAG(int, batch_rows, 1000, "rows per INSERT statement (and per commit)");
ABSL_FLAG(int, threads, 2, "connections inserting at once");
ABSL_FLAG(bool, analyze, true,
          "ANALYZE TABLE enterprises and penalty_decisions at the end, so "
          "EXPLAIN and the optimiser see the new row counts at once");

namespace envcredit::bench {
namespace {

using storage::Database;
using storage::SqlValue;
using SteadyClock = std::chrono::steady_clock;

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // GB 32100

struct Region {
  const char* code;          // GB/T 2260 district
  const char* city_bureau;   // the authority of most of its decisions
  const char* city_prefix;   // its decision-number prefix
  const char* province;      // the provincial department (10 %)
  const char* province_prefix;
};

// 8 districts of Jiangsu and Zhejiang (policy "default") and 2 of Ningxia
// (prefix 64: policy "annual-accumulation"); enterprise k is in region
// kRegions[k % 10].
constexpr Region kRegions[] = {
    {"320102", "南京市生态环境局", "宁环罚", "江苏省生态环境厅", "苏环罚"},  // 玄武区
    {"320115", "南京市生态环境局", "宁环罚", "江苏省生态环境厅", "苏环罚"},  // 江宁区
    {"320214", "无锡市生态环境局", "锡环罚", "江苏省生态环境厅", "苏环罚"},  // 新吴区
    {"320505", "苏州市生态环境局", "苏环罚（虎）", "江苏省生态环境厅", "苏环罚"},  // 虎丘区
    {"320583", "苏州市生态环境局", "苏环罚（昆）", "江苏省生态环境厅", "苏环罚"},  // 昆山市
    {"330106", "杭州市生态环境局", "杭环罚", "浙江省生态环境厅", "浙环罚"},  // 西湖区
    {"330212", "宁波市生态环境局", "甬环罚", "浙江省生态环境厅", "浙环罚"},  // 鄞州区
    {"330681", "绍兴市生态环境局", "绍环罚", "浙江省生态环境厅", "浙环罚"},  // 诸暨市
    {"640104", "银川市生态环境局", "银环罚", "宁夏回族自治区生态环境厅", "宁环罚字"},  // 兴庆区
    {"640205", "石嘴山市生态环境局", "石环罚", "宁夏回族自治区生态环境厅", "宁环罚字"},  // 惠农区
};
constexpr int kRegionCount = sizeof(kRegions) / sizeof(kRegions[0]);

constexpr domain::Industry kIndustries[] = {
    domain::Industry::kThermalPower,  domain::Industry::kSteel,
    domain::Industry::kCement,        domain::Industry::kChemicals,
    domain::Industry::kPetrochemicals, domain::Industry::kPaper,
    domain::Industry::kPharmaceuticals, domain::Industry::kTextiles,
    domain::Industry::kTanning,       domain::Industry::kMining,
    domain::Industry::kOther,
};

using domain::Measure;
struct MeasureMix {
  int weight;  // of 100
  std::vector<Measure> measures;
};
const std::vector<MeasureMix>& MeasureMixes() {
  static const auto* mixes = new std::vector<MeasureMix>{
      {8, {Measure::kWarning}},
      {45, {Measure::kOrderToCorrect, Measure::kFine}},
      {15, {Measure::kFine}},
      {5, {Measure::kOrderToCorrect, Measure::kFine, Measure::kDailyContinuousPenalty}},
      {8, {Measure::kFine, Measure::kProductionLimit}},
      {7, {Measure::kSealOrSeizure}},
      {6, {Measure::kFine, Measure::kSuspensionForRectification}},
      {4, {Measure::kOrderToCorrect, Measure::kFine,
           Measure::kTransferForAdministrativeDetention}},
      {2, {Measure::kFine, Measure::kCourtEnforcement}},
  };
  return *mixes;
}

using domain::ViolationType;
struct ViolationWeight {
  int weight;  // of 100
  ViolationType type;
};
constexpr ViolationWeight kViolations[] = {
    {40, ViolationType::kExceedingDischargeStandards},
    {15, ViolationType::kAbnormalOperationOfFacilities},
    {10, ViolationType::kDischargeWithoutPermit},
    {10, ViolationType::kBuildingWithoutEiaApproval},
    {5, ViolationType::kOperatingBeforeAcceptance},
    {3, ViolationType::kTotalLoadQuotaExceeded},
    {4, ViolationType::kHiddenPipesSeepagePitsOrBypasses},
    {3, ViolationType::kIllegalHazardousWasteDisposal},
    {5, ViolationType::kTamperingWithMonitoringData},
    {5, ViolationType::kOther},
};

// The credit code of enterprise number k (0-based over the whole table).
absl::StatusOr<std::string> CodeOf(int64_t k) {
  std::string body = "MA";
  char digits[6];
  int64_t v = k;
  for (int p = 5; p >= 0; --p) {
    digits[p] = kAlphabet[v % 31];
    v /= 31;
  }
  if (v != 0) return absl::OutOfRangeError("more than 31^6 enterprises");
  body.append(digits, 6);
  return domain::MakeUscc("91", kRegions[k % kRegionCount].code, body);
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// "(?,?,...,?)" rows, each followed by `suffix` inside the parentheses.
std::string Rows(int rows, int params, const char* suffix) {
  std::string one = "(";
  for (int i = 0; i < params; ++i) one += i == 0 ? "?" : ",?";
  one += suffix;
  one += ")";
  std::string all;
  all.reserve(rows * (one.size() + 1));
  for (int r = 0; r < rows; ++r) {
    if (r > 0) all += ',';
    all += one;
  }
  return all;
}

// Runs fill(chunk, rows, params) + INSERT for every chunk of `total` rows on
// `threads` connections, one transaction per chunk, printing progress.
// `sql_head` is the INSERT up to VALUES; each row has `params` placeholders
// and `suffix` (constant SQL) after them.
absl::Status InsertAll(
    Database& db, const std::string& what, int64_t total, int batch,
    int threads, const std::string& sql_head, int params, const char* suffix,
    const std::function<absl::Status(int64_t first, int rows,
                                     std::vector<SqlValue>& out)>& fill) {
  const int64_t chunks = (total + batch - 1) / batch;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> done_rows{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  absl::Status error;
  const std::string full_sql = sql_head + Rows(batch, params, suffix);
  const auto start = SteadyClock::now();

  auto worker = [&] {
    std::vector<SqlValue> values;
    for (;;) {
      const int64_t chunk = next.fetch_add(1);
      if (chunk >= chunks || failed.load()) return;
      const int64_t first = chunk * batch;
      const int rows = static_cast<int>(std::min<int64_t>(batch, total - first));
      values.clear();
      values.reserve(static_cast<size_t>(rows) * params);
      absl::Status status = fill(first, rows, values);
      if (status.ok()) {
        const std::string sql =
            rows == batch ? full_sql : sql_head + Rows(rows, params, suffix);
        status = db.RunInTransaction([&](storage::Transaction& tx) {
          return tx.Execute(sql, values).status();
        });
      }
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (error.ok()) {
          error = absl::Status(status.code(),
                               absl::StrCat(what, " rows ", first + 1, "..",
                                            first + rows, ": ",
                                            status.message()));
        }
        failed = true;
        return;
      }
      done_rows += rows;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  // Progress every 5 s until the workers are done.
  std::thread progress([&] {
    auto last = SteadyClock::now();
    while (done_rows.load() < total && !failed.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const auto now = SteadyClock::now();
      if (now - last < std::chrono::seconds(5)) continue;
      last = now;
      const double s = std::chrono::duration<double>(now - start).count();
      const int64_t rows = done_rows.load();
      std::cerr << absl::StrFormat(
          "rating-dataset: %s %d / %d rows, %.0f s, %.0f rows/s\n", what, rows,
          total, s, rows / s);
    }
  });
  for (std::thread& t : pool) t.join();
  progress.join();
  if (!error.ok()) return error;
  const double s =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::cerr << absl::StrFormat(
      "rating-dataset: %s: %d rows in %.2f s = %.0f rows/s (%d rows a "
      "statement, %d connections)\n",
      what, total, s, total / s, batch, threads);
  return absl::OkStatus();
}

int Fail(const absl::Status& status, int code) {
  std::cerr << "rating-dataset: " << status.message() << "\n";
  return code;
}

int Run() {
  const int64_t n_enterprises = absl::GetFlag(FLAGS_enterprises);
  const int64_t n_decisions = absl::GetFlag(FLAGS_decisions);
  const int batch = absl::GetFlag(FLAGS_batch_rows);
  const int threads = absl::GetFlag(FLAGS_threads);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  if (n_enterprises < 1 || n_decisions < 0 || batch < 1 || batch > 5000 ||
      threads < 1 || threads > 16) {
    return Fail(absl::InvalidArgumentError(
                    "need --enterprises >= 1, --decisions >= 0, --batch_rows "
                    "1..5000, --threads 1..16"),
                2);
  }

  // Database settings: the environment, then the file, then --db_name.
  absl::StatusOr<storage::DbConfig> config = storage::DbConfigFromEnv();
  if (config.ok() && !absl::GetFlag(FLAGS_db_env_file).empty()) {
    config = storage::DbConfigFromEnvFile(absl::GetFlag(FLAGS_db_env_file), *config);
  }
  if (!config.ok()) return Fail(config.status(), 2);
  if (!absl::GetFlag(FLAGS_db_name).empty()) {
    config->database = absl::GetFlag(FLAGS_db_name);
  }
  config->pool_size = threads;
  config->checkout_timeout = absl::Seconds(60);
  if (absl::Status valid = storage::ValidateDbConfig(*config); !valid.ok()) {
    return Fail(valid, 2);
  }
  auto db = Database::Open(*config);
  if (!db.ok()) return Fail(db.status(), 1);

  auto version = storage::CurrentSchemaVersion(**db);
  if (!version.ok()) return Fail(version.status(), 1);
  if (*version != storage::LatestSchemaVersion()) {
    return Fail(absl::FailedPreconditionError(absl::StrCat(
                    "database ", config->database, " is at schema version ",
                    *version, ", this binary expects ",
                    storage::LatestSchemaVersion(),
                    ": run envcredit-server --migrate_only --db_create "
                    "--db_name=",
                    config->database, " first")),
                2);
  }

  // Where to start: after the rows already there (--append).
  int64_t enterprise_base = 0, enterprise_rows = 0, decision_base = 0;
  {
    auto session = (*db)->Checkout();
    if (!session.ok()) return Fail(session.status(), 1);
    auto row = session->QueryRow(
        "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM enterprises");
    if (!row.ok()) return Fail(row.status(), 1);
    enterprise_rows = (*row)->GetInt64(0);
    enterprise_base = (*row)->GetInt64(1);
    row = session->QueryRow("SELECT COALESCE(MAX(id), 0) FROM penalty_decisions");
    if (!row.ok()) return Fail(row.status(), 1);
    decision_base = (*row)->GetInt64(0);
  }
  if (enterprise_rows > 0 && !absl::GetFlag(FLAGS_append)) {
    return Fail(absl::FailedPreconditionError(absl::StrCat(
                    "database ", config->database, " already has ",
                    enterprise_rows,
                    " enterprises; use an empty database, or --append to add "
                    "to them")),
                2);
  }
  // Codes continue from the count of enterprises already there, ids from the
  // largest id (a duplicate code fails the run: the existing rows were not
  // made by this program).
  const int64_t code_base = enterprise_rows;
  std::cerr << "rating-dataset: " << config->database << " at "
            << config->host << ":" << config->port << ": inserting "
            << n_enterprises << " enterprises (ids from " << enterprise_base + 1
            << ") and " << n_decisions << " penalty decisions (ids from "
            << decision_base + 1 << "), seed " << seed << "\n";

  const absl::CivilDay today = DayInChina(absl::Now());
  const absl::CivilDay first_day =
      absl::CivilDay(today.year() - 3, today.month(), today.day()) + 1;
  const int64_t span_days = today - first_day + 1;

  // Enterprises.
  absl::Status status = InsertAll(
      **db, "enterprises", n_enterprises, batch, threads,
      "INSERT INTO enterprises (id, credit_code, display_name, region_code, "
      "industry, legal_representative, address, status, revision, "
      "create_time, update_time) VALUES ",
      8, ",1,UTC_TIMESTAMP(6),UTC_TIMESTAMP(6)",
      [&](int64_t first, int rows, std::vector<SqlValue>& out) -> absl::Status {
        std::mt19937_64 rng(seed ^ (0x9e3779b97f4a7c15ULL * (first + 1)));
        for (int r = 0; r < rows; ++r) {
          const int64_t k = code_base + first + r;
          absl::StatusOr<std::string> code = CodeOf(k);
          if (!code.ok()) return code.status();
          domain::Enterprise e;
          e.credit_code = *code;
          e.display_name = absl::StrCat("（虚构）数据集企业", k, "有限公司");
          e.region_code = domain::RegionOfUscc(*code);
          e.industry = kIndustries[k % (sizeof(kIndustries) / sizeof(kIndustries[0]))];
          const uint64_t s = rng() % 100;
          e.status = s < 95   ? domain::EnterpriseStatus::kOperating
                     : s < 99 ? domain::EnterpriseStatus::kSuspended
                              : domain::EnterpriseStatus::kClosed;
          if (k % 97 == 0) {
            if (absl::Status valid = domain::ValidateEnterprise(e, "enterprise");
                !valid.ok()) {
              return valid;
            }
          }
          out.emplace_back(enterprise_base + first + r + 1);
          out.emplace_back(e.credit_code);
          out.emplace_back(e.display_name);
          out.emplace_back(e.region_code);
          out.emplace_back(static_cast<int>(e.industry));
          out.emplace_back(e.legal_representative);
          out.emplace_back(e.address);
          out.emplace_back(static_cast<int>(e.status));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return Fail(status, 1);

  // Decisions, in date order.
  const std::vector<MeasureMix>& mixes = MeasureMixes();
  const int64_t hot = std::max<int64_t>(1, (n_enterprises + 4) / 5);
  status = InsertAll(
      **db, "penalty_decisions", n_decisions, batch, threads,
      "INSERT INTO penalty_decisions (id, enterprise_id, authority, "
      "decision_number, violation_type, decision_date, measure_bits, "
      "fine_amount_fen, tampering, state, revocation_date, revocation_reason, "
      "recurrence, recurrence_of_id, create_time, update_time) VALUES ",
      12, ",0,NULL,UTC_TIMESTAMP(6),UTC_TIMESTAMP(6)",
      [&](int64_t first, int rows, std::vector<SqlValue>& out) -> absl::Status {
        std::mt19937_64 rng(~seed ^ (0x9e3779b97f4a7c15ULL * (first + 1)));
        for (int r = 0; r < rows; ++r) {
          const int64_t i = first + r;  // 0-based in this run
          // Enterprise: half the decisions go to every fifth enterprise.
          int64_t e = (rng() & 1) ? std::min<int64_t>(5 * static_cast<int64_t>(rng() % hot),
                                                      n_enterprises - 1)
                                  : static_cast<int64_t>(rng() % n_enterprises);
          const int64_t k = code_base + e;
          const Region& region = kRegions[k % kRegionCount];
          const bool provincial = rng() % 10 == 0;
          domain::PenaltyDecision d;
          d.decision_date = first_day + (i * span_days) / n_decisions;
          d.authority = provincial ? region.province : region.city_bureau;
          d.decision_number =
              absl::StrCat(provincial ? region.province_prefix : region.city_prefix,
                           "〔", d.decision_date.year(), "〕",
                           decision_base + i + 1, "号");
          int pick = static_cast<int>(rng() % 100);
          for (const ViolationWeight& v : kViolations) {
            if (pick < v.weight) {
              d.violation_type = v.type;
              break;
            }
            pick -= v.weight;
          }
          d.tampering = d.violation_type == ViolationType::kTamperingWithMonitoringData;
          pick = static_cast<int>(rng() % 100);
          for (const MeasureMix& m : mixes) {
            if (pick < m.weight) {
              d.measures = m.measures;
              break;
            }
            pick -= m.weight;
          }
          bool fined = false;
          for (Measure m : d.measures) {
            fined |= m == Measure::kFine || m == Measure::kDailyContinuousPenalty;
          }
          // 10,000 to 1,000,000 yuan in steps of 100 yuan.
          d.fine_amount_fen = fined ? 10000 * static_cast<int64_t>(100 + rng() % 9901) : 0;
          std::optional<absl::CivilDay> revoked;
          int revocation_reason = 0;
          if (rng() % 100 == 0) {
            const absl::CivilDay day = d.decision_date + 30 + static_cast<int>(rng() % 150);
            if (day <= today) {
              revoked = day;
              revocation_reason = 1 + static_cast<int>(rng() % 2);
            }
          }
          if (i % 97 == 0) {
            if (absl::Status valid =
                    domain::ValidatePenaltyDecision(d, today, "penalty_decision");
                !valid.ok()) {
              return valid;
            }
          }
          out.emplace_back(decision_base + i + 1);
          out.emplace_back(enterprise_base + e + 1);
          out.emplace_back(d.authority);
          out.emplace_back(d.decision_number);
          out.emplace_back(static_cast<int>(d.violation_type));
          out.emplace_back(DayText(d.decision_date));
          out.emplace_back(domain::MeasureBits(d.measures));
          out.emplace_back(d.fine_amount_fen);
          out.emplace_back(d.tampering ? 1 : 0);
          out.emplace_back(static_cast<int>(
              revoked ? domain::PenaltyDecisionState::kRevoked
                      : domain::PenaltyDecisionState::kInForce));
          out.emplace_back(revoked ? SqlValue(DayText(*revoked)) : SqlValue(nullptr));
          out.emplace_back(revocation_reason);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return Fail(status, 1);

  if (absl::GetFlag(FLAGS_analyze)) {
    const auto start = SteadyClock::now();
    auto session = (*db)->Checkout();
    if (!session.ok()) return Fail(session.status(), 1);
    status = session->ExecuteUnprepared("ANALYZE TABLE enterprises, penalty_decisions");
    if (!status.ok()) return Fail(status, 1);
    std::cerr << absl::StrFormat(
        "rating-dataset: ANALYZE TABLE in %.2f s\n",
        std::chrono::duration<double>(SteadyClock::now() - start).count());
  }

  if (const std::string path = absl::GetFlag(FLAGS_codes_file); !path.empty()) {
    std::vector<int64_t> order(n_enterprises);
    std::iota(order.begin(), order.end(), code_base);
    std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
    std::ofstream out(path, std::ios::trunc);
    for (int64_t k : order) out << *CodeOf(k) << '\n';
    out.close();
    if (!out) {
      return Fail(absl::UnavailableError(absl::StrCat("cannot write ", path)), 1);
    }
    std::cerr << "rating-dataset: " << n_enterprises << " credit codes written to "
              << path << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace envcredit::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "fills a migrated envcredit database with synthetic enterprises and "
      "penalty decisions (no ratings).\n"
      "  rating-dataset --db_env_file RUN/db/db.env --db_name NAME "
      "--enterprises 100000 --decisions 1000000 --codes_file codes.txt");
  absl::ParseCommandLine(argc, argv);
  return envcredit::bench::Run();
}
