#include "admin-cli/import/import_rows.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "admin-cli/args.h"
#include "admin-cli/base/text.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/output/output.h"

namespace envcredit::admin {
namespace {

// FNV-1a, 128 bits: stable across runs, machines and compilers (unlike
// std::hash or absl::Hash), which is all a request id needs.
class Fnv128 {
 public:
  void Add(absl::string_view bytes) {
    for (const char c : bytes) {
      hash_ ^= static_cast<unsigned char>(c);
      // hash_ *= kPrime, written out: the prime is 2^88 + 0x13B, and a
      // shift and a 64-bit-by-128 multiply are much cheaper than a full
      // 128-bit multiply (a re-import hashes every row).
      hash_ = (hash_ << 88) + hash_ * kPrimeLow;
    }
  }
  // Adds `field` so that no two field sequences give the same bytes.
  void AddField(absl::string_view field) {
    char length[absl::numbers_internal::kFastToBufferSize + 1];
    char* end = absl::numbers_internal::FastIntToBuffer(field.size(), length);
    *end++ = ':';
    Add(absl::string_view(length, static_cast<size_t>(end - length)));
    Add(field);
  }
  std::string Hex() const {
    return absl::StrFormat("%016x%016x", static_cast<uint64_t>(hash_ >> 64),
                           static_cast<uint64_t>(hash_));
  }

 private:
  static constexpr uint64_t kPrimeLow = 0x13B;  // the prime is 2^88 + this
  unsigned __int128 hash_ =
      (static_cast<unsigned __int128>(0x6C62272E07BB0142ULL) << 64) |
      0x62B821756295C58DULL;
};

constexpr char kNotSent[] = "NOT_SENT";

}  // namespace

FailedRow NotSentRow(int line, std::vector<std::string> fields) {
  return FailedRow{line,
                   {"", "UNAVAILABLE", kNotSent,
                    "not sent: the server refused or could not be reached for "
                    "an earlier row"},
                   std::move(fields),
                   kExitUnavailable};
}

std::string ImportHash(const std::vector<std::string>& fields) {
  const std::vector<absl::string_view> views(fields.begin(), fields.end());
  return ImportHashOf(views);
}

std::string ImportHashOf(absl::Span<const absl::string_view> fields) {
  Fnv128 hash;
  for (const absl::string_view f : fields) hash.AddField(f);
  return absl::StrCat("import-", hash.Hex());
}

std::string ErrorsPathFor(const std::string& input_path) {
  std::string base = input_path;
  if (base.size() > 4 &&
      absl::AsciiStrToLower(base.substr(base.size() - 4)) == ".csv") {
    base.resize(base.size() - 4);
  }
  return base + ".errors.csv";
}

bool IsBlankRow(const CsvRecord& record) {
  for (const std::string& f : record.fields) {
    if (!TrimAscii(f).empty()) return false;
  }
  return true;
}

std::set<int> ReportFailedRows(const std::string& input_path,
                               const std::vector<std::string>& header,
                               const std::vector<FailedRow>& failures,
                               const std::string& server, std::ostream& err) {
  const std::string errors_path = ErrorsPathFor(input_path);
  std::set<int> exit_codes;
  if (failures.empty()) {
    // A stale errors file from an earlier run would only mislead.
    std::remove(errors_path.c_str());
    return exit_codes;
  }
  constexpr int kShown = 10;
  int shown = 0, not_sent = 0;
  Table table;
  table.header = {"line", "column", "code", "reason", "message"};
  for (const std::string& h : header) table.header.push_back(h);
  for (const FailedRow& f : failures) {
    exit_codes.insert(f.exit_code);
    std::vector<std::string> line = {absl::StrCat(f.line), f.error.column,
                                     f.error.code, f.error.reason,
                                     f.error.message};
    for (const std::string& field : f.fields) line.push_back(field);
    line.resize(std::max(line.size(), table.header.size()));
    table.rows.push_back(std::move(line));
    if (f.error.reason == kNotSent) {
      ++not_sent;
      continue;
    }
    if (shown++ < kShown) {
      err << kProgramName << ": line " << f.line << ": "
          << (f.error.column.empty() ? "" : f.error.column + ": ")
          << f.error.code
          << (f.error.reason.empty() ? "" : " " + f.error.reason) << ": "
          << f.error.message << "\n";
    }
  }
  if (shown > kShown) {
    err << kProgramName << ": ... and " << (shown - kShown)
        << " more failed row(s)\n";
  }
  if (not_sent > 0) {
    err << kProgramName << ": the server at " << server
        << " refused or could not be reached; " << not_sent
        << " row(s) were not sent. Run the import again once it is up: "
           "rows already stored are not stored twice.\n";
  }
  std::ofstream file(errors_path, std::ios::binary | std::ios::trunc);
  file << "\xEF\xBB\xBF" << RenderCsv(table);
  file.close();
  if (!file) {
    err << kProgramName << ": cannot write " << errors_path << "\n";
    exit_codes.insert(kExitFailure);
  } else {
    err << kProgramName << ": " << failures.size()
        << " failed row(s) written to " << errors_path << "\n";
  }
  return exit_codes;
}

int ImportExitCode(const std::set<int>& exit_codes) {
  if (exit_codes.empty()) return kExitOk;
  return exit_codes.size() == 1 ? *exit_codes.begin() : kExitFailure;
}

std::vector<std::pair<std::string, std::string>> ImportSummary(const ImportCounts& c) {
  return {
      {"file", c.path},
      {"kind", c.kind},
      {"rows", absl::StrCat(c.rows)},
      {"created", absl::StrCat(c.created)},
      {"already_existed", absl::StrCat(c.already_existed)},
      {"failed", absl::StrCat(c.failed)},
      {"errors_file", c.failed > 0 ? ErrorsPathFor(c.path) : ""},
      {"seconds", absl::StrFormat("%.3f", c.seconds)},
      {"rows_per_second",
       absl::StrCat(static_cast<int64_t>(c.seconds > 0 ? c.rows / c.seconds : 0))},
  };
}

}  // namespace envcredit::admin
