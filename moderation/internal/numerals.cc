#include "moderation/internal/numerals.h"

#include <algorithm>

namespace moderation::internal {
namespace {

// By value: the ASCII digit, the Chinese numeral, the financial numeral.
constexpr char32_t kSpellings[10][3] = {
    {U'0', U'零', U'零'}, {U'1', U'一', U'壹'}, {U'2', U'二', U'贰'},
    {U'3', U'三', U'叁'}, {U'4', U'四', U'肆'}, {U'5', U'五', U'伍'},
    {U'6', U'六', U'陆'}, {U'7', U'七', U'柒'}, {U'8', U'八', U'捌'},
    {U'9', U'九', U'玖'}};

// The value of a digit unit, or -1. 〇 and 两 count as 0 and 2; 幺 and 洞,
// the readings of 1 and 0 in phone numbers, do not: in words they are
// other words (幺妹, 山洞).
int ValueOf(const Unit& u) {
  for (int v = 0; v < 10; ++v) {
    for (char32_t c : kSpellings[v]) {
      if (u.sym == c) return v;
    }
  }
  if (u.sym == U'〇') return 0;
  if (u.sym == U'两') return 2;
  return -1;
}

}  // namespace

std::vector<Spelling> FindNumeralVariants(const Spelling& word,
                                          size_t max_per_word) {
  std::vector<Spelling> out;
  if (!HoldsHan(word)) return out;
  std::vector<size_t> at;  // Positions of the digits.
  for (size_t i = 0; i < word.size() && at.size() < kMaxNumeralDigits; ++i) {
    if (ValueOf(word[i]) >= 0) at.push_back(i);
  }
  if (at.empty()) return out;
  // Every choice of spelling per digit, as a base-3 number; the word's own
  // choice is skipped by comparing symbols. Sorted by how many digits
  // change.
  size_t combos = 1;
  for (size_t k = 0; k < at.size(); ++k) combos *= 3;
  std::vector<std::pair<int, Spelling>> found;
  for (size_t c = 0; c < combos; ++c) {
    Spelling s = word;
    int changed = 0;
    size_t rest = c;
    for (size_t i : at) {
      const char32_t to = kSpellings[ValueOf(word[i])][rest % 3];
      rest /= 3;
      if (to == word[i].sym) continue;
      ++changed;
      s[i].sym = to;
      s[i].flags = to < 0x80 ? kUnitDigit : 0;
      s[i].run = 1;
    }
    if (changed > 0) found.emplace_back(changed, std::move(s));
  }
  std::stable_sort(
      found.begin(), found.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [changed, s] : found) {
    if (out.size() == max_per_word) break;
    // 零 is both spellings of 0: skip the duplicate.
    if (std::find_if(out.begin(), out.end(), [&](const Spelling& o) {
          return std::equal(
              o.begin(), o.end(), s.begin(), s.end(),
              [](const Unit& a, const Unit& b) { return a.sym == b.sym; });
        }) != out.end()) {
      continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace moderation::internal
