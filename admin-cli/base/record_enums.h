// Reading and writing the values of the record kinds (records.proto) as
// people type them on the command line and in the regulators' CSV files:
// enum names in any letter case or their Chinese labels, civil dates,
// yes/no values and fine amounts in yuan; and the names of enum values and
// times as every output of envcredit-admin prints them.
#ifndef ENVCREDIT_ADMIN_CLI_BASE_RECORD_ENUMS_H_
#define ENVCREDIT_ADMIN_CLI_BASE_RECORD_ENUMS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "envcredit/v1/common.pb.h"
#include "envcredit/v1/records.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace envcredit::admin {

// "2024-03-05"; also "2024-3-5", "2024/03/05", "2024.3.5" and "2024年3月5日"
// (what spreadsheet programs write). INVALID_ARGUMENT for anything else or a
// day the calendar does not have. Range rules (not in the future, not before
// 1990) are the server's.
absl::StatusOr<envcredit::v1::Date> ParseDate(absl::string_view text);
// "YYYY-MM-DD"; "" for an unset date (year 0).
std::string FormatDate(const envcredit::v1::Date& date);

// Each: the enum name in any case (not the UNSPECIFIED value), or the
// Chinese label / short alias listed in doc/import.md. INVALID_ARGUMENT
// naming the allowed values otherwise.
absl::StatusOr<envcredit::v1::Measure> ParseMeasure(absl::string_view text);
absl::StatusOr<envcredit::v1::ViolationType> ParseViolationType(
    absl::string_view text);
absl::StatusOr<envcredit::v1::CommitmentKind> ParseCommitmentKind(
    absl::string_view text);
absl::StatusOr<envcredit::v1::ComplaintChannel> ParseComplaintChannel(
    absl::string_view text);
absl::StatusOr<envcredit::v1::IncidentGrade> ParseIncidentGrade(
    absl::string_view text);
absl::StatusOr<envcredit::v1::RevocationReason> ParseRevocationReason(
    absl::string_view text);
absl::StatusOr<envcredit::v1::PenaltyDecisionState> ParseDecisionState(
    absl::string_view text);
// KEPT or BROKEN only (also 践诺 / 违诺, kept / broken).
absl::StatusOr<envcredit::v1::CommitmentItemState> ParseCheckOutcome(
    absl::string_view text);

// A list of measures separated by ',', ';', '|', '，', '；' or '、'
// ("查封、扣押" is one measure). INVALID_ARGUMENT for an empty list, an
// unknown measure or a repeat.
absl::StatusOr<std::vector<envcredit::v1::Measure>> ParseMeasureList(
    absl::string_view text);

// true/false, yes/no, y/n, 1/0, 是/否; "" is false.
absl::StatusOr<bool> ParseYesNo(absl::string_view text);

// A fine in yuan ("5000", "12345.6", "1,200,000.00") as fen; at most two
// decimals, not negative, at most 10^12 yuan.
absl::StatusOr<int64_t> ParseYuanAsFen(absl::string_view text);
// A whole number of fen, not negative.
absl::StatusOr<int64_t> ParseFen(absl::string_view text);
// 123456 fen -> "1234.56".
std::string FenAsYuan(int64_t fen);

// The allowed names, comma-separated, for help texts.
std::string AllowedMeasures();
std::string AllowedViolationTypes();
std::string AllowedCommitmentKinds();
std::string AllowedComplaintChannels();
std::string AllowedIncidentGrades();

// The enum name of a value; "" for 0; the number when unknown.
std::string EnumName(const google::protobuf::EnumDescriptor* descriptor,
                     int value);

// The names the commands, the outputs and the publication folder share, as
// EnumName gives them: GREEN ... BLACK; ADDED / UNCHANGED (without ENTRY_);
// EXPIRED, REPAIRED, ... (without REMOVAL_).
std::string RatingLevelName(int level);
std::string ChangeName(int change);
std::string RemovalName(int reason);

// "2025-03-05T08:00:00.000000Z" (UTC, microseconds); "" for an unset time.
std::string FormatTimestamp(const google::protobuf::Timestamp& time);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_BASE_RECORD_ENUMS_H_
