// The pages people read of a list publication (doc/publication-folder.md):
//   index.html    the published list: one self-contained page (inline CSS
//                 and JS, no external assets, works from file://) with
//                 bilingual labels, the entries and removals, and a search
//                 box (#search) that hides the rows whose name and credit
//                 code do not contain what is typed (case-insensitive),
//                 showing a "无匹配 / No match" line (#no-match) when none is
//                 left;
//   notices.html  the printable notices (告知书) to the black-list
//                 candidates, one page each (CSS page breaks).
// And the small formatting helpers both pages and the folder files share.
//
// Pure functions of a v1::Publication: no clock, no I/O, no gRPC. The same
// publication always gives the same bytes (no generation time anywhere), so
// a folder can be re-exported byte for byte. Every value from the
// publication is HTML-escaped.
#ifndef ENVCREDIT_ADMIN_CLI_PUBLICATION_PUBLICATION_HTML_H_
#define ENVCREDIT_ADMIN_CLI_PUBLICATION_PUBLICATION_HTML_H_

#include <string>

#include "absl/strings/string_view.h"
#include "envcredit/v1/lists.pb.h"

namespace envcredit::admin {

// "honor" / "black": the list's name on the command line and in folder and
// file names; "" for LIST_KIND_UNSPECIFIED or an unknown value.
std::string ListSlug(int list);
// "红榜" / "黑榜" and "Honour list" / "Black list"; "" when unknown.
std::string ListTitleZh(int list);
std::string ListTitleEn(int list);

// RFC 3339 in UTC: "2025-07-16T02:00:00Z", with as many fractional digits as
// the nanoseconds need ("…:00.5Z"); "" for an unset (zero) timestamp.
std::string FormatUtcTime(const google::protobuf::Timestamp& time);

// One reason on one line, decision number first:
// "苏环罚〔2024〕12号 (苏州市生态环境局, 2024-03-01): 超标排放; 罚款 [-3]"
// (parts that are empty are left out, and so is the bracket for 0 points).
std::string ReasonText(const envcredit::v1::ListReason& reason);

// "到期 / Expired", "信用修复 / Repaired", "不再符合条件 / No longer meets the
// criteria", "异议成立 / Objection upheld"; the enum number when unknown.
std::string RemovalReasonLabel(int reason);

// `text` with & < > " ' replaced by entities: safe in element content and in
// quoted attribute values.
std::string HtmlEscape(absl::string_view text);

// index.html of a publication (any state renders; the folder only ever
// holds PUBLISHED ones).
std::string RenderIndexHtml(const envcredit::v1::Publication& publication);

// notices.html: one page per entry that carries a notice (notice_text, which
// the server fills in for each black-list candidate from StartNotice on):
// enterprise, credit code, legal representative, the reasons with their
// decision numbers, the basis (policy, version, the black-list rule), the
// rights (objection during the notice period, credit repair from the
// earliest repair date), the deadline for objections (notice_end_date) and
// the server's notice text. A page saying there is nothing to notify when no
// entry carries a notice.
std::string RenderNoticesHtml(const envcredit::v1::Publication& publication);

// How many pages RenderNoticesHtml prints: the entries with a notice_text.
int NoticeCount(const envcredit::v1::Publication& publication);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_PUBLICATION_PUBLICATION_HTML_H_
