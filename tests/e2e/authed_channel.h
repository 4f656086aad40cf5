// A channel whose every call carries `authorization: Bearer <token>`, as an
// integrator's client would send it. Plain text: for the server's loopback
// (local credentials) listener.
#ifndef ENVCREDIT_TESTS_E2E_AUTHED_CHANNEL_H_
#define ENVCREDIT_TESTS_E2E_AUTHED_CHANNEL_H_

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace envcredit::testing {

// `token` "" sends no authorization at all. `args` for a test that tunes the
// channel (e.g. a small HTTP/2 window).
std::shared_ptr<grpc::Channel> AuthedChannel(
    const std::string& address, const std::string& token,
    std::shared_ptr<grpc::ChannelCredentials> credentials =
        grpc::InsecureChannelCredentials(),
    const grpc::ChannelArguments& args = grpc::ChannelArguments());

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_E2E_AUTHED_CHANNEL_H_
