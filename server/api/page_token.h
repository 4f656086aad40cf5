// Opaque page tokens for keyset pagination (AIP-158). A token carries the
// last key of the page it ends and a digest of the list's filters, so a
// token cannot be replayed against other filters. Tokens are not secret
// and need not be: a forged key only moves where the next page starts.
#ifndef ENVCREDIT_SERVER_API_PAGE_TOKEN_H_
#define ENVCREDIT_SERVER_API_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace envcredit::api {

// `filter_key` is any canonical text of the request's filters. `last_key`
// is 1 to 64 characters of 0-9, A-Z and '/' (DecodePageToken refuses others).
std::string EncodePageToken(absl::string_view last_key,
                            absl::string_view filter_key);

// The last key in `token`; "" for an empty token. INVALID_ARGUMENT (field
// page_token, reason INVALID_PAGE_TOKEN) when the token is malformed or was
// issued for other filters.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view filter_key);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_PAGE_TOKEN_H_
