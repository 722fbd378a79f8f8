// A large clean corpus nobody here wrote: the modern Chinese text of
// Debian's fortunes-zh (/usr/share/games/fortunes/chinese; scripts/deps.sh
// installs it), through the plain operator list (data/plain_lexicon.txt,
// no exception words). Prints every line flagged, per action; the bounds
// are the figures measured (docs/moderation-corpus.md judges each flag).
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "moderation/moderation.h"

namespace moderation {
namespace {

constexpr char kCorpus[] = "/usr/share/games/fortunes/chinese";

// The corpus's text lines: ANSI colour codes stripped, '%' separators and
// blank lines dropped.
std::vector<std::string> CorpusLines() {
  std::ifstream in(kCorpus);
  EXPECT_TRUE(in.good()) << kCorpus
                         << " is missing: install Debian's fortunes-zh "
                            "(scripts/deps.sh lists it)";
  const std::regex ansi("\x1b\\[[0-9;]*[A-Za-z]");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    line = std::regex_replace(line, ansi, "");
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) {
      line.pop_back();
    }
    size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos || line == "%") continue;
    lines.push_back(line.substr(first));
  }
  return lines;
}

// Lines flagged per action, printing each with its matches.
std::map<Action, int> Flagged(const Lexicon& lexicon,
                              const std::vector<std::string>& lines) {
  std::map<Action, int> flagged;
  for (const std::string& line : lines) {
    const Verdict v = lexicon.Check(line);
    if (v.action == Action::kAllow) continue;
    ++flagged[v.action];
    std::printf("  %s:", std::string(ActionName(v.action)).c_str());
    for (const Match& m : v.matches) {
      std::printf(" [%s %s]", m.word.c_str(),
                  std::string(ActionName(m.action)).c_str());
    }
    std::printf(" %s\n", line.c_str());
  }
  return flagged;
}

std::shared_ptr<const Lexicon> Plain(const EngineOptions& options) {
  auto entries = LoadLexiconFile(std::string(MODERATION_TEST_DATA) +
                                 "/plain_lexicon.txt");
  EXPECT_TRUE(entries.ok()) << entries.status();
  if (!entries.ok()) return nullptr;
  auto lexicon = Lexicon::Compile(*entries, options);
  EXPECT_TRUE(lexicon.ok()) << lexicon.status();
  return lexicon.ok() ? *lexicon : nullptr;
}

TEST(CleanCorpusTest, PlainLexiconFlagsFewFortunes) {
  const std::vector<std::string> lines = CorpusLines();
  ASSERT_GT(lines.size(), 20000u);
  // The keywords alone: the contact detectors off.
  EngineOptions words_only;
  words_only.contact = {Action::kAllow, Action::kAllow, Action::kAllow,
                        Action::kAllow};
  const auto lexicon = Plain(words_only);
  ASSERT_NE(lexicon, nullptr);
  std::printf("== plain lexicon, detectors off\n");
  const std::map<Action, int> flagged = Flagged(*lexicon, lines);
  int total = 0;
  for (const auto& [action, n] : flagged) total += n;
  std::printf("%d of %zu lines flagged (review %d)\n", total, lines.size(),
              flagged.count(Action::kReview) ? flagged.at(Action::kReview) : 0);
  EXPECT_LE(total * 1000, static_cast<int>(lines.size()))
      << "more than 0.1% of the lines flagged";
  EXPECT_LE(total, 5);

  // With the default detectors: Debian's texts quote its web site.
  const auto with_detectors = Plain(EngineOptions());
  ASSERT_NE(with_detectors, nullptr);
  std::printf("== plain lexicon, default detectors\n");
  int all = 0;
  for (const auto& [action, n] : Flagged(*with_detectors, lines)) all += n;
  std::printf("%d of %zu lines flagged\n", all, lines.size());
  EXPECT_LE(all, 227);
}

}  // namespace
}  // namespace moderation
