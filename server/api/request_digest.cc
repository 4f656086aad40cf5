#include "server/api/request_digest.h"

#include <cstdint>

#include <openssl/sha.h>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"

namespace envcredit::api {

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
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
  const auto* field = request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr || !request.GetReflection()->HasField(request, field)) {
    return Sha256(bytes);
  }
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
        field->number()) {
      kept.append(bytes, start, in.CurrentPosition() - start);
    }
  }
  return Sha256(kept);
}

}  // namespace envcredit::api
