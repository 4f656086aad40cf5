// One call of any method with the request as raw bytes (grpc::GenericStub),
// whatever the method's types: the bad-input suite sends bytes no generated
// stub would, and a server-streaming method answers its first message or its
// error.
#ifndef ENVCREDIT_TESTS_E2E_RAW_CALL_H_
#define ENVCREDIT_TESTS_E2E_RAW_CALL_H_

#include <chrono>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace envcredit::testing {

struct Reply {
  grpc::Status status;
  std::string body;  // the response message's bytes, when OK
};

Reply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
              const std::string& request,
              std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_E2E_RAW_CALL_H_
