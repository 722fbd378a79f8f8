// CharTable: the per-code-point lookup table that makes normalization a
// single table read per character on the hot path.
//
// Two tables exist. The process-wide *normalization* table (normalizer.h)
// maps each code point to its normalized form, computed once with ICU and
// OpenCC. Each compiled lexicon derives its own *symbol* table from it, in
// which the value is the lexicon's dense symbol id for that normalized
// character (0 = a character no lexicon word contains), so the matcher never
// sees a code point. Both use this layout, so the scanner (scanner.h) runs
// unchanged on either: on the normalization table when compiling words, on
// the symbol table when checking text.
//
// An entry is 32 bits: the low 21 bits hold the value, the high bits flags.
// A code point that normalizes to several characters ("ﬁ" -> "fi", "⑩" ->
// "10") has kExpansion set and its value indexes a run of entries.
#ifndef MODERATION_INTERNAL_CHAR_TABLE_H_
#define MODERATION_INTERNAL_CHAR_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moderation::internal {

inline constexpr uint32_t kValueMask = (1u << 21) - 1;
// Skipped between the characters of a word: spaces, punctuation, symbols,
// emoji, marks, controls, invisible characters.
inline constexpr uint32_t kNoise = 1u << 21;
// The value numbers an expansion: CharTable::Expansion gives its entries.
inline constexpr uint32_t kExpansion = 1u << 22;
// Normalizes to an ASCII letter a-z (whole-word boundaries, repeat folding).
inline constexpr uint32_t kLatin = 1u << 23;
// Normalizes to an ASCII digit 0-9 (leetspeak inside Latin words).
inline constexpr uint32_t kDigit = 1u << 24;
// Noise that stands for a letter between Latin letters ("sh!t", "@ss"):
// the value is that letter.
inline constexpr uint32_t kSoft = 1u << 25;
// A masking symbol ('*') between Latin letters stands for a hidden letter
// ("f*ck"); the value is the wildcard.
inline constexpr uint32_t kStar = 1u << 26;

// A Chinese numeral (lexicon tables only): lets Check skip the phone
// detector on text without any digit.
inline constexpr uint32_t kNumeral = 1u << 27;

// Code points at or above this are not in the table: plane 14 (tags,
// variation selectors) is noise, everything else a letter of its own.
inline constexpr char32_t kTableSize = 0x30000;

// In normalized (code point) space, the wildcard a masking '*' stands for.
// Above U+10FFFF so no text can produce it.
inline constexpr uint32_t kWildcardCodePoint = 0x110000;

// Leetspeak digits: '0' -> 'o', '1' -> 'i', ... 0 where a digit has no
// common letter reading (it then stays a digit).
inline constexpr char kLeetDigits[10] = {'o', 'i', 0,   'e', 'a',
                                         's', 0,   't', 'b', 'g'};

// Immutable after construction; a value type that is cheap to move.
class CharTable final {
 public:
  CharTable() = default;
  CharTable(std::vector<uint32_t> entries, std::vector<uint32_t> expansion,
            std::vector<uint32_t> expansion_index, uint32_t beyond_value)
      : entries_(std::move(entries)),
        expansion_(std::move(expansion)),
        expansion_index_(std::move(expansion_index)),
        beyond_value_(beyond_value) {}

  uint32_t Lookup(char32_t c) const {
    if (c < kTableSize) return entries_[c];
    if (c >= 0xE0000 && c < 0xE1000) return kNoise;
    return beyond_value_ == kValueMask ? static_cast<uint32_t>(c)
                                       : beyond_value_;
  }

  // The entries a kExpansion entry stands for: [*begin, *end).
  void Expansion(uint32_t entry, const uint32_t** begin,
                 const uint32_t** end) const {
    const uint32_t i = entry & kValueMask;
    *begin = expansion_.data() + expansion_index_[i];
    *end = expansion_.data() + expansion_index_[i + 1];
  }

  size_t MemoryUsage() const {
    return (entries_.capacity() + expansion_.capacity() +
            expansion_index_.capacity()) *
           sizeof(uint32_t);
  }

  const std::vector<uint32_t>& entries() const { return entries_; }
  const std::vector<uint32_t>& expansion() const { return expansion_; }
  const std::vector<uint32_t>& expansion_index() const {
    return expansion_index_;
  }

 private:
  std::vector<uint32_t> entries_;          // kTableSize entries.
  std::vector<uint32_t> expansion_;        // Entries of all expansions.
  std::vector<uint32_t> expansion_index_;  // Expansion i: [i], [i + 1].
  // Value for code points beyond the table outside plane 14; kValueMask
  // means "the code point itself" (the normalization table).
  uint32_t beyond_value_ = kValueMask;
};

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_CHAR_TABLE_H_
