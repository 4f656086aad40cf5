// Fuzzes the opaque page tokens (server/api/page_token.h).
//
// Input: FILTER_KEY "\n" REST. REST is tried as a token a client sent back
// and, when it looks like a key the server puts in tokens, as a key.
//
// Properties, besides "no crash, no sanitizer report":
//  - every refusal is INVALID_ARGUMENT, field page_token, reason
//    INVALID_PAGE_TOKEN;
//  - a token that decodes gives a non-empty key of the characters the server
//    issues, and that key encodes to a token that decodes to it again;
//  - DecodePageToken(EncodePageToken(k, f), f) == k for every key k the
//    server issues: 1 to 64 characters of 0-9, A-Z and '/' (credit codes,
//    decimal ids and the rescore token's "last/total/done");
//  - such a token is refused for any other filter key.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "fuzz/fuzz_check.h"
#include "server/api/page_token.h"

namespace {

using ::envcredit::api::DecodePageToken;
using ::envcredit::api::EncodePageToken;
using ::envcredit::fuzz::Quote;

bool IsIssuedKeyChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '/';
}

bool IsIssuedKey(absl::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key) {
    if (!IsIssuedKeyChar(c)) return false;
  }
  return true;
}

void CheckRefusal(const absl::Status& status, absl::string_view what) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument &&
                 envcredit::ErrorField(status) == "page_token" &&
                 envcredit::ErrorReason(status) == "INVALID_PAGE_TOKEN",
             absl::StrCat(what, ": ", status.ToString()));
}

void CheckRoundTrip(absl::string_view key, absl::string_view filter) {
  const std::string token = EncodePageToken(key, filter);
  absl::StatusOr<std::string> decoded = DecodePageToken(token, filter);
  FUZZ_CHECK(
      decoded.ok() && *decoded == key,
      absl::StrCat(
          "key ", Quote(key), " filter ", Quote(filter), " token ", token, ": ",
          decoded.ok() ? Quote(*decoded) : decoded.status().ToString()));
  const std::string other_filter = absl::StrCat(filter, "|other");
  absl::StatusOr<std::string> elsewhere = DecodePageToken(token, other_filter);
  FUZZ_CHECK(!elsewhere.ok(), absl::StrCat("token ", token, " accepted for ",
                                           Quote(other_filter)));
  CheckRefusal(elsewhere.status(), token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const absl::string_view filter =
      newline == absl::string_view::npos ? "" : input.substr(0, newline);
  const absl::string_view rest =
      newline == absl::string_view::npos ? input : input.substr(newline + 1);

  absl::StatusOr<std::string> key = DecodePageToken(rest, filter);
  if (key.ok()) {
    if (rest.empty()) {
      FUZZ_CHECK(key->empty(), Quote(*key));
    } else {
      FUZZ_CHECK(!key->empty(), Quote(rest));
      for (char c : *key) {
        FUZZ_CHECK(IsIssuedKeyChar(c),
                   absl::StrCat(Quote(rest), " -> ", Quote(*key)));
      }
      CheckRoundTrip(*key, filter);
    }
  } else {
    CheckRefusal(key.status(), Quote(rest));
  }

  if (IsIssuedKey(rest)) CheckRoundTrip(rest, filter);
  return 0;
}
