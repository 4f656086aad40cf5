// Fuzzes the credit-code check (server/domain/uscc.h) with any bytes.
//
// Properties, besides "no crash, no sanitizer report":
//  - a refusal is INVALID_ARGUMENT with reason INVALID_CREDIT_CODE and the
//    field it was given;
//  - an accepted code is 18 characters of the GB 32100 alphabet with digits
//    at positions 3-8, and MakeUscc of its three parts builds it again (both
//    check characters agree with UsccCheckCharacter and
//    OrganizationCodeCheckCharacter);
//  - the check detects every single-character substitution and every swap of
//    two different neighbours in positions 1-17 (what a mod-31 check with
//    weights 3^i promises);
//  - MakeUscc of the first 16 bytes succeeds exactly when those bytes are
//    valid parts (alphabet, region digits), and what it builds is accepted.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "fuzz/fuzz_check.h"
#include "server/domain/uscc.h"

namespace {

using ::envcredit::domain::MakeUscc;
using ::envcredit::domain::OrganizationCodeCheckCharacter;
using ::envcredit::domain::RegionOfUscc;
using ::envcredit::domain::UsccCheckCharacter;
using ::envcredit::domain::ValidateUscc;
using ::envcredit::fuzz::Quote;

constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

bool InAlphabet(char c) { return kAlphabet.find(c) != absl::string_view::npos; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void CheckRefusal(const absl::Status& status, absl::string_view field,
                  absl::string_view input) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
             absl::StrCat(Quote(input), ": ", status.ToString()));
  FUZZ_CHECK(envcredit::ErrorReason(status) == "INVALID_CREDIT_CODE",
             absl::StrCat(Quote(input), ": ", status.ToString()));
  FUZZ_CHECK(envcredit::ErrorField(status) == field,
             absl::StrCat(Quote(input), ": ", status.ToString()));
}

void CheckAccepted(absl::string_view code) {
  FUZZ_CHECK(code.size() == 18, Quote(code));
  for (size_t i = 0; i < code.size(); ++i) {
    FUZZ_CHECK(InAlphabet(code[i]), Quote(code));
    if (i >= 2 && i < 8) FUZZ_CHECK(IsDigit(code[i]), Quote(code));
  }
  FUZZ_CHECK(RegionOfUscc(code) == code.substr(2, 6), Quote(code));
  absl::StatusOr<char> org = OrganizationCodeCheckCharacter(code.substr(8, 8));
  FUZZ_CHECK(org.ok() && *org == code[16], Quote(code));
  absl::StatusOr<char> check = UsccCheckCharacter(code.substr(0, 17));
  FUZZ_CHECK(check.ok() && *check == code[17], Quote(code));
  absl::StatusOr<std::string> rebuilt =
      MakeUscc(code.substr(0, 2), code.substr(2, 6), code.substr(8, 8));
  FUZZ_CHECK(rebuilt.ok() && *rebuilt == code, Quote(code));

  // Every substitution of one character by another of the alphabet.
  std::string changed(code);
  for (size_t i = 0; i < changed.size(); ++i) {
    for (char c : kAlphabet) {
      if (c == code[i]) continue;
      changed[i] = c;
      FUZZ_CHECK(!ValidateUscc(changed).ok(),
                 absl::StrCat(Quote(code), " with position ", i + 1, " = ",
                              std::string(1, c), " still valid"));
    }
    changed[i] = code[i];
  }
  // Every swap of two different neighbours among the first 17.
  for (size_t i = 0; i + 1 < 17; ++i) {
    if (code[i] == code[i + 1]) continue;
    std::swap(changed[i], changed[i + 1]);
    FUZZ_CHECK(!ValidateUscc(changed).ok(),
               absl::StrCat(Quote(code), " with positions ", i + 1, " and ",
                            i + 2, " swapped still valid"));
    std::swap(changed[i], changed[i + 1]);
  }
}

void CheckMake(absl::string_view input) {
  if (input.size() < 16) return;
  const absl::string_view prefix = input.substr(0, 2);
  const absl::string_view region = input.substr(2, 6);
  const absl::string_view body = input.substr(8, 8);
  bool valid_parts = true;
  for (char c : input.substr(0, 16)) valid_parts &= InAlphabet(c);
  for (char c : region) valid_parts &= IsDigit(c);
  absl::StatusOr<std::string> made = MakeUscc(prefix, region, body);
  FUZZ_CHECK(
      made.ok() == valid_parts,
      absl::StrCat(Quote(input.substr(0, 16)), ": ", made.status().ToString()));
  if (made.ok()) {
    FUZZ_CHECK(made->size() == 18 && absl::string_view(*made).substr(0, 16) ==
                                         input.substr(0, 16),
               Quote(*made));
    FUZZ_CHECK(ValidateUscc(*made).ok(), Quote(*made));
  } else {
    CheckRefusal(made.status(), "credit_code", input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::Status status = ValidateUscc(input, "enterprise.credit_code");
  if (status.ok()) {
    CheckAccepted(input);
  } else {
    CheckRefusal(status, "enterprise.credit_code", input);
  }
  CheckMake(input);
  return 0;
}
