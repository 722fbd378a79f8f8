// A multi-pattern matcher over symbol ids (Aho-Corasick).
//
// Why this layout: text is mostly characters no pattern starts with, so the
// root's transitions are a dense array indexed by symbol (one load, no
// hashing). Deeper states are sparse (a Chinese lexicon has thousands of
// symbols but most states have one child), so their transitions live in one
// open-addressing hash table keyed by (state, symbol); a miss follows failure
// links. States are numbered breadth-first. Reporting walks only states that
// have output: `report_[s]` is s itself when patterns end at s, else the
// nearest such state on its failure chain, else kNone.
#ifndef MODERATION_INTERNAL_AHO_CORASICK_H_
#define MODERATION_INTERNAL_AHO_CORASICK_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moderation::internal {

// Immutable after construction; safe for concurrent reads.
class AhoCorasick final {
 public:
  static constexpr uint32_t kRoot = 0;
  static constexpr uint32_t kNone = UINT32_MAX;

  // `patterns[i]` is pattern i: symbols in [1, alphabet_size). Symbol 0
  // never matches (it is "a character no pattern uses").
  AhoCorasick(const std::vector<std::vector<uint32_t>>& patterns,
              uint32_t alphabet_size);
  AhoCorasick(const AhoCorasick&) = delete;
  AhoCorasick& operator=(const AhoCorasick&) = delete;

  uint32_t Step(uint32_t state, uint32_t sym) const {
    while (state != kRoot) {
      if (sym == 0) return kRoot;
      const uint32_t next = Find(state, sym);
      if (next != kNone) return next;
      state = fail_[state];
    }
    return root_[sym];
  }

  // The first state with output at or below `state` on its failure chain.
  uint32_t Report(uint32_t state) const { return report_[state]; }
  // The next state with output after `output_state` (itself with output).
  uint32_t NextReport(uint32_t output_state) const {
    return report_[fail_[output_state]];
  }
  // Patterns ending at `output_state`: [*begin, *end).
  void Outputs(uint32_t output_state, const uint32_t** begin,
               const uint32_t** end) const {
    *begin = outputs_.data() + output_index_[output_state];
    *end = outputs_.data() + output_index_[output_state + 1];
  }

  size_t state_count() const { return fail_.size(); }
  size_t MemoryUsage() const;

 private:
  static uint64_t Key(uint32_t state, uint32_t sym) {
    return (uint64_t{state} << 32) | sym;
  }
  static size_t Hash(uint64_t key) {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 20);
  }
  uint32_t Find(uint32_t state, uint32_t sym) const {
    const uint64_t key = Key(state, sym);
    for (size_t i = Hash(key) & mask_;; i = (i + 1) & mask_) {
      if (keys_[i] == key) return values_[i];
      if (keys_[i] == kEmptyKey) return kNone;
    }
  }
  void Insert(uint64_t key, uint32_t value);

  static constexpr uint64_t kEmptyKey = UINT64_MAX;

  std::vector<uint32_t> root_;  // Dense, by symbol.
  std::vector<uint64_t> keys_;  // Hash table: (state, symbol) ...
  std::vector<uint32_t> values_;  // ... -> next state.
  size_t mask_ = 0;
  std::vector<uint32_t> fail_;
  std::vector<uint32_t> report_;
  std::vector<uint32_t> output_index_;  // Per state, into outputs_.
  std::vector<uint32_t> outputs_;       // Pattern ids.
};

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_AHO_CORASICK_H_
