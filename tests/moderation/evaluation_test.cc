// Recall and false-positive rate of the default lexicon on two evaluation
// sets, printed per class:
//  * data/evaluation.tsv, written together with the engine;
//  * data/evaluation_blind.tsv, written by someone who had not read the
//    engine, so its figures are the honest ones.
// The floors asserted are the figures reached when each set was last
// worked on, so they cannot slip back.
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moderation/moderation.h"
#include "tests/moderation/evaluation_util.h"
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

using testing::Evaluate;
using testing::Results;
using testing::Sum;
using testing::Tally;

constexpr double kRecallFloor = 1.0;  // Reached: 81/81.
// Reached: 0/45. Any false positive on this set is a regression.
constexpr double kFalsePositiveCeiling = 0.0;

TEST(EvaluationTest, RecallAndFalsePositiveRate) {
  const Results r = Evaluate(*testing::DefaultLexicon(), "evaluation.tsv");
  const Tally hits = Sum(r.hit_classes, {});
  const Tally clean = Sum(r.clean_classes, {});
  const double recall = static_cast<double>(hits.flagged) / hits.total;
  const double fpr = static_cast<double>(clean.flagged) / clean.total;
  std::printf("recall %.3f (%d/%d), false-positive rate %.3f (%d/%d)\n", recall,
              hits.flagged, hits.total, fpr, clean.flagged, clean.total);
  EXPECT_GE(hits.total, 80);
  EXPECT_GE(clean.total, 45);
  EXPECT_GE(recall, kRecallFloor);
  EXPECT_LE(fpr, kFalsePositiveCeiling);
}

// Classes the blind set's author marked as informative (beyond the
// contract): printed, never asserted. Its "hard" class, trap_boundary, is
// asserted like the others, and so are the informative cjkvariant and
// homophone since the engine covers most or all of them (kBlindFloors).
const std::set<std::string>& BlindInformative() {
  static const auto* const classes =
      new std::set<std::string>{"inflection", "censored", "trap_policy"};
  return *classes;
}

// Floors for the blind set, per asserted class: a gain in one class must not
// hide a loss in another. Hit classes: lines caught at least; clean
// classes: false positives at most.
struct ClassFloor {
  const char* cls;
  int caught_at_least;  // Hit classes.
  int flagged_at_most;  // Clean classes.
};
constexpr ClassFloor kBlindFloors[] = {
    // Hit classes: caught at least.
    {"plain", 12, 0},
    {"wordedge", 6, 0},
    {"separator", 18, 0},
    {"fullwidth", 13, 0},
    {"traditional", 13, 0},
    {"lookalike", 22, 0},
    {"zerowidth", 11, 0},
    {"case", 7, 0},
    {"repeated", 7, 0},
    {"combined", 14, 0},
    {"diacritic", 4, 0},
    {"context", 9, 0},
    {"contact", 29, 0},
    // Informative in the set, asserted since the regional and Japanese
    // spellings (internal/variants.h): 百家楽 and 點擊連結領取. 愽彩 stays
    // missed: 愽 is a variant of 博 that OpenCC does not know.
    {"cjkvariant", 2, 0},
    // Informative in the set, asserted since the pinyin-mixed spellings
    // (internal/pinyin.h): 人生就是bo官网 and cao你妈.
    {"homophone", 7, 0},
    // Clean classes: false positives at most.
    {"trap", 0, 0},
    {"trap_leetrepeat", 0, 0},
    {"trap_boundary", 0, 0},
    {"trap_gap", 0, 0},
    {"trap_contact", 0, 0},
};

TEST(EvaluationTest, BlindSet) {
  const Results r =
      Evaluate(*testing::DefaultLexicon(), "evaluation_blind.tsv");
  const Tally hits = Sum(r.hit_classes, BlindInformative());
  const Tally clean = Sum(r.clean_classes, BlindInformative());
  const Tally all_hits = Sum(r.hit_classes, {});
  const Tally all_clean = Sum(r.clean_classes, {});
  std::printf(
      "asserted classes: caught %d/%d, false positives %d/%d\n"
      "all classes:      caught %d/%d, false positives %d/%d\n",
      hits.flagged, hits.total, clean.flagged, clean.total, all_hits.flagged,
      all_hits.total, all_clean.flagged, all_clean.total);
  EXPECT_GE(all_hits.total, 182);
  EXPECT_GE(all_clean.total, 119);
  for (const ClassFloor& floor : kBlindFloors) {
    testing::ExpectFloor(r, floor.cls, floor.caught_at_least,
                         floor.flagged_at_most);
  }
}

}  // namespace
}  // namespace moderation
