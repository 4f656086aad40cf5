// Every validation rule of doc/records.md, table-driven, on the domain
// validators and the proto conversions (no database).
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "common/errors.h"
#include "envcredit/v1/records.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/api/record_convert.h"
#include "server/domain/records.h"
#include "tests/support/status_matchers.h"

namespace envcredit {
namespace {

using domain::CommitmentItemState;
using domain::Measure;
using testing::StatusIs;

const absl::CivilDay kToday(2025, 6, 15);

domain::PenaltyDecision GoodDecision() {
  domain::PenaltyDecision d;
  d.credit_code = "91320100MA00000001";
  d.authority = "南京市生态环境局";
  d.decision_number = "宁环罚〔2025〕12号";
  d.violation_type = domain::ViolationType::kExceedingDischargeStandards;
  d.decision_date = absl::CivilDay(2025, 3, 1);
  d.measures = {Measure::kOrderToCorrect, Measure::kFine};
  d.fine_amount_fen = 5000000;
  return d;
}

struct DecisionCase {
  std::string name;
  std::function<void(domain::PenaltyDecision&)> change;
  std::string field;   // "" = valid
  std::string reason;
};

// Test names and listings show the case's name, not its bytes.
void PrintTo(const DecisionCase& c, std::ostream* os) { *os << c.name; }

class DecisionValidationTest : public ::testing::TestWithParam<DecisionCase> {};

TEST_P(DecisionValidationTest, Rule) {
  domain::PenaltyDecision d = GoodDecision();
  GetParam().change(d);
  absl::Status status = domain::ValidatePenaltyDecision(d, kToday, "penalty_decision");
  if (GetParam().field.empty()) {
    EXPECT_OK(status);
  } else {
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, GetParam().reason));
    EXPECT_EQ(ErrorField(status), GetParam().field);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, DecisionValidationTest,
    ::testing::Values(
        DecisionCase{"Valid", [](auto&) {}, "", ""},
        DecisionCase{"EmptyAuthority", [](auto& d) { d.authority = ""; },
                     "penalty_decision.authority", "TEXT_LENGTH"},
        DecisionCase{"LongAuthority",
                     [](auto& d) { d.authority = std::string(101, 'a'); },
                     "penalty_decision.authority", "TEXT_LENGTH"},
        DecisionCase{"ChineseAuthorityOf100Chars",
                     [](auto& d) {
                       d.authority.clear();
                       for (int i = 0; i < 100; ++i) d.authority += "局";
                     },
                     "", ""},
        DecisionCase{"NotUtf8Number",
                     [](auto& d) { d.decision_number = "\xff\xfe"; },
                     "penalty_decision.decision_number", "INVALID_TEXT"},
        DecisionCase{"EmptyNumber", [](auto& d) { d.decision_number = ""; },
                     "penalty_decision.decision_number", "TEXT_LENGTH"},
        DecisionCase{"UnspecifiedViolation",
                     [](auto& d) { d.violation_type = domain::ViolationType::kUnspecified; },
                     "penalty_decision.violation_type", "INVALID_ENUM"},
        DecisionCase{"UnknownViolation",
                     [](auto& d) { d.violation_type = static_cast<domain::ViolationType>(7); },
                     "penalty_decision.violation_type", "INVALID_ENUM"},
        DecisionCase{"DateBefore1990",
                     [](auto& d) { d.decision_date = absl::CivilDay(1989, 12, 31); },
                     "penalty_decision.decision_date", "DATE_OUT_OF_RANGE"},
        DecisionCase{"Date1990", [](auto& d) { d.decision_date = absl::CivilDay(1990, 1, 1); },
                     "", ""},
        DecisionCase{"DateTomorrowIsSkew", [](auto& d) { d.decision_date = kToday + 1; },
                     "", ""},
        DecisionCase{"DateInTwoDays", [](auto& d) { d.decision_date = kToday + 2; },
                     "penalty_decision.decision_date", "DATE_OUT_OF_RANGE"},
        DecisionCase{"NoMeasures", [](auto& d) { d.measures.clear(); },
                     "penalty_decision.measures", "MEASURES_EMPTY"},
        DecisionCase{"RepeatedMeasure",
                     [](auto& d) { d.measures.push_back(Measure::kFine); },
                     "penalty_decision.measures[2]", "DUPLICATE_MEASURE"},
        DecisionCase{"UnknownMeasure",
                     [](auto& d) { d.measures.push_back(static_cast<Measure>(12)); },
                     "penalty_decision.measures[2]", "INVALID_ENUM"},
        DecisionCase{"UnspecifiedMeasure",
                     [](auto& d) { d.measures = {Measure::kUnspecified}; },
                     "penalty_decision.measures[0]", "INVALID_ENUM"},
        DecisionCase{"FineWithoutAmount", [](auto& d) { d.fine_amount_fen = 0; },
                     "penalty_decision.fine_amount_fen", "FINE_AMOUNT_REQUIRED"},
        DecisionCase{"DailyPenaltyWithoutAmount",
                     [](auto& d) {
                       d.measures = {Measure::kDailyContinuousPenalty};
                       d.fine_amount_fen = 0;
                     },
                     "penalty_decision.fine_amount_fen", "FINE_AMOUNT_REQUIRED"},
        DecisionCase{"AmountWithoutFine",
                     [](auto& d) { d.measures = {Measure::kWarning}; },
                     "penalty_decision.fine_amount_fen", "FINE_AMOUNT_NOT_ALLOWED"},
        DecisionCase{"NegativeFine", [](auto& d) { d.fine_amount_fen = -1; },
                     "penalty_decision.fine_amount_fen", "FINE_AMOUNT_OUT_OF_RANGE"},
        DecisionCase{"HugeFine",
                     [](auto& d) { d.fine_amount_fen = domain::kMaxFineAmountFen + 1; },
                     "penalty_decision.fine_amount_fen", "FINE_AMOUNT_OUT_OF_RANGE"},
        DecisionCase{"RecurrenceOfWithoutFlag", [](auto& d) { d.recurrence_of_id = 3; },
                     "penalty_decision.recurrence_of", "RECURRENCE_NOT_SET"}),
    [](const auto& info) { return info.param.name; });

domain::Commitment GoodCommitment() {
  domain::Commitment c;
  c.kind = domain::CommitmentKind::kCreditCommitment;
  c.signer = "张伟";
  c.signing_date = absl::CivilDay(2025, 1, 10);
  c.items.push_back({1, "按期完成整改", absl::CivilDay(2025, 12, 31)});
  return c;
}

TEST(CommitmentValidationTest, EveryRule) {
  EXPECT_OK(domain::ValidateCommitment(GoodCommitment(), kToday, "commitment"));
  struct Case {
    std::function<void(domain::Commitment&)> change;
    std::string field, reason;
  };
  const std::vector<Case> cases = {
      {[](auto& c) { c.kind = domain::CommitmentKind::kUnspecified; }, "commitment.kind", "INVALID_ENUM"},
      {[](auto& c) { c.kind = static_cast<domain::CommitmentKind>(9); }, "commitment.kind", "INVALID_ENUM"},
      {[](auto& c) { c.signer = ""; }, "commitment.signer", "TEXT_LENGTH"},
      {[](auto& c) { c.signer = "a\nb"; }, "commitment.signer", "INVALID_TEXT"},
      {[](auto& c) { c.signing_date = kToday + 2; }, "commitment.signing_date", "DATE_OUT_OF_RANGE"},
      {[](auto& c) { c.signing_date = absl::CivilDay(1980, 1, 1); }, "commitment.signing_date", "DATE_OUT_OF_RANGE"},
      {[](auto& c) { c.items[0].description = ""; }, "commitment.items[0].description", "TEXT_LENGTH"},
      {[](auto& c) { c.items[0].description = std::string(501, 'x'); }, "commitment.items[0].description", "TEXT_LENGTH"},
      {[](auto& c) { c.items[0].due_date = absl::CivilDay(2024, 1, 1); }, "commitment.items[0].due_date", "DATE_OUT_OF_RANGE"},
      {[](auto& c) { c.items[0].due_date = absl::CivilDay(2101, 1, 1); }, "commitment.items[0].due_date", "DATE_OUT_OF_RANGE"},
      {[](auto& c) { c.items.resize(101, c.items[0]); }, "commitment.items", "TOO_MANY_ITEMS"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    domain::Commitment c = GoodCommitment();
    cases[i].change(c);
    absl::Status status = domain::ValidateCommitment(c, kToday, "commitment");
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, cases[i].reason)) << i;
    EXPECT_EQ(ErrorField(status), cases[i].field) << i;
  }
}

TEST(CommitmentCheckValidationTest, EveryRule) {
  domain::CommitmentCheck good{1, CommitmentItemState::kBroken, kToday, "未按期整改"};
  EXPECT_OK(domain::ValidateCommitmentCheck(good, kToday));
  auto field_of = [&](std::function<void(domain::CommitmentCheck&)> change) {
    domain::CommitmentCheck c = good;
    change(c);
    absl::Status s = domain::ValidateCommitmentCheck(c, kToday);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    return ErrorField(s);
  };
  EXPECT_EQ(field_of([](auto& c) { c.item_number = 0; }), "item_number");
  EXPECT_EQ(field_of([](auto& c) { c.outcome = CommitmentItemState::kPending; }), "outcome");
  EXPECT_EQ(field_of([](auto& c) { c.check_date = kToday + 5; }), "check_date");
  EXPECT_EQ(field_of([](auto& c) { c.note = std::string(501, 'n'); }), "note");
}

TEST(RevocationComplaintIncidentValidationTest, EveryRule) {
  domain::Revocation r{absl::CivilDay(2025, 4, 1),
                       domain::RevocationReason::kCourtRuling, "法院撤销"};
  EXPECT_OK(domain::ValidateRevocation(r, kToday, "revocation"));
  r.reason = domain::RevocationReason::kUnspecified;
  EXPECT_EQ(ErrorField(domain::ValidateRevocation(r, kToday, "revocation")),
            "revocation.reason");
  r.reason = domain::RevocationReason::kAdministrativeReview;
  r.date = kToday + 3;
  EXPECT_EQ(ErrorField(domain::ValidateRevocation(r, kToday, "revocation")),
            "revocation.date");

  domain::Complaint c;
  c.received_date = absl::CivilDay(2025, 2, 1);
  c.channel = domain::ComplaintChannel::kHotline12369;
  c.case_number = "12369-2025-0001";
  EXPECT_OK(domain::ValidateComplaint(c, kToday, "complaint"));
  auto complaint_field = [&](std::function<void(domain::Complaint&)> change) {
    domain::Complaint x = c;
    change(x);
    absl::Status s = domain::ValidateComplaint(x, kToday, "complaint");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    return ErrorField(s);
  };
  EXPECT_EQ(complaint_field([](auto& x) { x.channel = domain::ComplaintChannel::kUnspecified; }),
            "complaint.channel");
  EXPECT_EQ(complaint_field([](auto& x) { x.case_number = ""; }), "complaint.case_number");
  EXPECT_EQ(complaint_field([](auto& x) { x.summary = std::string(1001, 's'); }),
            "complaint.summary");
  EXPECT_EQ(complaint_field([](auto& x) { x.received_date = absl::CivilDay(1989, 1, 1); }),
            "complaint.received_date");
  EXPECT_EQ(complaint_field([](auto& x) { x.decisions.resize(51); }), "complaint.decisions");

  domain::Incident i;
  i.date = absl::CivilDay(2025, 5, 1);
  i.grade = domain::IncidentGrade::kGeneral;
  EXPECT_OK(domain::ValidateIncident(i, kToday, "incident"));
  i.grade = static_cast<domain::IncidentGrade>(3);
  EXPECT_EQ(ErrorField(domain::ValidateIncident(i, kToday, "incident")), "incident.grade");
  i.grade = domain::IncidentGrade::kLargerOrAbove;
  i.description = "\xc3\x28";
  EXPECT_EQ(ErrorField(domain::ValidateIncident(i, kToday, "incident")), "incident.description");
}

TEST(RecordConvertTest, DatesMustBeCalendarDates) {
  v1::Date date;
  date.set_year(2025);
  date.set_month(2);
  date.set_day(29);
  EXPECT_THAT(api::DateFromProto(date, "d"),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_DATE"));
  date.set_day(28);
  EXPECT_OK(api::DateFromProto(date, "d"));
  EXPECT_THAT(api::DateFromProto(v1::Date(), "d"),
              StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_DATE"));
}

TEST(RecordConvertTest, RecordNames) {
  const std::string code = "91320100MA00000001";
  EXPECT_THAT(api::ParseRecordName("enterprises/x/penaltyDecisions/1",
                                   domain::kPenaltyDecisions, "name"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  for (const char* bad : {"", "enterprises", "penaltyDecisions/1",
                          "enterprises/A/penaltyDecisions/0",
                          "enterprises/A/penaltyDecisions/-1",
                          "enterprises/A/complaints/1"}) {
    EXPECT_THAT(api::ParseRecordName(bad, domain::kPenaltyDecisions, "name"),
                StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_RESOURCE_NAME"))
        << bad;
  }
  // Found by fuzz/resource_name_fuzzer: SimpleAtoi also takes surrounding
  // white space, so "/ 5" and "/5 " named record 5 too. Names are canonical:
  // the id is digits only, as RecordName writes it.
  const std::string valid = "enterprises/91320100MA1N2B3C8C/penaltyDecisions/";
  for (const char* id : {" 5", "5 ", "\t5", "5\n", "+5", "05", "0x5", "5.0",
                         "99999999999999999999"}) {
    EXPECT_THAT(
        api::ParseRecordName(valid + id, domain::kPenaltyDecisions, "name"),
        StatusIs(absl::StatusCode::kInvalidArgument, "INVALID_RESOURCE_NAME"))
        << id;
  }
  absl::StatusOr<api::RecordKey> key = api::ParseRecordName(
      valid + "9223372036854775807", domain::kPenaltyDecisions, "name");
  ASSERT_OK(key.status());
  EXPECT_EQ(key->id, INT64_MAX);
  EXPECT_EQ(key->credit_code, "91320100MA1N2B3C8C");
  EXPECT_EQ(domain::RecordName(code, domain::kIncidents, 7),
            "enterprises/91320100MA00000001/incidents/7");
  EXPECT_EQ(domain::IdOfRecordName("enterprises/X/incidents/7"), 7);
}

TEST(ScoringRecordsTest, BrokenItemsAndRevokedDecisions) {
  domain::StoredRecords stored;
  domain::PenaltyDecision d = GoodDecision();
  d.id = 4;
  d.state = domain::PenaltyDecisionState::kRevoked;
  stored.decisions.push_back(d);
  domain::Commitment c = GoodCommitment();
  c.id = 9;
  c.is_public = true;
  c.items[0].state = CommitmentItemState::kBroken;
  c.items[0].check_date = absl::CivilDay(2026, 1, 2);
  c.items.push_back({2, "公开承诺", absl::CivilDay(2025, 2, 1), CommitmentItemState::kKept,
                     absl::CivilDay(2025, 2, 1), ""});
  stored.commitments.push_back(c);
  stored.incidents.push_back({3, "", absl::CivilDay(2025, 1, 1),
                              domain::IncidentGrade::kGeneral, ""});
  scoring::EnterpriseRecords out = domain::ToScoringRecords(stored);
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_TRUE(out.decisions[0].revoked);
  EXPECT_EQ(out.decisions[0].decision_number, d.decision_number);
  ASSERT_EQ(out.commitments.size(), 1u);
  EXPECT_TRUE(out.commitments[0].is_public);
  ASSERT_EQ(out.broken_commitments.size(), 1u);
  EXPECT_EQ(out.broken_commitments[0].reference, "commitments/9 item 1");
  EXPECT_EQ(out.broken_commitments[0].found_broken_date, absl::CivilDay(2026, 1, 2));
  ASSERT_EQ(out.incidents.size(), 1u);
  EXPECT_OK(scoring::ValidateRecords(out));
}

TEST(MeasureBitsTest, RoundTripInValueOrder) {
  std::vector<Measure> m = {Measure::kTransferForCriminalInvestigation, Measure::kWarning};
  EXPECT_THAT(domain::MeasuresFromBits(domain::MeasureBits(m)),
              ::testing::ElementsAre(Measure::kWarning,
                                     Measure::kTransferForCriminalInvestigation));
}

}  // namespace
}  // namespace envcredit
