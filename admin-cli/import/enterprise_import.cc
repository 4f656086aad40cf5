#include "admin-cli/import/enterprise_import.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "admin-cli/base/enums.h"
#include "admin-cli/base/text.h"
#include "admin-cli/call_context.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/output/output.h"
#include "admin-cli/output/progress.h"
#include "admin-cli/rpc_errors.h"

namespace envcredit::admin {
namespace {

using envcredit::v1::Enterprise;

// What happened to one data row.
enum class RowState { kPending, kCreated, kAlreadyExists, kFailed };

struct RowOutcome {
  RowState state = RowState::kPending;
  RowError error;
  int exit_code = kExitOk;
};

// The CSV column for a field path from the server ("enterprise.display_name"
// -> "name"); the path itself when it is not an import column.
std::string ColumnForField(std::string field) {
  absl::string_view f = field;
  absl::ConsumePrefix(&f, "enterprise.");
  if (f == "display_name") return "name";
  for (const std::string& column : ImportColumnNames()) {
    if (f == column) return column;
  }
  return field;
}

std::string Cell(const CsvRecord& record, int index) {
  if (index < 0 || index >= static_cast<int>(record.fields.size())) return "";
  return std::string(TrimAscii(record.fields[index]));
}

}  // namespace

const std::vector<std::string>& ImportColumnNames() {
  static const auto* names = new std::vector<std::string>{
      "credit_code",          "name",    "industry", "region_code",
      "legal_representative", "address", "status"};
  return *names;
}

absl::StatusOr<ImportColumns> MapImportHeader(
    const std::vector<std::string>& header) {
  ImportColumns columns;
  columns.header = header;
  std::map<std::string, int*> slots = {
      {"credit_code", &columns.credit_code},
      {"name", &columns.name},
      {"industry", &columns.industry},
      {"region_code", &columns.region_code},
      {"legal_representative", &columns.legal_representative},
      {"address", &columns.address},
      {"status", &columns.status},
  };
  for (size_t k = 0; k < header.size(); ++k) {
    const std::string name = absl::AsciiStrToLower(TrimAscii(header[k]));
    const auto it = slots.find(name);
    if (it == slots.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line 1: unknown column '", header[k], "' (column ", k + 1,
          "); the columns are credit_code, name, industry (required) and "
          "region_code, legal_representative, address, status"));
    }
    if (*it->second >= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("line 1: column '", name, "' appears twice"));
    }
    *it->second = static_cast<int>(k);
  }
  for (const char* required : {"credit_code", "name", "industry"}) {
    if (*slots[required] < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line 1: the required column '", required, "' is missing"));
    }
  }
  return columns;
}

std::string ImportRequestId(const Enterprise& e) {
  return ImportHash({"envcredit.import.v1", e.credit_code(), e.display_name(),
                     absl::StrCat(static_cast<int>(e.industry())),
                     e.region_code(), e.legal_representative(), e.address(),
                     absl::StrCat(static_cast<int>(e.status()))});
}

RowRequest RowToRequest(const ImportColumns& columns, const CsvRecord& record) {
  RowRequest row;
  if (record.fields.size() != columns.header.size()) {
    row.error = {"", "INVALID_ARGUMENT", "WRONG_FIELD_COUNT",
                 absl::StrCat("the row has ", record.fields.size(),
                              " fields, the header ", columns.header.size())};
    return row;
  }
  Enterprise* e = row.request.mutable_enterprise();
  e->set_credit_code(Cell(record, columns.credit_code));
  e->set_display_name(Cell(record, columns.name));
  e->set_region_code(Cell(record, columns.region_code));
  e->set_legal_representative(Cell(record, columns.legal_representative));
  e->set_address(Cell(record, columns.address));

  const std::string industry = Cell(record, columns.industry);
  if (industry.empty()) {
    row.error = {
        "industry", "INVALID_ARGUMENT", "MISSING_INDUSTRY",
        absl::StrCat("industry is required; allowed: ", AllowedIndustries())};
    return row;
  }
  const auto parsed_industry = ParseIndustry(industry);
  if (!parsed_industry.ok()) {
    row.error = {"industry", "INVALID_ARGUMENT", "INVALID_INDUSTRY",
                 std::string(parsed_industry.status().message())};
    return row;
  }
  e->set_industry(*parsed_industry);

  const std::string status = Cell(record, columns.status);
  if (!status.empty()) {
    const auto parsed_status = ParseEnterpriseStatus(status);
    if (!parsed_status.ok()) {
      row.error = {"status", "INVALID_ARGUMENT", "INVALID_STATUS",
                   std::string(parsed_status.status().message())};
      return row;
    }
    e->set_status(*parsed_status);
  }
  row.request.set_request_id(ImportRequestId(*e));
  row.ok = true;
  return row;
}

int RunImport(const ImportOptions& options, EnterpriseClient& client,
              std::ostream& out, std::ostream& err) {
  const absl::Time start = absl::Now();
  // 1. Read and check the whole file before sending anything.
  absl::StatusOr<std::vector<CsvRecord>> records = ReadCsvFile(options.path);
  if (!records.ok()) {
    err << kProgramName << ": cannot import: " << records.status().message()
        << "\n";
    return kExitInvalidInput;
  }
  if (records->empty()) {
    err << kProgramName << ": cannot import: " << options.path
        << ": the file is empty (it needs a header line)\n";
    return kExitInvalidInput;
  }
  absl::StatusOr<ImportColumns> columns = MapImportHeader((*records)[0].fields);
  if (!columns.ok()) {
    err << kProgramName << ": cannot import: " << options.path << ": "
        << columns.status().message() << "\n";
    return kExitInvalidInput;
  }
  std::vector<const CsvRecord*> rows;
  for (size_t k = 1; k < records->size(); ++k) {
    if (!IsBlankRow((*records)[k])) rows.push_back(&(*records)[k]);
  }
  const int total = static_cast<int>(rows.size());

  // 2. Convert; rows that cannot become a request fail here.
  std::vector<RowRequest> requests(rows.size());
  std::vector<RowOutcome> outcomes(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) {
    requests[k] = RowToRequest(*columns, *rows[k]);
    if (!requests[k].ok) {
      outcomes[k].state = RowState::kFailed;
      outcomes[k].error = requests[k].error;
      outcomes[k].exit_code = kExitInvalidInput;
    }
  }

  // 3. Send the valid rows in batches of `batch_size`, in file order: the
  // first batch alone, then the rest with `concurrency` calls in flight.
  const size_t batch_size =
      static_cast<size_t>(std::max(1, std::min(options.batch_size, 1000)));
  std::vector<std::vector<size_t>> batches;
  for (size_t k = 0; k < rows.size(); ++k) {
    if (!requests[k].ok) continue;
    if (batches.empty() || batches.back().size() >= batch_size) {
      batches.emplace_back();
    }
    batches.back().push_back(k);
  }

  std::mutex mu;  // guards the counters below, `outcomes` and `err`
  int done = 0, created = 0, existing = 0, failed = 0;
  for (const RowOutcome& o : outcomes) {
    if (o.state == RowState::kFailed) ++done, ++failed;
  }
  ProgressBar progress(err, options.show_progress);  // guarded by `mu`
  std::atomic<bool> server_down{false};

  const auto report = [&](bool force) {  // called with `mu` held
    progress.Draw(done, total,
                  absl::StrCat("  created ", created, "  already there ",
                               existing, "  failed ", failed),
                  force);
  };

  // Every row of a batch gets the same outcome: the call failed as a whole.
  const auto all = [](size_t n, const RowOutcome& outcome) {
    return std::vector<RowOutcome>(n, outcome);
  };

  const auto send = [&](const std::vector<size_t>& batch) {
    std::vector<RowOutcome> result;
    if (server_down.load()) {
      const FailedRow not_sent = NotSentRow(0, {});
      result = all(batch.size(), RowOutcome{RowState::kFailed, not_sent.error,
                                            not_sent.exit_code});
    } else {
      // The same request each attempt: each item's request_id makes a retry
      // that follows a lost answer return the enterprise the first attempt
      // created (replayed) instead of creating it again.
      v1::BatchCreateEnterprisesRequest request;
      for (const size_t k : batch) {
        *request.add_requests() = requests[k].request;
      }
      v1::BatchCreateEnterprisesResponse response;
      const grpc::Status status = CallWithRetry(
          options.retry,
          [&]() {
            response.Clear();
            return client.BatchCreate(NewRequestId(), request, &response);
          },
          [&]() { return server_down.load(); });
      if (!status.ok()) {
        const RpcErrorDetails details = DecodeErrorDetails(status);
        result = all(batch.size(),
                     RowOutcome{RowState::kFailed,
                                {ColumnForField(details.Field()),
                                 StatusCodeName(status.error_code()),
                                 details.reason, status.error_message()},
                                ExitCodeForStatus(status.error_code())});
        if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
            status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
          server_down.store(true);
        }
      } else if (response.results_size() != request.requests_size()) {
        result = all(
            batch.size(),
            RowOutcome{RowState::kFailed,
                       {"", "INTERNAL", "BAD_BATCH_RESPONSE",
                        absl::StrCat("the server answered ",
                                     response.results_size(), " results for ",
                                     request.requests_size(), " rows")},
                       kExitFailure});
      } else {
        for (const v1::BatchCreateEnterpriseResult& r : response.results()) {
          const auto code = static_cast<grpc::StatusCode>(r.code());
          RowOutcome outcome;
          if (code == grpc::StatusCode::OK) {
            // Replayed: stored by an earlier attempt of this row (a lost
            // answer, or an earlier run of the same file) — still created
            // by this import, not by someone else.
            outcome.state = RowState::kCreated;
          } else if (code == grpc::StatusCode::ALREADY_EXISTS) {
            outcome.state = RowState::kAlreadyExists;
          } else {
            outcome.state = RowState::kFailed;
            outcome.error = {ColumnForField(r.field()), StatusCodeName(code),
                             r.reason(), r.message()};
            outcome.exit_code = ExitCodeForStatus(code);
          }
          result.push_back(std::move(outcome));
        }
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    for (size_t j = 0; j < batch.size(); ++j) {
      const RowOutcome& outcome = result[j];
      outcomes[batch[j]] = outcome;
      ++done;
      if (outcome.state == RowState::kCreated) ++created;
      if (outcome.state == RowState::kAlreadyExists) ++existing;
      if (outcome.state == RowState::kFailed) ++failed;
    }
    report(/*force=*/false);
  };

  if (!batches.empty()) send(batches[0]);
  std::atomic<size_t> next{1};
  const auto worker = [&]() {
    for (size_t b = next.fetch_add(1); b < batches.size();
         b = next.fetch_add(1)) {
      send(batches[b]);
    }
  };
  const int threads = std::max(
      1, std::min<int>(options.concurrency, static_cast<int>(batches.size())));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  report(/*force=*/true);
  progress.Done();

  // 4. Failed rows go to FILE.errors.csv, with their original values.
  std::vector<FailedRow> failures;
  for (size_t k = 0; k < rows.size(); ++k) {
    const RowOutcome& o = outcomes[k];
    if (o.state != RowState::kFailed) continue;
    failures.push_back(
        FailedRow{rows[k]->line, o.error, rows[k]->fields, o.exit_code});
  }
  const std::set<int> exit_codes = ReportFailedRows(
      options.path, columns->header, failures, options.server, err);

  out << RenderRecord(ImportSummary({options.path, "enterprises", total, created, existing,
                                      failed, absl::ToDoubleSeconds(absl::Now() - start)}),
                       options.output)
      << std::flush;
  return ImportExitCode(exit_codes);
}

}  // namespace envcredit::admin
