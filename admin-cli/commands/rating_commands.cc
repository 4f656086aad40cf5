#include "admin-cli/commands/rating_commands.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "admin-cli/base/files.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/base/text.h"
#include "admin-cli/commands/runner.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/import/csv_reader.h"
#include "admin-cli/output/output.h"
#include "admin-cli/output/progress.h"
#include "admin-cli/output/rating_output.h"
#include "admin-cli/rpc_errors.h"

namespace envcredit::admin {
namespace {

// ListRatings takes page sizes 1..1000.
constexpr int64_t kMaxListPageSize = 1000;

// --- Interruption ---------------------------------------------------------

// Set by OnInterrupt; read by the commands that stop cleanly. A lock-free
// atomic is the only shared state a signal handler may touch.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void OnInterrupt(int signal_number) {
  if (g_interrupted.load()) {
    // The second Ctrl-C: give up at once, as without the handler.
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
    return;
  }
  g_interrupted.store(true);
}

// While it lives, SIGINT and SIGTERM set g_interrupted instead of ending the
// process. Not thread-safe: one at a time (commands run one at a time).
class ScopedInterruptFlag {
 public:
  ScopedInterruptFlag() {
    g_interrupted.store(false);
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ScopedInterruptFlag(const ScopedInterruptFlag&) = delete;
  ScopedInterruptFlag& operator=(const ScopedInterruptFlag&) = delete;
  ~ScopedInterruptFlag() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

  const std::atomic<bool>* flag() const { return &g_interrupted; }
  bool interrupted() const { return g_interrupted.load(); }

 private:
  struct sigaction old_int_;
  struct sigaction old_term_;
};

std::string RatingName(const std::string& code) {
  return absl::StrCat("enterprises/", code, "/rating");
}

// --- Commands -------------------------------------------------------------

int GetOrExplain(const ParsedCommand& c, RatingClient& client, CommandIo io,
                 bool explain_only) {
  int exit = kExitOk;
  absl::StatusOr<std::string> code = RatingCreditCode(c.positional);
  if (!code.ok()) return Usage(c, io, code.status().message());
  v1::GetRatingRequest request;
  request.set_name(RatingName(*code));
  if (c.Has("as-of") &&
      !DateFlag(c, io, "as-of", request.mutable_as_of(), &exit)) {
    return exit;
  }
  const bool explain = explain_only || c.Has("explain");
  request.set_view(explain ? v1::FULL : v1::BASIC);
  v1::Rating response;
  if (!Call(c, io, client, &RatingClient::GetRating, request, &response,
            &exit)) {
    return exit;
  }
  if (explain_only && c.global.output == OutputFormat::kTable) {
    std::string text = response.explanation().text();
    if (text.empty()) {
      io.err << kProgramName << ": the server sent no explanation\n";
      return kExitFailure;
    }
    if (text.back() != '\n') text += '\n';
    io.out << text;
    return kExitOk;
  }
  io.out << RenderRating(response, c.global.output, explain);
  return kExitOk;
}

int RatingsBatch(const ParsedCommand& c, RatingClient& client, CommandIo io) {
  int exit = kExitOk;
  const bool from_file = c.Has("file");
  if (from_file == !c.positional.empty()) {
    return Usage(c, io,
                 "give credit codes as the argument or --file FILE, "
                 "one of the two");
  }
  v1::BatchGetRatingsRequest request;
  if (c.Has("as-of") &&
      !DateFlag(c, io, "as-of", request.mutable_as_of(), &exit)) {
    return exit;
  }
  request.set_view(v1::BASIC);
  std::vector<std::string> codes;
  if (from_file) {
    const std::string path = c.Get("file");
    absl::StatusOr<std::string> text = ReadFileText(path);
    if (!text.ok()) {
      io.err << kProgramName << ": " << text.status().message() << "\n";
      return kExitInvalidInput;
    }
    codes = ParseCreditCodeList(*text);
    if (codes.empty()) {
      io.err << kProgramName << ": " << path << " holds no credit codes\n";
      return kExitInvalidInput;
    }
  } else {
    codes = SplitCreditCodes(c.positional);
    if (codes.empty()) return Usage(c, io, "no credit codes given");
  }

  std::vector<v1::BatchGetRatingResult> results;
  results.reserve(codes.size());
  for (size_t start = 0; start < codes.size(); start += kMaxBatchRatings) {
    const size_t end = std::min(codes.size(), start + kMaxBatchRatings);
    request.clear_credit_codes();
    for (size_t k = start; k < end; ++k) request.add_credit_codes(codes[k]);
    const std::string call_id = NewRequestId();
    v1::BatchGetRatingsResponse response;
    const grpc::Status status =
        client.BatchGetRatings(call_id, request, &response);
    if (!status.ok()) {
      if (codes.size() > static_cast<size_t>(kMaxBatchRatings)) {
        io.err << kProgramName << ": the call for codes " << start + 1 << ".."
               << end << " of " << codes.size() << " failed\n";
      }
      return Failed(c, io, status, call_id);
    }
    if (response.results_size() != static_cast<int>(end - start)) {
      io.err << kProgramName << ": the server returned "
             << response.results_size() << " results for " << end - start
             << " credit codes\n";
      return kExitFailure;
    }
    for (v1::BatchGetRatingResult& r : *response.mutable_results()) {
      results.push_back(std::move(r));
    }
  }
  io.out << RenderBatchResults(results, c.global.output);

  // Exit code: another error (not expected per code) wins, then INVALID
  // (the input must be fixed), then NOT_FOUND.
  int invalid = 0, not_found = 0, other = 0, other_exit = kExitOk;
  std::vector<std::string> problems;
  for (const v1::BatchGetRatingResult& r : results) {
    if (r.has_rating()) continue;
    const auto code = static_cast<grpc::StatusCode>(r.error().code());
    if (code == grpc::StatusCode::INVALID_ARGUMENT) {
      ++invalid;
    } else if (code == grpc::StatusCode::NOT_FOUND) {
      ++not_found;
    } else {
      if (other++ == 0) {
        other_exit = ExitCodeForStatus(code);
        if (other_exit == kExitOk) other_exit = kExitFailure;
      }
    }
    problems.push_back(
        absl::StrCat(r.credit_code(), ": ", DescribeResultError(r.error())));
  }
  if (problems.empty()) return kExitOk;
  io.err << kProgramName << ": " << problems.size() << " of " << results.size()
         << " credit codes have no rating (" << not_found << " unknown, "
         << invalid << " invalid";
  if (other > 0) io.err << ", " << other << " other errors";
  io.err << "):\n";
  constexpr size_t kShown = 10;
  for (size_t k = 0; k < problems.size() && k < kShown; ++k) {
    io.err << "  " << problems[k] << "\n";
  }
  if (problems.size() > kShown) {
    io.err << "  ... and " << problems.size() - kShown << " more\n";
  }
  if (other > 0) return other_exit;
  return invalid > 0 ? kExitInvalidInput : kExitNotFound;
}

int RatingsList(const ParsedCommand& c, RatingClient& client, CommandIo io) {
  int exit = kExitOk;
  v1::ListRatingsRequest request;
  for (const std::string& text : c.GetAll("level")) {
    absl::StatusOr<v1::RatingLevel> level = ParseRatingLevel(text);
    if (!level.ok()) {
      return Usage(c, io, absl::StrCat("--level: ", level.status().message()));
    }
    request.add_levels(*level);
  }
  for (const std::string& text : c.GetAll("flag")) {
    absl::StatusOr<v1::RatingFlag> flag = ParseRatingFlag(text);
    if (!flag.ok()) {
      return Usage(c, io, absl::StrCat("--flag: ", flag.status().message()));
    }
    request.add_flags(*flag);
  }
  // --region-prefix, as `enterprises list` names it; --region is its
  // older spelling, still read.
  const char* region_flag = c.Has("region-prefix") ? "region-prefix" : "region";
  if (c.Has(region_flag)) {
    const std::string region = c.Get(region_flag);
    if (region.empty() || region.size() > 6 ||
        !std::all_of(region.begin(), region.end(),
                     [](char ch) { return absl::ascii_isdigit(ch); })) {
      return Usage(c, io,
                   absl::StrCat("--", region_flag,
                                " must be 1 to 6 digits (a region code "
                                "prefix), not '",
                                region, "'"));
    }
    request.set_region_prefix(region);
  }
  request.set_policy_id(c.Get("policy"));
  std::vector<v1::Rating> ratings;
  const auto take = [&](v1::ListRatingsResponse& page) {
    for (v1::Rating& r : *page.mutable_ratings()) ratings.push_back(std::move(r));
  };
  if (!FetchListPages(c, io, client, &RatingClient::ListRatings, request, take,
                      &exit)) {
    return exit;
  }
  io.out << RenderRatings(ratings, c.global.output);
  return kExitOk;
}

int RatingsHistory(const ParsedCommand& c, RatingClient& client, CommandIo io) {
  absl::StatusOr<std::string> code = RatingCreditCode(c.positional);
  if (!code.ok()) return Usage(c, io, code.status().message());
  v1::GetRatingHistoryRequest request;
  request.set_name(RatingName(*code));
  request.set_include_point_changes(c.Has("all-changes"));
  std::vector<v1::RatingChange> changes;
  const auto take = [&](v1::GetRatingHistoryResponse& page) {
    for (v1::RatingChange& change : *page.mutable_changes()) {
      changes.push_back(std::move(change));
    }
  };
  int exit = kExitOk;
  if (!FetchListPages(c, io, client, &RatingClient::GetRatingHistory, request,
                      take, &exit)) {
    return exit;
  }
  io.out << RenderHistory(changes, c.global.output);
  return kExitOk;
}

int RatingsWatch(const ParsedCommand& c, RatingClient& client, CommandIo io) {
  int exit = kExitOk;
  if (c.Has("after") && c.Has("from-start")) {
    return Usage(c, io, "give --after or --from-start, not both");
  }
  std::optional<int64_t> start;  // resume after this cursor; none: at the end
  const bool from_oldest = c.Has("from-start");
  if (c.Has("after")) {
    int64_t after = 0;
    if (!IntFlag(c, io, "after", 0, INT64_MAX, &after, &exit)) return exit;
    start = after;
  }
  const std::string cursor_file = c.Get("cursor-file");
  std::optional<int64_t> saved;
  if (c.Has("cursor-file")) {
    if (cursor_file.empty()) return Usage(c, io, "--cursor-file needs a FILE");
    absl::StatusOr<std::optional<int64_t>> read = ReadCursorFile(cursor_file);
    if (!read.ok()) {
      return Usage(c, io,
                   absl::StrCat("--cursor-file: ", read.status().message()));
    }
    saved = *read;
    if (!start.has_value() && !from_oldest) start = saved;
  }
  int64_t max_events = -1;  // none
  if (c.Has("max-events") &&
      !IntFlag(c, io, "max-events", 1, INT64_MAX, &max_events, &exit)) {
    return exit;
  }

  v1::WatchRatingChangesRequest request;
  if (from_oldest) {
    request.set_start_at_oldest(true);
  } else if (start.has_value()) {
    request.set_after_cursor(*start);
  } else {
    request.set_start_at_end(true);
  }
  request.set_include_point_changes(c.Has("all-changes"));

  const OutputFormat format = c.global.output;
  if (format == OutputFormat::kCsv) io.out << RatingChangeCsvHeader();
  io.out.flush();

  std::optional<int64_t> cursor = start;  // where a restart should resume
  int64_t printed = 0;
  absl::Status write_error;
  const auto on_response = [&](const v1::WatchRatingChangesResponse& r) {
    int64_t next = r.cursor();
    for (int k = 0; k < r.changes_size(); ++k) {
      io.out << RenderChangeLine(r.changes(k), format);
      ++printed;
      if (max_events >= 0 && printed >= max_events) {
        // The rest of this response is left for the next run.
        if (k + 1 < r.changes_size()) next = r.changes(k).cursor();
        break;
      }
    }
    // What was printed is out before the cursor moves past it: a crash
    // repeats changes, it never loses one.
    io.out.flush();
    cursor = next;
    if (!cursor_file.empty() && saved != next) {
      write_error = WriteCursorFile(cursor_file, next);
      if (!write_error.ok()) return false;
      saved = next;
    }
    return max_events < 0 || printed < max_events;
  };

  ScopedInterruptFlag interrupt;
  const std::string call_id = NewRequestId();
  const grpc::Status status = client.WatchRatingChanges(
      call_id, request, on_response, interrupt.flag());
  const std::string resume =
      cursor.has_value() ? absl::StrCat("; resume with --after ", *cursor) : "";
  if (!write_error.ok()) {
    io.err << kProgramName << ": " << write_error.message() << "\n";
    return kExitFailure;
  }
  if (status.error_code() == grpc::StatusCode::CANCELLED &&
      interrupt.interrupted()) {
    io.err << kProgramName << ": interrupted after " << printed << " changes"
           << resume << "\n";
    return kExitOk;
  }
  if (!status.ok()) {
    exit = Failed(c, io, status, call_id);
    if (status.error_code() == grpc::StatusCode::OUT_OF_RANGE) {
      const RpcErrorDetails details = DecodeErrorDetails(status);
      const auto oldest = details.metadata.find("oldest_cursor");
      io.err << kProgramName
             << ": the changes after that cursor are no longer kept";
      if (oldest != details.metadata.end()) {
        io.err << " (the oldest available cursor is " << oldest->second << ")";
      }
      io.err << "; run again with --from-start to read from the oldest kept "
                "change, and use 'ratings list' to catch up on what was "
                "missed\n";
    } else if (printed > 0 || !resume.empty()) {
      io.err << kProgramName << ": stopped after " << printed << " changes"
             << resume << "\n";
    }
    return exit;
  }
  if (max_events >= 0 && printed >= max_events) {
    io.err << kProgramName << ": " << printed << " changes" << resume << "\n";
  } else {
    io.err << kProgramName << ": the server ended the feed after " << printed
           << " changes" << resume << "\n";
  }
  return kExitOk;
}

int RatingsRoll(const ParsedCommand& c, RatingClient& client, CommandIo io) {
  int exit = kExitOk;
  v1::RollRatingsRequest request;
  if (c.Has("date") &&
      !DateFlag(c, io, "date", request.mutable_date(), &exit)) {
    return exit;
  }
  v1::RollRatingsResponse response;
  if (!Call(c, io, client, &RatingClient::RollRatings, request, &response,
            &exit)) {
    return exit;
  }
  io.out << RenderRecord(
      {{"date", FormatDate(response.date())},
       {"enterprises_examined", absl::StrCat(response.enterprises_examined())},
       {"ratings_changed", absl::StrCat(response.ratings_changed())},
       {"level_changes", absl::StrCat(response.level_changes())}},
      c.global.output);
  return kExitOk;
}

// Enterprises per RescoreRatings call when --page-size is not given.
constexpr int64_t kRescorePageSize = 5000;

int RatingsRescore(const ParsedCommand& c, RatingClient& client, CommandIo io) {
  int exit = kExitOk;
  v1::RescoreRatingsRequest request;
  request.set_all(true);
  // 5,000 a call unless told: each page has fixed work (its transactions,
  // statements, the call); against the server's default of 1,000 this took
  // 15–25 % less CPU of the server and the database in all
  // (doc/benchmarks.md, "Rescore and start-up in packed reads"), and a page
  // still takes well under a second.
  int64_t size = kRescorePageSize;
  if (c.Has("page-size") && !IntFlag(c, io, "page-size", 1, 10000, &size, &exit)) return exit;
  request.set_page_size(static_cast<int32_t>(size));
  request.set_page_token(c.Get("page-token"));

  ProgressBar progress(io.err, io.err_is_terminal);
  const absl::Time start = absl::Now();
  ScopedInterruptFlag interrupt;
  int64_t rescored = 0, changed = 0, level_changes = 0, calls = 0;
  std::set<std::string> seen;
  bool interrupted = false;
  for (;;) {
    if (interrupt.interrupted()) {
      interrupted = true;
      break;
    }
    const std::string call_id = NewRequestId();
    v1::RescoreRatingsResponse response;
    const grpc::Status status =
        client.RescoreRatings(call_id, request, &response);
    if (!status.ok()) {
      progress.Done();
      exit = Failed(c, io, status, call_id);
      if (calls > 0) {
        io.err << kProgramName << ": " << rescored
               << " enterprises rescored before the failure; resume with "
                  "--page-token "
               << request.page_token() << "\n";
      }
      return exit;
    }
    ++calls;
    rescored += response.enterprises_rescored();
    changed += response.ratings_changed();
    level_changes += response.level_changes();
    const bool last = response.next_page_token().empty();
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    progress.Draw(
        response.enterprises_done(), response.total_enterprises(),
        absl::StrCat("  changed ", changed, "  ",
                     seconds > 0 ? static_cast<int64_t>(rescored / seconds) : 0,
                     "/s"),
        /*force=*/last);
    if (last) break;
    if (!seen.insert(response.next_page_token()).second) {
      progress.Done();
      io.err << kProgramName
             << ": the server returned the same page token twice; stopping\n";
      return kExitFailure;
    }
    request.set_page_token(response.next_page_token());
  }
  progress.Done();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  io.out << RenderRecord({{"enterprises_rescored", absl::StrCat(rescored)},
                          {"ratings_changed", absl::StrCat(changed)},
                          {"level_changes", absl::StrCat(level_changes)},
                          {"calls", absl::StrCat(calls)},
                          {"seconds", absl::StrFormat("%.1f", seconds)}},
                         c.global.output);
  if (interrupted) {
    io.err << kProgramName << ": interrupted; resume with --page-token "
           << request.page_token() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

absl::StatusOr<v1::RatingLevel> ParseRatingLevel(absl::string_view text) {
  const std::string upper =
      absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  v1::RatingLevel level = v1::RATING_LEVEL_UNSPECIFIED;
  if (upper.empty() || !v1::RatingLevel_Parse(upper, &level) ||
      level == v1::RATING_LEVEL_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text,
                     "' is not a rating level; use GREEN, BLUE, YELLOW, RED "
                     "or BLACK"));
  }
  return level;
}

absl::StatusOr<v1::RatingFlag> ParseRatingFlag(absl::string_view text) {
  const std::string upper =
      absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  v1::RatingFlag flag = v1::RATING_FLAG_UNSPECIFIED;
  if (upper.empty() || !v1::RatingFlag_Parse(upper, &flag) ||
      flag == v1::RATING_FLAG_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text,
                     "' is not a rating flag; use VETO, REPEAT_OFFENDER or "
                     "REFUSED_TO_CORRECT"));
  }
  return flag;
}

absl::StatusOr<std::string> RatingCreditCode(absl::string_view text) {
  absl::string_view code = absl::StripAsciiWhitespace(text);
  if (absl::ConsumePrefix(&code, "enterprises/")) {
    absl::ConsumeSuffix(&code, "/rating");
  }
  if (code.empty() || absl::StrContains(code, '/')) {
    return absl::InvalidArgumentError(
        absl::StrCat("CREDIT_CODE must be the code, enterprises/CODE or "
                     "enterprises/CODE/rating, not '",
                     text, "'"));
  }
  return std::string(code);
}

std::vector<std::string> ParseCreditCodeList(absl::string_view text) {
  absl::ConsumePrefix(&text, "\xEF\xBB\xBF");
  std::vector<std::string> codes;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = TrimAscii(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    absl::string_view field = line.substr(0, line.find(','));
    field = TrimAscii(field);
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
      field = TrimAscii(field.substr(1, field.size() - 2));
    }
    const bool was_first = first;
    first = false;
    if (field.empty()) continue;
    const bool header_like =
        !std::all_of(field.begin(), field.end(),
                     [](char ch) { return absl::ascii_isalnum(ch); });
    if (was_first && header_like) continue;
    codes.emplace_back(field);
  }
  return codes;
}

std::vector<std::string> SplitCreditCodes(absl::string_view text) {
  std::vector<std::string> codes;
  for (absl::string_view part :
       absl::StrSplit(text, absl::ByAnyChar(", \t\r\n"), absl::SkipEmpty())) {
    codes.emplace_back(part);
  }
  return codes;
}

absl::StatusOr<std::optional<int64_t>> ReadCursorFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<int64_t>();
    return FileError("read", path, errno);
  }
  std::string text;
  char buffer[256];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status error = FileError("read", path, errno);
      ::close(fd);
      return error;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > 4096) break;  // no cursor is that long
  }
  ::close(fd);
  const absl::string_view trimmed = TrimAscii(text);
  if (trimmed.empty()) return std::optional<int64_t>();
  int64_t cursor = 0;
  if (!std::all_of(trimmed.begin(), trimmed.end(),
                   [](char ch) { return absl::ascii_isdigit(ch); }) ||
      !absl::SimpleAtoi(trimmed, &cursor)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     " does not hold a cursor (one non-negative "
                     "integer), it starts with '",
                     OneLine(trimmed.substr(0, 20)), "'"));
  }
  return std::optional<int64_t>(cursor);
}

absl::Status WriteCursorFile(const std::string& path, int64_t cursor) {
  return ReplaceFile(path, absl::StrCat(cursor, "\n"));
}

std::vector<CommandSpec> RatingCommandSpecs() {
  const std::string p = std::string(kProgramName);
  const std::string code = "91320100MA1W2X3Y6A";
  const std::string code_help =
      "the USCC, bare or as enterprises/CODE or enterprises/CODE/rating";
  std::vector<CommandSpec> s;
  s.push_back(
      {{"ratings", "get"},
       "show the rating of an enterprise (current or as of a date)",
       "Shows the current rating of an enterprise: level, points, national\n"
       "level, flags, the policy and version that made it, the date it is\n"
       "for and the first day time alone may change it. With --as-of, the\n"
       "rating on that past date, recomputed from the records on file now.\n"
       "--explain adds the explanation (every record that counted, the bonus,\n"
       "caps and downgrades); --output json prints the whole Rating message.\n"
       "Exit 4 when there is no such enterprise.",
       "CREDIT_CODE",
       code_help,
       true,
       {{"as-of", "YYYY-MM-DD", "the rating on that date (default: current)"},
        {"explain", "", "also print the explanation"}},
       {p + " ratings get " + code,
        p + " ratings get " + code + " --as-of 2024-06-30 --explain",
        p + " --output json ratings get " + code + " --explain"}});
  s.push_back(
      {{"ratings", "explain"},
       "explain the rating of an enterprise",
       "Prints the explanation of a rating as text (ratings get --explain\n"
       "without the fields): why the enterprise has its points and level.\n"
       "--output json/csv print as ratings get --explain does.",
       "CREDIT_CODE",
       code_help,
       true,
       {{"as-of", "YYYY-MM-DD", "explain the rating on that date"}},
       {p + " ratings explain " + code,
        p + " ratings explain " + code + " --as-of 2023-12-31"}});
  s.push_back(
      {{"ratings", "batch"},
       "show the ratings of many enterprises",
       "Looks up many credit codes, given as the argument (separated by\n"
       "commas, or spaces inside quotes) or read from --file: one code per\n"
       "line, blank lines and '#' comments skipped; of a CSV file the first\n"
       "column, after a header line. The codes are sent 1,000 per call.\n"
       "Prints one row per code, in input order: code, level and points, or\n"
       "the error. Exit 0 when every code has a rating; otherwise the failed\n"
       "codes are also listed on stderr and the exit code is 3 when any code\n"
       "is invalid, else 4 (some codes are unknown).",
       "CODES",
       "credit codes separated by commas: CODE,CODE,...",
       false,
       {{"file", "FILE", "read the credit codes from FILE"},
        {"as-of", "YYYY-MM-DD", "the ratings on that date (default: current)"}},
       {p + " ratings batch 91320100MA1W2X3Y6A,91110000100000000X",
        p + " ratings batch --file codes.txt",
        p + " --output csv ratings batch --file customers.csv > ratings.csv"}});
  s.push_back(
      {{"ratings", "list"},
       "list current ratings, filtered",
       "Lists current ratings in credit-code order, one page (--all: every\n"
       "page). Each filter narrows the list: --level and --flag may be repeated\n"
       "(any of the levels; every flag given must be set). Levels are\n"
       "GREEN, BLUE, YELLOW, RED, BLACK; flags VETO, REPEAT_OFFENDER,\n"
       "REFUSED_TO_CORRECT (any letter case).",
       "",
       "",
       false,
       With({{"level", "LEVEL", "only this level (repeatable)", false, true},
             {"region-prefix", "DIGITS",
              "region codes starting with these 1..6 digits (as in "
              "enterprises list)"},
             {"region", "DIGITS", "older spelling of --region-prefix"},
             {"policy", "ID", "only ratings made by this policy"},
             {"flag", "FLAG", "only ratings with this flag (repeatable)",
              false, true}},
            PageFlags()),
       {p + " ratings list --level red --level black --region-prefix 32",
        p + " ratings list --flag REPEAT_OFFENDER --page-size 20",
        p + " --output csv ratings list --all > ratings.csv"}});
  s.push_back(
      {{"ratings", "history"},
       "show how the rating of an enterprise changed",
       "The changes of an enterprise's rating as the server recorded them,\n"
       "newest first: date, level (old → new), points, cause and reason.\n"
       "Only changes of level by default; --all-changes adds the changes of\n"
       "points that kept the level. One page; --all for every page.",
       "CREDIT_CODE",
       code_help,
       true,
       With({{"all-changes", "", "include changes of points only"}},
            PageFlags()),
       {p + " ratings history " + code,
        p + " --output json ratings history " + code + " --all-changes"}});
  s.push_back(
      {{"ratings", "lookup"},
       "the public result of one enterprise (no token needed)",
       "LookupPublicRating: by credit code or by exact registered name (names\n"
       "are not unique: every match, at most 20). Prints the level, its\n"
       "national equivalent, the policy, the date and the published lists the\n"
       "enterprise is on; never points, records or explanation. Needs no\n"
       "token; the server limits lookups per client address (over it:\n"
       "RESOURCE_EXHAUSTED, waited out and retried like any refused call).",
       "",
       "",
       false,
       {{"credit-code", "CODE", "the enterprise's unified social credit code"},
        {"name", "NAME", "the registered name, whole"}},
       {p + " ratings lookup --credit-code " + code,
        p + " ratings lookup --name '南京示例化工有限公司'"}});
  s.push_back(
      {{"ratings", "watch"},
       "follow the change feed of ratings",
       "Prints every change of a rating as it happens: one line per change\n"
       "(--output json: one JSON object per line; csv: a header, then one\n"
       "record per change). Starts at the end of the feed, after --after\n"
       "CURSOR, or at the oldest change kept (--from-start). With\n"
       "--cursor-file, starts after the cursor saved in FILE when it exists\n"
       "(--after and --from-start take precedence) and saves the cursor to\n"
       "FILE after each response (written to FILE.tmp, then renamed), so a\n"
       "restarted watch continues where it stopped; changes are printed\n"
       "before the cursor moves, so a crash may repeat a change but never\n"
       "loses one. Runs until interrupted (Ctrl-C or SIGTERM end it cleanly,\n"
       "exit 0) or until --max-events changes were printed. Level changes\n"
       "only, unless --all-changes. OUT_OF_RANGE (exit 1) when the changes\n"
       "after the cursor are no longer kept.",
       "",
       "",
       false,
       {{"after", "CURSOR", "start after this cursor (0: the oldest kept)"},
        {"from-start", "", "start at the oldest change kept"},
        {"all-changes", "", "include changes of points only"},
        {"cursor-file", "FILE", "resume from and save the cursor in FILE"},
        {"max-events", "N", "stop after N changes"}},
       {p + " ratings watch",
        p + " --output json ratings watch --cursor-file feed.cursor",
        p + " ratings watch --from-start --max-events 100"}});
  s.push_back(
      {{"ratings", "roll"},
       "bring time-dependent ratings up to date",
       "Runs the daily roll for --date (default today, China time): every\n"
       "rating that time alone changes on or before it is brought up to\n"
       "date. The server does this each day by itself; running it again for\n"
       "the same date changes nothing. Prints the date, the enterprises\n"
       "examined, the ratings changed and the level changes.",
       "",
       "",
       false,
       {{"date", "YYYY-MM-DD", "the day to roll to (default: today)"}},
       {p + " ratings roll", p + " ratings roll --date 2025-01-01"}});
  s.push_back(
      {{"ratings", "rescore"},
       "recompute every stored rating",
       "Recomputes every stored rating from the records (after a policy\n"
       "change, or to check the store), one page of enterprises per call\n"
       "until the last. On a terminal, a progress bar on stderr shows\n"
       "done/total, changes and the rate. Prints the totals at the end.\n"
       "Ctrl-C stops after the current page and prints the --page-token to\n"
       "resume with (exit 1); so does a failed call.",
       "",
       "",
       false,
       {{"all", "", "rescore every enterprise (the only mode)", true},
        {"page-size", "N",
         "enterprises per call, 1..10000 (default 5000)"},
        {"page-token", "TOKEN", "resume an interrupted run"}},
       {p + " ratings rescore --all",
        p + " ratings rescore --all --page-size 500"}});
  return s;
}

// The public result (LookupPublicRating): works without a token.
int RatingsLookup(const ParsedCommand& c, RatingClient& client, CommandIo io) {
  int exit = kExitOk;
  const bool by_code = c.Has("credit-code");
  if (by_code == c.Has("name")) return Usage(c, io, "give --credit-code or --name, one of the two");
  v1::LookupPublicRatingRequest request;
  if (by_code) {
    request.set_credit_code(std::string(TrimAscii(c.Get("credit-code"))));
  } else {
    request.set_registered_name(c.Get("name"));
  }
  v1::LookupPublicRatingResponse response;
  if (!Call(c, io, client, &RatingClient::LookupPublicRating, request, &response, &exit)) {
    return exit;
  }
  io.out << RenderPublicRatings(response, c.global.output);
  if (c.global.output == OutputFormat::kTable) {
    if (response.ratings().empty()) io.err << kProgramName << ": no enterprise matches\n";
    if (response.truncated()) {
      io.err << kProgramName << ": more than " << response.ratings_size()
             << " enterprises have this name; the first are shown\n";
    }
  }
  return kExitOk;
}

int RunRatingCommand(const ParsedCommand& c, RatingClient& client,
                     CommandIo io) {
  using Run = int (*)(const ParsedCommand&, RatingClient&, CommandIo);
  static const auto* const kCommands = new CommandTable<RatingClient>{
      {"get", Run([](const ParsedCommand& c, RatingClient& r, CommandIo io) {
         return GetOrExplain(c, r, io, /*explain_only=*/false);
       })},
      {"explain",
       Run([](const ParsedCommand& c, RatingClient& r, CommandIo io) {
         return GetOrExplain(c, r, io, /*explain_only=*/true);
       })},
      {"batch", RatingsBatch},
      {"list", RatingsList},
      {"history", RatingsHistory},
      {"watch", RatingsWatch},
      {"roll", RatingsRoll},
      {"rescore", RatingsRescore},
      {"lookup", RatingsLookup},
  };
  return RunFromTable(*kCommands, c, client, io);
}

}  // namespace envcredit::admin
