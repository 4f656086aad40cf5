// The demo dataset: fictional enterprises (and, in later issues, their
// commitments and penalty decisions) for trying envcredit out. Every name
// starts with "（虚构）" (fictional) and contains "示例" (sample), so no row
// can be mistaken for a real enterprise; credit codes are valid USCCs built
// with domain::MakeUscc across real GB/T 2260 regions. The same options give
// the same dataset, byte for byte. doc/demo-data.md describes it.
#ifndef ENVCREDIT_DEMO_DEMO_DATA_H_
#define ENVCREDIT_DEMO_DEMO_DATA_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace envcredit::demo {

inline constexpr char kFictionalPrefix[] = "（虚构）";
inline constexpr char kSampleMarker[] = "示例";
inline constexpr int kMaxCount = 20000;

// A real county-level region (GB/T 2260) and the city it belongs to.
struct DemoRegion {
  std::string code;        // "320115"
  std::string city_code;   // "320100"
  std::string province;    // "江苏省"
  std::string city;        // "南京市"
  std::string district;    // "江宁区" ("" when the city has none)
  std::string short_city;  // "南京", used in names
};

// The regions the generator spreads enterprises over.
const std::vector<DemoRegion>& DemoRegions();

// One row of the enterprise import format (doc/admin-cli.md).
struct DemoEnterprise {
  std::string credit_code;  // valid USCC; positions 3-8 the city or district
  std::string name;
  std::string industry;     // enum name of envcredit.v1.Industry
  std::string region_code;  // the district (may differ from the USCC's)
  std::string legal_representative;
  std::string address;
  std::string status;  // OPERATING, SUSPENDED or CLOSED
};

struct DemoOptions {
  int count = 300;  // 1..kMaxCount
  uint64_t seed = 20240601;
};

// Everything the generator makes. Later issues add their records here
// (commitments, penalty decisions, ...), generated after the enterprises
// from the same random stream so that adding a kind never changes the
// enterprises of a seed.
struct DemoDataset {
  std::vector<DemoEnterprise> enterprises;
};

// INVALID_ARGUMENT when options.count is out of range; INTERNAL if a credit
// code cannot be built (a bug). Credit codes and names are unique.
absl::StatusOr<DemoDataset> GenerateDemoDataset(const DemoOptions& options);

// The enterprises as the CSV that `envcredit-admin enterprises import`
// reads: a UTF-8 byte-order mark (for spreadsheet programs), the header
// line, then one RFC 4180 record per enterprise, CRLF line ends.
void WriteEnterprisesCsv(const std::vector<DemoEnterprise>& enterprises,
                         std::ostream& out);

}  // namespace envcredit::demo

#endif  // ENVCREDIT_DEMO_DEMO_DATA_H_
