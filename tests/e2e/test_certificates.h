// A throw-away certificate authority for TLS tests, made with openssl:
// ca.pem / ca.key, a server certificate for localhost and 127.0.0.1
// (server.pem / server.key) and a client certificate (client.pem /
// client.key), valid for a day, in `dir` (created).
#ifndef ENVCREDIT_TESTS_E2E_TEST_CERTIFICATES_H_
#define ENVCREDIT_TESTS_E2E_TEST_CERTIFICATES_H_

#include <string>

#include "absl/status/status.h"

namespace envcredit::testing {

absl::Status MakeTestCertificates(const std::string& dir);

}  // namespace envcredit::testing

#endif  // ENVCREDIT_TESTS_E2E_TEST_CERTIFICATES_H_
