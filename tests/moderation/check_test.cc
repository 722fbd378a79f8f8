// Lexicon::Check: matching through each evasion class, whole-word rules,
// spans in original code points, masking and the verdict.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderation/moderation.h"
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

using ::moderation::testing::CompileTsv;
using ::moderation::testing::Hits;
using ::moderation::testing::Spans;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kLexicon[] =
    "博彩\tgambling\tblock\n"
    "fuck\tabuse\tmask\n"
    "shit\tabuse\tmask\n"
    "ass\tabuse\tmask\n"
    "cunt\tabuse\tmask\n"
    "傻逼\tabuse\tmask\n"
    "刷单\tfraud\treview\n"
    "尊龙ag旗舰厅\tgambling\tblock\n"
    "sex\tadult\treview\tmatch=any\n"
    "中奖\tspam\treview\tmatch=word\n";

class CheckTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Lexicon> lexicon_ = CompileTsv(kLexicon);
};

TEST_F(CheckTest, PlainWordsAndSpans) {
  EXPECT_THAT(Spans(*lexicon_, "欢迎来到博彩网站"), ElementsAre("博彩@4-6"));
  EXPECT_THAT(Spans(*lexicon_, "what the fuck"), ElementsAre("fuck@9-13"));
  EXPECT_THAT(Spans(*lexicon_, "今天天气不错"), IsEmpty());
}

TEST_F(CheckTest, NoiseBetweenCharacters) {
  for (const char* text :
       {"博 彩", "博.彩", "博😀彩", "博\u200b彩", "博\n彩", "博-_-彩",
        "博\u3000彩", "博️彩", "博♥彩", "【博】【彩】"}) {
    EXPECT_TRUE(Hits(*lexicon_, text)) << text;
  }
  EXPECT_THAT(Spans(*lexicon_, "x博😀彩x"), ElementsAre("博彩@1-4"));
}

TEST(ClauseTest, ClauseMarkBetweenTwoWordsEndsAMatch) {
  auto lexicon = CompileTsv(
      "援交\ta\tblock\n彩金\tg\treview\n去死\tabuse\treview\n"
      "百家乐\tg\tblock\n人生就是博\tg\tblock\n");
  // Two or more Chinese characters on both sides: a real clause break.
  for (const char* text :
       {"消防、支援、交通部门已经到位。", "这款手机的色彩、金属边框",
        "他宁愿回去，死也不肯", "色彩！金属", "色彩 ， 金属", "色彩,金属"}) {
    EXPECT_FALSE(Hits(*lexicon, text)) << text;
  }
  // Single characters between separators are evasion; other separators
  // never break a word.
  for (const char* text :
       {"百，家，乐", "百、家、乐稳赢", "援，交", "去，死吧", "人生·就是·博",
        "人生…就是博", "人生.就是.博"}) {
    EXPECT_TRUE(Hits(*lexicon, text)) << text;
  }
  // Without any mark, 彩金 in 色彩金属 crosses the words 色彩 and 金属:
  // the word-boundary rule, not this one, lets it pass (precision_test).
  EXPECT_FALSE(Hits(*lexicon, "色彩金属"));
  // The price of the rule: words of two split at clause marks pass.
  EXPECT_FALSE(Hits(*lexicon, "人生，就是，博官网"));
}

TEST_F(CheckTest, GapLongerThanMaxGapSplitsWords) {
  EXPECT_TRUE(Hits(*lexicon_, "博........彩"));    // 8: allowed.
  EXPECT_FALSE(Hits(*lexicon_, "博.........彩"));  // 9: too far.
}

TEST_F(CheckTest, UnicodeFolding) {
  for (const char* text :
       {"ＦＵＣＫ", "FuCk", "ｆｕｃｋ", "𝐟𝐮𝐜𝐤", "ⓕⓤⓒⓚ", "fυck" /* Greek */,
        "fuсk" /* Cyrillic */, "fück", "🅵🆄🅲🅺", "ꜰᴜᴄᴋ", "ƒuck"}) {
    EXPECT_TRUE(Hits(*lexicon_, text)) << text;
  }
}

TEST_F(CheckTest, TraditionalChinese) {
  EXPECT_THAT(Spans(*lexicon_, "尊龍ag旗艦廳官網"),
              ElementsAre("尊龙ag旗舰厅@0-7"));
  EXPECT_TRUE(Hits(*lexicon_, "傻逼"));
  EXPECT_TRUE(Hits(*lexicon_, "刷單"));
}

TEST_F(CheckTest, RepeatedLettersAndLeetspeak) {
  for (const char* text :
       {"fuuuuck", "ffffuck", "sh1t", "sh!t", "f*ck", "f**k", "sh*t", "f.u.c.k",
        "f u c k", "f*u*c*k", "$hit", "@ss", "a$$", "c*nt", "h0ly sh1t"}) {
    EXPECT_TRUE(Hits(*lexicon_, text)) << text;
  }
}

TEST_F(CheckTest, AtAndDollarAtWordEdgesAreLettersOrSeparators) {
  // Read as separators: an @-mention, a price sign.
  EXPECT_THAT(Spans(*lexicon_, "@fuck off"), ElementsAre("fuck@1-5"));
  for (const char* text :
       {"$fuck", "fuck$", "#fuck", "你好@fuck", "@@fuck", "fuck$$"}) {
    EXPECT_TRUE(Hits(*lexicon_, text)) << text;
  }
  // Read as letters, where only that makes the word.
  EXPECT_THAT(Spans(*lexicon_, "@ss"), ElementsAre("ass@0-3"));
  EXPECT_THAT(Spans(*lexicon_, "a$$"), ElementsAre("ass@0-3"));
  EXPECT_THAT(Spans(*lexicon_, "$hit"), ElementsAre("shit@0-4"));
  // Chinese glued to it does not make '@' part of a word.
  EXPECT_THAT(Spans(*lexicon_, "尊龙@g旗舰厅"),
              ElementsAre("尊龙ag旗舰厅@0-7"));
  // Still whole words: a real letter glued on (to "ass", which grows only
  // by inflections; "fuck" grows by anything, internal/affixes.h).
  for (const char* text : {"@assx", "x@ass", "@assistant", "US$5 shitake"}) {
    EXPECT_FALSE(Hits(*lexicon_, text)) << text;
  }
}

TEST_F(CheckTest, DoubledLetterMustStayDoubled) {
  EXPECT_TRUE(Hits(*lexicon_, "kiss my ass"));
  EXPECT_FALSE(Hits(*lexicon_, "as you wish"));
  EXPECT_TRUE(Hits(*lexicon_, "asssss"));
  // Spelled out, a doubled letter is written twice.
  EXPECT_THAT(Spans(*lexicon_, "a s s"), ElementsAre("ass@0-5"));
  EXPECT_TRUE(Hits(*lexicon_, "a.s.s"));
  for (const char* text : {"a s", "as s", "a ss x", "such as s and t"}) {
    EXPECT_FALSE(Hits(*lexicon_, text)) << text;
  }
}

TEST(CompileTest, WordsStartingWithDigitsKeepThem) {
  auto lexicon = CompileTsv("91porn\tadult\tblock\n51av\tadult\tblock\n");
  for (const char* text : {"91porn", "91 porn", "9 1 p o r n", "91-porn",
                           "９１ｐｏｒｎ", "51av"}) {
    EXPECT_TRUE(Hits(*lexicon, text)) << text;
  }
}

TEST_F(CheckTest, VForU) {
  EXPECT_THAT(Spans(*lexicon_, "fvck this"), ElementsAre("fuck@0-4"));
  EXPECT_TRUE(Hits(*lexicon_, "CVNT"));
  EXPECT_TRUE(Hits(*lexicon_, "fvcking"));  // An inflection (affixes.h).
}

TEST_F(CheckTest, LatinWholeWordByDefault) {
  for (const char* text :
       {"Scunthorpe", "classic", "assistant", "passage", "shitake", "cocktail",
        "a s s i s t a n t", "a.s.s.i.s.t", "mass", "bass guitar", "assassin",
        "embarrassment", "shuttlecock", "Essex" /* any: sex */}) {
    const bool expect = std::string(text) == "Essex";
    EXPECT_EQ(Hits(*lexicon_, text), expect) << text;
  }
  EXPECT_TRUE(Hits(*lexicon_, "pass shit"));
  EXPECT_TRUE(Hits(*lexicon_, "fuck2u"));
  EXPECT_TRUE(Hits(*lexicon_, "中文fuck中文"));
}

TEST_F(CheckTest, CjkEntryCanRequireWholeWord) {
  EXPECT_TRUE(Hits(*lexicon_, "恭喜中奖"));
  EXPECT_FALSE(Hits(*lexicon_, "中奖abc"));
}

TEST_F(CheckTest, VerdictIsStrongestAction) {
  const Verdict v = lexicon_->Check("刷单 fuck 博彩");
  EXPECT_EQ(v.action, Action::kBlock);
  ASSERT_EQ(v.matches.size(), 3u);
  EXPECT_EQ(v.matches[0].action, Action::kReview);
  EXPECT_EQ(v.matches[0].category, "fraud");
  EXPECT_EQ(lexicon_->Check("fuck").action, Action::kMask);
  EXPECT_EQ(lexicon_->Check("hello").action, Action::kAllow);
}

TEST_F(CheckTest, MaskReplacesExactlyTheSpan) {
  EXPECT_EQ(lexicon_->Check("去博😀彩网站").masked, "去＊＊＊网站");
  EXPECT_EQ(lexicon_->Check("a f.u.c.k b").masked, "a ＊＊＊＊＊＊＊ b");
  EXPECT_EQ(lexicon_->Check("干净的评论").masked, "干净的评论");
}

TEST_F(CheckTest, InvalidUtf8IsToleratedAndRepaired) {
  const std::string text = "博\xff彩 \xe5\x8d";
  const Verdict v = lexicon_->Check(text);
  EXPECT_EQ(v.action, Action::kBlock);
  ASSERT_EQ(v.matches.size(), 1u);
  EXPECT_EQ(v.matches[0].start, 0u);
  EXPECT_EQ(v.matches[0].end, 3u);
  EXPECT_EQ(v.masked, "＊＊＊ \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(lexicon_->Check("ok\xc0").masked, "ok\xEF\xBF\xBD");
}

TEST_F(CheckTest, OverlappingEntriesAllReported) {
  auto lexicon =
      CompileTsv("博彩\tg\tblock\n博彩网\tg\treview\n彩网\tg\tmask\n");
  EXPECT_THAT(Spans(*lexicon, "博彩网"),
              ElementsAre("博彩@0-2", "博彩网@0-3", "彩网@1-3"));
}

TEST_F(CheckTest, ReportedMatchesAreCappedButAllMasked) {
  EngineOptions options;
  options.max_reported_matches = 2;
  auto lexicon = CompileTsv("博彩\tg\tmask\n", options);
  const Verdict v = lexicon->Check("博彩博彩博彩");
  EXPECT_EQ(v.matches.size(), 2u);
  EXPECT_EQ(v.masked, "＊＊＊＊＊＊");
}

TEST_F(CheckTest, LongTextThenShortText) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "今天 天气不错，";
  text += "博彩";
  const Verdict v = lexicon_->Check(text);
  ASSERT_EQ(v.matches.size(), 1u);
  EXPECT_EQ(v.matches[0].start, 800000u);
  EXPECT_EQ(v.matches[0].end, 800002u);
  // The thread's buffers were released; the next call still works.
  EXPECT_THAT(Spans(*lexicon_, "博彩"), ElementsAre("博彩@0-2"));
}

TEST(CompileTest, RejectsBadEntriesAndOptions) {
  std::vector<LexiconEntry> entries = {{"!!!", "x", Action::kBlock}};
  entries[0].line = 7;
  auto lexicon = Lexicon::Compile(entries, EngineOptions());
  EXPECT_EQ(lexicon.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(lexicon.status().message()),
              ::testing::HasSubstr("line 7"));
  entries = {{"ok", "x", Action::kAllow}};  // An exception word.
  EXPECT_TRUE(Lexicon::Compile(entries, EngineOptions()).ok());
  entries = {{"!!!", "x", Action::kAllow}};
  EXPECT_FALSE(Lexicon::Compile(entries, EngineOptions()).ok());
  entries = {{std::string(65, 'a') + "b", "x", Action::kBlock}};
  EXPECT_TRUE(Lexicon::Compile(entries, EngineOptions()).ok());  // Runs fold.
  std::string long_word;
  for (int i = 0; i < 65; ++i) long_word += "博彩";
  entries = {{long_word, "x", Action::kBlock}};
  EXPECT_FALSE(Lexicon::Compile(entries, EngineOptions()).ok());
  EngineOptions bad;
  bad.max_gap = -1;
  EXPECT_FALSE(Lexicon::Compile({}, bad).ok());
}

TEST(CompileTest, ValidateEntryAgreesWithCompile) {
  const std::vector<LexiconEntry> cases = {
      {"博彩", "g", Action::kBlock},
      {"!!!", "g", Action::kBlock},
      {"ok", "g", Action::kAllow},
      {"...", "g", Action::kAllow},
      {"f*ck", "g", Action::kMask},
      {std::string(200, 'x') + "y", "g", Action::kMask}};
  for (const LexiconEntry& e : cases) {
    EXPECT_EQ(ValidateLexiconEntry(e).ok(),
              Lexicon::Compile({e}, EngineOptions()).ok())
        << e.word;
  }
  EXPECT_TRUE(ValidateLexiconEntry(cases[0]).ok());
  EXPECT_FALSE(ValidateLexiconEntry(cases[1]).ok());
}

TEST(ExceptionTest, ExceptionWordsCancelTheMatchesInsideThem) {
  auto lexicon = CompileTsv(
      "百家乐\tg\tblock\n刷单\tf\tblock\n乐器行\tx\treview\n"
      "casino\tg\treview\n"
      "百家乐器\tx\tallow\n刷单词\tx\tallow\ncassino\tplace\tallow\n"
      "asp.net\ttech\tallow\n");
  for (const char* text :
       {"我每天都在刷单词卡", "刷 單 詞", "The Battle of Monte Cassino",
        "我用ASP.NET写了一个小网站", "百家乐器"}) {
    EXPECT_FALSE(Hits(*lexicon, text)) << text;
  }
  // A match reaching outside the exception stands, as do the others.
  EXPECT_THAT(Spans(*lexicon, "上百家乐器行"), ElementsAre("乐器行@3-6"));
  EXPECT_THAT(Spans(*lexicon, "刷单兼职，刷单词"), ElementsAre("刷单@0-2"));
  EXPECT_THAT(Spans(*lexicon, "百家乐 百家乐器"), ElementsAre("百家乐@0-3"));
  EXPECT_TRUE(Hits(*lexicon, "casino"));
  EXPECT_TRUE(Hits(*lexicon, "caaasino"));  // Not the exception's spelling.
  EXPECT_TRUE(Hits(*lexicon, "asp.net.com"));
  // Exceptions are never reported and leave the text unmasked.
  const Verdict v = lexicon->Check("上百家乐器行");
  ASSERT_EQ(v.matches.size(), 1u);
  EXPECT_EQ(v.masked, "上百家＊＊＊");
}

TEST(DefaultLexiconTest, InflectedFormsAndSlang) {
  auto lexicon = ::moderation::testing::DefaultLexicon();
  for (const char* text :
       {"what the fucking hell", "you motherfucker", "this is bullshit",
        "a shitty article", "fvcking", "f*cking", "fuckoff", "菠菜网站推荐",
        "最好的菠菜平台", "bjl稳赢计划", "人生就是搏"}) {
    EXPECT_TRUE(Hits(*lexicon, text)) << text;
  }
  for (const char* text : {"今天的菠菜很新鲜", "Dickens", "shitake", "BJLs"}) {
    EXPECT_FALSE(Hits(*lexicon, text)) << text;
  }
}

TEST(DefaultLexiconTest, ExceptionWords) {
  auto lexicon = ::moderation::testing::DefaultLexicon();
  for (const char* text :
       {"在这种情况下注意安全", "皮下注射胰岛素", "要增加群众的获得感",
        "动物园的老虎机灵得很", "Monte Cassino", "I learned ASP.NET",
        "Philip K. Dick's novels"}) {
    EXPECT_FALSE(Hits(*lexicon, text)) << text;
  }
  // The keywords themselves, and matches reaching past an exception.
  for (const char* text : {"百家乐", "下注明细", "加群领红包", "casino",
                           "asp.net.xpj888.com", "dick"}) {
    EXPECT_TRUE(Hits(*lexicon, text)) << text;
  }
}

TEST(CompileTest, EmptyLexiconStillRunsDetectors) {
  auto lexicon = Lexicon::Compile({}, EngineOptions());
  ASSERT_TRUE(lexicon.ok());
  EXPECT_EQ((*lexicon)->Check("hello").action, Action::kAllow);
  EXPECT_EQ((*lexicon)->Check("call 13812345678").action, Action::kReview);
  EXPECT_GT((*lexicon)->MemoryUsage(), 0u);
}

TEST_F(CheckTest, StandInsBetweenLetters) {
  for (const char* text : {"phuck", "PHUCK off", "fu(k", "fu（k", "sh1t"}) {
    EXPECT_TRUE(Hits(*lexicon_, text)) << text;
  }
  // Only between letters: an aside, a function, a sum, a phone.
  for (const char* text : {"(until 2025)", "f(x) = 1", "1+1", "the phone",
                           "C++ and C#", "(unt", "cun+"}) {
    EXPECT_FALSE(Hits(*lexicon_, text)) << text;
  }
}

TEST(LexiconSwapTest, OneForLAndPhForF) {
  auto lexicon = CompileTsv("slut\tabuse\tmask\nfag\tabuse\tmask\n");
  ASSERT_NE(lexicon, nullptr);
  EXPECT_TRUE(Hits(*lexicon, "s1ut"));
  EXPECT_TRUE(Hits(*lexicon, "phag"));
  EXPECT_FALSE(Hits(*lexicon, "slot"));
}

TEST_F(CheckTest, LookAlikesInEveryPosition) {
  // Cyrillic and Greek capitals read as the Latin capital they look like
  // (Greek Ν is N, not v; Ϲ is C, not o; І and Ι are I, not l), and the
  // lowercase letters shaped like small capitals as that letter (т, к).
  for (const char* text : {"ЅНІТ", "ϹUΝΤ", "сunт", "ѕhіт", "ƒuсκ"}) {
    EXPECT_TRUE(Hits(*lexicon_, text)) << text;
  }
  for (const char* text : {"Москва сегодня", "Καλημέρα σας"}) {
    EXPECT_FALSE(Hits(*lexicon_, text)) << text;
  }
}

TEST(RepeatTest, RepeatedCharactersFold) {
  auto lexicon = CompileTsv(
      "百家乐\tgambling\tblock\n嘻嘻哈\tspam\treview\n八八八\tspam\treview\n");
  ASSERT_NE(lexicon, nullptr);
  EXPECT_THAT(Spans(*lexicon, "来玩百家家乐乐"), ElementsAre("百家乐@2-7"));
  EXPECT_TRUE(Hits(*lexicon, "百百百家乐"));
  // A doubled character in a word stays a minimum.
  EXPECT_TRUE(Hits(*lexicon, "嘻嘻嘻哈"));
  EXPECT_FALSE(Hits(*lexicon, "嘻哈"));
  // Only glued repeats fold; numerals never do.
  EXPECT_FALSE(Hits(*lexicon, "百家，家乐"));
  EXPECT_TRUE(Hits(*lexicon, "八八八"));
  EXPECT_FALSE(Hits(*lexicon, "八八"));
}

}  // namespace
}  // namespace moderation
