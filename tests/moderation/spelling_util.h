// Helpers for the tests of the lexicon-side variant spellings
// (variants_test, pinyin_test), which read moderation/internal/ on purpose.
#ifndef TESTS_MODERATION_SPELLING_UTIL_H_
#define TESTS_MODERATION_SPELLING_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "moderation/internal/normalizer.h"
#include "moderation/internal/scanner.h"
#include "moderation/internal/utf8.h"
#include "moderation/internal/variants.h"

namespace moderation::testing {

// `word` as Compile normalizes it: noise never splits it.
inline internal::Spelling Normalized(std::string_view word) {
  internal::Spelling units;
  internal::Scan(*internal::NormalizationTable(), word, 1 << 30, &units);
  return units;
}

// Each spelling as text, a folded letter written as often as its run.
inline std::vector<std::string> Texts(
    const std::vector<internal::Spelling>& spellings) {
  std::vector<std::string> out;
  for (const internal::Spelling& s : spellings) {
    std::string text;
    for (const internal::Unit& u : s) {
      for (int r = 0; r < u.run; ++r) internal::AppendUtf8(u.sym, &text);
    }
    out.push_back(std::move(text));
  }
  return out;
}

}  // namespace moderation::testing

#endif  // TESTS_MODERATION_SPELLING_UTIL_H_
