// Support for the cluster tests (tests/cluster, doc/deployment.md): the
// private 3-node Galera cluster that the CTest fixture envcredit_cluster
// starts with scripts/cluster.sh (its db.env in ENVCREDIT_CLUSTER_ENV), the
// operator's steps on it (kill, restart, bootstrap a node), SQL on one node,
// and envcredit-servers in front of it.
//
// Every test leaves the cluster as it found it (three nodes Synced): a test
// that killed a node restarts it, also when an assertion failed
// (NodeRestorer).
//
// Thread-safety: Cluster's methods run commands and may be called from any
// thread; the objects belong to the test's main thread.
#ifndef ENVCREDIT_TESTS_CLUSTER_CLUSTER_SUPPORT_H_
#define ENVCREDIT_TESTS_CLUSTER_CLUSTER_SUPPORT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/storage/db_config.h"
#include "tests/e2e/server_process.h"

namespace envcredit::cluster {

constexpr int kNodes = 3;

class Cluster {
 public:
  // Reads the fixture's db.env. FAILED_PRECONDITION when there is none.
  static absl::StatusOr<Cluster> FromFixture();

  // All three nodes in order (ENVCREDIT_DB_HOSTS), schema `database`.
  storage::DbConfig Config(const std::string& database) const;
  // Node `n` (1..3) alone.
  storage::DbConfig NodeConfig(int n, const std::string& database) const;

  // scripts/cluster.sh kill|restart|bootstrap N: OK, or INTERNAL with the
  // script's output.
  absl::Status Kill(int n) const;
  absl::Status Restart(int n) const;
  absl::Status Bootstrap(int n) const;
  // Restarts every node that is not running (cluster.sh start).
  absl::Status StartAll() const;

  // Runs `sql` as root over node n's socket with the mariadb client; its
  // output (tab-separated, no headers). INTERNAL when the client fails.
  absl::StatusOr<std::string> Sql(int n, absl::string_view sql) const;
  // SHOW STATUS value of `name` on node n ("" when it does not answer).
  std::string Status(int n, absl::string_view name) const;

 private:
  absl::Status Script(const std::vector<std::string>& args) const;

  std::string run_dir_;
  storage::DbConfig base_;
  std::vector<std::string> sockets_;  // per node
};

// Restarts, when destroyed, each node the test killed and the cluster
// start brings back: the next test finds three Synced nodes.
class NodeRestorer {
 public:
  explicit NodeRestorer(const Cluster& cluster) : cluster_(cluster) {}
  ~NodeRestorer();
  NodeRestorer(const NodeRestorer&) = delete;
  NodeRestorer& operator=(const NodeRestorer&) = delete;

 private:
  const Cluster& cluster_;
};

// A fresh schema name for one test ("cl_<tag>_<pid>").
std::string FreshSchema(absl::string_view tag);

// Starts envcredit-server on `config` (db_hosts from it), creating the
// schema when missing; fast feed polling and no rate limit, as the fault
// tests use.
absl::StatusOr<std::unique_ptr<testing::ServerProcess>> StartServer(
    const storage::DbConfig& config);

// CHECKSUM TABLE of `tables` in `schema` on node n, one "table\tsum" line each.
absl::StatusOr<std::string> Checksums(const Cluster& cluster, int n,
                                      const std::string& schema,
                                      const std::vector<std::string>& tables);

}  // namespace envcredit::cluster

#endif  // ENVCREDIT_TESTS_CLUSTER_CLUSTER_SUPPORT_H_
