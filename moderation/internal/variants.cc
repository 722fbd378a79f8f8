#include "moderation/internal/variants.h"

#include <unicode/ucnv.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "moderation/internal/opencc.h"
#include "moderation/internal/utf8.h"

namespace moderation::internal {
namespace {

// Words are scanned whole: noise never splits one.
constexpr int kNoGapLimit = 1 << 30;
// Combinations tried per word before giving up on finding `max_per_word`:
// bounds the work on a long word with many overlapping alternatives.
constexpr int kCombineBudget = 4096;

bool IsHan(uint32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(c), &status) == USCRIPT_HAN &&
         U_SUCCESS(status);
}

// Where an alternative comes from: the conversion of a whole run by s2twp
// or s2hk, a Japanese character form; 0 for a substring's conversion.
enum Source : uint8_t { kTaiwan = 1, kHongKong = 2, kJapanese = 4 };
constexpr uint8_t kSources[] = {kTaiwan, kHongKong, kJapanese};

// A span [start, end) of a word's units and the normalized code points
// that replace it.
struct Alternative {
  uint32_t start;
  uint32_t end;
  std::u32string with;
  uint8_t sources;  // Source bits; equal alternatives merge theirs.

  bool operator<(const Alternative& o) const {
    return std::tie(start, end, with) < std::tie(o.start, o.end, o.with);
  }
  bool SameAs(const Alternative& o) const {
    return start == o.start && end == o.end && with == o.with;
  }
};

// Distinct lines for OpenCC, each with an index.
class LineSet final {
 public:
  LineSet() = default;
  LineSet(const LineSet&) = delete;
  LineSet& operator=(const LineSet&) = delete;

  // The index of `line`; equal lines share one.
  uint32_t Add(std::string line) {
    const auto [it, inserted] = index_.try_emplace(line, lines_.size());
    if (inserted) lines_.push_back(std::move(line));
    return it->second;
  }
  uint32_t Add(const std::u32string& code_points) {
    std::string line;
    for (char32_t c : code_points) AppendUtf8(c, &line);
    return Add(std::move(line));
  }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  absl::flat_hash_map<std::string, uint32_t> index_;
  std::vector<std::string> lines_;
};

// Lines converted by one OpenCC configuration, as OpenCC wrote them and
// normalized.
struct Converted {
  std::vector<std::string> raw;
  // Empty where the result holds anything but Han characters (a few OpenCC
  // phrases hold Latin letters).
  std::vector<std::u32string> normalized;
};

// Converts `lines` through each of `chain` in turn.
absl::StatusOr<Converted> Convert(
    const std::vector<std::string>& lines,
    const std::vector<const OpenCcConverter*>& chain,
    const CharTable& normalization) {
  Converted out{lines, {}};
  for (const OpenCcConverter* step : chain) {
    absl::StatusOr<std::vector<std::string>> raw = step->ConvertLines(out.raw);
    if (!raw.ok()) return raw.status();
    out.raw = *std::move(raw);
  }
  out.normalized.resize(lines.size());
  std::vector<Unit> units;
  for (size_t i = 0; i < lines.size(); ++i) {
    Scan(normalization, out.raw[i], kNoGapLimit, &units);
    if (!std::all_of(units.begin(), units.end(), IsHanUnit)) continue;
    for (const Unit& u : units) out.normalized[i].push_back(u.sym);
  }
  return out;
}

// Appends the alternatives that turn `original`, which starts at unit
// `offset` of its word, into `converted`, from `source`: each block of
// differing characters when the two have the same length, else the part between
// their common prefix and suffix. Returns true when one spans several
// characters or changes the length: it may hold several phrases.
bool Diff(std::u32string_view original, std::u32string_view converted,
          uint32_t offset, uint8_t source, std::vector<Alternative>* out) {
  if (converted.empty() || converted == original) return false;
  bool wide = false;
  if (converted.size() == original.size()) {
    for (size_t i = 0; i < original.size();) {
      if (original[i] == converted[i]) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < original.size() && original[j] != converted[j]) ++j;
      out->push_back({static_cast<uint32_t>(offset + i),
                      static_cast<uint32_t>(offset + j),
                      std::u32string(converted.substr(i, j - i)), source});
      wide |= j - i > 1;
      i = j;
    }
    return wide;
  }
  const size_t shorter = std::min(original.size(), converted.size());
  size_t prefix = 0;
  while (prefix < shorter && original[prefix] == converted[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < shorter - prefix &&
         original[original.size() - 1 - suffix] ==
             converted[converted.size() - 1 - suffix]) {
    ++suffix;
  }
  // An empty replacement would delete characters from the word: no
  // spelling of it.
  if (converted.size() == prefix + suffix) return true;
  out->push_back({static_cast<uint32_t>(offset + prefix),
                  static_cast<uint32_t>(offset + original.size() - suffix),
                  std::u32string(converted.substr(
                      prefix, converted.size() - prefix - suffix)),
                  source});
  return true;
}

// True when `c` is a character of GB2312, the common simplified Chinese
// set. Not thread-safe: one per FindVariants call.
class Gb2312 final {
 public:
  static absl::StatusOr<std::unique_ptr<Gb2312>> Open() {
    UErrorCode status = U_ZERO_ERROR;
    UConverter* converter = ucnv_open("GB2312", &status);
    if (U_SUCCESS(status)) {
      ucnv_setFromUCallBack(converter, UCNV_FROM_U_CALLBACK_STOP, nullptr,
                            nullptr, nullptr, &status);
    }
    if (U_FAILURE(status)) {
      if (converter != nullptr) ucnv_close(converter);
      return absl::FailedPreconditionError(
          absl::StrCat("ICU: no GB2312 converter: ", u_errorName(status)));
    }
    return std::unique_ptr<Gb2312>(new Gb2312(converter));
  }
  ~Gb2312() { ucnv_close(converter_); }
  Gb2312(const Gb2312&) = delete;
  Gb2312& operator=(const Gb2312&) = delete;

  bool Holds(char32_t c) {
    UChar utf16[2];
    int32_t length = 0;
    UBool error = false;
    U16_APPEND(utf16, length, 2, static_cast<UChar32>(c), error);
    if (error) return false;
    char bytes[8];
    UErrorCode status = U_ZERO_ERROR;
    ucnv_resetFromUnicode(converter_);
    ucnv_fromUChars(converter_, bytes, sizeof(bytes), utf16, length, &status);
    return U_SUCCESS(status);
  }

 private:
  explicit Gb2312(UConverter* converter) : converter_(converter) {}
  UConverter* converter_;
};

// The variants of `word` made from non-overlapping `alternatives` (sorted,
// distinct), until `max` distinct spellings other than the word: first each
// source's whole spelling (all its alternatives; they never overlap), the
// most likely ones, then those of one alternative, of two, and so on, for
// the mixes, as long as kCombineBudget tries last.
std::vector<Spelling> Combine(const Spelling& word,
                              const std::vector<Alternative>& alternatives,
                              size_t max) {
  std::vector<Spelling> out;
  absl::flat_hash_set<std::u32string> seen;
  std::u32string spelled;
  for (const Unit& u : word) spelled.push_back(u.sym);
  seen.insert(spelled);
  std::vector<size_t> chosen;
  const auto emit = [&] {
    Spelling variant;
    spelled.clear();
    uint32_t next = 0;  // The first unit of `word` not yet copied or replaced.
    for (size_t a : chosen) {
      const Alternative& alt = alternatives[a];
      variant.insert(variant.end(), word.begin() + next,
                     word.begin() + alt.start);
      for (char32_t c : alt.with) {
        Unit u;
        u.sym = c;
        u.start = 0;
        u.end = 0;
        u.run = 1;
        u.flags = 0;
        u.gap = kGapNone;
        variant.push_back(u);
      }
      next = alt.end;
    }
    variant.insert(variant.end(), word.begin() + next, word.end());
    for (const Unit& u : variant) spelled.push_back(u.sym);
    if (seen.insert(spelled).second) out.push_back(std::move(variant));
  };
  for (uint8_t source : kSources) {
    chosen.clear();
    for (size_t a = 0; a < alternatives.size(); ++a) {
      if (alternatives[a].sources & source) chosen.push_back(a);
    }
    if (!chosen.empty() && out.size() < max) emit();
  }
  chosen.clear();
  int budget = kCombineBudget;
  // Chooses `k` more alternatives, each after the last one chosen.
  const auto choose = [&](const auto& self, size_t k, size_t from,
                          uint32_t after) -> void {
    if (out.size() >= max || --budget < 0) return;
    if (k == 0) {
      emit();
      return;
    }
    for (size_t a = from; a < alternatives.size(); ++a) {
      if (alternatives[a].start < after) continue;
      chosen.push_back(a);
      self(self, k - 1, a + 1, alternatives[a].end);
      chosen.pop_back();
    }
  };
  for (size_t k = 1; k <= alternatives.size(); ++k) {
    choose(choose, k, 0, 0);
    if (out.size() >= max || budget < 0) break;
  }
  return out;
}

// A run of Han units [start, end) of word `word`.
struct Run {
  uint32_t word;
  uint32_t start;
  uint32_t end;
};

std::u32string CodePoints(const Spelling& word, uint32_t start, uint32_t end) {
  std::u32string out;
  for (uint32_t i = start; i < end; ++i) out.push_back(word[i].sym);
  return out;
}

// Adds to `alternatives` (by word) what `chain` makes of `runs`: one
// conversion of the runs, then one of the substrings of those whose result
// has a block that may hold several phrases.
absl::Status AddRegional(const std::vector<Spelling>& words,
                         const std::vector<Run>& runs,
                         const std::vector<const OpenCcConverter*>& chain,
                         Source source, const CharTable& normalization,
                         std::vector<std::vector<Alternative>>* alternatives) {
  LineSet whole;
  std::vector<uint32_t> run_lines;
  for (const Run& r : runs) {
    run_lines.push_back(whole.Add(CodePoints(words[r.word], r.start, r.end)));
  }
  absl::StatusOr<Converted> converted =
      Convert(whole.lines(), chain, normalization);
  if (!converted.ok()) return converted.status();
  // A substring [start, start + length) of a word and its line.
  struct Segment {
    uint32_t word;
    uint32_t start;
    uint32_t length;
    uint32_t line;
  };
  LineSet parts;
  std::vector<Segment> segments;
  for (size_t k = 0; k < runs.size(); ++k) {
    const Run& r = runs[k];
    const std::u32string original = CodePoints(words[r.word], r.start, r.end);
    const bool wide = Diff(original, converted->normalized[run_lines[k]],
                           r.start, source, &(*alternatives)[r.word]);
    if (!wide || original.size() < 3) continue;
    const size_t longest = std::min(kMaxSegment, original.size() - 1);
    for (uint32_t i = 0; i + 2 <= original.size(); ++i) {
      for (uint32_t n = 2; n <= longest && i + n <= original.size(); ++n) {
        segments.push_back({r.word, r.start + i, n,
                            parts.Add(std::u32string(original.substr(i, n)))});
      }
    }
  }
  if (segments.empty()) return absl::OkStatus();
  converted = Convert(parts.lines(), chain, normalization);
  if (!converted.ok()) return converted.status();
  for (const Segment& g : segments) {
    Diff(CodePoints(words[g.word], g.start, g.start + g.length),
         converted->normalized[g.line], g.start, 0, &(*alternatives)[g.word]);
  }
  return absl::OkStatus();
}

}  // namespace

bool IsHanUnit(const Unit& u) { return u.flags == 0 && IsHan(u.sym); }

bool HoldsHan(const Spelling& word) {
  return std::any_of(word.begin(), word.end(), IsHanUnit);
}

absl::StatusOr<std::vector<std::vector<Spelling>>> FindVariants(
    const CharTable& normalization, const std::vector<Spelling>& words,
    size_t max_per_word) {
  // The Han runs of the words, and their distinct characters.
  std::vector<Run> runs;
  LineSet characters;
  std::vector<std::vector<uint32_t>> character_lines(words.size());
  for (uint32_t w = 0; w < words.size(); ++w) {
    const Spelling& word = words[w];
    character_lines[w].assign(word.size(), 0);
    for (uint32_t i = 0; i < word.size();) {
      if (!IsHanUnit(word[i])) {
        ++i;
        continue;
      }
      uint32_t j = i;
      for (; j < word.size() && IsHanUnit(word[j]); ++j) {
        character_lines[w][j] = characters.Add(std::u32string(1, word[j].sym));
      }
      runs.push_back({w, i, j});
      i = j;
    }
  }
  std::vector<std::vector<Spelling>> out(words.size());
  if (runs.empty()) return out;  // Opens no configuration.
  // The configurations: s2twp; s2hk, which is s2t then t2hk; s2t then
  // t2jp. Each is opened once (s2twp and s2t read several megabytes).
  const char* const kConfigs[] = {"s2twp.json", "s2t.json", "t2hk.json",
                                  "t2jp.json"};
  std::unique_ptr<OpenCcConverter> open[std::size(kConfigs)];
  for (size_t k = 0; k < std::size(kConfigs); ++k) {
    absl::StatusOr<std::unique_ptr<OpenCcConverter>> c =
        OpenCcConverter::Open(kConfigs[k]);
    if (!c.ok()) return c.status();
    open[k] = *std::move(c);
  }
  const std::vector<const OpenCcConverter*> taiwan = {open[0].get()};
  const std::vector<const OpenCcConverter*> hong_kong = {open[1].get(),
                                                         open[2].get()};

  // Each character alone: its traditional form, then that form's Hong Kong
  // and Japanese ones.
  absl::StatusOr<Converted> traditional =
      Convert(characters.lines(), {open[1].get()}, normalization);
  if (!traditional.ok()) return traditional.status();
  absl::StatusOr<Converted> hong_kong_form =
      Convert(traditional->raw, {open[2].get()}, normalization);
  if (!hong_kong_form.ok()) return hong_kong_form.status();
  absl::StatusOr<Converted> japanese =
      Convert(traditional->raw, {open[3].get()}, normalization);
  if (!japanese.ok()) return japanese.status();

  std::vector<std::vector<Alternative>> alternatives(words.size());
  if (absl::Status s = AddRegional(words, runs, taiwan, kTaiwan, normalization,
                                   &alternatives);
      !s.ok()) {
    return s;
  }
  // t2hk is a character table, HKVariants, so a run can come out of s2hk
  // other than out of s2t only where it holds a character whose Hong Kong
  // form differs from its traditional one (台: 臺 and 台; so that 柜台 gets
  // 柜枱). The other runs, nearly all, are not converted again.
  std::vector<Run> hong_kong_runs;
  for (const Run& r : runs) {
    for (uint32_t i = r.start; i < r.end; ++i) {
      const uint32_t line = character_lines[r.word][i];
      if (hong_kong_form->raw[line] != traditional->raw[line]) {
        hong_kong_runs.push_back(r);
        break;
      }
    }
  }
  if (absl::Status s = AddRegional(words, hong_kong_runs, hong_kong, kHongKong,
                                   normalization, &alternatives);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::unique_ptr<Gb2312>> gb2312 = Gb2312::Open();
  if (!gb2312.ok()) return gb2312.status();
  for (uint32_t w = 0; w < words.size(); ++w) {
    for (uint32_t i = 0; i < words[w].size(); ++i) {
      if (!IsHanUnit(words[w][i])) continue;
      const std::u32string& jp = japanese->normalized[character_lines[w][i]];
      if (jp.size() == 1 && jp[0] != words[w][i].sym &&
          !(*gb2312)->Holds(jp[0])) {
        alternatives[w].push_back({i, i + 1, jp, kJapanese});
      }
    }
  }

  for (uint32_t w = 0; w < words.size(); ++w) {
    std::vector<Alternative>& alts = alternatives[w];
    if (alts.empty()) continue;
    std::sort(alts.begin(), alts.end());
    size_t kept = 0;
    for (size_t a = 0; a < alts.size(); ++a) {
      if (kept > 0 && alts[kept - 1].SameAs(alts[a])) {
        alts[kept - 1].sources |= alts[a].sources;
      } else {
        if (kept != a) alts[kept] = std::move(alts[a]);
        ++kept;
      }
    }
    alts.resize(kept);
    out[w] = Combine(words[w], alts, max_per_word);
  }
  return out;
}

}  // namespace moderation::internal
