// How the engine generalizes: the recall and false positives per class of
// two lexicons on the generalization set (data/evaluation_generalize.tsv
// and its held-out part, data/evaluation_generalize_heldout.tsv):
//  * the curated default lexicon (moderation/data/default_lexicon.tsv),
//  * a plain operator list (data/plain_lexicon.txt: one word per line, no
//    exception words, no inflected forms), each word an entry of action
//    review.
// Each class holds the evasions of one kind (numerals, repeated characters,
// Latin inflections, split letters, stand-ins, look-alikes, same-sound
// characters) or innocent text that a rule for that kind could flag
// (trap_*). The floors asserted are the figures reached (docs/moderation.md
// has the table), so no class can slip back unnoticed.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moderation/moderation.h"
#include "tests/moderation/evaluation_util.h"
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

// The harness's names, as this file uses them.
namespace eval = ::moderation::testing;

std::shared_ptr<const Lexicon> PlainLexicon() {
  static const auto* const lexicon = [] {
    // A plain word list: ParseLexiconTsv reads each word as an entry of
    // action review.
    auto entries = LoadLexiconFile(std::string(MODERATION_TEST_DATA) +
                                   "/plain_lexicon.txt");
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (!entries.ok()) return new std::shared_ptr<const Lexicon>();
    auto compiled = Lexicon::Compile(*entries, EngineOptions());
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return new std::shared_ptr<const Lexicon>(compiled.ok() ? *compiled
                                                            : nullptr);
  }();
  return *lexicon;
}

// Both parts of the set through `lexicon`, and their sum per class.
eval::Results EvaluateBoth(const Lexicon& lexicon, const char* name) {
  eval::Results all;
  for (const char* file :
       {"evaluation_generalize.tsv", "evaluation_generalize_heldout.tsv"}) {
    std::printf("== %s lexicon, ", name);
    const eval::Results r = eval::Evaluate(lexicon, file);
    const eval::Tally hits = eval::Sum(r.hit_classes, {});
    const eval::Tally clean = eval::Sum(r.clean_classes, {});
    std::printf("  all: caught %d/%d, false positives %d/%d\n", hits.flagged,
                hits.total, clean.flagged, clean.total);
    for (const auto* part : {&r.hit_classes, &r.clean_classes}) {
      auto& sum = part == &r.hit_classes ? all.hit_classes : all.clean_classes;
      for (const auto& [cls, t] : *part) {
        sum[cls].total += t.total;
        sum[cls].flagged += t.flagged;
      }
    }
  }
  const eval::Tally hits = eval::Sum(all.hit_classes, {});
  const eval::Tally clean = eval::Sum(all.clean_classes, {});
  std::printf(
      "== %s lexicon, both parts: caught %d/%d, false positives %d/%d\n", name,
      hits.flagged, hits.total, clean.flagged, clean.total);
  return all;
}

// Per class, over both parts: hit classes caught at least, trap classes
// flagged at most.
struct ClassFloor {
  const char* cls;
  int value;
};

void ExpectFloors(const eval::Results& r,
                  const std::vector<ClassFloor>& floors) {
  for (const ClassFloor& floor : floors) {
    testing::ExpectFloor(r, floor.cls, floor.value, floor.value);
  }
}

TEST(GeneralizeTest, PlainLexicon) {
  ASSERT_NE(PlainLexicon(), nullptr);
  const eval::Results r = EvaluateBoth(*PlainLexicon(), "plain");
  ExpectFloors(r, {
                      {"numeral", 18},
                      {"repeat", 18},
                      {"inflection", 30},
                      {"split", 18},
                      {"standin", 10},
                      {"lookalike", 20},
                      {"samesound", 0},
                      {"boundary", 26},
                      {"trap_boundary", 0},
                      {"trap_numeral", 2},
                      {"trap_repeat", 1},
                      {"trap_scunthorpe", 0},
                      {"trap_split", 2},
                      {"trap_standin", 0},
                      {"trap_lookalike", 0},
                      {"trap_samesound", 0},
                  });
}

TEST(GeneralizeTest, DefaultLexicon) {
  ASSERT_NE(testing::DefaultLexicon(), nullptr);
  const eval::Results r = EvaluateBoth(*testing::DefaultLexicon(), "default");
  ExpectFloors(r, {
                      {"numeral", 4},
                      {"repeat", 16},
                      {"inflection", 24},
                      {"split", 15},
                      {"standin", 7},
                      {"lookalike", 16},
                      {"samesound", 0},
                      {"boundary", 24},
                      {"trap_boundary", 2},
                      {"trap_numeral", 0},
                      {"trap_repeat", 0},
                      {"trap_scunthorpe", 0},
                      {"trap_split", 2},
                      {"trap_standin", 0},
                      {"trap_lookalike", 0},
                      {"trap_samesound", 0},
                  });
}

}  // namespace
}  // namespace moderation
