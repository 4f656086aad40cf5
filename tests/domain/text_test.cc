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

}  // namespace
}  // namespace envcredit
