// envcredit-server: the gRPC server and the only owner of the database.
//
// Startup: read flags, open the database pool, apply migrations (refusing a
// database newer than this binary), build the services, turn on health
// checking and reflection, serve. SIGTERM or SIGINT stops accepting calls,
// lets calls in flight finish within --shutdown_grace_seconds, and exits 0.
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "server/api/access_log.h"
#include "server/api/enterprise_service.h"
#include "server/api/malformed_request.h"
#include "server/storage/database.h"
#include "server/storage/db_config.h"
#include "server/storage/migrations.h"
#include "server/storage/mysql_enterprise_repository.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "address to serve on; port 0 picks a free port (see --port_file)");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound port to this file once serving");
ABSL_FLAG(std::string, db_host, "",
          "database host (default $ENVCREDIT_DB_HOST, else 127.0.0.1)");
ABSL_FLAG(int, db_port, 0, "database port (default $ENVCREDIT_DB_PORT, else 3306)");
ABSL_FLAG(std::string, db_user, "",
          "database user (default $ENVCREDIT_DB_USER, else root); the "
          "password is read from $ENVCREDIT_DB_PASSWORD only, never a flag");
ABSL_FLAG(std::string, db_name, "",
          "database (schema) name (default $ENVCREDIT_DB_NAME, else envcredit)");
ABSL_FLAG(bool, db_create, false,
          "create the database when it does not exist (demo and tests)");
ABSL_FLAG(int, db_pool_size, 8, "database connections at most");
ABSL_FLAG(std::string, policy_dir, "policies", "folder of rating policy files");
ABSL_FLAG(bool, migrate_only, false,
          "apply schema migrations, print the schema version and exit");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "on SIGTERM, how long calls in flight may take to finish");

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
  if (!absl::GetFlag(FLAGS_db_user).empty()) config.user = absl::GetFlag(FLAGS_db_user);
  if (!absl::GetFlag(FLAGS_db_name).empty()) config.database = absl::GetFlag(FLAGS_db_name);
  config.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  config.create_database_if_missing = absl::GetFlag(FLAGS_db_create);
  RETURN_IF_ERROR(storage::ValidateDbConfig(config));
  return config;
}

// Waits for SIGTERM/SIGINT (blocked in every thread, so only sigwait sees
// them); meanwhile reports the database's health every second.
void AwaitStopSignal(storage::Database& database,
                     grpc::HealthCheckServiceInterface* health) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  bool serving = true;
  for (;;) {
    timespec timeout{1, 0};
    int signal = sigtimedwait(&signals, nullptr, &timeout);
    if (signal == SIGTERM || signal == SIGINT) {
      LogInfo(absl::StrCat("received ", signal == SIGTERM ? "SIGTERM" : "SIGINT",
                           "; draining"));
      return;
    }
    bool healthy = database.Ping().ok();
    if (healthy != serving) {
      serving = healthy;
      health->SetServingStatus(serving);
      LogWarning(serving ? "database reachable again; health SERVING"
                         : "database unreachable; health NOT_SERVING");
    }
  }
}

int Run() {
  absl::StatusOr<storage::DbConfig> config = DbConfigFromFlags();
  if (!config.ok()) {
    LogError(absl::StrCat("bad database settings: ", config.status().message()));
    return 2;
  }
  const storage::DbConfig& db_config = *config;
  auto database = storage::Database::Open(db_config);
  if (!database.ok()) {
    LogError(absl::StrCat("cannot open the database at ", db_config.host, ":",
                          db_config.port, ": ", database.status().ToString()));
    return 1;
  }
  auto version = storage::Migrate(**database);
  if (!version.ok()) {
    LogError(absl::StrCat("cannot prepare the database at ", db_config.host, ":",
                          db_config.port, "/", db_config.database,
                          ": schema migration failed: ",
                          version.status().ToString()));
    return 1;
  }
  LogInfo(absl::StrCat("database ", db_config.host, ":", db_config.port, "/",
                       db_config.database, " at schema version ", *version));
  if (absl::GetFlag(FLAGS_migrate_only)) return 0;

  storage::MysqlEnterpriseRepository enterprises(database->get());
  api::EnterpriseService enterprise_service(&enterprises);

  api::InstallProtobufLogCapture();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&enterprise_service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(std::make_unique<api::AccessLogInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    LogError(absl::StrCat("cannot listen on ", absl::GetFlag(FLAGS_listen)));
    return 1;
  }
  const std::string host = absl::GetFlag(FLAGS_listen).substr(
      0, absl::GetFlag(FLAGS_listen).rfind(':'));
  LogInfo(absl::StrCat("envcredit-server listening on ", host, ":", port,
                       " (schema version ", *version, ")"));
  if (const std::string path = absl::GetFlag(FLAGS_port_file); !path.empty()) {
    // Write then rename, so a reader never sees a half-written file.
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::rename(tmp.c_str(), path.c_str());
  }

  AwaitStopSignal(**database, server->GetHealthCheckService());
  server->GetHealthCheckService()->SetServingStatus(false);
  server->Shutdown(absl::ToChronoTime(
      absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds))));
  server->Wait();
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
  envcredit::NormalizeFlagNames(argc, argv);
  absl::ParseCommandLine(argc, argv);
  return envcredit::Run();
}
