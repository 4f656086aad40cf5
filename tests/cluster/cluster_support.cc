#include "tests/cluster/cluster_support.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "tests/faults/fault_support.h"

namespace envcredit::cluster {
namespace {

// A node's SST (mariabackup) or IST takes 10-40 s here; a loaded machine may
// take longer.
constexpr absl::Duration kScriptTimeout = absl::Seconds(240);

}  // namespace

absl::StatusOr<Cluster> Cluster::FromFixture() {
  const char* env_file = std::getenv("ENVCREDIT_CLUSTER_ENV");
  if (env_file == nullptr) {
    return absl::FailedPreconditionError("ENVCREDIT_CLUSTER_ENV is not set (run under CTest)");
  }
  Cluster cluster;
  ASSIGN_OR_RETURN(cluster.base_, storage::DbConfigFromEnvFile(env_file));
  if (cluster.base_.hosts.size() != kNodes) {
    return absl::FailedPreconditionError(
        absl::StrCat(env_file, " does not list ", kNodes, " nodes"));
  }
  // RUN_DIR/cluster/db.env -> RUN_DIR
  std::string dir(env_file);
  dir = dir.substr(0, dir.rfind('/'));
  cluster.run_dir_ = dir.substr(0, dir.rfind('/'));
  const std::string text = faults::ReadFileOrEmpty(env_file);
  for (int n = 1; n <= kNodes; ++n) {
    const std::string key = absl::StrCat("ENVCREDIT_CLUSTER_SOCKET_", n, "=");
    const size_t at = text.find(key);
    if (at == std::string::npos) {
      return absl::FailedPreconditionError(absl::StrCat(env_file, " has no ", key));
    }
    const size_t end = text.find('\n', at);
    cluster.sockets_.push_back(text.substr(at + key.size(), end - at - key.size()));
  }
  return cluster;
}

storage::DbConfig Cluster::Config(const std::string& database) const {
  storage::DbConfig config = base_;
  config.database = database;
  return config;
}

storage::DbConfig Cluster::NodeConfig(int n, const std::string& database) const {
  storage::DbConfig config = Config(database);
  config.host = base_.hosts[n - 1].host;
  config.port = base_.hosts[n - 1].port;
  config.hosts.clear();
  return config;
}

absl::Status Cluster::Script(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"/bin/bash", faults::SourcePath("scripts/cluster.sh")};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string output;
  ASSIGN_OR_RETURN(int code, faults::RunCommand(argv, kScriptTimeout, &output));
  if (code != 0) {
    return absl::InternalError(absl::StrCat("cluster.sh ", absl::StrJoin(args, " "),
                                            " exited ", code, ":\n", output));
  }
  return absl::OkStatus();
}

absl::Status Cluster::Kill(int n) const { return Script({"kill", absl::StrCat(n), run_dir_}); }
absl::Status Cluster::Restart(int n) const {
  return Script({"restart", absl::StrCat(n), run_dir_});
}
absl::Status Cluster::Bootstrap(int n) const {
  return Script({"bootstrap", absl::StrCat(n), run_dir_});
}
absl::Status Cluster::StartAll() const { return Script({"start", run_dir_}); }

absl::StatusOr<std::string> Cluster::Sql(int n, absl::string_view sql) const {
  std::string output;
  ASSIGN_OR_RETURN(int code, faults::RunCommand({"/usr/bin/env", "mariadb", "--no-defaults",
                                                 "--socket=" + sockets_[n - 1], "-uroot",
                                                 "--connect-timeout=2", "-NBe", std::string(sql)},
                                                absl::Seconds(30), &output));
  if (code != 0) {
    return absl::InternalError(absl::StrCat("mariadb on node ", n, " exited ", code, ": ", output));
  }
  return output;
}

std::string Cluster::Status(int n, absl::string_view name) const {
  absl::StatusOr<std::string> out = Sql(n, absl::StrCat("SHOW STATUS LIKE '", name, "'"));
  if (!out.ok()) return "";
  absl::string_view line = absl::StripTrailingAsciiWhitespace(*out);
  const size_t tab = line.find('\t');
  return tab == absl::string_view::npos ? "" : std::string(line.substr(tab + 1));
}

NodeRestorer::~NodeRestorer() {
  // A survivor left without quorum (the other nodes killed) would never let
  // them join: it is made primary first, as an operator would.
  for (int n = 1; n <= kNodes; ++n) {
    if (cluster_.Status(n, "wsrep_cluster_status") == "non-Primary") {
      cluster_.Bootstrap(n).IgnoreError();
      break;
    }
  }
  absl::Status status = cluster_.StartAll();
  if (!status.ok()) std::fprintf(stderr, "NodeRestorer: %s\n", status.ToString().c_str());
}

std::string FreshSchema(absl::string_view tag) {
  return absl::StrCat("cl_", tag, "_", getpid());
}

absl::StatusOr<std::unique_ptr<testing::ServerProcess>> StartServer(
    const storage::DbConfig& config) {
  // The records' dates are in 2024: the servers rate as of the first day
  // of 2025, when those decisions count (as the fault tests do).
  const std::string today_file = ::testing::TempDir() + "/cluster-today";
  std::ofstream(today_file) << "2025-01-01\n";
  return testing::ServerProcess::Start(
      config, {"--db_hosts=" + storage::DescribeDbEndpoints(config), "--db_create",
               "--today_file=" + today_file,
               "--feed_poll_ms=50", "--rate_limit_per_second=1000000",
               "--rate_limit_burst=1000000"},
      absl::Seconds(60));
}

absl::StatusOr<std::string> Checksums(const Cluster& cluster, int n, const std::string& schema,
                                      const std::vector<std::string>& tables) {
  std::vector<std::string> qualified;
  for (const std::string& table : tables) qualified.push_back(schema + "." + table);
  return cluster.Sql(n, absl::StrCat("CHECKSUM TABLE ", absl::StrJoin(qualified, ", ")));
}

}  // namespace envcredit::cluster
