#include "service/rpc/validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderation/moderation.h"

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
       {std::string(""), std::string(" \n\t "),
        std::string("a\rb"), std::string("bell\x07"), std::string("\xc3\x28"),
        std::string("nul\0x", 5), std::string("\xed\xa0\x80")}) {
    absl::StatusOr<std::string> body = NormalizeBody(bad, 2000);
    EXPECT_EQ(body.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(body.status().message().substr(0, 4), "body");
  }
}

using ::testing::HasSubstr;

// The format-character rules (validation.h).

TEST(FormatCharactersTest, JoinersAndEmojiSequencesAreKeptUnchanged) {
  for (const std::string& text : {
           std::string("family \U0001F468\u200D\U0001F469\u200D\U0001F467"),
           std::string("heart on fire \u2764\uFE0F\u200D\U0001F525"),
           std::string("\U0001F469\U0001F3FB\u200D\U0001F4BB coder"),
           std::string("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"),  // ZWNJ
           std::string("flag \U0001F3F4\U000E0067\U000E0062\U000E0065"
                       "\U000E006E\U000E0067\U000E007F"),  // tag sequence
           std::string("mark \u200Ealef \u200F"),  // LRM, RLM
       }) {
    absl::StatusOr<std::string> body = NormalizeBody(text, 2000);
    ASSERT_TRUE(body.ok()) << text << ": " << body.status();
    EXPECT_EQ(*body, text);
    EXPECT_TRUE(NormalizeAuthorName(text).ok()) << text;
    EXPECT_TRUE(NormalizeReason(text).ok()) << text;
  }
}

TEST(FormatCharactersTest, EveryBidiControlIsRefusedByName) {
  const struct {
    char32_t c;
    const char* utf8;
    const char* name;
  } kBidi[] = {
      {0x202A, "\u202A", "U+202A LEFT-TO-RIGHT EMBEDDING"},
      {0x202B, "\u202B", "U+202B RIGHT-TO-LEFT EMBEDDING"},
      {0x202C, "\u202C", "U+202C POP DIRECTIONAL FORMATTING"},
      {0x202D, "\u202D", "U+202D LEFT-TO-RIGHT OVERRIDE"},
      {0x202E, "\u202E", "U+202E RIGHT-TO-LEFT OVERRIDE"},
      {0x2066, "\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"},
      {0x2067, "\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE"},
      {0x2068, "\u2068", "U+2068 FIRST STRONG ISOLATE"},
      {0x2069, "\u2069", "U+2069 POP DIRECTIONAL ISOLATE"},
  };
  for (const auto& bidi : kBidi) {
    EXPECT_EQ(FormatRuleFor(bidi.c), FormatRule::kRefuse) << bidi.name;
    const std::string text = std::string("see ") + bidi.utf8 + "gnp.exe";
    absl::StatusOr<std::string> body = NormalizeBody(text, 2000);
    EXPECT_EQ(body.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(body.status().message(),
                HasSubstr(std::string("body holds ") + bidi.name));
    EXPECT_THAT(NormalizeAuthorName(text).status().message(),
                HasSubstr(std::string("author_name holds ") + bidi.name));
    EXPECT_THAT(NormalizeReason(text, "reason").status().message(),
                HasSubstr(std::string("reason holds ") + bidi.name));
  }
}

TEST(FormatCharactersTest, ZeroWidthSpaceIsDroppedAndAloneIsEmpty) {
  EXPECT_EQ(*NormalizeBody("博\u200B彩", 2000), "博彩");
  EXPECT_EQ(*NormalizeBody("\uFEFFhello\u2060", 2000), "hello");
  absl::StatusOr<std::string> lone = NormalizeBody("\u200B", 2000);
  EXPECT_EQ(lone.status().message(), "body is empty");
  EXPECT_EQ(*NormalizeAuthorName(" \u200B "), "");
}

TEST(FormatCharactersTest, TabBecomesASpaceOtherControlsAreRefused) {
  EXPECT_EQ(*NormalizeBody("a\tb", 2000), "a b");
  EXPECT_EQ(*NormalizeBody("\tindented\t", 2000), "indented");
  EXPECT_EQ(*NormalizeAuthorName("x\ty"), "x y");
  EXPECT_EQ(*NormalizeBody("line\nline", 2000), "line\nline");
  for (const char* bad : {"bell\x07", "esc\x1b[31m", "del\x7f", "nel\u0085",
                          "cr\rx"}) {
    absl::StatusOr<std::string> body = NormalizeBody(bad, 2000);
    EXPECT_EQ(body.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(body.status().message(),
                HasSubstr("body holds the control character U+00"))
        << bad;
  }
  EXPECT_THAT(NormalizeBody("bell\x07", 2000).status().message(),
              HasSubstr("U+0007"));
  EXPECT_THAT(NormalizeAuthorName("a\nb").status().message(),
              HasSubstr("author_name holds the control character U+000A"));
}

TEST(FormatCharactersTest, ModerationSeesThroughKeptJoiners) {
  absl::StatusOr<std::vector<moderation::LexiconEntry>> entries =
      moderation::ParseLexiconTsv("博彩\tgambling\tblock\nspamword\tspam\treview\n");
  ASSERT_TRUE(entries.ok()) << entries.status();
  auto lexicon =
      moderation::Lexicon::Compile(*entries, moderation::EngineOptions());
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  for (const char* evasion : {"博\u200D彩", "博\u200C彩", "spam\u200Dword",
                              "\u200E博\u00AD彩"}) {
    absl::StatusOr<std::string> body = NormalizeBody(evasion, 2000);
    ASSERT_TRUE(body.ok()) << evasion;
    EXPECT_NE((*lexicon)->Check(*body).action, moderation::Action::kAllow)
        << evasion;
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
