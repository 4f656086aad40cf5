#include "server/domain/uscc.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace envcredit::domain {
namespace {

constexpr char kReason[] = "INVALID_CREDIT_CODE";

// GB 32100 alphabet, in value order: 0-9 then the 21 letters that remain
// after I, O, S, V, Z are removed. The index of a symbol is its value.
constexpr absl::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// W_i = 3^(i-1) mod 31 for positions 1..17 (domain.md §5.2).
constexpr std::array<int, 17> kUsccWeights = {
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// GB 11714 weights for the 8-character organisation-code body (§5.3).
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};

// Value of `c` in the GB 32100 alphabet, or -1.
int UsccValue(char c) {
  size_t pos = kUsccAlphabet.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

// Value of `c` in GB 11714: digits as themselves, A=10 ... Z=35 over the
// FULL Latin alphabet (unlike GB 32100: 'M' is 22 here, 21 there). -1 for
// anything else, lower case included.
int OrgValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

absl::Status Fail(absl::string_view field, absl::string_view message) {
  return InvalidArgument(field, kReason, absl::StrCat(field, ": ", message));
}

std::string Describe(char c) {
  if (c >= 0x21 && c < 0x7f) return absl::StrCat("'", std::string(1, c), "'");
  return absl::StrCat("byte 0x", absl::Hex(static_cast<unsigned char>(c)));
}

}  // namespace

absl::StatusOr<char> UsccCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) {
    return InvalidArgument("credit_code", kReason,
                           "need 17 characters to compute the check character");
  }
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    int value = UsccValue(first17[i]);
    if (value < 0) {
      return InvalidArgument("credit_code", kReason,
                             absl::StrCat("character ", Describe(first17[i]),
                                          " is not in the GB 32100 alphabet"));
    }
    sum += value * kUsccWeights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  return kUsccAlphabet[check];
}

absl::StatusOr<char> OrganizationCodeCheckCharacter(absl::string_view body8) {
  if (body8.size() != 8) {
    return InvalidArgument("credit_code", kReason,
                           "an organisation-code body has 8 characters");
  }
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    int value = OrgValue(body8[i]);
    if (value < 0) {
      return InvalidArgument("credit_code", kReason,
                             absl::StrCat("character ", Describe(body8[i]),
                                          " is not allowed in an organisation code"));
    }
    sum += value * kOrgWeights[i];
  }
  int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

absl::Status ValidateUscc(absl::string_view code, absl::string_view field) {
  if (code.empty()) return Fail(field, "required");
  if (code.size() != kUsccLength) {
    return Fail(field, absl::StrCat("must be 18 characters, got ", code.size(),
                                    code.size() > kUsccLength ? " bytes" : ""));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c >= 'a' && c <= 'z') {
      return Fail(field, absl::StrCat("position ", i + 1, " is lower-case ",
                                      Describe(c),
                                      "; credit codes are upper case"));
    }
    if (UsccValue(c) < 0) {
      bool excluded = c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z';
      return Fail(field,
                  absl::StrCat("position ", i + 1, " is ", Describe(c),
                               excluded ? ", a letter GB 32100 excludes (I, O, "
                                          "S, V, Z are never used)"
                                        : ", not a digit or an allowed letter"));
    }
  }
  for (size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return Fail(field, absl::StrCat("positions 3-8 are the region code and "
                                      "must be digits; position ",
                                      i + 1, " is ", Describe(code[i])));
    }
  }
  // Every character is in the GB 32100 alphabet, which is a subset of what
  // GB 11714 allows, so these cannot fail.
  char org_check = *OrganizationCodeCheckCharacter(code.substr(8, 8));
  if (code[16] != org_check) {
    return Fail(field, absl::StrCat("organisation-code check (GB 11714, "
                                    "position 17) failed: expected '",
                                    std::string(1, org_check), "', got '",
                                    std::string(1, code[16]), "'"));
  }
  char check = *UsccCheckCharacter(code.substr(0, 17));
  if (code[17] != check) {
    return Fail(field, absl::StrCat("check character (GB 32100, position 18) "
                                    "failed: expected '",
                                    std::string(1, check), "', got '",
                                    std::string(1, code[17]), "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MakeUscc(absl::string_view prefix2,
                                     absl::string_view region6,
                                     absl::string_view org_body8) {
  std::string code = absl::StrCat(prefix2, region6, org_body8);
  if (prefix2.size() != 2 || region6.size() != 6 || org_body8.size() != 8) {
    return InvalidArgument("credit_code", kReason,
                           "parts must be 2, 6 and 8 characters long");
  }
  auto org_check = OrganizationCodeCheckCharacter(org_body8);
  if (!org_check.ok()) return org_check.status();
  code.push_back(*org_check);
  auto check = UsccCheckCharacter(code);
  if (!check.ok()) return check.status();
  code.push_back(*check);
  if (absl::Status status = ValidateUscc(code); !status.ok()) return status;
  return code;
}

std::string RegionOfUscc(absl::string_view code) {
  return std::string(code.substr(2, 6));
}

}  // namespace envcredit::domain
