// The demo dataset: valid credit codes, names marked fictional, the import
// format, and the same output for the same seed.
#include "demo/demo_data.h"

#include <set>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"

namespace envcredit::demo {
namespace {

using ::testing::HasSubstr;

DemoDataset Generate(int count, uint64_t seed) {
  DemoOptions options;
  options.count = count;
  options.seed = seed;
  absl::StatusOr<DemoDataset> dataset = GenerateDemoDataset(options);
  EXPECT_TRUE(dataset.ok()) << dataset.status();
  return dataset.ok() ? *std::move(dataset) : DemoDataset{};
}

std::string Csv(const DemoDataset& dataset) {
  std::ostringstream out;
  WriteEnterprisesCsv(dataset.enterprises, out);
  return out.str();
}

TEST(DemoDataTest, EveryCreditCodeIsValidAndUnique) {
  const DemoDataset dataset = Generate(1000, 7);
  ASSERT_EQ(dataset.enterprises.size(), 1000u);
  std::set<std::string> codes, names;
  for (const DemoEnterprise& e : dataset.enterprises) {
    EXPECT_TRUE(domain::ValidateUscc(e.credit_code).ok())
        << e.credit_code << ": " << domain::ValidateUscc(e.credit_code);
    EXPECT_TRUE(codes.insert(e.credit_code).second) << e.credit_code;
    EXPECT_TRUE(names.insert(e.name).second) << e.name;
  }
}

TEST(DemoDataTest, NamesAreMarkedFictional) {
  for (const DemoEnterprise& e : Generate(300, 1).enterprises) {
    EXPECT_TRUE(absl::StartsWith(e.name, kFictionalPrefix)) << e.name;
    EXPECT_THAT(e.name, HasSubstr(kSampleMarker));
  }
}

TEST(DemoDataTest, FieldsArePlausible) {
  std::set<std::string> regions, industries, statuses;
  std::set<std::string> known_regions;
  for (const DemoRegion& r : DemoRegions()) known_regions.insert(r.code);
  bool four_byte = false;
  for (const DemoEnterprise& e : Generate(300, 20240601).enterprises) {
    EXPECT_EQ(known_regions.count(e.region_code), 1u) << e.region_code;
    // The USCC carries the district or its city.
    const std::string uscc_region = e.credit_code.substr(2, 6);
    EXPECT_TRUE(uscc_region == e.region_code ||
                uscc_region.substr(0, 4) == e.region_code.substr(0, 4))
        << e.credit_code << " " << e.region_code;
    EXPECT_FALSE(e.legal_representative.empty());
    EXPECT_FALSE(e.address.empty());
    four_byte |= e.legal_representative.find('\xF0') != std::string::npos;
    regions.insert(e.region_code);
    industries.insert(e.industry);
    statuses.insert(e.status);
  }
  EXPECT_GE(regions.size(), 10u);
  EXPECT_GE(industries.size(), 15u);
  EXPECT_EQ(industries.count("OTHER"), 1u);
  EXPECT_EQ(statuses,
            (std::set<std::string>{"OPERATING", "SUSPENDED", "CLOSED"}));
  EXPECT_TRUE(four_byte) << "expected a 4-byte UTF-8 character somewhere";
}

TEST(DemoDataTest, DeterministicForASeed) {
  EXPECT_EQ(Csv(Generate(300, 42)), Csv(Generate(300, 42)));
  EXPECT_NE(Csv(Generate(300, 42)), Csv(Generate(300, 43)));
  // A smaller count is a prefix of a larger one.
  const DemoDataset small = Generate(10, 42);
  const DemoDataset large = Generate(300, 42);
  for (size_t k = 0; k < small.enterprises.size(); ++k) {
    EXPECT_EQ(small.enterprises[k].credit_code,
              large.enterprises[k].credit_code);
  }
}

TEST(DemoDataTest, CsvIsTheImportFormat) {
  const std::string csv = Csv(Generate(3, 5));
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF"
                      "credit_code,name,industry,region_code,"
                      "legal_representative,address,status\r\n",
                      0),
            0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
}

TEST(DemoDataTest, CountOutOfRangeIsRefused) {
  DemoOptions options;
  options.count = 0;
  EXPECT_EQ(GenerateDemoDataset(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.count = kMaxCount + 1;
  EXPECT_EQ(GenerateDemoDataset(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace envcredit::demo

namespace envcredit::demo {
namespace {

// The credit codes in envcredit-admin's help, doc/admin-cli.md and
// demo/sample-enterprises.csv must be valid, or the examples mislead.
TEST(DocumentedExamplesTest, CreditCodesAreValid) {
  for (const char* code :
       {"91320100MA1W2X3Y6A", "91320500MA1Q7R8T2A", "913301061234567887",
        "91370200MA3C5D6E9L", "91640100MA76K8L93G"}) {
    EXPECT_TRUE(domain::ValidateUscc(code).ok())
        << code << ": " << domain::ValidateUscc(code);
  }
}

}  // namespace
}  // namespace envcredit::demo
