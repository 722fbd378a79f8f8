#include "moderation/internal/precision.h"

#include <algorithm>

#include "moderation/internal/utf8.h"

namespace moderation::internal {
namespace {

// Words that make what follows them in the sentence a warning or a report,
// not an offer: 警惕刷单诈骗, 谨防裸聊敲诈, 请举报色情网站, "beware of
// escort scams". Compared with the normalized text (simplified, lower
// case). A spammer who writes one still gets review, never allow.
constexpr std::u32string_view kWarningWords[] = {
    U"警惕", U"谨防", U"提防", U"当心", U"小心", U"防范", U"严防",
    U"举报", U"远离", U"揭露", U"曝光", U"识破", U"打击", U"严禁",
    U"禁止", U"拒绝", U"beware", U"watch out", U"warning", U"report",
    U"avoid",
};

// Ends a sentence: a warning before it says nothing of what follows.
bool EndsSentence(char32_t c) {
  return c == U'。' || c == U'！' || c == U'？' || c == U'!' || c == U'?' ||
         c == U'\n';
}

// A warning word in the sentence before `start`, at most kWarningReach
// code points back: its span, or false.
bool FindWarning(const std::u32string& chars, uint32_t start, uint32_t* cue_start,
                 uint32_t* cue_end) {
  uint32_t from = start;
  while (from > 0 && start - from < kWarningReach &&
         !EndsSentence(chars[from - 1])) {
    --from;
  }
  const std::u32string_view before(chars.data() + from, start - from);
  for (std::u32string_view word : kWarningWords) {
    const size_t at = before.rfind(word);
    if (at != std::u32string_view::npos) {
      *cue_start = static_cast<uint32_t>(from + at);
      *cue_end = static_cast<uint32_t>(from + at + word.size());
      return true;
    }
  }
  return false;
}

Action Weaker(Action action) {
  return action == Action::kBlock ? Action::kReview : Action::kAllow;
}

// The word rule: the Han run around [start, end), at most kSegmentContext
// characters each side, segmented; a cut by a clear margin downgrades.
bool CutsAWord(const PrecisionRules& rules, const DecodedText& text,
               uint32_t start, uint32_t end, uint32_t* cue_start,
               uint32_t* cue_end) {
  const std::u32string& chars = text.chars;
  // Written in one piece, Han only: noise or letters inside the match are
  // evasion (博.彩), never a word boundary.
  for (uint32_t i = start; i < end; ++i) {
    if (!IsHan(chars[i])) return false;
  }
  uint32_t from = start;
  while (from > 0 && start - from < kSegmentContext && IsHan(chars[from - 1])) {
    --from;
  }
  uint32_t to = end;
  while (to < chars.size() && to - end < kSegmentContext && IsHan(chars[to])) {
    ++to;
  }
  const std::u32string_view window(chars.data() + from, to - from);
  Straddle straddle;
  if (rules.boundaries == WordBoundaries::kIcu) {
    straddle = BreakIteratorStraddle(window, start - from, end - from);
  } else {
    const WordDictionary& dict = *rules.dictionary;
    straddle = FindStraddle(dict, window, start - from, end - from,
                            dict.LogProbabilityOfCount(kKeywordCount));
    if (straddle.margin <= kStraddleMargin ||
        straddle.word_log_p < dict.LogProbabilityOfCount(kMinCuttingCount)) {
      return false;
    }
  }
  if (!straddle.found) return false;
  *cue_start = from + static_cast<uint32_t>(straddle.word_start);
  *cue_end = from + static_cast<uint32_t>(straddle.word_end);
  return true;
}

}  // namespace

void Decode(const CharTable& normalization, std::string_view text,
            DecodedText* out) {
  out->chars.clear();
  out->offsets.clear();
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = begin + text.size();
  for (const auto* p = begin; p < end;) {
    char32_t c;
    const int n = DecodeUtf8(p, end, &c);
    const uint32_t entry = normalization.Lookup(c);
    out->chars.push_back((entry & (kExpansion | kNoise)) == 0
                             ? static_cast<char32_t>(entry & kValueMask)
                             : c);
    out->offsets.push_back(static_cast<uint32_t>(p - begin));
    p += n;
  }
  out->offsets.push_back(static_cast<uint32_t>(text.size()));
}

Demotion Demote(const PrecisionRules& rules, const DecodedText& text,
                uint32_t start, uint32_t end, Action action, bool keyword) {
  Demotion out{action};
  if (action == Action::kAllow) return out;

  if (keyword && end - start >= 2 && rules.boundaries != WordBoundaries::kOff &&
      CutsAWord(rules, text, start, end, &out.cue_start, &out.cue_end)) {
    out.action = Weaker(action);
    out.reason = Downgrade::kInsideWord;
    return out;
  }
  if (action == Action::kBlock &&
      FindWarning(text.chars, start, &out.cue_start, &out.cue_end)) {
    out.action = Action::kReview;
    out.reason = Downgrade::kWarning;
  }
  return out;
}

}  // namespace moderation::internal
