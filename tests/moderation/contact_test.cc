// The contact-spam detectors, through Lexicon::Check with an empty lexicon.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "moderation/moderation.h"
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

using ::moderation::testing::Spans;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::shared_ptr<const Lexicon> Detectors(
    ContactOptions contact = ContactOptions()) {
  EngineOptions options;
  options.contact = contact;
  auto lexicon = Lexicon::Compile({}, options);
  EXPECT_TRUE(lexicon.ok()) << lexicon.status();
  return lexicon.ok() ? *lexicon : nullptr;
}

TEST(PhoneTest, MobileNumbersInAnyDigitForm) {
  auto lexicon = Detectors();
  EXPECT_THAT(Spans(*lexicon, "电话13812345678"), ElementsAre("<phone>@2-13"));
  EXPECT_THAT(Spans(*lexicon, "１３８１２３４５６７８"),
              ElementsAre("<phone>@0-11"));
  EXPECT_THAT(Spans(*lexicon, "①③⑧①②③④⑤⑥⑦⑧"), ElementsAre("<phone>@0-11"));
  EXPECT_THAT(Spans(*lexicon, "138-1234-5678"), ElementsAre("<phone>@0-13"));
  EXPECT_THAT(Spans(*lexicon, "1 3 8 1 2 3 4 5 6 7 8"),
              ElementsAre("<phone>@0-21"));
  EXPECT_THAT(Spans(*lexicon, "一三八一二三四五六七八"),
              ElementsAre("<phone>@0-11"));
  EXPECT_THAT(Spans(*lexicon, "幺叁捌 壹贰叁肆 伍陆柒捌"),
              ElementsAre("<phone>@0-13"));
  EXPECT_THAT(Spans(*lexicon, "+86 13812345678"), ElementsAre("<phone>@1-15"));
  EXPECT_THAT(Spans(*lexicon, "13812345678 13912345678"),
              ElementsAre("<phone>@0-11", "<phone>@12-23"));
}

TEST(PhoneTest, OtherNumbersPass) {
  auto lexicon = Detectors();
  for (const char* text :
       {"订单号1381234567890", "2023年11月29日", "价格12345678901元起",
        "1234567", "编号 23812345678", "一二三四五"}) {
    EXPECT_THAT(Spans(*lexicon, text), IsEmpty()) << text;
  }
}

TEST(PhoneTest, NumbersWrittenAsNumbersPass) {
  auto lexicon = Detectors();
  for (const char* text :
       {"总投资约15,000,000,000元", "$15,000,000,000",
        "１５,０００,０００,０００", "13,812,345,678",
        "收入1,381,234,567.50元，", "升级到Chrome 138.0.7204.157",
        "139.24.105.123", "15,000,000,000，增长"}) {
    EXPECT_THAT(Spans(*lexicon, text), IsEmpty()) << text;
  }
  // Separators that are no number's: still a phone.
  EXPECT_THAT(Spans(*lexicon, "138,1234,5678"), ElementsAre("<phone>@0-13"));
  EXPECT_THAT(Spans(*lexicon, "138.1234.5678"), ElementsAre("<phone>@0-13"));
  EXPECT_THAT(Spans(*lexicon, "86.138.1234.5678"), ElementsAre("<phone>@0-16"));
  EXPECT_THAT(Spans(*lexicon, "1,3,8,1,2,3,4,5,6,7,8"),
              ElementsAre("<phone>@0-21"));
}

TEST(PhoneTest, ManyNumbersInOneRunOfDigitsAndCommas) {
  // Candidates in one run of number characters share one reading of it.
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "13812345678,";
  const Verdict v = Detectors()->Check(text);
  EXPECT_EQ(v.action, Action::kReview);
  EXPECT_EQ(v.masked.find_first_of("0123456789"), std::string::npos);
  EXPECT_EQ(Detectors()->Check("1,381,234,567,813,812,345,678").action,
            Action::kAllow);
}

TEST(PhoneTest, LetterOForZero) {
  auto lexicon = Detectors();
  EXPECT_THAT(Spans(*lexicon, "139O1234567"), ElementsAre("<phone>@0-11"));
  EXPECT_THAT(Spans(*lexicon, "加我13O12345678"), ElementsAre("<phone>@2-13"));
  EXPECT_THAT(Spans(*lexicon, "1390o234567"), ElementsAre("<phone>@0-11"));
  // Only between two digits, and one O at a time.
  for (const char* text : {"1391234567O", "139OO234567", "139 O 1234567"}) {
    EXPECT_THAT(Spans(*lexicon, text), IsEmpty()) << text;
  }
}

TEST(ContactIdTest, QqAndWechat) {
  auto lexicon = Detectors();
  EXPECT_THAT(Spans(*lexicon, "加qq12345678"), ElementsAre("<qq>@1-11"));
  EXPECT_THAT(Spans(*lexicon, "扣扣：1234567"), ElementsAre("<qq>@0-10"));
  EXPECT_THAT(Spans(*lexicon, "QQ号 ９８７６５４３"), ElementsAre("<qq>@0-11"));
  EXPECT_THAT(Spans(*lexicon, "加微信abc_12345"), ElementsAre("<wechat>@1-12"));
  EXPECT_THAT(Spans(*lexicon, "薇信 hello2024"), ElementsAre("<wechat>@0-12"));
  EXPECT_THAT(Spans(*lexicon, "vx：shop888"), ElementsAre("<wechat>@0-10"));
  EXPECT_THAT(Spans(*lexicon, "Q Q ：987654321"), ElementsAre("<qq>@0-14"));
  EXPECT_THAT(Spans(*lexicon, "w x abc12345"), ElementsAre("<wechat>@0-12"));
  // Letters alone: an id when glued or introduced, a word after a space.
  EXPECT_THAT(Spans(*lexicon, "微信：zhangsanfeng"),
              ElementsAre("<wechat>@0-15"));
  EXPECT_THAT(Spans(*lexicon, "微信号 zhangsanfeng"),
              ElementsAre("<wechat>@0-16"));
  EXPECT_THAT(Spans(*lexicon, "微信zhangsanfeng"),
              ElementsAre("<wechat>@0-14"));
  EXPECT_THAT(Spans(*lexicon, "微信 zhang_san"), ElementsAre("<wechat>@0-12"));
  // A keyword with no id after it is conversation, not spam.
  for (const char* text :
       {"我用微信支付", "qq音乐很好听", "微信 123", "qq 0123456", "vx",
        "I paid with 微信 yesterday at the market.", "微信 zhangsanfeng"}) {
    EXPECT_THAT(Spans(*lexicon, text), IsEmpty()) << text;
  }
}

TEST(UrlTest, LinksAndDomains) {
  auto lexicon = Detectors();
  EXPECT_THAT(Spans(*lexicon, "看 https://evil.example/x?a=1 吧"),
              ElementsAre("<url>@2-28"));
  EXPECT_THAT(Spans(*lexicon, "www.abc123.com"), ElementsAre("<url>@0-14"));
  EXPECT_THAT(Spans(*lexicon, "访问abc点com"), ElementsAre("<url>@2-9"));
  EXPECT_THAT(Spans(*lexicon, "ｗｗｗ。ａｂｃ。ｃｎ"),
              ElementsAre("<url>@0-10"));
  EXPECT_THAT(Spans(*lexicon, "go to bet-win.vip/reg now"),
              ElementsAre("<url>@6-21"));
  for (const char* text :
       {"e.g. this", "版本 1.2.3", "hello.world", "node.js 很好", "3.14"}) {
    EXPECT_THAT(Spans(*lexicon, text), IsEmpty()) << text;
  }
}

TEST(UrlTest, BrokenUpLinks) {
  auto lexicon = Detectors();
  EXPECT_THAT(Spans(*lexicon, "xpj888 . com"), ElementsAre("<url>@0-12"));
  EXPECT_THAT(Spans(*lexicon, "xpj888 。 com"), ElementsAre("<url>@0-12"));
  EXPECT_THAT(Spans(*lexicon, "上 xpj888 .com 玩"), ElementsAre("<url>@2-13"));
  EXPECT_THAT(Spans(*lexicon, "xpj888[.]com"), ElementsAre("<url>@0-12"));
  EXPECT_THAT(Spans(*lexicon, "xpj888 (dot) com"), ElementsAre("<url>@0-16"));
  EXPECT_THAT(Spans(*lexicon, "xpj888【.】vip"), ElementsAre("<url>@0-12"));
  EXPECT_THAT(Spans(*lexicon, "w w w . x p j 8 8 8 . c o m"),
              ElementsAre("<url>@0-27"));
  EXPECT_THAT(Spans(*lexicon, "h t t p s : / / xpj888 . vip"),
              ElementsAre("<url>@0-28"));
  EXPECT_THAT(Spans(*lexicon, "visit w w w . x p j . c o m now"),
              ElementsAre("<url>@6-27"));
  // Prose: a full stop with no space before it ends a sentence, and words
  // spelled with spaces are not single characters.
  ContactOptions links_only;
  links_only.phone = Action::kAllow;
  lexicon = Detectors(links_only);
  for (const char* text :
       {"the end. Net income rose", "He said no. Co workers agreed",
        "Remember the dot com bubble of 2000?", "1 3 8 . 1 2 3 4 . 5 6 7 8",
        "I am a com pany", "smile (.) please"}) {
    EXPECT_THAT(Spans(*lexicon, text), IsEmpty()) << text;
  }
}

TEST(ContactOptionsTest, ActionsAreConfigurable) {
  ContactOptions contact;
  contact.phone = Action::kBlock;
  contact.url = Action::kAllow;  // Off.
  contact.wechat = Action::kMask;
  auto lexicon = Detectors(contact);
  EXPECT_EQ(lexicon->Check("13812345678").action, Action::kBlock);
  EXPECT_EQ(lexicon->Check("www.abc.com").action, Action::kAllow);
  const Verdict v = lexicon->Check("微信abc12345");
  EXPECT_EQ(v.action, Action::kMask);
  EXPECT_EQ(v.masked, "＊＊＊＊＊＊＊＊＊＊");
  ASSERT_EQ(v.matches.size(), 1u);
  EXPECT_EQ(v.matches[0].category, "contact");
}

}  // namespace
}  // namespace moderation
