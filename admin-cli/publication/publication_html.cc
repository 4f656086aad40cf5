#include "admin-cli/publication/publication_html.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "absl/strings/match.h"
#include "admin-cli/base/display_names.h"
#include "admin-cli/base/record_enums.h"

namespace envcredit::admin {
namespace {

using v1::Publication;
using v1::PublicationEntry;

// Shared by every page. Plain system fonts: nothing is fetched. Long words
// (credit codes, hashes, Latin names) break rather than widen the page.
constexpr absl::string_view kBaseCss = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", system-ui, sans-serif; margin: 1.5rem auto;
  padding: 0 1rem; max-width: 72rem; color: #1a1a1a; line-height: 1.5;
  overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; line-height: 1.3; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.issuer { font-size: 1.05rem; font-weight: 600; margin: 0 0 .25rem; }
.en { color: #555; font-weight: normal; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid #c8c8c8; padding: .35rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f1f1f1; font-weight: 600; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace;
  word-break: break-all; }
a { color: #0b57a4; }
[hidden] { display: none !important; }
footer { margin-top: 2rem; padding-top: .75rem; border-top: 1px solid #c8c8c8;
  font-size: .88rem; color: #333; }
)css";

constexpr absl::string_view kIndexCss = R"css(
dl.meta { display: grid; grid-template-columns: max-content 1fr;
  gap: .2rem 1rem; margin: 0 0 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; min-width: 0; }
.about { background: #f6f8fa; border: 1px solid #d8dee4; padding: .5rem 1rem;
  border-radius: 4px; }
.about p { margin: .5rem 0; }
ul.links { padding-left: 1.2rem; }
.search { margin: 1rem 0 .5rem; }
.search label { display: block; font-weight: 600; margin-bottom: .25rem; }
#search { width: 100%; max-width: 36rem; font-size: 1rem; padding: .4rem .5rem; }
#no-match { color: #a00; font-weight: 600; }
ul.reasons { margin: 0; padding-left: 1.1rem; }
p.more { color: #555; font-weight: 600; }
tr.empty td { color: #777; text-align: center; }
@media (max-width: 44rem) {
  body { margin: .75rem auto; padding: 0 .75rem; }
  h1 { font-size: 1.3rem; }
  dl.meta { grid-template-columns: 1fr; gap: 0; }
  dl.meta dd { margin-bottom: .4rem; }
  table.cards, table.cards tbody, table.cards tr, table.cards td {
    display: block; width: 100%; }
  table.cards thead { display: none; }
  table.cards tr { border: 1px solid #c8c8c8; border-radius: 4px;
    margin: 0 0 .75rem; padding: .25rem .6rem; }
  table.cards td { border: none; padding: .2rem 0; }
  table.cards td[data-label]::before { content: attr(data-label);
    display: block; font-size: .8rem; color: #555; }
}
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
  body { margin: 0; padding: 0; max-width: none; font-size: 9.5pt;
    line-height: 1.3; }
  .notice { margin: 0 auto; max-width: none; }
  .notice h1 { font-size: 14pt; margin-bottom: .4rem; }
  h2 { font-size: 11pt; margin: .7rem 0 .3rem; }
  p { margin: .3rem 0; }
  th, td { padding: .15rem .4rem; }
  .deadline { font-size: 11pt; margin: .6rem 0; padding: .3rem .5rem; }
}
)css";

// Collects the rows the data files (<script src="entries-1.js"> …) hand
// over; it runs before them.
constexpr absl::string_view kCollectJs =
    "var listRows = {entries: [], removals: []};\n"
    "function addRows(kind, rows) {\n"
    "  Array.prototype.push.apply(listRows[kind], rows);\n"
    "}\n";

// After the data files: the tables and the search. Only the rows that match
// (every row for an empty box) are put in the page, at most kShownRows of
// each table, so a list of 100,000 entries stays quick on a phone; a row
// matches when its credit code and name contain the query, ignoring letter
// case. Values are set as text, never as markup.
constexpr absl::string_view kSearchJs = R"js(
(function () {
  var LIMIT = 200;
  var input = document.getElementById('search');
  var noMatch = document.getElementById('no-match');
  var views = ['entries', 'removals'].map(function (kind) {
    var table = document.getElementById(kind);
    var columns = Array.prototype.map.call(
        table.querySelectorAll('thead th'), function (th) {
          return {label: th.getAttribute('data-label'),
                  css: th.getAttribute('data-class') || ''};
        });
    return {
      tbody: table.tBodies[0],
      columns: columns,
      note: document.getElementById(kind + '-more'),
      rows: listRows[kind].map(function (cells) {
        return {cells: cells, key: (cells[0] + ' ' + cells[1]).toLowerCase()};
      })
    };
  });
  function cell(column, value) {
    var td = document.createElement('td');
    td.setAttribute('data-label', column.label);
    if (column.css) td.className = column.css;
    if (Array.isArray(value) && value.length > 0) {
      var list = document.createElement('ul');
      list.className = 'reasons';
      value.forEach(function (text) {
        var item = document.createElement('li');
        item.textContent = text;
        list.appendChild(item);
      });
      td.appendChild(list);
    } else {
      td.textContent = (Array.isArray(value) || value === '') ? '\u2014' : value;
    }
    return td;
  }
  function show(view, query) {
    var matches = 0;
    var rows = document.createDocumentFragment();
    view.rows.forEach(function (row) {
      if (query !== '' && row.key.indexOf(query) === -1) return;
      if (++matches > LIMIT) return;
      var tr = document.createElement('tr');
      tr.setAttribute('data-search', row.cells[0] + ' ' + row.cells[1]);
      row.cells.forEach(function (value, k) {
        tr.appendChild(cell(view.columns[k], value));
      });
      rows.appendChild(tr);
    });
    if (view.rows.length === 0) {
      var tr = document.createElement('tr');
      var td = document.createElement('td');
      tr.className = 'empty';
      td.colSpan = view.columns.length;
      td.textContent = '\u65e0 / None';
      tr.appendChild(td);
      rows.appendChild(tr);
    }
    view.tbody.textContent = '';
    view.tbody.appendChild(rows);
    view.note.hidden = matches <= LIMIT;
    view.note.textContent = '\u663e\u793a\u524d ' + LIMIT + ' \u6761\uff0c\u5171 ' +
        matches + ' \u6761\uff1b\u8bf7\u8f93\u5165\u66f4\u591a\u5b57\u4ee5\u7f29\u5c0f\u8303\u56f4' +
        ' / Showing the first ' + LIMIT + ' of ' + matches +
        '; type more to narrow the search';
    return matches;
  }
  function apply() {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    views.forEach(function (view) { shown += show(view, query); });
    noMatch.hidden = query === '' || shown > 0;
  }
  input.addEventListener('input', apply);
  input.addEventListener('search', apply);
  apply();
  document.documentElement.setAttribute('data-rows', 'loaded');
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

// One column of a table: its header in both languages, and the short label
// a phone shows above the value when the rows become cards.
struct Column {
  absl::string_view zh;
  absl::string_view en;
  absl::string_view css_class = "";  // of the column's cells
};

std::string HeaderRow(const std::vector<Column>& columns) {
  std::string out = "<thead><tr>";
  // The page's script labels each cell of a card from data-label.
  for (const Column& c : columns) {
    absl::StrAppend(&out, "<th data-label=\"", c.zh, " / ", c.en, "\"",
                    c.css_class.empty() ? "" : absl::StrCat(" data-class=\"", c.css_class, "\""),
                    ">", Label(c.zh, c.en), "</th>");
  }
  return out + "</tr></thead>\n";
}

// <td data-label="列名 / Column" class="...">html</td>
std::string Td(const Column& column, const std::string& html,
               absl::string_view css_class = "") {
  return absl::StrCat(
      "<td data-label=\"", column.zh, " / ", column.en, "\"",
      css_class.empty() ? "" : absl::StrCat(" class=\"", css_class, "\""), ">",
      html, "</td>");
}

std::string Head(absl::string_view title, absl::string_view extra_css) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta "
      "charset=\"utf-8\">\n<meta name=\"viewport\" "
      "content=\"width=device-width, "
      "initial-scale=1\">\n<title>",
      title, "</title>\n<style>", kBaseCss, extra_css, "</style>\n</head>\n");
}

// The head of a page of the published tree (`title`, then the issuer's
// name), up to the opened <header> with the issuer's line.
std::string PageStart(const std::string& title, const Issuer& issuer) {
  std::string out = Head(
      absl::StrCat(title, issuer.configured()
                              ? absl::StrCat(" — ", HtmlEscape(issuer.name))
                              : ""),
      kIndexCss);
  absl::StrAppend(&out, "<body>\n<header>\n");
  if (issuer.configured()) {
    absl::StrAppend(&out, "<p class=\"issuer\">", HtmlEscape(issuer.name),
                    issuer.name_en.empty() ? "" : " <span class=\"en\">",
                    HtmlEscape(issuer.name_en),
                    issuer.name_en.empty() ? "" : "</span>", "</p>\n");
  }
  return out;
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

// "严重失信（黑色） / Seriously dishonest (Black)".
std::string LevelWords(int level) {
  return Cell(RatingLevelWithColour(level).Both());
}

// The rules the lists follow, in words: the issuer's, else the default.
std::string LegalBasis(const Issuer& issuer) {
  return HtmlEscape(issuer.legal_basis.empty() ? kDefaultLegalBasis
                                               : issuer.legal_basis);
}

// Where objections and repair applications go, as a sentence.
std::string Channel(const Issuer& issuer) {
  if (!issuer.configured()) {
    return "请向发布本名单的生态环境主管部门提出（本页未配置发布机关信息）。"
           "<br><span class=\"en\">Send them to the environmental authority "
           "that published this list (no issuer is configured for this "
           "page).</span>";
  }
  if (!issuer.objection_channel.empty()) {
    return HtmlEscape(issuer.objection_channel);
  }
  return absl::StrCat("请以书面形式（附证明材料）向", HtmlEscape(issuer.name),
                      "提出，地址：", HtmlEscape(issuer.address),
                      "，电话：", HtmlEscape(issuer.phone),
                      "。<br><span class=\"en\">In writing, with evidence, to ",
                      HtmlEscape(issuer.name_en.empty() ? issuer.name
                                                        : issuer.name_en),
                      " at the address and telephone number above.</span>");
}

// The issuer's block: name, address, phone, e-mail, website.
std::string IssuerBlock(const Issuer& issuer) {
  if (!issuer.configured()) {
    return "<p>发布机关：未配置 / <span class=\"en\">Issuing authority: not "
           "configured</span></p>\n";
  }
  std::string out = absl::StrCat("<p><strong>", Label("发布机关", "Issued by"),
                                 "：", HtmlEscape(issuer.name));
  if (!issuer.name_en.empty()) {
    absl::StrAppend(&out, " <span class=\"en\">", HtmlEscape(issuer.name_en),
                    "</span>");
  }
  absl::StrAppend(&out, "</strong><br>", Label("地址", "Address"), "：",
                  HtmlEscape(issuer.address), "<br>", Label("电话", "Phone"),
                  "：<a href=\"tel:", HtmlEscape(issuer.phone), "\">",
                  HtmlEscape(issuer.phone), "</a>");
  if (!issuer.email.empty()) {
    absl::StrAppend(&out, "<br>", Label("电子邮箱", "E-mail"),
                    "：<a href=\"mailto:", HtmlEscape(issuer.email), "\">",
                    HtmlEscape(issuer.email), "</a>");
  }
  if (!issuer.website.empty()) {
    absl::StrAppend(&out, "<br>", Label("网站", "Website"), "：<a href=\"",
                    HtmlEscape(issuer.website), "\">",
                    HtmlEscape(issuer.website), "</a>");
  }
  return out + "</p>\n";
}

void AppendMeta(std::string* out, absl::string_view zh, absl::string_view en,
                const std::string& value_html) {
  absl::StrAppend(out, "<dt>", Label(zh, en), "</dt><dd>", value_html,
                  "</dd>\n");
}

// What an entry of this list means, the legal basis, and how and until when
// to object or apply for repair — for citizens, in words.
std::string AboutSection(const Publication& p, const Issuer& issuer) {
  const bool black = p.list() == v1::BLACK_LIST;
  std::string out = absl::StrCat("<section class=\"about\" id=\"about\">\n<h2>",
                                 Label("本名单说明", "About this list"),
                                 "</h2>\n");
  if (black) {
    absl::StrAppend(
        &out,
        "<p>列入本名单的企业，在评价基准日（", DateCell(p.as_of()),
        "）的环境信用评价等级为<strong>严重失信（黑色）</strong>。依据",
        LegalBasis(issuer),
        "，严重失信企业列入环境信用黑榜，向社会公开，并依法依规实施失信约束。"
        "列入原因为企业的行政处罚决定等记录，见各条目的决定书文号。</p>\n"
        "<p class=\"en\">Each enterprise on this list was rated <strong>"
        "seriously dishonest (Black)</strong> on the as-of date. Under the "
        "rules named above, such enterprises are published on the "
        "environmental credit black list. The reasons are the records behind "
        "the rating, with their decision numbers.</p>\n");
    if (p.has_notice_start_date() && p.notice_start_date().year() > 0) {
      absl::StrAppend(
          &out, "<p>列入前已将列入事由、依据和权利告知每家企业，并于 ",
          DateCell(p.notice_start_date()), " 至 ", DateCell(p.notice_end_date()),
          " 向社会公示；公示期内提出的异议均已核查并答复。<br><span "
          "class=\"en\">Before listing, each enterprise was told the reasons, "
          "the basis and its rights, and the list was on public notice from ",
          DateCell(p.notice_start_date()), " to ", DateCell(p.notice_end_date()),
          "; every objection filed then was examined and answered.</span></p>\n");
    }
    absl::StrAppend(
        &out,
        "<p><strong>", Label("异议", "Objections"),
        "</strong>：企业或公众认为名单信息有误的，可提出异议并提交证据。<br>"
        "<strong>",
        Label("信用修复", "Credit repair"),
        "</strong>：自各条目的“最早可申请修复日期”起，已完成整改、履行行政处罚"
        "并作出公开信用承诺的企业可申请信用修复；修复成功的，从名单移出。"
        "未修复的，至“到期日期”自动移出。<br><span class=\"en\">Anyone who "
        "finds an entry wrong may object, with evidence. From an entry's "
        "earliest repair date, an enterprise that has rectified the "
        "violations, performed the penalties and made a public credit "
        "commitment may apply for credit repair; a granted repair removes "
        "the entry. Otherwise the entry ends by itself on its expiry "
        "date.</span></p>\n<p>",
        Label("受理方式", "Where to apply"), "：", Channel(issuer), "</p>\n");
  } else {
    absl::StrAppend(
        &out,
        "<p>列入本名单的企业，在评价基准日（", DateCell(p.as_of()),
        "）的环境信用评价等级为<strong>环保诚信（绿色）</strong>，且在评价办法"
        "规定的期间内没有扣分记录。依据",
        LegalBasis(issuer),
        "，诚信企业列入环境信用红榜，向社会公开，并依法依规给予守信激励。</p>\n"
        "<p class=\"en\">Each enterprise on this list was rated <strong>"
        "trustworthy (Green)</strong> on the as-of date, with no deduction in "
        "the period the rating policy sets. Under the rules named above, such "
        "enterprises are published on the environmental credit honour "
        "list.</p>\n<p>",
        Label("异议", "Objections"),
        "：认为名单信息有误的，可提出异议并提交证据。<span class=\"en\">Anyone "
        "who finds an entry wrong may object, with evidence.</span></p>\n<p>",
        Label("受理方式", "Where to apply"), "：", Channel(issuer), "</p>\n");
  }
  return out + "</section>\n";
}

// Links to every file of the folder, the public key, the previous
// publication and the index of all.
std::string LinksSection(const Publication& p, const PageContext& context) {
  const auto description = [](absl::string_view file) -> std::string {
    if (absl::EndsWith(file, ".csv")) {
      return Label("名单表格（CSV，可用电子表格打开）",
                   "The entries as a spreadsheet (CSV)");
    }
    if (file == "manifest.json") {
      return Label("文件清单（每个文件的 SHA-256）",
                   "The list of files with their SHA-256");
    }
    if (file == "manifest.sig") {
      return Label("文件清单的 Ed25519 签名", "Ed25519 signature of the list of files");
    }
    if (file == "publication.txt") {
      return Label("发布内容原文（内容 SHA-256 的依据）",
                   "The published content the content SHA-256 is taken over");
    }
    if (absl::EndsWith(file, ".json")) {
      return Label("名单数据（JSON，供程序读取）",
                   "The entries for programs (JSON)");
    }
    return "";
  };
  std::string out = absl::StrCat("<section id=\"downloads\">\n<h2>",
                                 Label("下载与核验", "Downloads and checks"),
                                 "</h2>\n<ul class=\"links\">\n");
  for (const std::string& file : context.files) {
    absl::StrAppend(&out, "<li><a href=\"", HtmlEscape(file), "\">",
                    HtmlEscape(file), "</a> — ", description(file), "</li>\n");
  }
  if (!context.public_key_sha256.empty()) {
    absl::StrAppend(&out, "<li><a href=\"../../", kPublicKeyFile, "\">",
                    kPublicKeyFile, "</a> — ",
                    Label("发布机关公钥", "The issuer's public key"),
                    "，SHA-256 <code>", HtmlEscape(context.public_key_sha256),
                    "</code></li>\n");
  }
  if (p.number() > 1) {
    absl::StrAppend(&out, "<li><a href=\"../", p.number() - 1,
                    "/index.html\">", Label("上一期", "Previous publication"),
                    "（第 ", p.number() - 1, " 期 / No. ", p.number() - 1,
                    "）</a></li>\n");
  }
  absl::StrAppend(
      &out, "<li><a href=\"../../index.html\">",
      Label("全部各期名单", "All publications"), "</a></li>\n</ul>\n<p>",
      "核验方法：manifest.json 列出本目录每个文件的 SHA-256，manifest.sig "
      "是发布机关用其私钥对 manifest.json 作出的 Ed25519 签名，可用上方公钥核验"
      "（例如 <code>openssl pkeyutl -verify -pubin -inkey public-key.pem "
      "-rawin -in manifest.json -sigfile manifest.sig</code>）。<br><span "
      "class=\"en\">To check: manifest.json lists the SHA-256 of every file "
      "here; manifest.sig is the issuer's Ed25519 signature of manifest.json, "
      "which the public key above verifies.</span></p>\n</section>\n");
  return out;
}

// The columns of the entries of `p`'s list, and of the removals.
std::vector<Column> EntryColumns(const Publication& p) {
  const Column code{"统一社会信用代码", "Credit code", "mono"};
  const Column name{"企业名称", "Enterprise"};
  const Column rep{"法定代表人", "Legal representative"};
  const Column listed{"列入日期", "Listing date"};
  if (p.list() == v1::BLACK_LIST) {
    return {code, name, rep,
            {"列入原因（决定书文号）", "Reasons (decision numbers)"},
            listed, {"最早可申请修复日期", "Earliest repair date"},
            {"到期日期", "Expiry date"}};
  }
  return {code, name, rep, {"信用等级", "Rating"}, listed};
}

std::vector<Column> RemovalColumns() {
  return {{"统一社会信用代码", "Credit code", "mono"},
          {"企业名称", "Enterprise"},
          {"移出原因", "Reason"},
          {"说明", "Detail"}};
}

// A table whose rows the page's script fills from the data files; without
// script it says where else the rows are.
std::string RowsTable(absl::string_view id, const std::vector<Column>& columns,
                      absl::string_view csv) {
  return absl::StrCat(
      "<table id=\"", id, "\" class=\"cards\">\n", HeaderRow(columns),
      "<tbody>\n<tr class=\"empty\"><td colspan=\"", columns.size(), "\">",
      Label("名单由本目录中的数据文件载入，需要启用 JavaScript；也可下载 CSV 文件",
            absl::StrCat("The rows load from the data files of this folder "
                         "and need JavaScript; or download ",
                         HtmlEscape(csv))),
      "</td></tr>\n</tbody>\n</table>\n<p class=\"more\" id=\"", id,
      "-more\" hidden></p>\n");
}

// `text` as a JavaScript string literal: quotes, backslashes, control
// characters, '<' and the two line separators escaped.
void AppendJsString(std::string* out, absl::string_view text) {
  out->push_back('"');
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == '<') {
      absl::StrAppend(out, "\\u00", absl::Hex(c, absl::kZeroPad2));
    } else if (c == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      absl::StrAppend(out, text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029");
      i += 2;
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

void AppendJsArray(std::string* out, const std::vector<std::string>& items) {
  out->push_back('[');
  for (size_t k = 0; k < items.size(); ++k) {
    if (k > 0) out->push_back(',');
    AppendJsString(out, items[k]);
  }
  out->push_back(']');
}

// One row of the data files: the cells as the page shows them, in words.
void AppendEntryRow(std::string* out, const Publication& p, const PublicationEntry& e) {
  AppendJsArray(out, {e.credit_code(), e.enterprise_name(), e.legal_representative()});
  out->pop_back();  // the row goes on
  if (p.list() == v1::BLACK_LIST) {
    std::vector<std::string> reasons;
    reasons.reserve(e.reasons_size());
    for (const v1::ListReason& r : e.reasons()) reasons.push_back(ReasonText(r));
    out->push_back(',');
    AppendJsArray(out, reasons);
    for (const v1::Date* date : {&e.listing_date(), &e.earliest_repair_date(),
                                 &e.expiry_date()}) {
      out->push_back(',');
      AppendJsString(out, FormatDate(*date));
    }
  } else {
    out->push_back(',');
    AppendJsString(out, RatingLevelWithColour(e.level()).Both());
    out->push_back(',');
    AppendJsString(out, FormatDate(e.listing_date()));
  }
  out->push_back(']');
}

void AppendRemovalRow(std::string* out, const v1::Removal& r) {
  AppendJsArray(out, {r.credit_code(), r.enterprise_name(),
                      RemovalReasonDisplay(r.reason()).Both(), r.detail()});
}

// The data files of one kind ("entries" / "removals"): kRowsPerDataFile rows
// each, named <kind>-1.js, <kind>-2.js, …
template <typename Rows, typename AppendRow>
void AddDataFiles(const Publication& p, absl::string_view kind, const Rows& rows,
                  AppendRow append_row, std::vector<FolderFile>* files) {
  const int total = rows.size();
  for (int start = 0, n = 1; start < total; start += kRowsPerDataFile, ++n) {
    const int end = std::min(total, start + kRowsPerDataFile);
    std::string out = absl::StrCat("// ", p.name(), ": ", kind, " ", start + 1, "-", end,
                                   " of ", total, "\naddRows(\"", kind, "\", [\n");
    for (int k = start; k < end; ++k) {
      const size_t before = out.size();
      append_row(&out, rows[k]);
      // Room for the file after its first row, so it is not copied as it
      // grows (pages reserved and never written cost no memory).
      if (k == start) out.reserve(before + 2 * (out.size() - before + 2) * (end - start) + 16);
      out += k + 1 < end ? ",\n" : "\n";
    }
    out += "]);\n";
    files->push_back({absl::StrCat(kind, "-", n, ".js"), std::move(out)});
  }
}

std::string PolicyText(const Publication& p) {
  if (p.policy_id().empty()) return "—";
  return absl::StrCat("<code>", HtmlEscape(p.policy_id()), "</code>（第 ",
                      p.policy_version(), " 版 / version ", p.policy_version(),
                      "）");
}

std::string NoticePage(const Publication& p, const PublicationEntry& e,
                       const Issuer& issuer) {
  const std::string as_of = FormatDate(p.as_of());
  const std::string start = FormatDate(p.notice_start_date());
  const std::string end = FormatDate(p.notice_end_date());
  const std::string repair = FormatDate(e.earliest_repair_date());
  std::string out = absl::StrCat(
      "<section class=\"notice\">\n<p class=\"ref\">", HtmlEscape(p.name()),
      " · ", HtmlEscape(e.credit_code()), "</p>\n");
  if (issuer.configured()) {
    absl::StrAppend(&out, "<p class=\"issuer\">", HtmlEscape(issuer.name),
                    "</p>\n");
  }
  absl::StrAppend(
      &out,
      "<h1>环境信用黑榜列入告知书<br><span class=\"en\">Notice of "
      "intended listing on the environmental credit black list</span></h1>\n"
      "<table class=\"fields\">\n<tr><th>",
      Label("企业名称", "Enterprise"), "</th><td>", Cell(e.enterprise_name()),
      "</td></tr>\n<tr><th>", Label("统一社会信用代码", "Credit code"),
      "</th><td class=\"mono\">", Cell(e.credit_code()), "</td></tr>\n<tr><th>",
      Label("法定代表人", "Legal representative"), "</th><td>",
      Cell(e.legal_representative()), "</td></tr>\n<tr><th>",
      Label("评价基准日", "As of"), "</th><td>", Cell(as_of),
      "</td></tr>\n<tr><th>", Label("信用等级", "Rating level"), "</th><td>",
      LevelWords(e.level()), "，", e.points(),
      " 分 / points</td></tr>\n</table>\n");

  absl::StrAppend(&out, "<h2>", Label("列入事由", "Reasons"),
                  "</h2>\n<table class=\"reasons\">\n<thead><tr><th>",
                  Label("决定书文号", "Decision number"), "</th><th>",
                  Label("决定机关", "Authority"), "</th><th>",
                  Label("日期", "Date"), "</th><th>", Label("事由", "What"),
                  "</th><th>", Label("分值", "Points"),
                  "</th></tr></thead>\n<tbody>\n");
  for (const v1::ListReason& r : e.reasons()) {
    const DisplayName what = DescribeReason(r);
    absl::StrAppend(&out, "<tr><td>", Cell(r.reference()), "</td><td>",
                    Cell(r.authority()), "</td><td>", DateCell(r.date()),
                    "</td><td>", Cell(what.zh), "<br><span class=\"en\">",
                    HtmlEscape(what.en), "</span></td><td>", r.points(),
                    "</td></tr>\n");
  }
  if (e.reasons().empty()) {
    absl::StrAppend(&out, "<tr class=\"empty\"><td colspan=\"5\">",
                    Label("无", "None"), "</td></tr>\n");
  }
  absl::StrAppend(&out, "</tbody>\n</table>\n");

  absl::StrAppend(
      &out, "<h2>", Label("依据", "Basis"), "</h2>\n<p>依据",
      LegalBasis(issuer), "，按评价办法 ", PolicyText(p), " 评价，贵单位在评价基准日（",
      Cell(as_of),
      "）的环境信用等级为严重失信（黑色），拟列入环境信用黑榜。列入之日起满最短"
      "公示期方可申请信用修复，最长公示期满自动移出。</p>\n<p class=\"en\">"
      "Under the rules named above and the rating policy ",
      PolicyText(p), ", your rating on the as-of date (", Cell(as_of),
      ") is seriously dishonest (Black), so you are to be listed on the "
      "environmental credit black list. Credit repair can be applied for once "
      "the minimum publication period has passed; the entry expires by itself "
      "at the end of the maximum period.</p>\n<table class=\"fields\">\n"
      "<tr><th>",
      Label("列入日期", "Listing date"), "</th><td>",
      DateCell(e.listing_date()), "</td></tr>\n<tr><th>",
      Label("最早可申请修复日期", "Earliest repair date"), "</th><td>",
      Cell(repair), "</td></tr>\n<tr><th>", Label("到期日期", "Expiry date"),
      "</th><td>", DateCell(e.expiry_date()), "</td></tr>\n</table>\n");

  absl::StrAppend(
      &out, "<h2>", Label("权利", "Your rights"), "</h2>\n<ol>\n<li>",
      "如对上述列入事由有异议，可在公示期内（", Cell(start), " 至 ", Cell(end),
      "）提出异议并提交证据。<br><span class=\"en\">If you disagree "
      "with the reasons above, you may object, with evidence, during the "
      "public notice period (",
      Cell(start), " to ", Cell(end), ").</span></li>\n<li>", "自 ",
      Cell(repair),
      " 起，已完成整改、履行行政处罚并作出公开信用承诺的，可申请信用修复。"
      "<br><span class=\"en\">From ",
      Cell(repair),
      ", once the violations are rectified, the penalties performed and a "
      "public credit commitment is on file, you may apply for credit "
      "repair.</span></li>\n</ol>\n<p>",
      Label("受理方式", "Where to apply"), "：", Channel(issuer),
      "</p>\n<p class=\"deadline\">",
      Label("异议截止日期", "Deadline for objections"), ": <strong>", Cell(end),
      "</strong></p>\n");

  if (!e.notice_text().empty()) {
    absl::StrAppend(&out, "<h2>", Label("告知内容", "Notice text"),
                    "</h2>\n<div class=\"text\">", HtmlEscape(e.notice_text()),
                    "</div>\n");
  }
  return out + "</section>\n";
}

absl::TimeZone Beijing() { return absl::FixedTimeZone(8 * 60 * 60); }

constexpr absl::string_view kBeijingFormat = "%Y-%m-%d %H:%M:%S（北京时间）";

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

std::string FormatBeijingTime(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return absl::FormatTime(kBeijingFormat, absl::FromUnixSeconds(time.seconds()),
                          Beijing());
}

std::string FormatBeijingTime(absl::string_view rfc3339) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error)) {
    return std::string(rfc3339);
  }
  return absl::FormatTime(kBeijingFormat, time,  // %S drops the fraction
                          Beijing());
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
  const std::string what = DescribeReason(r).zh;
  if (!what.empty()) absl::StrAppend(&out, ": ", what);
  if (r.points() != 0) absl::StrAppend(&out, " [", r.points(), "]");
  return out;
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

std::string RenderIndexHtml(const Publication& p,
                            const PageContext& context) {
  const Issuer& issuer = context.issuer;
  const DisplayName list = ListDisplay(p.list());
  std::string out = PageStart(
      absl::StrCat(HtmlEscape(ListTitleZh(p.list())), " ",
                   HtmlEscape(ListTitleEn(p.list())), " — ", NumberLabel(p),
                   " (", HtmlEscape(FormatDate(p.as_of())), ")"),
      issuer);
  absl::StrAppend(&out, "<h1>", HtmlEscape(list.zh), "（",
                  HtmlEscape(ListTitleZh(p.list())), "） <span class=\"en\">",
                  HtmlEscape(list.en), "</span> · ", NumberLabel(p),
                  "</h1>\n<dl class=\"meta\">\n");
  AppendMeta(&out, "评价基准日", "As of", DateCell(p.as_of()));
  AppendMeta(&out, "发布时间", "Published (Beijing time)",
             Cell(FormatBeijingTime(p.publish_time())));
  AppendMeta(&out, "名单数量", "Entries", absl::StrCat(p.entries_size()));
  AppendMeta(&out, "评价办法版本", "Rating policy", PolicyText(p));
  AppendMeta(&out, "内容 SHA-256", "Content SHA-256",
             absl::StrCat("<code>", Cell(p.content_sha256()), "</code>"));
  AppendMeta(
      &out, "上一期内容 SHA-256", "Previous content SHA-256",
      absl::StrCat("<code>", Cell(p.previous_content_sha256()), "</code>"));
  absl::StrAppend(&out, "</dl>\n</header>\n<main>\n", AboutSection(p, issuer),
                  "<div class=\"search\">\n<label for=\"search\">",
                  Label("按企业名称或统一社会信用代码搜索",
                        "Search by enterprise name or credit code"),
                  "</label>\n<input id=\"search\" type=\"search\" "
                  "autocomplete=\"off\" spellcheck=\"false\" "
                  "placeholder=\"企业名称 / 信用代码\">\n"
                  "<p id=\"no-match\" hidden>无匹配 / No match</p>\n</div>\n");
  const std::string csv = absl::StrCat(ListSlug(p.list()), "-", p.number(), ".csv");
  absl::StrAppend(&out, "<h2>", Label("名单", "Entries"), " (",
                  p.entries_size(), ")</h2>\n",
                  RowsTable("entries", EntryColumns(p), csv));
  absl::StrAppend(&out, "<h2>",
                  Label("本期移出", "Removed in this publication"), " (",
                  p.removals_size(), ")</h2>\n",
                  RowsTable("removals", RemovalColumns(), csv));
  absl::StrAppend(&out, LinksSection(p, context), "</main>\n<footer>\n",
                  IssuerBlock(issuer), "</footer>\n<script>", kCollectJs,
                  "</script>\n");
  // The rows: scripts of this folder, which a page opened from disk may
  // load (a fetch() from file:// is refused), in order.
  for (const std::string& file : context.data_files) {
    absl::StrAppend(&out, "<script src=\"", HtmlEscape(file), "\"></script>\n");
  }
  absl::StrAppend(&out, "<script>", kSearchJs, "</script>\n</body>\n</html>\n");
  return out;
}

std::vector<FolderFile> RenderIndexDataFiles(const Publication& p) {
  std::vector<FolderFile> files;
  AddDataFiles(p, "entries", p.entries(), [&p](std::string* out, const PublicationEntry& e) {
    AppendEntryRow(out, p, e);
  }, &files);
  AddDataFiles(p, "removals", p.removals(), AppendRemovalRow, &files);
  return files;
}

std::string RenderRootIndexHtml(const Issuer& issuer,
                                const std::vector<PublishedIssue>& issues,
                                absl::string_view public_key_sha256) {
  std::string out =
      PageStart("环境信用红黑榜 Environmental credit lists", issuer);
  absl::StrAppend(
      &out, "<h1>环境信用红黑榜 <span class=\"en\">Environmental credit "
      "lists</span></h1>\n</header>\n<main>\n<p>红榜（守信激励）列出环境信用"
      "评价为环保诚信的企业，黑榜（失信约束）列出严重失信的企业。每一期在各自目录中，"
      "附签名的文件清单。<br><span class=\"en\">The honour list names the "
      "enterprises rated trustworthy; the black list those rated seriously "
      "dishonest. Each publication is a folder with a signed list of its "
      "files.</span></p>\n");
  for (const int kind : {v1::BLACK_LIST, v1::HONOR_LIST}) {
    const std::string slug = ListSlug(kind);
    const DisplayName list = ListDisplay(kind);
    std::vector<const PublishedIssue*> of_list;
    for (const PublishedIssue& issue : issues) {
      if (issue.list == slug) of_list.push_back(&issue);
    }
    std::sort(of_list.begin(), of_list.end(),
              [](const PublishedIssue* a, const PublishedIssue* b) {
                return a->number > b->number;
              });
    const Column number{"期数", "No."};
    const Column as_of{"评价基准日", "As of"};
    const Column published{"发布时间", "Published (Beijing time)"};
    absl::StrAppend(&out, "<h2 id=\"", slug, "\">", HtmlEscape(list.zh),
                    " / <span class=\"en\">", HtmlEscape(list.en),
                    "</span></h2>\n<table class=\"cards\" id=\"", slug,
                    "-publications\">\n",
                    HeaderRow({number, as_of, published}), "<tbody>\n");
    for (const PublishedIssue* issue : of_list) {
      absl::StrAppend(
          &out, "<tr>",
          Td(number, absl::StrCat("<a href=\"", slug, "/", issue->number,
                                  "/index.html\">第 ", issue->number,
                                  " 期 / No. ", issue->number, "</a>")),
          Td(as_of, Cell(issue->as_of)),
          Td(published, Cell(FormatBeijingTime(issue->publish_time))),
          "</tr>\n");
    }
    if (of_list.empty()) {
      absl::StrAppend(&out, "<tr class=\"empty\"><td colspan=\"3\">",
                      Label("尚未发布", "Nothing published yet"),
                      "</td></tr>\n");
    }
    out += "</tbody>\n</table>\n";
  }
  absl::StrAppend(&out, "<h2>", Label("核验", "Checks"), "</h2>\n<p>");
  if (!public_key_sha256.empty()) {
    absl::StrAppend(&out, "<a href=\"", kPublicKeyFile, "\">", kPublicKeyFile,
                    "</a> — ", Label("发布机关公钥", "The issuer's public key"),
                    "，SHA-256 <code>", HtmlEscape(public_key_sha256),
                    "</code>。");
  }
  absl::StrAppend(
      &out,
      "每期目录中的 manifest.sig 可用该公钥核验；本索引页不签名，由每次导出重新"
      "生成。<br><span class=\"en\">Each folder's manifest.sig verifies under "
      "this key; this index page is not signed and is regenerated by every "
      "export.</span></p>\n");
  absl::StrAppend(&out, "<h2>", Label("异议与信用修复", "Objections and repair"),
                  "</h2>\n<p>", Channel(issuer), "</p>\n</main>\n<footer>\n",
                  IssuerBlock(issuer), "</footer>\n</body>\n</html>\n");
  return out;
}

int NoticeCount(const Publication& p) {
  int count = 0;
  for (const PublicationEntry& e : p.entries()) {
    if (!e.notice_text().empty()) ++count;
  }
  return count;
}

std::string RenderNoticesHtml(const Publication& p, const Issuer& issuer) {
  std::string out =
      Head(absl::StrCat("告知书 Notices — ", HtmlEscape(ListTitleZh(p.list())),
                        " ", HtmlEscape(ListTitleEn(p.list())), " ",
                        HtmlEscape(p.name())),
           kNoticeCss);
  out += "<body>\n";
  for (const PublicationEntry& e : p.entries()) {
    if (!e.notice_text().empty()) out += NoticePage(p, e, issuer);
  }
  if (NoticeCount(p) == 0) {
    absl::StrAppend(&out, "<p>", Label("无需告知的企业", "No notices"),
                    "</p>\n");
  }
  return out + "</body>\n</html>\n";
}

}  // namespace envcredit::admin
