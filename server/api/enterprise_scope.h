// Row-level access of ENTERPRISE callers, in one place (doc/access.md "The
// enterprise's own token"). The role table (access_control.cc) says which
// methods an ENTERPRISE token may call at all; this says, for each of them,
// which fields of the request name an enterprise, and the check refuses a
// request that names any enterprise but the token's own. ServiceGuard::Admit
// runs it, so a handler never sees a request for another enterprise's data.
//
// Requests are read with the same parsers the handlers use, so a name the
// check cannot read is one the handler would refuse too: the answer is the
// parser's INVALID_ARGUMENT, and nothing is read. A collection across
// enterprises (ListEnterprises, ListRatings, the feed) is not in the role
// table for ENTERPRISE at all; a method that is allowed to it but lacks a
// rule here is denied (the e2e role matrix calls every one).
//
// Thread-safety: pure functions over immutable tables.
#ifndef ENVCREDIT_SERVER_API_ENTERPRISE_SCOPE_H_
#define ENVCREDIT_SERVER_API_ENTERPRISE_SCOPE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace envcredit::api {

// OK when `request` to `method` ("/envcredit.v1.RatingService/GetRating")
// names no enterprise other than `own_credit_code`. PERMISSION_DENIED
// (reason NOT_OWN_ENTERPRISE, the field that names another) otherwise;
// PERMISSION_DENIED (METHOD_NOT_ALLOWED) for a method without a rule;
// INVALID_ARGUMENT from the method's parser for a name it cannot read.
absl::Status CheckEnterpriseScope(absl::string_view method,
                                  const google::protobuf::Message& request,
                                  absl::string_view own_credit_code);

// The methods with a rule, sorted (tests compare them with the role table).
std::vector<std::string> EnterpriseScopedMethods();

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_ENTERPRISE_SCOPE_H_
