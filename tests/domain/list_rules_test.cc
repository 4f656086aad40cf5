// The list state machine (server/domain/list_rules.h), no database: each
// precondition of doc/lists.md "The workflow" and "Expiry and credit
// repair", with the reasons, violation types, subjects and messages clients
// read. Dates are worked out by hand from the doc (notice of 15 days
// inclusive; repair from the earliest repair date on).
#include "server/domain/list_rules.h"

#include <optional>
#include <string>
#include <vector>

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace envcredit::domain {
namespace {

using ::envcredit::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;

constexpr char kBlack7[] = "lists/black/publications/7";

Publication Pub(PublicationState state, ListKind list = ListKind::kBlackList,
                int64_t id = 7) {
  Publication p;
  p.id = id;
  p.list = list;
  p.state = state;
  return p;
}

// In NOTICE from 2025-03-03 to 2025-03-17 (15 days inclusive).
Publication InNotice() {
  Publication p = Pub(PublicationState::kNotice);
  p.notice_start = absl::CivilDay(2025, 3, 3);
  p.notice_end = absl::CivilDay(2025, 3, 17);
  return p;
}

std::vector<std::string> TypesOf(const absl::Status& status) {
  std::vector<std::string> types;
  for (const PreconditionViolation& v : PreconditionViolationsOf(status)) {
    types.push_back(v.type);
  }
  return types;
}

// ---------------------------------------------------------------- propose

TEST(ProposeTest, NoOpenPublicationOrADraftMayBeProposedOver) {
  EXPECT_OK(CheckCanPropose(std::nullopt));
  EXPECT_OK(CheckCanPropose(Pub(PublicationState::kDraft)));
}

TEST(ProposeTest, APublicationInNoticeBlocks) {
  const absl::Status status = CheckCanPropose(InNotice());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                               "PUBLICATION_IN_PROGRESS"));
  EXPECT_THAT(PreconditionViolationsOf(status),
              ElementsAre(AllOf(Field(&PreconditionViolation::type, "PUBLICATION_IN_PROGRESS"),
                                Field(&PreconditionViolation::subject, kBlack7))));
  EXPECT_EQ(status.message(),
            "lists/black/publications/7: PUBLICATION_IN_PROGRESS: a publication of "
            "this list is in its notice period; publish it first");
}

// ----------------------------------------------------------------- notice

TEST(StartNoticeTest, ADraftStartsItsNotice) {
  ASSERT_OK_AND_ASSIGN(ListStep step, CheckStartNotice(Pub(PublicationState::kDraft)));
  EXPECT_EQ(step, ListStep::kApply);
}

TEST(StartNoticeTest, APublicationInNoticeIsLeftAsItIs) {
  ASSERT_OK_AND_ASSIGN(ListStep step, CheckStartNotice(InNotice()));
  EXPECT_EQ(step, ListStep::kAlreadyDone);
}

TEST(StartNoticeTest, OnlyADraftCanStartItsNotice) {
  for (PublicationState state : {PublicationState::kPublished, PublicationState::kSuperseded}) {
    const absl::StatusOr<ListStep> step = CheckStartNotice(Pub(state));
    EXPECT_THAT(step, StatusIs(absl::StatusCode::kFailedPrecondition, "PUBLICATION_NOT_DRAFT"));
    EXPECT_THAT(TypesOf(step.status()), ElementsAre("NOT_DRAFT"));
    EXPECT_EQ(step.status().message(),
              "lists/black/publications/7: NOT_DRAFT: only a DRAFT can start its "
              "notice period");
  }
}

TEST(NoticeEndTest, FifteenDaysInclusive) {
  scoring::Policy policy;
  policy.list_notice_days = 15;
  EXPECT_EQ(NoticeEnd(absl::CivilDay(2025, 3, 3), policy), absl::CivilDay(2025, 3, 17));
  // Across a month end: 2025-02-20 + 14 days.
  EXPECT_EQ(NoticeEnd(absl::CivilDay(2025, 2, 20), policy), absl::CivilDay(2025, 3, 6));
}

TEST(NoticeEndTest, AtLeastOneDay) {
  scoring::Policy policy;
  policy.list_notice_days = 0;
  EXPECT_EQ(NoticeEnd(absl::CivilDay(2025, 3, 3), policy), absl::CivilDay(2025, 3, 3));
  policy.list_notice_days = 1;
  EXPECT_EQ(NoticeEnd(absl::CivilDay(2025, 3, 3), policy), absl::CivilDay(2025, 3, 3));
}

// ------------------------------------------------------------- objections

TEST(FileObjectionTest, OnTheLastDayOfTheNoticeForAListedEnterprise) {
  EXPECT_OK(CheckCanFileObjection(InNotice(), "91320100MA1N2B3C8C", true,
                                  absl::CivilDay(2025, 3, 17)));
  EXPECT_OK(CheckCanFileObjection(InNotice(), "91320100MA1N2B3C8C", true,
                                  absl::CivilDay(2025, 3, 3)));
}

TEST(FileObjectionTest, OnlyInNotice) {
  for (PublicationState state : {PublicationState::kDraft, PublicationState::kPublished,
                                 PublicationState::kSuperseded}) {
    // Not listed either: the state is reported first.
    const absl::Status status = CheckCanFileObjection(
        Pub(state), "91320100MA1N2B3C8C", false, absl::CivilDay(2025, 3, 5));
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 "PUBLICATION_NOT_IN_NOTICE"));
    EXPECT_THAT(TypesOf(status), ElementsAre("NOT_IN_NOTICE"));
    EXPECT_EQ(status.message(),
              "lists/black/publications/7: NOT_IN_NOTICE: objections are filed only "
              "during the notice period");
  }
}

TEST(FileObjectionTest, NotAfterTheLastDay) {
  const absl::Status status = CheckCanFileObjection(InNotice(), "91320100MA1N2B3C8C", true,
                                                    absl::CivilDay(2025, 3, 18));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "NOTICE_PERIOD_OVER"));
  EXPECT_THAT(PreconditionViolationsOf(status),
              ElementsAre(AllOf(Field(&PreconditionViolation::type, "NOTICE_PERIOD_OVER"),
                                Field(&PreconditionViolation::subject, kBlack7))));
  EXPECT_EQ(status.message(),
            "lists/black/publications/7: NOTICE_PERIOD_OVER: the notice period ended "
            "on 2025-03-17");
}

TEST(FileObjectionTest, OnlyForAnEnterpriseOnTheProposal) {
  const absl::Status status = CheckCanFileObjection(InNotice(), "91320100MA1N2B3C8C", false,
                                                    absl::CivilDay(2025, 3, 5));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound, "ENTRY_NOT_FOUND"));
  EXPECT_EQ(ErrorField(status), "objection.credit_code");
  EXPECT_EQ(status.message(), "91320100MA1N2B3C8C is not on lists/black/publications/7");
}

Objection PendingObjection() {
  Objection o;
  o.id = 3;
  o.publication_id = 7;
  o.list = ListKind::kBlackList;
  o.state = ObjectionState::kPending;
  return o;
}

TEST(DecideObjectionTest, APendingObjectionInNotice) {
  EXPECT_OK(CheckCanDecideObjection(InNotice(), PendingObjection()));
}

TEST(DecideObjectionTest, OnlyOnce) {
  for (ObjectionState state : {ObjectionState::kUpheld, ObjectionState::kRejected}) {
    Objection o = PendingObjection();
    o.state = state;
    // Not in notice either: the objection is reported first.
    const absl::Status status = CheckCanDecideObjection(Pub(PublicationState::kPublished), o);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                                 "OBJECTION_ALREADY_DECIDED"));
    EXPECT_THAT(PreconditionViolationsOf(status),
                ElementsAre(AllOf(Field(&PreconditionViolation::type, "ALREADY_DECIDED"),
                                  Field(&PreconditionViolation::subject,
                                        "lists/black/publications/7/objections/3"))));
    EXPECT_EQ(status.message(),
              "lists/black/publications/7/objections/3: ALREADY_DECIDED: the objection "
              "was decided already");
  }
}

TEST(DecideObjectionTest, OnlyWhileThePublicationIsInNotice) {
  const absl::Status status =
      CheckCanDecideObjection(Pub(PublicationState::kPublished), PendingObjection());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition,
                               "PUBLICATION_NOT_IN_NOTICE"));
  EXPECT_THAT(PreconditionViolationsOf(status),
              ElementsAre(AllOf(Field(&PreconditionViolation::type, "NOT_IN_NOTICE"),
                                Field(&PreconditionViolation::subject, kBlack7))));
  EXPECT_EQ(status.message(),
            "lists/black/publications/7: NOT_IN_NOTICE: objections are decided while the "
            "publication is in notice");
}

TEST(DecideObjectionTest, UpheldTakesTheEntryOutWithTheReason) {
  ListEntry e;
  e.enterprise_id = 11;
  e.credit_code = "91320100MA1N2B3C8C";
  e.enterprise_name = "（虚构）南京示例化工有限公司";
  const Removal r = UpheldObjectionRemoval(e, "decision revoked on review");
  EXPECT_EQ(r.enterprise_id, 11);
  EXPECT_EQ(r.credit_code, "91320100MA1N2B3C8C");
  EXPECT_EQ(r.enterprise_name, "（虚构）南京示例化工有限公司");
  EXPECT_EQ(r.reason, RemovalReason::kObjectionUpheld);
  EXPECT_EQ(r.detail, "objection upheld: decision revoked on review");
}

// ---------------------------------------------------------------- publish

TEST(PublishTest, AfterTheNoticeWithEveryObjectionDecided) {
  ASSERT_OK_AND_ASSIGN(ListStep step, CheckPublish(InNotice(), 0, absl::CivilDay(2025, 3, 18)));
  EXPECT_EQ(step, ListStep::kApply);
}

TEST(PublishTest, APublishedPublicationIsLeftAsItIs) {
  ASSERT_OK_AND_ASSIGN(ListStep step, CheckPublish(Pub(PublicationState::kPublished), 0,
                                                   absl::CivilDay(2025, 3, 18)));
  EXPECT_EQ(step, ListStep::kAlreadyDone);
}

TEST(PublishTest, NotBeforeTheNotice) {
  for (PublicationState state : {PublicationState::kDraft, PublicationState::kSuperseded}) {
    const absl::StatusOr<ListStep> step =
        CheckPublish(Pub(state), 0, absl::CivilDay(2025, 3, 18));
    EXPECT_THAT(step, StatusIs(absl::StatusCode::kFailedPrecondition, "PUBLICATION_BLOCKED"));
    EXPECT_THAT(TypesOf(step.status()), ElementsAre("NOT_IN_NOTICE"));
    EXPECT_EQ(step.status().message(),
              "lists/black/publications/7: NOT_IN_NOTICE: a publication is published "
              "after its notice period (StartNotice first)");
  }
}

TEST(PublishTest, NotOnTheLastDayOfTheNotice) {
  const absl::StatusOr<ListStep> step = CheckPublish(InNotice(), 0, absl::CivilDay(2025, 3, 17));
  EXPECT_THAT(step, StatusIs(absl::StatusCode::kFailedPrecondition, "PUBLICATION_BLOCKED"));
  EXPECT_THAT(TypesOf(step.status()), ElementsAre("NOTICE_NOT_ENDED"));
  EXPECT_EQ(step.status().message(),
            "lists/black/publications/7: NOTICE_NOT_ENDED: the notice period lasts until "
            "2025-03-17 inclusive");
}

TEST(PublishTest, NotWithObjectionsPending) {
  const absl::StatusOr<ListStep> step = CheckPublish(InNotice(), 2, absl::CivilDay(2025, 3, 20));
  EXPECT_THAT(step, StatusIs(absl::StatusCode::kFailedPrecondition, "PUBLICATION_BLOCKED"));
  EXPECT_THAT(TypesOf(step.status()), ElementsAre("OBJECTIONS_PENDING"));
  EXPECT_EQ(step.status().message(),
            "lists/black/publications/7: OBJECTIONS_PENDING: 2 objection(s) not decided yet");
}

TEST(PublishTest, NamesEveryBlocker) {
  Publication p = InNotice();
  p.list = ListKind::kHonorList;
  p.id = 4;
  const absl::StatusOr<ListStep> step = CheckPublish(p, 1, absl::CivilDay(2025, 3, 10));
  EXPECT_THAT(step, StatusIs(absl::StatusCode::kFailedPrecondition, "PUBLICATION_BLOCKED"));
  EXPECT_THAT(PreconditionViolationsOf(step.status()),
              ElementsAre(AllOf(Field(&PreconditionViolation::type, "NOTICE_NOT_ENDED"),
                                Field(&PreconditionViolation::subject,
                                      "lists/honor/publications/4")),
                          AllOf(Field(&PreconditionViolation::type, "OBJECTIONS_PENDING"),
                                Field(&PreconditionViolation::subject,
                                      "lists/honor/publications/4"))));
  EXPECT_EQ(step.status().message(),
            "lists/honor/publications/4: NOTICE_NOT_ENDED: the notice period lasts until "
            "2025-03-17 inclusive; OBJECTIONS_PENDING: 1 objection(s) not decided yet");
}

TEST(ChainTest, TheFirstPublicationIsNumberOne) {
  Publication p = InNotice();
  ChainAfter(std::nullopt, &p);
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(p.previous_id, 0);
  EXPECT_EQ(p.previous_content_sha256, "");
}

TEST(ChainTest, ALaterOneLinksToThePrevious) {
  Publication previous = Pub(PublicationState::kPublished, ListKind::kBlackList, 5);
  previous.number = 4;
  previous.content_sha256 = std::string(64, 'a');
  Publication p = InNotice();
  ChainAfter(previous, &p);
  EXPECT_EQ(p.number, 5);
  EXPECT_EQ(p.previous_id, 5);
  EXPECT_EQ(p.previous_content_sha256, std::string(64, 'a'));
}

TEST(PublicationChangesTest, AddedEntriesAndRemovalsOfPreviouslyListedOnes) {
  Publication p = InNotice();
  p.number = 5;
  p.as_of = absl::CivilDay(2025, 3, 1);
  ListEntry added;
  added.credit_code = "A";
  added.change = EntryChange::kAdded;
  ListEntry kept;
  kept.credit_code = "B";
  kept.change = EntryChange::kUnchanged;
  p.entries = {added, kept};
  p.removals = {
      Removal{1, "C", "c", RemovalReason::kExpired, "listing period ended on 2025-02-01"},
      // Taken out of this proposal by an upheld objection, never published.
      Removal{2, "D", "d", RemovalReason::kObjectionUpheld, "objection upheld: x"},
  };
  const std::vector<ListChange> changes = PublicationChanges(p, {"B", "C"});
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].credit_code, "A");
  EXPECT_EQ(changes[0].kind, ListChangeKind::kAdded);
  EXPECT_EQ(changes[0].list, 2);
  EXPECT_EQ(changes[0].publication, kBlack7);
  EXPECT_EQ(changes[0].reason, "listed in publication 5");
  EXPECT_EQ(changes[0].effective_date, absl::CivilDay(2025, 3, 1));
  EXPECT_EQ(changes[1].credit_code, "C");
  EXPECT_EQ(changes[1].kind, ListChangeKind::kRemoved);
  EXPECT_EQ(changes[1].reason, "EXPIRED: listing period ended on 2025-02-01");
  EXPECT_EQ(changes[1].effective_date, absl::CivilDay(2025, 3, 1));
}

// ----------------------------------------------------------------- repair

// Listed on 2024-03-01 for a decision of 2024-02-10; repair from 2025-03-01
// (12 months), expiry 2027-03-01 (36 months).
ListEntry Listed() {
  ListEntry e;
  e.enterprise_id = 11;
  e.credit_code = "91320100MA1N2B3C8C";
  e.listing_date = absl::CivilDay(2024, 3, 1);
  e.earliest_repair_date = absl::CivilDay(2025, 3, 1);
  e.expiry_date = absl::CivilDay(2027, 3, 1);
  ListReason reason;
  reason.kind = "penalty_decision";
  reason.date = absl::CivilDay(2024, 2, 10);
  e.reasons = {reason};
  return e;
}

RepairEvidence Evidence() {
  RepairEvidence evidence;
  evidence.rectification_date = absl::CivilDay(2025, 1, 10);
  evidence.penalty_performed = true;
  return evidence;
}

scoring::EnterpriseRecords Committed(bool is_public = true,
                                     absl::CivilDay signed_on = absl::CivilDay(2025, 1, 5)) {
  scoring::EnterpriseRecords records;
  records.commitments.push_back(scoring::Commitment{
      "commitments/1", scoring::CommitmentKind::kCreditCommitment, signed_on, is_public});
  return records;
}

constexpr char kEntry[] = "lists/black/entries/91320100MA1N2B3C8C";

TEST(RepairTest, GrantedWhenEveryConditionHolds) {
  EXPECT_OK(CheckCanRepair(Listed(), false, Evidence(), Committed(), absl::CivilDay(2025, 3, 1)));
}

TEST(RepairTest, OnceAListing) {
  const absl::Status status =
      CheckCanRepair(Listed(), true, Evidence(), Committed(), absl::CivilDay(2025, 3, 1));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "REPAIR_ALREADY_GRANTED"));
  EXPECT_THAT(PreconditionViolationsOf(status),
              ElementsAre(AllOf(Field(&PreconditionViolation::type, "ALREADY_GRANTED"),
                                Field(&PreconditionViolation::subject, kEntry))));
  EXPECT_EQ(status.message(),
            "lists/black/entries/91320100MA1N2B3C8C: ALREADY_GRANTED: a repair was "
            "granted for this listing already");
}

TEST(RepairTest, NotBeforeTheEarliestRepairDate) {
  const absl::Status status =
      CheckCanRepair(Listed(), false, Evidence(), Committed(), absl::CivilDay(2025, 2, 28));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "REPAIR_CONDITIONS_UNMET"));
  EXPECT_THAT(PreconditionViolationsOf(status),
              ElementsAre(AllOf(Field(&PreconditionViolation::type, "REPAIR_TOO_EARLY"),
                                Field(&PreconditionViolation::subject, kEntry))));
  EXPECT_EQ(status.message(),
            "lists/black/entries/91320100MA1N2B3C8C: REPAIR_TOO_EARLY: repair may be asked "
            "for from 2025-03-01 (the minimum listing period)");
}

TEST(RepairTest, RectifiedAfterTheLatestReasonAndNotInTheFuture) {
  const absl::CivilDay today(2025, 3, 1);
  RepairEvidence evidence = Evidence();
  // The latest reason is the listing date (2024-03-01, after the decision).
  evidence.rectification_date = absl::CivilDay(2024, 2, 20);
  absl::Status status = CheckCanRepair(Listed(), false, evidence, Committed(), today);
  EXPECT_THAT(TypesOf(status), ElementsAre("NOT_RECTIFIED"));
  EXPECT_EQ(PreconditionViolationsOf(status)[0].description,
            "rectified on 2024-02-20, before the latest reason of 2024-03-01");
  evidence.rectification_date = absl::CivilDay(2025, 3, 2);
  status = CheckCanRepair(Listed(), false, evidence, Committed(), today);
  EXPECT_THAT(TypesOf(status), ElementsAre("NOT_RECTIFIED"));
  EXPECT_EQ(PreconditionViolationsOf(status)[0].description,
            "the rectification date is in the future");
  evidence.rectification_date = absl::CivilDay(2024, 3, 1);  // the same day counts
  EXPECT_OK(CheckCanRepair(Listed(), false, evidence, Committed(), today));
}

TEST(RepairTest, NeedsAPublicCreditCommitmentSignedByToday) {
  const absl::CivilDay today(2025, 3, 1);
  for (const scoring::EnterpriseRecords& records :
       {scoring::EnterpriseRecords(), Committed(false),
        Committed(true, absl::CivilDay(2025, 3, 2))}) {
    const absl::Status status = CheckCanRepair(Listed(), false, Evidence(), records, today);
    EXPECT_THAT(status,
                StatusIs(absl::StatusCode::kFailedPrecondition, "REPAIR_CONDITIONS_UNMET"));
    EXPECT_THAT(TypesOf(status), ElementsAre("NO_CREDIT_COMMITMENT"));
  }
}

TEST(RepairTest, ListsEveryUnmetCondition) {
  const absl::Status status = CheckCanRepair(Listed(), false, RepairEvidence(),
                                             scoring::EnterpriseRecords(),
                                             absl::CivilDay(2025, 1, 1));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, "REPAIR_CONDITIONS_UNMET"));
  EXPECT_THAT(TypesOf(status), ElementsAre("REPAIR_TOO_EARLY", "NOT_RECTIFIED",
                                           "PENALTY_NOT_PERFORMED", "NO_CREDIT_COMMITMENT"));
  for (const PreconditionViolation& v : PreconditionViolationsOf(status)) {
    EXPECT_EQ(v.subject, kEntry);
  }
}

TEST(RepairTest, AnEntryNotOnTheBlackList) {
  const absl::Status status = NotOnPublishedBlackList("91320100MA1N2B3C8C");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound, "ENTRY_NOT_FOUND"));
  EXPECT_EQ(ErrorField(status), "entry");
  EXPECT_EQ(status.message(), "91320100MA1N2B3C8C is not on the published black list");
}

TEST(RepairTest, AGrantIsAFeedEvent) {
  const ListChange c = RepairChange("91320100MA1N2B3C8C", absl::CivilDay(2025, 3, 1));
  EXPECT_EQ(c.list, 2);
  EXPECT_EQ(c.credit_code, "91320100MA1N2B3C8C");
  EXPECT_EQ(c.kind, ListChangeKind::kRepaired);
  EXPECT_EQ(c.publication, "");
  EXPECT_EQ(c.reason, "credit repair granted; the entry leaves the next publication");
  EXPECT_EQ(c.effective_date, absl::CivilDay(2025, 3, 1));
}

TEST(NamesTest, ObjectionAndEntryNames) {
  EXPECT_EQ(ObjectionName(ListKind::kHonorList, 4, 9), "lists/honor/publications/4/objections/9");
  EXPECT_EQ(ListEntryName(ListKind::kBlackList, "X"), "lists/black/entries/X");
}

}  // namespace
}  // namespace envcredit::domain
