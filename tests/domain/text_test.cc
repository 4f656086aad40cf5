#include "common/text.h"

#include "common/errors.h"
#include "gtest/gtest.h"

namespace envcredit {
namespace {

TEST(TextTest, Utf8Validity) {
  EXPECT_TRUE(IsValidUtf8("江苏示例化工有限公司"));
  EXPECT_TRUE(IsValidUtf8("\xf0\xa0\x80\x80"));  // U+20000, 4 bytes
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe4\xb8"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(TextTest, LengthCountsCodePointsNotBytes) {
  // 200 Chinese characters are 600 bytes and still fit a 200-character field.
  std::string name;
  for (int i = 0; i < 200; ++i) name += "中";
  EXPECT_TRUE(CheckText("display_name", name, 1, 200).ok());
  absl::Status too_long = CheckText("display_name", name + "中", 1, 200);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorReason(too_long), "TEXT_LENGTH");
  EXPECT_EQ(ErrorField(too_long), "display_name");
}

TEST(TextTest, RefusesBadEncodingControlCharactersAndEmptyRequired) {
  EXPECT_EQ(ErrorReason(CheckText("f", "a\xff", 0, 10)), "INVALID_TEXT");
  EXPECT_EQ(ErrorReason(CheckText("f", "a\nb", 0, 10)), "INVALID_TEXT");
  EXPECT_EQ(ErrorReason(CheckText("f", std::string("a\0b", 3), 0, 10)),
            "INVALID_TEXT");
  EXPECT_EQ(ErrorReason(CheckText("f", "", 1, 10)), "TEXT_LENGTH");
  EXPECT_TRUE(CheckText("f", "", 0, 10).ok());
}

// Issue 13 finding 3: identifiers of unique keys refuse surrounding
// whitespace and invisible characters, so PAD SPACE never matters.
TEST(TextTest, IdentifiersRefuseSurroundingWhitespace) {
  EXPECT_TRUE(CheckIdentifierText("f", "宁环罚〔2024〕1号", 1, 100).ok());
  // Inside an identifier, spaces of any kind are the caller's business.
  EXPECT_TRUE(CheckIdentifierText("f", "宁环罚 〔2024〕\u30001号", 1, 100).ok());
  // A variation selector after a character is not surrounding whitespace.
  EXPECT_TRUE(CheckIdentifierText("f", "葛\U000E0100", 1, 100).ok());
  for (const char* bad : {"1号 ", " 1号", "1号\u3000", "\u30001号", "1号\u00a0",
                          "1号\u200b", "\ufeff1号", "1号\u2003", "1号\u202f",
                          "1号\u2028", "1号\u0085", "1号\u200e",
                          "1号\u2060", "1号\u3164", " ", "\u3000"}) {
    absl::Status status = CheckIdentifierText("penalty_decision.decision_number", bad, 1, 100);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorReason(status), "SURROUNDING_WHITESPACE") << bad;
    EXPECT_EQ(ErrorField(status), "penalty_decision.decision_number") << bad;
  }
  // A tab is a control character: refused by CheckText first, anywhere.
  EXPECT_EQ(ErrorReason(CheckIdentifierText("f", "1号\t", 1, 100)), "INVALID_TEXT");
  EXPECT_EQ(ErrorReason(CheckIdentifierText("f", "", 1, 100)), "TEXT_LENGTH");
}

// Bidi overrides and isolates reorder what a published identifier shows:
// refused anywhere in it, not only at its ends.
TEST(TextTest, IdentifiersRefuseBidiControls) {
  for (const char* bad : {"\u202e1号", "宁环罚\u202e号1\u202c", "1\u2066号\u2069",
                          "1号\u202a", "1\u202b号", "1\u202d号", "1\u2067号", "1\u2068号"}) {
    absl::Status status = CheckIdentifierText("penalty_decision.authority", bad, 1, 100);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorReason(status), "INVALID_TEXT") << bad;
    EXPECT_EQ(ErrorField(status), "penalty_decision.authority") << bad;
  }
}

// Issue 13 finding 8: a published name that displays as blank or whose
// direction is spoofed is INVALID_TEXT naming the field.
TEST(TextTest, NamesRefuseBlankLookingAndBidiControls) {
  EXPECT_TRUE(CheckNameText("f", "南京某某化工有限公司", 1, 100).ok());
  EXPECT_TRUE(CheckNameText("f", "ACME Chemical (Nanjing) Co., Ltd.", 1, 100).ok());
  EXPECT_TRUE(CheckNameText("f", "张\u3000三", 1, 100).ok());  // a space inside
  EXPECT_TRUE(CheckNameText("f", "葛\U000E0100", 1, 100).ok());  // variation selector
  EXPECT_TRUE(CheckNameText("f", "\u200f\u0645\u0635\u0646\u0639", 1, 100).ok());  // RLM
  EXPECT_TRUE(CheckNameText("f", "", 0, 100).ok());  // an optional name left empty
  for (const char* bad :
       {" ", "   ", "\u3000", "\u3000\u3000", "\u200b", "\u00a0", "\ufeff",
        " \u3000\u200b\u00a0\ufeff", "\u2003", "\u2060", "\u3164", "\u00ad",
        "\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067",
        "\u2068", "\u2069", "南京\u202e司公限有\u202c", "ACME\u2067 Ltd\u2069",
        "\u202d南京某某化工有限公司"}) {
    for (int min_chars : {0, 1}) {
      absl::Status status = CheckNameText("enterprise.display_name", bad, min_chars, 100);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
      EXPECT_EQ(ErrorReason(status), "INVALID_TEXT") << bad;
      EXPECT_EQ(ErrorField(status), "enterprise.display_name") << bad;
    }
  }
  EXPECT_EQ(ErrorReason(CheckNameText("f", "", 1, 100)), "TEXT_LENGTH");
  EXPECT_EQ(ErrorReason(CheckNameText("f", "公司\n", 1, 100)), "INVALID_TEXT");
  for (char32_t cp : {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}) {
    EXPECT_TRUE(IsBidiControl(cp)) << std::hex << cp;
    EXPECT_TRUE(IsInvisible(cp)) << std::hex << cp;
  }
  for (char32_t cp : {0x2029, 0x202F, 0x200E, 0x200F, 0x2065, 0x206A}) {
    EXPECT_FALSE(IsBidiControl(cp)) << std::hex << cp;
  }
}

TEST(TextTest, WhiteSpaceAndInvisibleClasses) {
  for (char32_t cp : {0x09, 0x0A, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x200A,
                      0x2028, 0x2029, 0x202F, 0x205F, 0x3000}) {
    EXPECT_TRUE(IsUnicodeWhiteSpace(cp)) << std::hex << cp;
  }
  for (char32_t cp : {0x41, 0x200B, 0xFEFF, 0x4E2D, 0xFF11}) {
    EXPECT_FALSE(IsUnicodeWhiteSpace(cp)) << std::hex << cp;
  }
  for (char32_t cp : {0xAD, 0x34F, 0x61C, 0x115F, 0x180E, 0x200B, 0x200C, 0x200D,
                      0x200E, 0x200F, 0x202A, 0x202E, 0x2060, 0x2066, 0x2069, 0x3164,
                      0xFEFF, 0xFFA0, 0xE0001}) {
    EXPECT_TRUE(IsInvisible(cp)) << std::hex << cp;
  }
  for (char32_t cp : {0x20, 0x41, 0x4E2D, 0xFE0F, 0xE0100, 0x180B}) {
    EXPECT_FALSE(IsInvisible(cp)) << std::hex << cp;
  }
}

}  // namespace
}  // namespace envcredit
