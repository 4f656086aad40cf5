// Fuzzes the admin CLI's CSV reader (admin-cli/import/csv_reader.h) and the UTF-8
// check it relies on (admin-cli/base/text.h) with any bytes.
//
// Properties, besides "no crash, no sanitizer report":
//  - UTF-8: IsValidUtf8 agrees with an independent validator written from
//    the Unicode standard's table of well-formed byte sequences (Table 3-7),
//    including the offset of the first bad sequence; the reader refuses
//    exactly the texts that are not UTF-8, naming the line of that offset;
//  - a refusal is INVALID_ARGUMENT whose message starts "line N:" with N a
//    line of the text;
//  - records start on strictly increasing lines of the text, have at least
//    one field, and no field holds a CR (line breaks inside quotes come back
//    as "\n") or bytes that are not UTF-8;
//  - a text without any quote reads exactly as a plain split on line breaks
//    and commas does (empty lines skipped), line numbers included: no field
//    ever holds a comma or a line break that was a delimiter;
//  - writing the records back (every field quoted, quotes doubled) and
//    reading them again gives the same fields: nothing is lost or invented;
//  - the streaming parser's offset only grows and stays within the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "admin-cli/import/csv_reader.h"
#include "admin-cli/base/text.h"
#include "fuzz/fuzz_check.h"

namespace {

using ::envcredit::admin::CsvParser;
using ::envcredit::admin::CsvRecord;
using ::envcredit::admin::IsValidUtf8;
using ::envcredit::admin::ParseCsv;
using ::envcredit::fuzz::Quote;

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

// The offset of the first ill-formed sequence, or npos, by the Unicode
// Standard's Table 3-7 (well-formed UTF-8 byte sequences).
size_t FirstBadUtf8(absl::string_view s) {
  size_t i = 0;
  const auto at = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const auto in = [](uint8_t b, uint8_t lo, uint8_t hi) {
    return b >= lo && b <= hi;
  };
  while (i < s.size()) {
    const uint8_t b0 = at(i);
    size_t len = 0;
    uint8_t lo = 0x80, hi = 0xBF;  // range of the second byte
    if (b0 <= 0x7F) {
      ++i;
      continue;
    } else if (in(b0, 0xC2, 0xDF)) {
      len = 2;
    } else if (b0 == 0xE0) {
      len = 3, lo = 0xA0;
    } else if (in(b0, 0xE1, 0xEC) || in(b0, 0xEE, 0xEF)) {
      len = 3;
    } else if (b0 == 0xED) {
      len = 3, hi = 0x9F;
    } else if (b0 == 0xF0) {
      len = 4, lo = 0x90;
    } else if (in(b0, 0xF1, 0xF3)) {
      len = 4;
    } else if (b0 == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > s.size() || !in(at(i + 1), lo, hi)) return i;
    for (size_t k = 2; k < len; ++k) {
      if (!in(at(i + k), 0x80, 0xBF)) return i;
    }
    i += len;
  }
  return absl::string_view::npos;
}

// Lines as the reader counts them: LF, CRLF and a lone CR each end one.
int LineAt(absl::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' ||
        (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
    }
  }
  return line;
}

// The line number of a "line N: ..." message, or -1.
int MessageLine(absl::string_view message) {
  if (!absl::ConsumePrefix(&message, "line ")) return -1;
  const size_t colon = message.find(':');
  int line = -1;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(message.substr(0, colon), &line)) {
    return -1;
  }
  return line;
}

// Reference reader for text without quotes.
std::vector<CsvRecord> SplitPlain(absl::string_view text) {
  std::vector<CsvRecord> out;
  int line = 1;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size() && text[end] != '\r' && text[end] != '\n') ++end;
    const absl::string_view row = text.substr(i, end - i);
    if (!row.empty()) {
      CsvRecord record;
      record.line = line;
      for (absl::string_view field : absl::StrSplit(row, ',')) {
        record.fields.emplace_back(field);
      }
      out.push_back(std::move(record));
    }
    if (end < text.size()) {
      end +=
          (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n')
              ? 2
              : 1;
      ++line;
    }
    i = end;
  }
  return out;
}

std::string Describe(const std::vector<CsvRecord>& records) {
  std::string out;
  for (const CsvRecord& r : records) {
    absl::StrAppend(&out, "\n  line ", r.line, ": ");
    for (const std::string& f : r.fields) absl::StrAppend(&out, Quote(f), " ");
  }
  return out;
}

std::string WriteCsv(const std::vector<CsvRecord>& records) {
  std::string out;
  for (const CsvRecord& r : records) {
    std::vector<std::string> quoted;
    for (const std::string& f : r.fields) {
      quoted.push_back(
          absl::StrCat("\"", absl::StrReplaceAll(f, {{"\"", "\"\""}}), "\""));
    }
    absl::StrAppend(&out, absl::StrJoin(quoted, ","), "\r\n");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::string_view text = input;
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());

  // UTF-8, against the reference.
  const size_t bad = FirstBadUtf8(text);
  size_t bad_offset = 12345;
  const bool valid = IsValidUtf8(text, &bad_offset);
  FUZZ_CHECK(valid == (bad == absl::string_view::npos), Quote(text));
  if (!valid) FUZZ_CHECK(bad_offset == bad, Quote(text));

  const int last_line = LineAt(text, text.size());
  absl::StatusOr<CsvParser> parser = CsvParser::Create(input);
  if (!valid) {
    FUZZ_CHECK(!parser.ok() &&
                   parser.status().code() == absl::StatusCode::kInvalidArgument,
               Quote(input));
    FUZZ_CHECK(MessageLine(parser.status().message()) == LineAt(text, bad),
               absl::StrCat(Quote(input), ": ", parser.status().message()));
    return 0;
  }
  FUZZ_CHECK(parser.ok(), Quote(input));

  // Stream the records.
  std::vector<CsvRecord> records;
  absl::Status error;
  size_t last_offset = 0;
  for (;;) {
    CsvRecord record;
    absl::StatusOr<bool> more = parser->Next(&record);
    FUZZ_CHECK(
        parser->offset() >= last_offset && parser->offset() <= parser->size(),
        Quote(input));
    last_offset = parser->offset();
    if (!more.ok()) {
      error = more.status();
      break;
    }
    if (!*more) break;
    records.push_back(std::move(record));
  }
  absl::StatusOr<std::vector<CsvRecord>> whole = ParseCsv(input);
  FUZZ_CHECK(whole.ok() == error.ok(), Quote(input));

  if (!error.ok()) {
    FUZZ_CHECK(error.code() == absl::StatusCode::kInvalidArgument,
               error.ToString());
    const int line = MessageLine(error.message());
    FUZZ_CHECK(line >= 1 && line <= last_line,
               absl::StrCat(Quote(input), ": ", error.message()));
    FUZZ_CHECK(whole.status() == error, whole.status().ToString());
    // Any text without a quote is readable.
    FUZZ_CHECK(text.find('"') != absl::string_view::npos,
               absl::StrCat(Quote(input), ": ", error.message()));
    return 0;
  }

  int previous_line = 0;
  for (const CsvRecord& record : records) {
    FUZZ_CHECK(record.line > previous_line && record.line <= last_line,
               Quote(input) + Describe(records));
    previous_line = record.line;
    FUZZ_CHECK(!record.fields.empty(), Quote(input));
    for (const std::string& field : record.fields) {
      FUZZ_CHECK(field.find('\r') == std::string::npos,
                 Quote(input) + Describe(records));
      FUZZ_CHECK(IsValidUtf8(field), Quote(input) + Describe(records));
    }
  }
  FUZZ_CHECK(whole->size() == records.size(), Quote(input));
  for (size_t i = 0; i < records.size(); ++i) {
    FUZZ_CHECK((*whole)[i].line == records[i].line &&
                   (*whole)[i].fields == records[i].fields,
               Quote(input));
  }

  if (text.find('"') == absl::string_view::npos) {
    const std::vector<CsvRecord> plain = SplitPlain(text);
    bool same = plain.size() == records.size();
    for (size_t i = 0; same && i < plain.size(); ++i) {
      same = plain[i].line == records[i].line &&
             plain[i].fields == records[i].fields;
    }
    FUZZ_CHECK(same, absl::StrCat(Quote(input), "\nread:", Describe(records),
                                  "\nexpected:", Describe(plain)));
  }

  const std::string written = WriteCsv(records);
  absl::StatusOr<std::vector<CsvRecord>> again = ParseCsv(written);
  FUZZ_CHECK(again.ok(),
             absl::StrCat(Quote(written), ": ", again.status().ToString()));
  bool same = again->size() == records.size();
  for (size_t i = 0; same && i < records.size(); ++i) {
    same = (*again)[i].fields == records[i].fields;
  }
  FUZZ_CHECK(same, absl::StrCat(Quote(input), "\nread:", Describe(records),
                                "\nre-read:", Describe(*again)));
  return 0;
}
