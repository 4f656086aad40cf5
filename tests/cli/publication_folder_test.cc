// The publication folder module (admin-cli/publication/publication_folder.h,
// publication_html.h, signing.h) on hand-made publications: the files,
// their formats, reproducibility, and what `verify` catches. No server, no
// client. doc/publication-folder.md describes what is checked here.
#include "admin-cli/publication/publication_folder.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "admin-cli/base/display_names.h"
#include "admin-cli/publication/issuer.h"
#include "admin-cli/publication/publication_html.h"
#include "admin-cli/publication/signing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace envcredit::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A scratch directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/publication_folder_test.XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::system(absl::StrCat("rm -rf '", path_, "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const {
    return absl::StrCat(path_, "/", name);
  }

 private:
  std::string path_;
};

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

v1::Date D(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::PublicationEntry Entry(const std::string& code, const std::string& name,
                           const std::string& decision) {
  v1::PublicationEntry e;
  e.set_credit_code(code);
  e.set_enterprise_name(name);
  e.set_legal_representative("王五");
  e.set_region_code(code.substr(2, 6));
  e.set_level(v1::BLACK);
  e.set_points(-3);
  v1::ListReason* r = e.add_reasons();
  r->set_kind("penalty_decision");
  r->set_reference(decision);
  r->set_authority("苏州市生态环境局");
  *r->mutable_date() = D(2024, 3, 1);
  r->set_description("EXCEEDING_DISCHARGE_STANDARDS: FINE, COURT_ENFORCEMENT");
  r->set_points(-12);
  *e.mutable_listing_date() = D(2024, 3, 1);
  *e.mutable_earliest_repair_date() = D(2025, 3, 1);
  *e.mutable_expiry_date() = D(2027, 3, 1);
  e.set_change(v1::ENTRY_ADDED);
  return e;
}

// A PUBLISHED black-list publication `number` with a consistent content
// hash.
v1::Publication Published(int64_t number, const std::string& previous_content,
                          std::vector<v1::PublicationEntry> entries) {
  v1::Publication p;
  p.set_name(absl::StrCat("lists/black/publications/", 40 + number));
  p.set_list(v1::BLACK_LIST);
  p.set_state(v1::PUBLICATION_PUBLISHED);
  *p.mutable_as_of() = D(2025, 6, 30);
  p.set_number(number);
  for (v1::PublicationEntry& e : entries) *p.add_entries() = std::move(e);
  v1::Removal* removal = p.add_removals();
  removal->set_credit_code("91320500MA1W2X3Y9D");
  removal->set_enterprise_name("旧厂 \"Old\" & Co");
  removal->set_reason(v1::REMOVAL_EXPIRED);
  removal->set_detail("expired on 2025-06-01");
  p.set_entry_count(p.entries_size());
  p.set_added_count(p.entries_size());
  p.set_removed_count(1);
  *p.mutable_notice_start_date() = D(2025, 7, 1);
  *p.mutable_notice_end_date() = D(2025, 7, 15);
  p.mutable_publish_time()->set_seconds(1752631200);  // 2025-07-16T02:00:00Z
  p.set_policy_id("jiangsu-2019");
  p.set_policy_version(2);
  p.set_canonical_content(absl::StrCat("black ", number, "\n"));
  p.set_content_sha256(Sha256Hex(p.canonical_content()));
  p.set_previous_content_sha256(previous_content);
  return p;
}

class FolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Ed25519KeyPair> keys = GenerateEd25519KeyPair();
    ASSERT_TRUE(keys.ok()) << keys.status();
    keys_ = *keys;
    absl::StatusOr<Issuer> issuer = ParseIssuer(
        "name = 示例市生态环境局\naddress = 人民路 1 号\nphone = 0512-12369000\n");
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    issuer_ = *issuer;
    first_ = Published(
        1, "",
        {Entry("91320100MA1W2X3Y6A", "某某化工有限公司", "苏环罚〔2024〕12号"),
         Entry("91320200MA1W2X3Y7B", "Acme <b>Steel</b>",
               "苏环罚〔2024〕15号")});
    second_ = Published(
        2, first_.content_sha256(),
        {Entry("91320300MA1W2X3Y8C", "第三化纤厂", "锡环罚〔2025〕3号")});
  }

  // Exports `p` into root/black/<number> as `lists export` does.
  void Export(const std::string& root, const v1::Publication& p) {
    absl::StatusOr<std::string> previous = PreviousManifestSha256(root, p);
    ASSERT_TRUE(previous.ok()) << previous.status();
    absl::StatusOr<std::vector<FolderFile>> files =
        BuildPublicationFolder(p, *previous, keys_.private_pem, issuer_);
    ASSERT_TRUE(files.ok()) << files.status();
    absl::StatusOr<WriteOutcome> written = WritePublicationFolder(
        PublicationFolderPath(root, "black", p.number()), *files);
    ASSERT_TRUE(written.ok()) << written.status();
  }

  VerifyReport Verify(const std::string& dir) {
    absl::StatusOr<VerifyReport> report =
        VerifyPublicationFolder(dir, keys_.public_pem);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : VerifyReport{};
  }

  Ed25519KeyPair keys_;
  Issuer issuer_;
  v1::Publication first_;
  v1::Publication second_;
  TempDir tmp_;
};

TEST_F(FolderTest, BuildsTheFilesSortedThenManifestAndSignature) {
  absl::StatusOr<std::vector<FolderFile>> files =
      BuildPublicationFolder(first_, "", keys_.private_pem, issuer_);
  ASSERT_TRUE(files.ok()) << files.status();
  std::vector<std::string> names;
  for (const FolderFile& f : *files) names.push_back(f.path);
  // The page's data files (its rows) are files of the folder like the rest.
  EXPECT_THAT(names,
              ElementsAre("black-1.csv", "black-1.json", "entries-1.js",
                          "index.html", "publication.txt", "removals-1.js",
                          "manifest.json", "manifest.sig"));
  EXPECT_EQ((*files)[4].content, first_.canonical_content());
  EXPECT_EQ((*files)[7].content.size(), kEd25519SignatureBytes);
  EXPECT_THAT((*files)[6].content, HasSubstr("\"path\": \"entries-1.js\""));
}

TEST_F(FolderTest, CsvStartsWithBomAndHasABilingualHeader) {
  const std::string csv = RenderEntriesCsv(first_);
  ASSERT_TRUE(absl::StartsWith(csv, "\xEF\xBB\xBF"));
  const std::string header = csv.substr(3, csv.find("\r\n") - 3);
  EXPECT_THAT(header, HasSubstr("统一社会信用代码 / Credit code"));
  EXPECT_THAT(header, HasSubstr("企业名称 / Enterprise"));
  EXPECT_THAT(header, HasSubstr("最早可申请修复日期 / Earliest repair date"));
  EXPECT_THAT(csv, HasSubstr("91320100MA1W2X3Y6A,某某化工有限公司,王五,"));
  EXPECT_THAT(csv, HasSubstr("苏环罚〔2024〕12号 (苏州市生态环境局, "
                             "2024-03-01): 超标排放；罚款、申请法院强制执行 "
                             "[-12]"));
  // The level in words first, for people, and its code, for filters.
  EXPECT_THAT(csv, HasSubstr(",严重失信（黑色） / BLACK,-3,"));
  EXPECT_TRUE(absl::EndsWith(csv, "\r\n"));
}

// A name a spreadsheet would run as a formula goes out as text (issue 18:
// citizens open the published CSV in spreadsheets).
TEST_F(FolderTest, CsvCellsThatLookLikeFormulasAreText) {
  v1::Publication p = first_;
  p.mutable_entries(0)->set_enterprise_name("=HYPERLINK(\"http://evil\",\"点此\")");
  p.mutable_entries(0)->set_legal_representative("@王五");
  const std::string csv = RenderEntriesCsv(p);
  EXPECT_THAT(csv, HasSubstr(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"点此\"\")\",'@王五,"));
  EXPECT_THAT(csv, Not(HasSubstr(",=HYPERLINK")));
}

TEST_F(FolderTest, ManifestHasAStableFormat) {
  Manifest m;
  m.list = "black";
  m.number = 2;
  m.as_of = "2025-06-30";
  m.publish_time = "2025-07-16T02:00:00Z";
  m.policy_id = "jiangsu-2019";
  m.policy_version = 2;
  m.content_sha256 = "aa";
  m.previous_content_sha256 = "bb";
  m.previous_manifest_sha256 = "cc";
  m.files = {{"black-2.csv", "dd", 10}, {"index.html", "ee", 20}};
  EXPECT_EQ(RenderManifestJson(m),
            "{\n"
            "  \"list\": \"black\",\n"
            "  \"number\": 2,\n"
            "  \"as_of\": \"2025-06-30\",\n"
            "  \"publish_time\": \"2025-07-16T02:00:00Z\",\n"
            "  \"policy_id\": \"jiangsu-2019\",\n"
            "  \"policy_version\": 2,\n"
            "  \"content_sha256\": \"aa\",\n"
            "  \"previous_content_sha256\": \"bb\",\n"
            "  \"previous_manifest_sha256\": \"cc\",\n"
            "  \"files\": [\n"
            "    {\n"
            "      \"path\": \"black-2.csv\",\n"
            "      \"sha256\": \"dd\",\n"
            "      \"bytes\": 10\n"
            "    },\n"
            "    {\n"
            "      \"path\": \"index.html\",\n"
            "      \"sha256\": \"ee\",\n"
            "      \"bytes\": 20\n"
            "    }\n"
            "  ]\n"
            "}\n");
  absl::StatusOr<Manifest> parsed = ParseManifestJson(RenderManifestJson(m));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->number, 2);
  EXPECT_EQ(parsed->previous_manifest_sha256, "cc");
  ASSERT_EQ(parsed->files.size(), 2u);
  EXPECT_EQ(parsed->files[1].bytes, 20);
  EXPECT_FALSE(ParseManifestJson("{\"list\": 3}").ok());
  EXPECT_FALSE(ParseManifestJson("not json").ok());
}

// doc/publication-folder.md says Python's json.dumps(indent=2,
// ensure_ascii=False) prints the same bytes: check it, and the entries JSON
// too (with quotes, '&', '<' and Chinese in it).
TEST_F(FolderTest, JsonFilesAreWhatPythonJsonDumpsPrints) {
  absl::StatusOr<std::vector<FolderFile>> files =
      BuildPublicationFolder(first_, "", keys_.private_pem, issuer_);
  ASSERT_TRUE(files.ok());
  for (const FolderFile& f : *files) {
    if (!absl::EndsWith(f.path, ".json")) continue;
    Write(tmp_.File(f.path), f.content);
    const std::string command = absl::StrCat(
        "python3 -c 'import json,sys; d=json.load(open(sys.argv[1], "
        "encoding=\"utf-8\")); sys.stdout.write(json.dumps(d, indent=2, "
        "ensure_ascii=False) + \"\\n\")' ",
        tmp_.File(f.path), " > ", tmp_.File(f.path + ".py"));
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    EXPECT_EQ(Read(tmp_.File(f.path + ".py")), f.content) << f.path;
  }
}

// The entries are printed field by field, not through a Json tree
// (2026-12-05): entries with no reason, with two, and names with control
// characters, backslashes and quotes still print as json.dumps prints them,
// and the CSV cells that need quotes (a comma, a quote, a line break, a
// space at either end) get them, the others none.
TEST_F(FolderTest, OddEntriesPrintAsPythonPrintsThem) {
  v1::Publication p = first_;
  v1::PublicationEntry* bare = p.mutable_entries(0);
  bare->clear_reasons();
  bare->set_enterprise_name("Tab\there \\ \"q\" \x01 line\nbreak");
  bare->set_legal_representative(" 李四");
  v1::PublicationEntry* two = p.add_entries();
  *two = Entry("91320100MA1W2X3Y7B", "乙厂, Ltd", "苏环罚〔2024〕13号");
  *two->add_reasons() = two->reasons(0);
  two->mutable_reasons(1)->set_description("AIR_POLLUTION: FINE");
  two->set_legal_representative("赵六 ");
  const std::string json = RenderEntriesJson(p);
  Write(tmp_.File("odd.json"), json);
  const std::string command = absl::StrCat(
      "python3 -c 'import json,sys; d=json.load(open(sys.argv[1], "
      "encoding=\"utf-8\")); sys.stdout.write(json.dumps(d, indent=2, "
      "ensure_ascii=False) + \"\\n\")' ",
      tmp_.File("odd.json"), " > ", tmp_.File("odd.json.py"));
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  EXPECT_EQ(Read(tmp_.File("odd.json.py")), json);
  EXPECT_THAT(json, HasSubstr("\"reasons\": [],"));

  const std::string csv = RenderEntriesCsv(p);
  EXPECT_THAT(csv, HasSubstr(",\"Tab\there \\ \"\"q\"\" \x01 line\nbreak\",\" 李四\","));
  EXPECT_THAT(csv, HasSubstr("91320100MA1W2X3Y7B,\"乙厂, Ltd\",\"赵六 \",320100,"));
  EXPECT_THAT(csv, HasSubstr(" [-12]; 苏环罚〔2024〕13号 (苏州市生态环境局, 2024-03-01): "));
}

TEST_F(FolderTest, BuildingTwiceGivesTheSameBytes) {
  absl::StatusOr<std::vector<FolderFile>> a =
      BuildPublicationFolder(second_, std::string(64, 'a'), keys_.private_pem, issuer_);
  absl::StatusOr<std::vector<FolderFile>> b =
      BuildPublicationFolder(second_, std::string(64, 'a'), keys_.private_pem, issuer_);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t k = 0; k < a->size(); ++k) {
    EXPECT_EQ((*a)[k].content, (*b)[k].content) << (*a)[k].path;
  }
}

TEST_F(FolderTest, RefusesWhatMustNotBeExported) {
  v1::Publication notice = first_;
  notice.set_state(v1::PUBLICATION_NOTICE);
  EXPECT_EQ(
      BuildPublicationFolder(notice, "", keys_.private_pem, issuer_).status().code(),
      absl::StatusCode::kFailedPrecondition);

  v1::Publication tampered = first_;
  tampered.set_canonical_content("black 1 (changed)\n");
  absl::Status status =
      BuildPublicationFolder(tampered, "", keys_.private_pem, issuer_).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("content_sha256"));

  EXPECT_EQ(
      BuildPublicationFolder(second_, "", keys_.private_pem, issuer_).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildPublicationFolder(first_, "", "not a key", issuer_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The page of `p` as BuildPublicationFolder makes it.
std::string PageOf(const v1::Publication& p, const Issuer& issuer) {
  PageContext context;
  context.issuer = issuer;
  context.files = {"black-1.csv", "black-1.json", "publication.txt",
                   "manifest.json", "manifest.sig"};
  context.public_key_sha256 = std::string(64, 'b');
  for (const FolderFile& f : RenderIndexDataFiles(p)) context.data_files.push_back(f.path);
  return RenderIndexHtml(p, context);
}

// Its data files, one after the other.
std::string DataOf(const v1::Publication& p) {
  std::string out;
  for (const FolderFile& f : RenderIndexDataFiles(p)) out += f.content;
  return out;
}

TEST_F(FolderTest, HtmlEscapesEveryValue) {
  v1::Publication p = first_;
  p.mutable_entries(0)->set_enterprise_name(
      "<script>alert('x')</script> & \"Co\"\u2028");
  const std::string html = PageOf(p, issuer_);
  // The rows are not in the page: they are data, set as text by the page.
  EXPECT_THAT(html, Not(HasSubstr("alert")));
  EXPECT_THAT(html, Not(HasSubstr("Acme")));
  const std::string data = DataOf(p);
  EXPECT_THAT(data, Not(HasSubstr("<")));
  EXPECT_THAT(data, HasSubstr("\"\\u003cscript>alert('x')\\u003c/script> & "
                              "\\\"Co\\\"\\u2028\""));
  EXPECT_THAT(data, HasSubstr("Acme \\u003cb>Steel\\u003c/b>"));
  EXPECT_THAT(data, HasSubstr("旧厂 \\\"Old\\\" & Co"));
  // The scripts: the collector, one per data file of the folder, the
  // search; nothing from elsewhere.
  size_t scripts = 0;
  for (size_t at = html.find("<script"); at != std::string::npos;
       at = html.find("<script", at + 1)) {
    ++scripts;
  }
  EXPECT_EQ(scripts, 4u);
  EXPECT_THAT(html, HasSubstr("<script src=\"entries-1.js\"></script>\n"
                              "<script src=\"removals-1.js\"></script>"));
  Issuer marked = issuer_;
  marked.name = "<b>局</b>";
  EXPECT_THAT(PageOf(first_, marked), Not(HasSubstr("<b>局</b>")));
}

TEST_F(FolderTest, DataFilesHoldTwoThousandRowsEachInOrder) {
  v1::Publication p = first_;
  p.clear_removals();
  const v1::PublicationEntry model = p.entries(0);
  p.clear_entries();
  for (int i = 0; i < 4001; ++i) {
    v1::PublicationEntry* e = p.add_entries();
    *e = model;
    e->set_credit_code(absl::StrFormat("913201000000%06d", i));
  }
  const std::vector<FolderFile> files = RenderIndexDataFiles(p);
  ASSERT_EQ(files.size(), 3u);  // no removals, no removals file
  EXPECT_EQ(files[0].path, "entries-1.js");
  EXPECT_EQ(files[2].path, "entries-3.js");
  EXPECT_THAT(files[0].content, HasSubstr("entries 1-2000 of 4001"));
  EXPECT_THAT(files[1].content, HasSubstr("[\"913201000000002000\","));
  EXPECT_THAT(files[1].content, Not(HasSubstr("\"913201000000004000\"")));
  EXPECT_THAT(files[2].content, HasSubstr("entries 4001-4001 of 4001"));
  EXPECT_THAT(files[2].content, HasSubstr("[\"913201000000004000\","));
  // The page stays small: it only names the files.
  EXPECT_LT(PageOf(p, issuer_).size(), PageOf(first_, issuer_).size() + 200);
}

TEST_F(FolderTest, IndexSpeaksToCitizensInWords) {
  const std::string html = PageOf(first_, issuer_);
  EXPECT_THAT(html, HasSubstr("<title>黑榜 Black list — 第 1 期 / No. 1 "
                              "(2025-06-30) — 示例市生态环境局</title>"));
  // Beijing time, to the second: 02:00 UTC is 10:00 in Beijing.
  EXPECT_THAT(html, HasSubstr("2025-07-16 10:00:00（北京时间）"));
  EXPECT_THAT(html, Not(HasSubstr("2025-07-16T02:00:00Z")));
  // Reasons in words, not codes.
  EXPECT_THAT(DataOf(first_), HasSubstr("超标排放；罚款、申请法院强制执行"));
  EXPECT_THAT(DataOf(first_), Not(HasSubstr("EXCEEDING_DISCHARGE_STANDARDS")));
  // What an entry means, the basis in words, objections and repair, where.
  EXPECT_THAT(html, HasSubstr("本名单说明"));
  EXPECT_THAT(html, HasSubstr("严重失信（黑色）"));
  EXPECT_THAT(html, HasSubstr("环发〔2013〕150号"));
  EXPECT_THAT(html, HasSubstr("2025-07-01 至 2025-07-15 向社会公示"));
  EXPECT_THAT(html, HasSubstr("信用修复"));
  EXPECT_THAT(html, HasSubstr("向示例市生态环境局提出，地址：人民路 1 号，电话："
                              "0512-12369000"));
  // The issuer, not the software, in the footer; nothing cites our docs.
  EXPECT_THAT(html, HasSubstr("<a href=\"tel:0512-12369000\">"));
  EXPECT_THAT(html, Not(HasSubstr("envcredit")));
  EXPECT_THAT(html, Not(HasSubstr("SPEC")));
  EXPECT_THAT(html, Not(HasSubstr("doc/")));
  // The black list's own columns, with the labels a phone shows on cards.
  EXPECT_THAT(html, HasSubstr("最早可申请修复日期"));
  EXPECT_THAT(html, HasSubstr("data-label=\"到期日期 / Expiry date\""));
  EXPECT_THAT(html, HasSubstr("@media (max-width: 44rem)"));
  EXPECT_THAT(html, HasSubstr("<table id=\"removals\" class=\"cards\">"));
  EXPECT_THAT(DataOf(first_), HasSubstr("公示期满移出 / Publication period ended"));
  // Links: every file, the key with its fingerprint, all publications; no
  // previous publication for number 1; nothing fetched from elsewhere.
  for (const char* file : {"black-1.csv", "black-1.json", "publication.txt",
                           "manifest.json", "manifest.sig"}) {
    EXPECT_THAT(html, HasSubstr(absl::StrCat("<a href=\"", file, "\">")));
  }
  EXPECT_THAT(html, HasSubstr("<a href=\"../../public-key.pem\">"));
  EXPECT_THAT(html, HasSubstr(std::string(64, 'b')));
  EXPECT_THAT(html, HasSubstr("<a href=\"../../index.html\">"));
  EXPECT_THAT(html, Not(HasSubstr("<a href=\"../0/")));
  EXPECT_THAT(PageOf(second_, issuer_),
              HasSubstr("<a href=\"../1/index.html\">"));
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr(" src=\"http")));
  EXPECT_THAT(html, Not(HasSubstr(" src=\"/")));
  // Search as before.
  EXPECT_THAT(html, HasSubstr("<input id=\"search\" type=\"search\""));
  EXPECT_THAT(html, HasSubstr("<p id=\"no-match\" hidden>无匹配 / No match"));
  EXPECT_THAT(DataOf(first_),
              HasSubstr("[\"91320100MA1W2X3Y6A\",\"某某化工有限公司\","));
}

TEST_F(FolderTest, HonourListHasItsOwnColumns) {
  v1::Publication honor = first_;
  honor.set_list(v1::HONOR_LIST);
  for (v1::PublicationEntry& e : *honor.mutable_entries()) {
    e.set_level(v1::GREEN);
    e.clear_reasons();
    e.clear_earliest_repair_date();
    e.clear_expiry_date();
  }
  const std::string html = PageOf(honor, issuer_);
  EXPECT_THAT(html, HasSubstr("环境信用红榜（红榜）"));
  EXPECT_THAT(html, HasSubstr("<th data-label=\"信用等级 / Rating\">"));
  EXPECT_THAT(DataOf(honor), HasSubstr(",\"环保诚信（绿色） / "));
  EXPECT_THAT(html, Not(HasSubstr("最早可申请修复日期")));
  EXPECT_THAT(html, Not(HasSubstr("列入原因")));
}

TEST_F(FolderTest, WithoutAnIssuerThePageSaysSo) {
  const std::string html = PageOf(first_, Issuer{});
  EXPECT_THAT(html, HasSubstr("发布机关：未配置"));
  EXPECT_THAT(html, HasSubstr("<title>黑榜 Black list — 第 1 期 / No. 1 "
                              "(2025-06-30)</title>"));
}

TEST_F(FolderTest, NoticesHaveOnePagePerCandidateWithDeadlineAndRights) {
  v1::Publication p = first_;
  p.set_state(v1::PUBLICATION_NOTICE);
  p.mutable_entries(0)->set_notice_text("拟列入黑榜。");
  p.mutable_entries(1)->set_notice_text("<to be listed>");
  const std::string html = RenderNoticesHtml(p, issuer_);
  EXPECT_EQ(NoticeCount(p), 2);
  size_t pages = 0;
  for (size_t at = html.find("<section class=\"notice\">");
       at != std::string::npos;
       at = html.find("<section class=\"notice\">", at + 1)) {
    ++pages;
  }
  EXPECT_EQ(pages, 2u);
  EXPECT_THAT(html, HasSubstr("page-break-after: always"));
  EXPECT_THAT(html, HasSubstr("异议截止日期 / <span class=\"en\">Deadline for "
                              "objections</span>: <strong>2025-07-15"));
  EXPECT_THAT(html, HasSubstr("法定代表人 / <span class=\"en\">Legal "
                              "representative"));
  EXPECT_THAT(html, HasSubstr("苏环罚〔2024〕15号"));
  EXPECT_THAT(html, HasSubstr("超标排放；罚款、申请法院强制执行"));
  EXPECT_THAT(html, HasSubstr("jiangsu-2019"));
  EXPECT_THAT(html, HasSubstr("环发〔2013〕150号"));
  EXPECT_THAT(html, HasSubstr("<p class=\"issuer\">示例市生态环境局</p>"));
  EXPECT_THAT(html, HasSubstr("0512-12369000"));
  EXPECT_THAT(html, Not(HasSubstr("SPEC")));
  EXPECT_THAT(html, Not(HasSubstr("doc/")));
  EXPECT_THAT(html, HasSubstr("credit repair"));
  EXPECT_THAT(html, HasSubstr("&lt;to be listed&gt;"));
  p.mutable_entries(0)->clear_notice_text();
  p.mutable_entries(1)->clear_notice_text();
  EXPECT_THAT(RenderNoticesHtml(p, issuer_), HasSubstr("No notices"));
}

TEST(IssuerTest, ParsesTheFileAndNamesWhatIsWrong) {
  absl::StatusOr<Issuer> ok = ParseIssuer(
      "# the bureau\nname = 示例局\naddress=路 1 号\n  phone = 12369 \n"
      "website = https://example.gov.cn\n");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->name, "示例局");
  EXPECT_EQ(ok->address, "路 1 号");
  EXPECT_EQ(ok->phone, "12369");
  EXPECT_EQ(ok->website, "https://example.gov.cn");
  const auto message = [](absl::string_view text) {
    return std::string(ParseIssuer(text).status().message());
  };
  EXPECT_THAT(message("name = a\naddress = b\n"), HasSubstr("'phone'"));
  EXPECT_THAT(message("name = a\naddress = b\nphone = c\nfax = d\n"),
              HasSubstr("line 4: unknown key 'fax'"));
  EXPECT_THAT(message("name = a\nname = b\n"),
              HasSubstr("line 2: 'name' repeated (first on line 1)"));
  EXPECT_THAT(message("name a\n"), HasSubstr("line 1: expected"));
  EXPECT_THAT(
      message("name = a\naddress = b\nphone = c\nwebsite = http://x\n"),
      HasSubstr("https://"));
}

TEST(DisplayNamesTest, ReasonsAndLevelsInWords) {
  v1::ListReason r;
  r.set_kind("penalty_decision");
  r.set_description(
      "TAMPERING_WITH_MONITORING_DATA: TRANSFER_FOR_ADMINISTRATIVE_DETENTION, "
      "TAMPERING");
  EXPECT_EQ(DescribeReason(r).zh,
            "篡改、伪造监测数据；移送行政拘留、篡改、伪造监测数据");
  r.set_description("NEW_KIND_FROM_A_NEWER_SERVER: FINE");
  EXPECT_EQ(DescribeReason(r).zh, "NEW_KIND_FROM_A_NEWER_SERVER；罚款");
  EXPECT_EQ(DescribeReason(r).en, "NEW_KIND_FROM_A_NEWER_SERVER; fine");
  r.set_kind("incident");
  r.set_description("environmental incident (突发环境事件)");
  EXPECT_EQ(DescribeReason(r).zh, "突发环境事件");
  EXPECT_EQ(RatingLevelDisplay(v1::BLACK).Both(), "严重失信 / Seriously dishonest");
  EXPECT_EQ(RemovalReasonDisplay(v1::REMOVAL_REPAIRED).zh, "信用修复");
  EXPECT_EQ(RemovalReasonDisplay(99).zh, "99");
  EXPECT_EQ(ListDisplay(v1::HONOR_LIST).zh, "环境信用红榜");
}

TEST_F(FolderTest, WritingAgainIsUnchangedAndADifferenceIsRefused) {
  absl::StatusOr<std::vector<FolderFile>> files =
      BuildPublicationFolder(first_, "", keys_.private_pem, issuer_);
  ASSERT_TRUE(files.ok());
  const std::string dir = PublicationFolderPath(tmp_.path(), "black", 1);
  EXPECT_EQ(*WritePublicationFolder(dir, *files), WriteOutcome::kWritten);
  EXPECT_EQ(*WritePublicationFolder(dir, *files), WriteOutcome::kUnchanged);
  (*files)[0].content += "x";
  absl::StatusOr<WriteOutcome> again = WritePublicationFolder(dir, *files);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("black-1.csv differs"));
  // No temporary folder is left behind.
  EXPECT_EQ(std::system(absl::StrCat("test -z \"$(ls -A '", tmp_.path(),
                                     "/black' | grep -v '^1$')\"")
                            .c_str()),
            0);
}

TEST_F(FolderTest, PreviousManifestMustBeThereAndMatch) {
  EXPECT_EQ(PreviousManifestSha256(tmp_.path(), second_).status().code(),
            absl::StatusCode::kNotFound);
  Export(tmp_.path(), first_);
  absl::StatusOr<std::string> previous =
      PreviousManifestSha256(tmp_.path(), second_);
  ASSERT_TRUE(previous.ok());
  EXPECT_EQ(*previous, Sha256Hex(Read(tmp_.File("black/1/manifest.json"))));
  v1::Publication wrong = second_;
  wrong.set_previous_content_sha256(std::string(64, '0'));
  EXPECT_EQ(PreviousManifestSha256(tmp_.path(), wrong).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(FolderTest, VerifyPassesOnAFreshFolder) {
  Export(tmp_.path(), first_);
  const VerifyReport report = Verify(tmp_.File("black/1"));
  EXPECT_THAT(report.problems, IsEmpty());
  EXPECT_EQ(report.files, 6);  // csv, json, page, content, two data files
}

TEST_F(FolderTest, VerifyNamesAChangedDataFileOfThePage) {
  Export(tmp_.path(), first_);
  const std::string data = Read(tmp_.File("black/1/entries-1.js"));
  Write(tmp_.File("black/1/entries-1.js"), data + "addRows(\"entries\", []);\n");
  EXPECT_THAT(Verify(tmp_.File("black/1")).problems,
              ElementsAre(HasSubstr("entries-1.js: size differs"),
                          HasSubstr("entries-1.js: SHA-256 differs")));
}

TEST_F(FolderTest, VerifyNamesAChangedByteInTheCsv) {
  Export(tmp_.path(), first_);
  std::string csv = Read(tmp_.File("black/1/black-1.csv"));
  csv[csv.size() / 2] ^= 0x01;
  Write(tmp_.File("black/1/black-1.csv"), csv);
  EXPECT_THAT(Verify(tmp_.File("black/1")).problems,
              ElementsAre(HasSubstr("black-1.csv: SHA-256 differs")));
}

TEST_F(FolderTest, VerifyNamesAChangedByteInIndexHtml) {
  Export(tmp_.path(), first_);
  std::string html = Read(tmp_.File("black/1/index.html"));
  html[100] = html[100] == 'x' ? 'y' : 'x';
  Write(tmp_.File("black/1/index.html"), html);
  EXPECT_THAT(Verify(tmp_.File("black/1")).problems,
              ElementsAre(HasSubstr("index.html: SHA-256 differs")));
}

TEST_F(FolderTest, VerifyNamesAMissingFile) {
  Export(tmp_.path(), first_);
  ASSERT_EQ(::unlink(tmp_.File("black/1/black-1.json").c_str()), 0);
  EXPECT_THAT(Verify(tmp_.File("black/1")).problems,
              ElementsAre("missing file black-1.json"));
}

TEST_F(FolderTest, VerifyNamesAnExtraFile) {
  Export(tmp_.path(), first_);
  Write(tmp_.File("black/1/extra.txt"), "hello\n");
  EXPECT_THAT(
      Verify(tmp_.File("black/1")).problems,
      ElementsAre("extra file extra.txt (not listed in manifest.json)"));
}

TEST_F(FolderTest, VerifyCatchesATamperedManifest) {
  Export(tmp_.path(), first_);
  std::string manifest = Read(tmp_.File("black/1/manifest.json"));
  const size_t at = manifest.find("jiangsu-2019");
  manifest.replace(at, 12, "jiangsu-2020");
  Write(tmp_.File("black/1/manifest.json"), manifest);
  EXPECT_THAT(
      Verify(tmp_.File("black/1")).problems,
      ElementsAre(HasSubstr("manifest.sig: signature does not verify")));
}

TEST_F(FolderTest, VerifyFailsWithAnotherPublicKey) {
  Export(tmp_.path(), first_);
  absl::StatusOr<Ed25519KeyPair> other = GenerateEd25519KeyPair();
  ASSERT_TRUE(other.ok());
  absl::StatusOr<VerifyReport> report =
      VerifyPublicationFolder(tmp_.File("black/1"), other->public_pem);
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->problems,
              ElementsAre(HasSubstr("signature does not verify")));
  EXPECT_EQ(
      VerifyPublicationFolder(tmp_.File("black/1"), "junk").status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(FolderTest, VerifyNamesAModifiedPublicationTxt) {
  Export(tmp_.path(), first_);
  // Change publication.txt and fix its line in the manifest, re-signed: the
  // file hashes agree, but content_sha256 does not.
  Write(tmp_.File("black/1/publication.txt"), "black 1 forged\n");
  absl::StatusOr<Manifest> m =
      ParseManifestJson(Read(tmp_.File("black/1/manifest.json")));
  ASSERT_TRUE(m.ok());
  for (Manifest::File& f : m->files) {
    if (f.path == "publication.txt") {
      f.sha256 = Sha256Hex("black 1 forged\n");
      f.bytes = 15;
    }
  }
  const std::string text = RenderManifestJson(*m);
  Write(tmp_.File("black/1/manifest.json"), text);
  Write(tmp_.File("black/1/manifest.sig"),
        *SignEd25519(keys_.private_pem, text));
  EXPECT_THAT(Verify(tmp_.File("black/1")).problems,
              ElementsAre(HasSubstr("publication.txt: SHA-256 does not match "
                                    "content_sha256")));
}

TEST_F(FolderTest, ChainPassesAndCatchesAResignedPreviousManifestHash) {
  Export(tmp_.path(), first_);
  Export(tmp_.path(), second_);
  absl::StatusOr<VerifyReport> chain =
      VerifyPublicationChain(tmp_.File("black"), keys_.public_pem);
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_THAT(chain->problems, IsEmpty());
  EXPECT_EQ(chain->folders, 2);

  // Alter 2's previous_manifest_sha256 and sign it again: folder 2 alone
  // still verifies, the chain does not.
  absl::StatusOr<Manifest> m =
      ParseManifestJson(Read(tmp_.File("black/2/manifest.json")));
  ASSERT_TRUE(m.ok());
  m->previous_manifest_sha256 = std::string(64, 'f');
  const std::string text = RenderManifestJson(*m);
  Write(tmp_.File("black/2/manifest.json"), text);
  Write(tmp_.File("black/2/manifest.sig"),
        *SignEd25519(keys_.private_pem, text));
  EXPECT_THAT(Verify(tmp_.File("black/2")).problems, IsEmpty());
  chain = VerifyPublicationChain(tmp_.File("black"), keys_.public_pem);
  ASSERT_TRUE(chain.ok());
  EXPECT_THAT(chain->problems,
              ElementsAre(HasSubstr("2/manifest.json: previous_manifest_sha256 "
                                    "does not match 1/manifest.json")));
}

TEST_F(FolderTest, ChainNamesTheFolderAtFaultAndAGap) {
  Export(tmp_.path(), first_);
  Export(tmp_.path(), second_);
  std::string csv = Read(tmp_.File("black/2/black-2.csv"));
  Write(tmp_.File("black/2/black-2.csv"), csv + "x");
  ASSERT_EQ(std::system(absl::StrCat("mv '", tmp_.File("black/1"), "' '",
                                     tmp_.File("black/.old1"), "'")
                            .c_str()),
            0);
  absl::StatusOr<VerifyReport> chain =
      VerifyPublicationChain(tmp_.File("black"), keys_.public_pem);
  ASSERT_TRUE(chain.ok());
  EXPECT_THAT(chain->problems,
              ElementsAre("extra folder .old1 at the list root (only the "
                          "publication folders 1, 2, ... belong there)",
                          "missing folder 1 (the chain must hold 1..2)",
                          HasSubstr("2/black-2.csv: size differs"),
                          HasSubstr("2/black-2.csv: SHA-256 differs")));
}

// Only ROOT/<honor|black>/<number>, as `lists export` writes it, names a
// place that `lists verify` checks the manifest against.
TEST(FolderPlaceTest, OnlyTheCanonicalLayoutNamesAListAndNumber) {
  struct Case {
    const char* path;
    bool named;
    const char* list;
    int64_t number;
  };
  const Case cases[] = {
      {"/srv/public/black/3", true, "black", 3},
      {"public/honor/12/", true, "honor", 12},
      {"/srv/public/black/3/.", true, "black", 3},
      {"/srv/public/honor/../black/2", true, "black", 2},
      {"black/1", true, "black", 1},
      {"/srv/public/black/03", false, "", 0},
      {"/srv/public/black/0", false, "", 0},
      {"/srv/public/black/+3", false, "", 0},
      {"/srv/public/grey/3", false, "", 0},
      {"/srv/public/Black/3", false, "", 0},
      {"/tmp/x", false, "", 0},
      {"/srv/public/black", false, "", 0},
      {"/3", false, "", 0},
      {"", false, "", 0},
  };
  for (const Case& c : cases) {
    FolderPlace place;
    EXPECT_EQ(FolderPlaceOfPath(c.path, &place), c.named) << c.path;
    if (c.named) {
      EXPECT_EQ(place.list, c.list) << c.path;
      EXPECT_EQ(place.number, c.number) << c.path;
    }
  }
}

// The by-hand check of doc/publication-folder.md, with the openssl and
// sha256sum commands it gives.
TEST_F(FolderTest, OpensslAndSha256sumVerifyAFolderByHand) {
  Export(tmp_.path(), first_);
  Write(tmp_.File("pub.pem"), keys_.public_pem);
  const std::string dir = tmp_.File("black/1");
  EXPECT_EQ(std::system(
                absl::StrCat("cd '", dir,
                             "' && openssl pkeyutl -verify -pubin -inkey '",
                             tmp_.File("pub.pem"),
                             "' -rawin -in manifest.json -sigfile manifest.sig "
                             ">/dev/null")
                    .c_str()),
            0);
  // The manifest's hashes in sha256sum's check format.
  EXPECT_EQ(
      std::system(
          absl::StrCat("cd '", dir,
                       "' && python3 -c 'import json; [print(f[\"sha256\"] + "
                       "\"  \" + f[\"path\"]) for f in "
                       "json.load(open(\"manifest.json\"))[\"files\"]]' | "
                       "sha256sum --check --strict --quiet")
              .c_str()),
      0);
  // A tampered manifest fails openssl too.
  Write(dir + "/manifest.json", Read(dir + "/manifest.json") + " ");
  EXPECT_NE(std::system(
                absl::StrCat("cd '", dir,
                             "' && openssl pkeyutl -verify -pubin -inkey '",
                             tmp_.File("pub.pem"),
                             "' -rawin -in manifest.json -sigfile manifest.sig "
                             ">/dev/null 2>&1")
                    .c_str()),
            0);
}

TEST(Signing, SignaturesAreDeterministicAndBoundToKeyAndMessage) {
  absl::StatusOr<Ed25519KeyPair> a = GenerateEd25519KeyPair();
  absl::StatusOr<Ed25519KeyPair> b = GenerateEd25519KeyPair();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_THAT(a->private_pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  EXPECT_THAT(a->public_pem, HasSubstr("-----BEGIN PUBLIC KEY-----"));
  EXPECT_EQ(*PublicKeyPem(a->private_pem), a->public_pem);
  const std::string s1 = *SignEd25519(a->private_pem, "message");
  EXPECT_EQ(*SignEd25519(a->private_pem, "message"), s1);
  EXPECT_TRUE(*VerifyEd25519(a->public_pem, "message", s1));
  EXPECT_FALSE(*VerifyEd25519(a->public_pem, "messagE", s1));
  EXPECT_FALSE(*VerifyEd25519(b->public_pem, "message", s1));
  EXPECT_FALSE(*VerifyEd25519(a->public_pem, "message", s1.substr(1)));
  EXPECT_FALSE(VerifyEd25519("junk", "message", s1).ok());
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Signing, KeyFilesAreNeverOverwrittenAndThePrivateOneIs0600) {
  TempDir tmp;
  const std::string dir = tmp.File("keys");
  absl::StatusOr<Ed25519KeyPair> pair = WriteKeyPairFiles(dir, "test");
  ASSERT_TRUE(pair.ok()) << pair.status();
  struct stat st;
  ASSERT_EQ(::stat((dir + "/test.key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir + "/test.pub.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(Read(dir + "/test.key.pem"), pair->private_pem);
  const std::string before = Read(dir + "/test.key.pem");
  EXPECT_EQ(WriteKeyPairFiles(dir, "test").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Read(dir + "/test.key.pem"), before);
  // Only the public file there: still refused, the private one not made.
  ASSERT_EQ(::unlink((dir + "/test.key.pem").c_str()), 0);
  EXPECT_EQ(WriteKeyPairFiles(dir, "test").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_NE(::access((dir + "/test.key.pem").c_str(), F_OK), 0);
  EXPECT_EQ(WriteKeyPairFiles(dir, "a/b").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace envcredit::admin
