// The import benchmark (issue 8, doc/benchmarks.md "Import"): generates
// N_E enterprises and N_D penalty decisions as import CSVs, then imports
// both with envcredit-admin against a server that is already running, and
// prints rows/s of the decisions import, end to end (CSV parse, gRPC,
// server validation, database). It starts nothing itself.
//
//   import_bench --server 127.0.0.1:PORT [--dir /tmp/ib] [--enterprises 100000]
//                [--decisions 1000000] [--admin build/admin-cli/envcredit-admin]
//                [--token T] [--generate_only]
//
// Files are reused when they exist with the same counts (their names carry
// the counts). Decision numbers are unique per authority, so a second run
// against the same database measures the re-import (every row
// already_existed).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "server/domain/uscc.h"

ABSL_FLAG(std::string, server, "", "envcredit-server address (required)");
ABSL_FLAG(std::string, dir, "/tmp/envcredit-import-bench", "where the CSVs go");
ABSL_FLAG(int, enterprises, 100000, "enterprises to generate");
ABSL_FLAG(int, decisions, 1000000, "decisions to generate");
ABSL_FLAG(std::string, admin, ENVCREDIT_ADMIN_PATH, "the envcredit-admin binary");
ABSL_FLAG(std::string, token, "", "bearer token passed as --token");
ABSL_FLAG(bool, generate_only, false, "write the CSVs and stop");

namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const char* const kRegions[] = {"320102", "320115", "320505", "330106",
                                "370211", "640104", "440112", "130209"};
const char* const kAuthorities[] = {"南京市生态环境局", "苏州市生态环境局",
                                    "杭州市生态环境局", "青岛市生态环境局"};
const char* const kMeasures[] = {"WARNING", "ORDER_TO_CORRECT;FINE", "FINE",
                                 "DAILY_CONTINUOUS_PENALTY",
                                 "PRODUCTION_LIMIT", "SEAL_OR_SEIZURE"};

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

std::vector<std::string> Codes(int n) {
  std::vector<std::string> codes;
  codes.reserve(n);
  for (int k = 0; k < n; ++k) {
    std::string body = "MA";
    int v = k;
    for (int p = 0; p < 6; ++p) {
      body.push_back(kAlphabet[v % 31]);
      v /= 31;
    }
    auto code = envcredit::domain::MakeUscc("91", kRegions[k % 8], body);
    if (!code.ok()) {
      std::cerr << code.status() << "\n";
      std::exit(1);
    }
    codes.push_back(*code);
  }
  return codes;
}

int Run(const std::string& command) {
  std::cerr << "+ " << command << "\n";
  return std::system(command.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string dir = absl::GetFlag(FLAGS_dir);
  const int ne = absl::GetFlag(FLAGS_enterprises);
  const int nd = absl::GetFlag(FLAGS_decisions);
  if (Run("mkdir -p '" + dir + "'") != 0) return 1;
  const std::string ent = absl::StrCat(dir, "/enterprises-", ne, ".csv");
  const std::string dec = absl::StrCat(dir, "/decisions-", nd, "-", ne, ".csv");
  if (!Exists(ent) || !Exists(dec)) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<std::string> codes = Codes(ne);
    std::ofstream e(ent, std::ios::binary);
    e << "credit_code,name,industry\n";
    for (int k = 0; k < ne; ++k) {
      e << codes[k] << ",（虚构）基准示例企业" << k << "有限公司,CHEMICALS\n";
    }
    std::ofstream d(dec, std::ios::binary);
    d << "\xEF\xBB\xBF统一社会信用代码,处罚机关,决定书文号,违法类型,"
         "处罚决定日期,处罚措施,罚款金额（元）\n";
    std::mt19937_64 rng(20250101);
    for (int k = 0; k < nd; ++k) {
      const int m = static_cast<int>(rng() % 6);
      const bool fined = m == 1 || m == 2 || m == 3;
      d << codes[rng() % ne] << ',' << kAuthorities[k % 4] << ",基准罚〔"
        << (2015 + k % 10) << "〕" << k << "号,EXCEEDING_DISCHARGE_STANDARDS,"
        << (2015 + k % 10) << '-' << (1 + k % 12) << '-' << (1 + k % 28)
        << ',' << kMeasures[m] << ','
        << (fined ? std::to_string(1000 + rng() % 500000) : std::string())
        << '\n';
    }
    std::cerr << "generated " << ent << " and " << dec << " in "
              << std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - t0)
                     .count()
              << " s\n";
  }
  if (absl::GetFlag(FLAGS_generate_only)) return 0;
  if (absl::GetFlag(FLAGS_server).empty()) {
    std::cerr << "import_bench: --server is required\n";
    return 2;
  }
  std::string admin = absl::StrCat("'", absl::GetFlag(FLAGS_admin),
                                   "' --timeout 120 --server ",
                                   absl::GetFlag(FLAGS_server));
  if (!absl::GetFlag(FLAGS_token).empty()) {
    admin += " --token " + absl::GetFlag(FLAGS_token);
  }
  Run(admin + " --output json import enterprises --concurrency 16 '" + ent +
      "' > /dev/null");
  const auto t0 = std::chrono::steady_clock::now();
  const int rc =
      Run(admin + " --output json import decisions '" + dec + "'");
  const double s = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - t0)
                       .count();
  std::printf("decisions import: %d rows in %.2f s = %.0f rows/s (exit %d)\n",
              nd, s, nd / s, WEXITSTATUS(rc));
  return rc == 0 ? 0 : 1;
}
