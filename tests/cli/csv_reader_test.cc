// The CSV reader against RFC 4180 and what spreadsheet programs write.
#include "admin-cli/import/csv_reader.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace envcredit::admin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

struct GoodCase {
  std::string name;
  std::string text;
  Rows fields;
  std::vector<int> lines;
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const GoodCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(c.name).substr(0, 60));
}

class CsvGoodTest : public ::testing::TestWithParam<GoodCase> {};

TEST_P(CsvGoodTest, Parses) {
  const auto records = ParseCsv(GetParam().text);
  ASSERT_TRUE(records.ok()) << records.status();
  Rows fields;
  std::vector<int> lines;
  for (const CsvRecord& r : *records) {
    fields.push_back(r.fields);
    lines.push_back(r.line);
  }
  EXPECT_EQ(fields, GetParam().fields);
  EXPECT_EQ(lines, GetParam().lines);
}

// The decision import reads every record into one CsvRecord (its strings
// reused) and notes each record's bytes, which a sender parses again on
// its own (CsvParser::OfCheckedText): both give what ParseCsv gives, for
// records of any width in any order.
TEST_P(CsvGoodTest, OneReusedRecordAndEachRecordsBytesParseTheSame) {
  absl::StatusOr<CsvParser> parser = CsvParser::Create(GetParam().text);
  ASSERT_TRUE(parser.ok()) << parser.status();
  CsvRecord reused;
  Rows fields, again;
  std::vector<int> lines;
  for (;;) {
    const size_t begin = parser->offset();
    absl::StatusOr<bool> more = parser->Next(&reused);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    fields.push_back(reused.fields);
    lines.push_back(reused.line);
    CsvParser one = CsvParser::OfCheckedText(
        parser->text().substr(begin, parser->offset() - begin));
    CsvRecord alone;
    ASSERT_TRUE(*one.Next(&alone));
    again.push_back(alone.fields);
  }
  EXPECT_EQ(fields, GetParam().fields);
  EXPECT_EQ(lines, GetParam().lines);
  EXPECT_EQ(again, GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CsvGoodTest,
    ::testing::Values(
        GoodCase{"Simple", "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}, {1, 2}},
        GoodCase{
            "NoFinalNewline", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}, {1, 2}},
        GoodCase{"Crlf", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}, {1, 2}},
        GoodCase{"Bom",
                 "\xEF\xBB\xBF"
                 "a,b\n1,2\n",
                 {{"a", "b"}, {"1", "2"}},
                 {1, 2}},
        GoodCase{"BomCrlfChinese",
                 "\xEF\xBB\xBF"
                 "name,法定代表人\r\n（虚构）示例化工,张三\r\n",
                 {{"name", "法定代表人"}, {"（虚构）示例化工", "张三"}},
                 {1, 2}},
        GoodCase{"FourByteCharacters",
                 "a\n\xF0\xA0\xAE\xB7\n",
                 {{"a"}, {"\xF0\xA0\xAE\xB7"}},
                 {1, 2}},
        GoodCase{"QuotedComma", "\"a,b\",c\n", {{"a,b", "c"}}, {1}},
        GoodCase{"DoubledQuotes",
                 "\"say \"\"hi\"\"\",x\n",
                 {{"say \"hi\"", "x"}},
                 {1}},
        GoodCase{"EmbeddedNewlineCountsLines",
                 "h1,h2\n\"line one\nline two\",x\nnext,y\n",
                 {{"h1", "h2"}, {"line one\nline two", "x"}, {"next", "y"}},
                 {1, 2, 4}},
        GoodCase{"EmbeddedCrlfBecomesLf",
                 "\"a\r\nb\"\r\nc\r\n",
                 {{"a\nb"}, {"c"}},
                 {1, 3}},
        GoodCase{"EmptyFields",
                 ",,\n\"\",x,\n",
                 {{"", "", ""}, {"", "x", ""}},
                 {1, 2}},
        GoodCase{"EmptyLinesSkipped", "a\n\n\r\nb\n", {{"a"}, {"b"}}, {1, 4}},
        GoodCase{"WideThenNarrowThenTrailingComma",
                 "long first field,b,c\n1\n\n,\nx,\"q\"\ny,",
                 {{"long first field", "b", "c"}, {"1"}, {"", ""}, {"x", "q"},
                  {"y", ""}},
                 {1, 2, 4, 5, 6}},
        GoodCase{"SpacesKept", " a , b \n", {{" a ", " b "}}, {1}},
        GoodCase{"LoneCr", "a\rb\r", {{"a"}, {"b"}}, {1, 2}},
        GoodCase{"Empty", "", {}, {}},
        GoodCase{"OnlyBom", "\xEF\xBB\xBF", {}, {}}),
    [](const auto& info) { return info.param.name; });

struct BadCase {
  std::string name;
  std::string text;
  std::string expected;  // part of the message, with the line
};
// The case as gtest prints it (test names and failures): readable text,
// not a dump of the struct's bytes.
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << absl::CEscape(std::string(c.name).substr(0, 60));
}

class CsvBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(CsvBadTest, IsRefusedWithItsLine) {
  const auto records = ParseCsv(GetParam().text);
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(records.status().message()),
              HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Table, CsvBadTest,
    ::testing::Values(BadCase{"UnterminatedQuote",
                              "a,b\n1,2\n3,\"never closed\n4,5\n",
                              "line 3: unterminated quoted field"},
                      BadCase{"QuoteInUnquotedField", "a,b\nx\"y,2\n",
                              "line 2: a quote inside an unquoted field"},
                      BadCase{"TextAfterClosingQuote", "a\n\"x\"y\n",
                              "line 2: unexpected text after a closing quote"},
                      BadCase{"NotUtf8Gbk",
                              "a,b\n1,\xD6\xD0\xCE\xC4\n",  // "中文" in GBK
                              "line 2: the text is not UTF-8"},
                      BadCase{"TruncatedUtf8", "a\n\xE4\xB8\n",
                              "line 2: the text is not UTF-8"},
                      BadCase{"Surrogate", "\xED\xA0\x80\n",
                              "line 1: the text is not UTF-8"}),
    [](const auto& info) { return info.param.name; });

TEST(CsvFileTest, MissingFileIsNotFound) {
  const auto records = ReadCsvFile("/nonexistent/dir/file.csv");
  EXPECT_EQ(records.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(records.status().message()),
              HasSubstr("/nonexistent/dir/file.csv"));
}

}  // namespace
}  // namespace envcredit::admin
