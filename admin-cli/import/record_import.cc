#include "admin-cli/import/record_import.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/base/text.h"
#include "admin-cli/call_context.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/output/output.h"
#include "admin-cli/output/progress.h"
#include "admin-cli/output/record_output.h"
#include "admin-cli/rpc_errors.h"
#include "google/protobuf/arena.h"

namespace envcredit::admin {
namespace {

using v1::CreatePenaltyDecisionRequest;

// ---------------------------------------------------------------------------
// Header

// Trimmed, ASCII lower-cased, full-width parentheses and spaces folded, so
// "罚款金额（元）" and "罚款金额(元) " match.
std::string NormalizeHeading(absl::string_view heading) {
  std::string s = absl::AsciiStrToLower(TrimAscii(heading));
  s = absl::StrReplaceAll(s, {{"（", "("}, {"）", ")"}, {" ", ""}, {"　", ""}});
  return s;
}

// The columns every record format has: whose record it is, and two that are
// read only so that a regulator's export needs no editing.
ImportColumn CreditCodeColumn() {
  return {"credit_code",
          {"统一社会信用代码", "社会信用代码", "信用代码"},
          true,
          "the enterprise's USCC"};
}
ImportColumn EnterpriseNameColumn() {
  return {"enterprise_name", {"企业名称", "单位名称"}, false, "ignored"};
}
ImportColumn NoteColumn() { return {"note", {"备注"}, false, "ignored"}; }

const std::vector<ImportColumn>& DecisionColumns() {
  static const auto* c = new std::vector<ImportColumn>{
      CreditCodeColumn(),
      {"authority",
       {"处罚机关", "作出处罚决定的机关", "处罚决定机关", "执法机关"},
       true,
       "the issuing authority, e.g. 南京市生态环境局"},
      {"decision_number",
       {"决定书文号", "处罚决定书文号", "行政处罚决定书文号", "文号"},
       true,
       "unique per authority, e.g. 宁环罚〔2025〕12号"},
      {"violation_type",
       {"违法类型", "违法行为类型"},
       true,
       "a ViolationType name or its Chinese label"},
      {"decision_date",
       {"处罚决定日期", "决定日期", "处罚日期"},
       true,
       "YYYY-MM-DD"},
      {"measures",
       {"处罚措施", "处罚种类", "处罚类别"},
       true,
       "Measure names or labels separated by ; , 、 |"},
      {"fine_yuan",
       {"罚款金额(元)", "罚款金额", "罚没金额(元)"},
       false,
       "the fine in yuan, up to 2 decimals"},
      {"fine_fen", {"罚款金额(分)"}, false, "the fine in fen (1/100 yuan)"},
      {"tampering",
       {"篡改伪造监测数据", "是否篡改伪造监测数据", "篡改监测数据"},
       false,
       "yes/no: tampering with monitoring data"},
      {"recurrence",
       {"回头看复发", "是否回头看复发", "是否复发"},
       false,
       "yes/no: a re-inspection (回头看) found the problem back"},
      {"recurrence_of",
       {"原决定书文号", "复发对应决定书文号", "回头看原决定"},
       false,
       "the earlier decision: its number (same authority), AUTHORITY：NUMBER, "
       "or its resource name"},
      EnterpriseNameColumn(),
      NoteColumn(),
  };
  return *c;
}

const std::vector<ImportColumn>& CommitmentColumns() {
  static const auto* c = new std::vector<ImportColumn>{
      CreditCodeColumn(),
      {"commitment_ref",
       {"承诺编号", "承诺书编号"},
       true,
       "groups the rows (items) of one commitment; any text"},
      {"kind",
       {"承诺类型", "承诺种类"},
       true,
       "CREDIT_COMMITMENT (信用承诺书), RESPONSIBILITY_LETTER (责任书), "
       "RECTIFICATION_COMMITMENT (整改承诺)"},
      {"signer", {"承诺人", "签署人"}, true, "who signed"},
      {"signing_date", {"签署日期", "承诺日期"}, true, "YYYY-MM-DD"},
      {"public", {"是否公开", "亮诺", "是否亮诺"}, false, "yes/no (亮诺)"},
      {"item_description",
       {"承诺事项", "承诺内容"},
       false,
       "one item; empty for a commitment without items"},
      {"item_due_date",
       {"完成期限", "到期日期", "承诺期限"},
       false,
       "YYYY-MM-DD"},
      {"item_state",
       {"践诺情况", "核查结果"},
       false,
       "empty/PENDING, KEPT (践诺) or BROKEN (违诺): checked after creating"},
      {"item_check_date", {"核查日期"}, false, "YYYY-MM-DD, with item_state"},
      {"item_check_note", {"核查说明", "核查备注"}, false, "the check's note"},
      EnterpriseNameColumn(),
      NoteColumn(),
  };
  return *c;
}

const std::vector<ImportColumn>& ComplaintColumns() {
  static const auto* c = new std::vector<ImportColumn>{
      CreditCodeColumn(),
      {"case_number",
       {"信访编号", "信访件编号", "案件编号"},
       true,
       "unique per enterprise"},
      {"received_date",
       {"受理日期", "收到日期", "信访日期"},
       true,
       "YYYY-MM-DD"},
      {"channel",
       {"信访渠道", "渠道", "来源"},
       true,
       "a ComplaintChannel name or label (12369, 来信, 来访, 网络, 督察组转办, "
       "其他)"},
      {"substantiated", {"是否属实", "属实"}, false, "yes/no (属实)"},
      {"summary", {"信访内容", "内容摘要", "摘要"}, false, "text"},
      {"decision_authority",
       {"处罚机关"},
       false,
       "the authority of the decisions in decision_numbers"},
      {"decision_numbers",
       {"决定书文号", "处罚决定书文号"},
       false,
       "the decisions it led to: numbers separated by ; or 、 (each may be "
       "AUTHORITY：NUMBER)"},
      EnterpriseNameColumn(),
      NoteColumn(),
  };
  return *c;
}

const std::vector<ImportColumn>& IncidentColumns() {
  static const auto* c = new std::vector<ImportColumn>{
      CreditCodeColumn(),
      {"date", {"事件日期", "发生日期"}, true, "YYYY-MM-DD"},
      {"grade",
       {"事件等级", "等级"},
       true,
       "GENERAL (一般) or LARGER_OR_ABOVE (较大及以上)"},
      {"description", {"事件描述", "描述", "事件概况"}, false, "text"},
      EnterpriseNameColumn(),
      NoteColumn(),
  };
  return *c;
}

RowError Invalid(std::string column, std::string reason, std::string message) {
  return RowError{std::move(column), "INVALID_ARGUMENT", std::move(reason),
                  std::move(message)};
}

// "a；b、c" -> {"a", "b", "c"}.
std::vector<std::string> SplitList(absl::string_view text) {
  const std::string s = absl::StrReplaceAll(
      text, {{"；", ";"}, {"、", ";"}, {"|", ";"}, {"\n", ";"}});
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(s, ';')) {
    part = TrimAscii(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

// "机关：文号" / "机关:文号" -> {机关, 文号}; "文号" -> {"", 文号}.
std::pair<std::string, std::string> SplitReference(absl::string_view text) {
  for (absl::string_view sep : {"：", ":"}) {
    const size_t at = text.find(sep);
    if (at != absl::string_view::npos) {
      return {std::string(TrimAscii(text.substr(0, at))),
              std::string(TrimAscii(text.substr(at + sep.size())))};
    }
  }
  return {"", std::string(TrimAscii(text))};
}

bool WrongFieldCount(const HeaderMap& header, const CsvRecord& record,
                     RowError* error) {
  if (record.fields.size() == header.header.size()) return false;
  *error = Invalid("", "WRONG_FIELD_COUNT",
                   absl::StrCat("the row has ", record.fields.size(),
                                " fields, the header ", header.header.size()));
  return true;
}

// Parses the date in `column` into `*date`; false (with `*error`) when it
// is not a date. An empty cell is an error only when `required`.
bool DateCell(const HeaderMap& header, const CsvRecord& record,
              absl::string_view column, bool required, v1::Date* date,
              RowError* error) {
  const absl::string_view cell = header.CellView(record, column);
  if (cell.empty()) {
    if (!required) return true;
    *error = Invalid(header.Heading(column), "MISSING_VALUE",
                     absl::StrCat(column, " is required (YYYY-MM-DD)"));
    return false;
  }
  absl::StatusOr<v1::Date> parsed = ParseDate(cell);
  if (!parsed.ok()) {
    *error = Invalid(header.Heading(column), "INVALID_DATE",
                     std::string(parsed.status().message()));
    return false;
  }
  *date = *parsed;
  return true;
}

bool RequiredCell(const HeaderMap& header, const CsvRecord& record,
                  absl::string_view column, absl::string_view* value,
                  RowError* error) {
  *value = header.CellView(record, column);
  if (!value->empty()) return true;
  *error = Invalid(header.Heading(column), "MISSING_VALUE",
                   absl::StrCat(column, " is required"));
  return false;
}
bool RequiredCell(const HeaderMap& header, const CsvRecord& record,
                  absl::string_view column, std::string* value,
                  RowError* error) {
  absl::string_view view;
  const bool ok = RequiredCell(header, record, column, &view, error);
  *value = std::string(view);
  return ok;
}

template <typename T>
bool EnumCell(const HeaderMap& header, const CsvRecord& record,
              absl::string_view column,
              absl::StatusOr<T> (*parse)(absl::string_view), T* value,
              RowError* error) {
  const absl::string_view cell = header.CellView(record, column);
  absl::StatusOr<T> parsed = parse(cell);
  if (!parsed.ok()) {
    *error = Invalid(header.Heading(column),
                     cell.empty() ? "MISSING_VALUE" : "INVALID_VALUE",
                     std::string(parsed.status().message()));
    return false;
  }
  *value = *parsed;
  return true;
}

bool YesNoCell(const HeaderMap& header, const CsvRecord& record,
               absl::string_view column, bool* value, RowError* error) {
  absl::StatusOr<bool> parsed = ParseYesNo(header.CellView(record, column));
  if (!parsed.ok()) {
    *error = Invalid(header.Heading(column), "INVALID_VALUE",
                     std::string(parsed.status().message()));
    return false;
  }
  *value = *parsed;
  return true;
}

// "enterprises/91..." -> "91...".
std::string CreditCodeOfParent(const std::string& parent) {
  absl::string_view p = parent;
  absl::ConsumePrefix(&p, "enterprises/");
  return std::string(p);
}

// The CSV column for a field path from the server: the last path segment
// without an index ("penalty_decision.decision_date" -> "decision_date"),
// mapped to the import column that carries it.
std::string ColumnForServerField(RecordKind kind, const HeaderMap& header,
                                 const std::string& field) {
  if (field.empty()) return "";
  std::string last = field;
  const size_t dot = last.rfind('.');
  if (dot != std::string::npos) last = last.substr(dot + 1);
  const size_t bracket = last.find('[');
  if (bracket != std::string::npos) last = last.substr(0, bracket);
  if (last == "parent") return header.Heading("credit_code");
  if (kind == RecordKind::kDecisions) {
    if (last == "fine_amount_fen") {
      return header.Has("fine_yuan") || !header.Has("fine_fen")
                 ? header.Heading("fine_yuan")
                 : header.Heading("fine_fen");
    }
    if (last == "tampering_with_monitoring_data") {
      return header.Heading("tampering");
    }
  }
  if (kind == RecordKind::kCommitments) {
    if (absl::StrContains(field, "items")) {
      if (last == "description") return header.Heading("item_description");
      if (last == "due_date") return header.Heading("item_due_date");
      if (last == "check_date") return header.Heading("item_check_date");
      if (last == "items") return header.Heading("item_description");
    }
  }
  if (kind == RecordKind::kComplaints &&
      (last == "decision_references" || last == "decisions" ||
       last == "authority" || last == "decision_number")) {
    return header.Heading("decision_numbers");
  }
  if (header.Has(last)) return header.Heading(last);
  return field;
}

// The item index in "commitment.items[2].due_date" (2), or -1.
int ItemIndexOfField(const std::string& field) {
  const size_t open = field.find("items[");
  if (open == std::string::npos) return -1;
  const size_t close = field.find(']', open);
  int index = -1;
  if (close == std::string::npos ||
      !absl::SimpleAtoi(field.substr(open + 6, close - open - 6), &index)) {
    return -1;
  }
  return index;
}

// ---------------------------------------------------------------------------
// Shared bookkeeping of a run

bool ServerDown(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::UNAUTHENTICATED ||
         code == grpc::StatusCode::PERMISSION_DENIED;
}

// Counters, failures and the progress bar. Thread-safe.
class Run {
 public:
  Run(const RecordImportOptions& options, std::ostream& err)
      : options_(options),
        err_(err),
        start_(absl::Now()),
        progress_(err, options.show_progress) {}

  void Created(int n = 1) { Count(&created_, n); }
  void Existed(int n = 1) { Count(&existed_, n); }
  void Fail(FailedRow failure) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back(std::move(failure));
    ++failed_;
    ReportLocked(false);
  }
  void AddRows(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    rows_ += n;
  }
  void SetFraction(double fraction) {
    std::lock_guard<std::mutex> lock(mu_);
    fraction_ = fraction;
  }
  bool server_down() const { return server_down_.load(); }
  // For CallWithRetry: once the server is down, a retry is pointless.
  std::function<bool()> GiveUp() const {
    return [this]() { return server_down(); };
  }
  const RetryPolicy& retry() const { return options_.retry; }
  void MarkServerDown() { server_down_.store(true); }
  absl::Time start() const { return start_; }

  // Writes the errors file and the summary; returns the exit code.
  int Finish(const std::vector<std::string>& header, std::ostream& out);

 private:
  void Count(int* counter, int n) {
    std::lock_guard<std::mutex> lock(mu_);
    *counter += n;
    ReportLocked(false);
  }
  void ReportLocked(bool force) {
    progress_.Draw(created_ + existed_ + failed_, rows_,
                   absl::StrCat("  stored ", created_, "  already there ",
                                existed_, "  failed ", failed_),
                   force, fraction_);
  }

  const RecordImportOptions& options_;
  std::ostream& err_;
  const absl::Time start_;
  std::atomic<bool> server_down_{false};
  std::mutex mu_;
  int rows_ = 0, created_ = 0, existed_ = 0, failed_ = 0;
  double fraction_ = -1;  // of the file read, when streaming
  ProgressBar progress_;  // guarded by mu_, as the counters
  std::vector<FailedRow> failures_;
};

int Run::Finish(const std::vector<std::string>& header, std::ostream& out) {
  std::lock_guard<std::mutex> lock(mu_);
  ReportLocked(/*force=*/true);
  progress_.Done();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  std::stable_sort(
      failures_.begin(), failures_.end(),
      [](const FailedRow& a, const FailedRow& b) { return a.line < b.line; });
  const std::set<int> exit_codes =
      ReportFailedRows(options_.path, header, failures_, options_.server, err_);
  out << RenderRecord(ImportSummary({options_.path, RecordKindName(options_.kind), rows_,
                                      created_, existed_, failed_, seconds}),
                       options_.output)
      << std::flush;
  return ImportExitCode(exit_codes);
}

FailedRow FailureFromStatus(RecordKind kind, const HeaderMap& header,
                            const grpc::Status& status, int line,
                            std::vector<std::string> fields) {
  const RpcErrorDetails details = DecodeErrorDetails(status);
  return FailedRow{line,
                   {ColumnForServerField(kind, header, details.Field()),
                    StatusCodeName(status.error_code()), details.reason,
                    status.error_message()},
                   std::move(fields),
                   ExitCodeForStatus(status.error_code())};
}

// Runs `work(k)` for k in [0, n) on `threads` threads.
void ForEachConcurrently(size_t n, int threads,
                         const std::function<void(size_t)>& work) {
  std::atomic<size_t> next{0};
  const auto worker = [&]() {
    for (size_t k = next.fetch_add(1); k < n; k = next.fetch_add(1)) work(k);
  };
  std::vector<std::thread> pool;
  const int count = std::max(1, std::min<int>(threads, static_cast<int>(n)));
  for (int t = 0; t < count; ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
}

// Reads the whole file and its header; prints the problem and returns false
// when it is not the documented CSV.
struct OpenedFile {
  std::string text;
  std::unique_ptr<CsvParser> parser;
  HeaderMap header;
};
bool OpenImportFile(const RecordImportOptions& options, std::ostream& err,
                    OpenedFile* file) {
  const auto fail = [&](absl::string_view message) {
    err << kProgramName << ": cannot import: " << message << "\n";
    return false;
  };
  absl::StatusOr<std::string> text = ReadFileText(options.path);
  if (!text.ok()) return fail(text.status().message());
  file->text = *std::move(text);
  absl::StatusOr<CsvParser> parser = CsvParser::Create(file->text);
  if (!parser.ok()) {
    return fail(absl::StrCat(options.path, ": ", parser.status().message()));
  }
  file->parser = std::make_unique<CsvParser>(*std::move(parser));
  CsvRecord header;
  absl::StatusOr<bool> got = file->parser->Next(&header);
  if (!got.ok()) {
    return fail(absl::StrCat(options.path, ": ", got.status().message()));
  }
  if (!*got) {
    return fail(absl::StrCat(options.path,
                             ": the file is empty (it needs a header line)"));
  }
  absl::StatusOr<HeaderMap> map = MapRecordHeader(options.kind, header.fields);
  if (!map.ok()) {
    return fail(absl::StrCat(options.path, ": ", map.status().message()));
  }
  file->header = *std::move(map);
  return true;
}

// Reads every remaining data row (for the kinds sent one by one).
bool ReadAllRows(const RecordImportOptions& options, OpenedFile& file,
                 std::ostream& err, std::vector<CsvRecord>* rows) {
  for (;;) {
    CsvRecord record;
    absl::StatusOr<bool> got = file.parser->Next(&record);
    if (!got.ok()) {
      err << kProgramName << ": cannot import: " << options.path << ": "
          << got.status().message() << "\n";
      return false;
    }
    if (!*got) return true;
    if (!IsBlankRow(record)) rows->push_back(std::move(record));
  }
}

// ---------------------------------------------------------------------------
// Decisions: streamed in batches

// A row the reader found: where its bytes are in the file, and its credit
// code to sort by. The reader parses each row only to find its end and its
// code; the sender parses it again and converts it (conversion is most of
// the CLI's work, and a window of parsed rows held between two threads was
// most of its allocations).
struct RowRef {
  // The trimmed credit code, kept in place: a code has 18 characters; a
  // longer (invalid) one is cut, which at worst keeps two such codes'
  // rows together.
  std::array<char, 24> code;
  uint8_t code_size = 0;
  int line = 0;
  size_t begin = 0, end = 0;  // offsets in the parser's text

  RowRef(absl::string_view credit_code, int line, size_t begin, size_t end)
      : line(line), begin(begin), end(end) {
    code_size = static_cast<uint8_t>(std::min(credit_code.size(), code.size()));
    std::copy_n(credit_code.data(), code_size, code.data());
  }
  absl::string_view Code() const { return {code.data(), code_size}; }
};

// Rows of one batch, in the order they are sent.
struct Batch {
  std::vector<RowRef> rows;
};

// Rows whose recurrence names an earlier decision by number: sent one by
// one after every batch is stored (ImportDecisions), in file order.
struct DeferredDecision {
  DecisionRow row;
  int line;
  std::vector<std::string> fields;
};
class DeferredDecisions {
 public:
  void Add(DeferredDecision d) {
    std::lock_guard<std::mutex> lock(mu_);
    rows_.push_back(std::move(d));
  }
  // In file order; call once the senders are done.
  std::vector<DeferredDecision> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    std::sort(rows_.begin(), rows_.end(),
              [](const DeferredDecision& a, const DeferredDecision& b) {
                return a.line < b.line;
              });
    return std::move(rows_);
  }

 private:
  std::mutex mu_;
  std::vector<DeferredDecision> rows_;
};

// A bounded queue of batches between the reader and the senders.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  void Push(Batch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(batch));
    not_empty_.notify_one();
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  // False when closed and drained.
  bool Pop(Batch* batch) {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return false;
    *batch = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> queue_;
  bool closed_ = false;
};

// Parses and converts the batch's rows (invalid ones fail, recurrences by
// number are deferred) and sends the rest as one call. The request and the
// answer live on one arena, freed at once.
void SendBatch(Batch& batch, absl::string_view text, RecordClient& client,
               const HeaderMap& header, Run& run, DeferredDecisions& deferred) {
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 64 << 10;
  arena_options.max_block_size = 1 << 20;
  google::protobuf::Arena arena(arena_options);
  auto* request =
      google::protobuf::Arena::CreateMessage<v1::BatchCreatePenaltyDecisionsRequest>(&arena);
  // The import counts and reports rows; it never reads a stored decision
  // back, so the names are all it asks for (a re-import is then answered
  // from the server's request log alone).
  request->set_result_view(v1::BATCH_RESULT_VIEW_NAME);
  // A row's cells as read (the reader read them already: this cannot fail).
  CsvRecord record;
  const auto parse = [&](const RowRef& row) -> CsvRecord& {
    CsvParser parser =
        CsvParser::OfCheckedText(text.substr(row.begin, row.end - row.begin));
    const absl::StatusOr<bool> got = parser.Next(&record);
    if (!got.ok() || !*got) record.fields.clear();
    record.line = row.line;
    return record;
  };
  std::vector<size_t> sent;  // the row of each item of `request`
  sent.reserve(batch.rows.size());
  for (size_t k = 0; k < batch.rows.size(); ++k) {
    const CsvRecord& row = parse(batch.rows[k]);
    CreatePenaltyDecisionRequest* item = request->add_requests();
    std::string ref_authority, ref_number;
    RowError error;
    if (!DecisionRowInto(header, row, item, &ref_authority, &ref_number,
                         &error)) {
      request->mutable_requests()->RemoveLast();
      run.Fail(FailedRow{row.line, std::move(error), row.fields,
                         kExitInvalidInput});
      continue;
    }
    if (!ref_number.empty()) {
      DecisionRow later{true, *item, std::move(ref_authority),
                        std::move(ref_number), {}};
      request->mutable_requests()->RemoveLast();
      deferred.Add({std::move(later), row.line, row.fields});
      continue;
    }
    sent.push_back(k);
  }
  if (sent.empty()) return;
  // What the errors file shows of a sent item's row.
  const auto fields_of = [&](size_t item) {
    return parse(batch.rows[sent[item]]).fields;
  };
  const auto line_of = [&](size_t item) { return batch.rows[sent[item]].line; };
  if (run.server_down()) {
    for (size_t k = 0; k < sent.size(); ++k) {
      run.Fail(NotSentRow(line_of(k), fields_of(k)));
    }
    return;
  }
  auto* response =
      google::protobuf::Arena::CreateMessage<v1::BatchCreatePenaltyDecisionsResponse>(&arena);
  const grpc::Status status = CallWithRetry(
      run.retry(),
      [&]() {
        response->Clear();
        return client.BatchCreatePenaltyDecisions(NewRequestId(), *request,
                                                  response);
      },
      run.GiveUp());
  if (status.ok() && response->results_size() != request->requests_size()) {
    for (size_t k = 0; k < sent.size(); ++k) {
      run.Fail(FailedRow{
          line_of(k),
          {"", "INTERNAL", "BAD_BATCH_RESPONSE",
           absl::StrCat("the server answered ", response->results_size(),
                        " results for ", request->requests_size(), " rows")},
          fields_of(k),
          kExitFailure});
    }
    return;
  }
  if (!status.ok()) {
    if (ServerDown(status.error_code())) run.MarkServerDown();
    for (size_t k = 0; k < sent.size(); ++k) {
      run.Fail(FailureFromStatus(RecordKind::kDecisions, header, status,
                                 line_of(k), fields_of(k)));
    }
    return;
  }
  int created = 0, existed = 0;
  for (int k = 0; k < response->results_size(); ++k) {
    const v1::BatchCreatePenaltyDecisionResult& r = response->results(k);
    if (r.code() == 0) {
      (r.already_existed() ? existed : created)++;
      continue;
    }
    const auto code = static_cast<grpc::StatusCode>(r.code());
    run.Fail(FailedRow{
        line_of(k),
        {ColumnForServerField(RecordKind::kDecisions, header, r.field()),
         StatusCodeName(code), r.reason(), r.message()},
        fields_of(k),
        ExitCodeForStatus(code)});
  }
  run.Created(created);
  run.Existed(existed);
}

// Finds the name of the decision (authority, number) of enterprise `code`
// by listing its decisions; caches every decision it sees.
class DecisionResolver {
 public:
  explicit DecisionResolver(RecordClient& client) : client_(client) {}

  // NOT_FOUND when the enterprise has no such decision; the list call's
  // status when it fails. An empty `authority` matches any authority when
  // the number is unique among the enterprise's decisions.
  grpc::Status Resolve(const std::string& code, const std::string& authority,
                       const std::string& number, std::string* name) {
    if (loaded_.insert(code).second) {
      v1::ListPenaltyDecisionsRequest request;
      request.set_parent("enterprises/" + code);
      request.set_page_size(1000);
      for (;;) {
        v1::ListPenaltyDecisionsResponse response;
        const grpc::Status status =
            client_.ListPenaltyDecisions(NewRequestId(), request, &response);
        if (!status.ok()) {
          loaded_.erase(code);
          return status;
        }
        for (const auto& d : response.penalty_decisions()) {
          Remember(code, d.authority(), d.decision_number(), d.name());
        }
        if (response.next_page_token().empty()) break;
        request.set_page_token(response.next_page_token());
      }
    }
    std::vector<std::string> found;
    for (const auto& [key, value] : names_) {
      if (std::get<0>(key) == code && std::get<2>(key) == number &&
          (authority.empty() || std::get<1>(key) == authority)) {
        found.push_back(value);
      }
    }
    if (found.size() == 1) {
      *name = found[0];
      return grpc::Status::OK;
    }
    return grpc::Status(
        found.empty() ? grpc::StatusCode::NOT_FOUND
                      : grpc::StatusCode::INVALID_ARGUMENT,
        found.empty()
            ? absl::StrCat("enterprise ", code, " has no decision ",
                           authority.empty() ? "" : authority + " ", number)
            : absl::StrCat("several decisions numbered ", number,
                           ": write AUTHORITY：NUMBER"));
  }
  void Remember(const std::string& code, const std::string& authority,
                const std::string& number, const std::string& name) {
    names_[{code, authority, number}] = name;
  }

 private:
  RecordClient& client_;
  std::set<std::string> loaded_;
  std::map<std::tuple<std::string, std::string, std::string>, std::string>
      names_;
};

// Sorts `window` by credit code (file order within a code) and cuts it into
// batches of at most `batch_size` rows that never split one enterprise's
// rows, unless that enterprise alone has more than `batch_size`: so the
// batches in flight name disjoint enterprises and do not wait for each
// other's locks, and each batch re-rates few enterprises (doc/import.md).
// Empties `window`.
std::vector<Batch> CutWindow(std::vector<RowRef>& window, size_t batch_size) {
  // By code, then file order (offsets grow with it).
  std::sort(window.begin(), window.end(), [](const RowRef& a, const RowRef& b) {
    const int order = a.Code().compare(b.Code());
    return order != 0 ? order < 0 : a.begin < b.begin;
  });
  std::vector<Batch> batches;
  Batch batch;
  for (size_t start = 0; start < window.size();) {
    size_t end = start + 1;  // [start, end): one enterprise's rows
    while (end < window.size() && window[end].Code() == window[start].Code()) {
      ++end;
    }
    if (!batch.rows.empty() && batch.rows.size() + (end - start) > batch_size) {
      batches.push_back(std::move(batch));
      batch = Batch();
    }
    for (size_t k = start; k < end; ++k) {
      batch.rows.push_back(window[k]);
      if (batch.rows.size() >= batch_size) {
        batches.push_back(std::move(batch));
        batch = Batch();
      }
    }
    start = end;
  }
  if (!batch.rows.empty()) batches.push_back(std::move(batch));
  window.clear();
  return batches;
}

int ImportDecisions(const RecordImportOptions& options, RecordClient& client,
                    std::ostream& out, std::ostream& err) {
  OpenedFile file;
  if (!OpenImportFile(options, err, &file)) return kExitInvalidInput;
  Run run(options, err);
  const int senders = options.concurrency > 0 ? options.concurrency : 4;
  const size_t batch_size =
      static_cast<size_t>(std::max(1, std::min(options.batch_size, 1000)));
  const size_t window_size = std::max(
      static_cast<size_t>(std::max(options.sort_window, 1)), batch_size);
  // Room for a whole window's batches besides those in flight: the reader
  // reads the next window while the senders send this one.
  BatchQueue queue(static_cast<size_t>(senders) +
                   (window_size + batch_size - 1) / batch_size);
  DeferredDecisions deferred_rows;
  std::vector<std::thread> pool;
  for (int t = 0; t < senders; ++t) {
    pool.emplace_back([&]() {
      Batch batch;
      while (queue.Pop(&batch)) {
        SendBatch(batch, file.parser->text(), client, file.header, run,
                  deferred_rows);
      }
    });
  }
  std::vector<RowRef> window;
  window.reserve(std::min<size_t>(window_size, 1 << 16));
  const auto send_window = [&]() {
    for (Batch& b : CutWindow(window, batch_size)) queue.Push(std::move(b));
  };

  bool parse_failed = false;
  std::string parse_error;
  int rows = 0;
  CsvRecord record;  // every row is read into it (CsvParser::Next)
  for (;;) {
    const size_t begin = file.parser->offset();
    absl::StatusOr<bool> got = file.parser->Next(&record);
    if (!got.ok()) {
      parse_failed = true;
      parse_error = std::string(got.status().message());
      break;
    }
    if (!*got) break;
    if (IsBlankRow(record)) continue;
    ++rows;
    if (rows % 1024 == 0) {
      run.AddRows(1024);
      run.SetFraction(double(file.parser->offset()) / file.parser->size());
    }
    window.emplace_back(file.header.CellView(record, "credit_code"),
                        record.line, begin, file.parser->offset());
    if (window.size() >= window_size) send_window();
  }
  run.AddRows(rows % 1024);
  send_window();
  queue.Close();
  for (std::thread& t : pool) t.join();
  run.SetFraction(1);
  if (parse_failed) {
    // Rows before the broken spot were sent; say where reading stopped.
    err << kProgramName << ": " << options.path << ": " << parse_error
        << "; the rows after it were not read\n";
    run.Fail(FailedRow{0,
                       {"", "INVALID_ARGUMENT", "CSV_SYNTAX", parse_error},
                       {},
                       kExitInvalidInput});
  }

  // Recurrences that name their earlier decision by number: resolved now
  // that the earlier rows are stored, then sent in file order.
  DecisionResolver resolver(client);
  for (DeferredDecision& d : deferred_rows.Take()) {
    if (run.server_down()) {
      run.Fail(NotSentRow(d.line, std::move(d.fields)));
      continue;
    }
    const std::string code = CreditCodeOfParent(d.row.request.parent());
    std::string name;
    grpc::Status status = resolver.Resolve(code, d.row.recurrence_authority,
                                           d.row.recurrence_number, &name);
    if (!status.ok()) {
      FailedRow f = FailureFromStatus(RecordKind::kDecisions, file.header,
                                      status, d.line, std::move(d.fields));
      f.error.column = file.header.Heading("recurrence_of");
      if (f.error.reason.empty()) {
        f.error.reason = status.error_code() == grpc::StatusCode::NOT_FOUND
                             ? "PENALTY_DECISION_NOT_FOUND"
                             : "AMBIGUOUS_DECISION_NUMBER";
      }
      if (ServerDown(status.error_code())) run.MarkServerDown();
      run.Fail(std::move(f));
      continue;
    }
    d.row.request.mutable_penalty_decision()->set_recurrence_of(name);
    v1::PenaltyDecision response;
    status = CallWithRetry(
        run.retry(),
        [&]() {
          return client.CreatePenaltyDecision(NewRequestId(), d.row.request,
                                              &response);
        },
        run.GiveUp());
    if (status.ok()) {
      resolver.Remember(code, response.authority(), response.decision_number(),
                        response.name());
      // The batch answer says whether it existed; a single create does not.
      if (response.create_time().seconds() != 0 &&
          absl::FromUnixSeconds(response.create_time().seconds()) <
              run.start() - options.clock_skew) {
        run.Existed();
      } else {
        run.Created();
      }
    } else if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      run.Fail(FailureFromStatus(RecordKind::kDecisions, file.header, status,
                                 d.line, std::move(d.fields)));
    } else {
      if (ServerDown(status.error_code())) run.MarkServerDown();
      run.Fail(FailureFromStatus(RecordKind::kDecisions, file.header, status,
                                 d.line, std::move(d.fields)));
    }
  }
  return run.Finish(file.header.header, out);
}

// ---------------------------------------------------------------------------
// Commitments, complaints, incidents: single creates

// Whether a record returned by a create existed before this import (a
// replayed request_id returns the original).
bool CreatedBefore(const google::protobuf::Timestamp& t, const Run& run,
                   absl::Duration skew) {
  if (t.seconds() == 0 && t.nanos() == 0) return false;
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()) <
         run.start() - skew;
}

// Sends the create of one complaint or incident row, with retries, and
// counts what came of it.
template <typename Row, typename Request, typename Response>
void CreateRow(const RecordImportOptions& options, const HeaderMap& header,
               RecordClient& client,
               grpc::Status (RecordClient::*create)(const std::string&,
                                                    const Request&, Response*),
               Row row, const CsvRecord& record, Run& run) {
  if (!row.ok) {
    run.Fail(FailedRow{record.line, std::move(row.error), record.fields,
                       kExitInvalidInput});
    return;
  }
  if (run.server_down()) {
    run.Fail(NotSentRow(record.line, record.fields));
    return;
  }
  Response response;
  const grpc::Status status = CallWithRetry(
      run.retry(),
      [&]() {
        return (client.*create)(NewRequestId(), row.request, &response);
      },
      run.GiveUp());
  if (status.ok()) {
    if (CreatedBefore(response.create_time(), run, options.clock_skew)) {
      run.Existed();
    } else {
      run.Created();
    }
  } else if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    run.Existed();
  } else {
    if (ServerDown(status.error_code())) run.MarkServerDown();
    run.Fail(FailureFromStatus(options.kind, header, status, record.line,
                               record.fields));
  }
}

int ImportComplaintsOrIncidents(const RecordImportOptions& options,
                                RecordClient& client, std::ostream& out,
                                std::ostream& err) {
  OpenedFile file;
  if (!OpenImportFile(options, err, &file)) return kExitInvalidInput;
  std::vector<CsvRecord> rows;
  if (!ReadAllRows(options, file, err, &rows)) return kExitInvalidInput;
  Run run(options, err);
  run.AddRows(static_cast<int>(rows.size()));
  ForEachConcurrently(
      rows.size(), options.concurrency > 0 ? options.concurrency : 16,
      [&](size_t k) {
        const CsvRecord& record = rows[k];
        if (options.kind == RecordKind::kComplaints) {
          CreateRow(options, file.header, client,
                    &RecordClient::CreateComplaint,
                    ComplaintRowToRequest(file.header, record), record, run);
        } else {
          CreateRow(options, file.header, client, &RecordClient::CreateIncident,
                    IncidentRowToRequest(file.header, record), record, run);
        }
      });
  return run.Finish(file.header.header, out);
}

int ImportCommitments(const RecordImportOptions& options, RecordClient& client,
                      std::ostream& out, std::ostream& err) {
  OpenedFile file;
  if (!OpenImportFile(options, err, &file)) return kExitInvalidInput;
  std::vector<CsvRecord> rows;
  if (!ReadAllRows(options, file, err, &rows)) return kExitInvalidInput;
  Run run(options, err);
  run.AddRows(static_cast<int>(rows.size()));
  std::vector<CommitmentGroup> groups = GroupCommitments(file.header, rows);

  // Every row of a failed group fails: the row at fault with its reason,
  // the others as "part of a commitment that failed".
  const auto fail_group = [&](const CommitmentGroup& g, const RowError& error,
                              int at, int exit_code) {
    for (size_t k = 0; k < g.rows.size(); ++k) {
      FailedRow f{g.rows[k]->line, error, g.rows[k]->fields, exit_code};
      if (static_cast<int>(k) != at) {
        f.error.column = "";
        f.error.reason = "COMMITMENT_NOT_STORED";
        f.error.message =
            absl::StrCat("not stored: line ", g.rows[at]->line,
                         " of the same commitment failed: ", error.message);
      }
      run.Fail(std::move(f));
    }
  };

  ForEachConcurrently(
      groups.size(), options.concurrency > 0 ? options.concurrency : 16,
      [&](size_t k) {
        CommitmentGroup& g = groups[k];
        if (!g.ok) {
          fail_group(g, g.error, g.error_row, kExitInvalidInput);
          return;
        }
        if (run.server_down()) {
          for (const CsvRecord* r : g.rows) {
            run.Fail(NotSentRow(r->line, r->fields));
          }
          return;
        }
        v1::Commitment response;
        grpc::Status status = CallWithRetry(
            run.retry(),
            [&]() {
              return client.CreateCommitment(NewRequestId(), g.request,
                                             &response);
            },
            run.GiveUp());
        if (!status.ok()) {
          if (ServerDown(status.error_code())) run.MarkServerDown();
          const RpcErrorDetails details = DecodeErrorDetails(status);
          const int item = ItemIndexOfField(details.Field());
          const int at =
              item >= 0 && item < static_cast<int>(g.rows.size()) ? item : 0;
          fail_group(g,
                     {ColumnForServerField(RecordKind::kCommitments,
                                           file.header, details.Field()),
                      StatusCodeName(status.error_code()), details.reason,
                      status.error_message()},
                     at, ExitCodeForStatus(status.error_code()));
          return;
        }
        const bool existed =
            CreatedBefore(response.create_time(), run, options.clock_skew);
        // The checks of items, skipping those already in the wanted state
        // (a re-run).
        std::vector<FailedRow> check_failures;
        for (const CommitmentCheck& check : g.checks) {
          const int index = check.item_number - 1;
          if (index < response.items_size() &&
              response.items(index).state() == check.outcome) {
            continue;
          }
          v1::CheckCommitmentItemRequest request;
          request.set_name(response.name());
          request.set_item_number(check.item_number);
          request.set_outcome(check.outcome);
          *request.mutable_check_date() = check.date;
          request.set_note(check.note);
          request.set_request_id(
              ImportHash({"envcredit.import.v1.check", g.request.request_id(),
                          absl::StrCat(check.item_number),
                          absl::StrCat(static_cast<int>(check.outcome)),
                          FormatDate(check.date), check.note}));
          v1::Commitment checked;
          const grpc::Status s = CallWithRetry(
              run.retry(),
              [&]() {
                return client.CheckCommitmentItem(NewRequestId(), request,
                                                  &checked);
              },
              run.GiveUp());
          if (!s.ok()) {
            FailedRow f =
                FailureFromStatus(RecordKind::kCommitments, file.header, s,
                                  g.rows[index]->line, g.rows[index]->fields);
            if (f.error.column.empty() ||
                absl::StrContains(f.error.column, ".")) {
              f.error.column = file.header.Heading("item_state");
            }
            f.error.message =
                absl::StrCat("the commitment was stored as ", response.name(),
                             " but the check of item ", check.item_number,
                             " failed: ", f.error.message);
            check_failures.push_back(std::move(f));
          }
        }
        const int failed_rows = static_cast<int>(check_failures.size());
        for (FailedRow& f : check_failures) run.Fail(std::move(f));
        const int ok_rows = static_cast<int>(g.rows.size()) - failed_rows;
        if (existed) {
          run.Existed(ok_rows);
        } else {
          run.Created(ok_rows);
        }
      });
  return run.Finish(file.header.header, out);
}

}  // namespace

// ---------------------------------------------------------------------------
// Public functions

bool ParseRecordKind(absl::string_view text, RecordKind* kind) {
  if (text == "decisions")
    *kind = RecordKind::kDecisions;
  else if (text == "commitments")
    *kind = RecordKind::kCommitments;
  else if (text == "complaints")
    *kind = RecordKind::kComplaints;
  else if (text == "incidents")
    *kind = RecordKind::kIncidents;
  else
    return false;
  return true;
}

std::string RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kDecisions:
      return "decisions";
    case RecordKind::kCommitments:
      return "commitments";
    case RecordKind::kComplaints:
      return "complaints";
    case RecordKind::kIncidents:
      return "incidents";
  }
  return "";
}

const std::vector<ImportColumn>& ImportColumnsOf(RecordKind kind) {
  switch (kind) {
    case RecordKind::kDecisions:
      return DecisionColumns();
    case RecordKind::kCommitments:
      return CommitmentColumns();
    case RecordKind::kComplaints:
      return ComplaintColumns();
    case RecordKind::kIncidents:
      return IncidentColumns();
  }
  return DecisionColumns();
}

std::string HeaderMap::Cell(const CsvRecord& record,
                            absl::string_view column) const {
  return std::string(CellView(record, column));
}

absl::string_view HeaderMap::CellView(const CsvRecord& record,
                                      absl::string_view column) const {
  const auto it = index.find(column);
  if (it == index.end() || it->second >= static_cast<int>(record.fields.size()))
    return "";
  return TrimAscii(record.fields[it->second]);
}

std::string HeaderMap::Heading(absl::string_view column) const {
  const auto it = index.find(column);
  if (it == index.end()) return std::string(column);
  return std::string(TrimAscii(header[it->second]));
}

absl::StatusOr<HeaderMap> MapRecordHeader(
    RecordKind kind, const std::vector<std::string>& header) {
  const std::vector<ImportColumn>& columns = ImportColumnsOf(kind);
  HeaderMap map;
  map.header = header;
  for (size_t k = 0; k < header.size(); ++k) {
    const std::string heading = NormalizeHeading(header[k]);
    const ImportColumn* match = nullptr;
    for (const ImportColumn& c : columns) {
      if (heading == c.name) match = &c;
      for (const std::string& alias : c.aliases) {
        if (heading == NormalizeHeading(alias)) match = &c;
      }
      if (match != nullptr) break;
    }
    if (match == nullptr) {
      std::vector<std::string> names;
      for (const ImportColumn& c : columns) names.push_back(c.name);
      return absl::InvalidArgumentError(absl::StrCat(
          "line 1: unknown column '", TrimAscii(header[k]), "' (column ", k + 1,
          "); the columns of ", RecordKindName(kind), " are ",
          absl::StrJoin(names, ", "),
          " or their Chinese names (doc/import.md)"));
    }
    if (!map.index.emplace(match->name, static_cast<int>(k)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("line 1: column '", match->name, "' appears twice (as '",
                       TrimAscii(header[map.index[match->name]]), "' and '",
                       TrimAscii(header[k]), "')"));
    }
  }
  for (const ImportColumn& c : columns) {
    if (c.required && !map.Has(c.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("line 1: the required column '", c.name, "' (",
                       c.aliases.empty() ? "" : c.aliases[0], ") is missing"));
    }
  }
  return map;
}

DecisionRow DecisionRowToRequest(const HeaderMap& h, const CsvRecord& r) {
  DecisionRow row;
  row.ok = DecisionRowInto(h, r, &row.request, &row.recurrence_authority,
                           &row.recurrence_number, &row.error);
  return row;
}

// Cells are read as views into the row and hashed where they lie: a
// re-import is bound by this function's allocations (doc/benchmarks.md
// "Re-import: rows converted where they are sent").
bool DecisionRowInto(const HeaderMap& h, const CsvRecord& r,
                     CreatePenaltyDecisionRequest* request,
                     std::string* recurrence_authority,
                     std::string* recurrence_number, RowError* error) {
  if (WrongFieldCount(h, r, error)) return false;
  absl::string_view code;
  if (!RequiredCell(h, r, "credit_code", &code, error)) return false;
  v1::PenaltyDecision* d = request->mutable_penalty_decision();
  request->set_parent(absl::StrCat("enterprises/", code));
  absl::string_view authority, number;
  if (!RequiredCell(h, r, "authority", &authority, error)) return false;
  if (!RequiredCell(h, r, "decision_number", &number, error)) return false;
  d->set_authority(std::string(authority));
  d->set_decision_number(std::string(number));
  v1::ViolationType type;
  if (!EnumCell(h, r, "violation_type", &ParseViolationType, &type, error)) {
    return false;
  }
  d->set_violation_type(type);
  if (!DateCell(h, r, "decision_date", true, d->mutable_decision_date(),
                error)) {
    return false;
  }
  absl::StatusOr<std::vector<v1::Measure>> measures =
      ParseMeasureList(h.CellView(r, "measures"));
  if (!measures.ok()) {
    *error = Invalid(h.Heading("measures"), "INVALID_MEASURES",
                     std::string(measures.status().message()));
    return false;
  }
  for (const v1::Measure m : *measures) d->add_measures(m);
  const absl::string_view yuan = h.CellView(r, "fine_yuan");
  const absl::string_view fen = h.CellView(r, "fine_fen");
  int64_t amount = 0;
  if (!yuan.empty()) {
    absl::StatusOr<int64_t> v = ParseYuanAsFen(yuan);
    if (!v.ok()) {
      *error = Invalid(h.Heading("fine_yuan"), "INVALID_FINE_AMOUNT",
                       std::string(v.status().message()));
      return false;
    }
    amount = *v;
  }
  if (!fen.empty()) {
    absl::StatusOr<int64_t> v = ParseFen(fen);
    if (!v.ok()) {
      *error = Invalid(h.Heading("fine_fen"), "INVALID_FINE_AMOUNT",
                       std::string(v.status().message()));
      return false;
    }
    if (!yuan.empty() && *v != amount) {
      *error = Invalid(
          h.Heading("fine_fen"), "INVALID_FINE_AMOUNT",
          absl::StrCat("fine_fen ", *v, " does not match fine_yuan ", yuan));
      return false;
    }
    amount = *v;
  }
  // The rule itself (amount > 0 exactly with a fine) is the server's; the
  // amount is sent as written so its message names the field.
  d->set_fine_amount_fen(amount);
  bool flag = false;
  if (!YesNoCell(h, r, "tampering", &flag, error)) return false;
  d->set_tampering_with_monitoring_data(flag);
  if (!YesNoCell(h, r, "recurrence", &flag, error)) return false;
  const absl::string_view recurrence_of = h.CellView(r, "recurrence_of");
  d->set_recurrence(flag || !recurrence_of.empty());
  if (!recurrence_of.empty()) {
    if (absl::StartsWith(recurrence_of, "enterprises/")) {
      d->set_recurrence_of(std::string(recurrence_of));
    } else {
      auto [ref_authority, ref_number] = SplitReference(recurrence_of);
      *recurrence_authority =
          ref_authority.empty() ? std::string(authority) : ref_authority;
      *recurrence_number = ref_number;
    }
  }
  // The request_id hashes these fields in this order: ids stored by earlier
  // imports must come out the same, or a re-import is no longer answered
  // from the server's request log (the natural key still stores nothing
  // twice, through the full path).
  const std::string type_text = absl::StrCat(static_cast<int>(type));
  const std::string date_text = FormatDate(d->decision_date());
  const std::string amount_text = absl::StrCat(amount);
  absl::InlinedVector<std::string, 4> measure_texts;
  for (const int m : d->measures()) measure_texts.push_back(absl::StrCat(m));
  absl::InlinedVector<absl::string_view, 16> key = {
      "envcredit.import.v1.decision",
      code,
      authority,
      number,
      type_text,
      date_text,
      amount_text,
      d->tampering_with_monitoring_data() ? "1" : "0",
      d->recurrence() ? "1" : "0",
      recurrence_of};
  for (const std::string& m : measure_texts) key.push_back(m);
  request->set_request_id(ImportHashOf(key));
  return true;
}

ComplaintRow ComplaintRowToRequest(const HeaderMap& h, const CsvRecord& r) {
  ComplaintRow row;
  if (WrongFieldCount(h, r, &row.error)) return row;
  std::string code, case_number;
  if (!RequiredCell(h, r, "credit_code", &code, &row.error)) return row;
  row.request.set_parent("enterprises/" + code);
  v1::Complaint* c = row.request.mutable_complaint();
  if (!RequiredCell(h, r, "case_number", &case_number, &row.error)) return row;
  c->set_case_number(case_number);
  if (!DateCell(h, r, "received_date", true, c->mutable_received_date(),
                &row.error)) {
    return row;
  }
  v1::ComplaintChannel channel;
  if (!EnumCell(h, r, "channel", &ParseComplaintChannel, &channel,
                &row.error)) {
    return row;
  }
  c->set_channel(channel);
  bool substantiated = false;
  if (!YesNoCell(h, r, "substantiated", &substantiated, &row.error)) return row;
  c->set_substantiated(substantiated);
  c->set_summary(h.Cell(r, "summary"));
  const std::string default_authority = h.Cell(r, "decision_authority");
  for (const std::string& entry : SplitList(h.Cell(r, "decision_numbers"))) {
    auto [authority, number] = SplitReference(entry);
    if (authority.empty()) authority = default_authority;
    if (authority.empty() || number.empty()) {
      row.error = Invalid(
          h.Heading("decision_numbers"), "MISSING_AUTHORITY",
          absl::StrCat("decision '", entry,
                       "' needs its authority: fill decision_authority or "
                       "write AUTHORITY：NUMBER"));
      return row;
    }
    v1::PenaltyDecisionReference* ref = c->add_decision_references();
    ref->set_authority(authority);
    ref->set_decision_number(number);
  }
  std::vector<std::string> key = {"envcredit.import.v1.complaint",
                                  code,
                                  case_number,
                                  FormatDate(c->received_date()),
                                  absl::StrCat(static_cast<int>(channel)),
                                  substantiated ? "1" : "0",
                                  c->summary()};
  for (const auto& ref : c->decision_references()) {
    key.push_back(ref.authority());
    key.push_back(ref.decision_number());
  }
  row.request.set_request_id(ImportHash(key));
  row.ok = true;
  return row;
}

IncidentRow IncidentRowToRequest(const HeaderMap& h, const CsvRecord& r) {
  IncidentRow row;
  if (WrongFieldCount(h, r, &row.error)) return row;
  std::string code;
  if (!RequiredCell(h, r, "credit_code", &code, &row.error)) return row;
  row.request.set_parent("enterprises/" + code);
  v1::Incident* i = row.request.mutable_incident();
  if (!DateCell(h, r, "date", true, i->mutable_date(), &row.error)) return row;
  v1::IncidentGrade grade;
  if (!EnumCell(h, r, "grade", &ParseIncidentGrade, &grade, &row.error)) {
    return row;
  }
  i->set_grade(grade);
  i->set_description(h.Cell(r, "description"));
  row.request.set_request_id(
      ImportHash({"envcredit.import.v1.incident", code, FormatDate(i->date()),
                  absl::StrCat(static_cast<int>(grade)), i->description()}));
  row.ok = true;
  return row;
}

std::vector<CommitmentGroup> GroupCommitments(
    const HeaderMap& h, const std::vector<CsvRecord>& rows) {
  std::vector<CommitmentGroup> groups;
  std::map<std::pair<std::string, std::string>, size_t> by_key;
  for (const CsvRecord& r : rows) {
    const std::pair<std::string, std::string> key = {
        h.Cell(r, "credit_code"), h.Cell(r, "commitment_ref")};
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      it = by_key.emplace(key, groups.size()).first;
      groups.emplace_back();
      groups.back().ok = true;
    }
    groups[it->second].rows.push_back(&r);
  }
  for (CommitmentGroup& g : groups) {
    const auto fail = [&](int at, RowError error) {
      if (!g.ok) return;
      g.ok = false;
      g.error_row = at;
      g.error = std::move(error);
    };
    const CsvRecord& first = *g.rows[0];
    std::string code, ref, signer;
    v1::CommitmentKind kind = v1::COMMITMENT_KIND_UNSPECIFIED;
    bool is_public = false;
    RowError error;
    v1::Commitment* c = g.request.mutable_commitment();
    if (WrongFieldCount(h, first, &error) ||
        !RequiredCell(h, first, "credit_code", &code, &error) ||
        !RequiredCell(h, first, "commitment_ref", &ref, &error) ||
        !EnumCell(h, first, "kind", &ParseCommitmentKind, &kind, &error) ||
        !RequiredCell(h, first, "signer", &signer, &error) ||
        !DateCell(h, first, "signing_date", true, c->mutable_signing_date(),
                  &error) ||
        !YesNoCell(h, first, "public", &is_public, &error)) {
      fail(0, error);
      continue;
    }
    g.request.set_parent("enterprises/" + code);
    c->set_kind(kind);
    c->set_signer(signer);
    c->set_public_(is_public);
    std::vector<std::string> key = {"envcredit.import.v1.commitment",
                                    code,
                                    ref,
                                    absl::StrCat(static_cast<int>(kind)),
                                    signer,
                                    FormatDate(c->signing_date()),
                                    is_public ? "1" : "0"};
    for (size_t k = 0; k < g.rows.size() && g.ok; ++k) {
      const CsvRecord& r = *g.rows[k];
      if (k > 0) {
        if (WrongFieldCount(h, r, &error)) {
          fail(static_cast<int>(k), error);
          break;
        }
        // The commitment's columns must repeat the first row's.
        for (const char* column :
             {"kind", "signer", "signing_date", "public"}) {
          if (h.Cell(r, column) != h.Cell(first, column)) {
            fail(static_cast<int>(k),
                 Invalid(h.Heading(column), "INCONSISTENT_COMMITMENT",
                         absl::StrCat(column, " '", h.Cell(r, column),
                                      "' differs from line ", first.line,
                                      " of the same commitment ('",
                                      h.Cell(first, column), "')")));
            break;
          }
        }
        if (!g.ok) break;
      }
      const std::string description = h.Cell(r, "item_description");
      const std::string due = h.Cell(r, "item_due_date");
      const std::string state = h.Cell(r, "item_state");
      if (description.empty() && due.empty() && state.empty()) {
        if (g.rows.size() > 1) {
          fail(static_cast<int>(k),
               Invalid(h.Heading("item_description"), "MISSING_VALUE",
                       "a commitment with several rows needs an item on "
                       "each"));
        }
        continue;
      }
      if (description.empty()) {
        fail(static_cast<int>(k),
             Invalid(h.Heading("item_description"), "MISSING_VALUE",
                     "item_description is required when the row has an "
                     "item"));
        break;
      }
      v1::CommitmentItem* item = c->add_items();
      item->set_description(description);
      if (!DateCell(h, r, "item_due_date", true, item->mutable_due_date(),
                    &error)) {
        fail(static_cast<int>(k), error);
        break;
      }
      key.push_back(description);
      key.push_back(FormatDate(item->due_date()));
      if (state.empty() || absl::AsciiStrToUpper(state) == "PENDING" ||
          state == "未核查") {
        continue;
      }
      CommitmentCheck check;
      check.item_number = c->items_size();
      absl::StatusOr<v1::CommitmentItemState> outcome =
          ParseCheckOutcome(state);
      if (!outcome.ok()) {
        fail(static_cast<int>(k),
             Invalid(h.Heading("item_state"), "INVALID_VALUE",
                     std::string(outcome.status().message())));
        break;
      }
      check.outcome = *outcome;
      if (!DateCell(h, r, "item_check_date", true, &check.date, &error)) {
        fail(static_cast<int>(k), error);
        break;
      }
      check.note = h.Cell(r, "item_check_note");
      g.checks.push_back(std::move(check));
    }
    if (g.ok) g.request.set_request_id(ImportHash(key));
  }
  return groups;
}

int RunRecordImport(const RecordImportOptions& options, RecordClient& client,
                    std::ostream& out, std::ostream& err) {
  switch (options.kind) {
    case RecordKind::kDecisions:
      return ImportDecisions(options, client, out, err);
    case RecordKind::kCommitments:
      return ImportCommitments(options, client, out, err);
    case RecordKind::kComplaints:
    case RecordKind::kIncidents:
      return ImportComplaintsOrIncidents(options, client, out, err);
  }
  return kExitFailure;
}

}  // namespace envcredit::admin
