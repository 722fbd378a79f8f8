// Pinyin-mixed spellings of lexicon words, found when a lexicon is compiled.
//
// Spammers write part of a Chinese word in pinyin: 人生就是bo for 人生就是博,
// cao你妈 for 操你妈, du场 for 赌场. The text side cannot undo that (a
// syllable stands for many characters), so, like the regional spellings
// (variants.h), these go on the lexicon's side: each word with at least two
// Han characters gets the spellings with one or more, but not all, of its
// Han characters replaced by their toneless pinyin, and Compile adds them as
// aliases of the entry.
//
// * One reading per character: ICU's "Han-Latin; Latin-ASCII; Lower"
//   transliterator, one character at a time (given a whole word it glues
//   syllables together, 是博 -> "shibo"). Other readings of polyphones are
//   not generated.
// * All-pinyin spellings (bocai) are not generated: they are too close to
//   ordinary Latin text. Every variant keeps a Han character.
// * Fewest replacements first, then from the left, up to a cap per word.
//
// Compile makes a variant whole-word at an end where it has a syllable's
// letter and the word has none, and only there: 人生就是bo must not match
// inside 人生就是bonus, but a Han character ends a word by itself.
#ifndef MODERATION_INTERNAL_PINYIN_H_
#define MODERATION_INTERNAL_PINYIN_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "moderation/internal/variants.h"

namespace moderation::internal {

// For each of `words` (spellings made with the normalization table), its
// pinyin-mixed spellings as described above, at most `max_per_word`; none
// for a word with fewer than two Han characters. A variant's units copy the
// word's outside the replaced characters; a syllable's letters are Latin
// units (sym 'a'..'z', a doubled letter folded into one unit's run, as the
// scanner folds it) with no gap. A character whose transliteration is not
// plain a-z is never replaced. Costs about 6 microseconds per distinct Han
// character, each transliterated once, and 0.12 s to build ICU's
// transliterator the first time in a process (cached by ICU after that).
// Errors: FailedPrecondition when ICU has no Han-Latin transliterator.
absl::StatusOr<std::vector<std::vector<Spelling>>> FindPinyinVariants(
    const std::vector<Spelling>& words, size_t max_per_word);

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_PINYIN_H_
