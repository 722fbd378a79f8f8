// Precision without exception words: the two rules that weaken a match by
// the text around it (moderation.h, Downgrade).
//  * Inside a word: the most likely segmentation of the Chinese text around
//    a match cuts through it (segmenter.h).
//  * Warning: a warning or report word earlier in the same sentence.
// Both run only on the matches Check found, never on clean text, so the
// prefilter's fast path does not see them.
#ifndef MODERATION_INTERNAL_PRECISION_H_
#define MODERATION_INTERNAL_PRECISION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "moderation/internal/char_table.h"
#include "moderation/internal/segmenter.h"
#include "moderation/moderation.h"

namespace moderation::internal {

// The word rule's constants, chosen on evaluation_generalize.tsv (not its
// held-out part) with a sweep in docs/moderation.md: the keyword reading
// counts as a word seen once (kKeywordCount), and any margin of the best
// reading over it (kStraddleMargin) downgrades, so the rule is "jieba,
// with the keyword added at the lowest count, still cuts the match". A
// cutting word seen fewer than kMinCuttingCount times does not count:
// jieba's web-crawled tail holds 免费成人 and 免费网 (3 each), which would
// excuse 免费成人视频 and 免费网赌.
inline constexpr float kStraddleMargin = 0.0f;
inline constexpr double kKeywordCount = 1;
inline constexpr double kMinCuttingCount = 50;
// Characters of context on each side of a match the segmentation sees, and
// how far back a warning word may stand.
inline constexpr size_t kSegmentContext = 6;
inline constexpr size_t kWarningReach = 24;

// The text a Check with matches decodes once: per code point, its
// normalized form (traditional -> simplified, Latin case-folded; noise and
// expansions as written) and its byte offset.
struct DecodedText {
  std::u32string chars;
  std::vector<uint32_t> offsets;  // chars.size() + 1 entries.

  // The original text of code points [start, end).
  std::string_view Slice(std::string_view text, uint32_t start,
                         uint32_t end) const {
    return text.substr(offsets[start], offsets[end] - offsets[start]);
  }
};
void Decode(const CharTable& normalization, std::string_view text,
            DecodedText* out);

// What the rules decided for one match.
struct Demotion {
  Action action;
  Downgrade reason = Downgrade::kNone;
  uint32_t cue_start = 0;  // Code points of the cue in the text.
  uint32_t cue_end = 0;
};

struct PrecisionRules {
  WordBoundaries boundaries = WordBoundaries::kOff;
  const WordDictionary* dictionary = nullptr;  // For kDictionary.
};

// The action of the match [start, end) of `action`. `keyword`: a lexicon
// word, which the word rule may weaken (detectors only meet the warning
// rule).
Demotion Demote(const PrecisionRules& rules, const DecodedText& text,
                uint32_t start, uint32_t end, Action action, bool keyword);

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_PRECISION_H_
