// Lexicon::Check: scan, match, verify, detect, then build the verdict.
#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "moderation/internal/contact.h"
#include "moderation/internal/lexicon_impl.h"
#include "moderation/internal/precision.h"
#include "moderation/internal/scanner.h"
#include "moderation/internal/utf8.h"
#include "moderation/moderation.h"

namespace moderation {
namespace {

using internal::Pattern;
using internal::PatternKind;
using internal::Span;
using internal::Unit;

// Detector matches use ids past the lexicon's entries.
enum Detector : uint32_t { kUrl = 0, kPhone = 1, kQq = 2, kWechat = 3 };
constexpr const char* kDetectorWords[] = {"<url>", "<phone>", "<qq>",
                                          "<wechat>"};

struct RawMatch {
  uint32_t start;
  uint32_t end;
  uint32_t id;  // Entry index, or entries.size() + Detector.
  Action action;
  // Set by the precision rules (internal/precision.h), after sorting.
  Downgrade downgrade = Downgrade::kNone;
  uint32_t cue_start = 0;
  uint32_t cue_end = 0;
  bool operator<(const RawMatch& o) const {
    return std::tie(start, end, id) < std::tie(o.start, o.end, o.id);
  }
  bool operator==(const RawMatch& o) const {
    return start == o.start && end == o.end && id == o.id;
  }
};

bool IsLatin(const Unit& u) { return (u.flags & internal::kUnitLatin) != 0; }

// A Latin letter that ends a whole word's chance next to it: not an '@' or
// '$' read as a letter at a word's edge, which may be a separator too
// ("@idiot", "idiot$"; "@ss" still matches with it read as a letter).
bool WordLetter(const Unit& u) {
  return (u.flags & (internal::kUnitLatin | internal::kUnitEdge)) ==
         internal::kUnitLatin;
}

// A Latin letter standing alone between noise, as in "a s s i s t".
bool Lone(const std::vector<Unit>& u, size_t i) {
  const bool glued_left =
      i > 0 && IsLatin(u[i - 1]) && internal::Adjacent(u[i - 1], u[i]);
  const bool glued_right = i + 1 < u.size() && IsLatin(u[i + 1]) &&
                           internal::Adjacent(u[i], u[i + 1]);
  return !glued_left && !glued_right;
}

// Whole-word test for units [first, last] at `edges`. A Latin letter glued
// to such an end means the match is inside a longer word ("classic"). When
// the match is spelled out with noise ("f u c k"), a lone letter next to it,
// set off by the same kind of noise, means the spelled-out word goes on ("a
// s s i s t a n t"), so that fails too; "a f.u.c.k" is a word and then a
// match.
bool WholeWord(const std::vector<Unit>& u, size_t first, size_t last,
               internal::WordEdges edges) {
  const auto at = [edges](internal::WordEdges e) {
    return (static_cast<uint8_t>(edges) & static_cast<uint8_t>(e)) != 0;
  };
  uint8_t spacing = internal::kGapNone;
  for (size_t k = first + 1; k <= last && spacing == internal::kGapNone; ++k) {
    spacing = u[k].gap;
  }
  if (at(internal::WordEdges::kStart) && first > 0 &&
      WordLetter(u[first - 1])) {
    if (internal::Adjacent(u[first - 1], u[first])) return false;
    if (spacing != internal::kGapNone && u[first].gap == spacing &&
        Lone(u, first - 1)) {
      return false;
    }
  }
  if (at(internal::WordEdges::kEnd) && last + 1 < u.size() &&
      WordLetter(u[last + 1])) {
    if (internal::Adjacent(u[last], u[last + 1])) return false;
    if (spacing != internal::kGapNone && u[last + 1].gap == spacing &&
        Lone(u, last + 1)) {
      return false;
    }
  }
  return true;
}

// The Latin letters glued to units [first, last] on one side (`step` -1:
// before, +1: after), in text order, a repeated letter written out (at
// most 3 times, so that "assess" is not "ass" + "es"); at most 24.
std::string GluedLetters(const std::vector<Unit>& u, size_t first, size_t last,
                         int step) {
  std::string out;
  size_t at = step < 0 ? first : last;
  while (out.size() < 24) {
    const size_t next = step < 0 ? at - 1 : at + 1;
    if ((step < 0 && at == 0) || next >= u.size() || !IsLatin(u[next]) ||
        !internal::Adjacent(step < 0 ? u[next] : u[at],
                            step < 0 ? u[at] : u[next])) {
      break;
    }
    const char letter =
        static_cast<char>('a' + (u[next].sym - internal::kFirstLetterSym));
    out.append(std::min<size_t>(u[next].run, 3), letter);
    at = next;
  }
  if (step < 0) std::reverse(out.begin(), out.end());
  return out;
}

// For a whole-word pattern that failed the whole-word test: true when
// what is glued to it is an inflection or compound its affix rule allows
// ("fucking", "dumbass"; internal/affixes.h). A match with noise inside
// fails, and so does one that failed for a lone letter beside it ("a s s i
// s t"), which has nothing glued.
bool AffixesFit(const Lexicon::Impl& lex, const Pattern& p,
                const std::vector<Unit>& u, size_t first, size_t last) {
  if (p.affix == internal::AffixRule::kNone) return false;
  // Only a word written in one piece grows: "news hit" is not "shit".
  for (size_t k = first + 1; k <= last; ++k) {
    if (!internal::Adjacent(u[k - 1], u[k])) return false;
  }
  const std::string prefix = GluedLetters(u, first, last, -1);
  const std::string suffix = GluedLetters(u, first, last, +1);
  if (prefix.empty() && suffix.empty()) return false;
  std::string word = lex.entries[p.entry].word;
  for (char& c : word) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return internal::AffixesAllowed(p.affix, word, prefix, suffix);
}

// True when noise separates every two units of [first, last].
bool SpelledOut(const std::vector<Unit>& u, size_t first, size_t last) {
  for (size_t k = first + 1; k <= last; ++k) {
    if (internal::Adjacent(u[k - 1], u[k])) return false;
  }
  return true;
}

// A unit of Chinese (or other non-Latin) text: not a Latin letter, digit
// or break.
bool Cjk(const Unit& u) {
  return (u.flags & (internal::kUnitLatin | internal::kUnitDigit |
                     internal::kUnitBreak)) == 0;
}

// True when units [first, last] cross a clause break between two Chinese
// words: a clause mark (kGapClause) with two or more Chinese characters
// glued on each side. Such a match is a collision of the end of one clause
// with the start of the next ("色彩、金属" holds 彩金, "回去，死也" 去死),
// not evasion: spammers put separators between single characters
// ("百，家，乐", "博，彩"), which still match.
bool CrossesClause(const std::vector<Unit>& u, size_t first, size_t last) {
  for (size_t k = first + 1; k <= last; ++k) {
    if (u[k].gap != internal::kGapClause || !Cjk(u[k - 1]) || !Cjk(u[k])) {
      continue;
    }
    const bool left =
        k >= 2 && Cjk(u[k - 2]) && internal::Adjacent(u[k - 2], u[k - 1]);
    const bool right =
        k + 1 < u.size() && Cjk(u[k + 1]) && internal::Adjacent(u[k], u[k + 1]);
    if (left && right) return true;
  }
  return false;
}

// Per-thread buffers reused across calls, so checking allocates nothing
// per character. One huge text must not pin its buffers for the thread's
// life: past kKeepUnits they are released after the call.
struct Scratch {
  std::vector<Unit> units;
  std::vector<RawMatch> raw;
  std::vector<Span> spans;
  std::vector<Span> allows;  // Matches of exception words.
  internal::DecodedText decoded;  // Only for texts with matches.
};
constexpr size_t kKeepUnits = size_t{1} << 16;

class ScratchTrimmer final {
 public:
  explicit ScratchTrimmer(Scratch* scratch) : scratch_(scratch) {}
  ScratchTrimmer(const ScratchTrimmer&) = delete;
  ScratchTrimmer& operator=(const ScratchTrimmer&) = delete;
  ~ScratchTrimmer() {
    if (scratch_->units.capacity() > kKeepUnits) {
      std::vector<Unit>().swap(scratch_->units);
    }
    if (scratch_->raw.capacity() > kKeepUnits) {
      std::vector<RawMatch>().swap(scratch_->raw);
    }
    if (scratch_->allows.capacity() > kKeepUnits) {
      std::vector<Span>().swap(scratch_->allows);
    }
    if (scratch_->decoded.chars.capacity() > kKeepUnits) {
      scratch_->decoded = internal::DecodedText();
    }
  }

 private:
  Scratch* scratch_;
};

// Drops the matches of `raw` (sorted by start) that lie entirely inside
// a match of an exception word: "百家乐器" cancels 百家乐 in "上百家乐器行".
// One sweep: a match is inside some exception iff the exceptions starting
// at or before it reach as far as it does.
void DropExcepted(std::vector<Span>* allows, std::vector<RawMatch>* raw) {
  std::sort(allows->begin(), allows->end(),
            [](const Span& a, const Span& b) { return a.start < b.start; });
  size_t next = 0;
  uint32_t reach = 0;  // The furthest end of the exceptions opened so far.
  size_t kept = 0;
  for (const RawMatch& m : *raw) {
    while (next < allows->size() && (*allows)[next].start <= m.start) {
      reach = std::max(reach, (*allows)[next++].end);
    }
    if (next > 0 && m.end <= reach) continue;
    (*raw)[kept++] = m;
  }
  raw->resize(kept);
}

void AddSpans(const std::vector<Span>& spans, uint32_t id, Action action,
              std::vector<RawMatch>* raw) {
  for (const Span& s : spans) raw->push_back({s.start, s.end, id, action});
}

// Weakens the matches the text around them excuses (internal/precision.h):
// decodes the text once, then asks the rules per match.
void ApplyPrecision(const Lexicon::Impl& lex, std::string_view text,
                    internal::DecodedText* decoded,
                    std::vector<RawMatch>* raw) {
  internal::Decode(*lex.normalization, text, decoded);
  const internal::PrecisionRules rules{lex.options.word_boundaries,
                                       lex.dictionary.get()};
  for (RawMatch& m : *raw) {
    const internal::Demotion d =
        internal::Demote(rules, *decoded, m.start, m.end, m.action,
                         /*keyword=*/m.id < lex.entries.size());
    m.action = d.action;
    m.downgrade = d.reason;
    m.cue_start = d.cue_start;
    m.cue_end = d.cue_end;
  }
}

// The masked text: code points inside any match of action mask or stronger
// become U+FF0A; invalid bytes become U+FFFD. `raw` is sorted by start.
std::string Mask(std::string_view text, const std::vector<RawMatch>& raw) {
  std::string out;
  out.reserve(text.size() + 8);
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  size_t next = 0;          // Next match to open.
  uint32_t covered_to = 0;  // Code points before this are masked.
  for (uint32_t index = 0; p < end; ++index) {
    while (next < raw.size() && raw[next].start <= index) {
      if (raw[next].action != Action::kAllow) {
        covered_to = std::max(covered_to, raw[next].end);
      }
      ++next;
    }
    char32_t c;
    const int n = internal::DecodeUtf8(p, end, &c);
    if (index < covered_to) {
      out.append("\xEF\xBC\x8A");  // U+FF0A
    } else if (c == internal::kReplacementChar && n == 1) {
      internal::AppendUtf8(c, &out);
    } else {
      out.append(reinterpret_cast<const char*>(p), n);
    }
    p += n;
  }
  return out;
}

}  // namespace

Verdict Lexicon::Check(std::string_view text) const {
  if (impl_->prefilter->ProvesClean(impl_->symbols, text)) {
    Verdict verdict;
    verdict.masked = std::string(text);
    return verdict;
  }
  return internal::CheckFully(*impl_, text);
}

Verdict internal::CheckFully(const Lexicon::Impl& lex, std::string_view text) {
  thread_local Scratch scratch;
  const ScratchTrimmer trimmer(&scratch);
  std::vector<Unit>& units = scratch.units;
  std::vector<RawMatch>& raw = scratch.raw;
  raw.clear();
  std::vector<Span>& allows = scratch.allows;
  allows.clear();
  const ContactOptions& contact = lex.options.contact;
  const auto detector_id = [&](Detector d) {
    return static_cast<uint32_t>(lex.entries.size()) + d;
  };
  const internal::ScanInfo info =
      internal::Scan(lex.symbols, text, lex.options.max_gap, &units);
  internal::FoldRepeatedCharacters(
      &units, [](uint32_t sym) { return sym == internal::kWildcardSym; });

  const internal::AhoCorasick& ac = *lex.matcher;
  uint32_t state = internal::AhoCorasick::kRoot;
  const Unit* const unit = units.data();  // Not re-read through the TLS.
  const size_t unit_count = units.size();
  for (size_t j = 0; j < unit_count; ++j) {
    state = ac.Step(state, unit[j].sym);
    if (!ac.HasOutput(state)) continue;
    for (uint32_t s = ac.Report(state); s != internal::AhoCorasick::kNone;
         s = ac.NextReport(s)) {
      const uint32_t* id;
      const uint32_t* id_end;
      ac.Outputs(s, &id, &id_end);
      for (; id < id_end; ++id) {
        const Pattern& p = lex.patterns[*id];
        const size_t first = j + 1 - p.length;
        if (p.runs != internal::kNoRuns) {
          bool enough = true;
          for (size_t k = 0; k < p.length && enough; ++k) {
            enough = units[first + k].run >= lex.runs[p.runs + k];
          }
          if (!enough) continue;
        }
        if (p.spelled && !SpelledOut(units, first, j)) continue;
        if (p.edges != internal::WordEdges::kNone &&
            !WholeWord(units, first, j, p.edges) &&
            !AffixesFit(lex, p, units, first, j)) {
          continue;
        }
        if (p.length > 1 && CrossesClause(units, first, j)) continue;
        const bool wechat = p.kind == PatternKind::kWechatKeyword;
        const Action action = wechat ? contact.wechat : contact.qq;
        if (p.kind == PatternKind::kEntry) {
          raw.push_back({units[first].start, units[j].end, p.entry,
                         lex.entries[p.entry].action});
        } else if (p.kind == PatternKind::kAllow) {
          allows.push_back({units[first].start, units[j].end});
        } else if (action != Action::kAllow) {
          uint32_t id_end_cp;
          if (internal::FindIdAfter(units, lex.digit_value, j, wechat,
                                    &id_end_cp)) {
            raw.push_back({units[first].start, id_end_cp,
                           detector_id(wechat ? kWechat : kQq), action});
          }
        }
      }
    }
  }
  if (contact.phone != Action::kAllow &&
      (info.digits >= internal::kPhoneDigits ||
       (info.any_latin && info.digits >= internal::kPhoneDigitsWithLetters))) {
    scratch.spans.clear();
    internal::FindPhones(text, units, lex.digit_value,
                         internal::kFirstLetterSym + ('o' - 'a'),
                         &scratch.spans);
    AddSpans(scratch.spans, detector_id(kPhone), contact.phone, &raw);
  }
  if (contact.url != Action::kAllow && info.any_latin) {
    scratch.spans.clear();
    internal::FindUrls(lex.symbols, text, &scratch.spans);
    AddSpans(scratch.spans, detector_id(kUrl), contact.url, &raw);
  }

  std::sort(raw.begin(), raw.end());
  raw.erase(std::unique(raw.begin(), raw.end()), raw.end());
  if (!allows.empty()) DropExcepted(&allows, &raw);
  if (!raw.empty()) ApplyPrecision(lex, text, &scratch.decoded, &raw);
  Verdict verdict;
  if (raw.empty()) {
    if (info.invalid_utf8) {
      verdict.masked = Mask(text, raw);
    } else {
      verdict.masked = std::string(text);
    }
    return verdict;
  }
  const size_t reported = std::min<size_t>(
      raw.size(), static_cast<size_t>(lex.options.max_reported_matches));
  verdict.matches.reserve(reported);
  for (size_t i = 0; i < raw.size(); ++i) {
    verdict.action = std::max(verdict.action, raw[i].action);
    if (i >= reported) continue;
    Match m;
    if (raw[i].id < lex.entries.size()) {
      m.word = lex.entries[raw[i].id].word;
      m.category = lex.entries[raw[i].id].category;
    } else {
      m.word = kDetectorWords[raw[i].id - lex.entries.size()];
      m.category = "contact";
    }
    m.action = raw[i].action;
    m.downgrade = raw[i].downgrade;
    if (m.downgrade != Downgrade::kNone) {
      m.cue = std::string(
          scratch.decoded.Slice(text, raw[i].cue_start, raw[i].cue_end));
    }
    m.start = raw[i].start;
    m.end = raw[i].end;
    verdict.matches.push_back(std::move(m));
  }
  verdict.masked = Mask(text, raw);
  return verdict;
}

}  // namespace moderation
