#include "server/domain/lists.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace envcredit::domain {
namespace {

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }
std::string Day(const std::optional<absl::CivilDay>& day) {
  return day ? absl::FormatCivilTime(*day) : "-";
}
std::string Str(std::string_view s) { return std::string(s); }

absl::string_view ChangeName(EntryChange change) {
  switch (change) {
    case EntryChange::kAdded: return "ADDED";
    case EntryChange::kUnchanged: return "UNCHANGED";
    case EntryChange::kUnspecified: break;
  }
  return "UNSPECIFIED";
}

}  // namespace

absl::string_view ListSlug(ListKind list) {
  switch (list) {
    case ListKind::kHonorList: return "honor";
    case ListKind::kBlackList: return "black";
    case ListKind::kUnspecified: break;
  }
  return "";
}

ListKind ListKindOfSlug(absl::string_view slug) {
  if (slug == "honor") return ListKind::kHonorList;
  if (slug == "black") return ListKind::kBlackList;
  return ListKind::kUnspecified;
}

std::string PublicationName(ListKind list, int64_t id) {
  return absl::StrCat("lists/", ListSlug(list), "/publications/", id);
}

std::string ObjectionName(ListKind list, int64_t publication_id, int64_t id) {
  return absl::StrCat(PublicationName(list, publication_id), "/objections/", id);
}

std::string ListEntryName(ListKind list, absl::string_view credit_code) {
  return absl::StrCat("lists/", ListSlug(list), "/entries/", credit_code);
}

std::string RepairName(absl::string_view credit_code, int64_t id) {
  return absl::StrCat(ListEntryName(ListKind::kBlackList, credit_code), "/repairs/", id);
}

absl::Status ValidateObjectionEvidence(const std::vector<std::string>& evidence,
                                       absl::string_view field) {
  if (static_cast<int>(evidence.size()) > kMaxObjectionEvidence) {
    return InvalidArgument(field, "TOO_MANY_ITEMS",
                           absl::StrCat(field, ": at most ", kMaxObjectionEvidence,
                                        " references"));
  }
  for (size_t i = 0; i < evidence.size(); ++i) {
    // CheckText refuses control characters, line breaks among them: the
    // references are stored one per line.
    RETURN_IF_ERROR(CheckNameText(absl::StrCat(field, "[", i, "]"), evidence[i], 1,
                                  kMaxEvidenceChars));
  }
  return absl::OkStatus();
}

absl::string_view RemovalReasonName(RemovalReason reason) {
  switch (reason) {
    case RemovalReason::kExpired: return "EXPIRED";
    case RemovalReason::kRepaired: return "REPAIRED";
    case RemovalReason::kNoLongerMeets: return "NO_LONGER_MEETS";
    case RemovalReason::kObjectionUpheld: return "OBJECTION_UPHELD";
    case RemovalReason::kUnspecified: break;
  }
  return "UNSPECIFIED";
}

absl::Status JudgeCandidate(ListCandidate* candidate, absl::CivilDay as_of) {
  if (candidate->policy == nullptr) return absl::InternalError("a list candidate without a policy");
  absl::StatusOr<scoring::ListCheck> check =
      scoring::CheckLists(candidate->records, as_of, *candidate->policy);
  if (!check.ok()) return check.status();
  candidate->check = *std::move(check);
  return absl::OkStatus();
}

std::vector<ListReason> ReasonsOf(const scoring::Rating& rating,
                                  const scoring::EnterpriseRecords& records) {
  std::vector<ListReason> reasons;
  for (const scoring::CountingRecord& r : rating.explanation.records) {
    ListReason reason;
    reason.reference = r.reference;
    reason.date = r.date;
    reason.points = r.points;
    switch (r.kind) {
      case scoring::RecordKind::kPenaltyDecision: {
        reason.kind = "penalty_decision";
        if (r.index >= 0 && r.index < static_cast<int>(records.decisions.size())) {
          const scoring::PenaltyDecision& d = records.decisions[r.index];
          reason.authority = d.authority;
          std::vector<std::string> measures;
          for (scoring::Measure m : d.measures) measures.push_back(Str(scoring::MeasureName(m)));
          reason.description = absl::StrCat(Str(scoring::ViolationTypeName(d.violation_type)),
                                            ": ", absl::StrJoin(measures, ", "),
                                            d.tampering ? ", TAMPERING" : "");
        }
        break;
      }
      case scoring::RecordKind::kBrokenCommitment:
        reason.kind = "broken_commitment";
        reason.description = "broken commitment item (违诺)";
        break;
      case scoring::RecordKind::kIncident:
        reason.kind = "incident";
        reason.description = "environmental incident (突发环境事件)";
        break;
      case scoring::RecordKind::kUnspecified:
        continue;
    }
    reasons.push_back(std::move(reason));
  }
  return reasons;
}

bool KeepsBlackEntry(const ListEntry& previous, absl::CivilDay as_of, bool repaired) {
  const bool expired = previous.expiry_date && as_of >= *previous.expiry_date;
  return !expired && !repaired;
}

Proposal BuildProposal(ListKind list, absl::CivilDay as_of,
                       const std::vector<ListEntry>& previous,
                       const std::vector<ListCandidate>& examined,
                       const std::vector<int64_t>& repaired) {
  absl::flat_hash_map<int64_t, const ListEntry*> listed;
  for (const ListEntry& e : previous) listed[e.enterprise_id] = &e;
  absl::flat_hash_map<int64_t, const ListCandidate*> rated;
  for (const ListCandidate& c : examined) rated[c.enterprise_id] = &c;
  const absl::flat_hash_set<int64_t> repaired_ids(repaired.begin(), repaired.end());

  auto meets = [list](const ListCandidate& c) {
    return list == ListKind::kBlackList ? c.check.black_list : c.check.honor_list;
  };
  auto new_entry = [&](const ListCandidate& c) {
    ListEntry e;
    e.enterprise_id = c.enterprise_id;
    e.credit_code = c.credit_code;
    e.enterprise_name = c.enterprise_name;
    e.legal_representative = c.legal_representative;
    e.region_code = c.region_code;
    e.level = c.check.rating.level;
    e.points = c.check.rating.points;
    e.listing_date = as_of;
    e.change = EntryChange::kAdded;
    if (list == ListKind::kBlackList) {
      e.reasons = ReasonsOf(c.check.rating, c.records);
      if (c.policy != nullptr) {
        if (auto period = scoring::BlackListPeriodFor(as_of, *c.policy)) {
          e.earliest_repair_date = period->earliest_repair_date;
          e.expiry_date = period->expiry_date;
        }
      }
    }
    return e;
  };
  auto removal = [](const ListEntry& e, RemovalReason reason, std::string detail) {
    return Removal{e.enterprise_id, e.credit_code, e.enterprise_name, reason,
                   std::move(detail)};
  };

  Proposal out;
  absl::flat_hash_set<int64_t> done;
  for (const ListEntry& old : previous) {
    done.insert(old.enterprise_id);
    auto it = rated.find(old.enterprise_id);
    const ListCandidate* c = it == rated.end() ? nullptr : it->second;
    if (list == ListKind::kBlackList) {
      const bool was_repaired = repaired_ids.contains(old.enterprise_id);
      if (KeepsBlackEntry(old, as_of, was_repaired)) {
        ListEntry kept = old;
        kept.change = EntryChange::kUnchanged;
        kept.notice_text.clear();
        if (c != nullptr) {  // the current rating, the same period
          kept.level = c->check.rating.level;
          kept.points = c->check.rating.points;
          kept.enterprise_name = c->enterprise_name;
          kept.legal_representative = c->legal_representative;
        }
        out.entries.push_back(std::move(kept));
        continue;
      }
      if (c != nullptr && meets(*c)) {
        // Its period ended, but it is BLACK again: a new listing period.
        out.entries.push_back(new_entry(*c));
        continue;
      }
      out.removals.push_back(
          was_repaired
              ? removal(old, RemovalReason::kRepaired, "credit repair granted")
              : removal(old, RemovalReason::kExpired,
                        absl::StrCat("listing period ended on ", Day(old.expiry_date))));
      continue;
    }
    // Honour list.
    if (c != nullptr && meets(*c)) {
      ListEntry kept = new_entry(*c);
      kept.listing_date = old.listing_date;
      kept.change = EntryChange::kUnchanged;
      out.entries.push_back(std::move(kept));
    } else {
      out.removals.push_back(removal(
          old, RemovalReason::kNoLongerMeets,
          c == nullptr ? "enterprise no longer rated"
                       : absl::StrCat("rated ", Str(scoring::LevelName(c->check.rating.level)),
                                      " or not clean for the period on ", Day(as_of))));
    }
  }
  for (const ListCandidate& c : examined) {
    if (done.contains(c.enterprise_id) || !meets(c)) continue;
    done.insert(c.enterprise_id);
    out.entries.push_back(new_entry(c));
  }
  std::sort(out.entries.begin(), out.entries.end(),
            [](const ListEntry& a, const ListEntry& b) { return a.credit_code < b.credit_code; });
  std::sort(out.removals.begin(), out.removals.end(),
            [](const Removal& a, const Removal& b) { return a.credit_code < b.credit_code; });
  for (const ListEntry& e : out.entries) {
    (e.change == EntryChange::kAdded ? out.added : out.unchanged)++;
  }
  return out;
}

std::string NoticeText(const ListEntry& entry, const scoring::Policy& policy,
                       absl::CivilDay notice_end) {
  std::string text = absl::StrCat(
      "环境信用评价结果告知书 / Notice of environmental credit listing\n",
      "企业 Enterprise: ", entry.enterprise_name, " (", entry.credit_code, ")\n",
      "法定代表人 Legal representative: ", entry.legal_representative, "\n",
      "拟列入 Proposed listing: 黑榜 / black list, level ",
      Str(scoring::LevelName(entry.level)), ", ", entry.points, " points\n",
      "事由 Reasons:\n");
  for (const ListReason& r : entry.reasons) {
    absl::StrAppend(&text, "  - ", r.reference, r.authority.empty() ? "" : " (",
                    r.authority, r.authority.empty() ? "" : ")", ", ", Day(r.date), ", ",
                    r.points, " points", r.description.empty() ? "" : ": ",
                    r.description, "\n");
  }
  absl::StrAppend(
      &text, "依据 Basis: rating policy ", policy.id, " v", policy.version,
      " (", policy.name, "): level BLACK on ", Day(entry.listing_date),
      " lists an enterprise on the black list.\n",
      "权利 Rights: you may file an objection (异议) with reasons and evidence "
      "until ", Day(notice_end),
      " inclusive; after publication you may apply for credit repair (信用修复) "
      "from ", Day(entry.earliest_repair_date),
      " once the violations are rectified, the penalties performed and a public "
      "credit commitment is on file; the listing expires on ",
      Day(entry.expiry_date), ".\n",
      "异议截止 Deadline for objections: ", Day(notice_end), "\n");
  return text;
}

std::string CanonicalContent(const PublicationHeader& header,
                             const std::vector<ListEntry>& entries,
                             const std::vector<Removal>& removals) {
  std::string out = absl::StrCat(
      "envcredit publication v1\n", "list\t", ListSlug(header.list), "\n",
      "number\t", header.number, "\n", "as_of\t", Day(header.as_of), "\n",
      "policy\t", header.policy_id, "\t", header.policy_version, "\n",
      "previous_content_sha256\t", header.previous_content_sha256, "\n");
  for (const ListEntry& e : entries) {
    std::vector<std::string> reasons;
    for (const ListReason& r : e.reasons) {
      reasons.push_back(absl::StrCat(r.kind, ":", r.reference, ":", Day(r.date), ":", r.points));
    }
    absl::StrAppend(&out, "entry\t", e.credit_code, "\t", e.enterprise_name, "\t",
                    e.legal_representative, "\t", Str(scoring::LevelName(e.level)), "\t",
                    e.points, "\t", Day(e.listing_date), "\t", Day(e.earliest_repair_date),
                    "\t", Day(e.expiry_date), "\t", ChangeName(e.change), "\t",
                    absl::StrJoin(reasons, ";"), "\n");
  }
  for (const Removal& r : removals) {
    absl::StrAppend(&out, "removal\t", r.credit_code, "\t", r.enterprise_name, "\t",
                    RemovalReasonName(r.reason), "\t", r.detail, "\n");
  }
  return out;
}

std::vector<RepairProblem> RepairProblems(const ListEntry& entry,
                                          const RepairEvidence& evidence,
                                          const scoring::EnterpriseRecords& records,
                                          absl::CivilDay today) {
  std::vector<RepairProblem> problems;
  if (!entry.earliest_repair_date || today < *entry.earliest_repair_date) {
    problems.push_back({"REPAIR_TOO_EARLY",
                        absl::StrCat("repair may be asked for from ",
                                     Day(entry.earliest_repair_date),
                                     " (the minimum listing period)")});
  }
  absl::CivilDay latest_reason = entry.listing_date;
  for (const ListReason& r : entry.reasons) latest_reason = std::max(latest_reason, r.date);
  if (!evidence.rectification_date) {
    problems.push_back({"NOT_RECTIFIED", "no rectification date is given"});
  } else if (*evidence.rectification_date > today) {
    problems.push_back({"NOT_RECTIFIED", "the rectification date is in the future"});
  } else if (*evidence.rectification_date < latest_reason) {
    problems.push_back({"NOT_RECTIFIED",
                        absl::StrCat("rectified on ", Day(*evidence.rectification_date),
                                     ", before the latest reason of ", Day(latest_reason))});
  }
  if (!evidence.penalty_performed) {
    problems.push_back({"PENALTY_NOT_PERFORMED", "the penalties are not performed"});
  }
  const bool committed = std::any_of(
      records.commitments.begin(), records.commitments.end(),
      [&](const scoring::Commitment& c) {
        return c.kind == scoring::CommitmentKind::kCreditCommitment && c.is_public &&
               c.signing_date <= today;
      });
  if (!committed) {
    problems.push_back({"NO_CREDIT_COMMITMENT",
                        "no public credit commitment (信用承诺书) is on file"});
  }
  return problems;
}

}  // namespace envcredit::domain
