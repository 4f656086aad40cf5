// Support for the fault tests (tests/faults, doc/reliability.md "Faults"):
// a PRIVATE MariaDB per test suite, the real envcredit-server on it (started,
// SIGTERMed, SIGKILLed and started again), child processes such as
// envcredit-admin, and the small client helpers every suite needs.
//
// These tests stop, restart and kill the database and the server, so they
// never touch the shared test database of the other tiers (CTest fixture
// envcredit_db, build/test-run): each suite runs
//   scripts/db.sh start <fresh folder under ENVCREDIT_FAULTS_RUN_DIR> --fast
// and stops it again when it ends, also when it fails. A suite that dies
// without its teardown (a crash, a CTest timeout) leaves its folder behind;
// the CTest fixture envcredit_faults_sweep (tests/faults/sweep.sh) stops and
// deletes such folders before and after the suites run.
//
// Thread-safety: FaultEnvironment and PrivateDatabase belong to the test's
// main thread, except db() (a thread-safe pool) and the const accessors.
// Client helpers are thread-safe.
#ifndef ENVCREDIT_TESTS_FAULTS_FAULT_SUPPORT_H_
#define ENVCREDIT_TESTS_FAULTS_FAULT_SUPPORT_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "envcredit/v1/common.pb.h"
#include "envcredit/v1/lists.pb.h"
#include "grpcpp/grpcpp.h"
#include "server/storage/database.h"
#include "server/storage/db_config.h"
#include "tests/e2e/server_process.h"

namespace envcredit::faults {

// ------------------------------------------------------------ processes

// A child process (fork + exec) with stdout and stderr in files. It gets
// SIGKILL when the test process dies (PR_SET_PDEATHSIG) and when destroyed
// while still running. PR_SET_PDEATHSIG follows the forking *thread*: spawn
// from the test's main thread (as ServerProcess::Start must be too).
class ChildProcess {
 public:
  // INTERNAL when fork fails; an exec failure shows as exit code 127.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(
      const std::vector<std::string>& argv, const std::string& stdout_path,
      const std::string& stderr_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The exit code (128 + signal when killed by one) once it has exited,
  // nullopt while it runs. Never blocks.
  std::optional<int> Poll();
  // Waits up to `timeout`: the exit code, or DEADLINE_EXCEEDED (still
  // running).
  absl::StatusOr<int> Wait(absl::Duration timeout);
  void Kill(int signal);

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// Runs `argv` to completion (at most `timeout`, then SIGKILL); its exit code,
// with stdout and stderr together in *output.
absl::StatusOr<int> RunCommand(const std::vector<std::string>& argv,
                               absl::Duration timeout, std::string* output);

std::string ReadFileOrEmpty(const std::string& path);

// The absolute path of a file of the source tree, e.g. "scripts/backup.sh".
std::string SourcePath(absl::string_view relative);

// ------------------------------------------------------------ database

// A private MariaDB in a fresh folder under ENVCREDIT_FAULTS_RUN_DIR, through
// scripts/db.sh with --fast, and a pool (db()) on its schema `envcredit` for
// the tests' own queries. Destroying it closes the pool, stops the database
// and deletes the folder.
class PrivateDatabase {
 public:
  // `suite` names the folder (suite-XXXXXX). Starting a fresh instance takes
  // 2–5 s here (mariadb-install-db and a cold start).
  static absl::StatusOr<std::unique_ptr<PrivateDatabase>> Start(
      absl::string_view suite);
  // A fresh, empty run folder under ENVCREDIT_FAULTS_RUN_DIR (suite-XXXXXX)
  // with nothing started in it, e.g. for scripts/restore.sh to fill.
  static absl::StatusOr<std::string> NewRunDir(absl::string_view suite);
  // Starts the database db.sh finds in `dir` (which it must own, e.g. one
  // scripts/restore.sh made) and takes charge of the folder as Start does:
  // destroying the result stops the database and deletes `dir`.
  static absl::StatusOr<std::unique_ptr<PrivateDatabase>> StartIn(std::string dir);
  ~PrivateDatabase();
  PrivateDatabase(const PrivateDatabase&) = delete;
  PrivateDatabase& operator=(const PrivateDatabase&) = delete;

  // scripts/db.sh stop: the server process is SIGTERMed and gone.
  absl::Status Stop();
  // scripts/db.sh start again on the same folder. FAILED_PRECONDITION when it
  // came back on another port (the server under test would not find it).
  absl::Status Restart();

  // Settings for envcredit-server (schema `envcredit`, pool 8).
  storage::DbConfig server_config() const;
  // The tests' pool on the same schema (pool 3). It survives a restart of
  // the database: lost connections are replaced.
  storage::Database& db() { return *db_; }
  // The run folder (holds db/, and whatever the suite writes there).
  const std::string& dir() const { return dir_; }

  // One integer from `sql` (0 when it returns no row or NULL); the test fails
  // on error.
  int64_t QueryInt(absl::string_view sql,
                   absl::Span<const storage::SqlValue> params = {});
  std::vector<storage::Row> Query(absl::string_view sql,
                                  absl::Span<const storage::SqlValue> params = {});
  // The cursors of the feed events a watcher is sent after `after`, in
  // order: rating and list changes (records changes, kind 3, are for the
  // servers' records caches only and leave gaps a watcher never sees).
  std::vector<int64_t> WatchedCursorsAfter(int64_t after);

 private:
  PrivateDatabase() = default;
  absl::Status DbScript(const std::string& command, bool fast);

  std::string dir_;
  storage::DbConfig config_;
  std::unique_ptr<storage::Database> db_;
};

// The cursors of the feed events a watcher is sent after `?`, in order
// (PrivateDatabase::WatchedCursorsAfter): rating and list changes (kinds 1
// and 2); records changes (3) are for the servers' caches only.
inline constexpr char kWatchedCursorsSql[] =
    "SELECT cursor_id FROM feed_events WHERE cursor_id > ? AND kind IN (1, 2) "
    "ORDER BY cursor_id";

// ------------------------------------------------------------ server

// A private database, the envcredit-server on it, and the date it runs on
// (--today_file, in the run folder). The server can be stopped by a signal and
// started again on the same database; the logs of every server process that
// ran are kept for failure messages.
class FaultEnvironment {
 public:
  // Starts the database and the server with `server_flags` (besides the
  // database, --today_file, a high rate limit and --feed_poll_ms=50).
  static absl::StatusOr<std::unique_ptr<FaultEnvironment>> Create(
      absl::string_view suite, absl::CivilDay today,
      std::vector<std::string> server_flags = {});
  ~FaultEnvironment();

  PrivateDatabase& database() { return *database_; }
  // The running server; nullptr after StopServer until StartServer.
  testing::ServerProcess* server() { return server_.get(); }
  // The bootstrap ADMIN token of the first start (later starts write none).
  const std::string& admin_token() const { return admin_token_; }

  absl::Status StartServer();
  // Sends `signal`, waits up to `timeout`; the exit code (128 + signal when
  // killed by one). The server's log is kept (AllServerLogs).
  absl::StatusOr<int> StopServer(int signal, absl::Duration timeout);

  // A channel to the running server carrying the admin token.
  std::shared_ptr<grpc::Channel> Channel() const;

  void SetToday(absl::CivilDay day);
  absl::CivilDay today() const { return today_; }
  const std::string& today_file() const { return today_file_; }

  // The logs of every server process so far, the running one last.
  std::string AllServerLogs() const;

 private:
  FaultEnvironment() = default;
  std::unique_ptr<PrivateDatabase> database_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::vector<std::string> flags_;
  std::string admin_token_;
  std::string today_file_;
  absl::CivilDay today_;
  std::string old_logs_;
};

// ------------------------------------------------------------ clients

// A valid USCC (region 320100) from a 2-letter tag and a serial < 10^6. The
// tag's letters must be in the GB 32100 alphabet (no I, O, S, V, Z).
std::string Uscc(absl::string_view tag, int serial);
v1::Date Day(absl::CivilDay day);
std::string Sha256Hex(absl::string_view bytes);
// A context with a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> ContextWithDeadline(absl::Duration timeout);
// The google.rpc.ErrorInfo reason of a failed call ("" when none).
std::string ReasonOf(const grpc::Status& status);
// "UNAVAILABLE DB_UNAVAILABLE: message" for failure messages.
std::string Describe(const grpc::Status& status);
const char* CodeName(grpc::StatusCode code);

// Registers `codes` (chemicals, legal representative set) with `threads`
// calls in flight; the first failure.
absl::Status CreateEnterprises(const std::shared_ptr<grpc::Channel>& channel,
                               const std::vector<std::string>& codes,
                               int threads = 4);

// Sums RescoreRatings(all) over every page: the number of ratings it changed.
absl::StatusOr<int64_t> RescoreAll(const std::shared_ptr<grpc::Channel>& channel);

// Proposes `list` and starts its public notice (request ids
// "propose-<slug>" and "notice-<slug>"), then moves the server's date to the
// day after the notice period, so the publication may be published; the
// publication as StartNotice returned it.
absl::StatusOr<v1::Publication> ProposeAndNotice(FaultEnvironment& env, v1::ListKind list);

// The lines of server logs worth reading in a failure message: everything
// but the access-log lines of successful calls, at most the last `max_lines`.
std::string InterestingLines(absl::string_view logs, int max_lines = 150);

// Minimal RFC 4180 reader (quotes, doubled quotes, CRLF; a leading UTF-8 BOM
// is skipped): every record, fields unquoted.
std::vector<std::vector<std::string>> ParseCsv(absl::string_view text);

}  // namespace envcredit::faults

#endif  // ENVCREDIT_TESTS_FAULTS_FAULT_SUPPORT_H_
