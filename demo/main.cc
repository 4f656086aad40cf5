// envcredit-demo-data: writes the demo dataset — fictional enterprises as
// the CSV that `envcredit-admin enterprises import` reads and, with
// --records_dir, their histories (decisions, commitments, complaints,
// incidents) in the import formats of doc/import.md, plus the decision the
// demo revokes.
//
//   envcredit-demo-data [--count 300] [--seed 20240601] [--today YYYY-MM-DD]
//                       [--records_dir DIR] OUT.csv
//
// OUT.csv may be "-" for stdout. Exit 0 on success, 2 on a usage error, 1
// when a file cannot be written. See doc/demo-data.md.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "demo/demo_data.h"

ABSL_FLAG(int, count, 300, "how many enterprises to generate (1..20000)");
ABSL_FLAG(uint64_t, seed, 20240601,
          "random seed; the same seed, count and today give the same files");
ABSL_FLAG(std::string, today, "",
          "YYYY-MM-DD: no record is dated after this day (default: the "
          "current date in China, UTC+8, the server's today)");
ABSL_FLAG(std::string, records_dir, "",
          "also write decisions.csv, commitments.csv, complaints.csv, "
          "incidents.csv and revoke.env (the decision to revoke) into DIR");

namespace {

constexpr char kUsage[] =
    "Usage: envcredit-demo-data [--count N] [--seed S] [--today YYYY-MM-DD] "
    "[--records_dir DIR] OUT.csv\n";

// Writes beside the target and renames, so a reader never sees half a file.
bool WriteFile(const std::string& path,
               const std::function<void(std::ostream&)>& write) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    write(out);
    out.close();
    if (!out) {
      std::cerr << "envcredit-demo-data: cannot write " << temp << "\n";
      std::remove(temp.c_str());
      return false;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::perror(("envcredit-demo-data: cannot rename to " + path).c_str());
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  namespace demo = envcredit::demo;
  absl::SetProgramUsageMessage(
      std::string("writes fictional enterprises (and their records) as import "
                  "CSV files.\n") +
      kUsage + "Then: envcredit-admin enterprises import OUT.csv");
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::cerr << "envcredit-demo-data: usage error: give exactly one output "
                 "path (or - for stdout)\n"
              << kUsage;
    return 2;
  }
  demo::DemoOptions options;
  options.count = absl::GetFlag(FLAGS_count);
  options.seed = absl::GetFlag(FLAGS_seed);
  const std::string today = absl::GetFlag(FLAGS_today);
  if (today.empty()) {
    options.today =
        envcredit::DayInChina(absl::Now());
  } else if (!absl::ParseCivilTime(today, &options.today) ||
             demo::FormatDay(options.today) != today ||
             options.today < absl::CivilDay(1995, 1, 1)) {
    std::cerr << "envcredit-demo-data: usage error: --today must be a date "
                 "YYYY-MM-DD on or after 1995-01-01, not '"
              << today << "'\n";
    return 2;
  }
  const auto dataset = demo::GenerateDemoDataset(options);
  if (!dataset.ok()) {
    std::cerr << "envcredit-demo-data: usage error: "
              << dataset.status().message() << "\n";
    return 2;
  }

  const std::string path = args[1];
  if (path == "-") {
    demo::WriteEnterprisesCsv(dataset->enterprises, std::cout);
    std::cout.flush();
    if (!std::cout) return 1;
  } else if (!WriteFile(path, [&](std::ostream& out) {
               demo::WriteEnterprisesCsv(dataset->enterprises, out);
             })) {
    return 1;
  }
  std::cerr << "envcredit-demo-data: wrote " << dataset->enterprises.size()
            << " fictional enterprises to " << path << " (seed " << options.seed
            << ")\n";

  const std::string dir = absl::GetFlag(FLAGS_records_dir);
  if (dir.empty()) return 0;
  const bool ok =
      WriteFile(dir + "/decisions.csv",
                [&](std::ostream& out) {
                  demo::WriteDecisionsCsv(dataset->decisions, out);
                }) &&
      WriteFile(dir + "/commitments.csv",
                [&](std::ostream& out) {
                  demo::WriteCommitmentsCsv(dataset->commitments, out);
                }) &&
      WriteFile(dir + "/complaints.csv",
                [&](std::ostream& out) {
                  demo::WriteComplaintsCsv(dataset->complaints, out);
                }) &&
      WriteFile(dir + "/incidents.csv",
                [&](std::ostream& out) {
                  demo::WriteIncidentsCsv(dataset->incidents, out);
                }) &&
      WriteFile(dir + "/revoke.env", [&](std::ostream& out) {
        demo::WriteRevocation(dataset->revocation, out);
      });
  if (!ok) return 1;
  const demo::DemoRevocation& r = dataset->revocation;
  std::cerr << "envcredit-demo-data: wrote " << dataset->decisions.size()
            << " decisions, " << dataset->commitments.size() << " commitments, "
            << dataset->complaints.size() << " complaints, "
            << dataset->incidents.size() << " incidents to " << dir
            << " (today " << demo::FormatDay(options.today) << ")\n"
            << "envcredit-demo-data: to revoke (" << dir
            << "/revoke.env): " << r.credit_code << " " << r.authority << " "
            << r.decision_number << " on " << r.date << " (" << r.reason
            << ")\n";
  return 0;
}
