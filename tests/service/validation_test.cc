#include "service/rpc/validation.h"

#include <string>

#include "gtest/gtest.h"

namespace comments {
namespace {

TEST(ValidateArticleIdTest, AcceptsTheDocumentedAlphabet) {
  EXPECT_TRUE(ValidateArticleId("news:2021-03.zs_1").ok());
  EXPECT_TRUE(ValidateArticleId(std::string(128, 'a')).ok());
}

TEST(ValidateArticleIdTest, RejectsEmptyLongAndOtherCharacters) {
  for (const std::string& bad :
       {std::string(), std::string(129, 'a'), std::string("a b"),
        std::string("a{b}"), std::string("新闻"), std::string("a/b")}) {
    absl::Status s = ValidateArticleId(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().substr(0, 10), "article_id") << bad;
  }
}

TEST(ValidateUserIdTest, NamesTheField) {
  absl::Status s = ValidateUserId("", "author_id");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "author_id is required");
  EXPECT_FALSE(ValidateUserId(std::string(129, 'u'), "user_id").ok());
  EXPECT_FALSE(ValidateUserId("a\x01", "user_id").ok());
  EXPECT_FALSE(ValidateUserId("\xff", "user_id").ok());
  EXPECT_TRUE(ValidateUserId("用户42", "user_id").ok());
}

TEST(IsWellFormedCommentIdTest, OnlyStoreIssuedIds) {
  EXPECT_TRUE(IsWellFormedCommentId("1"));
  EXPECT_TRUE(IsWellFormedCommentId("9223372036854775807"));
  EXPECT_FALSE(IsWellFormedCommentId(""));
  EXPECT_FALSE(IsWellFormedCommentId("01"));
  EXPECT_FALSE(IsWellFormedCommentId("1a"));
  EXPECT_FALSE(IsWellFormedCommentId("12345678901234567890"));
}

TEST(NormalizeBodyTest, TrimsAndFoldsCrLf) {
  absl::StatusOr<std::string> body =
      NormalizeBody("  \u3000好文章\r\n第二行\n ", 10);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "好文章\n第二行");
}

TEST(NormalizeBodyTest, CountsCodePointsNotBytes) {
  const std::string two_thousand(2000 * 3 / 3, 'x');
  EXPECT_TRUE(NormalizeBody(two_thousand, 2000).ok());
  std::string chinese;
  for (int i = 0; i < 2000; ++i) chinese += "评";
  EXPECT_TRUE(NormalizeBody(chinese, 2000).ok());
  absl::StatusOr<std::string> too_long = NormalizeBody(chinese + "论", 2000);
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.status().message(),
            "body has 2001 characters; the limit is 2000");
}

TEST(NormalizeBodyTest, RejectsBadInput) {
  for (const std::string& bad :
       {std::string(""), std::string(" \n\t "), std::string("a\tb"),
        std::string("a\rb"), std::string("bell\x07"), std::string("\xc3\x28"),
        std::string("nul\0x", 5), std::string("\xed\xa0\x80")}) {
    absl::StatusOr<std::string> body = NormalizeBody(bad, 2000);
    EXPECT_EQ(body.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(body.status().message().substr(0, 4), "body");
  }
}

TEST(NormalizeAuthorNameTest, OptionalButBounded) {
  EXPECT_EQ(*NormalizeAuthorName(""), "");
  EXPECT_EQ(*NormalizeAuthorName(" 竹山网友 "), "竹山网友");
  EXPECT_FALSE(NormalizeAuthorName(std::string(65, 'n')).ok());
  EXPECT_FALSE(NormalizeAuthorName("a\nb").ok());
}

}  // namespace
}  // namespace comments
