// The prefilter: a pass that proves a text clean without building the
// scanner's units, running the detectors or verifying matches.
//
// Why: almost every comment is clean, and the full pipeline (units,
// automaton, verdict) costs several times what it takes to read the text
// once. Two proofs, one per lexicon: Prefilter for small lexicons, and
// AutomatonProvesClean (at the end of this file) for the rest.
//
// Prefilter, for small lexicons: a word matches on consecutive units, so it can
// only match where its first two symbols stand next to each other once noise is
// skipped. The prefilter gives every code point a one-byte class: each
// symbol that starts a pattern or comes second in one gets a class of its
// own (merged by a hash only when there are more than fit), noise is
// skipped, and everything else, including the other lexicon symbols, is
// "inert" and breaks a pair. A 256 x 256 bitmap holds the patterns' first
// pairs of classes, so a text is one table read and one bit test per code
// point, with no branch that depends on the text in CJK. The classes come
// from the lexicon's symbol table, so every normalization the scanner
// applies (full-width, traditional forms, confusables, invisible
// characters) applies here too.
//
// This holds only where the scanner's context rules cannot make symbols
// that a code point's entry does not show: leetspeak turns a digit, '@',
// '$', '!' or '*' into a letter only next to a Latin letter, and an
// expansion ("ﬁ", "⑩") makes several units of one code point. So a Latin
// letter, an expansion, or an entry flag this file does not know has a
// class whose column in the bitmap is all ones, as does a symbol that is a
// whole pattern by itself; invalid UTF-8 (whose verdict needs a repaired
// copy) ends the pass too. All of these send the text to the full pipeline.
// The contact detectors: URLs need Latin letters; QQ and WeChat keywords
// are patterns; a phone number needs a run of 11 digit units, and digits
// (and Chinese numerals) have classes of their own so the pass can count
// runs. Gaps longer than max_gap only split matches, so they are ignored.
//
// With a large lexicon nearly every text holds some pattern's first pair,
// and the classes run out, so Compile builds a Prefilter only for lexicons
// with few first pairs (kMaxPairs); the others run the automaton itself.
#ifndef MODERATION_INTERNAL_PREFILTER_H_
#define MODERATION_INTERNAL_PREFILTER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "moderation/internal/aho_corasick.h"
#include "moderation/internal/char_table.h"

namespace moderation::internal {

// Immutable after construction; safe for concurrent reads.
class Prefilter final {
 public:
  // Lexicons with more distinct first pairs get no prefilter: about this
  // many clean 70-character comments in a hundred would pass it anyway, and
  // its pass would be wasted on them.
  static constexpr size_t kMaxPairs = 1024;

  // Distinct first pairs of `patterns` that the prefilter has to test (a
  // pattern with a Latin letter or a wildcard needs none: such text never
  // passes), for the kMaxPairs test.
  static size_t CountPairs(const std::vector<std::vector<uint32_t>>& patterns);

  // `symbols`: the lexicon's symbol table; `patterns[i]`: pattern i's
  // symbols in it. `phone_digits`: the run of digit units from which the
  // phone detector may match, or 0 when it is off.
  Prefilter(const CharTable& symbols,
            const std::vector<std::vector<uint32_t>>& patterns,
            uint32_t phone_digits);
  Prefilter(const Prefilter&) = delete;
  Prefilter& operator=(const Prefilter&) = delete;

  // True when the full pipeline, run with the symbol table this prefilter
  // was built from, certainly finds no match in `text` and `text` is valid
  // UTF-8: the verdict is then "allow" with `text` itself as the masked
  // copy. False says nothing.
  bool ProvesClean(const CharTable& symbols, std::string_view text) const;

  size_t MemoryUsage() const;

 private:
  // Classes: 0 inert; [1, kDigitClass) lexicon symbols; then one per digit
  // and Chinese numeral symbol; then "full pipeline" and noise.
  static constexpr uint32_t kInert = 0;
  static constexpr uint32_t kDigitClass = 0xDD;
  static constexpr uint32_t kDigitClasses = 33;  // 10 digits + 23 numerals.
  static constexpr uint32_t kFullPipeline = 0xFE;
  static constexpr uint32_t kNoiseClass = 0xFF;

  uint32_t ClassOf(uint32_t entry) const;
  // Decodes any code point at `p` (< `end`) into its class `*k`. Returns
  // the bytes it takes, or 0 for malformed UTF-8. Out of line: the main loop
  // decodes ASCII and most three-byte characters itself.
  int SlowClass(const CharTable& symbols, const unsigned char* p,
                const unsigned char* end, uint32_t* k) const;
  void SetPair(uint32_t first, uint32_t second) {
    pairs_[first << 8 | second] = 1;
  }

  // Three-byte characters by their bytes as they stand (lead byte 0xE0-0xEF,
  // `tail` the next two bytes little end first), so the main loop decodes
  // nothing: two masks and a shift.
  static uint32_t ThreeByteIndex(uint32_t lead, uint32_t tail) {
    return (lead & 0x0F) << 14 | (tail & 0x3F3F);
  }

  std::vector<uint8_t> ascii_;         // By code point < 0x80.
  std::vector<uint8_t> three_;         // By ThreeByteIndex; 256 KB.
  std::vector<uint8_t> symbol_class_;  // By symbol id, for ClassOf.
  std::vector<uint8_t> pairs_;         // 65,536 bits: first << 8 | second.
  uint32_t phone_digits_;              // UINT32_MAX when off.
};

// The proof for lexicons without a Prefilter, with the automaton itself in
// place of the pair table: the text's symbols, noise skipped, go straight
// through `matcher` (built over the symbols of `symbols`) without the
// scanner's units, and the text is clean when no state with output is
// reached and it is valid UTF-8. Sound for the reasons above (breaks only
// split matches; runs of inert characters leave the automaton at its root
// whether folded or not), with the same exceptions, which end the pass.
// Most of what the scanner costs is building the units, which only the
// verification of matches and the detectors need. `phone_digits`: as for
// Prefilter.
bool AutomatonProvesClean(const CharTable& symbols, const AhoCorasick& matcher,
                          uint32_t phone_digits, std::string_view text);

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_PREFILTER_H_
