// Regional and Japanese spellings of lexicon words (internal/variants.h):
// Taiwan and Hong Kong phrase forms and Japanese shinjitai forms match the
// word they spell, reported as that word, and nothing changes on the text's
// side.
#include "moderation/internal/variants.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderation/internal/normalizer.h"
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
using ::testing::IsSupersetOf;

// The lexicon of most tests below, compiled once: a compile opens
// OpenCC's configurations, about 0.1 s.
const Lexicon& Words() {
  static const auto* const lexicon = new std::shared_ptr<const Lexicon>(
      CompileTsv("点击链接领取\tspam\treview\n"
                 "百家乐\tgambling\tblock\n"
                 "百家乐器\texception\tallow\n"
                 "软件信息泄露\tfraud\tmask\n"
                 "点击链接下载软件\tspam\treview\n"
                 "缺钱\tloan\treview\n"));
  return **lexicon;
}

TEST(VariantsTest, TaiwanPhraseFormsReportTheWord) {
  // 連結 is Taiwan's 链接, 點選 its 点击; per character they fold to 连结
  // and 点选, other words.
  EXPECT_EQ(Describe(Words().Check("快來點擊連結領取吧")),
            "review 点击链接领取/spam/review@2-8 [快來＊＊＊＊＊＊吧]");
}

TEST(VariantsTest, MixedSegmentsMatch) {
  // Each segment in either form, in either script.
  for (const char* text :
       {"點選連結領取", "點選鏈接領取", "點擊連結領取", "点选链接领取",
        "点击连结领取", "点选连结领取", "點選链接领取"}) {
    EXPECT_THAT(Spans(Words(), text), ElementsAre("点击链接领取@0-6")) << text;
  }
  // Two phrases side by side (软件 -> 軟體, 信息 -> 資訊), apart too.
  for (const char* text : {"軟體資訊泄露", "軟體信息洩露", "软件资讯泄露"}) {
    EXPECT_THAT(Spans(Words(), text), ElementsAre("软件信息泄露@0-6")) << text;
  }
  // Two of three segments in their Taiwan form.
  for (const char* text :
       {"點選鏈接下載軟體", "点击连结下载软体", "點選連結下載軟件"}) {
    EXPECT_THAT(Spans(Words(), text), ElementsAre("点击链接下载软件@0-8"))
        << text;
  }
}

TEST(VariantsTest, JapaneseFormsReportTheWord) {
  EXPECT_EQ(Describe(Words().Check("来玩百家楽吧")),
            "block 百家乐/gambling/block@2-5 [来玩＊＊＊吧]");
}

TEST(VariantsTest, MaskCoversExactlyTheMatch) {
  // Noise inside the match is masked with it, nothing around it.
  EXPECT_EQ(
      Describe(Words().Check("请 點.擊.連.結.領.取 。")),
      "review 点击链接领取/spam/review@2-13 [请 ＊＊＊＊＊＊＊＊＊＊＊ 。]");
  EXPECT_EQ(Describe(Words().Check("百家楽百家乐")),
            "block 百家乐/gambling/block@0-3 百家乐/gambling/block@3-6 "
            "[＊＊＊＊＊＊]");
}

TEST(VariantsTest, ExceptionWordsExcuseTheirVariants) {
  // 百家乐器 is an exception word; its Japanese form 百家楽器 excuses too.
  EXPECT_FALSE(Hits(Words(), "上百家楽器行"));
  EXPECT_FALSE(Hits(Words(), "上百家乐器行"));
  EXPECT_THAT(Spans(Words(), "上百家楽网"), ElementsAre("百家乐@1-4"));
}

TEST(VariantsTest, TextIsNotChanged) {
  // t2jp writes 缺 as 欠, but 欠 is a Chinese character of its own
  // (欠钱: to owe money): neither the text nor the word takes that form.
  EXPECT_FALSE(Hits(Words(), "欠钱不还"));
  EXPECT_TRUE(Hits(Words(), "缺钱吗"));
  auto owe = CompileTsv("欠钱\tloan\treview\n艺人\tx\treview\n");
  EXPECT_FALSE(Hits(*owe, "缺钱"));
  EXPECT_TRUE(Hits(*owe, "欠钱"));
  // Nor 芸 for 艺 (芸芸众生).
  EXPECT_FALSE(Hits(*owe, "芸人"));
  EXPECT_TRUE(Hits(*owe, "藝人"));
}

TEST(VariantDuplicatesTest, AnEntryWinsOverAnotherEntrysVariant) {
  // 点击连结 is a variant of 点击链接 and an entry of its own: the text
  // matches once, as the entry the moderator wrote.
  auto lexicon = CompileTsv("点击链接\tspam\tblock\n点击连结\tspam2\tmask\n");
  EXPECT_EQ(Describe(lexicon->Check("點擊連結")),
            "mask 点击连结/spam2/mask@0-4 [＊＊＊＊]");
  EXPECT_THAT(Spans(*lexicon, "點擊鏈接"), ElementsAre("点击链接@0-4"));
}

TEST(VariantDuplicatesTest, CoincidingVariantsMatchOnceAsTheStrongest) {
  // 点选连结 is a variant of both words; the block entry keeps it, whatever
  // the order of the entries.
  for (const char* tsv : {"点击链接\ta\tmask\n点选链接\tb\tblock\n",
                          "点选链接\tb\tblock\n点击链接\ta\tmask\n"}) {
    EXPECT_EQ(Describe(CompileTsv(tsv)->Check("點選連結")),
              "block 点选链接/b/block@0-4 [＊＊＊＊]")
        << tsv;
  }
}

// FindVariants directly, on words normalized as Compile normalizes them.
class FindVariantsTest : public ::testing::Test {
 protected:
  std::vector<std::string> Variants(std::string_view word, size_t max = 12) {
    auto found = internal::FindVariants(*internal::NormalizationTable(),
                                        {testing::Normalized(word)}, max);
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? testing::Texts((*found)[0])
                      : std::vector<std::string>();
  }
};

TEST_F(FindVariantsTest, CombinesSegments) {
  EXPECT_THAT(Variants("点击链接领取"),
              IsSupersetOf({"点选连结领取", "点选链接领取", "点击连结领取"}));
  EXPECT_THAT(Variants("百家乐"), ElementsAre("百家楽"));
  // Hong Kong: 柜台 is 櫃枱 there (臺 alone is 台).
  EXPECT_THAT(Variants("柜台"), ElementsAre("柜枱"));
  // Latin and noise around the Han characters stay as they are.
  EXPECT_THAT(Variants("加qq 百家乐"), ElementsAre("加qq百家楽"));
}

TEST_F(FindVariantsTest, NoneWithoutAnotherSpelling) {
  EXPECT_THAT(Variants("博彩"), IsEmpty());
  EXPECT_THAT(Variants("fuck"), IsEmpty());
  EXPECT_THAT(Variants("欠"), IsEmpty());
}

TEST_F(FindVariantsTest, CappedPerWordWholeSpellingsFirst) {
  // Sixteen characters with Japanese forms: 65,535 mixes. The whole
  // Japanese spelling comes first, then one character at a time.
  const std::vector<std::string> found =
      Variants("发乐学经对实关应广图变历团觉读战", 5);
  EXPECT_THAT(found, ElementsAre("発楽学経対実関応広図変歴団覚読戦",
                                 "発乐学经对实关应广图变历团觉读战",
                                 "发楽学经对实关应广图变历团觉读战",
                                 "发乐学経对实关应广图变历团觉读战",
                                 "发乐学经対实关应广图变历团觉读战"));
}

}  // namespace
}  // namespace moderation
