#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderation/moderation.h"

namespace moderation {
namespace {

using ::testing::HasSubstr;

TEST(LexiconTsvTest, ParsesEntriesCommentsAndOptions) {
  auto entries = ParseLexiconTsv(
      "\xEF\xBB\xBF# comment\n"
      "\n"
      "博彩\tgambling\tblock\r\n"
      "ass\tabuse\tmask\tmatch=any\n"
      "中奖\tspam\treview\tmatch=word\n"
      "百家乐器\tgambling\tallow\n");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].word, "博彩");
  EXPECT_EQ((*entries)[0].category, "gambling");
  EXPECT_EQ((*entries)[0].action, Action::kBlock);
  EXPECT_EQ((*entries)[0].mode, WordMode::kAuto);
  EXPECT_EQ((*entries)[0].line, 3);
  EXPECT_EQ((*entries)[1].mode, WordMode::kAnywhere);
  EXPECT_EQ((*entries)[2].mode, WordMode::kWholeWord);
  EXPECT_EQ((*entries)[2].action, Action::kReview);
  EXPECT_EQ((*entries)[3].action, Action::kAllow);  // An exception word.
}

TEST(LexiconTsvTest, ErrorsNameTheLine) {
  struct Case {
    const char* tsv;
    const char* message;
  } cases[] = {
      {"ok\tc\tblock\nw\tc\n", "words.tsv:2: expected"},
      {"ok\tc\tblock\nword spam block\n",
       "words.tsv:2: \"word spam block\" ends in an action"},
      {"ok\tc\tdeny\n", "words.tsv:1: unknown action"},
      {"ok\tc\tBLOCK\n", "unknown action"},
      {"\tc\tblock\n", "words.tsv:1: empty word"},
      {"w\t\tblock\n", "empty category"},
      {"w\tc\tblock\tmatch=maybe\n", "unknown option"},
      {"w\tc\tblock\tx\ty\n", "got 5 field(s)"},
      {"\n\n\xff\tc\tblock\n", "words.tsv:3: invalid UTF-8"},
  };
  for (const Case& c : cases) {
    auto entries = ParseLexiconTsv(c.tsv, "words.tsv");
    ASSERT_FALSE(entries.ok()) << c.tsv;
    EXPECT_EQ(entries.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(entries.status().message()), HasSubstr(c.message));
  }
}

// Operators keep plain lists, one word a line: each word is an entry of
// category "keyword" and action review, and may sit among TSV lines.
TEST(LexiconTsvTest, ReadsAPlainWordList) {
  auto entries = ParseLexiconTsv("# my list\n博彩\r\n刷单\nphilip k dick\n"
                                 "赌场\tgambling\tblock\n");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].word, "博彩");
  EXPECT_EQ((*entries)[0].category, "keyword");
  EXPECT_EQ((*entries)[0].action, Action::kReview);
  EXPECT_EQ((*entries)[0].line, 2);
  EXPECT_EQ((*entries)[1].word, "刷单");  // The '\r' is trimmed.
  EXPECT_EQ((*entries)[2].word, "philip k dick");
  EXPECT_EQ((*entries)[3].action, Action::kBlock);
  auto plain = LoadLexiconFile(std::string(MODERATION_TEST_DATA) +
                               "/plain_lexicon.txt");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_GT(plain->size(), 150u);
}

TEST(LexiconTsvTest, LoadsFilesAndReportsMissingOnes) {
  auto missing = LoadLexiconFile("/nonexistent/lexicon.tsv");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  auto shipped = LoadLexiconFile(MODERATION_DEFAULT_LEXICON);
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_GT(shipped->size(), 50u);
  auto lexicon = Lexicon::Compile(*shipped, EngineOptions());
  ASSERT_TRUE(lexicon.ok()) << lexicon.status();
  EXPECT_EQ((*lexicon)->entry_count(), shipped->size());
}

TEST(ActionTest, NamesRoundTrip) {
  for (Action a :
       {Action::kAllow, Action::kMask, Action::kReview, Action::kBlock}) {
    auto parsed = ParseAction(ActionName(a), true);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, a);
  }
  EXPECT_FALSE(ParseAction("allow", false).ok());
}

}  // namespace
}  // namespace moderation
