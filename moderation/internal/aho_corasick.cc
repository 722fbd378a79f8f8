#include "moderation/internal/aho_corasick.h"

#include <algorithm>

namespace moderation::internal {

AhoCorasick::AhoCorasick(const std::vector<std::vector<uint32_t>>& patterns,
                         uint32_t alphabet_size)
    : root_(std::max<uint32_t>(alphabet_size, 1), kRoot) {
  size_t total = 1;
  for (const auto& p : patterns) total += p.size();
  size_t capacity = 16;
  while (capacity < 2 * total) capacity *= 2;
  keys_.assign(capacity, kEmptyKey);
  values_.assign(capacity, kNone);
  mask_ = capacity - 1;

  // The trie. Edges are remembered per child (parent, symbol) so the
  // breadth-first pass below can walk them.
  std::vector<uint32_t> parent = {kRoot};
  std::vector<uint32_t> via = {0};
  std::vector<std::vector<uint32_t>> ends(1);
  for (uint32_t id = 0; id < patterns.size(); ++id) {
    uint32_t state = kRoot;
    for (uint32_t sym : patterns[id]) {
      uint32_t next =
          state == kRoot ? (root_[sym] == kRoot ? kNone : root_[sym])
                         : Find(state, sym);
      if (next == kNone) {
        next = static_cast<uint32_t>(parent.size());
        parent.push_back(state);
        via.push_back(sym);
        ends.emplace_back();
        if (state == kRoot) {
          root_[sym] = next;
        } else {
          Insert(Key(state, sym), next);
        }
      }
      state = next;
    }
    ends[state].push_back(id);
  }

  // Breadth-first order: children after parents. A counting sort of the
  // states by depth would do too; depth is at most the longest pattern.
  const size_t n = parent.size();
  std::vector<uint32_t> depth(n, 0);
  for (uint32_t s = 1; s < n; ++s) depth[s] = depth[parent[s]] + 1;
  std::vector<uint32_t> order(n);
  for (uint32_t s = 0; s < n; ++s) order[s] = s;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return depth[a] < depth[b]; });

  fail_.assign(n, kRoot);
  report_.assign(n, kNone);
  for (uint32_t s : order) {
    if (s == kRoot) continue;
    const uint32_t p = parent[s];
    if (p != kRoot) fail_[s] = Step(fail_[p], via[s]);
    report_[s] = !ends[s].empty() ? s : report_[fail_[s]];
  }

  output_index_.assign(n + 1, 0);
  for (uint32_t s = 0; s < n; ++s) {
    output_index_[s + 1] =
        output_index_[s] + static_cast<uint32_t>(ends[s].size());
  }
  outputs_.reserve(output_index_[n]);
  for (uint32_t s = 0; s < n; ++s) {
    outputs_.insert(outputs_.end(), ends[s].begin(), ends[s].end());
  }
}

void AhoCorasick::Insert(uint64_t key, uint32_t value) {
  size_t i = Hash(key) & mask_;
  while (keys_[i] != kEmptyKey) i = (i + 1) & mask_;
  keys_[i] = key;
  values_[i] = value;
}

size_t AhoCorasick::MemoryUsage() const {
  return root_.capacity() * sizeof(uint32_t) +
         keys_.capacity() * sizeof(uint64_t) +
         (values_.capacity() + fail_.capacity() + report_.capacity() +
          output_index_.capacity() + outputs_.capacity()) *
             sizeof(uint32_t);
}

}  // namespace moderation::internal
