// The evaluation harness shared by evaluation_test.cc and
// generalize_test.cc: reads class<TAB>expect<TAB>text files, runs each line
// through a lexicon and tallies, per class, the lines flagged.
#ifndef TESTS_MODERATION_EVALUATION_UTIL_H_
#define TESTS_MODERATION_EVALUATION_UTIL_H_

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "moderation/moderation.h"

namespace moderation::testing {

// "\u200b" and "\n" escapes in the file stand for those characters.
inline std::string Unescape(const std::string& s) {
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
inline Results Evaluate(const Lexicon& lexicon, const std::string& file) {
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
inline Tally Sum(const std::map<std::string, Tally>& classes,
                 const std::set<std::string>& excluded) {
  Tally sum;
  for (const auto& [cls, t] : classes) {
    if (excluded.count(cls)) continue;
    sum.total += t.total;
    sum.flagged += t.flagged;
  }
  return sum;
}

// Checks class `cls` of `r`: a hit class must have caught at least
// `caught_at_least` lines, a clean class flagged at most `flagged_at_most`.
inline void ExpectFloor(const Results& r, const std::string& cls,
                        int caught_at_least, int flagged_at_most) {
  const auto hit = r.hit_classes.find(cls);
  const auto clean = r.clean_classes.find(cls);
  if (hit != r.hit_classes.end()) {
    EXPECT_GE(hit->second.flagged, caught_at_least) << cls;
  } else if (clean != r.clean_classes.end()) {
    EXPECT_LE(clean->second.flagged, flagged_at_most) << cls;
  } else {
    ADD_FAILURE() << "no class " << cls;
  }
}

}  // namespace moderation::testing

#endif  // TESTS_MODERATION_EVALUATION_UTIL_H_
