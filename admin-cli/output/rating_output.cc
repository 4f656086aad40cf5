#include "admin-cli/output/rating_output.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/base/text.h"
#include "admin-cli/output/output.h"
#include "admin-cli/output/record_output.h"
#include "admin-cli/rpc_errors.h"
#include "google/rpc/error_details.pb.h"

namespace envcredit::admin {
namespace {

std::string NationalLevelName(int level) {
  return EnumName(v1::NationalLevel_descriptor(), level);
}

// For tables: "WARNING" for NATIONAL_WARNING.
std::string ShortNationalLevelName(int level) {
  std::string name = NationalLevelName(level);
  absl::string_view short_name = name;
  absl::ConsumePrefix(&short_name, "NATIONAL_");
  return std::string(short_name);
}

std::string CauseName(int cause) {
  return EnumName(v1::RatingChangeCause_descriptor(), cause);
}

// Every field of a rating but the explanation, in CSV column order.
Fields RatingFields(const v1::Rating& r) {
  return {
      {"credit_code", r.credit_code()},
      {"level", RatingLevelName(r.level())},
      {"points", absl::StrCat(r.points())},
      {"national_level", NationalLevelName(r.national_level())},
      {"flags", RatingFlagNames(r.flags())},
      {"policy_id", r.policy_id()},
      {"policy_version", absl::StrCat(r.policy_version())},
      {"as_of", FormatDate(r.as_of())},
      {"valid_until", FormatDate(r.valid_until())},
      {"revision", absl::StrCat(r.revision())},
  };
}

Table RatingCsvTable() {
  Table table;
  for (const auto& [key, value] : RatingFields(v1::Rating())) {
    table.header.push_back(key);
  }
  return table;
}

std::vector<std::string> RatingCsvRow(const v1::Rating& r) {
  std::vector<std::string> row;
  for (auto& [key, value] : RatingFields(r)) row.push_back(std::move(value));
  return row;
}

std::string LevelChange(const v1::RatingChange& c) {
  const std::string old_level = RatingLevelName(c.old_level());
  return absl::StrCat(old_level.empty() ? "-" : old_level, " → ",
                      RatingLevelName(c.new_level()));
}

std::string PointsChange(const v1::RatingChange& c) {
  if (c.old_level() == v1::RATING_LEVEL_UNSPECIFIED) {
    return absl::StrCat("- → ", c.new_points());
  }
  return absl::StrCat(c.old_points(), " → ", c.new_points());
}

std::vector<std::string> ChangeCsvRow(const v1::RatingChange& c) {
  return {absl::StrCat(c.cursor()),
          c.credit_code(),
          FormatDate(c.effective_date()),
          RatingLevelName(c.old_level()),
          RatingLevelName(c.new_level()),
          absl::StrCat(c.old_points()),
          absl::StrCat(c.new_points()),
          RatingFlagNames(c.new_flags()),
          c.policy_id(),
          absl::StrCat(c.policy_version()),
          CauseName(c.cause()),
          c.cause_resource(),
          c.reason(),
          FormatTimestamp(c.record_time()),
          c.level_changed() ? "true" : "false"};
}

std::vector<std::string> ChangeCsvColumns() {
  return {"cursor",    "credit_code",    "effective_date", "old_level",
          "new_level", "old_points",     "new_points",     "new_flags",
          "policy_id", "policy_version", "cause",          "cause_resource",
          "reason",    "record_time",    "level_changed"};
}

// The ErrorInfo reason of a per-code error; "" when there is none.
std::string ErrorReason(const google::rpc::Status& error) {
  for (const google::protobuf::Any& any : error.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info.reason();
  }
  return "";
}

}  // namespace

std::string RatingFlagNames(const google::protobuf::RepeatedField<int>& flags) {
  std::vector<std::string> names;
  for (const int f : flags) {
    names.push_back(EnumName(v1::RatingFlag_descriptor(), f));
  }
  return absl::StrJoin(names, ",");
}

std::string PolicyLabel(const std::string& policy_id, int version) {
  if (policy_id.empty()) return "";
  return absl::StrCat(policy_id, "@", version);
}

std::string RenderRating(const v1::Rating& r, OutputFormat format,
                         bool explanation) {
  switch (format) {
    case OutputFormat::kJson:
      return MessageJson(r, /*pretty=*/true) + "\n";
    case OutputFormat::kCsv: {
      Table table = RatingCsvTable();
      table.rows.push_back(RatingCsvRow(r));
      if (explanation) {
        table.header.push_back("explanation");
        table.rows[0].push_back(r.explanation().text());
      }
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  Table table{{"FIELD", "VALUE"}, {}};
  table.rows = {{"credit_code", r.credit_code()},
                {"level", RatingLevelName(r.level())},
                {"points", absl::StrCat(r.points())},
                {"national_level", ShortNationalLevelName(r.national_level())},
                {"flags", RatingFlagNames(r.flags())},
                {"policy", PolicyLabel(r.policy_id(), r.policy_version())},
                {"as_of", FormatDate(r.as_of())},
                {"valid_until", FormatDate(r.valid_until())},
                {"revision", absl::StrCat(r.revision())}};
  std::string out = RenderTable(table);
  if (explanation) {
    std::string text = r.explanation().text();
    if (text.empty()) text = "(the server sent no explanation)";
    if (text.back() != '\n') text += '\n';
    absl::StrAppend(&out, "\nExplanation:\n", text);
  }
  return out;
}

std::string RenderRatings(const std::vector<v1::Rating>& list,
                          OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson: {
      std::vector<const google::protobuf::Message*> messages;
      for (const v1::Rating& r : list) messages.push_back(&r);
      return MessageJsonArray(messages);
    }
    case OutputFormat::kCsv: {
      Table table = RatingCsvTable();
      for (const v1::Rating& r : list) table.rows.push_back(RatingCsvRow(r));
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  Table table{{"CREDIT_CODE", "LEVEL", "POINTS", "NATIONAL", "FLAGS", "POLICY",
               "AS_OF", "VALID_UNTIL"},
              {}};
  for (const v1::Rating& r : list) {
    table.rows.push_back(
        {r.credit_code(), RatingLevelName(r.level()), absl::StrCat(r.points()),
         ShortNationalLevelName(r.national_level()), RatingFlagNames(r.flags()),
         PolicyLabel(r.policy_id(), r.policy_version()), FormatDate(r.as_of()),
         FormatDate(r.valid_until())});
  }
  return RenderTable(table);
}

std::string DescribeResultError(const google::rpc::Status& error) {
  const std::string reason = ErrorReason(error);
  return absl::StrCat(
      StatusCodeName(static_cast<grpc::StatusCode>(error.code())),
      reason.empty() ? "" : " ", reason, ": ", OneLine(error.message()));
}

std::string RenderBatchResults(
    const std::vector<v1::BatchGetRatingResult>& results, OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson: {
      std::vector<const google::protobuf::Message*> messages;
      for (const v1::BatchGetRatingResult& r : results) messages.push_back(&r);
      return MessageJsonArray(messages);
    }
    case OutputFormat::kCsv: {
      Table table = RatingCsvTable();
      for (const char* column :
           {"error_code", "error_reason", "error_message"}) {
        table.header.push_back(column);
      }
      for (const v1::BatchGetRatingResult& r : results) {
        std::vector<std::string> row;
        if (r.has_rating()) {
          row = RatingCsvRow(r.rating());
          row.insert(row.end(), {"", "", ""});
        } else {
          v1::Rating empty;
          empty.set_credit_code(r.credit_code());
          row = RatingCsvRow(empty);
          for (size_t k = 1; k < row.size(); ++k) row[k].clear();
          row.insert(
              row.end(),
              {StatusCodeName(static_cast<grpc::StatusCode>(r.error().code())),
               ErrorReason(r.error()), r.error().message()});
        }
        table.rows.push_back(std::move(row));
      }
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  Table table{{"CREDIT_CODE", "LEVEL", "POINTS", "ERROR"}, {}};
  for (const v1::BatchGetRatingResult& r : results) {
    if (r.has_rating()) {
      table.rows.push_back({r.credit_code(),
                            RatingLevelName(r.rating().level()),
                            absl::StrCat(r.rating().points()), ""});
    } else {
      table.rows.push_back(
          {r.credit_code(), "", "", DescribeResultError(r.error())});
    }
  }
  return RenderTable(table);
}

std::string RenderHistory(const std::vector<v1::RatingChange>& list,
                          OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson: {
      std::vector<const google::protobuf::Message*> messages;
      for (const v1::RatingChange& c : list) messages.push_back(&c);
      return MessageJsonArray(messages);
    }
    case OutputFormat::kCsv: {
      Table table{ChangeCsvColumns(), {}};
      for (const v1::RatingChange& c : list)
        table.rows.push_back(ChangeCsvRow(c));
      return RenderCsv(table);
    }
    case OutputFormat::kTable:
      break;
  }
  Table table{{"DATE", "LEVEL", "POINTS", "CAUSE", "REASON"}, {}};
  for (const v1::RatingChange& c : list) {
    table.rows.push_back({FormatDate(c.effective_date()), LevelChange(c),
                          PointsChange(c), CauseName(c.cause()), c.reason()});
  }
  return RenderTable(table);
}

std::string RenderChangeLine(const v1::RatingChange& c, OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson:
      return MessageJson(c, /*pretty=*/false) + "\n";
    case OutputFormat::kCsv: {
      std::vector<std::string> fields;
      for (const std::string& f : ChangeCsvRow(c))
        fields.push_back(CsvField(f));
      return absl::StrCat(absl::StrJoin(fields, ","), "\r\n");
    }
    case OutputFormat::kTable:
      break;
  }
  return absl::StrCat(c.cursor(), "  ", FormatDate(c.effective_date()), "  ",
                      c.credit_code(), "  ", LevelChange(c), "  points ",
                      PointsChange(c), "  ", CauseName(c.cause()), "  ",
                      OneLine(c.reason()), "\n");
}

std::string RatingChangeCsvHeader() {
  return absl::StrCat(absl::StrJoin(ChangeCsvColumns(), ","), "\r\n");
}

std::string RenderPublicRatings(const v1::LookupPublicRatingResponse& response,
                                OutputFormat format) {
  if (format == OutputFormat::kJson) return MessageJson(response, true) + "\n";
  std::vector<v1::PublicRating> ratings(response.ratings().begin(), response.ratings().end());
  return RenderMessages(
      ratings, format, false,
      [](const v1::PublicRating& r) -> Fields {
        return {{"credit_code", r.credit_code()},
                {"registered_name", r.registered_name()},
                {"level", RatingLevelName(r.level())},
                {"national_level", ShortNationalLevelName(r.national_level())},
                {"policy", absl::StrCat(r.policy_id(), " v", r.policy_version())},
                {"as_of", FormatDate(r.as_of())},
                {"lists", absl::StrJoin(r.list_entries(), " ")}};
      },
      {{"CREDIT_CODE", "credit_code"},
       {"NAME", "registered_name"},
       {"LEVEL", "level"},
       {"NATIONAL", "national_level"},
       {"POLICY", "policy"},
       {"AS_OF", "as_of"},
       {"LISTS", "lists"}});
}

}  // namespace envcredit::admin
