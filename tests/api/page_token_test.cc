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

// Found by fuzz/page_token_fuzzer: RescoreRatings puts "last/total/done" in
// its tokens, and the decoder refused the '/', so every second page of a
// rescore failed with INVALID_PAGE_TOKEN.
TEST(PageTokenTest, RescoreKeysWithSlashesRoundTrip) {
  for (const char* key : {"5/100/5", "/", "9223372036854775807/1/0"}) {
    auto decoded = DecodePageToken(EncodePageToken(key, "rescore"), "rescore");
    ASSERT_TRUE(decoded.ok()) << key << ": " << decoded.status();
    EXPECT_EQ(*decoded, key);
  }
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
