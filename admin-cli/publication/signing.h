// Ed25519 signatures and SHA-256 digests for published list folders
// (doc/publication-folder.md), on OpenSSL's libcrypto EVP API. Keys are PEM
// text: the private key as unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), the
// public key as SubjectPublicKeyInfo ("BEGIN PUBLIC KEY") — exactly what
// `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write, so
// a folder can be checked by hand with the openssl command.
//
// Ed25519 (RFC 8032, "PureEdDSA") is deterministic: the same key and message
// always give the same 64-byte signature, which is what makes an export
// byte-for-byte reproducible. Every function here is thread-safe (no state).
// No gRPC and no I/O except the key files of WriteKeyPairFiles.
#ifndef ENVCREDIT_ADMIN_CLI_PUBLICATION_SIGNING_H_
#define ENVCREDIT_ADMIN_CLI_PUBLICATION_SIGNING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace envcredit::admin {

// An Ed25519 signature is always this many bytes.
inline constexpr size_t kEd25519SignatureBytes = 64;

// The SHA-256 of `data` as 64 lower-case hex digits (what sha256sum prints).
std::string Sha256Hex(absl::string_view data);

struct Ed25519KeyPair {
  std::string private_pem;  // PKCS#8, unencrypted
  std::string public_pem;   // SubjectPublicKeyInfo
};

// A fresh key pair from OpenSSL's random generator. INTERNAL (with
// OpenSSL's message) if key generation fails.
absl::StatusOr<Ed25519KeyPair> GenerateEd25519KeyPair();

// The PEM public key that belongs to a PEM private key. INVALID_ARGUMENT when
// `private_pem` is not an unencrypted Ed25519 private key.
absl::StatusOr<std::string> PublicKeyPem(absl::string_view private_pem);

// The raw 64-byte Ed25519 signature of `message`. INVALID_ARGUMENT when
// `private_pem` is not an unencrypted Ed25519 private key (an encrypted key
// is refused; no passphrase is ever asked for), INTERNAL when signing fails.
absl::StatusOr<std::string> SignEd25519(absl::string_view private_pem,
                                        absl::string_view message);

// Whether `signature` (raw bytes) is a valid Ed25519 signature of `message`
// under `public_pem`. false for a wrong signature, a wrong key or a signature
// of the wrong length; INVALID_ARGUMENT only when `public_pem` is not an
// Ed25519 public key at all.
absl::StatusOr<bool> VerifyEd25519(absl::string_view public_pem,
                                   absl::string_view message,
                                   absl::string_view signature);

// Writes a fresh key pair as DIR/NAME.key.pem (mode 0600) and
// DIR/NAME.pub.pem (mode 0644), creating DIR (mode 0700) when it does not
// exist. Never overwrites: ALREADY_EXISTS naming the file when either file
// exists (then nothing is written). INVALID_ARGUMENT for a NAME that is
// empty or holds '/'; another error naming the path when a file cannot be
// written (a half-written pair is removed).
absl::StatusOr<Ed25519KeyPair> WriteKeyPairFiles(const std::string& dir,
                                                 const std::string& name);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_PUBLICATION_SIGNING_H_
