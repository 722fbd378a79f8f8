// The prefilter: a pass that proves a text clean without building the
// scanner's units, running the detectors or verifying matches.
//
// Why: almost every comment is clean, and the full pipeline (units,
// automaton, verdict) costs several times what it takes to read the text
// once. Two proofs behind one interface, Prefilter, one per lexicon:
// PairFilter for small lexicons and TripleFilter for the rest
// (MakePrefilter chooses).
//
// PairFilter, for small lexicons: a word matches on consecutive units, so it
// can only match where its first two symbols stand next to each other once
// noise is skipped. It gives every code point a one-byte class: each
// symbol that starts a pattern or comes second in one gets a class of its
// own (merged by a hash only when there are more than fit), noise is
// skipped, and everything else, including the other lexicon symbols, is
// "inert" and breaks a pair. A 256 x 256 byte table marks the patterns'
// first pairs of classes, so a text is two table reads per code point,
// with no branch that depends on the text in CJK. The classes come
// from the lexicon's symbol table, so every normalization the scanner
// applies (full-width, traditional forms, confusables, invisible
// characters) applies here too.
//
// This holds only where the scanner's context rules cannot make symbols
// that a code point's entry does not show: leetspeak turns a digit, '@',
// '$', '!' or '*' into a letter only next to a Latin letter, and an
// expansion ("ﬁ", "⑩") makes several units of one code point. So a Latin
// letter, an expansion, or an entry flag this file does not know has a
// class whose column in the pair table is all ones, as does a symbol that is a
// whole pattern by itself; invalid UTF-8 (whose verdict needs a repaired
// copy) ends the pass too. All of these send the text to the full pipeline.
// The contact detectors: URLs need Latin letters; QQ and WeChat keywords
// are patterns; a phone number needs a run of 11 digit units, and digits
// (and Chinese numerals) have classes of their own so the pass can count
// runs. Gaps longer than max_gap only split matches, so they are ignored.
//
// With a large lexicon nearly every text holds some pattern's first pair,
// and the classes run out, so only lexicons with few first pairs
// (kMaxPairs) get a PairFilter; the others get a TripleFilter.
#ifndef MODERATION_INTERNAL_PREFILTER_H_
#define MODERATION_INTERNAL_PREFILTER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "moderation/internal/char_table.h"

namespace moderation::internal {

// A proof that a text is clean, cheaper than the full pipeline.
// Implementations are immutable after construction; safe for concurrent
// reads.
class Prefilter {
 public:
  Prefilter() = default;
  Prefilter(const Prefilter&) = delete;
  Prefilter& operator=(const Prefilter&) = delete;
  virtual ~Prefilter() = default;

  // True when the full pipeline, run with `symbols` (the symbol table the
  // patterns this was built from come from), certainly finds no match in
  // `text` and `text` is valid UTF-8: the verdict is then "allow" with
  // `text` itself as the masked copy. False says nothing.
  virtual bool ProvesClean(const CharTable& symbols,
                           std::string_view text) const = 0;

  virtual size_t MemoryUsage() const = 0;
};

// The proof for a lexicon: `symbols` is its symbol table, `patterns[i]`
// pattern i's symbols in it, `phone_digits` the run of digit units from
// which the phone detector may match (0 when it is off).
std::unique_ptr<Prefilter> MakePrefilter(
    const CharTable& symbols,
    const std::vector<std::vector<uint32_t>>& patterns, uint32_t phone_digits);

class PairFilter final : public Prefilter {
 public:
  // Lexicons with more distinct first pairs get a TripleFilter instead.
  // The pair table's pass costs a third of the TripleFilter's, but proves
  // fewer comments clean as pairs grow (benchmark corpus: 98% with 100
  // words, 75% with 400, 32% with 1,000; the TripleFilter 99% at any size),
  // and the rest pay for the full pipeline: the two cost the same at about
  // 500 pairs.
  static constexpr size_t kMaxPairs = 512;

  // Distinct first pairs of `patterns` that the prefilter has to test (a
  // pattern with a Latin letter or a wildcard needs none: such text never
  // passes), for the kMaxPairs test.
  static size_t CountPairs(const std::vector<std::vector<uint32_t>>& patterns);

  // As for MakePrefilter.
  PairFilter(const CharTable& symbols,
             const std::vector<std::vector<uint32_t>>& patterns,
             uint32_t phone_digits);

  bool ProvesClean(const CharTable& symbols,
                   std::string_view text) const override;
  size_t MemoryUsage() const override;

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
  // `tail` the next two bytes little end first), so the main loop neither
  // decodes nor validates: one mask, a shift and an or. The table is 1 MB,
  // of which a text touches a line per distinct character.
  static uint32_t ThreeByteIndex(uint32_t lead, uint32_t tail) {
    return (lead & 0x0F) << 16 | tail;
  }

  std::vector<uint8_t> ascii_;         // By code point < 0x80.
  std::vector<uint8_t> three_;         // By ThreeByteIndex; 1 MB.
  std::vector<uint8_t> symbol_class_;  // By symbol id, for ClassOf.
  std::vector<uint8_t> pairs_;         // 1 at first << 8 | second.
  uint32_t phone_digits_;              // UINT32_MAX when off.
};

// The proof for lexicons too large for a PairFilter: the same idea with the
// first three symbols of each pattern (the first two, or the only one, for
// shorter ones), kept as fingerprints in a hash table rather than in 256
// classes (a fingerprint collision only costs a run of the full pipeline).
// Each code point that is not noise is one probe; a probe does not depend
// on the one before (the automaton's next state does), so the memory
// accesses of successive characters overlap. With 100,000 words a
// comment's triples rarely start a word where its pairs nearly always do.
// Sound for the reasons above (consecutive units are consecutive code
// points once noise is skipped), with the same exceptions.
//
// Layout: 64-byte buckets of 16 fingerprints (32-bit hashes of a triple,
// never 0 nor kOverflow). A triple (a, b, c) goes in the bucket of (b, c),
// and a pair (b, c) is the triple (0, b, c), so one bucket read answers
// both for a character. A bucket that overflows holds kOverflow and then
// answers "maybe" for everything in it.
class TripleFilter final : public Prefilter {
 public:
  // As for MakePrefilter; the symbol table comes with each text.
  TripleFilter(const std::vector<std::vector<uint32_t>>& patterns,
               uint32_t phone_digits);

  bool ProvesClean(const CharTable& symbols,
                   std::string_view text) const override;
  size_t MemoryUsage() const override;

 private:
  static constexpr int kSlots = 16;
  static constexpr uint32_t kOverflow = 0xFFFFFFFF;
  struct alignas(64) Bucket {
    uint32_t fingerprints[kSlots];
  };

  static uint64_t Mix(uint64_t x) { return x * 0x9E3779B97F4A7C15ull; }
  size_t BucketOf(uint32_t b, uint32_t c) const {
    return static_cast<size_t>(Mix(uint64_t{b} << 32 | c) >> bucket_shift_);
  }
  // Odd, and below kOverflow.
  static uint32_t Fingerprint(uint32_t a, uint32_t b, uint32_t c) {
    const uint64_t h = Mix(Mix(uint64_t{a} << 32 | b) ^ c);
    return static_cast<uint32_t>(h >> 33) | 1;
  }
  void Add(uint32_t a, uint32_t b, uint32_t c);

  std::vector<Bucket> buckets_;
  int bucket_shift_ = 64;
  std::vector<bool> singles_;  // By symbol id; empty when there are none.
  uint32_t phone_digits_;      // UINT32_MAX when off.
};

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_PREFILTER_H_
