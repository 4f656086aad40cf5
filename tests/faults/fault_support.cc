#include "tests/faults/fault_support.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/lists.grpc.pb.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/error_details.h"
#include "tests/support/test_uscc.h"

#ifndef ENVCREDIT_SOURCE_DIR
#error "ENVCREDIT_SOURCE_DIR must name the project's source folder"
#endif
#ifndef ENVCREDIT_FAULTS_RUN_DIR
#error "ENVCREDIT_FAULTS_RUN_DIR must name the folder for private databases"
#endif

namespace envcredit::faults {
namespace {

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// fork + exec with stdout/stderr to files; the child dies with the test.
absl::StatusOr<pid_t> SpawnChild(const std::vector<std::string>& argv,
                                 const std::string& stdout_path,
                                 const std::string& stderr_path) {
  std::vector<std::string> args = argv;
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) {
    int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = stderr_path == stdout_path
                  ? out
                  : open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, STDIN_FILENO);
    if (out >= 0) dup2(out, STDOUT_FILENO);
    if (err >= 0) dup2(err, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

std::string SourcePath(absl::string_view relative) {
  return absl::StrCat(ENVCREDIT_SOURCE_DIR, "/", relative);
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// ------------------------------------------------------------ processes

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::vector<std::string>& argv, const std::string& stdout_path,
    const std::string& stderr_path) {
  absl::StatusOr<pid_t> pid = SpawnChild(argv, stdout_path, stderr_path);
  if (!pid.ok()) return pid.status();
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = *pid;
  return child;
}

std::optional<int> ChildProcess::Poll() {
  if (exit_code_) return exit_code_;
  int status = 0;
  if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = ExitCodeOf(status);
  }
  return exit_code_;
}

absl::StatusOr<int> ChildProcess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (std::optional<int> code = Poll()) return *code;
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "process ", pid_, " still running after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

void ChildProcess::Kill(int signal) {
  if (!Poll()) kill(pid_, signal);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !Poll()) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

absl::StatusOr<int> RunCommand(const std::vector<std::string>& argv,
                               absl::Duration timeout, std::string* output) {
  char path[] = "/tmp/envcredit-faults-cmd-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return absl::InternalError(absl::StrCat("mkstemp: ", strerror(errno)));
  close(fd);
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Spawn(argv, path, path);
  if (!child.ok()) {
    unlink(path);
    return child.status();
  }
  absl::StatusOr<int> code = (*child)->Wait(timeout);
  if (!code.ok()) (*child)->Kill(SIGKILL);
  child->reset();
  if (output != nullptr) *output = ReadFileOrEmpty(path);
  unlink(path);
  return code;
}

// ------------------------------------------------------------ database

absl::StatusOr<std::string> PrivateDatabase::NewRunDir(absl::string_view suite) {
  std::error_code error;
  std::filesystem::create_directories(ENVCREDIT_FAULTS_RUN_DIR, error);
  std::string pattern = absl::StrCat(ENVCREDIT_FAULTS_RUN_DIR, "/", suite, "-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", pattern, ": ", strerror(errno)));
  }
  return pattern;
}

absl::StatusOr<std::unique_ptr<PrivateDatabase>> PrivateDatabase::Start(
    absl::string_view suite) {
  absl::StatusOr<std::string> dir = NewRunDir(suite);
  if (!dir.ok()) return dir.status();
  return StartIn(*std::move(dir));
}

absl::StatusOr<std::unique_ptr<PrivateDatabase>> PrivateDatabase::StartIn(std::string dir) {
  std::unique_ptr<PrivateDatabase> db(new PrivateDatabase());
  db->dir_ = std::move(dir);
  if (absl::Status started = db->DbScript("start", /*fast=*/true); !started.ok()) {
    return started;
  }
  storage::DbConfig defaults;
  defaults.database = "envcredit";
  defaults.pool_size = 3;
  defaults.create_database_if_missing = true;
  defaults.connect_timeout = absl::Seconds(2);
  absl::StatusOr<storage::DbConfig> config =
      storage::DbConfigFromEnvFile(db->dir_ + "/db/db.env", defaults);
  if (!config.ok()) return config.status();
  db->config_ = *config;
  absl::StatusOr<std::unique_ptr<storage::Database>> pool =
      storage::Database::Open(db->config_);
  if (!pool.ok()) return pool.status();
  db->db_ = *std::move(pool);
  return db;
}

absl::Status PrivateDatabase::DbScript(const std::string& command, bool fast) {
  std::vector<std::string> argv = {"/bin/bash", SourcePath("scripts/db.sh"), command, dir_};
  if (fast) argv.push_back("--fast");
  std::string output;
  absl::StatusOr<int> code = RunCommand(argv, absl::Seconds(90), &output);
  if (!code.ok()) return code.status();
  if (*code != 0) {
    return absl::InternalError(
        absl::StrCat("scripts/db.sh ", command, " ", dir_, " exited with ", *code, ":\n", output));
  }
  return absl::OkStatus();
}

absl::Status PrivateDatabase::Stop() { return DbScript("stop", false); }

absl::Status PrivateDatabase::Restart() {
  if (absl::Status started = DbScript("start", true); !started.ok()) return started;
  absl::StatusOr<storage::DbConfig> now =
      storage::DbConfigFromEnvFile(dir_ + "/db/db.env", config_);
  if (!now.ok()) return now.status();
  if (now->port != config_.port) {
    return absl::FailedPreconditionError(
        absl::StrCat("the database came back on port ", now->port, ", not ", config_.port,
                     " (the old port was taken meanwhile)"));
  }
  return absl::OkStatus();
}

storage::DbConfig PrivateDatabase::server_config() const {
  storage::DbConfig config = config_;
  config.pool_size = 8;
  config.create_database_if_missing = false;
  return config;
}

int64_t PrivateDatabase::QueryInt(absl::string_view sql,
                                  absl::Span<const storage::SqlValue> params) {
  std::vector<storage::Row> rows = Query(sql, params);
  if (rows.empty() || rows[0].size() == 0) return 0;
  return rows[0].GetInt64(0);
}

std::vector<int64_t> PrivateDatabase::WatchedCursorsAfter(int64_t after) {
  std::vector<int64_t> cursors;
  for (const storage::Row& row : Query(kWatchedCursorsSql, {after})) {
    cursors.push_back(row.GetInt64(0));
  }
  return cursors;
}

std::vector<storage::Row> PrivateDatabase::Query(
    absl::string_view sql, absl::Span<const storage::SqlValue> params) {
  // A restarted database: the first use of a pooled connection may find it
  // lost; a second try runs on a fresh one.
  absl::StatusOr<std::vector<storage::Row>> rows;
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<storage::Session> session = db_->Checkout();
    if (session.ok()) {
      rows = session->Query(sql, params);
      if (rows.ok()) return *std::move(rows);
    } else {
      rows = session.status();
    }
    if (rows.status().code() != absl::StatusCode::kUnavailable) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ADD_FAILURE() << "query failed: " << sql << ": " << rows.status();
  return {};
}

PrivateDatabase::~PrivateDatabase() {
  db_.reset();
  if (dir_.empty()) return;
  if (absl::Status stopped = Stop(); !stopped.ok()) {
    std::fprintf(stderr, "PrivateDatabase: %s\n", stopped.ToString().c_str());
    return;  // keep the folder: tests/faults/sweep.sh retries the stop
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

// ------------------------------------------------------------ server

absl::StatusOr<std::unique_ptr<FaultEnvironment>> FaultEnvironment::Create(
    absl::string_view suite, absl::CivilDay today, std::vector<std::string> server_flags) {
  std::unique_ptr<FaultEnvironment> env(new FaultEnvironment());
  absl::StatusOr<std::unique_ptr<PrivateDatabase>> database = PrivateDatabase::Start(suite);
  if (!database.ok()) return database.status();
  env->database_ = *std::move(database);
  env->today_file_ = env->database_->dir() + "/today";
  env->SetToday(today);
  env->flags_ = {"--today_file=" + env->today_file_, "--feed_poll_ms=50",
                 "--rate_limit_per_second=1000000", "--rate_limit_burst=1000000"};
  env->flags_.insert(env->flags_.end(), server_flags.begin(), server_flags.end());
  if (absl::Status started = env->StartServer(); !started.ok()) return started;
  env->admin_token_ = env->server_->admin_token();
  if (env->admin_token_.empty()) {
    return absl::InternalError("the first server start wrote no admin token");
  }
  return env;
}

FaultEnvironment::~FaultEnvironment() {
  if (server_ != nullptr) StopServer(SIGTERM, absl::Seconds(15)).IgnoreError();
  database_.reset();
}

absl::Status FaultEnvironment::StartServer() {
  if (server_ != nullptr) return absl::FailedPreconditionError("server already running");
  absl::StatusOr<std::unique_ptr<testing::ServerProcess>> server =
      testing::ServerProcess::Start(database_->server_config(), flags_);
  if (!server.ok()) return server.status();
  server_ = *std::move(server);
  return absl::OkStatus();
}

absl::StatusOr<int> FaultEnvironment::StopServer(int signal, absl::Duration timeout) {
  if (server_ == nullptr) return absl::FailedPreconditionError("no server running");
  absl::StatusOr<int> code = server_->Stop(signal, timeout);
  absl::StrAppend(&old_logs_, "----- server process log -----\n", server_->Log());
  server_.reset();
  return code;
}

std::shared_ptr<grpc::Channel> FaultEnvironment::Channel() const {
  return testing::AuthedChannel(server_->address(), admin_token_);
}

void FaultEnvironment::SetToday(absl::CivilDay day) {
  today_ = day;
  const std::string tmp = today_file_ + ".tmp";
  std::ofstream(tmp) << absl::FormatCivilTime(day) << "\n";
  std::rename(tmp.c_str(), today_file_.c_str());
}

std::string FaultEnvironment::AllServerLogs() const {
  std::string logs = old_logs_;
  if (server_ != nullptr) {
    absl::StrAppend(&logs, "----- running server log -----\n", server_->Log());
  }
  return logs;
}

// ------------------------------------------------------------ clients

std::string Uscc(absl::string_view tag, int serial) { return testing::TestUscc(tag, serial); }

v1::Date Day(absl::CivilDay day) {
  v1::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string out;
  char hex[3];
  for (unsigned char b : digest) {
    snprintf(hex, sizeof(hex), "%02x", b);
    out += hex;
  }
  return out;
}

std::unique_ptr<grpc::ClientContext> ContextWithDeadline(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

std::string ReasonOf(const grpc::Status& status) {
  return testing::DetailsOf(status).reason;
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "?";
  }
}

std::string Describe(const grpc::Status& status) {
  if (status.ok()) return "OK";
  return absl::StrCat(CodeName(status.error_code()), " ", ReasonOf(status), ": ",
                      status.error_message());
}

absl::Status CreateEnterprises(const std::shared_ptr<grpc::Channel>& channel,
                               const std::vector<std::string>& codes, int threads) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  absl::Status first = absl::OkStatus();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&]() {
      auto stub = v1::EnterpriseService::NewStub(channel);
      for (size_t i = next++; i < codes.size(); i = next++) {
        v1::CreateEnterpriseRequest request;
        request.mutable_enterprise()->set_credit_code(codes[i]);
        request.mutable_enterprise()->set_display_name(
            absl::StrCat("（虚构）故障测试示例企业", i, "号"));
        request.mutable_enterprise()->set_legal_representative("王示例");
        request.mutable_enterprise()->set_industry(v1::CHEMICALS);
        request.set_request_id(absl::StrCat("create-", codes[i]));
        v1::Enterprise out;
        auto context = ContextWithDeadline(absl::Seconds(30));
        grpc::Status status = stub->CreateEnterprise(context.get(), request, &out);
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) {
            first = absl::InternalError(
                absl::StrCat("CreateEnterprise ", codes[i], ": ", Describe(status)));
          }
          return;
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  return first;
}

absl::StatusOr<int64_t> RescoreAll(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::RatingService::NewStub(channel);
  int64_t changed = 0;
  std::string token;
  for (int page = 0; page < 1000; ++page) {
    v1::RescoreRatingsRequest request;
    request.set_all(true);
    request.set_page_size(10000);
    request.set_page_token(token);
    v1::RescoreRatingsResponse response;
    auto context = ContextWithDeadline(absl::Seconds(60));
    grpc::Status status = stub->RescoreRatings(context.get(), request, &response);
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("RescoreRatings: ", Describe(status)));
    }
    changed += response.ratings_changed();
    token = response.next_page_token();
    if (token.empty()) return changed;
  }
  return absl::InternalError("RescoreRatings did not finish in 1000 pages");
}

absl::StatusOr<v1::Publication> ProposeAndNotice(FaultEnvironment& env, v1::ListKind list) {
  const std::string slug = list == v1::BLACK_LIST ? "black" : "honor";
  auto lists = v1::ListService::NewStub(env.Channel());
  v1::Publication draft, noticed;
  {
    v1::ProposePublicationRequest request;
    request.set_list(list);
    request.set_request_id("propose-" + slug);
    auto context = ContextWithDeadline(absl::Seconds(60));
    grpc::Status status = lists->ProposePublication(context.get(), request, &draft);
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("ProposePublication: ", Describe(status)));
    }
  }
  {
    v1::StartNoticeRequest request;
    request.set_name(draft.name());
    request.set_request_id("notice-" + slug);
    auto context = ContextWithDeadline(absl::Seconds(60));
    grpc::Status status = lists->StartNotice(context.get(), request, &noticed);
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("StartNotice: ", Describe(status)));
    }
  }
  const v1::Date& end = noticed.notice_end_date();
  env.SetToday(absl::CivilDay(end.year(), end.month(), end.day()) + 1);
  return noticed;
}

std::string InterestingLines(absl::string_view logs, int max_lines) {
  std::vector<absl::string_view> kept;
  int dropped = 0;
  for (absl::string_view line : absl::StrSplit(logs, '\n', absl::SkipEmpty())) {
    if (absl::StrContains(line, " access method=") && absl::StrContains(line, " code=OK ")) {
      ++dropped;
      continue;
    }
    kept.push_back(line);
  }
  std::string out = absl::StrCat("(", dropped, " access-log lines of successful calls left out",
                                 kept.size() > static_cast<size_t>(max_lines)
                                     ? absl::StrCat(", and the first ", kept.size() - max_lines,
                                                    " other lines")
                                     : "",
                                 ")\n");
  const size_t from = kept.size() > static_cast<size_t>(max_lines) ? kept.size() - max_lines : 0;
  for (size_t i = from; i < kept.size(); ++i) absl::StrAppend(&out, kept[i], "\n");
  return out;
}

std::vector<std::vector<std::string>> ParseCsv(absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
      }
      record.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace envcredit::faults
