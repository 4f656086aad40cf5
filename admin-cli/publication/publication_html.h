// The pages people read of a list publication (doc/publication-folder.md):
//   index.html    the published list: a small page (inline CSS and JS, no
//                 external assets, works from file://) with bilingual
//                 labels, whose entries and removals come from the data
//                 files beside it (entries-1.js, …, removals-1.js, …, loaded
//                 by <script src>: a page opened from disk may load scripts
//                 of its folder but not fetch() them), and a search box
//                 (#search) that shows only the rows whose name and credit
//                 code contain what is typed (case-insensitive; at most 200
//                 rows of each table at once, with a line saying how many
//                 match), and a "无匹配 / No match" line (#no-match) when
//                 none does;
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

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "admin-cli/publication/issuer.h"
#include "envcredit/v1/lists.pb.h"

namespace envcredit::admin {

// "honor" / "black": the list's name on the command line and in folder and
// file names; "" for LIST_KIND_UNSPECIFIED or an unknown value.
std::string ListSlug(int list);
// "红榜" / "黑榜" and "Honour list" / "Black list"; "" when unknown.
std::string ListTitleZh(int list);
std::string ListTitleEn(int list);

// The issuer's public key, written by `lists export` at the root of the
// published tree (ROOT/public-key.pem), beside ROOT/index.html; the pages of
// ROOT/<list>/<number>/ link to it as ../../public-key.pem.
inline constexpr absl::string_view kPublicKeyFile = "public-key.pem";

// One file of a publication folder: its name (no '/') and its exact bytes.
struct FolderFile {
  std::string path;
  std::string content;
};

// The most rows one data file of index.html holds (about 1 MB of a black
// list with its reasons).
inline constexpr int kRowsPerDataFile = 2000;

// What the page of one publication links to and names besides the
// publication itself.
struct PageContext {
  Issuer issuer;
  // The folder's other files (downloads), by name, in the order shown.
  std::vector<std::string> files;
  // The data files the page loads its rows from, in order
  // (RenderIndexDataFiles' names).
  std::vector<std::string> data_files;
  // SHA-256 (hex) of the public key file, shown beside its link so a
  // reader can compare it with the fingerprint the bureau announces
  // elsewhere; "" shows no key link.
  std::string public_key_sha256;
};

// One publication as the top-level index lists it (from its manifest).
struct PublishedIssue {
  std::string list;  // "honor" / "black"
  int64_t number = 0;
  std::string as_of;         // YYYY-MM-DD
  std::string publish_time;  // RFC 3339 UTC
};

// Beijing time for people: "2025-07-16 10:00:00（北京时间）"; "" for an
// unset timestamp. Seconds only: the fraction is in the JSON and manifest.
std::string FormatBeijingTime(const google::protobuf::Timestamp& time);
// The same for an RFC 3339 text (a manifest's publish_time); the text as it
// is when it does not parse.
std::string FormatBeijingTime(absl::string_view rfc3339);

// RFC 3339 in UTC: "2025-07-16T02:00:00Z", with as many fractional digits as
// the nanoseconds need ("…:00.5Z"); "" for an unset (zero) timestamp.
std::string FormatUtcTime(const google::protobuf::Timestamp& time);

// One reason on one line, decision number first:
// "苏环罚〔2024〕12号 (苏州市生态环境局, 2024-03-01): 超标排放；罚款 [-3]"
// (the description in words, display_names.h)
// (parts that are empty are left out, and so is the bracket for 0 points).
std::string ReasonText(const envcredit::v1::ListReason& reason);


// `text` with & < > " ' replaced by entities: safe in element content and in
// quoted attribute values.
std::string HtmlEscape(absl::string_view text);

// index.html of a publication (any state renders; the folder only ever
// holds PUBLISHED ones): the issuer and the list's title; what an entry
// means, the legal basis in words and how and until when to object or apply
// for credit repair, with the issuer's address and phone; the columns of
// the list (black: reasons in words, repair and expiry dates; honour: the
// level); links to every file of the folder, the public key, the previous
// publication and the index of all publications; a layout that fits a
// phone (the tables become cards below 44rem).
// The page's own size does not grow with the list: the rows are in the
// data files (`context.data_files`).
std::string RenderIndexHtml(const envcredit::v1::Publication& publication,
                            const PageContext& context);

// The data files of index.html: entries-1.js, entries-2.js, … then
// removals-1.js, …, kRowsPerDataFile rows each in credit-code order, each
// one call addRows("entries"|"removals", [[cell, …], …]) with the
// cells as the page shows them (reasons, levels and removal reasons in
// words); none for a kind without rows.
std::vector<FolderFile> RenderIndexDataFiles(const envcredit::v1::Publication& publication);

// ROOT/index.html: every publication of both lists, newest first, each
// linking to its folder's page; the issuer and the public key. Not signed
// (each folder is): it is regenerated by every export.
std::string RenderRootIndexHtml(const Issuer& issuer,
                                const std::vector<PublishedIssue>& issues,
                                absl::string_view public_key_sha256);

// notices.html: one page per entry that carries a notice (notice_text, which
// the server fills in for each black-list candidate from StartNotice on):
// enterprise, credit code, legal representative, the reasons with their
// decision numbers, the basis (policy, version, the black-list rule), the
// rights (objection during the notice period, credit repair from the
// earliest repair date), the deadline for objections (notice_end_date), where
// to send them (the issuer) and the server's notice text. A page saying
// there is nothing to notify when no entry carries a notice.
std::string RenderNoticesHtml(const envcredit::v1::Publication& publication,
                              const Issuer& issuer);

// How many pages RenderNoticesHtml prints: the entries with a notice_text.
int NoticeCount(const envcredit::v1::Publication& publication);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_PUBLICATION_PUBLICATION_HTML_H_
