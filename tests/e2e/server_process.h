// Runs the real envcredit-server binary for an end-to-end test: on a free
// port (--listen=127.0.0.1:0), against a given database, with its stderr in
// a log file the test can read. Stops it with SIGTERM (then SIGKILL after a
// deadline) when destroyed, so no server outlives its test.
#ifndef ENVCREDIT_TESTS_E2E_SERVER_PROCESS_H_
#define ENVCREDIT_TESTS_E2E_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/storage/db_config.h"

namespace envcredit::testing {

class ServerProcess {
 public:
  // What Start waits for: the server ready (its --port_file appears once the
  // ratings are in memory), or only listening (--listening_file: health
  // "liveness" SERVING, calls UNAVAILABLE SERVER_STARTING until ready).
  enum class WaitFor { kReady, kListening };

  // Starts the server and waits until it serves (its port file appears).
  // FAILED_PRECONDITION with the server's log when it exits or does not
  // come up within `startup_timeout`.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const storage::DbConfig& db, std::vector<std::string> extra_flags = {},
      absl::Duration startup_timeout = absl::Seconds(30), WaitFor wait_for = WaitFor::kReady);

  // True once the server is ready (its port file exists).
  bool Ready() const;

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // "127.0.0.1:PORT".
  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }

  // The bootstrap ADMIN token the server wrote on its first start against
  // this database ("" when the database had an admin token already).
  std::string admin_token() const;

  // The port of its metrics endpoint (--metrics_listen=127.0.0.1:0); 0 when
  // it does not listen.
  int metrics_port() const;

  // Everything the server wrote to stderr so far.
  std::string Log() const;

  // Sends `signal` and waits up to `timeout` for the process to exit.
  // Returns its exit code (or 128 + signal number when killed by a signal);
  // DEADLINE_EXCEEDED if it is still running (it is then SIGKILLed).
  absl::StatusOr<int> Stop(int signal, absl::Duration timeout);

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  std::string dir_;  // scratch folder: port file and log
  std::string address_;
};

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_E2E_SERVER_PROCESS_H_
