// Pinyin-mixed spellings of lexicon words (internal/pinyin.h): a word with
// some of its Han characters written in toneless pinyin matches the word,
// reported as that word; all-pinyin spellings do not; a syllable at a
// pattern's end must not continue a Latin word.
#include "moderation/internal/pinyin.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderation/internal/utf8.h"
#include "moderation/moderation.h"
#include "tests/moderation/spelling_util.h"
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

using ::moderation::testing::CompileTsv;
using ::moderation::testing::Describe;
using ::moderation::testing::Hits;
using ::moderation::testing::Spans;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The tests share one lexicon, compiled once: a compile opens OpenCC's
// configurations and ICU's transliterator.
class PinyinTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lexicon_ = CompileTsv(
        "人生就是博\tgambling\tblock\n"
        "人生就是博弈\texception\tallow\n"
        "操你妈\tabuse\tblock\n"
        "滚你妈\tabuse\tblock\n"
        "赌场\tgambling\treview\n"
        "博彩\tgambling\tmask\n");
  }
  static void TearDownTestSuite() { lexicon_.reset(); }
  static const Lexicon& Words() { return *lexicon_; }

 private:
  static std::shared_ptr<const Lexicon> lexicon_;
};
std::shared_ptr<const Lexicon> PinyinTest::lexicon_;

TEST_F(PinyinTest, MixedSpellingsReportTheWord) {
  EXPECT_EQ(Describe(Words().Check("人生就是bo官网")),
            "block 人生就是博/gambling/block@0-6 [＊＊＊＊＊＊官网]");
  EXPECT_EQ(Describe(Words().Check("cao你妈")),
            "block 操你妈/abuse/block@0-5 [＊＊＊＊＊]");
  EXPECT_EQ(Describe(Words().Check("去du场玩")),
            "review 赌场/gambling/review@1-4 [去＊＊＊玩]");
  EXPECT_EQ(Describe(Words().Check("买bo彩")),
            "mask 博彩/gambling/mask@1-4 [买＊＊＊]");
  // The other character in pinyin, and two of three.
  EXPECT_THAT(Spans(Words(), "博cai"), ElementsAre("博彩@0-4"));
  EXPECT_THAT(Spans(Words(), "caoni妈"), ElementsAre("操你妈@0-6"));
  // Two syllables glued by one letter: "gunni" reads as the text's
  // g u n(x2) i.
  EXPECT_THAT(Spans(Words(), "gunni妈"), ElementsAre("滚你妈@0-6"));
  // Upper case folds like any Latin letter.
  EXPECT_THAT(Spans(Words(), "CAO你妈"), ElementsAre("操你妈@0-5"));
}

TEST_F(PinyinTest, NoiseInsideTheSyllableAsInAnyWord) {
  // The mask covers the match with its noise, nothing around it.
  EXPECT_EQ(Describe(Words().Check("b o 彩")),
            "mask 博彩/gambling/mask@0-5 [＊＊＊＊＊]");
  EXPECT_THAT(Spans(Words(), "b.o彩"), ElementsAre("博彩@0-4"));
  EXPECT_THAT(Spans(Words(), "人生就是 b-o 网"), ElementsAre("人生就是博@0-8"));
}

TEST_F(PinyinTest, SyllableMustNotContinueALatinWord) {
  // The syllable ends the pattern: a letter glued after it means a longer
  // Latin word.
  EXPECT_FALSE(Hits(Words(), "人生就是bonus"));
  EXPECT_FALSE(Hits(Words(), "人生就是boss"));
  EXPECT_FALSE(Hits(Words(), "赌changes"));
  EXPECT_TRUE(Hits(Words(), "赌chang"));  // The text's end is a boundary.
  EXPECT_TRUE(Hits(Words(), "赌chang!"));
  // It starts the pattern: a letter glued before it.
  EXPECT_FALSE(Hits(Words(), "Bob彩票"));
  EXPECT_FALSE(Hits(Words(), "jumbo彩"));
  EXPECT_FALSE(Hits(Words(), "Macao你妈"));
  // A Han character ends the pattern by itself, Latin glued to it or not.
  EXPECT_THAT(Spans(Words(), "ok人生就是bo"), ElementsAre("人生就是博@2-8"));
  EXPECT_THAT(Spans(Words(), "cao你妈ba"), ElementsAre("操你妈@0-5"));
  // Set off by noise, the syllable is a word of its own.
  EXPECT_TRUE(Hits(Words(), "人生就是bo bonus"));
  EXPECT_TRUE(Hits(Words(), "hi bo彩"));
  // Decision: a syllable glued to a Han character is read as pinyin, so a
  // Latin name that happens to be one is flagged: "Bo彩票" (Bo's lottery
  // tickets) reads as 博彩 + 票, as "人生就是Bo" would.
  EXPECT_THAT(Spans(Words(), "Bo彩票"), ElementsAre("博彩@0-3"));
}

TEST_F(PinyinTest, NoAllPinyinSpellings) {
  // Too close to ordinary Latin text: every variant keeps a Han character.
  EXPECT_FALSE(Hits(Words(), "bocai"));
  EXPECT_FALSE(Hits(Words(), "bo cai"));
  EXPECT_FALSE(Hits(Words(), "caonima"));
  EXPECT_FALSE(Hits(Words(), "duchang"));
}

TEST_F(PinyinTest, ExceptionWordsExcuseTheirPinyinSpellings) {
  // 人生就是博弈 is an exception word: 人生就是bo弈 is its variant.
  EXPECT_FALSE(Hits(Words(), "人生就是博弈"));
  EXPECT_FALSE(Hits(Words(), "人生就是bo弈"));
  EXPECT_FALSE(Hits(Words(), "人生就是博yi"));
  EXPECT_THAT(Spans(Words(), "人生就是bo，博弈"),
              ElementsAre("人生就是博@0-6"));
}

TEST_F(PinyinTest, RegionalSpellingsStayApart) {
  // Traditional characters fold in the text as ever: 賭 is 赌.
  EXPECT_THAT(Spans(Words(), "賭chang!"), ElementsAre("赌场@0-6"));
  EXPECT_THAT(Spans(Words(), "du場"), ElementsAre("赌场@0-3"));
}

// FindPinyinVariants directly, on words normalized as Compile normalizes
// them.
std::vector<internal::Spelling> Found(std::string_view word, size_t max = 8) {
  auto found = internal::FindPinyinVariants({testing::Normalized(word)}, max);
  EXPECT_TRUE(found.ok()) << found.status();
  return found.ok() ? (*found)[0] : std::vector<internal::Spelling>();
}

std::vector<std::string> Variants(std::string_view word, size_t max = 8) {
  return testing::Texts(Found(word, max));
}

TEST(FindPinyinVariantsTest, OneCharacterThenTwo) {
  EXPECT_THAT(Variants("博彩"), ElementsAre("bo彩", "博cai"));
  EXPECT_THAT(Variants("操你妈"), ElementsAre("cao你妈", "操ni妈", "操你ma",
                                              "caoni妈", "cao你ma", "操nima"));
  // Capped, fewest replacements first.
  EXPECT_THAT(Variants("人生就是博"),
              ElementsAre("ren生就是博", "人sheng就是博", "人生jiu是博",
                          "人生就shi博", "人生就是bo", "rensheng就是博",
                          "ren生jiu是博", "ren生就shi博"));
  EXPECT_THAT(Variants("博彩", 1), ElementsAre("bo彩"));
}

TEST(FindPinyinVariantsTest, LatinAndDoubledLettersAsTheScannerReadsThem) {
  // The word's own Latin letters stay; a syllable's letter glued to the
  // same letter folds into one unit, as the scanner folds "nn" in the text.
  EXPECT_THAT(Variants("qq赌博"), ElementsAre("qqdu博", "qq赌bo"));
  EXPECT_EQ(Found("qq赌博")[0][0].run, 2);  // "qq": one unit.
  EXPECT_THAT(Variants("拉拉"), ElementsAre("la拉", "拉la"));
  const std::vector<internal::Spelling> found = Found("滚你妈");
  ASSERT_EQ(found.size(), 6u);
  const internal::Spelling& gunni = found[3];
  EXPECT_EQ(testing::Texts({gunni})[0], "gunni妈");
  ASSERT_EQ(gunni.size(), 5u);
  EXPECT_EQ(gunni[2].sym, uint32_t{'n'});
  EXPECT_EQ(gunni[2].run, 2);
}

TEST(FindPinyinVariantsTest, NoneWithFewerThanTwoHanCharacters) {
  EXPECT_THAT(Variants("博"), IsEmpty());
  EXPECT_THAT(Variants("v信"), IsEmpty());
  EXPECT_THAT(Variants("fuck"), IsEmpty());
}

// Past 25,000 Chinese words the lexicon's pinyin budget (compile.cc) leaves
// each word fewer spellings, fewest replacements first and left to right: a
// five-character word in a 50,000-word lexicon keeps its first characters'
// syllables, not its last.
TEST(PinyinBudgetTest, LargeLexiconsKeepFewerSpellingsPerWord) {
  std::string tsv = "人生就是博\tgambling\tblock\n";
  const std::shared_ptr<const Lexicon> small = CompileTsv(tsv);
  for (char32_t i = 0; i < 50000; ++i) {  // Distinct three-character words.
    internal::AppendUtf8(0x5000 + i % 200, &tsv);
    internal::AppendUtf8(0x5200 + i / 200, &tsv);
    internal::AppendUtf8(0x5400, &tsv);
    tsv += "\tfiller\treview\n";
  }
  const std::shared_ptr<const Lexicon> large = CompileTsv(tsv);
  ASSERT_NE(small, nullptr);
  ASSERT_NE(large, nullptr);
  EXPECT_THAT(Spans(*small, "人生就是bo"), ElementsAre("人生就是博@0-6"));
  EXPECT_THAT(Spans(*large, "人生就是bo"), IsEmpty());
  EXPECT_THAT(Spans(*large, "ren生就是博"), ElementsAre("人生就是博@0-7"));
}

}  // namespace
}  // namespace moderation
