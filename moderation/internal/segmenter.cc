#include "moderation/internal/segmenter.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "moderation/internal/normalizer.h"
#include "moderation/internal/utf8.h"

namespace moderation::internal {
namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

// One line "word count [tag]": the word and its count, or false.
bool ParseLine(std::string_view line, std::string_view* word, double* count) {
  const size_t space = line.find(' ');
  if (space == 0 || space == std::string_view::npos) return false;
  *word = line.substr(0, space);
  std::string_view rest = line.substr(space + 1);
  rest = rest.substr(0, rest.find(' '));
  const std::string number(rest);
  char* end = nullptr;
  *count = std::strtod(number.c_str(), &end);
  return end != number.c_str() && *end == '\0' && *count > 0;
}

// Best log probability of a reading of `w` in words of at most `longest`
// characters, right to left: best[i] is that of w[i..). With `next`, also
// the end of the first word from each i.
float BestReading(const WordDictionary& dict, std::u32string_view w,
                  size_t max_chars, std::vector<uint32_t>* next) {
  const size_t n = w.size();
  thread_local std::vector<float> best;  // Not kept across calls.
  best.assign(n + 1, 0);
  if (next != nullptr) next->assign(n + 1, static_cast<uint32_t>(n));
  for (size_t i = n; i-- > 0;) {
    // A single character is always a reading (the dictionary's count for
    // it, or the unknown character's).
    float p;
    if (!dict.LogProbability(w.substr(i, 1), &p)) {
      p = dict.UnknownLogProbability();
    }
    float top = p + best[i + 1];
    uint32_t top_end = static_cast<uint32_t>(i + 1);
    const size_t longest = std::min(n - i, max_chars);
    for (size_t len = 2; len <= longest; ++len) {
      if (dict.LogProbability(w.substr(i, len), &p) &&
          p + best[i + len] > top) {
        top = p + best[i + len];
        top_end = static_cast<uint32_t>(i + len);
      }
    }
    best[i] = top;
    if (next != nullptr) (*next)[i] = top_end;
  }
  return best[0];
}

// A word [ws, we) cuts the match [start, end) when it crosses one of the
// match's edges: it begins outside the match and ends inside it, or
// begins inside and ends outside. A word inside the match is a piece of
// the keyword reading; one holding the match is a compound of it.
bool Cuts(size_t ws, size_t we, size_t start, size_t end) {
  return (ws < start && we > start && we < end) ||
         (ws > start && ws < end && we > end);
}

}  // namespace

uint64_t WordDictionary::Key(std::u32string_view chars) {
  // FNV-1a over code points, then a final mix: 349,046 words in 2^64.
  uint64_t h = 0xcbf29ce484222325ull;
  for (char32_t c : chars) {
    h = (h ^ static_cast<uint64_t>(c)) * 0x100000001b3ull;
  }
  h ^= h >> 29;
  return h * 0xbf58476d1ce4e5b9ull;
}

absl::StatusOr<std::unique_ptr<const WordDictionary>> WordDictionary::Load(
    const std::string& path, const CharTable& normalization) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string message =
        absl::StrCat("cannot read the segmentation dictionary ", path, ": ",
                     std::strerror(err),
                     " (Debian's python3-jieba installs it; an empty "
                     "dictionary path turns word boundaries off)");
    return err == ENOENT   ? absl::NotFoundError(message)
           : err == EACCES ? absl::PermissionDeniedError(message)
                           : absl::UnavailableError(message);
  }
  std::unique_ptr<WordDictionary> dict(new WordDictionary());
  std::vector<std::pair<uint64_t, double>> counts;
  counts.reserve(400000);
  double total = 0;
  std::string line;
  std::u32string chars;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::string_view word;
    double count;
    if (!ParseLine(line, &word, &count)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", number, ": expected \"word count [tag]\", got \"",
          line.substr(0, 80), "\""));
    }
    total += count;
    chars.clear();
    const auto* p = reinterpret_cast<const unsigned char*>(word.data());
    const auto* end = p + word.size();
    bool han = true;
    while (p < end && han) {
      char32_t c;
      p += DecodeUtf8(p, end, &c);
      const uint32_t entry = normalization.Lookup(c);
      const char32_t folded =
          (entry & (kExpansion | kNoise)) == 0 ? (entry & kValueMask) : c;
      han = IsHan(c) && IsHan(folded);
      chars.push_back(folded);
    }
    if (!han || chars.size() > kMaxDictionaryWordChars) continue;
    counts.emplace_back(Key(chars), count);
  }
  if (counts.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no word of Chinese characters"));
  }
  dict->log_total_ = std::log(total);
  dict->unknown_log_p_ = static_cast<float>(-dict->log_total_);
  dict->words_.reserve(counts.size());
  for (const auto& [key, count] : counts) {
    // A word written twice, or two that fold to one simplified spelling,
    // keep the larger count.
    const float log_p = dict->LogProbabilityOfCount(count);
    auto [it, inserted] = dict->words_.emplace(key, log_p);
    if (!inserted && it->second < log_p) it->second = log_p;
  }
  return std::unique_ptr<const WordDictionary>(std::move(dict));
}

bool WordDictionary::LogProbability(std::u32string_view chars,
                                    float* log_p) const {
  const auto it = words_.find(Key(chars));
  if (it == words_.end()) return false;
  *log_p = it->second;
  return true;
}

float WordDictionary::LogProbabilityOfCount(double count) const {
  return static_cast<float>(std::log(count) - log_total_);
}

size_t WordDictionary::MemoryUsage() const {
  // A flat_hash_map slot per bucket plus a control byte.
  return sizeof(*this) +
         words_.bucket_count() * (sizeof(std::pair<uint64_t, float>) + 1);
}

absl::StatusOr<std::shared_ptr<const WordDictionary>> SharedWordDictionary(
    const std::string& path) {
  static absl::Mutex mutex(absl::kConstInit);
  static auto* const loaded ABSL_GUARDED_BY(mutex) =
      new absl::flat_hash_map<std::string,
                              std::shared_ptr<const WordDictionary>>();
  absl::MutexLock lock(&mutex);  // Held through a load: one load per path.
  const auto it = loaded->find(path);
  if (it != loaded->end()) return it->second;
  const absl::StatusOr<CharTable>& normalization = NormalizationTable();
  if (!normalization.ok()) return normalization.status();
  absl::StatusOr<std::unique_ptr<const WordDictionary>> dict =
      WordDictionary::Load(path, *normalization);
  if (!dict.ok()) return dict.status();
  std::shared_ptr<const WordDictionary> shared = *std::move(dict);
  loaded->emplace(path, shared);
  return shared;
}

namespace {

Straddle FindStraddleIn(const WordDictionary& dictionary,
                        std::u32string_view window, size_t start, size_t end,
                        float keyword_log_p, size_t max_chars) {
  Straddle out;
  std::vector<uint32_t> next;
  const float best = BestReading(dictionary, window, max_chars, &next);
  // The best reading's words, left to right: does one cut the match?
  for (size_t i = 0; i < window.size() && i < end; i = next[i]) {
    const size_t j = next[i];
    if (Cuts(i, j, start, end)) {
      out.found = true;
      out.word_start = i;
      out.word_end = j;
      if (!dictionary.LogProbability(window.substr(i, j - i),
                                     &out.word_log_p)) {
        out.word_log_p = dictionary.UnknownLogProbability();
      }
      break;
    }
    if (i <= start && j >= end && j - i > end - start) {
      // A longer word holds the match. It is the keyword in a compound
      // (色情片, 赌博机) unless the word's own best reading, without the
      // word itself, cuts the match: 大麻烦 is 大 + 麻烦, not 大麻 + 烦.
      out = FindStraddleIn(dictionary, window.substr(i, j - i), start - i,
                           end - i, keyword_log_p, j - i - 1);
      out.word_start += i;
      out.word_end += i;
      return out;
    }
  }
  if (!out.found) return out;
  // The best reading that keeps the match whole: the text before it, the
  // match as one word (its dictionary count, or the keyword's), and the
  // text after it.
  const std::u32string_view match = window.substr(start, end - start);
  float whole;
  if (!dictionary.LogProbability(match, &whole)) whole = keyword_log_p;
  whole = std::max(whole, BestReading(dictionary, match, max_chars, nullptr));
  const float kept =
      BestReading(dictionary, window.substr(0, start), max_chars, nullptr) +
      whole +
      BestReading(dictionary, window.substr(end), max_chars, nullptr);
  out.margin = best - kept;
  return out;
}

}  // namespace

Straddle FindStraddle(const WordDictionary& dictionary,
                      std::u32string_view window, size_t start, size_t end,
                      float keyword_log_p) {
  return FindStraddleIn(dictionary, window, start, end, keyword_log_p,
                        kMaxDictionaryWordChars);
}

Straddle BreakIteratorStraddle(std::u32string_view window, size_t start,
                               size_t end) {
  Straddle out;
  thread_local std::unique_ptr<icu::BreakIterator> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale("zh"), status));
    return U_SUCCESS(status) ? std::move(it) : nullptr;
  }();
  if (iterator == nullptr) return out;
  // The window is Han only, so each code point is one UTF-16 unit below
  // U+10000 and two above; map UTF-16 boundaries back to code points.
  icu::UnicodeString text;
  std::vector<uint32_t> unit_to_cp;
  for (size_t i = 0; i < window.size(); ++i) {
    text.append(static_cast<UChar32>(window[i]));
    while (unit_to_cp.size() < static_cast<size_t>(text.length())) {
      unit_to_cp.push_back(static_cast<uint32_t>(i));
    }
  }
  unit_to_cp.push_back(static_cast<uint32_t>(window.size()));
  iterator->setText(text);
  int32_t from = iterator->first();
  for (int32_t to = iterator->next(); to != icu::BreakIterator::DONE;
       from = to, to = iterator->next()) {
    const size_t ws = unit_to_cp[from];
    const size_t we = unit_to_cp[to];
    if (Cuts(ws, we, start, end)) {
      out.found = true;
      out.word_start = ws;
      out.word_end = we;
      return out;
    }
  }
  return out;
}

}  // namespace moderation::internal
