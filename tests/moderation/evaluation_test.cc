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
#include "tests/moderation/test_util.h"

namespace moderation {
namespace {

// "\u200b" and "\n" escapes in the file stand for those characters.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'r') {
      out += '\r';
      ++i;
    } else if (s[i] == '\\' && i + 5 < s.size() && s[i + 1] == 'u') {
      const auto c =
          static_cast<char32_t>(std::stoul(s.substr(i + 2, 4), nullptr, 16));
      if (c < 0x80) {
        out += static_cast<char>(c);
      } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
      }
      i += 5;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Tally {
  int total = 0;
  int flagged = 0;
};

// One set's results: per class, how many lines the engine flagged. A class
// holds either "hit" lines (flagged = caught) or "clean" ones (flagged =
// false positive).
struct Results {
  std::map<std::string, Tally> hit_classes;
  std::map<std::string, Tally> clean_classes;
};

// Runs every line of `file` (class<TAB>expect<TAB>text) through `lexicon`
// and prints the misses, the false positives and a per-class table.
Results Evaluate(const Lexicon& lexicon, const std::string& file) {
  Results results;
  std::ifstream in(std::string(MODERATION_TEST_DATA) + "/" + file);
  EXPECT_TRUE(in.good()) << file;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string cls, expect, text;
    std::getline(fields, cls, '\t');
    std::getline(fields, expect, '\t');
    std::getline(fields, text);
    text = Unescape(text);
    EXPECT_TRUE(expect == "hit" || expect == "clean") << line;
    const bool flagged = lexicon.Check(text).action != Action::kAllow;
    Tally& t =
        (expect == "hit" ? results.hit_classes : results.clean_classes)[cls];
    ++t.total;
    t.flagged += flagged;
    if (expect == "hit" && !flagged) {
      std::printf("  missed [%s] %s\n", cls.c_str(), text.c_str());
    } else if (expect != "hit" && flagged) {
      std::printf("  false positive [%s] %s\n", cls.c_str(), text.c_str());
    }
  }
  std::printf("%s:\n", file.c_str());
  for (const auto& [cls, t] : results.hit_classes) {
    std::printf("  caught          %-16s %3d/%3d\n", cls.c_str(), t.flagged,
                t.total);
  }
  for (const auto& [cls, t] : results.clean_classes) {
    std::printf("  false positives %-16s %3d/%3d\n", cls.c_str(), t.flagged,
                t.total);
  }
  return results;
}

// Sums the classes of `classes` not in `excluded`.
Tally Sum(const std::map<std::string, Tally>& classes,
          const std::set<std::string>& excluded) {
  Tally sum;
  for (const auto& [cls, t] : classes) {
    if (excluded.count(cls)) continue;
    sum.total += t.total;
    sum.flagged += t.flagged;
  }
  return sum;
}

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
    const auto hit = r.hit_classes.find(floor.cls);
    const auto clean_it = r.clean_classes.find(floor.cls);
    if (hit != r.hit_classes.end()) {
      EXPECT_GE(hit->second.flagged, floor.caught_at_least) << floor.cls;
    } else if (clean_it != r.clean_classes.end()) {
      EXPECT_LE(clean_it->second.flagged, floor.flagged_at_most) << floor.cls;
    } else {
      ADD_FAILURE() << "no class " << floor.cls;
    }
  }
}

}  // namespace
}  // namespace moderation
