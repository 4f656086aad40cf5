// The record imports (doc/import.md) against a fake server: CSV -> request
// mapping in English and Chinese, BOM and quoted newlines, the errors file,
// batching, and re-runs that store nothing twice.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/import/import_rows.h"
#include "admin-cli/import/record_import.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_runner.h"

namespace envcredit::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::FakeEnterpriseClient;
using testing::FakeRecordClient;
using testing::RunWithFake;

std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/", name);
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

std::string ReadBack(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Imported {
  int exit_code;
  std::string out, err;
};

Imported Import(RecordKind kind, const std::string& path,
                FakeRecordClient& fake, int batch_size = 1000) {
  RecordImportOptions options;
  options.kind = kind;
  options.path = path;
  options.batch_size = batch_size;
  options.clock_skew = absl::ZeroDuration();
  std::ostringstream out, err;
  const int code = RunRecordImport(options, fake, out, err);
  return {code, out.str(), err.str()};
}

constexpr char kCode[] = "91320100MA1W2X3Y6A";

std::string EnglishDecisions() {
  return absl::StrCat(
      "credit_code,authority,decision_number,violation_type,decision_date,"
      "measures,fine_yuan,tampering,recurrence_of\n",
      kCode, ",南京市生态环境局,宁环罚〔2024〕1号,EXCEEDING_DISCHARGE_STANDARDS,"
             "2024-03-05,\"FINE,ORDER_TO_CORRECT\",200000,,\n",
      kCode, ",南京市生态环境局,宁环罚〔2024〕2号,超标排放,2024-05-06,"
             "按日连续处罚,\"1,050,000.50\",否,\n",
      kCode, ",南京市生态环境局,宁环罚〔2024〕3号,篡改伪造监测数据,2024/6/7,"
             "移送行政拘留,,是,\n",
      kCode, ",南京市生态环境局,宁环罚〔2024〕9号,超标排放,2024年9月1日,"
             "\"罚款、查封、扣押\",50000,,宁环罚〔2024〕1号\n");
}

TEST(DecisionHeaderTest, EnglishAndChineseNamesMapToTheSameColumns) {
  const auto en = MapRecordHeader(
      RecordKind::kDecisions,
      {"credit_code", "Authority", "decision_number", "violation_type",
       "decision_date", "measures", "fine_yuan"});
  ASSERT_TRUE(en.ok()) << en.status();
  const auto zh = MapRecordHeader(
      RecordKind::kDecisions,
      {"统一社会信用代码", "处罚机关", "决定书文号", "违法类型", "处罚决定日期",
       "处罚措施", "罚款金额（元）", "企业名称"});
  ASSERT_TRUE(zh.ok()) << zh.status();
  EXPECT_EQ(zh->index.at("fine_yuan"), 6);
  EXPECT_EQ(zh->Heading("decision_number"), "决定书文号");
}

TEST(DecisionHeaderTest, UnknownRepeatedAndMissingColumnsAreRefused) {
  EXPECT_THAT(std::string(MapRecordHeader(RecordKind::kDecisions,
                                          {"credit_code", "colour"})
                              .status()
                              .message()),
              HasSubstr("unknown column 'colour'"));
  EXPECT_THAT(std::string(MapRecordHeader(RecordKind::kDecisions,
                                          {"credit_code", "统一社会信用代码"})
                              .status()
                              .message()),
              HasSubstr("appears twice"));
  EXPECT_THAT(std::string(MapRecordHeader(RecordKind::kDecisions,
                                          {"credit_code"})
                              .status()
                              .message()),
              HasSubstr("required column 'authority'"));
}

TEST(DecisionRowTest, MapsEveryColumn) {
  const auto header = MapRecordHeader(
      RecordKind::kDecisions,
      {"credit_code", "authority", "decision_number", "violation_type",
       "decision_date", "measures", "fine_yuan", "tampering", "recurrence_of"});
  ASSERT_TRUE(header.ok());
  CsvRecord record{2,
                   {kCode, "南京市生态环境局", "宁环罚〔2024〕2号", "超标排放",
                    "2024-5-6", "罚款; 责令改正", "1,050,000.5", "是",
                    "宁环罚〔2024〕1号"}};
  const DecisionRow row = DecisionRowToRequest(*header, record);
  ASSERT_TRUE(row.ok) << row.error.message;
  const auto& d = row.request.penalty_decision();
  EXPECT_EQ(row.request.parent(), absl::StrCat("enterprises/", kCode));
  EXPECT_EQ(d.violation_type(), v1::EXCEEDING_DISCHARGE_STANDARDS);
  EXPECT_EQ(d.decision_date().month(), 5);
  EXPECT_THAT(d.measures(), ElementsAre(v1::FINE, v1::ORDER_TO_CORRECT));
  EXPECT_EQ(d.fine_amount_fen(), 105000050);
  EXPECT_TRUE(d.tampering_with_monitoring_data());
  EXPECT_TRUE(d.recurrence());
  EXPECT_EQ(row.recurrence_number, "宁环罚〔2024〕1号");
  EXPECT_EQ(row.recurrence_authority, "南京市生态环境局");
  EXPECT_THAT(row.request.request_id(), ::testing::StartsWith("import-"));
  // The same row gives the same request_id.
  EXPECT_EQ(DecisionRowToRequest(*header, record).request.request_id(),
            row.request.request_id());
  // ... made of these fields in this order, as earlier releases made it: a
  // file imported by them is answered from the request log on re-import.
  EXPECT_EQ(row.request.request_id(),
            ImportHash({"envcredit.import.v1.decision", kCode, "南京市生态环境局",
                        "宁环罚〔2024〕2号",
                        absl::StrCat(static_cast<int>(v1::EXCEEDING_DISCHARGE_STANDARDS)),
                        "2024-05-06", "105000050", "1", "1", "宁环罚〔2024〕1号",
                        absl::StrCat(static_cast<int>(v1::FINE)),
                        absl::StrCat(static_cast<int>(v1::ORDER_TO_CORRECT))}));
}

// The request_id hash is FNV-1a with 128 bits over length-prefixed fields
// ("28:envcredit.import.v1.decision18:9132..."); the expected value was
// computed with Python's integers from the FNV reference parameters (offset
// basis 0x6c62272e07bb014262b821756295c58d, prime 2^88 + 0x13b), not by
// this code.
TEST(ImportHashTest, IsFnv1a128OfLengthPrefixedFields) {
  const std::string expected = "import-65d8f6322bd3eff1a6d43a22767bbf18";
  EXPECT_EQ(ImportHash({"envcredit.import.v1.decision", "91320100MA1W2X3Y7B",
                        "苏州市生态环境局", "苏环罚〔2024〕12号"}),
            expected);
  const absl::string_view views[] = {"envcredit.import.v1.decision",
                                     "91320100MA1W2X3Y7B", "苏州市生态环境局",
                                     "苏环罚〔2024〕12号"};
  EXPECT_EQ(ImportHashOf(views), expected);
  EXPECT_NE(ImportHash({"ab", "c"}), ImportHash({"a", "bc"}));
}

TEST(DecisionRowTest, BadCellsNameTheirColumn) {
  const auto header = MapRecordHeader(
      RecordKind::kDecisions,
      {"统一社会信用代码", "处罚机关", "决定书文号", "违法类型", "处罚决定日期",
       "处罚措施"});
  ASSERT_TRUE(header.ok());
  struct Case {
    std::vector<std::string> fields;
    std::string column, reason;
  };
  const std::vector<Case> cases = {
      {{kCode, "局", "1号", "超标排放", "2024-02-30", "警告"}, "处罚决定日期",
       "INVALID_DATE"},
      {{kCode, "局", "1号", "偷排", "2024-02-03", "警告"}, "违法类型",
       "INVALID_VALUE"},
      {{kCode, "局", "1号", "超标排放", "2024-02-03", "警告,警告"}, "处罚措施",
       "INVALID_MEASURES"},
      {{kCode, "", "1号", "超标排放", "2024-02-03", "警告"}, "处罚机关",
       "MISSING_VALUE"},
      {{kCode, "局"}, "", "WRONG_FIELD_COUNT"},
  };
  for (const Case& c : cases) {
    const DecisionRow row = DecisionRowToRequest(*header, {7, c.fields});
    EXPECT_FALSE(row.ok);
    EXPECT_EQ(row.error.column, c.column) << row.error.message;
    EXPECT_EQ(row.error.reason, c.reason) << row.error.message;
  }
}

TEST(DecisionImportTest, StoresEveryRowAndResolvesRecurrences) {
  FakeRecordClient fake;
  const std::string path = WriteFile("d-en.csv", EnglishDecisions());
  const Imported r = Import(RecordKind::kDecisions, path, fake);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  const auto stored = fake.decisions();
  ASSERT_EQ(stored.size(), 4u);
  const auto& recurrence = stored.at("南京市生态环境局|宁环罚〔2024〕9号");
  EXPECT_EQ(recurrence.recurrence_of(),
            stored.at("南京市生态环境局|宁环罚〔2024〕1号").name());
  EXPECT_THAT(recurrence.measures(), ElementsAre(v1::FINE, v1::SEAL_OR_SEIZURE));
  EXPECT_EQ(fake.singles().size(), 1u);  // the recurrence, after the batch
  EXPECT_THAT(r.out, HasSubstr("created"));
}

TEST(DecisionImportTest, ChineseHeadersBomCrlfAndQuotedNewlines) {
  FakeRecordClient fake;
  const std::string path = WriteFile(
      "d-zh.csv",
      absl::StrCat("\xEF\xBB\xBF统一社会信用代码,企业名称,处罚机关,决定书文号,"
                   "违法类型,处罚决定日期,处罚措施,罚款金额（元）,备注\r\n",
                   kCode, ",\"（虚构）示例\n化工\",苏州市生态环境局,苏环罚〔2024〕7号,"
                          "未批先建,2024-01-02,\"责令改正,罚款\",100000,"
                          "\"第一行\r\n第二行, 含逗号\"\r\n"));
  const Imported r = Import(RecordKind::kDecisions, path, fake);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake.decisions().size(), 1u);
  EXPECT_EQ(fake.decisions().begin()->second.violation_type(),
            v1::BUILDING_WITHOUT_EIA_APPROVAL);
}

TEST(DecisionImportTest, BatchesOfAThousandAndFailuresMappedToTheirLines) {
  FakeRecordClient fake;
  std::string csv =
      "credit_code,authority,decision_number,violation_type,decision_date,"
      "measures,fine_fen\n";
  for (int k = 0; k < 2500; ++k) {
    std::string code = kCode;
    std::string fen = "500000";
    if (k == 1234) code = "NOPE0100MA1W2X3Y6A";  // unknown enterprise
    if (k == 2001) fen = "0";                     // a fine without amount
    absl::StrAppend(&csv, code, ",局,N", k, ",OTHER,2024-01-02,FINE,", fen,
                    "\n");
  }
  const std::string path = WriteFile("d-many.csv", csv);
  const Imported r = Import(RecordKind::kDecisions, path, fake);
  EXPECT_NE(r.exit_code, kExitOk);
  std::vector<int> sizes = fake.batch_sizes();
  std::sort(sizes.begin(), sizes.end());
  EXPECT_THAT(sizes, ElementsAre(500, 1000, 1000));
  EXPECT_EQ(fake.decisions().size(), 2498u);

  const std::string errors = ReadBack(TempPath("d-many.errors.csv"));
  const std::vector<std::string> lines =
      absl::StrSplit(errors.substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << errors;
  EXPECT_THAT(lines[0], ::testing::StartsWith("line,column,code,reason,message,"
                                              "credit_code,authority"));
  // Data row k is on line k + 2.
  EXPECT_THAT(lines[1], ::testing::StartsWith(
                            "1236,credit_code,NOT_FOUND,ENTERPRISE_NOT_FOUND,"));
  EXPECT_THAT(lines[2], ::testing::StartsWith(
                            "2003,fine_fen,INVALID_ARGUMENT,INVALID_FINE_AMOUNT"));
  EXPECT_THAT(lines[2], HasSubstr(",N2001,"));
}

// The file's rows are sorted by credit code a window at a time and cut into
// batches that keep an enterprise's rows together, so the batches in flight
// name disjoint enterprises: 7 enterprises with 430 interleaved rows each,
// windows of 1,000 rows, batches of at most 300. Within an enterprise the
// rows keep their file order.
TEST(DecisionImportTest, SortedWindowsKeepEachEnterpriseInOneBatch) {
  FakeRecordClient fake;
  std::string csv =
      "credit_code,authority,decision_number,violation_type,decision_date,"
      "measures,fine_fen\n";
  const int kEnterprises = 7, kRows = 7 * 430;
  for (int k = 0; k < kRows; ++k) {
    // Codes in an order unlike the file's: 6, 5, ..., 0, 6, 5, ...
    absl::StrAppend(&csv, "9132010", kEnterprises - 1 - k % kEnterprises,
                    "MA1W2X3Y6A,局,N", k, ",OTHER,2024-01-02,WARNING,\n");
  }
  const std::string path = WriteFile("d-sorted.csv", csv);
  RecordImportOptions options;
  options.kind = RecordKind::kDecisions;
  options.path = path;
  options.batch_size = 300;
  options.sort_window = 1000;
  options.concurrency = 1;  // the calls in the order they were cut
  std::ostringstream out, err;
  ASSERT_EQ(RunRecordImport(options, fake, out, err), kExitOk) << err.str();
  EXPECT_EQ(fake.decisions().size(), static_cast<size_t>(kRows));

  // Window by window (1,000 rows: 142 or 143 of each enterprise), every
  // enterprise's rows are in one batch of 300 or fewer, in code order, and
  // in file order (ascending numbers N<k>) within the enterprise.
  int rows = 0;
  std::set<std::string> seen_in_window;
  for (const auto& batch : fake.batch_items()) {
    EXPECT_LE(batch.size(), 300u);
    std::set<std::string> in_batch;
    for (size_t k = 0; k < batch.size(); ++k) {
      in_batch.insert(batch[k].first);
      if (k == 0) continue;
      EXPECT_LE(batch[k - 1].first, batch[k].first);
      if (batch[k - 1].first == batch[k].first) {
        EXPECT_LT(std::stoi(batch[k - 1].second.substr(1)),
                  std::stoi(batch[k].second.substr(1)));
      }
    }
    for (const std::string& parent : in_batch) {
      EXPECT_TRUE(seen_in_window.insert(parent).second)
          << parent << " is in two batches of one window";
    }
    rows += static_cast<int>(batch.size());
    if (rows % 1000 == 0 || rows == kRows) seen_in_window.clear();
  }
  EXPECT_EQ(rows, kRows);
}

TEST(DecisionImportTest, ReRunStoresNothingTwice) {
  FakeRecordClient fake;
  const std::string path = WriteFile("d-rerun.csv", EnglishDecisions());
  ASSERT_EQ(Import(RecordKind::kDecisions, path, fake).exit_code, kExitOk);
  const auto first = fake.decisions();
  const Imported again = Import(RecordKind::kDecisions, path, fake);
  EXPECT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(fake.decisions().size(), first.size());
  EXPECT_THAT(again.out, HasSubstr("already_existed  4"));
}

// A batch that outlived the CLI's deadline (a loaded server) may have
// been stored: it is sent again with the same request ids, and every row
// ends up stored once, none failed.
TEST(DecisionImportTest, ABatchPastItsDeadlineIsSentAgainAndStoredOnce) {
  FakeRecordClient fake;
  fake.late_next_batches = 1;
  const std::string path = WriteFile("d-late.csv", EnglishDecisions());
  const Imported r = Import(RecordKind::kDecisions, path, fake);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("failed           0"));
  EXPECT_EQ(fake.decisions().size(), 4u);
  EXPECT_EQ(fake.late_next_batches, 0);  // the late answer was met
  FakeRecordClient on_time;
  ASSERT_EQ(Import(RecordKind::kDecisions, path, on_time).exit_code, kExitOk);
  EXPECT_EQ(fake.batch_sizes().size(), on_time.batch_sizes().size() + 1);
}

TEST(DecisionImportTest, UnreachableServerFailsEveryRowWithExit5) {
  FakeRecordClient fake;
  fake.unavailable = true;
  const std::string path = WriteFile("d-down.csv", EnglishDecisions());
  const Imported r = Import(RecordKind::kDecisions, path, fake);
  EXPECT_EQ(r.exit_code, kExitUnavailable) << r.err;
}

TEST(DecisionImportTest, AFileThatIsNotCsvSendsNothing) {
  FakeRecordClient fake;
  const std::string path = WriteFile("d-bad.csv", "credit_code,\"oops\n");
  EXPECT_EQ(Import(RecordKind::kDecisions, path, fake).exit_code,
            kExitInvalidInput);
  EXPECT_TRUE(fake.batch_sizes().empty());
}

std::string Commitments() {
  return absl::StrCat(
      "统一社会信用代码,承诺编号,承诺类型,承诺人,签署日期,是否公开,承诺事项,"
      "完成期限,践诺情况,核查日期,核查说明\n",
      kCode, ",C1,信用承诺书,张三,2024-01-10,是,完成脱硫改造,2024-06-30,践诺,"
             "2024-07-02,已完成\n",
      kCode, ",C1,信用承诺书,张三,2024-01-10,是,\"安装在线监测\n并联网\","
             "2024-08-31,违诺,2024-09-03,未安装\n",
      kCode, ",C2,整改承诺,李四,2024-02-01,否,,,,,\n",
      kCode, ",C3,责任书,王五,2024-02-01,否,事项,2024-03-01,,,\n",
      kCode, ",C3,责任书,赵六,2024-02-01,否,事项二,2024-03-01,,,\n");
}

TEST(CommitmentImportTest, GroupsRowsIntoCommitmentsAndChecksItems) {
  FakeRecordClient fake;
  const std::string path = WriteFile("c.csv", Commitments());
  const Imported r = Import(RecordKind::kCommitments, path, fake);
  EXPECT_EQ(r.exit_code, kExitInvalidInput) << r.err;  // C3 is inconsistent
  const auto stored = fake.commitments();
  ASSERT_EQ(stored.size(), 2u);
  int with_items = 0;
  for (const auto& [id, c] : stored) {
    if (c.items_size() == 2) {
      ++with_items;
      EXPECT_TRUE(c.public_());
      EXPECT_EQ(c.items(0).state(), v1::KEPT);
      EXPECT_EQ(c.items(1).state(), v1::BROKEN);
      EXPECT_EQ(c.items(1).description(), "安装在线监测\n并联网");
    } else {
      EXPECT_EQ(c.items_size(), 0);
    }
  }
  EXPECT_EQ(with_items, 1);
  const std::string errors = ReadBack(TempPath("c.errors.csv"));
  EXPECT_THAT(errors, HasSubstr("\r\n6,,INVALID_ARGUMENT,COMMITMENT_NOT_STORED"));
  EXPECT_THAT(errors, HasSubstr("\r\n7,承诺人,INVALID_ARGUMENT,"
                                "INCONSISTENT_COMMITMENT"));

  // A re-run creates nothing and checks nothing again.
  const size_t checks = fake.checks().size();
  const Imported again = Import(RecordKind::kCommitments, path, fake);
  EXPECT_EQ(fake.commitments().size(), 2u);
  EXPECT_EQ(fake.checks().size(), checks);
  EXPECT_THAT(again.out, HasSubstr("already_existed  3"));
}

TEST(ComplaintImportTest, MapsDecisionReferencesAndIsIdempotent) {
  FakeRecordClient fake;
  const std::string path = WriteFile(
      "p.csv",
      absl::StrCat("credit_code,case_number,received_date,channel,"
                   "substantiated,summary,decision_authority,decision_numbers\n",
                   kCode, ",XF-1,2024-02-20,12369,是,夜间偷排,南京市生态环境局,"
                          "\"宁环罚〔2024〕1号；苏州市生态环境局：苏环罚〔2024〕7号\"\n",
                   kCode, ",XF-2,2024-02-21,电报,否,,,\n"));
  const Imported r = Import(RecordKind::kComplaints, path, fake);
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  ASSERT_EQ(fake.complaints().size(), 1u);
  const v1::Complaint c = fake.complaints().begin()->second;
  EXPECT_EQ(c.channel(), v1::HOTLINE_12369);
  EXPECT_TRUE(c.substantiated());
  ASSERT_EQ(c.decision_references_size(), 2);
  EXPECT_EQ(c.decision_references(1).authority(), "苏州市生态环境局");
  EXPECT_THAT(ReadBack(TempPath("p.errors.csv")),
              HasSubstr("\r\n3,channel,INVALID_ARGUMENT,INVALID_VALUE"));
  Import(RecordKind::kComplaints, path, fake);
  EXPECT_EQ(fake.complaints().size(), 1u);
}

TEST(ImportCommandTest, ReachableThroughTheImportGroup) {
  FakeEnterpriseClient enterprises;
  FakeRecordClient records;
  const std::string path = WriteFile("cmd.csv", EnglishDecisions());
  const auto r = RunWithFake({"import", "decisions", path}, enterprises, "",
                             &records);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(records.decisions().size(), 4u);
  const std::string ent = WriteFile(
      "ent.csv", absl::StrCat("credit_code,name,industry\n", kCode,
                              ",（虚构）示例,化工\n"));
  EXPECT_EQ(RunWithFake({"import", "enterprises", ent}, enterprises, "",
                        &records)
                .exit_code,
            kExitOk);
  EXPECT_EQ(enterprises.size(), 1u);
}

}  // namespace
}  // namespace envcredit::admin
