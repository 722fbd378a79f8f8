// The scanner: original text -> the normalized units the matcher reads.
//
// One pass decodes the UTF-8, looks every code point up in a CharTable,
// drops noise, expands multi-character forms, folds runs of the same Latin
// letter into one unit ("fuuuck" -> f u(x3) c k) and runs of characters no
// word contains (symbol 0, not Latin, not a digit) into one symbol-0 unit. A
// unit remembers the original code points it came from, so spans map back
// exactly. Leetspeak needs context (a digit or '!' only stands for a letter
// between Latin letters), so when the first pass saw such a candidate a second,
// in-place pass over the units rewrites them; plain Chinese text never takes
// it.
#ifndef MODERATION_INTERNAL_SCANNER_H_
#define MODERATION_INTERNAL_SCANNER_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "moderation/internal/char_table.h"

namespace moderation::internal {

inline constexpr uint8_t kUnitLatin = 1;     // An ASCII letter.
inline constexpr uint8_t kUnitDigit = 2;     // An ASCII digit.
inline constexpr uint8_t kUnitSoft = 4;      // '@', '$', '!' (pending).
inline constexpr uint8_t kUnitStar = 8;      // '*' (pending).
inline constexpr uint8_t kUnitNumeral = 16;  // A Chinese numeral.
inline constexpr uint8_t kUnitBreak = 32;    // A noise gap longer than max_gap.
// With kUnitLatin: a letter read from '@' or '$' at the edge of a word
// ("@ss", "a$$", "@idiot"), which may as well be a separator: a match may
// include it, and a whole-word match may also end next to it.
inline constexpr uint8_t kUnitEdge = 64;

struct Unit {
  // Left uninitialized on purpose: the scanner uses a vector of units as
  // raw storage, and growing it must not zero memory it is about to write.
  Unit() {}  // NOLINT(modernize-use-equals-default): that would zero.

  uint32_t sym;    // The table's value: symbol id or normalized code point.
  uint32_t start;  // First original code point (index).
  uint32_t end;    // One past the last original code point.
  uint16_t run;    // Latin letters folded into this unit (>= 1).
  uint8_t flags;   // kUnit*.
  uint8_t gap;     // Noise right before: kGapNone, kGapSpace, kGapOther.
};

// What separates a unit from the previous one, so "a f.u.c.k" (a word,
// then a dotted word) can be told from "a s s i s t" (one spaced word), and
// a clause break ("色彩、金属") from a separator put between characters.
inline constexpr uint8_t kGapNone = 0;
inline constexpr uint8_t kGapSpace = 1;
inline constexpr uint8_t kGapOther = 2;
// A gap holding a mark that ends a clause or a list item: ，、。；：！？
// and ASCII , ; ! ? (not '.', which spammers use between characters and
// links use; not '…' or '·').
inline constexpr uint8_t kGapClause = 3;

struct ScanInfo {
  bool invalid_utf8 = false;  // Some bytes decoded as U+FFFD.
  bool any_latin = false;     // Some code point normalized to a-z.
  uint32_t digits = 0;        // Digit and Chinese numeral units (about:
                              // a folded or rewritten unit may count).
};

// Replaces `*units` with the units of `text`. `max_gap`: noise code points
// allowed between two units of one word; a longer gap inserts a zero-width
// kUnitBreak unit with symbol 0. Allocates only when `units` must grow.
ScanInfo Scan(const CharTable& table, std::string_view text, int max_gap,
              std::vector<Unit>* units);

// Folds runs of the same character written twice or more with nothing in
// between ("百家家乐", "博博彩") into one unit with a count, as the scanner
// does for Latin letters: for units with no flags (Chinese and other
// characters a word contains), not digits or numerals, which are numbers.
// Check runs it on the text after Scan, Compile on each word, so a word
// with a doubled character keeps it as a minimum count ("嘻嘻" needs two).
// The prefilter skips such a repeat too (prefilter.h). `keep` names the
// symbols that never fold: the wildcard ("f**k" hides two letters) and,
// for Compile, whose units come from the normalization table where Chinese
// numerals have no flag, the numerals (八八八 is a number).
void FoldRepeatedCharacters(std::vector<Unit>* units,
                            bool (*keep)(uint32_t sym));

// True when `b` directly follows `a` in the original text (no noise).
inline bool Adjacent(const Unit& a, const Unit& b) { return a.end == b.start; }

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_SCANNER_H_
