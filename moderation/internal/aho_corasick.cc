#include "moderation/internal/aho_corasick.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace moderation::internal {

AhoCorasick::AhoCorasick(const std::vector<std::vector<uint32_t>>& patterns,
                         uint32_t alphabet_size) {
  // 1. The trie, in creation order, with a hash map for its transitions.
  std::vector<uint32_t> parent = {kRoot};
  std::vector<uint32_t> via = {0};
  std::vector<uint32_t> depth = {0};
  std::vector<std::vector<uint32_t>> ends(1);
  absl::flat_hash_map<uint64_t, uint32_t> child;
  for (uint32_t id = 0; id < patterns.size(); ++id) {
    uint32_t state = kRoot;
    for (uint32_t sym : patterns[id]) {
      auto [it, inserted] = child.try_emplace(
          (uint64_t{state} << 32) | sym, static_cast<uint32_t>(parent.size()));
      if (inserted) {
        parent.push_back(state);
        via.push_back(sym);
        depth.push_back(depth[state] + 1);
        ends.emplace_back();
      }
      state = it->second;
    }
    ends[state].push_back(id);
  }

  // 2. Breadth-first numbering; children of a state sorted by symbol.
  const size_t n = parent.size();
  std::vector<uint32_t> order(n);
  for (uint32_t s = 0; s < n; ++s) order[s] = s;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (depth[a] != depth[b]) return depth[a] < depth[b];
    if (parent[a] != parent[b]) return parent[a] < parent[b];
    return via[a] < via[b];
  });
  std::vector<uint32_t> renumber(n);
  for (uint32_t i = 0; i < n; ++i) renumber[order[i]] = i;

  // 3. Nodes and edges. Children of one parent are consecutive in `order`.
  root_.assign(std::max<uint32_t>(alphabet_size, 1), kRoot);
  nodes_.assign(n, Node{kRoot, 0, 0, 0});
  for (uint32_t i = 1; i < n;) {
    const uint32_t p = renumber[parent[order[i]]];
    uint32_t j = i;
    while (j < n && renumber[parent[order[j]]] == p) ++j;
    if (p == kRoot) {
      for (uint32_t k = i; k < j; ++k) root_[via[order[k]]] = k;
    } else if (j - i == 1) {
      nodes_[p].sym_or_begin = via[order[i]];
      nodes_[p].count_or_child = i;
    } else {
      uint32_t size = 4;
      while (size < 2 * (j - i)) size *= 2;
      const auto begin = static_cast<uint32_t>(edges_.size());
      nodes_[p].sym_or_begin = begin;
      nodes_[p].count_or_child = kMulti;
      nodes_[p].mask = size - 1;
      edges_.resize(edges_.size() + size, Edge{0, 0});
      for (uint32_t k = i; k < j; ++k) {
        uint32_t slot = Slot(via[order[k]]) & (size - 1);
        while (edges_[begin + slot].sym != 0) slot = (slot + 1) & (size - 1);
        edges_[begin + slot] = Edge{via[order[k]], k};
      }
    }
    i = j;
  }

  // The filter of branching states' transitions: ~8 bits per edge.
  int bits = 12;
  while ((size_t{1} << bits) < 8 * edges_.size() && bits < 26) ++bits;
  filter_.assign((size_t{1} << bits) / 64, 0);
  filter_shift_ = 64 - bits;
  for (uint32_t i = 1; i < n; ++i) {
    const uint32_t p = renumber[parent[order[i]]];
    if (p != kRoot && (nodes_[p].count_or_child & kMulti)) {
      const uint64_t bit = FilterBit(p, via[order[i]]);
      filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
    }
  }

  // 4. Failure links and reports, parents before children.
  report_.assign(n, kNone);
  for (uint32_t i = 1; i < n; ++i) {
    const uint32_t old = order[i];
    const uint32_t p = renumber[parent[old]];
    const uint32_t fail =
        p == kRoot ? kRoot : Step(nodes_[p].fail & ~kHasOutput, via[old]);
    report_[i] = !ends[old].empty() ? i : report_[fail];
    nodes_[i].fail = fail | (report_[i] != kNone ? kHasOutput : 0);
  }

  output_index_.assign(n + 1, 0);
  for (uint32_t i = 0; i < n; ++i) {
    output_index_[i + 1] =
        output_index_[i] + static_cast<uint32_t>(ends[order[i]].size());
  }
  outputs_.reserve(output_index_[n]);
  for (uint32_t i = 0; i < n; ++i) {
    outputs_.insert(outputs_.end(), ends[order[i]].begin(),
                    ends[order[i]].end());
  }
}

size_t AhoCorasick::MemoryUsage() const {
  return nodes_.capacity() * sizeof(Node) + edges_.capacity() * sizeof(Edge) +
         filter_.capacity() * sizeof(uint64_t) +
         (root_.capacity() + report_.capacity() + output_index_.capacity() +
          outputs_.capacity()) *
             sizeof(uint32_t);
}

}  // namespace moderation::internal
