// Word boundaries in Chinese text, for telling a keyword from the same
// characters across two words ("景色情调" holds 色情 across 景色 and 情调).
//
// WordDictionary is a word-frequency dictionary in jieba's format (Debian's
// python3-jieba ships it: one "word count [tag]" per line, 349,046 words).
// FindStraddle segments a short window of text by maximum probability over
// the DAG of its dictionary words (jieba's and cppjieba's design: each word
// costs log(count / total), an unknown character counts 1) and asks whether
// the best reading cuts through the match, and by how much that reading is
// more likely than one that keeps the match as a word of its own.
// BreakIteratorStraddle asks the same of ICU's dictionary-based word
// break iterator, which has no probabilities: any cut counts.
#ifndef MODERATION_INTERNAL_SEGMENTER_H_
#define MODERATION_INTERNAL_SEGMENTER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "moderation/internal/char_table.h"

namespace moderation::internal {

// Words longer than this (idioms, names) add no edge to the DAG: a keyword
// is rarely cut by one that the shorter words around it do not also cut.
inline constexpr int kMaxDictionaryWordChars = 8;

// True for CJK unified ideographs (the BMP blocks, compatibility
// ideographs and planes 2-3): the characters the dictionary segments.
inline bool IsHan(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

// Immutable after Load; Check reads it from any number of threads.
class WordDictionary final {
 public:
  // Parses jieba's dict.txt format. Each word goes through `normalization`
  // (traditional -> simplified, as text does); words with a non-Han
  // character or longer than kMaxDictionaryWordChars count towards the
  // total only. Errors: NotFound / PermissionDenied / Unavailable when
  // `path` cannot be read, InvalidArgument naming the line for a line
  // without a positive count, or a file with no word.
  static absl::StatusOr<std::unique_ptr<const WordDictionary>> Load(
      const std::string& path, const CharTable& normalization);

  WordDictionary(const WordDictionary&) = delete;
  WordDictionary& operator=(const WordDictionary&) = delete;

  // log(count / total) of the word `chars` (normalized code points), or
  // false when it is not a word of the dictionary.
  bool LogProbability(std::u32string_view chars, float* log_p) const;
  // The log probability of a character the dictionary does not know, and
  // of a word of `count` occurrences.
  float UnknownLogProbability() const { return unknown_log_p_; }
  float LogProbabilityOfCount(double count) const;

  size_t word_count() const { return words_.size(); }
  size_t MemoryUsage() const;

 private:
  WordDictionary() = default;
  static uint64_t Key(std::u32string_view chars);

  absl::flat_hash_map<uint64_t, float> words_;  // Key() -> log p.
  double log_total_ = 0;
  float unknown_log_p_ = 0;
};

// The dictionary at `path`, loaded once per process and path (later calls
// return the same one; a failed load is retried). Thread-safe.
absl::StatusOr<std::shared_ptr<const WordDictionary>> SharedWordDictionary(
    const std::string& path);

// A dictionary word of the best reading that cuts into a match.
struct Straddle {
  bool found = false;
  size_t word_start = 0;  // In the window.
  size_t word_end = 0;
  float word_log_p = 0;  // The cutting word's log probability.
  // How much more likely (natural log) the best reading is than the best
  // one that keeps the match whole, reading it as a word of its own.
  float margin = 0;
};

// Segments `window` (normalized Han code points) and reports a word of the
// best reading that begins or ends strictly inside [start, end) without
// holding all of it (a word holding the match, 他妈的 for 妈的, is the
// keyword in a compound and cuts nothing). `keyword_log_p` is the log
// probability of the keyword reading when the match is not a dictionary
// word itself. REQUIRES: start < end <= window.size().
Straddle FindStraddle(const WordDictionary& dictionary,
                      std::u32string_view window, size_t start, size_t end,
                      float keyword_log_p);

// The same question put to ICU's word break iterator (locale zh), which
// cuts without probabilities: margin is 0 when found. Keeps one iterator
// per thread. Reports nothing if ICU fails.
Straddle BreakIteratorStraddle(std::u32string_view window, size_t start,
                               size_t end);

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_SEGMENTER_H_
