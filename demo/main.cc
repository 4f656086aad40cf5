// envcredit-demo-data: writes the demo dataset (fictional enterprises) as
// the CSV that `envcredit-admin enterprises import` reads.
//
//   envcredit-demo-data [--count 300] [--seed 20240601] OUT.csv
//
// OUT.csv may be "-" for stdout. Exit 0 on success, 2 on a usage error, 1
// when the file cannot be written. See doc/demo-data.md.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "demo/demo_data.h"

ABSL_FLAG(int, count, 300, "how many enterprises to generate (1..20000)");
ABSL_FLAG(uint64_t, seed, 20240601,
          "random seed; the same seed and count give the same file");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "writes fictional enterprises as an import CSV.\n"
      "Usage: envcredit-demo-data [--count N] [--seed S] OUT.csv\n"
      "Then: envcredit-admin enterprises import OUT.csv");
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::cerr << "envcredit-demo-data: usage error: give exactly one output "
                 "path (or - for stdout)\n"
                 "Usage: envcredit-demo-data [--count N] [--seed S] OUT.csv\n";
    return 2;
  }
  envcredit::demo::DemoOptions options;
  options.count = absl::GetFlag(FLAGS_count);
  options.seed = absl::GetFlag(FLAGS_seed);
  const auto dataset = envcredit::demo::GenerateDemoDataset(options);
  if (!dataset.ok()) {
    std::cerr << "envcredit-demo-data: usage error: "
              << dataset.status().message() << "\n";
    return 2;
  }

  const std::string path = args[1];
  if (path == "-") {
    envcredit::demo::WriteEnterprisesCsv(dataset->enterprises, std::cout);
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  // Write beside the target and rename, so a reader never sees half a file.
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    envcredit::demo::WriteEnterprisesCsv(dataset->enterprises, out);
    out.close();
    if (!out) {
      std::cerr << "envcredit-demo-data: cannot write " << temp << "\n";
      std::remove(temp.c_str());
      return 1;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::perror(("envcredit-demo-data: cannot rename to " + path).c_str());
    std::remove(temp.c_str());
    return 1;
  }
  std::cerr << "envcredit-demo-data: wrote " << dataset->enterprises.size()
            << " fictional enterprises to " << path << " (seed " << options.seed
            << ")\n";
  return 0;
}
