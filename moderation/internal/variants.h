// Regional and Japanese spellings of lexicon words, found when a lexicon is
// compiled.
//
// The normalization table folds traditional characters to simplified ones
// one character at a time (normalizer.h): a text character has no context,
// so that is all the text side can do. Two kinds of spelling escape it:
//
// * Taiwan and Hong Kong phrase forms. Taiwan writes 链接 as 連結 and 点击
//   as 點選; folded per character these give 连结 and 点选, other words.
//   OpenCC's s2twp and s2hk configurations know such phrases.
// * Japanese shinjitai forms, such as 楽 for 樂 (乐): OpenCC's t2s has no
//   mapping for them, so 百家楽 stays apart from 百家乐.
//
// Mapping these in the text would turn common Chinese characters into
// other ones (jp2t maps 欠 to 缺 and 芸 to 藝), so they go on the lexicon's
// side instead: each word gets the spellings OpenCC gives it, normalized
// like any word, and Compile adds them as aliases of the entry.
//
// How a word's variants are found. Its *runs* are its maximal sequences of
// consecutive Han units (noise inside a word does not break one).
// * s2twp converts each run whole. Where the normalized result differs from
//   the run, each block of differing characters (when the length is
//   unchanged; otherwise the part between the common prefix and suffix) is
//   an *alternative*: a span of the word and its replacement. A block of
//   several characters may hold several phrases (软件信息 gives the one
//   block 件信息 -> 体资讯), so for such a run every substring of 2 to
//   kMaxSegment characters is converted too, and its blocks are
//   alternatives of their own (件 -> 体, 信息 -> 资讯). Most runs have no
//   such block and cost one conversion. Phrases hidden by the segmentation
//   OpenCC chose for the whole run are not looked for: converting every
//   substring of every run instead found 4 more variants among the
//   benchmark's 100,000 words (19,049 against 19,045) in six times the time.
// * s2hk is s2t followed by t2hk, a character table (HKVariants), so a run
//   can come out of it other than out of s2t only where it holds a
//   character whose Hong Kong form differs from its traditional one (台:
//   臺 and 台, so that 柜台 gets 柜枱). Only those runs, few, go through
//   s2t and t2hk, as above.
// * t2jp is a character table too (JPVariants): each character alone goes
//   through s2t then t2jp. A Japanese form that is itself a character of
//   GB2312, the common simplified set, is dropped: Chinese text uses it with
//   its own meaning (欠, t2jp's form of 缺; 芸 of 艺; 连 of 联).
// Non-overlapping alternatives combine, so that mixed spellings match:
// 点击链接 has 点选链接, 点击连结 and 点选连结. A word's whole Taiwan, Hong
// Kong and Japanese spellings come first, then the mixes with fewer
// alternatives, up to a cap per word, so that a long word cannot explode.
//
// Each configuration is opened once and converts the runs (or characters)
// of all the words in one call, then their substrings in one more: OpenCC
// costs about a microsecond per character, and the calls dominate.
#ifndef MODERATION_INTERNAL_VARIANTS_H_
#define MODERATION_INTERNAL_VARIANTS_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "moderation/internal/char_table.h"
#include "moderation/internal/scanner.h"

namespace moderation::internal {

// A word's units as Scan makes them with the normalization table: each
// unit's sym is a normalized code point.
using Spelling = std::vector<Unit>;

// Substrings longer than this are not converted on their own: 9 of the
// 509 keys of OpenCC's Taiwan phrase table (TWPhrases) are longer.
inline constexpr size_t kMaxSegment = 6;

// True when `u` is a Han character (a unit of a word or of its variants).
bool IsHanUnit(const Unit& u);

// True when some unit of `word` is a Han character.
bool HoldsHan(const Spelling& word);

// For each of `words` (spellings made with `normalization`), its variant
// spellings as described above, at most `max_per_word`, none equal to the
// word itself nor to one another; none for a word without Han characters.
// A variant's units copy the word's outside the replaced spans; replacement
// units have run 1, no flags and no gap. Costs about a microsecond per Han
// character of the words, in OpenCC, and about 0.1 s to open its
// configurations.
// Errors: FailedPrecondition when OpenCC or ICU's GB2312 converter cannot be
// loaded.
absl::StatusOr<std::vector<std::vector<Spelling>>> FindVariants(
    const CharTable& normalization, const std::vector<Spelling>& words,
    size_t max_per_word);

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_VARIANTS_H_
