// envcredit-admin: the command-line client of envcredit-server. All logic is
// in envcredit_admin_lib (cli.h); this only wires the process to it.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "admin-cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  envcredit::admin::CliEnvironment env;
  env.out = &std::cout;
  env.err = &std::cerr;
  env.err_is_terminal = isatty(STDERR_FILENO) == 1;
  const char* server = std::getenv(envcredit::admin::kServerEnvVar.data());
  env.env_server = server == nullptr ? "" : server;
  const char* token = std::getenv(envcredit::admin::kTokenEnvVar.data());
  env.env_token = token == nullptr ? "" : token;
  const char* token_file =
      std::getenv(envcredit::admin::kTokenFileEnvVar.data());
  env.env_token_file = token_file == nullptr ? "" : token_file;
  auto getenv_or_empty = [](absl::string_view name) {
    const char* value = std::getenv(std::string(name).c_str());
    return std::string(value == nullptr ? "" : value);
  };
  env.env_ca_file = getenv_or_empty(envcredit::admin::kCaFileEnvVar);
  env.env_cert_file = getenv_or_empty(envcredit::admin::kCertFileEnvVar);
  env.env_key_file = getenv_or_empty(envcredit::admin::kKeyFileEnvVar);
  env.make_client = [](const envcredit::admin::GlobalOptions& global) {
    return envcredit::admin::NewGrpcEnterpriseClient(envcredit::admin::ConnectionOf(global));
  };
  env.make_record_client = [](const envcredit::admin::GlobalOptions& global) {
    return envcredit::admin::NewGrpcRecordClient(envcredit::admin::ConnectionOf(global));
  };
  env.make_audit_client = [](const envcredit::admin::GlobalOptions& global) {
    return envcredit::admin::NewGrpcAuditClient(envcredit::admin::ConnectionOf(global));
  };
  env.make_token_client = [](const envcredit::admin::GlobalOptions& global) {
    return envcredit::admin::NewGrpcTokenClient(envcredit::admin::ConnectionOf(global));
  };
  env.make_rating_client = [](const envcredit::admin::GlobalOptions& global) {
    return envcredit::admin::NewGrpcRatingClient(envcredit::admin::ConnectionOf(global));
  };
  env.make_list_client = [](const envcredit::admin::GlobalOptions& global) {
    return envcredit::admin::NewGrpcListClient(envcredit::admin::ConnectionOf(global));
  };
  return envcredit::admin::RunCli(
      std::vector<std::string>(argv + 1, argv + argc), env);
}
