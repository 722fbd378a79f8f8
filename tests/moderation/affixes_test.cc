// Inflections and compounds of Latin words (moderation/internal/affixes.h)
// through Check, with a lexicon that lists only the stems.
#include "gtest/gtest.h"
#include "moderation/moderation.h"
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

constexpr char kStems[] =
    "fuck\tabuse\tmask\nshit\tabuse\tmask\ncunt\tabuse\tmask\n"
    "ass\tabuse\tmask\ndick\tabuse\tmask\ncock\tabuse\tmask\n"
    "sex\tadult\treview\nidiot\tabuse\tmask\nbjl\tgambling\treview\n"
    "crap\tabuse\tmask\tmatch=word\n";

TEST(AffixesTest, StemsCatchTheirInflectionsAndCompounds) {
  const auto lexicon = testing::CompileTsv(kStems);
  ASSERT_NE(lexicon, nullptr);
  for (const char* text :
       {"fucking", "fucked", "motherfucker", "clusterfuck", "f*cking", "fvcked",
        "bullshit", "shitty", "horseshit", "cunts", "asses", "dumbass",
        "jackass", "dickhead", "dicks", "cocksucker", "idiots", "FUCKING"}) {
    EXPECT_NE(lexicon->Check(text).action, Action::kAllow) << text;
  }
}

TEST(AffixesTest, ScunthorpeCasesStayClean) {
  const auto lexicon = testing::CompileTsv(kStems);
  ASSERT_NE(lexicon, nullptr);
  for (const char* text : {"class",     "Essex",    "cockpit",
                           "Dickens",   "assess",   "Scunthorpe",
                           "shiitake",  "shitake",  "Matsushita",
                           "Yamashita", "cocktail", "assassin",
                           "Middlesex", "embassy",  "Hancock",
                           "cocker",    "idiotic",  "BJLs",
                           "crappy",    "news hit", "a s s i s t a n t"}) {
    EXPECT_EQ(lexicon->Check(text).action, Action::kAllow) << text;
  }
}

}  // namespace
}  // namespace moderation
