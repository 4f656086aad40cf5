#include "tests/e2e/test_certificates.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace envcredit::testing {

absl::Status MakeTestCertificates(const std::string& dir) {
  const std::string script = absl::StrCat(
      "set -e; mkdir -p '", dir, "'; cd '", dir, "'; ",
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca "
      "-keyout ca.key -out ca.pem 2>/dev/null; ",
      "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost "
      "-keyout server.key -out server.csr 2>/dev/null; ",
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1' > san.ext; ",
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key "
      "-CAcreateserial -days 1 -extfile san.ext -out server.pem 2>/dev/null; ",
      "openssl req -newkey rsa:2048 -nodes -subj /CN=bank-client "
      "-keyout client.key -out client.csr 2>/dev/null; ",
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key "
      "-CAcreateserial -days 1 -out client.pem 2>/dev/null");
  if (std::system(script.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("openssl could not make certificates in ", dir));
  }
  return absl::OkStatus();
}

}  // namespace envcredit::testing
