// Precision without exception words: Chinese word boundaries from jieba's
// dictionary (Debian's python3-jieba, which scripts/deps.sh installs) and
// the warning context, on lexicons with no exception word at all.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderation/internal/segmenter.h"
#include "moderation/moderation.h"

namespace moderation {
namespace {

using ::testing::HasSubstr;

// Each word an entry of `action`, no exception words.
std::shared_ptr<const Lexicon> Compile(const std::vector<std::string>& words,
                                       Action action,
                                       EngineOptions options = {}) {
  std::vector<LexiconEntry> entries;
  for (const std::string& w : words) entries.push_back({w, "test", action});
  auto lexicon = Lexicon::Compile(entries, options);
  EXPECT_TRUE(lexicon.ok()) << lexicon.status();
  return lexicon.ok() ? *lexicon : nullptr;
}

const std::vector<std::string> kWords = {"色情", "加微信", "下注", "刷单",
                                         "畜生", "代考", "加群", "大麻",
                                         "他妈的", "去死"};

TEST(PrecisionTest, KeywordsAcrossTwoWordsAreAllowed) {
  const auto lexicon = Compile(kWords, Action::kReview);
  ASSERT_NE(lexicon, nullptr);
  struct Case {
    const char* text;
    const char* cue;  // The word the match cuts into.
  } cases[] = {
      {"景色情调都不错", "景色"},   {"增加微信支付功能", "增加"},
      {"楼下注册了新公司", "楼下"}, {"刷单车卡进站", "单车"},
      {"牲畜生活习性", "牲畜"},     {"新时代考验着每个人", "时代"},
      {"参加群众文化活动", "参加"}, {"以下注意事项", "以下"},
      {"上下注意安全", "上下"},     {"这可是个大麻烦", "麻烦"},
      {"过去死了很多人", "过去"},
  };
  for (const Case& c : cases) {
    const Verdict v = lexicon->Check(c.text);
    EXPECT_EQ(v.action, Action::kAllow) << c.text;
    EXPECT_EQ(v.masked, c.text) << "an allowed match is not masked";
    ASSERT_EQ(v.matches.size(), 1u) << c.text;
    EXPECT_EQ(v.matches[0].action, Action::kAllow);
    EXPECT_EQ(v.matches[0].downgrade, Downgrade::kInsideWord) << c.text;
    EXPECT_EQ(v.matches[0].cue, c.cue) << c.text;
  }
  EXPECT_EQ(lexicon->Check("我妈的拿手菜").action, Action::kAllow);
}

TEST(PrecisionTest, SpamWithTheSameKeywordsStillFires) {
  const auto lexicon = Compile(kWords, Action::kReview);
  ASSERT_NE(lexicon, nullptr);
  for (const char* spam :
       {"加微信abc12345领红包", "色情网站免费看", "在线下注赢大奖",
        "刷单返利，一单一结", "想赚钱就来刷单", "专业代考驾照",
        "进来加群领福利", "你这个畜生", "他妈的", "色情片", "卖大麻",
        // Noise inside a match is evasion, never a word boundary.
        "景色.情调", "楼下.注册"}) {
    const Verdict v = lexicon->Check(spam);
    EXPECT_EQ(v.action, Action::kReview) << spam;
    for (const Match& m : v.matches) {
      EXPECT_EQ(m.downgrade, Downgrade::kNone) << spam << " " << m.word;
    }
  }
}

TEST(PrecisionTest, BlockBecomesReviewInsideAWord) {
  const auto lexicon = Compile(kWords, Action::kBlock);
  ASSERT_NE(lexicon, nullptr);
  const Verdict v = lexicon->Check("景色情调");
  EXPECT_EQ(v.action, Action::kReview);
  ASSERT_EQ(v.matches.size(), 1u);
  EXPECT_EQ(v.matches[0].downgrade, Downgrade::kInsideWord);
  EXPECT_EQ(v.masked, "景＊＊调");
  EXPECT_EQ(lexicon->Check("色情网站").action, Action::kBlock);
}

TEST(PrecisionTest, TraditionalTextIsSegmentedAsSimplified) {
  const auto lexicon = Compile(kWords, Action::kReview);
  ASSERT_NE(lexicon, nullptr);
  const Verdict v = lexicon->Check("景色情調");
  EXPECT_EQ(v.action, Action::kAllow);
  ASSERT_EQ(v.matches.size(), 1u);
  EXPECT_EQ(v.matches[0].cue, "景色");
  EXPECT_EQ(lexicon->Check("色情網站").action, Action::kReview);
}

TEST(PrecisionTest, WarningsAreReviewAtMost) {
  const auto lexicon = Compile({"刷单", "裸聊", "escort", "色情"},
                               Action::kBlock);
  ASSERT_NE(lexicon, nullptr);
  struct Case {
    const char* text;
    const char* cue;
  } cases[] = {
      {"警惕刷单诈骗", "警惕"},
      {"谨防裸聊敲诈，保护自己", "谨防"},
      {"请举报色情网站", "举报"},
      {"Beware of escort scams", "Beware"},
      {"大家一定要當心刷单陷阱", "當心"},
  };
  for (const Case& c : cases) {
    const Verdict v = lexicon->Check(c.text);
    EXPECT_EQ(v.action, Action::kReview) << c.text;
    ASSERT_EQ(v.matches.size(), 1u) << c.text;
    EXPECT_EQ(v.matches[0].downgrade, Downgrade::kWarning) << c.text;
    EXPECT_EQ(v.matches[0].cue, c.cue) << c.text;
  }
  // A warning in an earlier sentence says nothing of this one.
  EXPECT_EQ(lexicon->Check("警惕！刷单返利").action, Action::kBlock);
  EXPECT_EQ(lexicon->Check("警惕诈骗。刷单返利，日结").action, Action::kBlock);
  EXPECT_EQ(lexicon->Check("刷单返利").action, Action::kBlock);
  // Review and mask stay what they are.
  const auto review = Compile({"刷单"}, Action::kReview);
  ASSERT_NE(review, nullptr);
  EXPECT_EQ(review->Check("警惕刷单诈骗").action, Action::kReview);
}

TEST(PrecisionTest, AMissingDictionaryIsAnError) {
  EngineOptions options;
  options.dictionary_path = "/nonexistent/dict.txt";
  auto lexicon = Lexicon::Compile({{"色情", "adult", Action::kBlock}}, options);
  ASSERT_FALSE(lexicon.ok());
  EXPECT_EQ(lexicon.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(lexicon.status().message()),
              HasSubstr("python3-jieba"));
  // Off: the documented degraded mode, where straddling matches stand.
  options.word_boundaries = WordBoundaries::kOff;
  const auto off = Compile({"色情"}, Action::kReview, options);
  ASSERT_NE(off, nullptr);
  EXPECT_EQ(off->Check("景色情调").action, Action::kReview);
}

TEST(PrecisionTest, IcuBreakIteratorIsTheAlternative) {
  EngineOptions options;
  options.word_boundaries = WordBoundaries::kIcu;
  const auto lexicon = Compile(kWords, Action::kReview, options);
  ASSERT_NE(lexicon, nullptr);
  EXPECT_EQ(lexicon->Check("景色情调").action, Action::kAllow);
  EXPECT_EQ(lexicon->Check("色情网站").action, Action::kReview);
}

TEST(PrecisionTest, TheDictionaryIsLoadedOncePerProcess) {
  auto first = internal::SharedWordDictionary(kDefaultDictionaryPath);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = internal::SharedWordDictionary(kDefaultDictionaryPath);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_GT((*first)->word_count(), 300000u);
  float log_p;
  EXPECT_TRUE((*first)->LogProbability(U"景色", &log_p));
  EXPECT_FALSE((*first)->LogProbability(U"加微信", &log_p));
}

TEST(SegmenterTest, FindsTheWordThatCutsAMatch) {
  auto dict = internal::SharedWordDictionary(kDefaultDictionaryPath);
  ASSERT_TRUE(dict.ok()) << dict.status();
  const float keyword = (*dict)->LogProbabilityOfCount(1);
  // 景色|情调: 色情 [1, 3) is cut by 景色 [0, 2).
  internal::Straddle s =
      internal::FindStraddle(**dict, U"景色情调", 1, 3, keyword);
  EXPECT_TRUE(s.found);
  EXPECT_EQ(s.word_start, 0u);
  EXPECT_EQ(s.word_end, 2u);
  EXPECT_GT(s.margin, 0);
  // 色情|网站: nothing cut.
  EXPECT_FALSE(internal::FindStraddle(**dict, U"色情网站", 0, 2, keyword).found);
  // A word holding the match is a compound (色情片), unless its own reading
  // cuts the match (大麻烦 is 大 + 麻烦).
  EXPECT_FALSE(internal::FindStraddle(**dict, U"看色情片", 1, 3, keyword).found);
  s = internal::FindStraddle(**dict, U"大麻烦", 0, 2, keyword);
  EXPECT_TRUE(s.found);
  EXPECT_EQ(s.word_start, 1u);
  EXPECT_EQ(s.word_end, 3u);
}

}  // namespace
}  // namespace moderation
