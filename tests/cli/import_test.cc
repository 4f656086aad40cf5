// `enterprises import`: header mapping, row conversion, deterministic
// request ids, batching, counting, the errors file and the exit code.
#include <ostream>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "admin-cli/exit_codes.h"
#include "admin-cli/import/enterprise_import.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_runner.h"

namespace envcredit::admin {
namespace {

using testing::FakeEnterpriseClient;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::RunWithFake;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

class ImportTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    std::remove(ErrorsPathFor(path).c_str());
    return path;
  }
  testing::CliResult Import(const std::string& path,
                            const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = extra;
    args.insert(args.end(), {"enterprises", "import", path});
    return RunWithFake(args, fake_);
  }
  // With flags of the import command itself (--batch-size, --concurrency).
  testing::CliResult ImportWith(const std::string& path,
                                const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"enterprises", "import"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(path);
    return RunWithFake(args, fake_);
  }
  FakeEnterpriseClient fake_;
};

TEST(ImportHeaderTest, AnyOrderAnyCaseBom) {
  const auto columns =
      MapImportHeader({"Name", " industry ", "CREDIT_CODE", "status"});
  ASSERT_TRUE(columns.ok()) << columns.status();
  EXPECT_EQ(columns->name, 0);
  EXPECT_EQ(columns->industry, 1);
  EXPECT_EQ(columns->credit_code, 2);
  EXPECT_EQ(columns->status, 3);
  EXPECT_EQ(columns->address, -1);
}

struct BadHeaderCase {
  std::vector<std::string> header;
  std::string expected;
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const BadHeaderCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(absl::StrJoin(c.header, ",")).substr(0, 60));
}

class ImportBadHeaderTest : public ::testing::TestWithParam<BadHeaderCase> {};

TEST_P(ImportBadHeaderTest, IsRefused) {
  const auto columns = MapImportHeader(GetParam().header);
  ASSERT_FALSE(columns.ok());
  EXPECT_EQ(columns.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(columns.status().message()),
              HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Table, ImportBadHeaderTest,
    ::testing::Values(
        BadHeaderCase{{"credit_code", "name", "industry", "phone"},
                      "unknown column 'phone' (column 4)"},
        BadHeaderCase{{"credit_code", "name", "industry", "Name"},
                      "column 'name' appears twice"},
        BadHeaderCase{{"credit_code", "industry"},
                      "required column 'name' is missing"},
        BadHeaderCase{{"name", "industry"},
                      "required column 'credit_code' is missing"}));

TEST(ImportRowTest, RequestIdDependsOnContentOnly) {
  const auto columns =
      *MapImportHeader({"credit_code", "name", "industry", "status"});
  const RowRequest a =
      RowToRequest(columns, {2, {"913201000000000010", "甲", "化工", ""}});
  const RowRequest b = RowToRequest(
      columns, {9, {" 913201000000000010 ", "甲", "chemicals", " "}});
  const RowRequest c =
      RowToRequest(columns, {2, {"913201000000000010", "乙", "化工", ""}});
  ASSERT_TRUE(a.ok && b.ok && c.ok);
  EXPECT_EQ(a.request.request_id(), b.request.request_id());
  EXPECT_NE(a.request.request_id(), c.request.request_id());
  EXPECT_EQ(a.request.request_id().substr(0, 7), "import-");
  EXPECT_EQ(a.request.request_id().size(), 7u + 32u);
  // Stable across builds and machines: a fixed value.
  EXPECT_EQ(a.request.request_id(), ImportRequestId(a.request.enterprise()));
}

TEST(ImportRowTest, LocalErrorsNameTheColumn) {
  const auto columns =
      *MapImportHeader({"credit_code", "name", "industry", "status"});
  RowRequest r = RowToRequest(columns, {2, {"C", "N", "farming", ""}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.column, "industry");
  EXPECT_EQ(r.error.reason, "INVALID_INDUSTRY");
  r = RowToRequest(columns, {2, {"C", "N", "", ""}});
  EXPECT_EQ(r.error.reason, "MISSING_INDUSTRY");
  r = RowToRequest(columns, {2, {"C", "N", "STEEL", "asleep"}});
  EXPECT_EQ(r.error.column, "status");
  r = RowToRequest(columns, {2, {"C", "N", "STEEL"}});
  EXPECT_EQ(r.error.reason, "WRONG_FIELD_COUNT");
}

TEST(ImportPathTest, ErrorsFileBesideTheInput) {
  EXPECT_EQ(ErrorsPathFor("data/x.csv"), "data/x.errors.csv");
  EXPECT_EQ(ErrorsPathFor("data/X.CSV"), "data/X.errors.csv");
  EXPECT_EQ(ErrorsPathFor("data/x"), "data/x.errors.csv");
}

constexpr char kGoodFile[] =
    "\xEF\xBB\xBF"
    "name,credit_code,industry,region_code,legal_representative,address,"
    "status\r\n"
    "（虚构）甲示例化工,913201000000000010,化工,320115,张三,\"南京市,示例路 "
    "1 号\",在营\r\n"
    "\"（虚构）乙示例\"\"钢铁\"\"\",913201000000000011,STEEL,,李四,,"
    "suspended\r\n"
    ",,,,,,\r\n"  // an empty row from a spreadsheet: skipped
    "（虚构）丙示例,913201000000000012,other,,,,\r\n";

TEST_F(ImportTest, ImportsEveryRowAndARerunCreatesNothingNew) {
  const std::string path = Write("good.csv", kGoodFile);
  auto r = Import(path);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rows             3\n"));
  EXPECT_THAT(r.out, HasSubstr("created          3\n"));
  EXPECT_THAT(r.out, HasSubstr("failed           0\n"));
  EXPECT_FALSE(Exists(ErrorsPathFor(path)));
  EXPECT_EQ(fake_.size(), 3u);

  // One BatchCreateEnterprises call for the three rows, in file order; no
  // single creates.
  EXPECT_THAT(fake_.creates(), IsEmpty());
  ASSERT_EQ(fake_.batches().size(), 1u);
  ASSERT_EQ(fake_.batch_items().size(), 3u);
  EXPECT_EQ(fake_.batch_items()[0].enterprise().credit_code(),
            "913201000000000010");
  std::map<std::string, v1::CreateEnterpriseRequest> by_code;
  for (const auto& c : fake_.batch_items())
    by_code[c.enterprise().credit_code()] = c;
  const auto& first = by_code.at("913201000000000010").enterprise();
  EXPECT_EQ(first.address(), "南京市,示例路 1 号");
  EXPECT_EQ(first.industry(), v1::CHEMICALS);
  EXPECT_EQ(first.status(), v1::OPERATING);
  EXPECT_EQ(by_code.at("913201000000000011").enterprise().display_name(),
            "（虚构）乙示例\"钢铁\"");

  // Same file again: same request ids, nothing created twice. The server
  // replays each item, and the rows count as created by this import.
  const size_t calls = fake_.batch_items().size();
  r = Import(path, {"--output", "json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake_.size(), 3u);
  EXPECT_THAT(r.out, HasSubstr("\"created\": 3"));
  EXPECT_THAT(r.out, HasSubstr("\"failed\": 0"));
  const auto creates = fake_.batch_items();
  ASSERT_EQ(creates.size(), 2 * calls);
  for (size_t k = calls; k < creates.size(); ++k) {
    bool seen = false;
    for (size_t j = 0; j < calls; ++j) {
      seen |= creates[j].request_id() == creates[k].request_id();
    }
    EXPECT_TRUE(seen) << creates[k].request_id();
  }
  EXPECT_THAT(r.out, HasSubstr("\"rows\": 3"));
}

TEST_F(ImportTest, AlreadyExistingRowsAreNotFailures) {
  const std::string path = Write("exists.csv", kGoodFile);
  ASSERT_EQ(Import(path).exit_code, kExitOk);
  // The same enterprises with other content: new request ids, so the
  // server answers ALREADY_EXISTS.
  std::string changed = kGoodFile;
  for (size_t pos; (pos = changed.find("示例")) != std::string::npos;) {
    changed.replace(pos, 6, "样例");
  }
  const std::string path2 = Write("exists2.csv", changed);
  const auto r = Import(path2, {"--output=csv"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  // The summary every import prints: file, kind, rows, created,
  // already_existed, failed, errors_file, seconds, rows_per_second.
  EXPECT_THAT(r.out, HasSubstr("file,kind,rows,created,already_existed,failed,errors_file,"
                               "seconds,rows_per_second\r\n"));
  EXPECT_THAT(r.out, HasSubstr(",enterprises,3,0,3,0,,"));
}

TEST_F(ImportTest, FailedRowsGoToTheErrorsFileAndTheExitCodeSaysWhy) {
  const std::string path =
      Write("mixed.csv",
            "credit_code,name,industry\n"
            "913201000000000010,（虚构）好示例,STEEL\n"
            "BAD000000000000000,（虚构）坏示例,STEEL\n"
            "913201000000000012,（虚构）怪示例,farming\n"
            "913201000000000013,,STEEL\n"
            "913201000000000014,\"two\nlines\",STEEL,extra\n");
  const auto r = Import(path);
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  EXPECT_THAT(r.out, HasSubstr("created          1\n"));
  EXPECT_THAT(r.out, HasSubstr("failed           4\n"));
  // The rows that became requests went in one call; the server refused two
  // of its items and stored the third.
  ASSERT_EQ(fake_.batches().size(), 1u);
  EXPECT_EQ(fake_.batches()[0].requests_size(), 3);
  EXPECT_EQ(fake_.size(), 1u);
  EXPECT_THAT(r.err, HasSubstr("line 3: credit_code: INVALID_ARGUMENT "
                               "INVALID_CREDIT_CODE"));
  EXPECT_THAT(r.err, HasSubstr("line 4: industry: INVALID_ARGUMENT "
                               "INVALID_INDUSTRY"));

  const std::string errors = Slurp(ErrorsPathFor(path));
  EXPECT_EQ(errors.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(errors, HasSubstr("line,column,code,reason,message,credit_code,"
                                "name,industry\r\n"));
  EXPECT_THAT(errors, HasSubstr("3,credit_code,INVALID_ARGUMENT,"
                                "INVALID_CREDIT_CODE,"));
  EXPECT_THAT(errors,
              HasSubstr(",BAD000000000000000,（虚构）坏示例,STEEL\r\n"));
  EXPECT_THAT(errors,
              HasSubstr("5,name,INVALID_ARGUMENT,INVALID_DISPLAY_NAME"));
  // The multi-line row is reported at the line where it starts.
  EXPECT_THAT(errors, HasSubstr("6,,INVALID_ARGUMENT,WRONG_FIELD_COUNT,"));
  EXPECT_THAT(errors, HasSubstr("\"two\nlines\",STEEL,extra\r\n"));

  // Fixed, the next run removes the stale errors file.
  const std::string fixed = Write("mixed.csv",
                                  "credit_code,name,industry\n"
                                  "913201000000000010,（虚构）好示例,STEEL\n");
  std::ofstream(ErrorsPathFor(fixed)) << "stale";
  EXPECT_EQ(Import(fixed).exit_code, kExitOk);
  EXPECT_FALSE(Exists(ErrorsPathFor(fixed)));
}

TEST_F(ImportTest, UnreachableServerStopsSendingAndExits5) {
  std::string text = "credit_code,name,industry\n";
  for (int k = 0; k < 50; ++k) {
    text += absl::StrCat("9132010000000000", 10 + k, ",（虚构）示例", k,
                         ",STEEL\n");
  }
  const std::string path = Write("down.csv", text);
  fake_.unavailable = true;
  const auto r = ImportWith(path, {"--batch-size", "10"});
  EXPECT_EQ(r.exit_code, kExitUnavailable);
  EXPECT_THAT(r.out, HasSubstr("failed           50\n"));
  EXPECT_THAT(r.err, HasSubstr("could not be reached"));
  // Only the first batch is sent (with its retries: 3 attempts); it finds
  // the server down and the other four batches are not sent.
  const auto batches = fake_.batches();
  ASSERT_EQ(batches.size(), 3u);
  for (const auto& b : batches) {
    ASSERT_EQ(b.requests_size(), 10);
    EXPECT_EQ(b.requests(0).enterprise().credit_code(), "913201000000000010");
  }
  const std::string errors = Slurp(ErrorsPathFor(path));
  // Rows 2..11 (the first batch) failed with the call; the 40 others were
  // not sent.
  EXPECT_THAT(errors, HasSubstr("\r\n2,,UNAVAILABLE,,connection refused,"));
  EXPECT_THAT(errors, HasSubstr("\r\n11,,UNAVAILABLE,,connection refused,"));
  EXPECT_THAT(errors, HasSubstr("\r\n12,,UNAVAILABLE,NOT_SENT,"));
  EXPECT_THAT(errors, HasSubstr("\r\n51,,UNAVAILABLE,NOT_SENT,"));
  int not_sent = 0;
  for (size_t pos = errors.find("NOT_SENT"); pos != std::string::npos;
       pos = errors.find("NOT_SENT", pos + 1)) {
    ++not_sent;
  }
  EXPECT_EQ(not_sent, 40);
}

// `count` rows with distinct valid credit codes.
std::string ManyRows(int count) {
  std::string text = "credit_code,name,industry\n";
  for (int k = 0; k < count; ++k) {
    text += absl::StrCat("913201000000", 100000 + k, ",（虚构）示例", k,
                         ",STEEL\n");
  }
  return text;
}

TEST_F(ImportTest, RowsGoInBatchesOfAtMost500) {
  const std::string path = Write("batches.csv", ManyRows(1200));
  const auto r = Import(path);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("created          1200\n"));
  EXPECT_EQ(fake_.size(), 1200u);
  EXPECT_THAT(fake_.creates(), IsEmpty());
  const auto batches = fake_.batches();
  ASSERT_EQ(batches.size(), 3u);
  std::multiset<int> sizes;
  std::set<std::string> ids;
  for (const auto& b : batches) {
    sizes.insert(b.requests_size());
    for (const auto& item : b.requests()) ids.insert(item.request_id());
  }
  EXPECT_EQ(sizes, (std::multiset<int>{200, 500, 500}));
  EXPECT_EQ(ids.size(), 1200u);  // every row once, each its own request_id
  // The first batch (sent alone) holds the first 500 rows.
  EXPECT_EQ(batches[0].requests_size(), 500);
  EXPECT_EQ(batches[0].requests(0).enterprise().credit_code(),
            "913201000000100000");
}

TEST_F(ImportTest, BatchSizeFlag) {
  const std::string path = Write("batch-size.csv", ManyRows(25));
  const auto r = ImportWith(path, {"--batch-size", "10"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake_.batches().size(), 3u);
  EXPECT_EQ(fake_.size(), 25u);
  for (const char* bad : {"0", "1001", "x"}) {
    const auto u = ImportWith(path, {"--batch-size", bad});
    EXPECT_EQ(u.exit_code, kExitUsage) << bad;
    EXPECT_THAT(u.err, HasSubstr("--batch-size must be a whole number from 1 to 1000")) << bad;
  }
  EXPECT_EQ(fake_.batches().size(), 3u);  // nothing more sent
}

TEST_F(ImportTest, OneBadRowInABatchFailsAloneTheOthersAreStored) {
  const std::string path =
      Write("one-bad.csv",
            "credit_code,name,industry\n"
            "913201000000000010,（虚构）一,STEEL\n"
            "913201000000000011,（虚构）二,STEEL\n"
            "BAD000000000000000,（虚构）坏,STEEL\n"
            "913201000000000013,（虚构）四,STEEL\n"
            "913201000000000010,（虚构）一的另一行,STEEL\n");
  const auto r = Import(path);
  EXPECT_EQ(r.exit_code, kExitInvalidInput) << r.err;
  EXPECT_THAT(r.out, HasSubstr("created          3\n"));
  // The last row's credit code was taken earlier in the same batch.
  EXPECT_THAT(r.out, HasSubstr("already_existed  1\n"));
  EXPECT_THAT(r.out, HasSubstr("failed           1\n"));
  ASSERT_EQ(fake_.batches().size(), 1u);
  EXPECT_EQ(fake_.batches()[0].requests_size(), 5);
  EXPECT_EQ(fake_.size(), 3u);
  const std::string errors = Slurp(ErrorsPathFor(path));
  EXPECT_EQ(errors,
            "\xEF\xBB\xBF"
            "line,column,code,reason,message,credit_code,name,industry\r\n"
            "4,credit_code,INVALID_ARGUMENT,INVALID_CREDIT_CODE,"
            "enterprise.credit_code: must be 18 valid characters,"
            "BAD000000000000000,（虚构）坏,STEEL\r\n");
}

TEST_F(ImportTest, LostAnswerIsRetriedWithTheSameIdsAndCountedOnce) {
  const std::string path = Write("lost.csv", ManyRows(5));
  fake_.lose_next_answers = 1;  // the first batch is stored, its answer lost
  const auto r = ImportWith(path, {"--batch-size", "3"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rows             5\n"));
  EXPECT_THAT(r.out, HasSubstr("created          5\n"));
  EXPECT_THAT(r.out, HasSubstr("already_existed  0\n"));
  EXPECT_THAT(r.out, HasSubstr("failed           0\n"));
  EXPECT_EQ(fake_.size(), 5u);
  const auto batches = fake_.batches();
  ASSERT_EQ(batches.size(), 3u);  // the first batch twice, then the second
  ASSERT_EQ(batches[0].requests_size(), 3);
  ASSERT_EQ(batches[1].requests_size(), 3);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(batches[0].requests(k).request_id(),
              batches[1].requests(k).request_id());
  }
  EXPECT_EQ(batches[2].requests_size(), 2);
  const auto call_ids = fake_.call_ids();
  ASSERT_EQ(call_ids.size(), 3u);
  EXPECT_NE(call_ids[0], call_ids[1]);  // a fresh x-request-id per attempt
}

struct BadFileCase {
  std::string name;
  std::string text;
  std::string expected;
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const BadFileCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(c.name).substr(0, 60));
}

class ImportBadFileTest : public ImportTest,
                          public ::testing::WithParamInterface<BadFileCase> {};

TEST_P(ImportBadFileTest, SendsNothingAndExits3) {
  const std::string path = Write(GetParam().name + ".csv", GetParam().text);
  const auto r = Import(path);
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  EXPECT_THAT(r.err, HasSubstr(GetParam().expected));
  EXPECT_THAT(fake_.creates(), IsEmpty());
  EXPECT_THAT(fake_.batches(), IsEmpty());
  EXPECT_THAT(r.out, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, ImportBadFileTest,
    ::testing::Values(
        BadFileCase{"empty", "", "the file is empty"},
        BadFileCase{"unknown_column", "credit_code,name,industry,phone\n",
                    "unknown column 'phone'"},
        BadFileCase{"unterminated",
                    "credit_code,name,industry\nA,\"B,STEEL\nC,D,STEEL\n",
                    "line 2: unterminated quoted field"},
        BadFileCase{"gbk", "credit_code,name,industry\nA,\xD6\xD0,STEEL\n",
                    "line 2: the text is not UTF-8"}),
    [](const auto& info) { return info.param.name; });

TEST_F(ImportTest, MissingFileExits3) {
  const auto r = Import("/nonexistent/x.csv");
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/x.csv: no such file"));
}

TEST_F(ImportTest, ManyRowsConcurrently) {
  const std::string path = Write("many.csv", ManyRows(300));
  const auto r = ImportWith(path, {"--batch-size", "7", "--concurrency", "8"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake_.size(), 300u);
  EXPECT_EQ(fake_.batches().size(), 43u);  // 42 of 7, one of 6
  EXPECT_THAT(r.out, HasSubstr("created          300\n"));
}

}  // namespace
}  // namespace envcredit::admin
