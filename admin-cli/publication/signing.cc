#include "admin-cli/publication/signing.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "admin-cli/base/files.h"

namespace envcredit::admin {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// The oldest error OpenSSL queued on this thread, and clears the queue.
std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

// Never asks for a passphrase (the default callback would read the
// terminal): an encrypted key simply fails to load.
int NoPassphrase(char*, int, int, void*) { return -1; }

Bio MemoryBio(absl::string_view data) {
  return Bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<Pkey> LoadPrivateKey(absl::string_view pem) {
  Bio bio = MemoryBio(pem);
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    const std::string error = OpenSslError();
    return absl::InvalidArgumentError(absl::StrCat(
        "not an unencrypted PEM private key",
        absl::StrContains(pem, "ENCRYPTED") ? " (it is encrypted)" : "", " (",
        error, ")"));
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("the private key is not an Ed25519 key");
  }
  return key;
}

absl::StatusOr<Pkey> LoadPublicKey(absl::string_view pem) {
  Bio bio = MemoryBio(pem);
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PEM public key (", OpenSslError(), ")"));
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("the public key is not an Ed25519 key");
  }
  return key;
}

absl::StatusOr<std::string> PublicPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return absl::InternalError(
        absl::StrCat("cannot write the public key: ", OpenSslError()));
  }
  return BioText(bio.get());
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(),
                 nullptr) != 1) {
    // Only on a broken libcrypto; an empty string never equals a digest.
    return "";
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), size));
}

absl::StatusOr<Ed25519KeyPair> GenerateEd25519KeyPair() {
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return absl::InternalError(
        absl::StrCat("cannot generate an Ed25519 key: ", OpenSslError()));
  }
  Pkey key(raw);
  Ed25519KeyPair pair;
  Bio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) != 1) {
    return absl::InternalError(
        absl::StrCat("cannot write the private key: ", OpenSslError()));
  }
  pair.private_pem = BioText(bio.get());
  absl::StatusOr<std::string> pub = PublicPem(key.get());
  if (!pub.ok()) return pub.status();
  pair.public_pem = *std::move(pub);
  return pair;
}

absl::StatusOr<std::string> PublicKeyPem(absl::string_view private_pem) {
  absl::StatusOr<Pkey> key = LoadPrivateKey(private_pem);
  if (!key.ok()) return key.status();
  return PublicPem(key->get());
}

absl::StatusOr<std::string> SignEd25519(absl::string_view private_pem,
                                        absl::string_view message) {
  absl::StatusOr<Pkey> key = LoadPrivateKey(private_pem);
  if (!key.ok()) return key.status();
  MdCtx ctx(EVP_MD_CTX_new());
  std::string signature(kEd25519SignatureBytes, '\0');
  size_t size = signature.size();
  // Ed25519 hashes internally: no digest is named (nullptr), and the message
  // is signed in one call (EVP_DigestSign, not Update/Final).
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&signature[0]),
                     &size,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      size != kEd25519SignatureBytes) {
    return absl::InternalError(absl::StrCat("cannot sign: ", OpenSslError()));
  }
  return signature;
}

absl::StatusOr<bool> VerifyEd25519(absl::string_view public_pem,
                                   absl::string_view message,
                                   absl::string_view signature) {
  absl::StatusOr<Pkey> key = LoadPublicKey(public_pem);
  if (!key.ok()) return key.status();
  if (signature.size() != kEd25519SignatureBytes) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  if (ctx == nullptr || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr,
                                             nullptr, key->get()) != 1) {
    return absl::InternalError(absl::StrCat("cannot verify: ", OpenSslError()));
  }
  const int result = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
      signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
      message.size());
  ERR_clear_error();  // a bad signature queues an error; it is an answer
  return result == 1;
}

absl::StatusOr<Ed25519KeyPair> WriteKeyPairFiles(const std::string& dir,
                                                 const std::string& name) {
  if (name.empty() || absl::StrContains(name, '/') || name == "." ||
      name == "..") {
    return absl::InvalidArgumentError(absl::StrCat(
        "the key name must be a file name without '/', not '", name, "'"));
  }
  if (dir.empty()) {
    return absl::InvalidArgumentError("the key directory must not be empty");
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return FileError("look at", dir, errno);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return FileError("create the directory", dir, errno);
    }
  } else if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " exists and is not a directory"));
  }
  const std::string key_path = absl::StrCat(dir, "/", name, ".key.pem");
  const std::string pub_path = absl::StrCat(dir, "/", name, ".pub.pem");
  for (const std::string& path : {key_path, pub_path}) {
    if (::lstat(path.c_str(), &st) == 0) {
      return absl::AlreadyExistsError(absl::StrCat(
          path,
          " already exists; keys are never overwritten (choose another "
          "--name or --out-dir)"));
    }
  }
  absl::StatusOr<Ed25519KeyPair> pair = GenerateEd25519KeyPair();
  if (!pair.ok()) return pair.status();
  absl::Status written = WriteNewFile(key_path, pair->private_pem, 0600);
  if (!written.ok()) return written;
  written = WriteNewFile(pub_path, pair->public_pem, 0644);
  if (!written.ok()) {
    ::unlink(key_path.c_str());
    return written;
  }
  return pair;
}

}  // namespace envcredit::admin
