// The largest page any port reads at once: every `limit` argument of a
// repository's page read is 1..kMaxPageLimit. The API layer resolves the
// page sizes clients ask for to at most this (api::ResolvePageSize);
// storage refuses anything else as a programming error.
#ifndef ENVCREDIT_SERVER_DOMAIN_PAGE_LIMIT_H_
#define ENVCREDIT_SERVER_DOMAIN_PAGE_LIMIT_H_

namespace envcredit::domain {

inline constexpr int kMaxPageLimit = 1000;

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_PAGE_LIMIT_H_
