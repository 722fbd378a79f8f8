// The normalization table and the scanner (internal units), tested through
// the process-wide normalization table, whose values are code points.
#include "moderation/internal/scanner.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moderation/internal/normalizer.h"
#include "moderation/internal/utf8.h"

namespace moderation::internal {
namespace {

// The normalized text, with "(n)" after a folded run of n letters.
std::string Normalized(std::string_view text, int max_gap = 8) {
  const absl::StatusOr<CharTable>& table = NormalizationTable();
  EXPECT_TRUE(table.ok()) << table.status();
  std::vector<Unit> units;
  Scan(*table, text, max_gap, &units);
  std::string out;
  for (const Unit& u : units) {
    if (u.flags & kUnitBreak) {
      out += "|";
    } else if (u.sym == kWildcardCodePoint) {
      out += "?";
    } else {
      AppendUtf8(u.sym, &out);
    }
    if (u.run > 1) out += "(" + std::to_string(u.run) + ")";
  }
  return out;
}

TEST(NormalizationTest, CaseWidthCompatibility) {
  EXPECT_EQ(Normalized("ＡＢＣ abc ＡbＣ"), "abcabcabc");
  EXPECT_EQ(Normalized("①②③"), "123");
  EXPECT_EQ(Normalized("⑩"), "10");
  EXPECT_EQ(Normalized("ﬁne"), "fine");
  EXPECT_EQ(Normalized("𝐇𝐞𝐲"), "hey");
  EXPECT_EQ(Normalized("❶❷"), "12");
}

TEST(NormalizationTest, TraditionalToSimplified) {
  EXPECT_EQ(Normalized("尊龍旗艦廳"), "尊龙旗舰厅");
  EXPECT_EQ(Normalized("國語"), "国语");
  EXPECT_EQ(Normalized("简体字"), "简体字");
}

TEST(NormalizationTest, LookAlikesAndAccents) {
  EXPECT_EQ(Normalized("раураl"), "paypal");  // Cyrillic р, а, у.
  EXPECT_EQ(Normalized("ΚΟΑ"), "koa");        // Greek capitals.
  EXPECT_EQ(Normalized("fück café"), "fuckcafe");
  // Named after their letter: small capitals, hooked and script forms.
  EXPECT_EQ(Normalized("ꜰᴜᴄᴋ ƒuck ɡ ʙᴀᴄᴄᴀʀᴀᴛ"), "fuckfuckgbac(2)arat");
  EXPECT_EQ(Normalized("ɐǝ"), "ɐǝ");    // Turned letters are other letters.
  EXPECT_EQ(Normalized("mm"), "m(2)");  // Not "rnrn": ASCII stays itself.
  EXPECT_EQ(Normalized("カタカナ"), "カタカナ");
}

TEST(NormalizationTest, NoiseAndInvisibles) {
  EXPECT_EQ(Normalized("博\u200b\u200d\ufeff彩"), "博彩");
  EXPECT_EQ(Normalized("博😀👍🏻彩"), "博彩");
  EXPECT_EQ(Normalized("博，。！？…—彩"), "博彩");
  EXPECT_EQ(Normalized("博\r\n\t 彩"), "博彩");
  EXPECT_EQ(Normalized("a\xcc\x81"), "a");      // Combining mark.
  EXPECT_EQ(Normalized("x\U000E0041y"), "xy");  // Tag character.
}

TEST(NormalizationTest, LongGapInsertsBreak) {
  EXPECT_EQ(Normalized("博   彩", 3), "博彩");
  EXPECT_EQ(Normalized("博    彩", 3), "博|彩");
}

TEST(ScannerTest, RepeatedLatinLettersFold) {
  EXPECT_EQ(Normalized("fuuuuck"), "fu(4)ck");
  EXPECT_EQ(Normalized("pass shit"), "pas(2)shit");  // Not across noise.
  EXPECT_EQ(Normalized("ß"), "s(2)");
  EXPECT_EQ(Normalized("哈哈哈"), "哈哈哈");  // Only Latin folds.
  EXPECT_EQ(Normalized("111"), "111");
}

TEST(ScannerTest, Leetspeak) {
  EXPECT_EQ(Normalized("sh1t"), "shit");
  EXPECT_EQ(Normalized("h4x0r"), "haxor");
  EXPECT_EQ(Normalized("sh!t"), "shit");
  EXPECT_EQ(Normalized("$hit"), "shit");
  EXPECT_EQ(Normalized("@ss"), "as(2)");
  EXPECT_EQ(Normalized("a$$"), "as(2)");
  EXPECT_EQ(Normalized("你@ss"), "你as(2)");  // Chinese is not a letter.
  EXPECT_EQ(Normalized("5$hit"), "5hit");     // A digit is.
  EXPECT_EQ(Normalized("f*ck"), "f?ck");
  EXPECT_EQ(Normalized("f**k"), "f??k");
  EXPECT_EQ(Normalized("f*u*c*k"), "fuck");
  // Digits and symbols outside Latin words are left alone / dropped.
  EXPECT_EQ(Normalized("bet365"), "bet365");
  EXPECT_EQ(Normalized("2021年"), "2021年");
  EXPECT_EQ(Normalized("hi! you"), "hiyou");
  EXPECT_EQ(Normalized("a*"), "a");
  EXPECT_EQ(Normalized("fu2k"), "fu2k");  // '2' has no letter reading.
}

TEST(ScannerTest, LeetspeakAtWordStartAndSpelledOut) {
  EXPECT_EQ(Normalized("1d10t"), "idiot");
  EXPECT_EQ(Normalized("这些1diot们"), "这些idiot们");
  EXPECT_EQ(Normalized("b.3.t.3.6.5"), "bet365");
  EXPECT_EQ(Normalized("b-3-t-3-6-5"), "bet365");
  EXPECT_EQ(Normalized("s h 1 t"), "shit");
  // Numbers stay numbers: more than two digits, a digit after digits, a
  // digit between words or between letters spelled with other separators.
  EXPECT_EQ(Normalized("2024abc"), "2024abc");
  EXPECT_EQ(Normalized("7 8a"), "78a");
  EXPECT_EQ(Normalized("a 1 bc"), "a1bc");
  EXPECT_EQ(Normalized("a.1 b"), "a1b");
  EXPECT_EQ(Normalized("5G网络"), "5g网络");
  EXPECT_EQ(Normalized("13O12345678"), "13o12345678");
}

TEST(Utf8Test, DecodeRejectsMalformed) {
  EXPECT_TRUE(IsValidUtf8("博彩 ok \xef\xbf\xbd"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // Overlong.
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // Surrogate.
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("\xe5\x8d"));          // Truncated.
}

}  // namespace
}  // namespace moderation::internal
