#include "service/rpc/page_token.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace comments {
namespace {

PageCursor Request() {
  PageCursor c;
  c.article_id = "a1";
  c.parent_id = "";
  c.order = 1;
  return c;
}

PageCursor Cursor() {
  PageCursor c = Request();
  c.score = "9013.1234567890123";
  c.comment_id = "42";
  return c;
}

TEST(PageTokenTest, RoundTrips) {
  PageTokenCodec codec("secret");
  absl::StatusOr<PageCursor> back =
      codec.Decode(codec.Encode(Cursor()), Request());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->score, "9013.1234567890123");
  EXPECT_EQ(back->comment_id, "42");
}

// Tokens outlive the process that made them and must verify on every
// replica, whatever its build: the tag is HMAC-SHA256, truncated to 16
// bytes, and these tokens were made by OpenSSL's own HMAC(). The second
// secret is longer than a SHA-256 block, so HMAC hashes it first.
TEST(PageTokenTest, TagIsHmacSha256) {
  EXPECT_EQ(PageTokenCodec("secret").Encode(Cursor()),
            "MQphMQoKMQo5MDEzLjEyMzQ1Njc4OTAxMjMKNDLdphWEH714IdZYXgP30AJZ");
  EXPECT_EQ(PageTokenCodec(std::string(100, 'k')).Encode(Cursor()),
            "MQphMQoKMQo5MDEzLjEyMzQ1Njc4OTAxMjMKNDKWrxBjmDSANehJry6W7bL2");
}

TEST(PageTokenTest, RejectsEveryFlippedByte) {
  PageTokenCodec codec("secret");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(codec.Encode(Cursor()), &raw));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string forged = raw;
    forged[i] ^= 0x01;
    absl::StatusOr<PageCursor> back =
        codec.Decode(absl::WebSafeBase64Escape(forged), Request());
    EXPECT_EQ(back.status().code(), absl::StatusCode::kInvalidArgument) << i;
  }
}

TEST(PageTokenTest, RejectsGarbageAndOtherSecrets) {
  PageTokenCodec codec("secret");
  PageTokenCodec other("another");
  for (const std::string& bad :
       {std::string("x"), std::string("!!!!"), std::string(5000, 'A'),
        other.Encode(Cursor()), std::string("MTIz")}) {
    absl::StatusOr<PageCursor> back = codec.Decode(bad, Request());
    EXPECT_EQ(back.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(back.status().message().substr(0, 10), "page_token");
  }
}

// Rotation: replicas restarted with a new secret and the old one as
// previous accept the tokens readers hold, sign new ones with the new
// secret only, and once the previous secret is dropped refuse the old.
TEST(PageTokenTest, PreviousSecretIsAcceptedForDecodingOnly) {
  const PageTokenCodec before("old");
  const PageTokenCodec during("new", "old");
  const PageTokenCodec after("new");
  const std::string old_token = before.Encode(Cursor());
  absl::StatusOr<PageCursor> back = during.Decode(old_token, Request());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->comment_id, "42");
  const std::string new_token = during.Encode(Cursor());
  EXPECT_EQ(new_token, after.Encode(Cursor())) << "signed with the new one";
  EXPECT_TRUE(after.Decode(new_token, Request()).ok());
  EXPECT_FALSE(before.Decode(new_token, Request()).ok());
  EXPECT_FALSE(after.Decode(old_token, Request()).ok());
  EXPECT_FALSE(
      PageTokenCodec("new", "other").Decode(old_token, Request()).ok());
}

TEST(PageTokenTest, BoundToItsList) {
  PageTokenCodec codec("secret");
  const std::string token = codec.Encode(Cursor());
  PageCursor other_article = Request();
  other_article.article_id = "a2";
  PageCursor other_order = Request();
  other_order.order = 2;
  PageCursor other_parent = Request();
  other_parent.parent_id = "7";
  for (const PageCursor& expected :
       {other_article, other_order, other_parent}) {
    EXPECT_EQ(codec.Decode(token, expected).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace comments
