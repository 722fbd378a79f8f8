// The compiled form of a Lexicon, shared by compile.cc (which builds it)
// and check.cc (which reads it).
#ifndef MODERATION_INTERNAL_LEXICON_IMPL_H_
#define MODERATION_INTERNAL_LEXICON_IMPL_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "moderation/internal/affixes.h"
#include "moderation/internal/aho_corasick.h"
#include "moderation/internal/char_table.h"
#include "moderation/internal/prefilter.h"
#include "moderation/internal/segmenter.h"
#include "moderation/moderation.h"

namespace moderation {

// Symbols every lexicon reserves, so the leetspeak pass and the contact
// detectors can name them without a lookup: 1..10 are '0'..'9', 11..36 are
// 'a'..'z', then the wildcard, then the Chinese numerals in kChineseDigits.
namespace internal {
inline constexpr uint32_t kFirstDigitSym = 1;
inline constexpr uint32_t kFirstLetterSym = 11;
inline constexpr uint32_t kWildcardSym = 37;
inline constexpr uint32_t kFirstChineseDigitSym = 38;
// Chinese numerals spammers write phone and QQ numbers with (simplified:
// the table has already folded traditional forms), and their values.
// "幺" and "洞" are how 1 and 0 are read out in numbers.
inline constexpr char32_t kChineseDigits[] = {
    U'零', U'〇', U'一', U'二', U'三', U'四', U'五', U'六',
    U'七', U'八', U'九', U'壹', U'贰', U'叁', U'肆', U'伍',
    U'陆', U'柒', U'捌', U'玖', U'两', U'幺', U'洞'};
inline constexpr uint8_t kChineseDigitValues[] = {
    0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 1, 0};
static_assert(sizeof(kChineseDigits) / sizeof(char32_t) ==
              sizeof(kChineseDigitValues));
inline constexpr uint32_t kReservedSyms =
    kFirstChineseDigitSym + sizeof(kChineseDigits) / sizeof(char32_t);
inline constexpr uint8_t kNotDigit = 0xFF;

// What a pattern is for: a lexicon entry, an exception word (an entry with
// action kAllow: its matches are not reported, they cancel the matches
// inside them), or a keyword that introduces a contact id (its match is not
// reported; the detector looks after it).
enum class PatternKind : uint8_t { kEntry, kAllow, kQqKeyword, kWechatKeyword };

// The ends of a pattern at which a match must not continue a Latin word
// ("ass" in "class"). A Latin word is whole at both; a pinyin-mixed
// variant (pinyin.h) only at an end where it has a syllable: 人生就是bo
// must not match in 人生就是bonus, but a Han character ends a word by
// itself.
enum class WordEdges : uint8_t { kNone = 0, kStart = 1, kEnd = 2, kBoth = 3 };

struct Pattern {
  uint32_t entry;   // Index into Impl::entries (kEntry only).
  uint32_t runs;    // Offset into Impl::runs, or kNoRuns.
  uint16_t length;  // In units.
  WordEdges edges;
  PatternKind kind;
  // Matches only spelled out, noise between every two units: the variant of
  // a word with a doubled letter for "b a c c a r a t".
  bool spelled = false;
  // What may be glued to a whole-word pattern (internal/affixes.h).
  AffixRule affix = AffixRule::kNone;
};
inline constexpr uint32_t kNoRuns = UINT32_MAX;
}  // namespace internal

// Plain data, written only by Compile and immutable once the Lexicon is
// published; Check reads it from any number of threads.
class Lexicon::Impl {
 public:
  std::vector<LexiconEntry> entries;
  EngineOptions options;
  internal::CharTable symbols;  // Code point -> symbol id.
  std::vector<internal::Pattern> patterns;
  // For patterns with a letter written twice ("ass"): the minimum run of
  // each unit, since the text folds "asss" and "as" alike to a, s.
  std::vector<uint16_t> runs;
  std::vector<uint8_t> digit_value;  // By symbol id; kNotDigit if none.
  std::unique_ptr<internal::AhoCorasick> matcher;
  std::unique_ptr<internal::Prefilter> prefilter;
  // The process-wide normalization table (normalizer.h), for the precision
  // rules, and the shared segmentation dictionary (null unless
  // options.word_boundaries is kDictionary).
  const internal::CharTable* normalization = nullptr;
  std::shared_ptr<const internal::WordDictionary> dictionary;
};

namespace internal {

// Lexicon::Check without the prefilter: scanner, automaton, detectors and
// verdict. Check takes this path for every text the prefilter cannot prove
// clean; the tests compare the two.
Verdict CheckFully(const Lexicon::Impl& lexicon, std::string_view text);

// The compiled form behind a Lexicon, for this library's tests.
class LexiconAccess final {
 public:
  static const Lexicon::Impl& Impl(const Lexicon& lexicon) {
    return *lexicon.impl_;
  }
};

}  // namespace internal

}  // namespace moderation

#endif  // MODERATION_INTERNAL_LEXICON_IMPL_H_
