// The records boundary between protobuf and the domain: resource names,
// dates, commitments, penalty decisions, complaints, incidents. All proto <->
// domain conversion for records happens here and nowhere else. Conversions
// from proto check only what the domain types cannot hold (real calendar
// dates, well-formed names); the rules are in domain::Validate*.
#ifndef ENVCREDIT_SERVER_API_RECORD_CONVERT_H_
#define ENVCREDIT_SERVER_API_RECORD_CONVERT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "envcredit/v1/audit.pb.h"
#include "envcredit/v1/common.pb.h"
#include "envcredit/v1/records.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "server/domain/audit.h"
#include "server/api/proto_values.h"
#include "server/domain/records.h"

namespace envcredit::api {

// A record's name split up.
struct RecordKey {
  std::string credit_code;
  int64_t id = 0;
};

// The id segment of a resource name, as the server writes it: decimal
// digits with no sign, space or leading zero, 1 to INT64_MAX. False
// otherwise, so one resource never has two accepted names ("5", "05", "+5",
// " 5").
bool ParseResourceId(absl::string_view text, int64_t* id);

// "enterprises/{credit_code}/{collection}/{id}" with a valid USCC and id >= 1;
// INVALID_ARGUMENT naming `field` (reason INVALID_RESOURCE_NAME or
// INVALID_CREDIT_CODE) otherwise.
absl::StatusOr<RecordKey> ParseRecordName(absl::string_view name,
                                          absl::string_view collection,
                                          absl::string_view field);

// Create inputs: the output-only fields are ignored. `field` prefixes
// error fields ("commitment", "penalty_decision", ...).
absl::StatusOr<domain::Commitment> CommitmentFromProto(
    const v1::Commitment& proto, absl::string_view credit_code,
    absl::string_view field);
v1::Commitment ToProto(const domain::Commitment& commitment);

// recurrence_of must name a decision of the same enterprise
// (INVALID_ARGUMENT, field {field}.recurrence_of).
absl::StatusOr<domain::PenaltyDecision> DecisionFromProto(
    const v1::PenaltyDecision& proto, absl::string_view credit_code,
    absl::string_view field);
v1::PenaltyDecision ToProto(const domain::PenaltyDecision& decision);

absl::StatusOr<domain::Revocation> RevocationFromProto(
    const v1::Revocation& proto, absl::string_view field);

// Links by name come first, then links by reference (the order the
// repository's error fields assume).
absl::StatusOr<domain::Complaint> ComplaintFromProto(
    const v1::Complaint& proto, absl::string_view credit_code,
    absl::string_view field);
v1::Complaint ToProto(const domain::Complaint& complaint);

absl::StatusOr<domain::Incident> IncidentFromProto(const v1::Incident& proto,
                                                   absl::string_view credit_code,
                                                   absl::string_view field);
v1::Incident ToProto(const domain::Incident& incident);

v1::AuditEntry ToProto(const domain::AuditEntry& entry);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_RECORD_CONVERT_H_
