// A multi-pattern matcher over symbol ids (Aho-Corasick).
//
// Why this layout: text is mostly characters no pattern starts with, so the
// root's transitions are a dense array indexed by symbol (one load). Deeper
// states are sparse (a Chinese lexicon has thousands of symbols, but most
// states have one child), so each state is one 16-byte node holding its
// failure link and either its only child inline or a small open-addressing
// hash table of edges (a first character can have hundreds of successors
// in a large lexicon, and binary search over them cost more than the rest of
// the scan).
// A step thus touches one cache line per state visited, plus the edges of a
// branching state. States are numbered breadth-first, which keeps the hot
// shallow states together. A node's failure link carries a flag bit telling
// whether any pattern ends at the state or on its failure chain, so the
// scan loop tests output without another load.
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
      const Node& node = nodes_[state];
      if (node.count_or_child & kMulti) {
        // The filter is small enough to stay in cache; the edge tables of
        // the busiest states are not, and most lookups there miss.
        const uint32_t next = MayHave(state, sym) ? FindEdge(node, sym) : kNone;
        if (next != kNone) return next;
      } else if (node.sym_or_begin == sym) {
        return node.count_or_child;
      }
      state = node.fail & ~kHasOutput;
    }
    return root_[sym];
  }

  // True when a pattern ends at `state` or on its failure chain.
  bool HasOutput(uint32_t state) const {
    return (nodes_[state].fail & kHasOutput) != 0;
  }
  // The first state with own output at or below `state` on its failure
  // chain, or kNone.
  uint32_t Report(uint32_t state) const { return report_[state]; }
  // The next state with own output after `output_state`.
  uint32_t NextReport(uint32_t output_state) const {
    const uint32_t fail = nodes_[output_state].fail & ~kHasOutput;
    return output_state == kRoot ? kNone : report_[fail];
  }
  // Patterns ending at `output_state`: [*begin, *end).
  void Outputs(uint32_t output_state, const uint32_t** begin,
               const uint32_t** end) const {
    *begin = outputs_.data() + output_index_[output_state];
    *end = outputs_.data() + output_index_[output_state + 1];
  }

  size_t state_count() const { return nodes_.size(); }
  size_t MemoryUsage() const;

 private:
  static constexpr uint32_t kMulti = 1u << 31;      // In count_or_child.
  static constexpr uint32_t kHasOutput = 1u << 31;  // In fail.

  struct Node {
    uint32_t fail;            // Failure state | kHasOutput.
    uint32_t sym_or_begin;    // The only child's symbol, or edges_ index.
    uint32_t count_or_child;  // The only child, or kMulti.
    uint32_t mask;            // Edge table size - 1 (a power of two).
  };
  struct Edge {
    uint32_t sym;
    uint32_t next;
  };

  static uint32_t Slot(uint32_t sym) { return sym * 0x9E3779B1u >> 7; }

  // A Bloom filter (one hash) over the (state, symbol) transitions of
  // branching states.
  uint64_t FilterBit(uint32_t state, uint32_t sym) const {
    return ((uint64_t{state} << 21 | sym) * 0x9E3779B97F4A7C15ull) >>
           filter_shift_;
  }
  bool MayHave(uint32_t state, uint32_t sym) const {
    const uint64_t bit = FilterBit(state, sym);
    return (filter_[bit >> 6] >> (bit & 63)) & 1;
  }

  // Linear probing; an empty slot has symbol 0, which no edge uses.
  uint32_t FindEdge(const Node& node, uint32_t sym) const {
    const Edge* table = edges_.data() + node.sym_or_begin;
    for (uint32_t i = Slot(sym) & node.mask;; i = (i + 1) & node.mask) {
      if (table[i].sym == sym) return table[i].next;
      if (table[i].sym == 0) return kNone;
    }
  }

  std::vector<uint32_t> root_;  // Dense, by symbol.
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::vector<uint64_t> filter_;
  int filter_shift_ = 64;
  std::vector<uint32_t> report_;
  std::vector<uint32_t> output_index_;  // Per state, into outputs_.
  std::vector<uint32_t> outputs_;       // Pattern ids.
};

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_AHO_CORASICK_H_
