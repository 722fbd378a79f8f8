// Numeral spellings (moderation/internal/numerals.h) through Check.
#include <string>

#include "gtest/gtest.h"
#include "moderation/moderation.h"
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

bool Flags(const Lexicon& lexicon, const std::string& text) {
  return lexicon.Check(text).action != Action::kAllow;
}

TEST(NumeralsTest, EverySpellingOfADigitIsOneClass) {
  const auto lexicon =
      testing::CompileTsv("3级片\tadult\tblock\n9游\tgambling\treview\n");
  ASSERT_NE(lexicon, nullptr);
  for (const char* text : {"3级片", "三级片", "叁级片", "③级片", "３级片",
                           "⑶级片", "三級片", "九游", "玖游", "⑨游", "９游"}) {
    EXPECT_TRUE(Flags(*lexicon, text)) << text;
  }
  EXPECT_EQ(testing::Spans(*lexicon, "看叁级片"),
            std::vector<std::string>{"3级片@1-4"});
  for (const char* text : {"3级台阶", "三级跳远", "四级片", "三级医院"}) {
    EXPECT_FALSE(Flags(*lexicon, text)) << text;
  }
}

TEST(NumeralsTest, AWordWrittenInChineseNumeralsMatchesDigits) {
  const auto lexicon = testing::CompileTsv("一夜情\tadult\treview\n");
  ASSERT_NE(lexicon, nullptr);
  EXPECT_TRUE(Flags(*lexicon, "1夜情"));
  EXPECT_TRUE(Flags(*lexicon, "壹夜情"));
  EXPECT_TRUE(Flags(*lexicon, "①夜情"));
  EXPECT_FALSE(Flags(*lexicon, "一夜之间"));
}

TEST(NumeralsTest, LatinWordsKeepTheirDigits) {
  const auto lexicon = testing::CompileTsv("bet365\tgambling\tblock\n");
  ASSERT_NE(lexicon, nullptr);
  EXPECT_TRUE(Flags(*lexicon, "bet365"));
  EXPECT_FALSE(Flags(*lexicon, "bet三六五"));
}

}  // namespace
}  // namespace moderation
