#include "server/domain/list_rules.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"

namespace envcredit::domain {
namespace {

// FAILED_PRECONDITION `reason` about `subject` carrying `violations`.
absl::Status Precondition(absl::string_view reason, absl::string_view subject,
                          const std::vector<PreconditionViolation>& violations) {
  std::vector<std::string> lines;
  lines.reserve(violations.size());
  for (const PreconditionViolation& v : violations) {
    lines.push_back(absl::StrCat(v.type, ": ", v.description));
  }
  return WithPreconditionViolations(
      MakeError(absl::StatusCode::kFailedPrecondition, reason,
                absl::StrCat(subject, ": ", absl::StrJoin(lines, "; "))),
      violations);
}

// One blocker, whose type is the reason too.
absl::Status Precondition(absl::string_view reason, absl::string_view type,
                          const std::string& subject, std::string description) {
  return Precondition(reason, subject, {{std::string(type), subject, std::move(description)}});
}

}  // namespace

absl::Status CheckCanPropose(const std::optional<Publication>& open) {
  if (!open || open->state != PublicationState::kNotice) return absl::OkStatus();
  return Precondition(
      "PUBLICATION_IN_PROGRESS", "PUBLICATION_IN_PROGRESS",
      PublicationName(open->list, open->id),
      "a publication of this list is in its notice period; publish it first");
}

absl::StatusOr<ListStep> CheckStartNotice(const Publication& publication) {
  if (publication.state == PublicationState::kNotice) return ListStep::kAlreadyDone;
  if (publication.state != PublicationState::kDraft) {
    return Precondition("PUBLICATION_NOT_DRAFT", "NOT_DRAFT",
                        PublicationName(publication.list, publication.id),
                        "only a DRAFT can start its notice period");
  }
  return ListStep::kApply;
}

absl::CivilDay NoticeEnd(absl::CivilDay start, const scoring::Policy& policy) {
  return start + (std::max(policy.list_notice_days, 1) - 1);
}

absl::Status CheckCanFileObjection(const Publication& publication,
                                   absl::string_view credit_code, bool listed,
                                   absl::CivilDay today) {
  const std::string name = PublicationName(publication.list, publication.id);
  if (publication.state != PublicationState::kNotice) {
    return Precondition("PUBLICATION_NOT_IN_NOTICE", "NOT_IN_NOTICE", name,
                        "objections are filed only during the notice period");
  }
  if (publication.notice_end && today > *publication.notice_end) {
    return Precondition("NOTICE_PERIOD_OVER", "NOTICE_PERIOD_OVER", name,
                        absl::StrCat("the notice period ended on ",
                                     absl::FormatCivilTime(*publication.notice_end)));
  }
  if (!listed) {
    return MakeError(absl::StatusCode::kNotFound, "ENTRY_NOT_FOUND",
                     absl::StrCat(credit_code, " is not on ", name),
                     "objection.credit_code");
  }
  return absl::OkStatus();
}

absl::Status CheckCanDecideObjection(const Publication& publication,
                                     const Objection& objection) {
  if (objection.state != ObjectionState::kPending) {
    return Precondition(
        "OBJECTION_ALREADY_DECIDED", "ALREADY_DECIDED",
        ObjectionName(objection.list, objection.publication_id, objection.id),
        "the objection was decided already");
  }
  if (publication.state != PublicationState::kNotice) {
    return Precondition("PUBLICATION_NOT_IN_NOTICE", "NOT_IN_NOTICE",
                        PublicationName(publication.list, publication.id),
                        "objections are decided while the publication is in notice");
  }
  return absl::OkStatus();
}

Removal UpheldObjectionRemoval(const ListEntry& entry,
                               absl::string_view decision_reason) {
  return Removal{entry.enterprise_id, entry.credit_code, entry.enterprise_name,
                 RemovalReason::kObjectionUpheld,
                 absl::StrCat("objection upheld: ", decision_reason)};
}

absl::StatusOr<ListStep> CheckPublish(const Publication& publication,
                                      int64_t pending_objections,
                                      absl::CivilDay today) {
  if (publication.state == PublicationState::kPublished) return ListStep::kAlreadyDone;
  const std::string name = PublicationName(publication.list, publication.id);
  std::vector<PreconditionViolation> blockers;
  if (publication.state != PublicationState::kNotice) {
    blockers.push_back({"NOT_IN_NOTICE", name,
                        "a publication is published after its notice period "
                        "(StartNotice first)"});
  } else if (publication.notice_end && today <= *publication.notice_end) {
    blockers.push_back({"NOTICE_NOT_ENDED", name,
                        absl::StrCat("the notice period lasts until ",
                                     absl::FormatCivilTime(*publication.notice_end), " inclusive")});
  }
  if (pending_objections > 0) {
    blockers.push_back({"OBJECTIONS_PENDING", name,
                        absl::StrCat(pending_objections, " objection(s) not decided yet")});
  }
  if (!blockers.empty()) return Precondition("PUBLICATION_BLOCKED", name, blockers);
  return ListStep::kApply;
}

void ChainAfter(const std::optional<Publication>& previous,
                Publication* publication) {
  publication->number = previous ? previous->number + 1 : 1;
  publication->previous_id = previous ? previous->id : 0;
  publication->previous_content_sha256 = previous ? previous->content_sha256 : "";
}

std::vector<ListChange> PublicationChanges(
    const Publication& publication,
    const absl::flat_hash_set<std::string>& previously_listed) {
  const std::string name = PublicationName(publication.list, publication.id);
  const int list = static_cast<int>(publication.list);
  std::vector<ListChange> changes;
  for (const ListEntry& e : publication.entries) {
    if (e.change != EntryChange::kAdded) continue;
    changes.push_back({0, list, e.credit_code, ListChangeKind::kAdded, name,
                       absl::StrCat("listed in publication ", publication.number),
                       publication.as_of, {}});
  }
  for (const Removal& r : publication.removals) {
    if (!previously_listed.contains(r.credit_code)) continue;
    changes.push_back({0, list, r.credit_code, ListChangeKind::kRemoved, name,
                       absl::StrCat(RemovalReasonName(r.reason), ": ", r.detail),
                       publication.as_of, {}});
  }
  return changes;
}

bool IsPublic(PublicationState state) {
  return state == PublicationState::kNotice || state == PublicationState::kPublished;
}

absl::Status PublicationNotFound(ListKind list, int64_t id) {
  return MakeError(absl::StatusCode::kNotFound, "PUBLICATION_NOT_FOUND",
                   absl::StrCat(PublicationName(list, id), " does not exist"));
}

absl::Status NotOnPublishedBlackList(absl::string_view credit_code) {
  return MakeError(absl::StatusCode::kNotFound, "ENTRY_NOT_FOUND",
                   absl::StrCat(credit_code, " is not on the published black list"),
                   "entry");
}

absl::Status NotOnCurrentList(ListKind list, absl::string_view credit_code) {
  return MakeError(absl::StatusCode::kNotFound, "ENTRY_NOT_FOUND",
                   absl::StrCat(ListEntryName(list, credit_code),
                                ": not on the published ", ListSlug(list), " list"),
                   "name");
}

absl::Status CheckCanRepair(const ListEntry& entry, bool granted,
                            const RepairEvidence& evidence,
                            const scoring::EnterpriseRecords& records,
                            absl::CivilDay today) {
  const std::string name = ListEntryName(ListKind::kBlackList, entry.credit_code);
  if (granted) {
    return Precondition("REPAIR_ALREADY_GRANTED", "ALREADY_GRANTED", name,
                        "a repair was granted for this listing already");
  }
  const std::vector<RepairProblem> problems =
      RepairProblems(entry, evidence, records, today);
  if (problems.empty()) return absl::OkStatus();
  std::vector<PreconditionViolation> violations;
  violations.reserve(problems.size());
  for (const RepairProblem& p : problems) {
    violations.push_back({p.type, name, p.description});
  }
  return Precondition("REPAIR_CONDITIONS_UNMET", name, violations);
}

ListChange RepairChange(absl::string_view credit_code, absl::CivilDay today) {
  return ListChange{0,
                    static_cast<int>(ListKind::kBlackList),
                    std::string(credit_code),
                    ListChangeKind::kRepaired,
                    "",
                    "credit repair granted; the entry leaves the next publication",
                    today,
                    {}};
}

}  // namespace envcredit::domain
