// Recall and false-positive rate of the default lexicon on our evaluation
// set (data/evaluation.tsv), printed per class. The floors asserted are the
// figures reached when the set was written, so they cannot slip back.
#include <cstdio>
#include <fstream>
#include <map>
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
      if (c < 0x800) {
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

constexpr double kRecallFloor = 0.98;  // Reached: 80/81.
// Reached: 0/45. Any false positive on this set is a regression.
constexpr double kFalsePositiveCeiling = 0.0;

TEST(EvaluationTest, RecallAndFalsePositiveRate) {
  auto lexicon = testing::DefaultLexicon();
  std::ifstream in(std::string(MODERATION_TEST_DATA) + "/evaluation.tsv");
  ASSERT_TRUE(in.good());
  std::map<std::string, Tally> evasions;
  Tally hits;
  Tally clean;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string cls, expect, text;
    std::getline(fields, cls, '\t');
    std::getline(fields, expect, '\t');
    std::getline(fields, text);
    text = Unescape(text);
    const bool flagged = lexicon->Check(text).action != Action::kAllow;
    Tally& t = expect == "hit" ? hits : clean;
    ++t.total;
    t.flagged += flagged;
    if (expect == "hit") {
      ++evasions[cls].total;
      evasions[cls].flagged += flagged;
      if (!flagged)
        std::printf("  missed [%s] %s\n", cls.c_str(), text.c_str());
    } else if (flagged) {
      std::printf("  false positive: %s\n", text.c_str());
    }
  }
  for (const auto& [cls, t] : evasions) {
    std::printf("  recall %-12s %2d/%2d\n", cls.c_str(), t.flagged, t.total);
  }
  const double recall = static_cast<double>(hits.flagged) / hits.total;
  const double fpr = static_cast<double>(clean.flagged) / clean.total;
  std::printf("recall %.3f (%d/%d), false-positive rate %.3f (%d/%d)\n", recall,
              hits.flagged, hits.total, fpr, clean.flagged, clean.total);
  EXPECT_GE(hits.total, 80);
  EXPECT_GE(clean.total, 45);
  EXPECT_GE(recall, kRecallFloor);
  EXPECT_LE(fpr, kFalsePositiveCeiling);
}

}  // namespace
}  // namespace moderation
