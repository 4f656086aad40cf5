// How envcredit-admin prints records (commitments, penalty decisions,
// complaints, incidents, audit entries) in the three --output formats, as
// output.h does for enterprises:
//   table  one resource: FIELD/VALUE lines; a list: the main columns;
//   json   the proto3 JSON mapping, an object for one resource, an array
//          for a list;
//   csv    every field, a header line, CRLF; for decisions, complaints and
//          incidents the first columns are the import format
//          (doc/import.md), so a listing can be edited and imported again.
#ifndef ENVCREDIT_ADMIN_CLI_OUTPUT_RECORD_OUTPUT_H_
#define ENVCREDIT_ADMIN_CLI_OUTPUT_RECORD_OUTPUT_H_

#include <string>
#include <utility>
#include <vector>

#include "admin-cli/args.h"
#include "envcredit/v1/audit.pb.h"
#include "envcredit/v1/records.pb.h"
#include "google/protobuf/message.h"

namespace envcredit::admin {

// The credit code in a resource name "enterprises/{code}/..."; "" if none.
std::string CreditCodeOfName(const std::string& name);

std::string RenderDecisions(
    const std::vector<envcredit::v1::PenaltyDecision>& list,
    OutputFormat format, bool single);
std::string RenderCommitments(
    const std::vector<envcredit::v1::Commitment>& list, OutputFormat format,
    bool single);
std::string RenderComplaints(const std::vector<envcredit::v1::Complaint>& list,
                             OutputFormat format, bool single);
std::string RenderIncidents(const std::vector<envcredit::v1::Incident>& list,
                            OutputFormat format, bool single);
std::string RenderAuditEntries(
    const std::vector<envcredit::v1::AuditEntry>& list, OutputFormat format);

// The proto3 JSON of any message, every field present; compact unless
// `pretty`.
std::string MessageJson(const google::protobuf::Message& message, bool pretty);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_OUTPUT_RECORD_OUTPUT_H_
