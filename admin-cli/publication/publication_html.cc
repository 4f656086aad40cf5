#include "admin-cli/publication/publication_html.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "admin-cli/base/record_enums.h"

namespace envcredit::admin {
namespace {

using v1::Publication;
using v1::PublicationEntry;

// Shared by both pages. Plain system fonts: nothing is fetched.
constexpr absl::string_view kBaseCss = R"css(
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", system-ui, sans-serif; margin: 1.5rem; color: #1a1a1a;
  line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .75rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.en { color: #555; font-weight: normal; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid #c8c8c8; padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f1f1f1; font-weight: 600; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace;
  word-break: break-all; }
[hidden] { display: none !important; }
)css";

constexpr absl::string_view kIndexCss = R"css(
dl.meta { display: grid; grid-template-columns: max-content 1fr;
  gap: .2rem 1rem; margin: 0 0 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.search { margin: 1rem 0 .5rem; }
.search label { display: block; font-weight: 600; margin-bottom: .25rem; }
#search { width: min(36rem, 100%); font-size: 1rem; padding: .4rem .5rem; }
#no-match { color: #a00; font-weight: 600; }
ul.reasons { margin: 0; padding-left: 1.1rem; }
td.mono { white-space: nowrap; }
tr.empty td { color: #777; text-align: center; }
footer { margin-top: 2rem; font-size: .85rem; color: #555; }
)css";

constexpr absl::string_view kNoticeCss = R"css(
@page { size: A4; margin: 18mm 16mm; }
.notice { page-break-after: always; break-after: page; max-width: 46rem;
  margin: 0 auto 2rem; }
.notice:last-of-type { page-break-after: auto; break-after: auto; }
.notice h1 { text-align: center; }
.ref { text-align: right; font-size: .85rem; color: #555; }
table.fields th { width: 16rem; }
.deadline { font-size: 1.1rem; border: 2px solid #1a1a1a; padding: .5rem;
  margin: 1rem 0; }
.text { white-space: pre-wrap; border-left: 3px solid #c8c8c8;
  padding-left: .75rem; }
@media print {
  body { margin: 0; font-size: 9.5pt; line-height: 1.3; }
  .notice { margin: 0 auto; max-width: none; }
  .notice h1 { font-size: 14pt; margin-bottom: .4rem; }
  h2 { font-size: 11pt; margin: .7rem 0 .3rem; }
  p { margin: .3rem 0; }
  th, td { padding: .15rem .4rem; }
  .deadline { font-size: 11pt; margin: .6rem 0; padding: .3rem .5rem; }
}
)css";

// The search: every row with a data-search attribute (credit code and name)
// is hidden unless it contains the query, ignoring letter case.
constexpr absl::string_view kSearchJs = R"js(
(function () {
  var input = document.getElementById('search');
  var noMatch = document.getElementById('no-match');
  var rows = Array.prototype.slice.call(
      document.querySelectorAll('tr[data-search]'));
  function apply() {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var hit = query === '' ||
          row.getAttribute('data-search').toLowerCase().indexOf(query) !== -1;
      row.hidden = !hit;
      if (hit) shown++;
    });
    noMatch.hidden = query === '' || shown > 0;
  }
  input.addEventListener('input', apply);
  input.addEventListener('search', apply);
  apply();
})();
)js";

// A bilingual label: "中文 / English".
std::string Label(absl::string_view zh, absl::string_view en) {
  return absl::StrCat(zh, " / <span class=\"en\">", en, "</span>");
}

// An escaped value, or a dash for an empty one.
std::string Cell(absl::string_view value) {
  return value.empty() ? "—" : HtmlEscape(value);
}

std::string DateCell(const v1::Date& date) { return Cell(FormatDate(date)); }

std::string Head(absl::string_view title, absl::string_view extra_css) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta "
      "charset=\"utf-8\">\n<meta name=\"viewport\" "
      "content=\"width=device-width, "
      "initial-scale=1\">\n<title>",
      title, "</title>\n<style>", kBaseCss, extra_css, "</style>\n</head>\n");
}

// "第 3 期 / No. 3", or the state for a publication without a number.
std::string NumberLabel(const Publication& p) {
  if (p.number() > 0) {
    return absl::StrCat("第 ", p.number(), " 期 / No. ", p.number());
  }
  return HtmlEscape(v1::PublicationState_IsValid(p.state())
                        ? v1::PublicationState_Name(
                              static_cast<v1::PublicationState>(p.state()))
                        : absl::StrCat(p.state()));
}

std::string ReasonsList(const PublicationEntry& e) {
  if (e.reasons().empty()) return "—";
  std::string out = "<ul class=\"reasons\">";
  for (const v1::ListReason& r : e.reasons()) {
    absl::StrAppend(&out, "<li>", HtmlEscape(ReasonText(r)), "</li>");
  }
  return out + "</ul>";
}

void AppendMeta(std::string* out, absl::string_view zh, absl::string_view en,
                const std::string& value_html) {
  absl::StrAppend(out, "<dt>", Label(zh, en), "</dt><dd>", value_html,
                  "</dd>\n");
}

std::string EntriesTable(const Publication& p) {
  std::string out = absl::StrCat(
      "<table id=\"entries\">\n<thead><tr><th>",
      Label("统一社会信用代码", "Credit code"), "</th><th>",
      Label("企业名称", "Enterprise"), "</th><th>",
      Label("法定代表人", "Legal representative"), "</th><th>",
      Label("列入原因（决定书文号）", "Reasons (decision numbers)"),
      "</th><th>", Label("列入日期", "Listing date"), "</th><th>",
      Label("最早可申请修复日期", "Earliest repair date"), "</th><th>",
      Label("到期日期", "Expiry date"), "</th></tr></thead>\n<tbody>\n");
  for (const PublicationEntry& e : p.entries()) {
    absl::StrAppend(
        &out, "<tr data-search=\"",
        HtmlEscape(absl::StrCat(e.credit_code(), " ", e.enterprise_name())),
        "\"><td class=\"mono\">", Cell(e.credit_code()), "</td><td>",
        Cell(e.enterprise_name()), "</td><td>", Cell(e.legal_representative()),
        "</td><td>", ReasonsList(e), "</td><td>", DateCell(e.listing_date()),
        "</td><td>", DateCell(e.earliest_repair_date()), "</td><td>",
        DateCell(e.expiry_date()), "</td></tr>\n");
  }
  if (p.entries().empty()) {
    absl::StrAppend(&out, "<tr class=\"empty\"><td colspan=\"7\">",
                    Label("无", "None"), "</td></tr>\n");
  }
  return out + "</tbody>\n</table>\n";
}

std::string RemovalsTable(const Publication& p) {
  std::string out = absl::StrCat(
      "<table id=\"removals\">\n<thead><tr><th>",
      Label("统一社会信用代码", "Credit code"), "</th><th>",
      Label("企业名称", "Enterprise"), "</th><th>", Label("移出原因", "Reason"),
      "</th><th>", Label("说明", "Detail"), "</th></tr></thead>\n<tbody>\n");
  for (const v1::Removal& r : p.removals()) {
    absl::StrAppend(
        &out, "<tr data-search=\"",
        HtmlEscape(absl::StrCat(r.credit_code(), " ", r.enterprise_name())),
        "\"><td class=\"mono\">", Cell(r.credit_code()), "</td><td>",
        Cell(r.enterprise_name()), "</td><td>",
        HtmlEscape(RemovalReasonLabel(r.reason())), "</td><td>",
        Cell(r.detail()), "</td></tr>\n");
  }
  if (p.removals().empty()) {
    absl::StrAppend(&out, "<tr class=\"empty\"><td colspan=\"4\">",
                    Label("无", "None"), "</td></tr>\n");
  }
  return out + "</tbody>\n</table>\n";
}

std::string NoticePage(const Publication& p, const PublicationEntry& e) {
  const std::string as_of = FormatDate(p.as_of());
  const std::string start = FormatDate(p.notice_start_date());
  const std::string end = FormatDate(p.notice_end_date());
  const std::string repair = FormatDate(e.earliest_repair_date());
  const std::string expiry = FormatDate(e.expiry_date());
  const std::string policy =
      p.policy_id().empty()
          ? std::string("—")
          : absl::StrCat(HtmlEscape(p.policy_id()), " (第 ", p.policy_version(),
                         " 版 / version ", p.policy_version(), ")");
  std::string out = absl::StrCat(
      "<section class=\"notice\">\n<p class=\"ref\">", HtmlEscape(p.name()),
      " · ", HtmlEscape(e.credit_code()),
      "</p>\n<h1>环境信用黑榜列入告知书<br><span class=\"en\">Notice of "
      "intended listing on the environmental credit black list</span></h1>\n"
      "<table class=\"fields\">\n<tr><th>",
      Label("企业名称", "Enterprise"), "</th><td>", Cell(e.enterprise_name()),
      "</td></tr>\n<tr><th>", Label("统一社会信用代码", "Credit code"),
      "</th><td class=\"mono\">", Cell(e.credit_code()), "</td></tr>\n<tr><th>",
      Label("法定代表人", "Legal representative"), "</th><td>",
      Cell(e.legal_representative()), "</td></tr>\n<tr><th>",
      Label("评价基准日", "As of"), "</th><td>", Cell(as_of),
      "</td></tr>\n<tr><th>", Label("信用等级", "Rating level"), "</th><td>",
      Cell(RatingLevelName(e.level())), " (", e.points(),
      " 分 / points)</td></tr>\n</table>\n");

  absl::StrAppend(&out, "<h2>", Label("列入事由", "Reasons"),
                  "</h2>\n<table class=\"reasons\">\n<thead><tr><th>",
                  Label("决定书文号", "Decision number"), "</th><th>",
                  Label("决定机关", "Authority"), "</th><th>",
                  Label("日期", "Date"), "</th><th>", Label("事由", "What"),
                  "</th><th>", Label("分值", "Points"),
                  "</th></tr></thead>\n<tbody>\n");
  for (const v1::ListReason& r : e.reasons()) {
    absl::StrAppend(&out, "<tr><td>", Cell(r.reference()), "</td><td>",
                    Cell(r.authority()), "</td><td>", DateCell(r.date()),
                    "</td><td>", Cell(r.description()), "</td><td>", r.points(),
                    "</td></tr>\n");
  }
  if (e.reasons().empty()) {
    absl::StrAppend(&out, "<tr class=\"empty\"><td colspan=\"5\">",
                    Label("无", "None"), "</td></tr>\n");
  }
  absl::StrAppend(&out, "</tbody>\n</table>\n");

  absl::StrAppend(
      &out, "<h2>", Label("依据", "Basis"), "</h2>\n<p>依据信用评价办法 ",
      policy, "：评价基准日（", Cell(as_of),
      "）信用等级为黑色（严重失信）的企业列入黑榜（SPEC §5，doc/scoring.md "
      "规则 7.2）。列入之日起满最短公示期方可申请信用修复，最长公示期满自动移出"
      "。</p>\n<p class=\"en\">Under the rating policy ",
      policy, ", an enterprise whose level on the as-of date (", Cell(as_of),
      ") is BLACK (seriously dishonest) is put on the black list (SPEC §5, "
      "doc/scoring.md rule 7.2). Credit repair can be applied for once the "
      "minimum publication period has passed; the entry expires by itself "
      "at the end of the maximum period.</p>\n<table class=\"fields\">\n"
      "<tr><th>",
      Label("列入日期", "Listing date"), "</th><td>",
      DateCell(e.listing_date()), "</td></tr>\n<tr><th>",
      Label("最早可申请修复日期", "Earliest repair date"), "</th><td>",
      Cell(repair), "</td></tr>\n<tr><th>", Label("到期日期", "Expiry date"),
      "</th><td>", Cell(expiry), "</td></tr>\n</table>\n");

  absl::StrAppend(
      &out, "<h2>", Label("权利", "Your rights"), "</h2>\n<ol>\n<li>",
      "如对上述列入事由有异议，可在公示期内（", Cell(start), " 至 ", Cell(end),
      "）向发布机关提出异议并提交证据。<br><span class=\"en\">If you disagree "
      "with the reasons above, you may object to the publishing authority, "
      "with evidence, during the public notice period (",
      Cell(start), " to ", Cell(end), ").</span></li>\n<li>", "自 ",
      Cell(repair),
      " 起，已完成整改、履行行政处罚并作出公开信用承诺的，可申请信用修复。"
      "<br><span class=\"en\">From ",
      Cell(repair),
      ", once the violations are rectified, the penalties performed and a "
      "public credit commitment is on file, you may apply for credit "
      "repair.</span></li>\n</ol>\n<p class=\"deadline\">",
      Label("异议截止日期", "Deadline for objections"), ": <strong>", Cell(end),
      "</strong></p>\n");

  if (!e.notice_text().empty()) {
    absl::StrAppend(&out, "<h2>", Label("告知内容", "Notice text"),
                    "</h2>\n<div class=\"text\">", HtmlEscape(e.notice_text()),
                    "</div>\n");
  }
  return out + "</section>\n";
}

}  // namespace

std::string ListSlug(int list) {
  switch (list) {
    case v1::HONOR_LIST:
      return "honor";
    case v1::BLACK_LIST:
      return "black";
    default:
      return "";
  }
}

std::string ListTitleZh(int list) {
  switch (list) {
    case v1::HONOR_LIST:
      return "红榜";
    case v1::BLACK_LIST:
      return "黑榜";
    default:
      return "";
  }
}

std::string ListTitleEn(int list) {
  switch (list) {
    case v1::HONOR_LIST:
      return "Honour list";
    case v1::BLACK_LIST:
      return "Black list";
    default:
      return "";
  }
}

std::string FormatUtcTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime(
      "%Y-%m-%dT%H:%M:%E*SZ",
      absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos()),
      absl::UTCTimeZone());
}

std::string ReasonText(const v1::ListReason& r) {
  std::string out = r.reference().empty() ? r.kind() : r.reference();
  std::vector<std::string> where;
  if (!r.authority().empty()) where.push_back(r.authority());
  const std::string date = FormatDate(r.date());
  if (!date.empty()) where.push_back(date);
  if (!where.empty()) {
    absl::StrAppend(&out, " (", absl::StrJoin(where, ", "), ")");
  }
  if (!r.description().empty()) absl::StrAppend(&out, ": ", r.description());
  if (r.points() != 0) absl::StrAppend(&out, " [", r.points(), "]");
  return out;
}

std::string RemovalReasonLabel(int reason) {
  switch (reason) {
    case v1::REMOVAL_EXPIRED:
      return "到期 / Expired";
    case v1::REMOVAL_REPAIRED:
      return "信用修复 / Repaired";
    case v1::REMOVAL_NO_LONGER_MEETS:
      return "不再符合条件 / No longer meets the criteria";
    case v1::REMOVAL_OBJECTION_UPHELD:
      return "异议成立 / Objection upheld";
    default:
      return absl::StrCat(reason);
  }
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string RenderIndexHtml(const Publication& p) {
  const std::string zh = ListTitleZh(p.list());
  const std::string en = ListTitleEn(p.list());
  std::string out = Head(
      absl::StrCat(HtmlEscape(zh), " ", HtmlEscape(en), " — ", NumberLabel(p),
                   " (", HtmlEscape(FormatDate(p.as_of())), ")"),
      kIndexCss);
  absl::StrAppend(&out, "<body>\n<header>\n<h1>", HtmlEscape(zh),
                  " <span class=\"en\">", HtmlEscape(en), "</span> · ",
                  NumberLabel(p), "</h1>\n<dl class=\"meta\">\n");
  AppendMeta(&out, "评价基准日", "As of", DateCell(p.as_of()));
  AppendMeta(&out, "发布时间", "Published",
             Cell(FormatUtcTime(p.publish_time())));
  AppendMeta(
      &out, "评价办法", "Policy",
      p.policy_id().empty()
          ? std::string("—")
          : absl::StrCat(HtmlEscape(p.policy_id()), " (第 ", p.policy_version(),
                         " 版 / version ", p.policy_version(), ")"));
  AppendMeta(&out, "名单数量", "Entries", absl::StrCat(p.entries_size()));
  AppendMeta(&out, "内容 SHA-256", "Content SHA-256",
             absl::StrCat("<code>", Cell(p.content_sha256()), "</code>"));
  AppendMeta(
      &out, "上一期内容 SHA-256", "Previous content SHA-256",
      absl::StrCat("<code>", Cell(p.previous_content_sha256()), "</code>"));
  absl::StrAppend(&out, "</dl>\n</header>\n<main>\n<div class=\"search\">\n",
                  "<label for=\"search\">",
                  Label("按企业名称或统一社会信用代码搜索",
                        "Search by enterprise name or credit code"),
                  "</label>\n<input id=\"search\" type=\"search\" "
                  "autocomplete=\"off\" spellcheck=\"false\" "
                  "placeholder=\"企业名称 / 信用代码 — name / credit code\">\n"
                  "<p id=\"no-match\" hidden>无匹配 / No match</p>\n</div>\n");
  absl::StrAppend(&out, "<h2>", Label("名单", "Entries"), " (",
                  p.entries_size(), ")</h2>\n", EntriesTable(p));
  absl::StrAppend(&out, "<h2>",
                  Label("本期移出", "Removed in this publication"), " (",
                  p.removals_size(), ")</h2>\n", RemovalsTable(p));
  absl::StrAppend(
      &out,
      "</main>\n<footer>\n<p>本页由 envcredit 生成；manifest.json "
      "列出本目录每个文件的 "
      "SHA-256，manifest.sig 为其 Ed25519 签名。<br><span class=\"en\">Made by "
      "envcredit. manifest.json lists the SHA-256 of every file in this "
      "folder; manifest.sig is its Ed25519 signature.</span></p>\n</footer>\n"
      "<script>",
      kSearchJs, "</script>\n</body>\n</html>\n");
  return out;
}

int NoticeCount(const Publication& p) {
  int count = 0;
  for (const PublicationEntry& e : p.entries()) {
    if (!e.notice_text().empty()) ++count;
  }
  return count;
}

std::string RenderNoticesHtml(const Publication& p) {
  std::string out =
      Head(absl::StrCat("告知书 Notices — ", HtmlEscape(ListTitleZh(p.list())),
                        " ", HtmlEscape(ListTitleEn(p.list())), " ",
                        HtmlEscape(p.name())),
           kNoticeCss);
  out += "<body>\n";
  for (const PublicationEntry& e : p.entries()) {
    if (!e.notice_text().empty()) out += NoticePage(p, e);
  }
  if (NoticeCount(p) == 0) {
    absl::StrAppend(&out, "<p>", Label("无需告知的企业", "No notices"),
                    "</p>\n");
  }
  return out + "</body>\n</html>\n";
}

}  // namespace envcredit::admin
