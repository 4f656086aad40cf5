// Digests of requests, for idempotent retries and page tokens.
#ifndef ENVCREDIT_SERVER_API_REQUEST_DIGEST_H_
#define ENVCREDIT_SERVER_API_REQUEST_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace envcredit::api {

// Raw SHA-256 (32 bytes) of `data`.
std::string Sha256(absl::string_view data);

// SHA-256 of the deterministic serialisation of `request` with its
// `request_id` field cleared: two sends of the same request agree, a
// changed field does not.
std::string RequestFingerprint(const google::protobuf::Message& request);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_REQUEST_DIGEST_H_
