// Display width, table alignment with Chinese text, CSV quoting and JSON.
#include "admin-cli/output/output.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "admin-cli/import/csv_reader.h"
#include "admin-cli/base/text.h"
#include "envcredit/v1/lists.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace envcredit::admin {
namespace {

using ::testing::HasSubstr;

struct WidthCase {
  std::string text;
  int width;
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const WidthCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(c.text).substr(0, 60));
}

class DisplayWidthTest : public ::testing::TestWithParam<WidthCase> {};

TEST_P(DisplayWidthTest, CountsColumns) {
  EXPECT_EQ(DisplayWidth(GetParam().text), GetParam().width) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, DisplayWidthTest,
    ::testing::Values(WidthCase{"", 0}, WidthCase{"abc", 3},
                      WidthCase{"化工", 4},
                      WidthCase{"（虚构）", 8},   // fullwidth parentheses
                      WidthCase{"A，B", 4},       // fullwidth comma
                      WidthCase{"é", 1},          // precomposed
                      WidthCase{"e\xCC\x81", 1},  // e + combining acute
                      WidthCase{"\xF0\xA0\xAE\xB7", 2},  // U+20BB7, plane 2
                      WidthCase{"한국", 4}, WidthCase{"ｶﾅ", 2},  // halfwidth
                      WidthCase{"\xFF", 1}));  // invalid byte: one column

TEST(TableTest, AlignsChineseByDisplayWidth) {
  const Table table{{"CODE", "NAME", "STATUS"},
                    {{"1", "（虚构）南京示例化工有限公司", "OPERATING"},
                     {"22", "ACME", "CLOSED"}}};
  const std::string out = RenderTable(table);
  const std::vector<std::string> lines = absl::StrSplit(out, '\n');
  ASSERT_EQ(lines.size(), 4u);  // three lines and the final empty piece
  // The STATUS column starts at the same display column on every line.
  std::vector<int> starts;
  for (int k = 0; k < 3; ++k) {
    const std::string& line = lines[k];
    const size_t pos = line.rfind("  ");
    ASSERT_NE(pos, std::string::npos) << line;
    starts.push_back(DisplayWidth(line.substr(0, pos + 2)));
  }
  EXPECT_EQ(starts[0], starts[1]);
  EXPECT_EQ(starts[1], starts[2]);
  EXPECT_EQ(starts[0], 4 + 2 + 28 + 2);  // CODE, gap, the wide name, gap
  EXPECT_EQ(lines[2], "22    ACME                          CLOSED");
}

TEST(TableTest, CellsStayOnOneLineAndLinesHaveNoTrailingSpaces) {
  const Table table{{"A", "B"}, {{"x\ny", ""}}};
  EXPECT_EQ(RenderTable(table), "A    B\nx y\n");
}

struct CsvFieldCase {
  std::string in;
  std::string out;
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const CsvFieldCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(c.in).substr(0, 60));
}

class CsvFieldTest : public ::testing::TestWithParam<CsvFieldCase> {};

TEST_P(CsvFieldTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvField(GetParam().in), GetParam().out);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CsvFieldTest,
    ::testing::Values(CsvFieldCase{"plain", "plain"}, CsvFieldCase{"", ""},
                      CsvFieldCase{"示例", "示例"},
                      CsvFieldCase{"a,b", "\"a,b\""},
                      CsvFieldCase{"say \"hi\"", "\"say \"\"hi\"\"\""},
                      CsvFieldCase{"two\nlines", "\"two\nlines\""},
                      CsvFieldCase{"cr\r", "\"cr\r\""},
                      CsvFieldCase{" padded", "\" padded\""},
                      // Formula injection (OWASP): a leading apostrophe,
                      // then quoting as usual; plain numbers stay numbers.
                      CsvFieldCase{"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""},
                      CsvFieldCase{"+1+2", "'+1+2"}, CsvFieldCase{"-2+3", "'-2+3"},
                      CsvFieldCase{"@SUM(A1)", "'@SUM(A1)"}, CsvFieldCase{"\tx", "'\tx"},
                      CsvFieldCase{"-12", "-12"}, CsvFieldCase{"+3.5", "+3.5"},
                      CsvFieldCase{"-", "'-"}, CsvFieldCase{"a=b", "a=b"}));

TEST(CsvTest, RoundTripsThroughTheReader) {
  const Table table{{"credit_code", "name"},
                    {{"X", "a,\"b\"\nc"}, {"Y", "（虚构）示例"}}};
  const std::string csv = RenderCsv(table);
  EXPECT_THAT(csv, HasSubstr("credit_code,name\r\n"));
  const auto records = ParseCsv(csv);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[1].fields, table.rows[0]);
  EXPECT_EQ((*records)[2].fields, table.rows[1]);
}

envcredit::v1::Enterprise Sample() {
  envcredit::v1::Enterprise e;
  e.set_name("enterprises/91320100MA1W2X3Y6A");
  e.set_credit_code("91320100MA1W2X3Y6A");
  e.set_display_name("（虚构）南京示例化工有限公司");
  e.set_region_code("320115");
  e.set_industry(envcredit::v1::CHEMICALS);
  e.set_legal_representative("张三");
  e.set_address("南京市示例路 1 号, 2 楼");
  e.set_status(envcredit::v1::OPERATING);
  e.mutable_create_time()->set_seconds(1700000000);
  e.set_etag("W/\"1\"");
  return e;
}

TEST(EnterpriseOutputTest, JsonObjectForOneArrayForMany) {
  const std::string one = RenderEnterprises({Sample()}, OutputFormat::kJson,
                                            /*single=*/true);
  EXPECT_EQ(one.front(), '{');
  EXPECT_THAT(one, HasSubstr("\"credit_code\": \"91320100MA1W2X3Y6A\""));
  EXPECT_THAT(one, HasSubstr("\"industry\": \"CHEMICALS\""));
  EXPECT_THAT(one,
              HasSubstr("\"display_name\": \"（虚构）南京示例化工有限公司\""));
  EXPECT_THAT(one, HasSubstr("\"create_time\": \"2023-11-14T22:13:20Z\""));

  const std::string many =
      RenderEnterprises({Sample(), Sample()}, OutputFormat::kJson, false);
  EXPECT_EQ(many.substr(0, 2), "[\n");
  EXPECT_EQ(many.substr(many.size() - 2), "]\n");
  EXPECT_EQ(std::count(many.begin(), many.end(), '\n'), 4);
  EXPECT_EQ(RenderEnterprises({}, OutputFormat::kJson, false), "[]\n");
}

TEST(EnterpriseOutputTest, CsvHasTheImportColumnsFirst) {
  const std::string csv =
      RenderEnterprises({Sample()}, OutputFormat::kCsv, false);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "credit_code,name,industry,region_code,legal_representative,"
            "address,status,create_time,update_time,etag");
  EXPECT_THAT(csv, HasSubstr(",\"南京市示例路 1 号, 2 楼\",OPERATING,"
                             "2023-11-14T22:13:20Z,,\"W/\"\"1\"\"\"\r\n"));
}

TEST(EnterpriseOutputTest, TableForOneAndForMany) {
  const std::string one =
      RenderEnterprises({Sample()}, OutputFormat::kTable, true);
  EXPECT_THAT(one, HasSubstr("industry              CHEMICALS\n"));
  const std::string many =
      RenderEnterprises({Sample()}, OutputFormat::kTable, false);
  EXPECT_THAT(many, HasSubstr("CREDIT_CODE         NAME"));
  EXPECT_THAT(many, HasSubstr("320115  CHEMICALS  OPERATING  张三\n"));
}

TEST(RecordOutputTest, ThreeFormats) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"file", "a.csv"}, {"rows", "3"}};
  EXPECT_EQ(RenderRecord(fields, OutputFormat::kJson),
            "{\"file\": \"a.csv\", \"rows\": 3}\n");
  EXPECT_EQ(RenderRecord(fields, OutputFormat::kCsv),
            "file,rows\r\na.csv,3\r\n");
  EXPECT_EQ(RenderRecord(fields, OutputFormat::kTable),
            "FIELD  VALUE\nfile   a.csv\nrows   3\n");
}

}  // namespace
}  // namespace envcredit::admin

namespace envcredit::admin {
namespace {

// Numbers as numbers, identifiers as strings, one naming style.
TEST(JsonOutputTest, NumbersAreNumbersAndIdentifiersStayStrings) {
  for (const char* number : {"0", "42", "-3", "5300.25", "-0.5"}) {
    EXPECT_TRUE(IsJsonNumber(number)) << number;
  }
  for (const char* text : {"", "0512", "-", "1.", ".5", "1e3", "12a", "+1",
                           "1234567890123456789"}) {
    EXPECT_FALSE(IsJsonNumber(text)) << text;
  }
  EXPECT_EQ(RenderRecord({{"rows", "200000"},
                          {"rows_per_second", "5300.5"},
                          {"points", "-3"},
                          {"label", "2024"},
                          {"region_code", "320100"},
                          {"as_of", "2025-06-30"}},
                         OutputFormat::kJson),
            "{\"rows\": 200000, \"rows_per_second\": 5300.5, \"points\": -3, "
            "\"label\": \"2024\", \"region_code\": \"320100\", \"as_of\": "
            "\"2025-06-30\"}\n");
  v1::Publication p;
  p.set_number(3);
  p.set_entry_count(7);
  p.set_previous_publication("lists/black/publications/2");
  const std::string json = ProtoJson(p, /*pretty=*/false);
  EXPECT_NE(json.find("\"number\":3,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"entry_count\":7"), std::string::npos) << json;
  EXPECT_NE(json.find("\"previous_publication\":"), std::string::npos) << json;
  EXPECT_EQ(json.find("previousPublication"), std::string::npos) << json;
}

}  // namespace
}  // namespace envcredit::admin
