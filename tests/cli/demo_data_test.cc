// The demo dataset: valid credit codes, names marked fictional, the import
// format, and the same output for the same seed.
#include "demo/demo_data.h"

#include <algorithm>
#include <map>
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

DemoDataset Generate(int count, uint64_t seed,
                     absl::CivilDay today = absl::CivilDay(2026, 11, 25)) {
  DemoOptions options;
  options.count = count;
  options.seed = seed;
  options.today = today;
  absl::StatusOr<DemoDataset> dataset = GenerateDemoDataset(options);
  EXPECT_TRUE(dataset.ok()) << dataset.status();
  return dataset.ok() ? *std::move(dataset) : DemoDataset{};
}

std::string Csv(const DemoDataset& dataset) {
  std::ostringstream out;
  WriteEnterprisesCsv(dataset.enterprises, out);
  return out.str();
}

// Every file the generator writes, concatenated.
std::string AllFiles(const DemoDataset& dataset) {
  std::ostringstream out;
  WriteEnterprisesCsv(dataset.enterprises, out);
  WriteDecisionsCsv(dataset.decisions, out);
  WriteCommitmentsCsv(dataset.commitments, out);
  WriteComplaintsCsv(dataset.complaints, out);
  WriteIncidentsCsv(dataset.incidents, out);
  WriteRevocation(dataset.revocation, out);
  return out.str();
}

bool IsDate(const std::string& s) {
  absl::CivilDay day;
  return s.size() == 10 && absl::ParseCivilTime(s, &day) && FormatDay(day) == s;
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

// --- records -------------------------------------------------------------

constexpr char kToday[] = "2026-11-25";

TEST(DemoRecordsTest, DeterministicForASeedAndToday) {
  EXPECT_EQ(AllFiles(Generate(300, 42)), AllFiles(Generate(300, 42)));
  EXPECT_NE(AllFiles(Generate(300, 42)), AllFiles(Generate(300, 43)));
  EXPECT_NE(AllFiles(Generate(300, 42)),
            AllFiles(Generate(300, 42, absl::CivilDay(2025, 1, 1))));
  // The records never change the enterprises of a seed.
  EXPECT_EQ(Csv(Generate(300, 42)),
            Csv(Generate(300, 42, absl::CivilDay(2025, 1, 1))));
}

TEST(DemoRecordsTest, EveryCreditCodeIsValidAndKnown) {
  for (const int count : {1, 3, 8, 300}) {
    const DemoDataset ds = Generate(count, 20261125);
    std::map<std::string, std::string> names;
    for (const DemoEnterprise& e : ds.enterprises)
      names[e.credit_code] = e.name;
    std::vector<std::pair<std::string, std::string>> refs;  // code, name
    for (const auto& d : ds.decisions)
      refs.emplace_back(d.credit_code, d.enterprise_name);
    for (const auto& c : ds.commitments)
      refs.emplace_back(c.credit_code, c.enterprise_name);
    for (const auto& c : ds.complaints)
      refs.emplace_back(c.credit_code, c.enterprise_name);
    for (const auto& i : ds.incidents)
      refs.emplace_back(i.credit_code, i.enterprise_name);
    refs.emplace_back(ds.revocation.credit_code,
                      names[ds.revocation.credit_code]);
    for (const auto& [code, name] : refs) {
      EXPECT_TRUE(domain::ValidateUscc(code).ok()) << code;
      ASSERT_EQ(names.count(code), 1u) << code << " (count " << count << ")";
      EXPECT_EQ(names[code], name);
    }
  }
}

TEST(DemoRecordsTest, NoDateInTheFutureOrBefore1990) {
  const std::string today = kToday;
  for (const int count : {1, 300, 2000}) {
    const DemoDataset ds = Generate(count, 7);
    std::vector<std::string> dates;
    for (const auto& d : ds.decisions) dates.push_back(d.decision_date);
    for (const auto& c : ds.complaints) dates.push_back(c.received_date);
    for (const auto& i : ds.incidents) dates.push_back(i.date);
    dates.push_back(ds.revocation.date);
    for (const auto& c : ds.commitments) {
      dates.push_back(c.signing_date);
      for (const DemoCommitmentItem& item : c.items) {
        ASSERT_TRUE(IsDate(item.due_date)) << item.due_date;
        EXPECT_GE(item.due_date, c.signing_date);
        if (item.state.empty()) {
          EXPECT_TRUE(item.check_date.empty());
          continue;  // a pending item may fall due after today
        }
        EXPECT_TRUE(item.state == "KEPT" || item.state == "BROKEN")
            << item.state;
        dates.push_back(item.check_date);
        EXPECT_GE(item.check_date, item.due_date)
            << "only a due item is checked";
        // Checked items are due by today too.
        EXPECT_LE(item.due_date, today);
      }
    }
    ASSERT_GT(dates.size(), 10u);
    for (const std::string& date : dates) {
      ASSERT_TRUE(IsDate(date)) << date;
      EXPECT_LE(date, today);
      EXPECT_GE(date, "1990-01-01");
    }
  }
}

TEST(DemoRecordsTest, FineAmountsMatchTheMeasures) {
  const DemoDataset ds = Generate(2000, 11);
  ASSERT_GT(ds.decisions.size(), 100u);
  std::set<std::pair<std::string, std::string>> keys;
  for (const DemoDecision& d : ds.decisions) {
    const bool fined =
        std::count(d.measures.begin(), d.measures.end(), "FINE") > 0 ||
        std::count(d.measures.begin(), d.measures.end(),
                   "DAILY_CONTINUOUS_PENALTY") > 0;
    EXPECT_EQ(d.fine_fen > 0, fined) << d.decision_number;
    EXPECT_GE(d.fine_fen, 0);
    EXPECT_EQ(d.fine_fen % 100, 0) << "whole yuan";
    EXPECT_FALSE(d.measures.empty());
    EXPECT_EQ(
        std::set<std::string>(d.measures.begin(), d.measures.end()).size(),
        d.measures.size())
        << "no repeated measure in " << d.decision_number;
    EXPECT_TRUE(keys.insert({d.authority, d.decision_number}).second)
        << "decision number unique per authority: " << d.decision_number;
    EXPECT_EQ(d.tampering,
              d.violation_type == "TAMPERING_WITH_MONITORING_DATA");
  }
}

TEST(DemoRecordsTest, RecurrencePointsAtAnEarlierDecision) {
  for (const int count : {1, 300}) {
    const DemoDataset ds = Generate(count, 20261125);
    int recurrences = 0;
    for (size_t k = 0; k < ds.decisions.size(); ++k) {
      const DemoDecision& d = ds.decisions[k];
      if (d.recurrence_of.empty()) continue;
      ++recurrences;
      bool found = false;
      for (size_t j = 0; j < k; ++j) {
        const DemoDecision& earlier = ds.decisions[j];
        if (earlier.decision_number != d.recurrence_of) continue;
        found = true;
        EXPECT_EQ(earlier.credit_code, d.credit_code);
        EXPECT_EQ(earlier.authority, d.authority);
        EXPECT_LT(earlier.decision_date, d.decision_date);
      }
      EXPECT_TRUE(found) << d.decision_number << " -> " << d.recurrence_of;
    }
    EXPECT_GE(recurrences, 1);
  }
}

TEST(DemoRecordsTest, TheStoriesAreThere) {
  const DemoDataset ds = Generate(300, 20261125);
  std::set<std::string> measures, violations;
  bool daily = false, tampering = false;
  for (const DemoDecision& d : ds.decisions) {
    measures.insert(d.measures.begin(), d.measures.end());
    violations.insert(d.violation_type);
    daily |= std::count(d.measures.begin(), d.measures.end(),
                        "DAILY_CONTINUOUS_PENALTY") > 0;
    tampering |= d.tampering;
  }
  EXPECT_EQ(measures.size(), 11u) << "every measure";
  EXPECT_EQ(violations.size(), 11u) << "every violation type";
  EXPECT_TRUE(daily);
  EXPECT_TRUE(tampering);

  std::set<std::string> states, grades;
  bool public_commitment = false;
  for (const DemoCommitment& c : ds.commitments) {
    public_commitment |= c.is_public && c.kind == "CREDIT_COMMITMENT";
    for (const auto& item : c.items) states.insert(item.state);
  }
  EXPECT_TRUE(public_commitment);
  EXPECT_EQ(states, (std::set<std::string>{"", "KEPT", "BROKEN"}));
  for (const DemoIncident& i : ds.incidents) grades.insert(i.grade);
  EXPECT_EQ(grades, (std::set<std::string>{"GENERAL", "LARGER_OR_ABOVE"}));

  // Complaints that led to decisions name decisions of the same enterprise
  // dated on or after the complaint; case numbers are unique.
  std::set<std::string> cases;
  int linked = 0;
  for (const DemoComplaint& c : ds.complaints) {
    EXPECT_TRUE(cases.insert(c.case_number).second) << c.case_number;
    for (const std::string& number : c.decision_numbers) {
      ++linked;
      const auto it = std::find_if(
          ds.decisions.begin(), ds.decisions.end(), [&](const DemoDecision& d) {
            return d.authority == c.decision_authority &&
                   d.decision_number == number;
          });
      ASSERT_NE(it, ds.decisions.end()) << number;
      EXPECT_EQ(it->credit_code, c.credit_code);
      EXPECT_GE(it->decision_date, c.received_date);
    }
  }
  EXPECT_GE(linked, 3);

  // The decision to revoke exists, and the revocation is after it.
  const DemoRevocation& r = ds.revocation;
  const auto it = std::find_if(ds.decisions.begin(), ds.decisions.end(),
                               [&](const DemoDecision& d) {
                                 return d.authority == r.authority &&
                                        d.decision_number == r.decision_number;
                               });
  ASSERT_NE(it, ds.decisions.end());
  EXPECT_EQ(it->credit_code, r.credit_code);
  EXPECT_GE(r.date, it->decision_date);
  EXPECT_EQ(r.reason, "ADMINISTRATIVE_REVIEW");
}

TEST(DemoRecordsTest, CsvFilesAreTheImportFormats) {
  const DemoDataset ds = Generate(10, 5);
  std::ostringstream decisions, commitments, complaints, incidents, revoke;
  WriteDecisionsCsv(ds.decisions, decisions);
  WriteCommitmentsCsv(ds.commitments, commitments);
  WriteComplaintsCsv(ds.complaints, complaints);
  WriteIncidentsCsv(ds.incidents, incidents);
  WriteRevocation(ds.revocation, revoke);
  EXPECT_EQ(decisions.str().rfind(
                "\xEF\xBB\xBF"
                "credit_code,authority,decision_number,violation_type,"
                "decision_date,measures,fine_yuan,tampering,recurrence_of,"
                "enterprise_name,note\r\n",
                0),
            0u);
  EXPECT_THAT(decisions.str(),
              HasSubstr("DAILY_CONTINUOUS_PENALTY,2100000.00,"));
  EXPECT_THAT(decisions.str(), HasSubstr("FINE;ORDER_TO_CORRECT,"));
  EXPECT_EQ(commitments.str().rfind("\xEF\xBB\xBF"
                                    "credit_code,commitment_ref,",
                                    0),
            0u);
  EXPECT_EQ(complaints.str().rfind("\xEF\xBB\xBF"
                                   "credit_code,case_number,",
                                   0),
            0u);
  EXPECT_EQ(incidents.str().rfind("\xEF\xBB\xBF"
                                  "credit_code,date,grade,",
                                  0),
            0u);
  EXPECT_THAT(revoke.str(), HasSubstr("REVOKE_NUMBER='" +
                                      ds.revocation.decision_number + "'\n"));
  // One line per decision / complaint / incident / commitment item.
  size_t items = 0;
  for (const auto& c : ds.commitments)
    items += std::max<size_t>(1, c.items.size());
  const std::string decision_text = decisions.str();
  EXPECT_EQ(std::count(decision_text.begin(), decision_text.end(), '\n'),
            static_cast<long>(ds.decisions.size() + 1));
  const std::string commitment_text = commitments.str();
  EXPECT_EQ(std::count(commitment_text.begin(), commitment_text.end(), '\n'),
            static_cast<long>(items + 1));
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
