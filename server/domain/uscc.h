// The unified social credit code (统一社会信用代码, GB 32100-2015): the
// 18-character key of every enterprise. Validation follows domain.md §5:
//
//   pos 1-2   registration authority and entity kind  (31-symbol alphabet)
//   pos 3-8   administrative division code            (digits)
//   pos 9-17  organisation code, GB 11714: 8 characters + check at pos 17
//   pos 18    GB 32100 mod-31 check character
//
// The alphabet is 0-9 and A-Z without I, O, S, V, Z. Lower-case input is
// refused (not folded): a credit code is printed upper case on every licence,
// and folding would make two spellings of one key.
#ifndef ENVCREDIT_SERVER_DOMAIN_USCC_H_
#define ENVCREDIT_SERVER_DOMAIN_USCC_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace envcredit::domain {

inline constexpr int kUsccLength = 18;

// OK when `code` is a valid USCC. Otherwise INVALID_ARGUMENT with reason
// INVALID_CREDIT_CODE, field `field`, and a message that says which part
// failed: the length, a character outside the alphabet (and its position),
// the region digits, the organisation-code check or the final check.
absl::Status ValidateUscc(absl::string_view code,
                          absl::string_view field = "credit_code");

// The GB 32100 check character (position 18) for the first 17 characters.
// INVALID_ARGUMENT if `first17` is not 17 characters of the alphabet.
absl::StatusOr<char> UsccCheckCharacter(absl::string_view first17);

// The GB 11714 check character (position 17) for the 8-character
// organisation-code body (positions 9-16). INVALID_ARGUMENT if `body8` is not
// 8 digits or upper-case letters.
absl::StatusOr<char> OrganizationCodeCheckCharacter(absl::string_view body8);

// Builds a valid USCC from its parts (used by the demo data generator and
// tests): 2 leading characters, 6 region digits, an 8-character
// organisation-code body. Fails as the two functions above do.
absl::StatusOr<std::string> MakeUscc(absl::string_view prefix2,
                                     absl::string_view region6,
                                     absl::string_view org_body8);

// Positions 3-8: the region code of the registering authority.
// Precondition: ValidateUscc(code).ok().
std::string RegionOfUscc(absl::string_view code);

}  // namespace envcredit::domain

#endif  // ENVCREDIT_SERVER_DOMAIN_USCC_H_
