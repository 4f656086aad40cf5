#include "server/api/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "server/api/request_digest.h"

namespace envcredit::api {
namespace {

// Format: "1" version byte, 8 bytes of SHA-256(filter_key), the last key;
// then web-safe base64 without padding.
constexpr char kVersion = '1';
constexpr size_t kDigestBytes = 8;
constexpr size_t kMaxKeyBytes = 64;

absl::Status Malformed(absl::string_view why) {
  return InvalidArgument("page_token", "INVALID_PAGE_TOKEN",
                         absl::StrCat("page_token: ", why));
}

}  // namespace

std::string EncodePageToken(absl::string_view last_key,
                            absl::string_view filter_key) {
  std::string raw(1, kVersion);
  raw += Sha256(filter_key).substr(0, kDigestBytes);
  raw.append(last_key.data(), last_key.size());
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view filter_key) {
  if (token.empty()) return std::string();
  std::string raw;
  if (token.size() > 2 * kMaxKeyBytes ||
      !absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 2 + kDigestBytes ||
      raw[0] != kVersion) {
    return Malformed("not a token this server issued");
  }
  if (raw.compare(1, kDigestBytes, Sha256(filter_key), 0, kDigestBytes) != 0) {
    return Malformed("was issued for a request with other filters");
  }
  std::string key = raw.substr(1 + kDigestBytes);
  // The characters of the keys this server issues: credit codes, decimal ids
  // and RescoreRatings' "last/total/done".
  for (char c : key) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '/')) {
      return Malformed("not a token this server issued");
    }
  }
  return key;
}

}  // namespace envcredit::api
