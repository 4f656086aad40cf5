// Runs envcredit-admin in-process against a FakeEnterpriseClient and
// captures the exit code, stdout and stderr.
#ifndef ENVCREDIT_TESTS_CLI_CLI_RUNNER_H_
#define ENVCREDIT_TESTS_CLI_CLI_RUNNER_H_

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "admin-cli/cli.h"
#include "tests/cli/fake_enterprise_client.h"

namespace envcredit::admin::testing {

// Forwards to a fake the test keeps.
class ForwardingClient : public EnterpriseClient {
 public:
  explicit ForwardingClient(EnterpriseClient* target) : target_(target) {}
  grpc::Status Create(const std::string& id,
                      const v1::CreateEnterpriseRequest& r,
                      v1::Enterprise* e) override {
    return target_->Create(id, r, e);
  }
  grpc::Status Get(const std::string& id, const v1::GetEnterpriseRequest& r,
                   v1::Enterprise* e) override {
    return target_->Get(id, r, e);
  }
  grpc::Status List(const std::string& id, const v1::ListEnterprisesRequest& r,
                    v1::ListEnterprisesResponse* e) override {
    return target_->List(id, r, e);
  }
  grpc::Status Update(const std::string& id,
                      const v1::UpdateEnterpriseRequest& r,
                      v1::Enterprise* e) override {
    return target_->Update(id, r, e);
  }

 private:
  EnterpriseClient* target_;
};

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  GlobalOptions global;  // what the client was made with
};

inline CliResult RunWithFake(const std::vector<std::string>& args,
                             FakeEnterpriseClient& fake,
                             const std::string& env_server = "") {
  std::ostringstream out, err;
  CliResult result;
  CliEnvironment env;
  env.out = &out;
  env.err = &err;
  env.env_server = env_server;
  env.make_client = [&](const GlobalOptions& global) {
    result.global = global;
    return std::make_unique<ForwardingClient>(&fake);
  };
  result.exit_code = RunCli(args, env);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace envcredit::admin::testing

#endif  // ENVCREDIT_TESTS_CLI_CLI_RUNNER_H_
