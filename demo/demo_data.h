// The demo dataset: fictional enterprises and their histories (penalty
// decisions, commitments, complaints, incidents) for trying envcredit out.
// Every name starts with "（虚构）" (fictional) and contains "示例" (sample),
// so no row can be mistaken for a real enterprise; credit codes are valid USCCs
// built with domain::MakeUscc across real GB/T 2260 regions. The same options
// give the same dataset, byte for byte; no record is dated after options.today.
// doc/demo-data.md describes it.
#ifndef ENVCREDIT_DEMO_DEMO_DATA_H_
#define ENVCREDIT_DEMO_DEMO_DATA_H_

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

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
  // Every record date is on or before this day and at most about three
  // years earlier. The tool's --today defaults to the current date in China
  // (the server's "today"); the library's default is fixed so that it is
  // deterministic.
  absl::CivilDay today = absl::CivilDay(2026, 1, 1);
};

// Dates below are "YYYY-MM-DD" strings, as written to the CSV files (so
// they compare correctly as strings). Enum values are the API's names.

// One row of the decisions import format (doc/import.md).
struct DemoDecision {
  std::string credit_code;
  std::string enterprise_name;
  std::string authority;        // "南京市生态环境局"
  std::string decision_number;  // "宁环罚〔2025〕0123号", unique per authority
  std::string violation_type;  // envcredit.v1.ViolationType name
  std::string decision_date;
  std::vector<std::string> measures;  // envcredit.v1.Measure names, no repeats
  // > 0 exactly when FINE or DAILY_CONTINUOUS_PENALTY is among the measures;
  // whole yuan (a multiple of 100 fen).
  int64_t fine_fen = 0;
  bool tampering = false;
  // For a recurrence found by a re-inspection (回头看): the decision number of
  // the earlier decision of the same enterprise and authority; else empty.
  std::string recurrence_of;
  std::string note;  // for people reading the file; not imported
};

// One item of a commitment; a row of the commitments import format.
struct DemoCommitmentItem {
  std::string description;
  std::string due_date;    // may be after `today` only while PENDING
  std::string state;       // "" (pending), "KEPT" or "BROKEN"
  std::string check_date;  // set with a state: on or after due_date
  std::string check_note;
};

struct DemoCommitment {
  std::string credit_code;
  std::string enterprise_name;
  std::string commitment_ref;  // "CN-0001", unique in a dataset
  std::string kind;            // CREDIT_COMMITMENT, RESPONSIBILITY_LETTER, ...
  std::string signer;
  std::string signing_date;
  bool is_public = false;
  std::vector<DemoCommitmentItem> items;
};

struct DemoComplaint {
  std::string credit_code;
  std::string enterprise_name;
  std::string case_number;  // unique in a dataset
  std::string received_date;
  std::string channel;  // envcredit.v1.ComplaintChannel name
  bool substantiated = false;
  std::string summary;
  // The decisions it led to, all of decision_authority; they are in the
  // dataset's decisions and dated on or after received_date.
  std::string decision_authority;
  std::vector<std::string> decision_numbers;
};

struct DemoIncident {
  std::string credit_code;
  std::string enterprise_name;
  std::string date;
  std::string grade;  // GENERAL or LARGER_OR_ABOVE
  std::string description;
};

// The decision the demo revokes with `envcredit-admin decisions revoke`
// (revocation is a custom method, not an import column).
struct DemoRevocation {
  std::string credit_code;
  std::string authority;
  std::string decision_number;
  std::string date;    // on or after the decision date, not after today
  std::string reason;  // ADMINISTRATIVE_REVIEW or COURT_RULING
  std::string note;
};

// Everything the generator makes. The records are generated after the
// enterprises from the same random stream, so adding a kind never changes
// the enterprises of a seed.
struct DemoDataset {
  std::vector<DemoEnterprise> enterprises;
  std::vector<DemoDecision>
      decisions;  // an earlier decision before its recurrence
  std::vector<DemoCommitment> commitments;
  std::vector<DemoComplaint> complaints;
  std::vector<DemoIncident> incidents;
  DemoRevocation revocation;
};

// INVALID_ARGUMENT when options.count is out of range; INTERNAL if a credit
// code cannot be built (a bug). Credit codes and names are unique.
absl::StatusOr<DemoDataset> GenerateDemoDataset(const DemoOptions& options);

// The enterprises as the CSV that `envcredit-admin enterprises import`
// reads: a UTF-8 byte-order mark (for spreadsheet programs), the header
// line, then one RFC 4180 record per enterprise, CRLF line ends.
void WriteEnterprisesCsv(const std::vector<DemoEnterprise>& enterprises,
                         std::ostream& out);

// The records in the import formats of doc/import.md (English headers):
// UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting.
void WriteDecisionsCsv(const std::vector<DemoDecision>& decisions,
                       std::ostream& out);
void WriteCommitmentsCsv(const std::vector<DemoCommitment>& commitments,
                         std::ostream& out);
void WriteComplaintsCsv(const std::vector<DemoComplaint>& complaints,
                        std::ostream& out);
void WriteIncidentsCsv(const std::vector<DemoIncident>& incidents,
                       std::ostream& out);

// The revocation as shell variable assignments (values single-quoted):
// REVOKE_CREDIT_CODE, REVOKE_AUTHORITY, REVOKE_NUMBER, REVOKE_DATE,
// REVOKE_REASON, REVOKE_NOTE — for `source` in scripts/demo.sh.
void WriteRevocation(const DemoRevocation& revocation, std::ostream& out);

// "2025-03-07".
std::string FormatDay(absl::CivilDay day);

}  // namespace envcredit::demo

#endif  // ENVCREDIT_DEMO_DEMO_DATA_H_
