// moderation/fingerprint.h: skeletons and near-duplicate band hashes.

#include "moderation/fingerprint.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace moderation {
namespace {

// The seed page's injected spam, as a comment would carry it.
constexpr char kSpam[] =
    "人生就是博官网上线啦，新用户注册即送八十八元彩金，每日签到还有惊喜大礼包等你来拿";

TextFingerprint Fp(const std::string& text) {
  absl::StatusOr<TextFingerprint> fp = Fingerprint(text);
  EXPECT_TRUE(fp.ok()) << fp.status();
  return fp.ok() ? *fp : TextFingerprint();
}

// How many band hashes two texts share (near-duplicate candidates share one
// or more).
int SharedBands(const std::string& a, const std::string& b) {
  const TextFingerprint fa = Fp(a), fb = Fp(b);
  int shared = 0;
  for (size_t i = 0; i < fa.band_hashes.size(); ++i) {
    shared += fa.band_hashes[i] == fb.band_hashes[i];
  }
  return shared;
}

TEST(FingerprintTest, SkeletonFoldsWhatTheEngineFolds) {
  // Full-width letters, traditional characters, noise and repeats.
  EXPECT_EQ(*Skeleton("ＶＩＰ 人生就是博官網！！！"), *Skeleton("vip人生就是博官网"));
  EXPECT_EQ(*Skeleton("顶顶顶顶顶"), "顶");
  EXPECT_EQ(*Skeleton("支\u200b持"), "支持");  // zero-width space
  EXPECT_EQ(*Skeleton("  ...!!! "), "");
}

TEST(FingerprintTest, InformativeCharsCountTheSkeleton) {
  EXPECT_EQ(Fp("支持").informative_chars, 2);
  EXPECT_EQ(Fp("写得好！！！").informative_chars, 3);
  EXPECT_EQ(Fp("顶顶顶顶顶顶顶").informative_chars, 1);
  EXPECT_EQ(Fp(kSpam).informative_chars, 38);
}

TEST(FingerprintTest, EqualSkeletonsShareEveryBand) {
  const std::string noisy =
      "人生就是博官网上线啦!!! 新用户注册即送 八十八元彩金。。。"
      "每日签到还有惊喜大礼包等你来拿🎁🎁";
  EXPECT_EQ(Fp(kSpam).exact, Fp(noisy).exact);
  EXPECT_EQ(SharedBands(kSpam, noisy), 8);
}

TEST(FingerprintTest, FullWidthAndTraditionalFormsMatch) {
  const std::string traditional =
      "人生就是博官網上線啦，新用戶註冊即送八十八元彩金，每日簽到還有驚喜大禮包等你來拿";
  EXPECT_EQ(SharedBands(kSpam, traditional), 8);
  EXPECT_EQ(SharedBands("Visit ＷＷＷ cheap pills today for the best price in town",
                        "visit www cheap pills today for the best price in town"),
            8);
}

TEST(FingerprintTest, InsertedSymbolsMatch) {
  const std::string inserted =
      "人生★就是博官网上线啦，新用户注册即送八十八元彩金，每日签到还有惊喜大礼包等你来拿";
  EXPECT_EQ(Fp(kSpam).exact, Fp(inserted).exact);
  EXPECT_GE(SharedBands(kSpam, inserted), 1);
}

TEST(FingerprintTest, AChangedCharacterStillMatches) {
  // One character changed: three of 37 shingles differ.
  EXPECT_GE(SharedBands(kSpam,
                        "人生就是博官网上线啦，新用户注册即送九十九元彩金，"
                        "每日签到还有惊喜大礼包等你来拿"),
            1);
  // An appended contact changes the tail only.
  EXPECT_GE(SharedBands(kSpam, std::string(kSpam) + "加我"), 1);
}

TEST(FingerprintTest, DifferentTextsDoNotMatch) {
  const std::vector<std::string> texts = {
      kSpam,
      "这篇报道写得很扎实，数据也很详细，希望记者继续跟进后续的调查结果",
      "乡村振兴要靠产业，光靠补贴是不行的，还得培养本地的年轻人回来创业",
      "竹山县这几年变化确实很大，去年回老家发现路都修好了，点个赞",
      "I disagree with the author: the figures for 2020 leave out the "
      "migrant workers who returned to the cities",
      "The article is well researched but the headline oversells it",
  };
  for (size_t i = 0; i < texts.size(); ++i) {
    for (size_t j = i + 1; j < texts.size(); ++j) {
      EXPECT_EQ(SharedBands(texts[i], texts[j]), 0) << i << " " << j;
    }
  }
}

TEST(FingerprintTest, SignaturesConfirmNearDuplicatesOnly) {
  const auto similarity = [](const std::string& a, const std::string& b) {
    return SignatureSimilarity(Fp(a).signature, Fp(b).signature);
  };
  EXPECT_EQ(similarity(kSpam, kSpam), 1.0);
  EXPECT_GE(similarity(kSpam,
                       "人生就是博官网上线啦，新用户注册即送九十九元彩金，"
                       "每日签到还有惊喜大礼包等你来拿"),
            0.5);
  EXPECT_LT(similarity(kSpam,
                       "这篇报道写得很扎实，数据也很详细，希望记者继续跟进后续的调查结果"),
            0.5);
  EXPECT_EQ(SignatureSimilarity({1, 2}, {1, 2, 3}), 0);
}

TEST(FingerprintTest, ShortCommonTextsAreShort) {
  // The wave detector skips texts below its minimum; these are all far
  // below any sensible one.
  for (const char* text : {"支持", "写得好", "顶", "说得对", "支持！！！",
                           "写得好👍", "顶顶顶", "说的对", "好文", "+1"}) {
    EXPECT_LE(Fp(text).informative_chars, 3) << text;
  }
}

TEST(FingerprintTest, IsDeterministic) {
  const TextFingerprint a = Fp(kSpam), b = Fp(kSpam);
  EXPECT_EQ(a.exact, b.exact);
  EXPECT_EQ(a.band_hashes, b.band_hashes);
  // Pinned: replicas of different builds share band keys in Redis, so a
  // change of the hashes is a change of the stored format.
  EXPECT_EQ(a.exact, 0xd70fd9cbccc03e3eull);
  EXPECT_EQ(a.band_hashes[0], 0x721821609d66781aull);
}

TEST(FingerprintTest, RejectsOptionsOutOfRange) {
  EXPECT_EQ(Fingerprint("x", {.bands = 0, .rows = 3}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fingerprint("x", {.bands = 8, .rows = 33}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moderation
