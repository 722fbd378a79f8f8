// Helpers shared by the moderation tests.
#ifndef TESTS_MODERATION_TEST_UTIL_H_
#define TESTS_MODERATION_TEST_UTIL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "moderation/moderation.h"

namespace moderation::testing {

// Compiles a lexicon from TSV text; fails the test on error and returns
// null then (as DefaultLexicon does).
inline std::shared_ptr<const Lexicon> CompileTsv(
    std::string_view tsv, const EngineOptions& options = EngineOptions()) {
  auto entries = ParseLexiconTsv(tsv, "test");
  EXPECT_TRUE(entries.ok()) << entries.status();
  if (!entries.ok()) return nullptr;
  auto lexicon = Lexicon::Compile(*entries, options);
  EXPECT_TRUE(lexicon.ok()) << lexicon.status();
  return lexicon.ok() ? *lexicon : nullptr;
}

inline std::shared_ptr<const Lexicon> DefaultLexicon() {
  static const auto* const lexicon = [] {
    auto entries = LoadLexiconFile(MODERATION_DEFAULT_LEXICON);
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (!entries.ok()) return new std::shared_ptr<const Lexicon>();
    auto compiled = Lexicon::Compile(*entries, EngineOptions());
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return new std::shared_ptr<const Lexicon>(
        compiled.ok() ? *compiled : nullptr);
  }();
  return *lexicon;
}

// The words matched in `text`, in order, as "word@start-end".
inline std::vector<std::string> Spans(const Lexicon& lexicon,
                                      std::string_view text) {
  std::vector<std::string> out;
  for (const Match& m : lexicon.Check(text).matches) {
    out.push_back(m.word + "@" + std::to_string(m.start) + "-" +
                  std::to_string(m.end));
  }
  return out;
}

// Everything a caller can see of a verdict, on one line: "action
// word/category/action@start-end... [masked]".
inline std::string Describe(const Verdict& v) {
  std::string out(ActionName(v.action));
  for (const Match& m : v.matches) {
    out += " " + m.word + "/" + m.category + "/" +
           std::string(ActionName(m.action)) + "@" + std::to_string(m.start) +
           "-" + std::to_string(m.end);
  }
  return out + " [" + v.masked + "]";
}

inline bool Hits(const Lexicon& lexicon, std::string_view text) {
  return lexicon.Check(text).action != Action::kAllow;
}

}  // namespace moderation::testing

#endif  // TESTS_MODERATION_TEST_UTIL_H_
