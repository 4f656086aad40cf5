#include "server/api/request_digest.h"

#include <cstdint>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"

namespace envcredit::api {

namespace {

// OpenSSL 3's one-shot SHA256() looks the algorithm up by name on every
// call (a read lock and a hash-table probe: a third of the fingerprint's
// cost in a profile of a re-import, where a batch digests 1,000 items). The
// algorithm is fetched once and each thread keeps one context.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct DigestContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~DigestContext() { EVP_MD_CTX_free(ctx); }
};

// The field number of `request_id` in messages of `type` (0: none), looked
// up by name once per message type and thread.
int RequestIdFieldNumber(const google::protobuf::Descriptor* type) {
  thread_local const google::protobuf::Descriptor* last_type = nullptr;
  thread_local int last_number = 0;
  if (type != last_type) {
    const auto* field = type->FindFieldByName("request_id");
    last_number = field == nullptr ? 0 : field->number();
    last_type = type;
  }
  return last_number;
}

}  // namespace

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  thread_local DigestContext context;
  const EVP_MD* md = Sha256Algorithm();
  unsigned int size = 0;
  if (md == nullptr || context.ctx == nullptr ||
      EVP_DigestInit_ex2(context.ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, digest, &size) != 1) {
    // Not expected with the default provider; the one-shot path then.
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           digest);
  }
  return std::string(reinterpret_cast<char*>(digest), sizeof(digest));
}

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  // The digest is of the request without its request_id. Deterministic
  // serialisation writes the fields in number order, so dropping that
  // field's bytes gives exactly the bytes of a copy with the field cleared
  // (what the stored fingerprints were made from), without copying the
  // message: a batch fingerprints each of its 1,000 items.
  const int request_id_number = RequestIdFieldNumber(request.GetDescriptor());
  if (request_id_number == 0) return Sha256(bytes);
  std::string kept;
  kept.reserve(bytes.size());
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  for (;;) {
    const int start = in.CurrentPosition();
    const uint32_t tag = in.ReadTag();
    if (tag == 0) break;
    if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) break;
    if (google::protobuf::internal::WireFormatLite::GetTagFieldNumber(tag) !=
        request_id_number) {
      kept.append(bytes, start, in.CurrentPosition() - start);
    }
  }
  return Sha256(kept);
}

}  // namespace envcredit::api
