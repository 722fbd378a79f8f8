// The prefilter (internal/prefilter.h): whenever it proves a text clean the
// full pipeline must find nothing in it, so Lexicon::Check, which trusts it,
// must give exactly CheckFully's verdict. It must also prove ordinary clean
// text clean, or it buys nothing. Every test runs twice: with a small
// lexicon, which has a PairFilter, and with the same words among thousands
// of others, which has a TripleFilter instead.
#include "moderation/internal/prefilter.h"

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "moderation/internal/lexicon_impl.h"
#include "moderation/internal/utf8.h"
#include "moderation/moderation.h"
#include "tests/moderation/test_util.h"

namespace moderation::internal {
namespace {

using ::moderation::testing::CompileTsv;
using ::moderation::testing::DefaultLexicon;
using ::moderation::testing::Describe;

constexpr char kLexicon[] =
    "博彩\tgambling\tblock\n"
    "傻逼\tabuse\tmask\n"
    "刷单\tfraud\treview\n"
    "尊龙ag旗舰厅\tgambling\tblock\n"
    "fuck\tabuse\tmask\n"
    "八八八\tspam\treview\n"
    "110\tspam\treview\n";

bool ProvesClean(const Lexicon& lexicon, std::string_view text) {
  const Lexicon::Impl& impl = LexiconAccess::Impl(lexicon);
  return impl.prefilter->ProvesClean(impl.symbols, text);
}

bool HasTripleFilter(const Lexicon& lexicon) {
  return dynamic_cast<const TripleFilter*>(
             LexiconAccess::Impl(lexicon).prefilter.get()) != nullptr;
}

// Two-character words of CJK Extension A, which the tests' texts do not
// use: enough first pairs that a lexicon with them has no PairFilter.
std::string ManyWords() {
  std::string tsv;
  for (char32_t c = 0x3400; c < 0x3400 + 2 * PairFilter::kMaxPairs; ++c) {
    std::string word;
    AppendUtf8(c, &word);
    AppendUtf8(c + 1, &word);
    tsv += word + "\tgenerated\treview\n";
  }
  return tsv;
}

// `tsv` compiled alone or with ManyWords().
std::shared_ptr<const Lexicon> Compile(
    std::string_view tsv, bool large,
    const EngineOptions& options = EngineOptions()) {
  static const std::string* const many = new std::string(ManyWords());
  auto lexicon =
      CompileTsv(large ? std::string(tsv) + *many : std::string(tsv), options);
  EXPECT_EQ(HasTripleFilter(*lexicon), large);
  return lexicon;
}

// Check (prefiltered) and CheckFully agree on `text`; returns whether the
// prefilter proved it clean.
bool ExpectSameVerdict(const Lexicon& lexicon, std::string_view text) {
  EXPECT_EQ(Describe(lexicon.Check(text)),
            Describe(CheckFully(LexiconAccess::Impl(lexicon), text)))
      << "text: " << ::testing::PrintToString(std::string(text));
  return ProvesClean(lexicon, text);
}

// The parameter: with ManyWords() (a TripleFilter) or without (a PairFilter).
class PrefilterTest : public ::testing::TestWithParam<bool> {
 protected:
  std::shared_ptr<const Lexicon> lexicon_ = Compile(kLexicon, GetParam());
};

TEST_P(PrefilterTest, ProvesCleanChineseClean) {
  for (const char* text :
       {"", "今天天气不错，大家好！", "博客写得真好。彩虹很美", "刷牙 单车",
        "买了3个，花了25元😀", "一二三四五", "「引号」…—～", "博\n"}) {
    EXPECT_TRUE(ProvesClean(*lexicon_, text)) << text;
    ExpectSameVerdict(*lexicon_, text);
  }
}

TEST_P(PrefilterTest, PassesWordsInEveryDisguise) {
  for (const char* text :
       {"欢迎来到博彩网站", "博 彩", "博，彩", "博😀彩", "博\u200b彩", "博！彩",
        "博*彩", "博@彩", "刷單" /* traditional */,
        "ｘ博彩" /* after a full-width letter */, "八 八 八",
        "打１１０" /* full-width digits */}) {
    EXPECT_FALSE(ProvesClean(*lexicon_, text)) << text;
    EXPECT_NE(lexicon_->Check(text).action, Action::kAllow) << text;
  }
}

TEST_P(PrefilterTest, ExceptionWordsAreNotPatterns) {
  // An exception word alone makes no match, so its first characters must
  // not send text to the full pipeline; with a keyword, verdicts agree.
  auto lexicon =
      Compile("百家乐\tg\tblock\n上百家乐器\tx\tallow\n", GetParam());
  // The exception's first pair (PairFilter), its first triple
  // (TripleFilter).
  EXPECT_TRUE(ProvesClean(*lexicon, GetParam() ? "上百家" : "上百"));
  for (const char* text : {"上百家乐器行", "百家乐", "上百家乐", "上百家"}) {
    ExpectSameVerdict(*lexicon, text);
  }
  EXPECT_EQ(lexicon->Check("上百家乐器行").action, Action::kAllow);
  EXPECT_EQ(lexicon->Check("上百家乐").action, Action::kBlock);
}

TEST_P(PrefilterTest, LeavesToTheFullPipeline) {
  for (const char* text : {
           "hello",                   // Latin letters: leetspeak, URLs.
           "ｈｉ",                    // Full-width Latin.
           "⑩",                       // An expansion.
           "ﬁ",                       // Another.
           "13800138000",             // A phone number's run of digits.
           "138-0013-8000",           // Noise does not end a run.
           "一三八零零一三八零零零",  // Chinese numerals count.
           "加微信",                  // A contact keyword.
           "\xff",                    // Invalid UTF-8...
           "\xe5\x8d",                // ...truncated,
           "好\xe5\x8d",              // ...at the end of the text,
           "\xe0\x80\xaf",            // ...overlong,
           "\xed\xa0\x80",            // ...a surrogate,
           "\xe5\x8d\x28",            // ...a bad continuation byte,
           "\xf4\x90\x80\x80"         // ...beyond U+10FFFF.
       }) {
    EXPECT_FALSE(ProvesClean(*lexicon_, text))
        << ::testing::PrintToString(std::string(text));
    ExpectSameVerdict(*lexicon_, text);
  }
  // Ten digits, or a run that a character breaks, cannot hold a phone.
  EXPECT_TRUE(ProvesClean(*lexicon_, "1380013800"));
  EXPECT_TRUE(ProvesClean(*lexicon_, "138001和38000"));
}

TEST_P(PrefilterTest, LongTextsAndBlockEdges) {
  // The main loop works in 64-byte blocks and stops two bytes short of the
  // end: put the word at every offset of a long text.
  const std::string filler = "今天天气不错，大家好！";
  for (size_t ascii = 0; ascii < 3; ++ascii) {
    for (size_t at = 0; at <= 3 * filler.size(); at += 3) {
      std::string text = std::string(ascii, ' ') + filler + filler + filler;
      ExpectSameVerdict(*lexicon_, text);
      text.insert(ascii + at, "博彩");
      EXPECT_FALSE(ProvesClean(*lexicon_, text)) << text;
      ExpectSameVerdict(*lexicon_, text);
    }
  }
}

TEST_P(PrefilterTest, PhoneDetectorOff) {
  EngineOptions options;
  options.contact.phone = Action::kAllow;
  const auto lexicon = Compile(kLexicon, GetParam(), options);
  EXPECT_TRUE(ProvesClean(*lexicon, "13800138000"));
  ExpectSameVerdict(*lexicon, "13800138000");
}

TEST_P(PrefilterTest, OneCharacterWords) {
  const auto lexicon =
      Compile("赌\tgambling\tblock\n8\tspam\treview\n", GetParam());
  EXPECT_TRUE(ProvesClean(*lexicon, "今天天气不错"));
  for (const char* text : {"赌", "好赌", "賭", "他8", "８"}) {
    EXPECT_FALSE(ProvesClean(*lexicon, text)) << text;
    EXPECT_NE(lexicon->Check(text).action, Action::kAllow) << text;
  }
}

TEST(PrefilterOptionsTest, PrefixFilterBucketOverflows) {
  // Forty words ending in the same two characters: their triples share one
  // bucket of the TripleFilter, which holds sixteen.
  std::string tsv;
  std::vector<std::string> words;
  for (char32_t c = 0x4E00; c < 0x4E00 + 40; ++c) {
    std::string word;
    AppendUtf8(c, &word);
    words.push_back(word + "乐园");
    tsv += words.back() + "\tspam\treview\n";
  }
  const auto lexicon = Compile(tsv, /*large=*/true);
  // Found, whatever the word rule makes of it (去世 cuts 世乐园 and
  // downgrades it to allow, still reported).
  for (const std::string& word : words) {
    EXPECT_FALSE(lexicon->Check("去" + word + "玩").matches.empty()) << word;
  }
}

TEST(PrefilterOptionsTest, LargeLexiconsHaveATripleFilter) {
  EXPECT_FALSE(HasTripleFilter(*DefaultLexicon()));
  EXPECT_TRUE(HasTripleFilter(*CompileTsv(ManyWords())));
}

TEST_P(PrefilterTest, VariantSpellingsArePatterns) {
  // A word's regional and Japanese spellings (internal/variants.h) are
  // patterns of their own, with first pairs and triples of their own.
  auto lexicon =
      Compile("百家乐\tg\tblock\n点击链接领取\ts\treview\n", GetParam());
  for (const char* text : {"百家楽", "來玩百家楽", "點選連結領取",
                           "点选链接领取", "點擊連結領取"}) {
    EXPECT_FALSE(ProvesClean(*lexicon, text)) << text;
    EXPECT_NE(lexicon->Check(text).action, Action::kAllow) << text;
    ExpectSameVerdict(*lexicon, text);
  }
}

// Random texts from pieces chosen to hit every rule the prefilter relies
// on: words and their variants, noise of every kind, digits in every form,
// leetspeak symbols next to Latin letters, expansions, and malformed bytes.
TEST_P(PrefilterTest, RandomTextsAgreeWithTheFullPipeline) {
  const char* const pieces[] = {"博",
                                "彩",
                                "傻",
                                "逼",
                                "刷",
                                "单",
                                "單",
                                "尊",
                                "龙",
                                "龍",
                                "旗",
                                "舰",
                                "厅",
                                "八",
                                "捌",
                                "扣",
                                "微",
                                "信",
                                "企",
                                "鹅",
                                "赌",
                                "今",
                                "天",
                                "好",
                                "的",
                                "一",
                                "三",
                                "两",
                                "零",
                                "幺",
                                "洞",
                                "1",
                                "3",
                                "8",
                                "0",
                                "１",
                                "①",
                                "⑩",
                                "a",
                                "g",
                                "f",
                                "u",
                                "c",
                                "k",
                                "q",
                                "v",
                                "x",
                                "A",
                                "ｆ",
                                "ß",
                                "ﬁ",
                                "é",
                                " ",
                                "，",
                                "。",
                                "！",
                                "!",
                                "@",
                                "$",
                                "*",
                                "＊",
                                ".",
                                "-",
                                "😀",
                                "\u200b",
                                "\U000E0041",
                                "\n",
                                "点",
                                "com",
                                "www.",
                                "\xff",
                                "\xe5\x8d",
                                "\xe0\x80\xaf",
                                "\xed\xa0\x80",
                                "\xc0\xaf",
                                "\xf4\x90\x80\x80",
                                "\x80",
                                "𝐟"};
  EngineOptions tight;
  tight.max_gap = 0;
  tight.contact.url = Action::kAllow;
  const std::shared_ptr<const Lexicon> lexicons[] = {
      lexicon_,
      Compile("赌\tgambling\tblock\n8\tspam\treview\n零一\tx\tmask\n",
              GetParam()),
      Compile(kLexicon, GetParam(), tight)};
  // Words of the lexicons below, put in whole or spelled out with noise.
  const char* const words[] = {"博彩",        "傻逼",          "刷单", "旗舰厅",
                               "八八八",      "110",           "赌",   "零一",
                               "扣扣",        "微信",          "fuck", "qq",
                               "13800138000", "三八零零一三八"};
  const char* const noise[] = {" ",          "，",     "！", "!", "@",
                               "$",          "*",      ".",  "😀", "\u200b",
                               "\U000E0041", "  \n  ", "ｘ"};
  std::mt19937 rng(20261129);
  size_t proved = 0;
  size_t texts = 0;
  for (const auto& lexicon : lexicons) {
    for (int i = 0; i < 5000; ++i) {
      std::string text;
      const int n = static_cast<int>(rng() % 40);
      // Mostly one kind of text per sample, so that clean ones occur.
      const size_t span = 1 + rng() % std::size(pieces);
      const size_t base = rng() % (std::size(pieces) - span + 1);
      for (int k = 0; k < n; ++k) {
        if (rng() % 8 != 0) {
          text += pieces[base + rng() % span];
          continue;
        }
        const std::string_view word = words[rng() % std::size(words)];
        const char* const gap =
            rng() % 2 ? "" : noise[rng() % std::size(noise)];
        for (size_t b = 0; b < word.size(); ++b) {
          text += word[b];
          // After each whole character.
          if (b + 1 < word.size() && (word[b + 1] & 0xC0) != 0x80) text += gap;
        }
      }
      proved += ExpectSameVerdict(*lexicon, text);
      ++texts;
    }
  }
  // Both outcomes occur, so both paths were compared.
  EXPECT_GT(proved, texts / 20);
  EXPECT_LT(proved, texts - texts / 20);
}

TEST(PrefilterDefaultLexiconTest, RandomTextsAgreeWithTheFullPipeline) {
  // The shipped lexicon's words, spelled out with noise, among clean text.
  std::mt19937 rng(7);
  const char* const pieces[] = {
      "博", "彩", "赌", "场", "人生就是博", "加", "微信", "扣扣", "今天", "，",
      " ",  "😀",  "1",  "3",  "a",          "qq", "！",   "点",   "com"};
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    for (int k = static_cast<int>(rng() % 20); k > 0; --k) {
      text += pieces[rng() % std::size(pieces)];
    }
    ExpectSameVerdict(*DefaultLexicon(), text);
  }
}

INSTANTIATE_TEST_SUITE_P(SmallAndLarge, PrefilterTest, ::testing::Bool());

}  // namespace
}  // namespace moderation::internal
