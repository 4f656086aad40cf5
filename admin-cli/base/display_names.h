// The words people read for the codes of the API: one table of Chinese
// display names, with the English beside, for every violation type,
// measure, rating level, national level, list, removal reason and list
// reason kind. The published pages, the display fields of the CSV and JSON
// files and the CLI's tables take their words from here and nowhere else,
// so a label is corrected in one place (doc/publication-folder.md).
//
// The Chinese names are those of the rules the policy follows (SPEC §5,
// domain.md §1–§3): 超标排放, 申请法院强制执行, 严重失信 …
#ifndef ENVCREDIT_ADMIN_CLI_BASE_DISPLAY_NAMES_H_
#define ENVCREDIT_ADMIN_CLI_BASE_DISPLAY_NAMES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "envcredit/v1/lists.pb.h"

namespace envcredit::admin {

struct DisplayName {
  std::string zh;
  std::string en;
  // "中文 / English"; "" when both are empty.
  std::string Both() const;
};

// Each: the names of a value of the enum (by number); for a value the table
// does not know (a newer server), the enum's own name as both zh and en, or
// the number when the enum has no such value. UNSPECIFIED (0) is empty.
DisplayName ViolationTypeDisplay(int violation_type);
DisplayName MeasureDisplay(int measure);
// 环保诚信 / Trustworthy (GREEN) … 严重失信 / Seriously dishonest (BLACK).
DisplayName RatingLevelDisplay(int level);
// The colour itself: 绿色 / Green … 黑色 / Black.
DisplayName RatingColourDisplay(int level);
// Both: "严重失信（黑色）" / "Seriously dishonest (Black)"; empty for 0.
DisplayName RatingLevelWithColour(int level);
DisplayName NationalLevelDisplay(int national_level);
// 红榜（守信激励名单） / Honour list, 黑榜（严重失信名单） / Black list.
DisplayName ListDisplay(int list);
DisplayName RemovalReasonDisplay(int reason);
// A ListReason's kind ("penalty_decision", "broken_commitment",
// "incident"): 行政处罚决定 / Penalty decision …; the kind itself when
// unknown.
DisplayName ReasonKindDisplay(absl::string_view kind);

// What a list reason was, in words, from the server's description: for a
// penalty decision "VIOLATION_TYPE: MEASURE, MEASURE[, TAMPERING]" becomes
//   zh "超标排放；罚款、申请法院强制执行"
//   en "Exceeding discharge standards; fine, court enforcement"
// (a code the table does not know is kept as it is); for the other kinds
// the kind's name. The description is part of the signed canonical content,
// so it stays in codes there; this is only how it is shown.
DisplayName DescribeReason(const envcredit::v1::ListReason& reason);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_BASE_DISPLAY_NAMES_H_
