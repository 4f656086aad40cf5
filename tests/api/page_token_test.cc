#include "server/api/page_token.h"

#include "common/errors.h"
#include "gtest/gtest.h"

namespace envcredit::api {
namespace {

TEST(PageTokenTest, RoundTrips) {
  std::string token = EncodePageToken("91320100MA1N2B3C8C", "32|7");
  auto key = DecodePageToken(token, "32|7");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "91320100MA1N2B3C8C");
  EXPECT_EQ(*DecodePageToken("", "32|7"), "");
}

TEST(PageTokenTest, RefusedForOtherFilters) {
  std::string token = EncodePageToken("91320100MA1N2B3C8C", "32|7");
  absl::Status status = DecodePageToken(token, "33|7").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorField(status), "page_token");
  EXPECT_EQ(ErrorReason(status), "INVALID_PAGE_TOKEN");
}

TEST(PageTokenTest, MalformedTokensRefused) {
  for (const char* token : {"not base64 !", "AAAA", "' OR 1=1 --",
                            "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA"}) {
    absl::Status status = DecodePageToken(token, "").status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_EQ(ErrorField(status), "page_token") << token;
  }
  // A well-formed token whose key holds characters no key can have.
  std::string sneaky = EncodePageToken("x' OR '1'='1", "");
  EXPECT_EQ(DecodePageToken(sneaky, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace envcredit::api
