// The cluster fault tests (issue 16, doc/deployment.md "What each failure
// does"): envcredit-servers on the private 3-node Galera cluster of the CTest
// fixture envcredit_cluster. Each test asserts counts, never timings; the
// times it measured are printed for the doc.
//
//   NodeFailover: writes through two servers while the node they use is
//     SIGKILLed: every acknowledged write stored once, no duplicate, writes
//     go on, the node rejoins by IST and the tables' checksums agree on all
//     three nodes.
//   WritesThroughOneNodeOrTwo: two servers writing through one node, then
//     through two; each write stored once; the conflict retries printed.
//   ServerKill: one of two servers is SIGKILLed while clients write through
//     a round-robin channel over both and a watcher follows the change feed:
//     the clients go on through the other server, the watcher resumes from
//     its cursor there, with no gap and no duplicate; envcredit-admin given
//     both servers is served.
//   QuorumLoss: two of three nodes SIGKILLed: every write refused
//     UNAVAILABLE naming the cluster's state, none stored; after the
//     operator's step (cluster.sh bootstrap) writes are served again.
//   Migrations: two migrators through two different nodes at once: one
//     migrates, the other waits, each version applied once.
//   DeadNodeSkipped: a pool whose first node does not exist opens on the
//     next one.
#include <signal.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/storage/database.h"
#include "server/storage/migrations.h"
#include "tests/cluster/cluster_support.h"
#include "tests/e2e/authed_channel.h"
#include "tests/faults/fault_support.h"

#ifndef ENVCREDIT_ADMIN_BIN
#error "ENVCREDIT_ADMIN_BIN must name the envcredit-admin binary"
#endif

namespace envcredit::cluster {
namespace {

using faults::ContextWithDeadline;
using faults::Describe;
using faults::ReasonOf;

constexpr char kAuthority[] = "苏州市生态环境局";
constexpr absl::Duration kCallDeadline = absl::Seconds(15);
// A client retries a write that failed UNAVAILABLE or ABORTED with the same
// request_id, as doc/database.md says a client must, this many times.
constexpr int kClientTries = 20;
const std::vector<std::string> kCheckedTables = {
    "enterprises", "penalty_decisions", "ratings", "feed_events", "feed_sequence",
    "request_log", "audit_log"};

// One write as the client saw it.
struct Write {
  std::string key;  // what identifies it in the tables
  bool acked = false;
  grpc::Status last;  // the last failure, when not acked
};

// What the writers write: penalty decisions (each lands on a shared
// enterprise: duplicates would show), or new enterprises (each a rating
// change in the feed, which a watcher is sent).
enum class WriteKind { kDecisions, kEnterprises };

v1::CreatePenaltyDecisionRequest DecisionRequest(absl::string_view tag, const std::string& code,
                                                 int writer, int seq) {
  v1::CreatePenaltyDecisionRequest request;
  request.set_parent(absl::StrCat("enterprises/", code));
  request.set_request_id(absl::StrCat(tag, "-", writer, "-", seq));
  v1::PenaltyDecision* d = request.mutable_penalty_decision();
  d->set_authority(kAuthority);
  d->set_decision_number(absl::StrCat("苏环罚〔2024〕", tag, writer, "-", seq, "号"));
  d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
  *d->mutable_decision_date() = faults::Day(absl::CivilDay(2024, 1, 1) + seq % 300);
  d->add_measures(v1::FINE);
  d->set_fine_amount_fen(100000);
  return request;
}

v1::CreateEnterpriseRequest EnterpriseRequest(absl::string_view tag, const std::string& code) {
  v1::CreateEnterpriseRequest request;
  request.mutable_enterprise()->set_credit_code(code);
  request.mutable_enterprise()->set_display_name(absl::StrCat("（虚构）集群测试企业", code));
  request.mutable_enterprise()->set_legal_representative("王示例");
  request.mutable_enterprise()->set_industry(v1::CHEMICALS);
  request.set_request_id(absl::StrCat(tag, "-", code));
  return request;
}

// Sends one request by `call` until it is acknowledged, retrying UNAVAILABLE
// and ABORTED with the same request (and request_id) at most kClientTries
// times.
void Send(const std::function<grpc::Status(grpc::ClientContext*)>& call, Write& write) {
  for (int attempt = 0; attempt < kClientTries; ++attempt) {
    auto context = ContextWithDeadline(kCallDeadline);
    grpc::Status status = call(context.get());
    if (status.ok()) {
      write.acked = true;
      return;
    }
    write.last = status;
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
        status.error_code() != grpc::StatusCode::ABORTED) {
      return;
    }
    absl::SleepFor(absl::Milliseconds(300));
  }
}

// A decision for `code` through `stub`, sent as Send does.
Write SendDecision(v1::RecordService::Stub& stub, absl::string_view tag, const std::string& code,
                   int writer, int seq) {
  const v1::CreatePenaltyDecisionRequest request = DecisionRequest(tag, code, writer, seq);
  Write write;
  write.key = request.penalty_decision().decision_number();
  Send(
      [&](grpc::ClientContext* context) {
        v1::PenaltyDecision stored;
        return stub.CreatePenaltyDecision(context, request, &stored);
      },
      write);
  return write;
}

// Writers on channels, each writing its own decisions (for `codes`, two an
// enterprise in turn) or enterprises until stopped.
class Writers {
 public:
  Writers(absl::string_view tag, std::vector<std::shared_ptr<grpc::Channel>> channels,
          std::vector<std::string> codes, WriteKind kind = WriteKind::kDecisions)
      : tag_(tag), codes_(std::move(codes)), writers_(channels.size()), kind_(kind) {
    for (size_t w = 0; w < channels.size(); ++w) {
      threads_.emplace_back([this, w, channel = channels[w]]() { Run(static_cast<int>(w), channel); });
    }
  }
  ~Writers() { Stop(); }

  void Stop() {
    stop_.store(true);
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  int64_t acked() const { return acked_.load(); }
  // Only after Stop.
  const std::vector<Write>& writes() const { return writes_; }

 private:
  void Run(int w, const std::shared_ptr<grpc::Channel>& channel) {
    auto records = v1::RecordService::NewStub(channel);
    auto enterprises = v1::EnterpriseService::NewStub(channel);
    for (int seq = 0; !stop_.load(); ++seq) {
      Write write;
      if (kind_ == WriteKind::kDecisions) {
        const size_t next = static_cast<size_t>(seq) * writers_ + w;
        write = SendDecision(*records, tag_, codes_[next / 2 % codes_.size()], w, seq);
      } else {
        const v1::CreateEnterpriseRequest request =
            EnterpriseRequest(tag_, faults::Uscc("EW", w * 100000 + seq + 1));
        write.key = request.enterprise().credit_code();
        Send(
            [&](grpc::ClientContext* context) {
              v1::Enterprise created;
              return enterprises->CreateEnterprise(context, request, &created);
            },
            write);
      }
      if (write.acked) acked_.fetch_add(1);
      std::lock_guard<std::mutex> lock(mu_);
      writes_.push_back(std::move(write));
    }
  }

  const std::string tag_;
  const std::vector<std::string> codes_;
  const size_t writers_;
  const WriteKind kind_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> acked_{0};
  std::mutex mu_;
  std::vector<Write> writes_;
  std::vector<std::thread> threads_;
};

// Waits (bounded) until `done` holds; false when it never did.
template <typename F>
bool WaitUntil(F done, absl::Duration bound) {
  const absl::Time deadline = absl::Now() + bound;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return done();
}

// envcredit_db_transaction_retries_total{cause="conflict"} of a server's
// metrics endpoint; -1 when it cannot be read.
int64_t ConflictRetries(const testing::ServerProcess& server) {
  std::string output;
  absl::StatusOr<int> code = faults::RunCommand(
      {"/usr/bin/python3", "-c",
       "import sys, urllib.request\n"
       "for line in urllib.request.urlopen(sys.argv[1], timeout=10).read().decode().splitlines():\n"
       "    if line.startswith('envcredit_db_transaction_retries_total{cause=\"conflict\"}'):\n"
       "        print(int(float(line.split()[-1])))\n",
       absl::StrCat("http://127.0.0.1:", server.metrics_port(), "/metrics")},
      absl::Seconds(20), &output);
  int64_t value = -1;
  if (!code.ok() || *code != 0 || !absl::SimpleAtoi(absl::StripAsciiWhitespace(output), &value)) {
    return -1;
  }
  return value;
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Cluster> cluster = Cluster::FromFixture();
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = std::make_unique<Cluster>(*std::move(cluster));
  }

  // Two servers on one schema (B with its own node list), channels to each
  // carrying A's bootstrap ADMIN token, and `enterprises` enterprises
  // registered through A (codes `tag`1, 2, ...).
  struct TwoServers {
    std::unique_ptr<testing::ServerProcess> a, b;
    std::string token;
    std::shared_ptr<grpc::Channel> channel_a, channel_b;
    std::vector<std::string> codes;
  };
  static absl::StatusOr<TwoServers> StartTwoServers(const storage::DbConfig& config_a,
                                                    const storage::DbConfig& config_b,
                                                    absl::string_view tag, int enterprises) {
    TwoServers servers;
    ASSIGN_OR_RETURN(servers.a, StartServer(config_a));
    ASSIGN_OR_RETURN(servers.b, StartServer(config_b));
    servers.token = servers.a->admin_token();
    servers.channel_a = testing::AuthedChannel(servers.a->address(), servers.token);
    servers.channel_b = testing::AuthedChannel(servers.b->address(), servers.token);
    for (int i = 0; i < enterprises; ++i) servers.codes.push_back(faults::Uscc(tag, i + 1));
    RETURN_IF_ERROR(faults::CreateEnterprises(servers.channel_a, servers.codes));
    return servers;
  }

  // A pool on `schema` through all nodes, for the test's own queries.
  std::unique_ptr<storage::Database> Pool(const std::string& schema) {
    storage::DbConfig config = cluster_->Config(schema);
    config.pool_size = 2;
    absl::StatusOr<std::unique_ptr<storage::Database>> db = storage::Database::Open(config);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  // Write key -> rows stored: decision numbers of this test's authority,
  // or credit codes.
  static std::map<std::string, int64_t> Stored(storage::Database& db,
                                               WriteKind kind = WriteKind::kDecisions) {
    std::map<std::string, int64_t> stored;
    EXPECT_TRUE(db.RunReads([&](storage::Session& session) -> absl::Status {
                    stored.clear();
                    absl::StatusOr<std::vector<storage::Row>> rows =
                        kind == WriteKind::kDecisions
                            ? session.Query(
                                  "SELECT decision_number, COUNT(*) FROM penalty_decisions "
                                  "WHERE authority = ? GROUP BY decision_number",
                                  {kAuthority})
                            : session.Query(
                                  "SELECT credit_code, COUNT(*) FROM enterprises "
                                  "GROUP BY credit_code");
                    if (!rows.ok()) return rows.status();
                    for (const storage::Row& row : *rows) {
                      stored[row.GetString(0)] = row.GetInt64(1);
                    }
                    return absl::OkStatus();
                  }).ok());
    return stored;
  }

  // Every acknowledged write stored exactly once; nothing stored twice.
  static void ExpectAckedStoredOnce(const std::vector<Write>& writes,
                                    const std::map<std::string, int64_t>& stored) {
    int64_t acked = 0, lost = 0, duplicates = 0;
    for (const auto& [number, count] : stored) duplicates += count > 1 ? 1 : 0;
    for (const Write& w : writes) {
      if (!w.acked) continue;
      ++acked;
      if (stored.count(w.key) == 0) ++lost;
    }
    EXPECT_GT(acked, 0);
    EXPECT_EQ(lost, 0) << "acknowledged writes lost";
    EXPECT_EQ(duplicates, 0) << "writes stored twice";
  }

  std::unique_ptr<Cluster> cluster_;
};

TEST_F(ClusterTest, DeadNodeIsSkippedAndTheNextOneServes) {
  storage::DbConfig config = cluster_->Config("");
  config.database = "";
  // A port nothing listens on (a node that is down) first in the list.
  config.hosts.insert(config.hosts.begin(), storage::DbEndpoint{"127.0.0.1", 1});
  config.pool_size = 2;
  absl::StatusOr<std::unique_ptr<storage::Database>> db = storage::Database::Open(config);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->stats().active_node, 1);
  EXPECT_EQ((*db)->stats().failovers, 1);
  EXPECT_TRUE((*db)->Ping().ok());
}

TEST_F(ClusterTest, TwoMigratorsThroughTwoNodesApplyEachVersionOnce) {
  const std::string schema = FreshSchema("migrate");
  std::vector<std::unique_ptr<storage::Database>> pools;
  for (int n : {1, 2}) {
    storage::DbConfig config = cluster_->NodeConfig(n, schema);
    config.create_database_if_missing = true;
    config.pool_size = 2;
    absl::StatusOr<std::unique_ptr<storage::Database>> db = storage::Database::Open(config);
    ASSERT_TRUE(db.ok()) << db.status();
    pools.push_back(*std::move(db));
  }
  absl::StatusOr<int> versions[2];
  std::thread other([&]() { versions[1] = storage::Migrate(*pools[1]); });
  versions[0] = storage::Migrate(*pools[0]);
  other.join();
  for (const absl::StatusOr<int>& version : versions) {
    ASSERT_TRUE(version.ok()) << version.status();
    EXPECT_EQ(*version, storage::LatestSchemaVersion());
  }
  // Seen on the third node once it applied everything (asynchronously).
  const std::string latest = absl::StrCat(storage::LatestSchemaVersion());
  const std::string expected = absl::StrCat(latest, "\t", latest, "\n");
  std::string applied;
  WaitUntil(
      [&] {
        absl::StatusOr<std::string> out = cluster_->Sql(
            3, absl::StrCat("SELECT COUNT(*), COUNT(DISTINCT version) FROM ", schema,
                            ".schema_migrations"));
        applied = out.ok() ? *out : out.status().ToString();
        return applied == expected;
      },
      absl::Seconds(10));
  EXPECT_EQ(applied, expected) << "each migration recorded once";
  EXPECT_TRUE(cluster_->Sql(1, "DROP DATABASE " + schema).ok());
}

TEST_F(ClusterTest, NodeKilledUnderWritesThroughTwoServersLosesNothing) {
  NodeRestorer restorer(*cluster_);
  const std::string schema = FreshSchema("nodekill");
  absl::StatusOr<TwoServers> servers =
      StartTwoServers(cluster_->Config(schema), cluster_->Config(schema), "NK", 6);
  ASSERT_TRUE(servers.ok()) << servers.status();
  const std::shared_ptr<grpc::Channel>& channel_a = servers->channel_a;
  const std::shared_ptr<grpc::Channel>& channel_b = servers->channel_b;
  const std::vector<std::string>& codes = servers->codes;
  Writers writers("nk", {channel_a, channel_a, channel_b, channel_b}, codes);
  ASSERT_TRUE(WaitUntil([&] { return writers.acked() >= 40; }, absl::Seconds(60)))
      << "writes did not start";
  // Node 1 is the node both servers use (first in their lists).
  const absl::Time killed = absl::Now();
  ASSERT_TRUE(cluster_->Kill(1).ok());
  const int64_t at_kill = writers.acked();
  ASSERT_TRUE(WaitUntil([&] { return writers.acked() >= at_kill + 1; }, absl::Seconds(60)))
      << "no write acknowledged after the node was killed";
  const absl::Duration first_after = absl::Now() - killed;
  ASSERT_TRUE(WaitUntil([&] { return writers.acked() >= at_kill + 100; }, absl::Seconds(90)))
      << "writes did not continue after the node was killed";
  const absl::Time restart_start = absl::Now();
  ASSERT_TRUE(cluster_->Restart(1).ok()) << "node 1 did not rejoin";
  const absl::Duration rejoin = absl::Now() - restart_start;
  const int64_t at_rejoin = writers.acked();
  ASSERT_TRUE(WaitUntil([&] { return writers.acked() >= at_rejoin + 40; }, absl::Seconds(60)))
      << "writes did not continue after the node rejoined";
  writers.Stop();

  std::unique_ptr<storage::Database> db = Pool(schema);
  ASSERT_NE(db, nullptr);
  ExpectAckedStoredOnce(writers.writes(), Stored(*db));
  // Galera applies on the other nodes asynchronously: the checksums agree
  // once every node applied everything (bounded wait; no writes any more).
  std::string sums[kNodes];
  const bool agree = WaitUntil(
      [&] {
        for (int n = 1; n <= kNodes; ++n) {
          absl::StatusOr<std::string> sum = Checksums(*cluster_, n, schema, kCheckedTables);
          sums[n - 1] = sum.ok() ? *sum : sum.status().ToString();
        }
        return sums[0] == sums[1] && sums[1] == sums[2];
      },
      absl::Seconds(30));
  EXPECT_TRUE(agree) << "node 1:\n" << sums[0] << "node 2:\n" << sums[1] << "node 3:\n" << sums[2];
  std::printf("[ nodekill ] %lld writes acknowledged; first acknowledgement %.1f s after the "
              "SIGKILL; cluster.sh restart (IST) %.1f s\n",
              static_cast<long long>(writers.acked()), absl::ToDoubleSeconds(first_after),
              absl::ToDoubleSeconds(rejoin));
  servers->a.reset();
  servers->b.reset();
  EXPECT_TRUE(cluster_->Sql(1, "DROP DATABASE " + schema).ok());
}

// The figures behind "one writer node" (doc/deployment.md): two servers
// write decisions for the same enterprises, first both through node 1 (the
// same --db_hosts order, as deployed), then each through its own node. Every
// write must be stored once either way; the transactions the servers ran
// again on a conflict (Galera certification, 1213) are printed.
TEST_F(ClusterTest, WritesThroughOneNodeOrTwoAreEachStoredOnce) {
  for (const bool two_nodes : {false, true}) {
    const std::string schema = FreshSchema(two_nodes ? "twonodes" : "onenode");
    storage::DbConfig config_b = cluster_->Config(schema);
    if (two_nodes) std::swap(config_b.hosts[0], config_b.hosts[1]);
    absl::StatusOr<TwoServers> servers =
        StartTwoServers(cluster_->Config(schema), config_b, "WN", 8);
    ASSERT_TRUE(servers.ok()) << servers.status();
    const std::shared_ptr<grpc::Channel>& channel_a = servers->channel_a;
    const std::shared_ptr<grpc::Channel>& channel_b = servers->channel_b;
    const std::vector<std::string>& codes = servers->codes;
    Writers writers(two_nodes ? "tw" : "on", {channel_a, channel_a, channel_b, channel_b}, codes);
    ASSERT_TRUE(WaitUntil([&] { return writers.acked() >= 400; }, absl::Seconds(120)));
    writers.Stop();
    std::unique_ptr<storage::Database> db = Pool(schema);
    ASSERT_NE(db, nullptr);
    ExpectAckedStoredOnce(writers.writes(), Stored(*db));
    int64_t refused = 0;
    for (const Write& w : writers.writes()) refused += w.acked ? 0 : 1;
    std::printf("[ writers ] %s: %zu writes, %lld refused; transactions run again on a "
                "conflict: %lld (server A) + %lld (server B)\n",
                two_nodes ? "each server through its own node" : "both servers through node 1",
                writers.writes().size(), static_cast<long long>(refused),
                static_cast<long long>(ConflictRetries(*servers->a)),
                static_cast<long long>(ConflictRetries(*servers->b)));
    servers->a.reset();
    servers->b.reset();
    db.reset();
    EXPECT_TRUE(cluster_->Sql(1, "DROP DATABASE " + schema).ok());
  }
}

TEST_F(ClusterTest, ServerKilledClientsAndWatcherGoOnThroughTheOther) {
  const std::string schema = FreshSchema("serverkill");
  absl::StatusOr<TwoServers> servers =
      StartTwoServers(cluster_->Config(schema), cluster_->Config(schema), "KW", 0);
  ASSERT_TRUE(servers.ok()) << servers.status();
  const testing::ServerProcess& a = *servers->a;
  const testing::ServerProcess& b = *servers->b;
  const std::string& token = servers->token;

  // The clients' channel: both servers, round robin (admin-cli/call_context.cc).
  const std::string target = absl::StrCat("ipv4:", a.address(), ",", b.address());
  grpc::ChannelArguments args;
  args.SetLoadBalancingPolicyName("round_robin");
  auto both = testing::AuthedChannel(target, token, grpc::InsecureChannelCredentials(), args);

  // The watcher: on server A until it dies, then on B from its cursor.
  std::mutex mu;
  std::vector<int64_t> watched;
  int64_t start_cursor = -1;
  int64_t watched_on_b = 0;  // changes received after the resume
  std::atomic<bool> stop_watch{false};
  std::atomic<int> streams{0};
  grpc::ClientContext* current = nullptr;
  std::thread watcher([&]() {
    const std::vector<std::string> addresses = {a.address(), b.address()};
    int64_t after = -1;
    for (size_t s = 0; s < addresses.size() && !stop_watch.load(); ++s) {
      auto stub = v1::RatingService::NewStub(testing::AuthedChannel(addresses[s], token));
      for (int attempt = 0; attempt < 50 && !stop_watch.load(); ++attempt) {
        grpc::ClientContext context;
        {
          std::lock_guard<std::mutex> lock(mu);
          current = &context;
        }
        v1::WatchRatingChangesRequest request;
        if (after < 0) {
          request.set_start_at_end(true);
        } else {
          request.set_after_cursor(after);
        }
        request.set_include_point_changes(true);
        auto reader = stub->WatchRatingChanges(&context, request);
        v1::WatchRatingChangesResponse response;
        bool first = true;
        while (reader->Read(&response)) {
          std::lock_guard<std::mutex> lock(mu);
          if (first && start_cursor < 0) start_cursor = response.cursor();
          if (first) streams.fetch_add(1);
          first = false;
          for (const auto& c : response.changes()) watched.push_back(c.cursor());
          if (s == 1) watched_on_b += response.changes_size();
          after = response.cursor();
        }
        reader->Finish();
        {
          std::lock_guard<std::mutex> lock(mu);
          current = nullptr;
        }
        if (s == 0) break;  // A died: go on at B
        absl::SleepFor(absl::Milliseconds(200));
      }
    }
  });
  struct StopWatcher {
    std::atomic<bool>& stop;
    std::mutex& mu;
    grpc::ClientContext*& current;
    std::thread& thread;
    ~StopWatcher() {
      stop.store(true);
      {
        std::lock_guard<std::mutex> lock(mu);
        if (current != nullptr) current->TryCancel();
      }
      if (thread.joinable()) thread.join();
    }
  } stop_watcher{stop_watch, mu, current, watcher};
  ASSERT_TRUE(WaitUntil([&] { return streams.load() >= 1; }, absl::Seconds(30)));

  Writers writers("sk", {both, both, both}, {}, WriteKind::kEnterprises);
  ASSERT_TRUE(WaitUntil([&] { return writers.acked() >= 30; }, absl::Seconds(60)));
  ASSERT_TRUE(servers->a->Stop(SIGKILL, absl::Seconds(10)).ok());
  const int64_t at_kill = writers.acked();
  ASSERT_TRUE(WaitUntil([&] { return writers.acked() >= at_kill + 60; }, absl::Seconds(60)))
      << "the clients did not go on through the other server";
  ASSERT_TRUE(WaitUntil([&] { return streams.load() >= 2; }, absl::Seconds(30)))
      << "the watcher did not resume on the other server";
  writers.Stop();
  // envcredit-admin with both servers, one of them dead: each call is
  // served (round robin, UNAVAILABLE sent again to the other).
  constexpr int kCliCalls = 5;
  int cli_ok = 0;
  for (int i = 0; i < kCliCalls; ++i) {
    std::string output;
    absl::StatusOr<int> code = faults::RunCommand(
        {ENVCREDIT_ADMIN_BIN, absl::StrCat("--server=", a.address(), ",", b.address()),
         "--token=" + token, "enterprises", "list", "--page-size", "5"},
        absl::Seconds(60), &output);
    if (code.ok() && *code == 0) {
      ++cli_ok;
    } else {
      std::printf("[ serverkill ] envcredit-admin: %s\n", output.c_str());
    }
  }
  EXPECT_EQ(cli_ok, kCliCalls) << "envcredit-admin with a list of servers";

  std::unique_ptr<storage::Database> db = Pool(schema);
  ASSERT_NE(db, nullptr);
  ExpectAckedStoredOnce(writers.writes(), Stored(*db, WriteKind::kEnterprises));
  // Every feed event a watcher is sent, after where it started.
  std::vector<int64_t> expected;
  ASSERT_TRUE(db->RunReads([&](storage::Session& session) -> absl::Status {
                  absl::StatusOr<std::vector<storage::Row>> rows;
                  {
                    std::lock_guard<std::mutex> lock(mu);
                    rows = session.Query(faults::kWatchedCursorsSql, {start_cursor});
                  }
                  if (!rows.ok()) return rows.status();
                  expected.clear();
                  for (const storage::Row& row : *rows) expected.push_back(row.GetInt64(0));
                  return absl::OkStatus();
                }).ok());
  ASSERT_FALSE(expected.empty());
  const bool caught_up = WaitUntil(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return !watched.empty() && watched.back() >= expected.back();
      },
      absl::Seconds(30));
  EXPECT_TRUE(caught_up) << "the watcher did not receive the last change";
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_GT(watched_on_b, 0) << "no change reached the watcher after it resumed";
  EXPECT_EQ(watched, expected) << "the watcher saw a gap or a duplicate across the server kill";
  std::set<int64_t> distinct(watched.begin(), watched.end());
  EXPECT_EQ(distinct.size(), watched.size());
  std::printf("[ serverkill ] %lld writes acknowledged, %zu changes watched across two "
              "servers, %lld of them after the resume\n",
              static_cast<long long>(writers.acked()), watched.size(),
              static_cast<long long>(watched_on_b));
}

TEST_F(ClusterTest, QuorumLostEveryWriteRefusedUnavailableThenServedAfterBootstrap) {
  NodeRestorer restorer(*cluster_);
  const std::string schema = FreshSchema("quorum");
  auto server = StartServer(cluster_->Config(schema));
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = testing::AuthedChannel((*server)->address(), (*server)->admin_token());
  const std::string code = faults::Uscc("QL", 1);
  ASSERT_TRUE(faults::CreateEnterprises(channel, {code}).ok());
  auto stub = v1::RecordService::NewStub(channel);
  {
    const Write before = SendDecision(*stub, "qlok", code, 0, 0);
    ASSERT_TRUE(before.acked) << Describe(before.last);
  }

  ASSERT_TRUE(cluster_->Kill(2).ok());
  ASSERT_TRUE(cluster_->Kill(3).ok());
  const absl::Time killed = absl::Now();
  ASSERT_TRUE(WaitUntil([&] { return cluster_->Status(1, "wsrep_cluster_status") == "non-Primary"; },
                        absl::Seconds(60)))
      << "node 1 did not leave the primary component";
  const absl::Duration to_non_primary = absl::Now() - killed;

  constexpr int kRefused = 10;
  int unavailable = 0, naming_state = 0;
  std::vector<std::string> refused_numbers;
  for (int i = 0; i < kRefused; ++i) {
    v1::CreatePenaltyDecisionRequest request = DecisionRequest("qlno", code, 0, i);
    v1::PenaltyDecision stored;
    auto context = ContextWithDeadline(kCallDeadline);
    grpc::Status status = stub->CreatePenaltyDecision(context.get(), request, &stored);
    refused_numbers.push_back(request.penalty_decision().decision_number());
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) ++unavailable;
    if (absl::StrContains(status.error_message(), "primary component")) ++naming_state;
    EXPECT_FALSE(status.ok()) << "a write was acknowledged without quorum";
    if (i == 0) std::printf("[ quorum ] refused with: %s\n", Describe(status).c_str());
  }
  EXPECT_EQ(unavailable, kRefused);
  EXPECT_EQ(naming_state, kRefused) << "the message must name the cluster's state";

  // The operator's step (doc/deployment.md): node 1 alone becomes primary.
  const absl::Time bootstrap = absl::Now();
  ASSERT_TRUE(cluster_->Bootstrap(1).ok());
  const Write after = SendDecision(*stub, "qlok", code, 0, 1);
  ASSERT_TRUE(after.acked) << "no write served after the bootstrap: " << Describe(after.last);
  const absl::Duration to_served = absl::Now() - bootstrap;

  std::unique_ptr<storage::Database> db = Pool(schema);
  ASSERT_NE(db, nullptr);
  const std::map<std::string, int64_t> stored = Stored(*db);
  int refused_stored = 0;
  for (const std::string& number : refused_numbers) refused_stored += stored.count(number);
  EXPECT_EQ(refused_stored, 0) << "a refused write was stored";
  EXPECT_EQ(stored.size(), 2u) << "the write before the loss and the one after the bootstrap";
  std::printf("[ quorum ] node 1 non-Primary %.1f s after the SIGKILLs; first write served "
              "%.1f s after cluster.sh bootstrap 1\n",
              absl::ToDoubleSeconds(to_non_primary), absl::ToDoubleSeconds(to_served));
  server->reset();
  db.reset();
  EXPECT_TRUE(cluster_->Sql(1, "DROP DATABASE " + schema).ok());
}

}  // namespace
}  // namespace envcredit::cluster
