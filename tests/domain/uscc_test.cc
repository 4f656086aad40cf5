// USCC validation, table-driven from domain.md §5.4-5.5 plus our own cases.
// Each invalid case names the part of the check that must be reported.
#include "server/domain/uscc.h"

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace envcredit::domain {
namespace {

using ::testing::HasSubstr;

TEST(UsccTest, WorkedValidExamplesPass) {
  for (const char* code : {
           "91350100M000100Y43",  // E1: GB 32100's own worked example
           "91320100MA1N2B3C8C",  // E2: Nanjing, letters in the org code
           "913301061234567887",  // E3: Hangzhou Xihu, digits only
       }) {
    EXPECT_TRUE(ValidateUscc(code).ok()) << code << ": " << ValidateUscc(code);
  }
}

struct InvalidCase {
  const char* name;
  const char* code;
  const char* message_part;  // which check the message must name
};

// Test names show the case's name, not its bytes.
void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class UsccInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(UsccInvalidTest, RefusedNamingTheFailedCheck) {
  const InvalidCase& c = GetParam();
  absl::Status status = ValidateUscc(c.code, "enterprise.credit_code");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(status), "INVALID_CREDIT_CODE");
  EXPECT_EQ(ErrorField(status), "enterprise.credit_code");
  EXPECT_THAT(status.message(), HasSubstr(c.message_part));
  EXPECT_THAT(status.message(), HasSubstr("enterprise.credit_code"));
}

INSTANTIATE_TEST_SUITE_P(
    DomainAndOwnCases, UsccInvalidTest,
    ::testing::Values(
        // I1: the standard's negative example. Its check character should
        // be '3'; 'Z' is not even in the alphabet, which is reported first.
        InvalidCase{"I1", "91350100M000100Y4Z", "position 18 is 'Z'"},
        // I1 with an allowed but wrong last character: the checksum fails.
        InvalidCase{"I1 allowed symbol", "91350100M000100Y4Y",
                    "check character (GB 32100, position 18) failed: "
                    "expected '3', got 'Y'"},
        // I2: 'I' is excluded from the alphabet, rejected before checksums.
        InvalidCase{"I2", "91320100MAIN2B3C8C", "position 11 is 'I'"},
        // I3: 'O' in the region segment.
        InvalidCase{"I3", "9132010OMA1N2B3C8C", "position 8 is 'O'"},
        // I4: passes the mod-31 check, fails the embedded GB 11714 check.
        InvalidCase{"I4", "91330106123456789A",
                    "organisation-code check (GB 11714, position 17) failed: "
                    "expected '8'"},
        InvalidCase{"empty", "", "required"},
        InvalidCase{"short", "91320100MA1N2B3C8", "must be 18 characters"},
        InvalidCase{"long", "91320100MA1N2B3C8CC", "must be 18 characters"},
        InvalidCase{"lower case", "91320100ma1n2b3c8c", "lower-case"},
        // A region digit replaced by an allowed letter.
        InvalidCase{"letter in region", "913201A0MA1N2B3C8C",
                    "positions 3-8 are the region code"},
        InvalidCase{"space", "91320100MA1N2B3 8C", "position 16"},
        // E2 with the last character changed.
        InvalidCase{"wrong check", "91320100MA1N2B3C8D", "expected 'C'"},
        // Multi-byte text of 18 bytes is not a code.
        InvalidCase{"utf8", "\xe4\xb8\xad\xe5\x9b\xbd" "320100MA1N2B", "position 1"}),
    [](const auto& info) {
      std::string name = info.param.name;
      for (char& ch : name) {
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

TEST(UsccTest, CheckCharactersMatchHandComputation) {
  // domain.md §5.4, E1: body M000100Y -> '4'; Σ 1640 -> '3'.
  EXPECT_EQ(*OrganizationCodeCheckCharacter("M000100Y"), '4');
  EXPECT_EQ(*UsccCheckCharacter("91350100M000100Y4"), '3');
  // E2: body MA1N2B3C -> 509 mod 11 = 3 -> '8'; Σ 2034 -> 12 -> 'C'.
  EXPECT_EQ(*OrganizationCodeCheckCharacter("MA1N2B3C"), '8');
  EXPECT_EQ(*UsccCheckCharacter("91320100MA1N2B3C8"), 'C');
  // GB 11714 result 10 is 'X': 12345679 -> 3+14+27+40+25+48+28+18 = 203,
  // 203 mod 11 = 5 -> 6. Hand-picked 00000001 -> 2, 11 - 2 = 9.
  EXPECT_EQ(*OrganizationCodeCheckCharacter("00000001"), '9');
  // 0000000 then value v at the last place gives 2v; 2v mod 11 = 1 needs
  // v = 6 -> 11 - 1 = 10 -> 'X'.
  EXPECT_EQ(*OrganizationCodeCheckCharacter("00000006"), 'X');
  // Sum 0 -> 11 - 0 = 11 -> '0'.
  EXPECT_EQ(*OrganizationCodeCheckCharacter("00000000"), '0');
}

TEST(UsccTest, MakeUsccBuildsValidCodes) {
  auto code = MakeUscc("91", "320100", "MA1N2B3C");
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, "91320100MA1N2B3C8C");
  EXPECT_EQ(RegionOfUscc(*code), "320100");
  // A body whose check is 'X' still makes a valid USCC ('X' is allowed).
  auto with_x = MakeUscc("91", "320100", "00000006");
  ASSERT_TRUE(with_x.ok()) << with_x.status();
  EXPECT_EQ((*with_x)[16], 'X');
  EXPECT_EQ(MakeUscc("91", "3201", "MA1N2B3C").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace envcredit::domain
