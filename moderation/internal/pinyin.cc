#include "moderation/internal/pinyin.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "moderation/internal/scanner.h"

namespace moderation::internal {
namespace {

// The toneless pinyin of single Han characters, each transliterated once.
// Not thread-safe: one per FindPinyinVariants call.
class Syllables final {
 public:
  static absl::StatusOr<std::unique_ptr<Syllables>> Open() {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> latin(
        icu::Transliterator::createInstance("Han-Latin; Latin-ASCII; Lower",
                                            UTRANS_FORWARD, status));
    if (U_FAILURE(status) || latin == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ICU: no Han-Latin transliterator: ", u_errorName(status)));
    }
    return std::unique_ptr<Syllables>(new Syllables(std::move(latin)));
  }
  Syllables(const Syllables&) = delete;
  Syllables& operator=(const Syllables&) = delete;

  // The syllable of `c`, or "" when its transliteration is not plain a-z
  // (a character ICU has no reading for comes back unchanged).
  const std::string& Of(char32_t c) {
    const auto [it, inserted] = cache_.try_emplace(c);
    if (!inserted) return it->second;
    icu::UnicodeString text(static_cast<UChar32>(c));
    latin_->transliterate(text);
    std::string syllable;
    for (int32_t i = 0; i < text.length(); ++i) {
      const char16_t ch = text.charAt(i);
      if (ch < u'a' || ch > u'z') {
        syllable.clear();
        break;
      }
      syllable.push_back(static_cast<char>(ch));
    }
    it->second = std::move(syllable);
    return it->second;
  }

 private:
  explicit Syllables(std::unique_ptr<icu::Transliterator> latin)
      : latin_(std::move(latin)) {}

  std::unique_ptr<icu::Transliterator> latin_;
  absl::flat_hash_map<char32_t, std::string> cache_;
};

// Appends `u`, folded into the last unit when both are the same Latin
// letter: the scanner folds "oo" into one unit with run 2, and a pattern
// must be written as the text will read.
void Append(const Unit& u, Spelling* out) {
  if ((u.flags & kUnitLatin) && !out->empty() &&
      (out->back().flags & kUnitLatin) && out->back().sym == u.sym) {
    out->back().run += u.run;
    return;
  }
  out->push_back(u);
}

void AppendLetter(char letter, Spelling* out) {
  Unit u;
  u.sym = static_cast<uint32_t>(letter);
  u.start = 0;
  u.end = 0;
  u.run = 1;
  u.flags = kUnitLatin;
  u.gap = kGapNone;
  Append(u, out);
}

// `word` with the units at `replaced` (ascending) spelled by `syllables`
// (parallel to the word).
Spelling Replace(const Spelling& word, const std::vector<uint32_t>& replaced,
                 const std::vector<std::string>& syllables) {
  Spelling out;
  size_t next = 0;  // Into `replaced`.
  for (uint32_t i = 0; i < word.size(); ++i) {
    if (next < replaced.size() && replaced[next] == i) {
      ++next;
      for (char letter : syllables[i]) AppendLetter(letter, &out);
      continue;
    }
    Append(word[i], &out);  // May follow a syllable's same last letter.
  }
  return out;
}

// The variants of one word: every choice of k of `replaceable` (positions
// of its Han units with a syllable), k from 1 to `max_k`, in lexicographic
// order, until `max` are made.
std::vector<Spelling> Mix(const Spelling& word,
                          const std::vector<uint32_t>& replaceable,
                          const std::vector<std::string>& syllables,
                          size_t max_k, size_t max) {
  std::vector<Spelling> out;
  std::vector<uint32_t> chosen;
  const auto choose = [&](const auto& self, size_t k, size_t from) -> void {
    if (out.size() >= max) return;
    if (k == 0) {
      out.push_back(Replace(word, chosen, syllables));
      return;
    }
    for (size_t a = from; a + k <= replaceable.size(); ++a) {
      chosen.push_back(replaceable[a]);
      self(self, k - 1, a + 1);
      chosen.pop_back();
    }
  };
  for (size_t k = 1; k <= max_k && out.size() < max; ++k) {
    choose(choose, k, 0);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<Spelling>>> FindPinyinVariants(
    const std::vector<Spelling>& words, size_t max_per_word) {
  std::vector<std::vector<Spelling>> out(words.size());
  if (words.empty()) return out;  // Builds no transliterator.
  absl::StatusOr<std::unique_ptr<Syllables>> syllables = Syllables::Open();
  if (!syllables.ok()) return syllables.status();
  std::vector<uint32_t> replaceable;
  // Copies: the cache's strings move when it grows.
  std::vector<std::string> spelled;
  for (size_t w = 0; w < words.size(); ++w) {
    const Spelling& word = words[w];
    replaceable.clear();
    spelled.assign(word.size(), std::string());
    size_t han = 0;
    for (uint32_t i = 0; i < word.size(); ++i) {
      if (!IsHanUnit(word[i])) continue;
      ++han;
      const std::string& syllable = (*syllables)->Of(word[i].sym);
      if (syllable.empty()) continue;
      spelled[i] = syllable;
      replaceable.push_back(i);
    }
    if (han < 2 || replaceable.empty()) continue;
    // At least one Han character stays: all-pinyin spellings ("bocai") read
    // like ordinary Latin text.
    const size_t max_k = std::min(replaceable.size(), han - 1);
    out[w] = Mix(word, replaceable, spelled, max_k, max_per_word);
  }
  return out;
}

}  // namespace moderation::internal
