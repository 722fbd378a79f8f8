// The normalization table and the scanner (internal units), tested through
// the process-wide normalization table, whose values are code points.
#include "moderation/internal/scanner.h"

#include <random>
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

// Scan's SIMD path (taken when the machine has it) must write exactly the
// units of the scalar path.

// A lexicon-like table: like a compiled lexicon's, a third of the plain
// characters are inert (value 0), so runs of them fold.
const CharTable& LexiconLikeTable() {
  static const CharTable* const table = [] {
    const CharTable& normalization = *NormalizationTable();
    std::vector<uint32_t> entries = normalization.entries();
    for (uint32_t& e : entries) {
      if ((e & ~kValueMask) == 0 && (e & kValueMask) % 3 == 0) e = 0;
    }
    return new CharTable(std::move(entries), normalization.expansion(),
                         normalization.expansion_index(), 0);
  }();
  return *table;
}

void ExpectSameScan(const CharTable& table, std::string_view text,
                    int max_gap) {
  std::vector<Unit> simd;
  std::vector<Unit> scalar;
  const ScanInfo a = Scan(table, text, max_gap, &simd);
  const ScanInfo b = ScanScalar(table, text, max_gap, &scalar);
  const std::string where = testing::PrintToString(std::string(text));
  EXPECT_EQ(a.invalid_utf8, b.invalid_utf8) << where;
  EXPECT_EQ(a.any_latin, b.any_latin) << where;
  EXPECT_EQ(a.digits, b.digits) << where;
  ASSERT_EQ(simd.size(), scalar.size()) << where;
  for (size_t i = 0; i < simd.size(); ++i) {
    EXPECT_EQ(simd[i].sym, scalar[i].sym) << where << " unit " << i;
    EXPECT_EQ(simd[i].start, scalar[i].start) << where << " unit " << i;
    EXPECT_EQ(simd[i].end, scalar[i].end) << where << " unit " << i;
    EXPECT_EQ(simd[i].run, scalar[i].run) << where << " unit " << i;
    EXPECT_EQ(simd[i].flags, scalar[i].flags) << where << " unit " << i;
    EXPECT_EQ(simd[i].gap, scalar[i].gap) << where << " unit " << i;
  }
}

void ExpectSameScanAllTables(std::string_view text) {
  for (int max_gap : {0, 1, 5, 6, 7, 8}) {
    ExpectSameScan(*NormalizationTable(), text, max_gap);
    ExpectSameScan(LexiconLikeTable(), text, max_gap);
  }
}

// Pieces of text the SIMD path must tell apart: three-byte characters
// (plain, noise, soft noise, expansions, numerals, traditional forms),
// other lengths, and malformed bytes.
constexpr const char* kPieces[] = {"的",
                                   "一",
                                   "是",
                                   "博",
                                   "彩",
                                   "尊",
                                   "龍",
                                   "艦",
                                   "人",
                                   "生",
                                   "就",
                                   "官",
                                   "网",
                                   "，",
                                   "。",
                                   "！",
                                   "、",
                                   "…",
                                   "\u200b",
                                   "\u3000",
                                   "⑩",
                                   "㎉",
                                   "ｆ",
                                   "Ａ",
                                   "a",
                                   "s",
                                   "1",
                                   "!",
                                   "$",
                                   "*",
                                   " ",
                                   ".",
                                   "é",
                                   "😀",
                                   "\xff",
                                   "\xe5",
                                   "\xe5\x8d",
                                   "\xe0\x80\x80",
                                   "\xed\xa0\x80",
                                   "\xef\xbf\xbd",
                                   "\xc0\xaf"};

TEST(ScannerSimdTest, SameUnitsAsScalarOnRandomText) {
  std::mt19937 rng(1);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const size_t pieces = rng() % 80;
    // Mostly Chinese, as the SIMD path expects, with everything else
    // sprinkled in at a rate that varies by round.
    const unsigned other = 1 + rng() % 8;
    for (size_t i = 0; i < pieces; ++i) {
      text +=
          kPieces[rng() % other == 0 ? rng() % std::size(kPieces) : rng() % 13];
    }
    ExpectSameScanAllTables(text);
    if (HasFailure()) return;
  }
}

TEST(ScannerSimdTest, SameUnitsAsScalarAtBlockEdges) {
  // Every prefix of a long Chinese text (cuts inside characters included)
  // and every one-byte corruption of a 32-byte window, so that the end of
  // the text and odd bytes meet each lane of a block.
  const std::string base =
      "人生就是博官网的一是博彩人生就是博官网的一是博彩尊龍艦人生就是博官网";
  for (size_t length = 0; length <= base.size(); ++length) {
    ExpectSameScanAllTables(std::string_view(base).substr(0, length));
  }
  for (size_t at = 0; at < 40; ++at) {
    for (const char byte : {'\x80', '\xbf', '\xe5', '\xff', 'a', ' ', '1'}) {
      std::string text = base;
      text[at] = byte;
      ExpectSameScanAllTables(text);
    }
  }
  // Noise runs of every length inside a block, against max_gap around it.
  for (int gap = 0; gap <= 9; ++gap) {
    for (const char* noise : {"，", "\u3000"}) {
      std::string text = "人生";
      for (int i = 0; i < gap; ++i) text += noise;
      text += "的是就的是就的是就的是就的是就";
      ExpectSameScanAllTables(text);
    }
  }
  // Long inert runs and long gaps.
  ExpectSameScanAllTables(std::string(300, 'x'));
  std::string cjk;
  for (int i = 0; i < 100; ++i) cjk += i % 10 == 9 ? "，" : "的";
  ExpectSameScanAllTables(cjk);
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
