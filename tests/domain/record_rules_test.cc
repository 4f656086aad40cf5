// The record rules of server/domain/records.h that storage calls, no
// database: the decide step of a decision create (doc/records.md
// "Idempotency") and the one mapping of stored records to the engine's input
// (doc/records.md "Records for the rating").
#include <optional>
#include <string>
#include <vector>

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/records.h"
#include "tests/support/status_matchers.h"

namespace envcredit::domain {
namespace {

using ::envcredit::testing::StatusIs;

PenaltyDecision Decision() {
  PenaltyDecision d;
  d.credit_code = "91320100MA1N2B3C8C";
  d.authority = "南京市生态环境局";
  d.decision_number = "宁环罚〔2025〕12号";
  d.violation_type = ViolationType::kExceedingDischargeStandards;
  d.decision_date = absl::CivilDay(2025, 3, 1);
  d.measures = {Measure::kOrderToCorrect, Measure::kFine};
  d.fine_amount_fen = 5000000;
  return d;
}

// ------------------------------------------------------------ decide step

TEST(DecideDecisionCreateTest, ANewNumberIsStored) {
  ASSERT_OK_AND_ASSIGN(DecisionCreate step, DecideDecisionCreate(Decision(), nullptr));
  EXPECT_EQ(step, DecisionCreate::kNew);
}

TEST(DecideDecisionCreateTest, TheSameContentIsADuplicate) {
  PenaltyDecision stored = Decision();
  // Not compared: what the store assigns, and the order of the measures
  // (a set).
  stored.id = 41;
  stored.state = PenaltyDecisionState::kRevoked;
  stored.rectified_date = absl::CivilDay(2025, 4, 1);
  stored.create_time = absl::FromUnixSeconds(1740787200);
  stored.measures = {Measure::kFine, Measure::kOrderToCorrect};
  ASSERT_OK_AND_ASSIGN(DecisionCreate step, DecideDecisionCreate(Decision(), &stored));
  EXPECT_EQ(step, DecisionCreate::kDuplicate);
}

TEST(DecideDecisionCreateTest, OtherContentConflicts) {
  struct Case {
    const char* what;
    void (*change)(PenaltyDecision&);
  };
  const Case cases[] = {
      {"enterprise", [](PenaltyDecision& d) { d.credit_code = "913301061234567887"; }},
      {"type", [](PenaltyDecision& d) { d.violation_type = ViolationType::kDischargeWithoutPermit; }},
      {"date", [](PenaltyDecision& d) { d.decision_date = absl::CivilDay(2025, 3, 2); }},
      {"measures", [](PenaltyDecision& d) { d.measures = {Measure::kFine}; }},
      {"fine", [](PenaltyDecision& d) { d.fine_amount_fen = 5000001; }},
      {"tampering", [](PenaltyDecision& d) { d.tampering = true; }},
      {"recurrence", [](PenaltyDecision& d) { d.recurrence = true; }},
      {"recurrence_of", [](PenaltyDecision& d) { d.recurrence_of_id = 7; }},
  };
  for (const Case& c : cases) {
    PenaltyDecision stored = Decision();
    c.change(stored);
    const absl::StatusOr<DecisionCreate> step = DecideDecisionCreate(Decision(), &stored);
    EXPECT_THAT(step, StatusIs(absl::StatusCode::kAlreadyExists,
                               "PENALTY_DECISION_ALREADY_EXISTS"))
        << c.what;
    EXPECT_EQ(ErrorField(step.status()), "penalty_decision.decision_number") << c.what;
    EXPECT_EQ(step.status().message(),
              "decision 宁环罚〔2025〕12号 of 南京市生态环境局 exists already with other "
              "content")
        << c.what;
  }
}

TEST(DecideRequestIdUseTest, FreshReplayOrReused) {
  EXPECT_EQ(*DecideRequestIdUse(kCreatePenaltyDecisionMethod, "fp", nullptr),
            RequestIdUse::kFresh);
  const ClaimedRequest same{kCreatePenaltyDecisionMethod, "fp"};
  EXPECT_EQ(*DecideRequestIdUse(kCreatePenaltyDecisionMethod, "fp", &same),
            RequestIdUse::kReplay);
  const ClaimedRequest other_body{kCreatePenaltyDecisionMethod, "other"};
  const ClaimedRequest other_method{"CreateIncident", "fp"};
  for (const ClaimedRequest* earlier : {&other_body, &other_method}) {
    absl::StatusOr<RequestIdUse> use =
        DecideRequestIdUse(kCreatePenaltyDecisionMethod, "fp", earlier);
    EXPECT_THAT(use, StatusIs(absl::StatusCode::kInvalidArgument, "REQUEST_ID_REUSED"));
    EXPECT_EQ(ErrorField(use.status()), "request_id");
  }
}

TEST(CheckRecurrenceOfTest, NoneOrADecisionOfTheSameEnterprise) {
  PenaltyDecision d = Decision();
  EXPECT_OK(CheckRecurrenceOf(d, 11, std::nullopt));
  d.recurrence = true;
  d.recurrence_of_id = 42;
  EXPECT_OK(CheckRecurrenceOf(d, 11, 11));
}

TEST(CheckRecurrenceOfTest, AnUnknownDecisionOrOneOfAnotherEnterprise) {
  PenaltyDecision d = Decision();
  d.recurrence = true;
  d.recurrence_of_id = 42;
  for (std::optional<int64_t> earlier : {std::optional<int64_t>(), std::optional<int64_t>(12)}) {
    const absl::Status status = CheckRecurrenceOf(d, 11, earlier);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound, "PENALTY_DECISION_NOT_FOUND"));
    EXPECT_EQ(ErrorField(status), "penalty_decision.recurrence_of");
    EXPECT_EQ(status.message(),
              "enterprises/91320100MA1N2B3C8C/penaltyDecisions/42 does not exist");
  }
}

// ------------------------------------------------------------ state rules

constexpr char kCommitment9[] = "enterprises/91320100MA1N2B3C8C/commitments/9";

CommitmentItem DueOn(absl::CivilDay due, CommitmentItemState state = CommitmentItemState::kPending) {
  CommitmentItem item;
  item.number = 2;
  item.due_date = due;
  item.state = state;
  return item;
}

CommitmentCheck CheckOn(absl::CivilDay day) {
  CommitmentCheck check;
  check.item_number = 2;
  check.outcome = CommitmentItemState::kBroken;
  check.check_date = day;
  return check;
}

TEST(CheckCanCheckItemTest, APendingItemOnOrAfterItsDueDate) {
  const CommitmentItem item = DueOn(absl::CivilDay(2025, 6, 30));
  EXPECT_OK(CheckCanCheckItem(kCommitment9, &item, CheckOn(absl::CivilDay(2025, 6, 30))));
  EXPECT_OK(CheckCanCheckItem(kCommitment9, &item, CheckOn(absl::CivilDay(2025, 7, 1))));
}

TEST(CheckCanCheckItemTest, AnItemThatDoesNotExist) {
  const absl::Status status =
      CheckCanCheckItem(kCommitment9, nullptr, CheckOn(absl::CivilDay(2025, 7, 1)));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound, "COMMITMENT_ITEM_NOT_FOUND"));
  EXPECT_EQ(ErrorField(status), "item_number");
  EXPECT_EQ(status.message(), "enterprises/91320100MA1N2B3C8C/commitments/9 has no item 2");
}

TEST(CheckCanCheckItemTest, OnlyOnce) {
  for (CommitmentItemState state : {CommitmentItemState::kKept, CommitmentItemState::kBroken}) {
    const CommitmentItem item = DueOn(absl::CivilDay(2025, 6, 30), state);
    const absl::Status status =
        CheckCanCheckItem(kCommitment9, &item, CheckOn(absl::CivilDay(2025, 7, 1)));
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 "COMMITMENT_ITEM_ALREADY_CHECKED"));
    EXPECT_EQ(ErrorField(status), "item_number");
    EXPECT_EQ(status.message(),
              "item 2 of enterprises/91320100MA1N2B3C8C/commitments/9 was checked already");
  }
}

TEST(CheckCanCheckItemTest, NotBeforeItsDueDate) {
  const CommitmentItem item = DueOn(absl::CivilDay(2025, 6, 30));
  const absl::Status status =
      CheckCanCheckItem(kCommitment9, &item, CheckOn(absl::CivilDay(2025, 6, 29)));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "COMMITMENT_ITEM_NOT_DUE"));
  EXPECT_EQ(ErrorField(status), "check_date");
  EXPECT_EQ(status.message(),
            "item 2 of enterprises/91320100MA1N2B3C8C/commitments/9 is due on 2025-06-30, "
            "after the check date");
}

PenaltyDecision Stored(PenaltyDecisionState state = PenaltyDecisionState::kInForce) {
  PenaltyDecision d = Decision();  // decided on 2025-03-01
  d.id = 42;
  d.state = state;
  return d;
}

TEST(CheckCanMarkRectifiedTest, OnOrAfterTheDecisionDate) {
  EXPECT_OK(CheckCanMarkRectified(Stored(), absl::CivilDay(2025, 3, 1)));
  EXPECT_OK(CheckCanMarkRectified(Stored(), absl::CivilDay(2025, 5, 1)));
  const absl::Status status = CheckCanMarkRectified(Stored(), absl::CivilDay(2025, 2, 28));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, "RECTIFIED_BEFORE_DECISION"));
  EXPECT_EQ(ErrorField(status), "rectified_date");
  EXPECT_EQ(status.message(),
            "rectified_date: 2025-02-28 is before the decision date 2025-03-01");
}

TEST(CheckCanMarkRectifiedTest, NotARevokedDecision) {
  const absl::Status status = CheckCanMarkRectified(Stored(PenaltyDecisionState::kRevoked),
                                                    absl::CivilDay(2025, 5, 1));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "PENALTY_DECISION_REVOKED"));
  EXPECT_EQ(status.message(), "enterprises/91320100MA1N2B3C8C/penaltyDecisions/42 is revoked");
}

TEST(CheckCanRevokeTest, OnceOnOrAfterTheDecisionDate) {
  Revocation r;
  r.date = absl::CivilDay(2025, 3, 1);
  r.reason = RevocationReason::kCourtRuling;
  EXPECT_OK(CheckCanRevoke(Stored(), r));
  absl::Status status = CheckCanRevoke(Stored(PenaltyDecisionState::kRevoked), r);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                               "PENALTY_DECISION_ALREADY_REVOKED"));
  EXPECT_EQ(status.message(),
            "enterprises/91320100MA1N2B3C8C/penaltyDecisions/42 is revoked already");
  r.date = absl::CivilDay(2025, 2, 28);
  status = CheckCanRevoke(Stored(), r);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, "REVOKED_BEFORE_DECISION"));
  EXPECT_EQ(ErrorField(status), "revocation.date");
  EXPECT_EQ(status.message(), "revocation.date: 2025-02-28 is before the decision date 2025-03-01");
}

// Two links by id, then two by natural key (as the API converts them).
Complaint WithLinks() {
  Complaint c;
  c.credit_code = "91320100MA1N2B3C8C";
  c.case_number = "12369-2025-001";
  c.decisions = {{4, "", ""}, {5, "", ""}, {0, "A", "N-1"}, {0, "A", "N-2"}};
  return c;
}

TEST(CheckComplaintLinksTest, EveryLinkNamesAnotherDecision) {
  ASSERT_OK_AND_ASSIGN(std::vector<int64_t> ids,
                       CheckComplaintLinks(WithLinks(), {4, 5, 7, 8}));
  EXPECT_THAT(ids, ::testing::ElementsAre(4, 5, 7, 8));
}

TEST(CheckComplaintLinksTest, TheFirstLinkNamingNothing) {
  absl::Status status = CheckComplaintLinks(WithLinks(), {4, std::nullopt}).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound, "PENALTY_DECISION_NOT_FOUND"));
  EXPECT_EQ(ErrorField(status), "complaint.decisions[1]");
  EXPECT_EQ(status.message(),
            "complaint.decisions[1]: no such decision of enterprises/91320100MA1N2B3C8C");
  status = CheckComplaintLinks(WithLinks(), {4, 5, 7, std::nullopt}).status();
  EXPECT_EQ(ErrorField(status), "complaint.decision_references[1]");
}

TEST(CheckComplaintLinksTest, ADecisionLinkedTwice) {
  // The second reference resolves to decision 5, linked by id before.
  const absl::Status status = CheckComplaintLinks(WithLinks(), {4, 5, 5}).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, "DUPLICATE_DECISION_LINK"));
  EXPECT_EQ(ErrorField(status), "complaint.decision_references[0]");
  EXPECT_EQ(status.message(), "complaint.decision_references[0]: linked twice");
}

TEST(ComplaintCaseNumberTakenTest, NamesTheCaseNumber) {
  const absl::Status status = ComplaintCaseNumberTaken(WithLinks());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAlreadyExists, "COMPLAINT_ALREADY_EXISTS"));
  EXPECT_EQ(ErrorField(status), "complaint.case_number");
  EXPECT_EQ(status.message(), "case number 12369-2025-001 exists already for this enterprise");
}

// --------------------------------------------------------- for the rating

TEST(AddForRatingTest, ADecisionAsItIsRevokedWhenRevoked) {
  scoring::EnterpriseRecords out;
  AddForRating(DecisionForRating{"N-1", "A", ViolationType::kDischargeWithoutPermit,
                                 absl::CivilDay(2025, 3, 1), {Measure::kFine}, true,
                                 PenaltyDecisionState::kInForce},
               &out);
  AddForRating(DecisionForRating{"N-2", "A", ViolationType::kDischargeWithoutPermit,
                                 absl::CivilDay(2025, 4, 1), {Measure::kWarning}, false,
                                 PenaltyDecisionState::kRevoked},
               &out);
  ASSERT_EQ(out.decisions.size(), 2u);
  EXPECT_EQ(out.decisions[0].decision_number, "N-1");
  EXPECT_EQ(out.decisions[0].authority, "A");
  EXPECT_EQ(out.decisions[0].violation_type, ViolationType::kDischargeWithoutPermit);
  EXPECT_EQ(out.decisions[0].decision_date, absl::CivilDay(2025, 3, 1));
  EXPECT_THAT(out.decisions[0].measures, ::testing::ElementsAre(Measure::kFine));
  EXPECT_TRUE(out.decisions[0].tampering);
  EXPECT_FALSE(out.decisions[0].revoked);
  EXPECT_FALSE(out.decisions[1].tampering);
  EXPECT_TRUE(out.decisions[1].revoked);
}

TEST(AddForRatingTest, ACommitmentByItsResourceId) {
  scoring::EnterpriseRecords out;
  AddForRating(CommitmentForRating{12, CommitmentKind::kCreditCommitment,
                                   absl::CivilDay(2025, 1, 5), true},
               &out);
  ASSERT_EQ(out.commitments.size(), 1u);
  EXPECT_EQ(out.commitments[0].reference, "commitments/12");
  EXPECT_EQ(out.commitments[0].kind, CommitmentKind::kCreditCommitment);
  EXPECT_EQ(out.commitments[0].signing_date, absl::CivilDay(2025, 1, 5));
  EXPECT_TRUE(out.commitments[0].is_public);
}

TEST(AddForRatingTest, OnlyABrokenItemWithItsCheckDateCounts) {
  scoring::EnterpriseRecords out;
  AddForRating(CommitmentItemForRating{12, 1, CommitmentItemState::kKept,
                                       absl::CivilDay(2025, 2, 1)},
               &out);
  AddForRating(CommitmentItemForRating{12, 2, CommitmentItemState::kPending, std::nullopt},
               &out);
  AddForRating(CommitmentItemForRating{12, 3, CommitmentItemState::kBroken, std::nullopt},
               &out);
  AddForRating(CommitmentItemForRating{12, 4, CommitmentItemState::kBroken,
                                       absl::CivilDay(2025, 2, 3)},
               &out);
  ASSERT_EQ(out.broken_commitments.size(), 1u);
  EXPECT_EQ(out.broken_commitments[0].reference, "commitments/12 item 4");
  EXPECT_EQ(out.broken_commitments[0].found_broken_date, absl::CivilDay(2025, 2, 3));
  EXPECT_TRUE(out.commitments.empty());
}

TEST(AddForRatingTest, AnIncidentByItsResourceId) {
  scoring::EnterpriseRecords out;
  AddForRating(IncidentForRating{5, absl::CivilDay(2025, 1, 1), IncidentGrade::kLargerOrAbove}, &out);
  ASSERT_EQ(out.incidents.size(), 1u);
  EXPECT_EQ(out.incidents[0].reference, "incidents/5");
  EXPECT_EQ(out.incidents[0].date, absl::CivilDay(2025, 1, 1));
  EXPECT_EQ(out.incidents[0].grade, IncidentGrade::kLargerOrAbove);
}

TEST(ToScoringRecordsTest, GoesThroughAddForRatingInStorageOrder) {
  StoredRecords stored;
  PenaltyDecision d = Decision();
  d.state = PenaltyDecisionState::kRevoked;
  stored.decisions.push_back(d);
  for (int64_t id : {3, 8}) {
    Commitment c;
    c.id = id;
    c.kind = CommitmentKind::kCreditCommitment;
    c.signing_date = absl::CivilDay(2025, 1, 5);
    c.items.push_back({1, "x", absl::CivilDay(2025, 2, 1), CommitmentItemState::kBroken,
                       absl::CivilDay(2025, 2, 2), ""});
    c.items.push_back({2, "y", absl::CivilDay(2025, 2, 1), CommitmentItemState::kBroken,
                       absl::CivilDay(2025, 2, 4), ""});
    stored.commitments.push_back(c);
  }
  Incident i;
  i.id = 6;
  i.date = absl::CivilDay(2025, 1, 1);
  i.grade = IncidentGrade::kGeneral;
  stored.incidents.push_back(i);

  const scoring::EnterpriseRecords out = ToScoringRecords(stored);
  ASSERT_EQ(out.decisions.size(), 1u);
  EXPECT_EQ(out.decisions[0].decision_number, "宁环罚〔2025〕12号");
  EXPECT_TRUE(out.decisions[0].revoked);
  ASSERT_EQ(out.commitments.size(), 2u);
  EXPECT_EQ(out.commitments[1].reference, "commitments/8");
  ASSERT_EQ(out.broken_commitments.size(), 4u);
  EXPECT_EQ(out.broken_commitments[0].reference, "commitments/3 item 1");
  EXPECT_EQ(out.broken_commitments[1].reference, "commitments/3 item 2");
  EXPECT_EQ(out.broken_commitments[2].reference, "commitments/8 item 1");
  EXPECT_EQ(out.broken_commitments[3].reference, "commitments/8 item 2");
  ASSERT_EQ(out.incidents.size(), 1u);
  EXPECT_EQ(out.incidents[0].reference, "incidents/6");
}

}  // namespace
}  // namespace envcredit::domain
