#include "tests/e2e/server_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

#ifndef ENVCREDIT_SERVER_BIN
#error "ENVCREDIT_SERVER_BIN must name the envcredit-server binary"
#endif
#ifndef ENVCREDIT_SOURCE_DIR
#error "ENVCREDIT_SOURCE_DIR must name the project's source folder"
#endif

namespace envcredit::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Exit code of a waitpid status, 128 + signal when signalled.
int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const storage::DbConfig& db, std::vector<std::string> extra_flags,
    absl::Duration startup_timeout, WaitFor wait_for) {
  std::unique_ptr<ServerProcess> process(new ServerProcess());
  char dir_template[] = "/tmp/envcredit-e2e-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", strerror(errno)));
  }
  process->dir_ = dir_template;
  const std::string port_file = process->dir_ + "/port";
  const std::string listening_file = process->dir_ + "/listening";
  const std::string& awaited = wait_for == WaitFor::kReady ? port_file : listening_file;
  const std::string log_file = process->dir_ + "/server.log";

  std::vector<std::string> args = {
      ENVCREDIT_SERVER_BIN,
      "--listen=127.0.0.1:0",
      "--port_file=" + port_file,
      "--listening_file=" + listening_file,
      "--db_host=" + db.host,
      absl::StrCat("--db_port=", db.port),
      "--db_user=" + db.user,
      "--db_name=" + db.database,
      absl::StrCat("--db_pool_size=", db.pool_size),
      std::string("--policy_dir=") + ENVCREDIT_SOURCE_DIR + "/policies",
      "--admin_token_file=" + process->dir_ + "/admin.token",
      // Tests check absl::Mutex lock order (off by default, for speed).
      "--mutex_deadlock_detection",
      // A free port, never the default one other servers may hold.
      "--metrics_listen=127.0.0.1:0",
      "--metrics_port_file=" + process->dir_ + "/metrics_port",
  };
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const std::string password = db.password;
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) {
    // Child: stderr and stdout to the log, then become the server. The
    // password travels in the environment, as in production.
    int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    setenv("ENVCREDIT_DB_PASSWORD", password.c_str(), 1);
    // The parent may block signals (gtest does not, but be safe).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // A test that crashes must not leave its server running: the server
    // gets SIGTERM (a clean stop) when the test process dies.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(0);
    execv(argv[0], argv.data());
    _exit(127);
  }
  process->pid_ = pid;

  const absl::Time deadline = absl::Now() + startup_timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      process->pid_ = -1;
      return absl::FailedPreconditionError(
          absl::StrCat("envcredit-server exited with ", ExitCodeOf(status),
                       " before serving; its log:\n", ReadFile(log_file)));
    }
    int port = 0;
    std::string text = ReadFile(awaited);
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port) && port > 0) {
      process->address_ = absl::StrCat("127.0.0.1:", port);
      return process;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "envcredit-server did not serve within ", absl::FormatDuration(startup_timeout),
      "; its log:\n", ReadFile(log_file)));
}

std::string ServerProcess::admin_token() const {
  return std::string(absl::StripAsciiWhitespace(ReadFile(dir_ + "/admin.token")));
}

std::string ServerProcess::Log() const { return ReadFile(dir_ + "/server.log"); }

bool ServerProcess::Ready() const { return !ReadFile(dir_ + "/port").empty(); }

int ServerProcess::metrics_port() const {
  int port = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(dir_ + "/metrics_port")), &port)) {
    return 0;
  }
  return port;
}

absl::StatusOr<int> ServerProcess::Stop(int signal, absl::Duration timeout) {
  if (pid_ < 0) return absl::FailedPreconditionError("not running");
  kill(pid_, signal);
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ExitCodeOf(status);
    }
    if (absl::Now() >= deadline) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return absl::DeadlineExceededError("server did not exit in time; killed");
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGTERM, absl::Seconds(15)).IgnoreError();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

}  // namespace envcredit::testing
