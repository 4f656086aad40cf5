// Values in the server's key=value log lines (access log, denials). A value
// that a reader could mistake for more than one field — empty, or holding a
// space, '=', a quote, a backslash or a non-printable byte — is written in
// double quotes with C escapes, so `actor=evil actor=admin` can never appear:
// it reads `actor="evil actor=admin"`. Plain values (method names, codes)
// stay unquoted, as before.
#ifndef ENVCREDIT_SERVER_API_LOG_VALUE_H_
#define ENVCREDIT_SERVER_API_LOG_VALUE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace envcredit::api {

// `value` as one field value of a key=value log line (see above).
std::string LogValue(absl::string_view value);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_LOG_VALUE_H_
