// Numeral spellings of lexicon words (at compile time).
//
// A digit in a word is one class with its other spellings: 3级片 also
// matches as 三级片 and 叁级片, 九游 as 9游 and 玖游. The text already folds
// full-width, circled and parenthesized digits to ASCII ones (NFKC) and
// traditional characters to simplified ones, so three spellings per digit
// cover them all: the ASCII digit, the Chinese numeral (零, 一 ... 九) and
// the financial one (零, 壹 ... 玖). Only words with Han characters get
// them: in a Latin word a digit is a number or a leetspeak letter ("bet365",
// "h4x0r"), not a Chinese numeral.
#ifndef MODERATION_INTERNAL_NUMERALS_H_
#define MODERATION_INTERNAL_NUMERALS_H_

#include <cstddef>
#include <vector>

#include "moderation/internal/variants.h"

namespace moderation::internal {

// The spellings of `word` (normalized units, symbols are code points) with
// one or more of its digits written another way, fewest changes first, at
// most `max_per_word`. Empty when the word has no digit or no Han
// character. Only the first kMaxNumeralDigits digits vary.
inline constexpr size_t kMaxNumeralDigits = 3;
std::vector<Spelling> FindNumeralVariants(const Spelling& word,
                                          size_t max_per_word);

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_NUMERALS_H_
