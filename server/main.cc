// envcredit-server: the gRPC server and the only owner of the database.
//
// Startup: read flags, open the database pool, apply migrations (refusing a
// database newer than this binary), build the services, turn on health
// checking and reflection, serve. SIGTERM or SIGINT stops accepting calls,
// lets calls in flight finish within --shutdown_grace_seconds, and exits 0.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/flags/flag.h"
#include "grpc/support/log.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/version.h"
#include "scoring/policy_text/policy_text.h"
#include "common/status_macros.h"
#include "absl/flags/reflection.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "server/api/access_control.h"
#include "server/api/access_log.h"
#include "server/api/audit_service.h"
#include "server/api/denial_log.h"
#include "server/api/enterprise_service.h"
#include "server/api/health_service.h"
#include "server/api/list_service.h"
#include "server/api/malformed_request.h"
#include "server/api/rating_service.h"
#include "server/api/record_service.h"
#include "server/api/reflection_v1_service.h"
#include "server/api/token_service.h"
#include "server/api/call_stats.h"
#include "server/metrics/metrics_endpoint.h"
#include "server/ratings/change_feed.h"
#include "server/ratings/daily_roll.h"
#include "server/ratings/rating_cache.h"
#include "server/ratings/records_cache.h"
#include "server/storage/database.h"
#include "server/storage/db_config.h"
#include "server/storage/list_figures.h"
#include "server/storage/migrations.h"
#include "server/storage/mysql_audit_log.h"
#include "server/storage/mysql_enterprise_repository.h"
#include "server/storage/mysql_list_repository.h"
#include "server/storage/mysql_rating_repository.h"
#include "server/storage/mysql_record_repository.h"
#include "server/storage/mysql_token_repository.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "address to serve on; port 0 picks a free port (see --port_file)");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound port to this file once serving (ready: "
          "ratings in memory)");
ABSL_FLAG(std::string, listening_file, "",
          "if set, write the bound port to this file as soon as the server "
          "listens, before it is ready (health service \"liveness\" SERVING, "
          "\"\" NOT_SERVING until ready)");
ABSL_FLAG(std::string, db_host, "",
          "database host (default $ENVCREDIT_DB_HOST, else 127.0.0.1)");
ABSL_FLAG(int, db_port, 0, "database port (default $ENVCREDIT_DB_PORT, else 3306)");
ABSL_FLAG(std::string, db_hosts, "",
          "the nodes of a database cluster (Galera) in order of preference, "
          "host:port,host:port,...; replaces --db_host and --db_port; all "
          "work goes to one node at a time, the next when it fails (default "
          "$ENVCREDIT_DB_HOSTS; doc/deployment.md)");
ABSL_FLAG(std::string, db_user, "",
          "database user (default $ENVCREDIT_DB_USER, else root); the "
          "password is read from $ENVCREDIT_DB_PASSWORD only, never a flag");
ABSL_FLAG(std::string, db_name, "",
          "database (schema) name (default $ENVCREDIT_DB_NAME, else envcredit)");
ABSL_FLAG(bool, db_create, false,
          "create the database when it does not exist (demo and tests)");
ABSL_FLAG(int, db_pool_size, 8, "database connections at most");
ABSL_FLAG(int, db_connect_timeout_ms, 0,
          "how long one attempt to open a database connection may take "
          "(default $ENVCREDIT_DB_CONNECT_TIMEOUT_MS, else 2000; the connector "
          "counts whole seconds, rounded up); also bounds each health probe");
ABSL_FLAG(int, db_read_timeout_s, 0,
          "how long one read of a database connection may wait for the "
          "server (default $ENVCREDIT_DB_READ_TIMEOUT_MS, else 10 s); above "
          "the longest legitimate statement and --db_lock_wait_timeout_s");
ABSL_FLAG(int, db_write_timeout_s, 0,
          "how long one write to a database connection may wait (default "
          "$ENVCREDIT_DB_WRITE_TIMEOUT_MS, else 10 s)");
ABSL_FLAG(int, db_lock_wait_timeout_s, 0,
          "SET SESSION innodb_lock_wait_timeout on every connection: a row "
          "lock wait longer than this is ABORTED (default "
          "$ENVCREDIT_DB_LOCK_WAIT_TIMEOUT_MS, else 5 s); below the read "
          "timeout");
ABSL_FLAG(int, db_checkout_timeout_ms, 0,
          "how long a call waits for a free pooled connection before "
          "UNAVAILABLE (DB_POOL_EXHAUSTED) (default "
          "$ENVCREDIT_DB_CHECKOUT_TIMEOUT_MS, else 2000)");
ABSL_FLAG(int, db_probe_interval_ms, 1000,
          "how often the database is probed (SELECT 1 on a connection of its "
          "own) for the health service; while it is unreachable calls fail "
          "at once with UNAVAILABLE");
ABSL_FLAG(std::string, policy_dir, ENVCREDIT_DEFAULT_POLICY_DIR,
          "folder of rating policy files (regions.textproto and one "
          "<id>.textproto per policy it names); the default is where an "
          "installation keeps them (<prefix>/share/envcredit/policies)");
ABSL_FLAG(std::string, today_file, "",
          "tests and drills only: read today's date (YYYY-MM-DD) from this "
          "file at every use instead of the system clock");
ABSL_FLAG(int, feed_poll_ms, 100,
          "how often each server process reads new change-feed events (and so "
          "sees the rating changes of other processes)");
ABSL_FLAG(int, feed_retention_days, 90,
          "change-feed events older than this are deleted (the rating "
          "history keeps them)");
ABSL_FLAG(int, watch_queue_events, 10000,
          "events waiting for one WatchRatingChanges stream at most; a watcher "
          "further behind is ended with RESOURCE_EXHAUSTED WATCHER_TOO_SLOW and "
          "the cursor to resume after (doc/ratings.md)");
ABSL_FLAG(int, records_cache_mb, 1024,
          "memory for the scoring records of enterprises, so as-of ratings and "
          "explanations need no database read (about 250 bytes per record; "
          "filled in the background after start; 0: read the database every "
          "time; doc/ratings.md \"Records cache\")");
ABSL_FLAG(int, watch_workers, 2,
          "threads that start watches and read events older than the feed's "
          "window from the database (shared by every watch)");
ABSL_FLAG(bool, mutex_deadlock_detection, false,
          "check the lock order of every absl::Mutex acquisition (Debian's "
          "Abseil does by default; it takes a process-wide lock on every "
          "acquisition, which on the serving path costs more than the call "
          "itself): on in the test suite, off in production "
          "(doc/decisions.md)");
ABSL_FLAG(std::string, log_format, "text",
          "format of every stderr line: text (\"<time> INFO <message>\", the "
          "access log as key=value) or json (one JSON object per line: time, "
          "level, message and, for the access log, request_id, method, actor, "
          "code, latency_ms; doc/operations.md \"Logs\")");
ABSL_FLAG(bool, migrate_only, false,
          "apply schema migrations, print the schema version and exit");
ABSL_FLAG(std::string, admin_token_file, "admin.token",
          "where the first start writes the bootstrap ADMIN token (mode 0600); "
          "written only when the database has no active ADMIN token");
ABSL_FLAG(std::string, tls_cert, "", "PEM server certificate chain (enables TLS)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle: when set, clients must present a certificate it "
          "signed (mutual TLS)");
ABSL_FLAG(double, rate_limit_per_second, 1000,
          "sustained calls per second allowed to one token");
ABSL_FLAG(double, rate_limit_burst, 2000, "calls one token may burst");
ABSL_FLAG(double, denials_per_peer_per_second, 10,
          "refused calls per second from one client address that are logged "
          "and audited one by one; beyond this and the burst they are counted "
          "into one summary per address and interval, and that address gets "
          "no database look-up of tokens this server does not know yet");
ABSL_FLAG(double, denials_per_peer_burst, 50,
          "refused calls one client address may burst before its denials are "
          "summarised (see --denials_per_peer_per_second)");
ABSL_FLAG(double, public_lookups_per_peer_per_second, 5,
          "LookupPublicRating calls per second from one client address (it "
          "needs no token, so the address is what is limited)");
ABSL_FLAG(double, public_lookups_per_peer_burst, 20,
          "LookupPublicRating calls one client address may burst");
ABSL_FLAG(int, denial_summary_seconds, 10,
          "how often the summaries of counted denials are written");
ABSL_FLAG(int, max_message_bytes, 4 * 1024 * 1024,
          "largest request message accepted");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "on SIGTERM, how long calls in flight may take to finish");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9464",
          "HOST:PORT of the Prometheus endpoint GET /metrics (port 0: a free "
          "one; empty: none). Loopback by default. If the default port is "
          "taken the server runs without it and says so; a value given on "
          "the command line must work");
ABSL_FLAG(std::string, metrics_port_file, "",
          "write the metrics endpoint's port here once it listens");

namespace envcredit {
namespace {

// Lets operators write --migrate-only as the docs do: absl flags are
// identifiers, so dashes inside a flag name become underscores.
void NormalizeFlagNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("--", 0) != 0) continue;
    size_t end = arg.find('=');
    if (end == std::string::npos) end = arg.size();
    for (size_t k = 2; k < end; ++k) {
      if (argv[i][k] == '-') argv[i][k] = '_';
    }
  }
}

absl::StatusOr<storage::DbConfig> DbConfigFromFlags() {
  ASSIGN_OR_RETURN(storage::DbConfig config, storage::DbConfigFromEnv());
  if (!absl::GetFlag(FLAGS_db_host).empty()) config.host = absl::GetFlag(FLAGS_db_host);
  if (absl::GetFlag(FLAGS_db_port) != 0) config.port = absl::GetFlag(FLAGS_db_port);
  if (!absl::GetFlag(FLAGS_db_hosts).empty()) {
    ASSIGN_OR_RETURN(config.hosts,
                     storage::ParseDbHosts("--db_hosts", absl::GetFlag(FLAGS_db_hosts)));
  }
  if (!absl::GetFlag(FLAGS_db_user).empty()) config.user = absl::GetFlag(FLAGS_db_user);
  if (!absl::GetFlag(FLAGS_db_name).empty()) config.database = absl::GetFlag(FLAGS_db_name);
  config.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  if (int ms = absl::GetFlag(FLAGS_db_connect_timeout_ms); ms != 0) {
    config.connect_timeout = absl::Milliseconds(ms);
  }
  if (int s = absl::GetFlag(FLAGS_db_read_timeout_s); s != 0) {
    config.read_timeout = absl::Seconds(s);
  }
  if (int s = absl::GetFlag(FLAGS_db_write_timeout_s); s != 0) {
    config.write_timeout = absl::Seconds(s);
  }
  if (int s = absl::GetFlag(FLAGS_db_lock_wait_timeout_s); s != 0) {
    config.lock_wait_timeout = absl::Seconds(s);
  }
  if (int ms = absl::GetFlag(FLAGS_db_checkout_timeout_ms); ms != 0) {
    config.checkout_timeout = absl::Milliseconds(ms);
  }
  config.create_database_if_missing = absl::GetFlag(FLAGS_db_create);
  RETURN_IF_ERROR(storage::ValidateDbConfig(config));
  return config;
}

bool IsLoopback(const std::string& listen) {
  const std::string host = listen.substr(0, listen.rfind(':'));
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// TLS when certificates are given; otherwise gRPC's local credentials, which
// accept loopback peers only. Plain text on a network address is never
// served: a bearer token must not cross a network in clear.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials() {
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (cert.empty()) {
    if (!IsLoopback(absl::GetFlag(FLAGS_listen))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to serve ", absl::GetFlag(FLAGS_listen),
          " without TLS: give --tls_cert and --tls_key, or listen on a "
          "loopback address (127.0.0.1, [::1])"));
    }
    return grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  }
  grpc::SslServerCredentialsOptions options(
      absl::GetFlag(FLAGS_tls_client_ca).empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_key_cert_pairs.push_back({ReadFile(key), ReadFile(cert)});
  if (!absl::GetFlag(FLAGS_tls_client_ca).empty()) {
    options.pem_root_certs = ReadFile(absl::GetFlag(FLAGS_tls_client_ca));
  }
  if (options.pem_key_cert_pairs[0].private_key.empty() ||
      options.pem_key_cert_pairs[0].cert_chain.empty()) {
    return absl::InvalidArgumentError("cannot read --tls_cert or --tls_key");
  }
  return grpc::SslServerCredentials(options);
}

// On the first start (no active ADMIN token), issues one and writes it to
// --admin_token_file, readable by its owner only.
absl::Status BootstrapAdminToken(domain::TokenRepository& tokens) {
  ASSIGN_OR_RETURN(bool has_admin, tokens.HasActiveAdmin(absl::Now()));
  if (has_admin) return absl::OkStatus();
  const std::string path = absl::GetFlag(FLAGS_admin_token_file);
  ASSIGN_OR_RETURN(std::string secret,
                   api::IssueToken(tokens, domain::Role::kAdmin, "bootstrap-admin"));
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  const std::string line = secret + "\n";
  bool written = ::write(fd, line.data(), line.size()) ==
                 static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  LogInfo(absl::StrCat("first start: ADMIN token written to ", path,
                       " (owner-only); keep it safe"));
  return absl::OkStatus();
}

// SIGTERM/SIGINT, from the start of Run: they are blocked in every thread,
// and one thread of their own waits for them (sigwait), so a stop asked for
// while the server is still starting (a backfill of a million enterprises
// takes minutes) is seen between two pages of it.
class StopSignal {
 public:
  // Starts the waiting thread; it is detached (it may wait for ever).
  static StopSignal& Start() {
    static StopSignal* const stop = new StopSignal();
    return *stop;
  }
  bool requested() const { return received_.HasBeenNotified(); }
  void Await() const { received_.WaitForNotification(); }

 private:
  StopSignal() {
    std::thread([this] {
      sigset_t signals;
      sigemptyset(&signals);
      sigaddset(&signals, SIGTERM);
      sigaddset(&signals, SIGINT);
      for (;;) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0) continue;
        if (signal == SIGTERM || signal == SIGINT) {
          LogInfo(absl::StrCat("received ", signal == SIGTERM ? "SIGTERM" : "SIGINT",
                               "; draining"));
          received_.Notify();
          return;
        }
      }
    }).detach();
  }
  absl::Notification received_;
};

// The health service's name for liveness: SERVING from the moment the server
// listens until it stops, while "" (readiness) and each service serve only
// once the server is ready and the database reachable (doc/operations.md).
constexpr char kLivenessService[] = "liveness";

// Writes `port` to `path` (nothing when it is empty): write then rename, so
// a reader never sees a half-written file.
// "/package.Service/Method" of every method of `services` (full names) the
// generated descriptor pool knows: the slots of the per-call metrics.
std::vector<std::string> MethodPaths(const std::vector<std::string>& services) {
  std::vector<std::string> paths;
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int k = 0; k < service->method_count(); ++k) {
      paths.push_back(absl::StrCat("/", service->full_name(), "/", service->method(k)->name()));
    }
  }
  return paths;
}

const char* LevelLabel(scoring::Level level) {
  switch (level) {
    case scoring::Level::kGreen: return "GREEN";
    case scoring::Level::kBlue: return "BLUE";
    case scoring::Level::kYellow: return "YELLOW";
    case scoring::Level::kRed: return "RED";
    case scoring::Level::kBlack: return "BLACK";
    case scoring::Level::kUnspecified: break;
  }
  return "UNSPECIFIED";
}

const char* PublicationStateLabel(domain::PublicationState state) {
  switch (state) {
    case domain::PublicationState::kDraft: return "DRAFT";
    case domain::PublicationState::kNotice: return "NOTICE";
    case domain::PublicationState::kPublished: return "PUBLISHED";
    case domain::PublicationState::kSuperseded: return "SUPERSEDED";
    case domain::PublicationState::kUnspecified: break;
  }
  return "UNSPECIFIED";
}

// Every figure of the metrics endpoint but the per-call ones
// (doc/operations.md "Metrics" lists them all).
struct MetricsParts {
  storage::Database* db;
  ratings::ChangeFeed* feed;
  ratings::RatingCache* ratings;
  ratings::RecordsCache* records;
  const std::atomic<bool>* ready;
  int64_t schema_version;
};

std::vector<metrics::Family> ServerFamilies(const MetricsParts& p) {
  using metrics::Family;
  using metrics::Sample;
  std::vector<Family> f;
  f.push_back({"envcredit_build_info", "the running build (value 1)", Family::Type::kGauge,
               [] { return std::vector<Sample>{{{{"version", VersionText()}}, 1}}; }});
  f.push_back(metrics::Gauge("envcredit_schema_version", "database schema version",
                             [v = p.schema_version] { return static_cast<double>(v); }));
  f.push_back(metrics::Gauge("envcredit_ready", "1 when serving (readiness), else 0",
                             [r = p.ready] { return r->load() ? 1.0 : 0.0; }));
  f.push_back({"envcredit_db_pool_connections",
               "database connections by state (in_use, idle)", Family::Type::kGauge,
               [db = p.db] {
                 const storage::PoolStats s = db->stats();
                 return std::vector<Sample>{{{{"state", "in_use"}}, double(s.live - s.idle)},
                                            {{{"state", "idle"}}, double(s.idle)}};
               }});
  f.push_back(metrics::Gauge("envcredit_db_pool_waiting",
                             "calls waiting for a database connection now",
                             [db = p.db] { return double(db->stats().waiting); }));
  f.push_back(metrics::Counter("envcredit_db_pool_exhausted_total",
                               "waits for a connection that timed out (DB_POOL_EXHAUSTED)",
                               [db = p.db] { return double(db->stats().checkout_timeouts); }));
  f.push_back(metrics::Counter("envcredit_db_connection_errors_total",
                               "database connections closed because they failed",
                               [db = p.db] { return double(db->stats().discarded); }));
  f.push_back(metrics::Counter("envcredit_db_failovers_total",
                               "moves of the pool to another database node (--db_hosts)",
                               [db = p.db] { return double(db->stats().failovers); }));
  f.push_back({"envcredit_db_transaction_retries_total",
               "transactions run again by the retry policy, by cause", Family::Type::kCounter,
               [db = p.db] {
                 const storage::PoolStats s = db->stats();
                 return std::vector<Sample>{
                     {{{"cause", "conflict"}}, double(s.conflict_retries)},
                     {{{"cause", "not_ready"}}, double(s.not_ready_retries)}};
               }});
  f.push_back(metrics::Gauge("envcredit_feed_cursor",
                             "the last change-feed cursor this server has seen",
                             [feed = p.feed] { return double(feed->latest()); }));
  f.push_back(metrics::Gauge("envcredit_watchers", "open WatchRatingChanges calls",
                             [feed = p.feed] { return double(feed->subscribers()); }));
  f.push_back({"envcredit_watch_lag_events",
               "events waiting for the watchers (max: the slowest one; sum: all)",
               Family::Type::kGauge, [feed = p.feed] {
                 size_t max = 0, sum = 0;
                 for (size_t queued : feed->QueuedPerSubscriber()) {
                   max = std::max(max, queued);
                   sum += queued;
                 }
                 return std::vector<Sample>{{{{"stat", "max"}}, double(max)},
                                            {{{"stat", "sum"}}, double(sum)}};
               }});
  f.push_back(metrics::Gauge("envcredit_rating_cache_enterprises",
                             "current ratings held in memory",
                             [r = p.ratings] { return double(r->size()); }));
  f.push_back(metrics::Gauge("envcredit_records_cache_bytes",
                             "memory of the records cache (--records_cache_mb bounds it)",
                             [r = p.records] { return double(r->bytes()); }));
  f.push_back({"envcredit_enterprises", "enterprises by current level and policy",
               Family::Type::kGauge, [r = p.ratings] {
                 std::vector<Sample> out;
                 for (const auto& c : r->CountByLevelAndPolicy()) {
                   out.push_back({{{"level", LevelLabel(c.level)}, {"policy", c.policy_id}},
                                  double(c.enterprises)});
                 }
                 return out;
               }});
  f.push_back({"envcredit_import_rows_total",
               "rows of batch creates (imports) by kind and outcome", Family::Type::kCounter,
               [] {
                 using S = api::ImportStats;
                 std::vector<Sample> out;
                 for (S::Kind kind : {S::Kind::kEnterprises, S::Kind::kPenaltyDecisions}) {
                   for (S::Outcome outcome : {S::Outcome::kCreated, S::Outcome::kAlreadyExisted,
                                              S::Outcome::kFailed}) {
                     out.push_back({{{"kind", S::KindName(kind)},
                                     {"outcome", S::OutcomeName(outcome)}},
                                    double(S::Get().Rows(kind, outcome))});
                   }
                 }
                 return out;
               }});
  // Two small reads per scrape; none when the database does not answer.
  auto lists = std::make_shared<absl::StatusOr<storage::ListFigures>>();
  f.push_back({"envcredit_publications", "list publications by list and state",
               Family::Type::kGauge, [db = p.db, lists] {
                 *lists = storage::ReadListFigures(*db);
                 std::vector<Sample> out;
                 if (!lists->ok()) return out;
                 for (const auto& pub : (*lists)->publications) {
                   out.push_back({{{"list", std::string(domain::ListSlug(pub.list))},
                                   {"state", PublicationStateLabel(pub.state)}},
                                  double(pub.count)});
                 }
                 return out;
               }});
  f.push_back({"envcredit_objections_pending", "objections waiting for a decision",
               Family::Type::kGauge, [lists] {
                 // Read with envcredit_publications, just before (one scrape
                 // runs the families in order on one thread).
                 std::vector<Sample> out;
                 if (lists->ok()) out.push_back({{}, double((*lists)->pending_objections)});
                 return out;
               }});
  return f;
}

void WritePortFile(const std::string& path, int port) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

// gRPC's own lines (gpr_log) in the process's log format, so that with
// --log_format=json every stderr line is JSON.
void LogGrpcLine(gpr_log_func_args* args) {
  Log(args->severity == GPR_LOG_SEVERITY_ERROR ? LogSeverity::kError : LogSeverity::kInfo,
      absl::StrCat("grpc ", args->file, ":", args->line, ": ", args->message));
}

int Run() {
  // Before any thread logs (the format is read without a lock).
  LogFormat log_format;
  if (!ParseLogFormat(absl::GetFlag(FLAGS_log_format), &log_format)) {
    LogError(absl::StrCat("--log_format must be text or json, not ",
                          absl::GetFlag(FLAGS_log_format)));
    return 2;
  }
  SetLogFormat(log_format);
  if (log_format == LogFormat::kJson) gpr_set_log_function(&LogGrpcLine);
  absl::SetMutexDeadlockDetectionMode(absl::GetFlag(FLAGS_mutex_deadlock_detection)
                                          ? absl::OnDeadlockCycle::kAbort
                                          : absl::OnDeadlockCycle::kIgnore);
  StopSignal& stop = StopSignal::Start();
  absl::StatusOr<storage::DbConfig> config = DbConfigFromFlags();
  if (!config.ok()) {
    LogError(absl::StrCat("bad database settings: ", config.status().message()));
    return 2;
  }
  const storage::DbConfig& db_config = *config;
  auto database = storage::Database::Open(db_config);
  if (!database.ok()) {
    LogError(absl::StrCat("cannot open the database at ",
                          storage::DescribeDbEndpoints(db_config), ": ",
                          database.status().ToString()));
    return 1;
  }
  auto version = storage::Migrate(**database);
  if (!version.ok()) {
    LogError(absl::StrCat("cannot prepare the database at ",
                          (*database)->active_node(), "/", db_config.database,
                          ": schema migration failed: ",
                          version.status().ToString()));
    return 1;
  }
  LogInfo(absl::StrCat("database ", (*database)->active_node(), "/",
                       db_config.database, " at schema version ", *version));
  if (absl::GetFlag(FLAGS_migrate_only)) return 0;

  storage::MysqlTokenRepository tokens(database->get());
  if (absl::Status status = BootstrapAdminToken(tokens); !status.ok()) {
    LogError(absl::StrCat("cannot create the first admin token: ", status.ToString()));
    return 1;
  }
  auto credentials = ServerCredentials();
  if (!credentials.ok()) {
    LogError(std::string(credentials.status().message()));
    return 2;
  }
  api::AccessControlOptions access_options;
  access_options.rate_per_second = absl::GetFlag(FLAGS_rate_limit_per_second);
  access_options.burst = absl::GetFlag(FLAGS_rate_limit_burst);
  storage::MysqlAuditLog audit_log(database->get());
  api::DenialLogOptions denial_options;
  denial_options.per_peer_per_second = absl::GetFlag(FLAGS_denials_per_peer_per_second);
  denial_options.per_peer_burst = absl::GetFlag(FLAGS_denials_per_peer_burst);
  denial_options.summary_interval =
      absl::Seconds(std::max(1, absl::GetFlag(FLAGS_denial_summary_seconds)));
  api::DenialLog denials(&audit_log, denial_options);
  denials.Start();
  // The access check runs inline at the top of every handler (and, for
  // requests that cannot be parsed, in the access-log interceptor); the
  // transport credentials only decide who may connect.
  api::AccessControl access(&tokens, access_options, &denials);
  api::AccessLogWriter access_log;
  access_log.Start();

  // Ratings: the policies, the writer every repository re-rates through, the
  // cache and change feed it reports to, and the daily roll.
  std::unique_ptr<Clock> date_file_clock;
  const Clock* clock = SystemClock();
  if (!absl::GetFlag(FLAGS_today_file).empty()) {
    date_file_clock = std::make_unique<DateFileClock>(absl::GetFlag(FLAGS_today_file));
    clock = date_file_clock.get();
    LogWarning(absl::StrCat("today's date comes from ", absl::GetFlag(FLAGS_today_file),
                            " (--today_file): for tests and drills only"));
  }
  auto catalog = scoring::LoadPolicyCatalog(absl::GetFlag(FLAGS_policy_dir));
  if (!catalog.ok()) {
    LogError(absl::StrCat("cannot load the rating policies from ",
                          absl::GetFlag(FLAGS_policy_dir), ": ",
                          catalog.status().ToString()));
    return 2;
  }
  domain::RatingCalculator calculator(&*catalog);
  storage::RatingWriter rating_writer(&calculator, clock);
  storage::MysqlRatingRepository rating_store(database->get(), &rating_writer);
  ratings::RatingCache rating_cache;
  ratings::ChangeFeedOptions feed_options;
  feed_options.poll_interval = absl::Milliseconds(absl::GetFlag(FLAGS_feed_poll_ms));
  ratings::RecordsCache records_cache(
      static_cast<size_t>(std::max(0, absl::GetFlag(FLAGS_records_cache_mb))) << 20);
  ratings::ChangeFeed feed(&rating_store, &rating_cache, feed_options);
  feed.set_records_cache(&records_cache);
  rating_writer.set_listener(&feed);
  ratings::DailyRollOptions roll_options;
  roll_options.feed_retention = absl::Hours(24 * absl::GetFlag(FLAGS_feed_retention_days));
  ratings::DailyRoll daily_roll(&rating_store, &rating_store, clock, roll_options);

  storage::MysqlEnterpriseRepository enterprises(database->get(), &rating_writer);
  api::EnterpriseService enterprise_service(&access, &enterprises, &audit_log);
  storage::MysqlRecordRepository records(database->get(), &rating_writer);
  api::RecordService record_service(&access, &records, &audit_log, clock);
  api::RatingServiceOptions rating_options;
  rating_options.watch.queue_events =
      static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_watch_queue_events)));
  rating_options.watch_workers = std::max(1, absl::GetFlag(FLAGS_watch_workers));
  storage::MysqlListRepository lists(database->get(), &rating_writer);
  api::PeerRateLimiterOptions lookup_limits;
  lookup_limits.per_second = absl::GetFlag(FLAGS_public_lookups_per_peer_per_second);
  lookup_limits.burst = absl::GetFlag(FLAGS_public_lookups_per_peer_burst);
  api::PeerRateLimiter lookup_limiter(lookup_limits, "PUBLIC_LOOKUP_LIMITED");
  api::RatingService rating_service(&access, &rating_store, &rating_cache, &records_cache,
                                    &feed, &calculator, &audit_log, clock,
                                    {&enterprises, &lists, &lookup_limiter}, rating_options);
  api::ListService list_service(&access, &lists, &audit_log, clock);
  api::AuditService audit_service(&access, &audit_log);
  api::TokenService token_service(&access, &tokens, &audit_log);

  // Calls are refused (UNAVAILABLE, SERVER_STARTING) until the ratings are
  // in memory; the server listens meanwhile, so liveness can be asked.
  access.SetReady(false);
  api::InstallProtobufLogCapture();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), *credentials, &port);
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.RegisterService(&enterprise_service);
  builder.RegisterService(&record_service);
  builder.RegisterService(&rating_service);
  builder.RegisterService(&list_service);
  builder.RegisterService(&audit_service);
  builder.RegisterService(&token_service);
  api::HealthService health;  // gRPC's own is a callback service: health_service.h
  builder.RegisterService(&health);
  // Readiness is "" and each service by its full name, as health probes
  // and load balancers ask; liveness is the one name outside that set.
  const std::vector<std::string> readiness_names = {
      "",
      envcredit::v1::EnterpriseService::service_full_name(),
      envcredit::v1::RecordService::service_full_name(),
      envcredit::v1::AuditService::service_full_name(),
      envcredit::v1::RatingService::service_full_name(),
      envcredit::v1::ListService::service_full_name(),
      envcredit::v1::TokenService::service_full_name(),
  };
  for (const std::string& name : readiness_names) health.Set(name, false);  // not yet
  health.Set(kLivenessService, true);  // liveness: from the first call
  // Reflection v1 beside Debian's v1alpha (reflection_v1_service.h).
  std::vector<std::string> served(readiness_names.begin() + 1, readiness_names.end());
  served.insert(served.end(), {grpc::health::v1::Health::service_full_name(),
                               "grpc.reflection.v1alpha.ServerReflection",
                               grpc::reflection::v1::ServerReflection::service_full_name()});
  api::ReflectionV1Service reflection_v1(served);
  builder.RegisterService(&reflection_v1);
  api::CallStats call_stats(MethodPaths(served));
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  auto access_log_interceptors =
      std::make_unique<api::AccessLogInterceptorFactory>(&access, &audit_log, &access_log);
  // No endpoint, nothing to count (and the serving benchmark can compare).
  if (!absl::GetFlag(FLAGS_metrics_listen).empty()) {
    access_log_interceptors->set_call_stats(&call_stats);
  }
  interceptors.push_back(std::move(access_log_interceptors));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  // WatchRatingChanges' queue: registered, never waited on (watch_calls.h).
  std::unique_ptr<grpc::ServerCompletionQueue> watch_queue =
      builder.AddCompletionQueue(/*is_frequently_polled=*/false);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    LogError(absl::StrCat("cannot listen on ", absl::GetFlag(FLAGS_listen)));
    return 1;
  }
  rating_service.ServeWatches(watch_queue.get());
  const std::string host = absl::GetFlag(FLAGS_listen).substr(
      0, absl::GetFlag(FLAGS_listen).rfind(':'));
  // Readiness: "" and every service. Liveness stays SERVING whatever the
  // database does (an outage is not a reason to restart the process).
  std::atomic<bool> ready_now{false};
  const auto set_ready = [&health, &readiness_names, &ready_now](bool ready) {
    for (const std::string& name : readiness_names) health.Set(name, ready);
    health.Set(kLivenessService, true);
    ready_now = ready;
  };
  set_ready(false);

  // Metrics from the start, so a slow start-up can be watched too.
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint;
  if (const std::string listen = absl::GetFlag(FLAGS_metrics_listen); !listen.empty()) {
    auto started = metrics::MetricsEndpoint::Start(
        listen, &call_stats,
        ServerFamilies({database->get(), &feed, &rating_cache, &records_cache, &ready_now,
                        *version}));
    if (started.ok()) {
      metrics_endpoint = *std::move(started);
      LogInfo(absl::StrCat("metrics on http://", listen.substr(0, listen.rfind(':')), ":",
                           metrics_endpoint->port(), "/metrics"));
      WritePortFile(absl::GetFlag(FLAGS_metrics_port_file), metrics_endpoint->port());
    } else if (const absl::CommandLineFlag* flag = absl::FindCommandLineFlag("metrics_listen");
               flag->CurrentValue() != flag->DefaultValue()) {
      LogError(std::string(started.status().message()));
      return 1;
    } else {
      LogWarning(absl::StrCat(started.status().message(),
                              "; running without metrics (set --metrics_listen)"));
    }
  }
  LogInfo(absl::StrCat("envcredit-server listening on ", host, ":", port,
                       " (schema version ", *version, "); starting"));
  WritePortFile(absl::GetFlag(FLAGS_listening_file), port);

  // Start-up work that may take minutes at a province's scale; a stop asked
  // for meanwhile ends it between two pages.
  const auto stopped_while_starting = [&]() {
    feed.Stop();
    server->Shutdown(absl::ToChronoTime(absl::Now()));
    server->Wait();
    rating_service.StopWatches();
    access_log.Stop();
    denials.Stop();
    LogInfo("stopped while starting");
    return 0;
  };
  // Pages of 5,000, as `ratings rescore --all` asks for: a page's slices
  // are shared by the bulk job's threads, and each page ends with a wait for
  // its slowest one (doc/ratings.md §6).
  auto rated = rating_store.BackfillMissing(5000, [&stop] { return stop.requested(); });
  if (!rated.ok()) {
    LogError(absl::StrCat("cannot rate enterprises that have no rating: ",
                          rated.status().ToString()));
    return 1;
  }
  if (*rated > 0) LogInfo(absl::StrCat("rated ", *rated, " enterprises that had no rating"));
  if (stop.requested()) return stopped_while_starting();
  if (absl::Status started = feed.Start(); !started.ok()) {
    LogError(absl::StrCat("cannot load ratings: ", started.ToString()));
    return 1;
  }
  LogInfo(absl::StrCat(rating_cache.size(), " ratings in memory; change feed at cursor ",
                       feed.latest()));
  if (stop.requested()) return stopped_while_starting();
  daily_roll.Start();
  access.SetReady(true);
  set_ready(true);
  LogInfo("ready");
  WritePortFile(absl::GetFlag(FLAGS_port_file), port);

  // The records cache fills while the server serves (a miss reads the
  // database meanwhile); a stop ends the fill between two pages.
  std::thread records_fill([&] {
    if (records_cache.budget() == 0) return;
    const absl::Time started = absl::Now();
    auto filled = ratings::FillRecordsCache(
        rating_store, records_cache, [&feed] { return feed.latest(); },
        [&stop] { return stop.requested(); });
    if (!filled.ok()) {
      LogWarning(absl::StrCat("records cache: fill stopped: ", filled.status().ToString(),
                              " (as-of ratings of the rest read the database)"));
      return;
    }
    LogInfo(absl::StrCat("records cache: ", filled->enterprises, " enterprises, ",
                         records_cache.bytes() >> 20, " MiB in ",
                         absl::FormatDuration(absl::Trunc(absl::Now() - started,
                                                          absl::Milliseconds(1))),
                         filled->full ? "; the budget (--records_cache_mb) is spent: "
                                        "as-of ratings of the rest read the database"
                                      : ""));
  });

  // Health follows the database: NOT_SERVING (one line saying why) when the
  // probe, a connection attempt or a statement finds it unreachable, SERVING
  // (one line) when the probe gets an answer again.
  (*database)->StartProbe(
      absl::Milliseconds(std::max(50, absl::GetFlag(FLAGS_db_probe_interval_ms))),
      [set_ready](bool reachable, const std::string& why) {
        set_ready(reachable);
        if (reachable) {
          LogInfo(absl::StrCat(why, "; health SERVING"));
        } else {
          LogError(absl::StrCat(why, "; health NOT_SERVING"));
        }
      });

  stop.Await();
  records_fill.join();  // ends between two pages once a stop is asked for
  (*database)->StopProbe();  // it must not turn health SERVING again
  health.Shutdown();  // liveness too: the process is ending
  // Watchers end first (UNAVAILABLE, with the cursor to resume after): the
  // feed tells every watch to finish, so the drain below waits only for
  // unary calls (and for watches whose client stopped reading, until the
  // grace period cancels them).
  feed.Stop();
  daily_roll.Stop();
  server->Shutdown(absl::ToChronoTime(
      absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds))));
  server->Wait();
  rating_service.StopWatches();  // after the server's Shutdown, as gRPC wants
  access_log.Stop();  // every access line of the drained calls, written
  denials.Stop();     // the last summaries
  LogInfo("stopped");
  return 0;
}

}  // namespace
}  // namespace envcredit

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts: every thread inherits
  // the mask, so only the sigwait in AwaitStopSignal receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::SetProgramUsageMessage(
      "envcredit-server: the envcredit gRPC server.\n"
      "  envcredit-server --listen=127.0.0.1:50051 --db_create\n"
      "  envcredit-server --migrate-only");
  // --version prints the project version and commit; --help the server's
  // own flags (Abseil's default lists only those of the file with main, and
  // --helpfull every library's too).
  absl::FlagsUsageConfig usage;
  usage.version_string = [] { return envcredit::VersionText() + "\n"; };
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "server/");
  };
  absl::SetFlagsUsageConfig(usage);
  envcredit::NormalizeFlagNames(argc, argv);
  absl::ParseCommandLine(argc, argv);
  return envcredit::Run();
}
