// Lexicon::Compile: words -> normalized symbol patterns -> one automaton,
// and the per-lexicon symbol table the scanner reads.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "moderation/internal/contact.h"
#include "moderation/internal/lexicon_impl.h"
#include "moderation/internal/normalizer.h"
#include "moderation/internal/numerals.h"
#include "moderation/internal/pinyin.h"
#include "moderation/internal/scanner.h"
#include "moderation/internal/variants.h"
#include "moderation/moderation.h"

namespace moderation {
namespace {

using internal::CharTable;
using internal::Pattern;
using internal::PatternKind;
using internal::Unit;
using internal::WordEdges;

constexpr int kMaxWordUnits = 64;
// Variant spellings kept per entry (internal/variants.h): enough for every
// mix of a few regional segments, few enough that a long word cannot
// explode.
constexpr size_t kMaxVariants = 12;
// Pinyin-mixed spellings kept per entry (internal/pinyin.h): every single
// replacement of a word of up to 8 Han characters, and some pairs of the
// shorter ones.
constexpr size_t kMaxPinyinVariants = 8;
// ... within a budget for the whole lexicon: each spelling (and its spelled
// out twin) is a pattern, and at 100,000 entries eight apiece took the
// lexicon from 34 to 144 MB and its compile from 1.4 to 8.5 s. Lexicons of
// up to 25,000 Han words keep all eight; larger ones fewer per word (two at
// 100,000), fewest replacements first.
constexpr size_t kPinyinBudget = 200000;
// Numeral spellings kept per entry (internal/numerals.h): a word with one
// digit has two, with two eight.
constexpr size_t kMaxNumeralVariants = 8;

size_t PinyinVariantsPerEntry(size_t han_words) {
  if (han_words == 0) return kMaxPinyinVariants;
  return std::clamp<size_t>(kPinyinBudget / han_words, 1, kMaxPinyinVariants);
}
// Words are normalized whole: noise inside a lexicon word never splits it.
constexpr int kNoGapLimit = 1 << 30;

// Keywords that introduce a contact id; matched by the same automaton.
// Only spellings that rarely mean anything else: a keyword is harmless on its
// own, but a number after it is reported.
constexpr const char* kQqKeywords[] = {"qq",   "扣扣", "企鹅",
                                       "抠抠", "蔻蔻", "q号"};
constexpr const char* kWechatKeywords[] = {"微信",   "wx",   "vx",   "weixin",
                                           "wechat", "薇信", "威信", "徽信",
                                           "v信",    "wei信"};

// Dense symbol ids for normalized code points, with the reserved ones.
// Not thread-safe: lives inside one Compile call.
class Alphabet final {
 public:
  Alphabet() {
    for (uint32_t d = 0; d < 10; ++d)
      ids_['0' + d] = internal::kFirstDigitSym + d;
    for (uint32_t l = 0; l < 26; ++l)
      ids_['a' + l] = internal::kFirstLetterSym + l;
    ids_[internal::kWildcardCodePoint] = internal::kWildcardSym;
    uint32_t next = internal::kFirstChineseDigitSym;
    for (char32_t c : internal::kChineseDigits) ids_[c] = next++;
    size_ = next;
  }
  Alphabet(const Alphabet&) = delete;
  Alphabet& operator=(const Alphabet&) = delete;

  uint32_t Add(uint32_t code_point) {
    auto [it, inserted] = ids_.try_emplace(code_point, size_);
    if (inserted) ++size_;
    return it->second;
  }
  uint32_t Find(uint32_t code_point) const {
    auto it = ids_.find(code_point);
    return it == ids_.end() ? 0 : it->second;
  }
  uint32_t size() const { return size_; }

  // The normalization table with each value replaced by its symbol id.
  CharTable Derive(const CharTable& normalization) const {
    auto map = [this](uint32_t e) {
      if ((e & internal::kNoise) &&
          !(e & (internal::kSoft | internal::kStar))) {
        return e;
      }
      const uint32_t sym = Find(e & internal::kValueMask);
      const bool numeral = sym >= internal::kFirstChineseDigitSym &&
                           sym < internal::kReservedSyms;
      return (e & ~internal::kValueMask) | sym |
             (numeral ? internal::kNumeral : 0);
    };
    std::vector<uint32_t> entries = normalization.entries();
    for (uint32_t& e : entries) {
      if (!(e & internal::kExpansion)) e = map(e);
    }
    std::vector<uint32_t> expansion = normalization.expansion();
    for (uint32_t& e : expansion) e = map(e);
    return CharTable(std::move(entries), std::move(expansion),
                     normalization.expansion_index(), 0);
  }

 private:
  absl::flat_hash_map<uint32_t, uint32_t> ids_;
  uint32_t size_ = 0;
};

std::string Where(const LexiconEntry& e, size_t index) {
  return e.line > 0 ? absl::StrCat("line ", e.line)
                    : absl::StrCat("entry ", index + 1);
}

// The entry rules Compile and ValidateLexiconEntry share; `length` is the
// word's length after normalization, in units.
absl::Status CheckEntry(const LexiconEntry& e, size_t index, size_t length) {
  if (length == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(e, index), ": word \"", e.word, "\" has no letter or digit"));
  }
  if (length > kMaxWordUnits) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(e, index), ": word is longer than ", kMaxWordUnits,
                     " characters"));
  }
  return absl::OkStatus();
}

// FoldRepeatedCharacters' exceptions in normalized (code point) space:
// the wildcard and the Chinese numerals.
bool NeverFolds(uint32_t code_point) {
  return code_point == internal::kWildcardCodePoint ||
         std::find(std::begin(internal::kChineseDigits),
                   std::end(internal::kChineseDigits),
                   code_point) != std::end(internal::kChineseDigits);
}

std::string Lowercase(std::string word) {
  for (char& c : word) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return word;
}

bool IsAsciiWord(const std::vector<Unit>& units) {
  bool latin = false;
  for (const Unit& u : units) {
    if (u.flags & internal::kUnitLatin) {
      latin = true;
    } else if (!(u.flags & internal::kUnitDigit) &&
               u.sym != internal::kWildcardCodePoint) {
      return false;
    }
  }
  return latin;
}

// `edges` with the ends at which `variant` has a Latin letter where `word`,
// the entry's own spelling, has none: a pinyin syllable (internal/pinyin.h).
// There the match must not continue a Latin word (人生就是bo in
// 人生就是bonus); next to a Han character it is at a boundary already.
WordEdges VariantEdges(const std::vector<Unit>& word,
                       const std::vector<Unit>& variant, WordEdges edges) {
  const auto latin = [](const Unit& u) {
    return (u.flags & internal::kUnitLatin) != 0;
  };
  auto out = static_cast<uint8_t>(edges);
  if (latin(variant.front()) && !latin(word.front())) {
    out |= static_cast<uint8_t>(WordEdges::kStart);
  }
  if (latin(variant.back()) && !latin(word.back())) {
    out |= static_cast<uint8_t>(WordEdges::kEnd);
  }
  return static_cast<WordEdges>(out);
}

// The patterns of one lexicon (entries, their wildcard variants, contact
// keywords) and their symbols, for the automaton. Not thread-safe: lives
// inside one Compile call.
class PatternSet final {
 public:
  explicit PatternSet(Lexicon::Impl* impl) : impl_(impl) {}
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  void Add(const std::vector<uint32_t>& syms, const std::vector<Unit>& units,
           uint32_t entry, WordEdges edges, PatternKind kind,
           bool spelled = false) {
    Pattern p{entry,
              internal::kNoRuns,
              static_cast<uint16_t>(syms.size()),
              edges,
              kind,
              spelled};
    if (std::any_of(units.begin(), units.end(),
                    [](const Unit& u) { return u.run > 1; })) {
      p.runs = static_cast<uint32_t>(impl_->runs.size());
      for (const Unit& u : units) impl_->runs.push_back(u.run);
    }
    impl_->patterns.push_back(p);
    symbols_.push_back(syms);
    keys_.insert(Key(syms, kind, edges, spelled));
  }

  // A variant spelling of `entry` (internal/variants.h), with its
  // spelled-out variant for an entry, unless a pattern of the same kind
  // spells it so already: the text would match twice where it matches
  // once. Compile adds every entry before any variant, so a word the
  // moderator wrote wins over another entry's variant.
  void AddVariant(const std::vector<uint32_t>& syms,
                  const std::vector<Unit>& units, uint32_t entry,
                  WordEdges edges, PatternKind kind) {
    if (keys_.contains(Key(syms, kind, edges, false))) return;
    Add(syms, units, entry, edges, kind);
    if (kind == PatternKind::kEntry) {
      AddSpelledVariant(syms, units, entry, edges, kind);
    }
  }

  // "f*ck", "sh*t", "f**k": a wildcard for one or two inner letters of a
  // Latin word, since the scanner turns such a '*' into the wildcard.
  void AddWildcardVariants(const std::vector<uint32_t>& syms,
                           const std::vector<Unit>& units, uint32_t entry) {
    const size_t n = syms.size();
    for (size_t width = 1; width <= 2; ++width) {
      for (size_t i = 1; i + width < n; ++i) {
        std::vector<uint32_t> variant = syms;
        std::vector<Unit> variant_units = units;
        bool letters = true;
        for (size_t k = i; k < i + width; ++k) {
          letters &= (units[k].flags & internal::kUnitLatin) != 0;
          variant[k] = internal::kWildcardSym;
          variant_units[k].run = 1;
        }
        if (letters)
          Add(variant, variant_units, entry, WordEdges::kBoth,
              PatternKind::kEntry);
      }
    }
  }

  // "b a c c a r a t", "Q Q": the scanner folds a doubled letter into one
  // unit only when glued, so spelled out it is two units. A word with one
  // gets a variant with its runs split, which matches only spelled out.
  void AddSpelledVariant(const std::vector<uint32_t>& syms,
                         const std::vector<Unit>& units, uint32_t entry,
                         WordEdges edges, PatternKind kind) {
    size_t length = 0;
    for (const Unit& u : units) length += u.run;
    if (length == syms.size() || length > kMaxWordUnits) return;
    std::vector<uint32_t> split;
    std::vector<Unit> split_units;
    for (size_t k = 0; k < syms.size(); ++k) {
      Unit one = units[k];
      one.run = 1;
      for (int r = 0; r < units[k].run; ++r) {
        split.push_back(syms[k]);
        split_units.push_back(one);
      }
    }
    Add(split, split_units, entry, edges, kind, /*spelled=*/true);
  }

  // "fvck": v written for u, as in Roman inscriptions.
  void AddVForUVariant(const std::vector<uint32_t>& syms,
                       const std::vector<Unit>& units, uint32_t entry,
                       WordEdges edges) {
    constexpr uint32_t kU = internal::kFirstLetterSym + ('u' - 'a');
    constexpr uint32_t kV = internal::kFirstLetterSym + ('v' - 'a');
    if (std::find(syms.begin(), syms.end(), kU) == syms.end()) return;
    std::vector<uint32_t> variant = syms;
    std::replace(variant.begin(), variant.end(), kU, kV);
    Add(variant, units, entry, edges, PatternKind::kEntry);
  }

  // Stand-ins spelled with other letters: "ph" for f ("phuck"), and "i"
  // for l, since leetspeak reads "1" as i ("s1ut" is stored as "siut").
  // Every occurrence of `from` is replaced by `to` (one or two letters).
  void AddLetterSwapVariant(const std::vector<uint32_t>& syms,
                            const std::vector<Unit>& units, uint32_t entry,
                            WordEdges edges, char from, std::string_view to) {
    const uint32_t from_sym = internal::kFirstLetterSym + (from - 'a');
    if (std::find(syms.begin(), syms.end(), from_sym) == syms.end()) return;
    std::vector<uint32_t> variant;
    std::vector<Unit> variant_units;
    for (size_t k = 0; k < syms.size(); ++k) {
      if (syms[k] != from_sym) {
        variant.push_back(syms[k]);
        variant_units.push_back(units[k]);
        continue;
      }
      for (char c : to) {
        Unit u = units[k];
        u.run = 1;
        variant.push_back(internal::kFirstLetterSym + (c - 'a'));
        variant_units.push_back(u);
      }
    }
    if (variant.size() > kMaxWordUnits) return;
    Add(variant, variant_units, entry, edges, PatternKind::kEntry);
  }

  const std::vector<std::vector<uint32_t>>& symbols() const { return symbols_; }

  // The symbols of the patterns that can make a match: all but exception
  // words, which can only cancel matches, so the prefilter need not see
  // them. `*storage` holds them when there are exception words.
  const std::vector<std::vector<uint32_t>>& MatchingSymbols(
      std::vector<std::vector<uint32_t>>* storage) const {
    const auto exception = [](const Pattern& p) {
      return p.kind == PatternKind::kAllow;
    };
    if (std::none_of(impl_->patterns.begin(), impl_->patterns.end(),
                     exception)) {
      return symbols_;
    }
    for (size_t i = 0; i < symbols_.size(); ++i) {
      if (!exception(impl_->patterns[i])) storage->push_back(symbols_[i]);
    }
    return *storage;
  }

 private:
  // What tells two patterns apart for the automaton and the verification.
  static std::string Key(const std::vector<uint32_t>& syms, PatternKind kind,
                         WordEdges edges, bool spelled) {
    std::string key(reinterpret_cast<const char*>(syms.data()),
                    syms.size() * sizeof(uint32_t));
    key.push_back(static_cast<char>(kind));
    key.push_back(
        static_cast<char>(static_cast<uint8_t>(edges) << 1 | spelled));
    return key;
  }

  Lexicon::Impl* impl_;
  std::vector<std::vector<uint32_t>> symbols_;  // Parallel to patterns.
  absl::flat_hash_set<std::string> keys_;       // Key() of every pattern.
};

}  // namespace

absl::StatusOr<std::shared_ptr<const Lexicon>> Lexicon::Compile(
    const std::vector<LexiconEntry>& entries, const EngineOptions& options) {
  if (options.max_gap < 0 || options.max_gap > 64) {
    return absl::InvalidArgumentError("max_gap must be in [0, 64]");
  }
  if (options.max_reported_matches < 1) {
    return absl::InvalidArgumentError("max_reported_matches must be >= 1");
  }
  const absl::StatusOr<CharTable>& normalization =
      internal::NormalizationTable();
  if (!normalization.ok()) return normalization.status();

  auto impl = std::make_unique<Impl>();
  impl->entries = entries;
  impl->options = options;
  impl->normalization = &*normalization;
  switch (options.word_boundaries) {
    case WordBoundaries::kOff:
    case WordBoundaries::kIcu:
      break;
    case WordBoundaries::kDictionary: {
      absl::StatusOr<std::shared_ptr<const internal::WordDictionary>> dict =
          internal::SharedWordDictionary(options.dictionary_path);
      if (!dict.ok()) return dict.status();
      impl->dictionary = *std::move(dict);
      break;
    }
    default:
      return absl::InvalidArgumentError("unknown word_boundaries");
  }
  Alphabet alphabet;
  PatternSet patterns(impl.get());
  std::vector<Unit> units;
  auto normalize = [&](const std::string& word, std::vector<uint32_t>* syms) {
    internal::Scan(*normalization, word, kNoGapLimit, &units);
    internal::FoldRepeatedCharacters(&units, NeverFolds);
    syms->clear();
    for (const Unit& u : units) syms->push_back(alphabet.Add(u.sym));
  };
  std::vector<uint32_t> syms;
  // The entries with Han characters, for their variant spellings.
  std::vector<internal::Spelling> han_words;
  struct HanEntry {
    uint32_t entry;
    WordEdges edges;
  };
  std::vector<HanEntry> han_entries;
  for (size_t i = 0; i < entries.size(); ++i) {
    const LexiconEntry& e = entries[i];
    normalize(e.word, &syms);
    if (absl::Status s = CheckEntry(e, i, syms.size()); !s.ok()) return s;
    const bool ascii = IsAsciiWord(units);
    const bool whole_word =
        e.mode == WordMode::kWholeWord || (e.mode == WordMode::kAuto && ascii);
    const WordEdges edges = whole_word ? WordEdges::kBoth : WordEdges::kNone;
    const auto entry = static_cast<uint32_t>(i);
    if (internal::HoldsHan(units)) {
      han_words.push_back(units);
      han_entries.push_back({entry, edges});
    }
    if (e.action == Action::kAllow) {
      // As innocent text writes it: no spelled-out, v or wildcard variants.
      patterns.Add(syms, units, entry, edges, PatternKind::kAllow);
      continue;
    }
    const size_t first_pattern = impl->patterns.size();
    patterns.Add(syms, units, entry, edges, PatternKind::kEntry);
    patterns.AddSpelledVariant(syms, units, entry, edges, PatternKind::kEntry);
    if (ascii) {
      patterns.AddVForUVariant(syms, units, entry, edges);
      patterns.AddLetterSwapVariant(syms, units, entry, edges, 'f', "ph");
      patterns.AddLetterSwapVariant(syms, units, entry, edges, 'l', "i");
    }
    if (ascii && syms.size() >= 3) {
      patterns.AddWildcardVariants(syms, units, entry);
    }
    // The scanner reads one or two digits starting a Latin word as letters
    // ("1diot"), in words as in text, so "91porn" is stored as "giporn" and
    // a text with "91 porn" would not match it: such a word also gets the
    // pattern it has with its digits kept. Last: it overwrites `units`.
    if (ascii && e.word[0] >= '0' && e.word[0] <= '9') {
      std::string apart = e.word;
      apart.insert(apart.find_first_not_of("0123456789"), " ");
      std::vector<uint32_t> kept;
      normalize(apart, &kept);
      if (kept != syms) {
        patterns.Add(kept, units, entry, edges, PatternKind::kEntry);
      }
    }
    // Inflections and compounds (internal/affixes.h) for Latin words in the
    // default mode, on all their patterns ("f*cking", "fvcked").
    if (ascii && e.mode == WordMode::kAuto) {
      const internal::AffixRule rule =
          internal::AffixRuleFor(Lowercase(e.word));
      for (size_t k = first_pattern; k < impl->patterns.size(); ++k) {
        impl->patterns[k].affix = rule;
      }
    }
  }
  // Regional and Japanese spellings (internal/variants.h), then the
  // pinyin-mixed ones (internal/pinyin.h), then the numeral ones
  // (internal/numerals.h), an exception word's too, so that
  // it excuses its own variants. Stronger entries go first: where the
  // variants of several entries coincide, the one kept belongs to the
  // strongest, so the verdict is what all would give. The two kinds are not
  // combined (no syllable in a Taiwan spelling): the text folds traditional
  // characters already, and the product would multiply the patterns.
  absl::StatusOr<std::vector<std::vector<internal::Spelling>>> variants =
      internal::FindVariants(*normalization, han_words, kMaxVariants);
  if (!variants.ok()) return variants.status();
  absl::StatusOr<std::vector<std::vector<internal::Spelling>>> pinyin =
      internal::FindPinyinVariants(han_words,
                                   PinyinVariantsPerEntry(han_words.size()));
  if (!pinyin.ok()) return pinyin.status();
  std::vector<size_t> order(han_words.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return entries[han_entries[a].entry].action >
           entries[han_entries[b].entry].action;
  });
  for (size_t k : order) {
    const HanEntry& h = han_entries[k];
    const PatternKind kind = entries[h.entry].action == Action::kAllow
                                 ? PatternKind::kAllow
                                 : PatternKind::kEntry;
    std::vector<internal::Spelling> numerals =
        internal::FindNumeralVariants(han_words[k], kMaxNumeralVariants);
    for (const auto* found : {&(*variants)[k], &(*pinyin)[k], &numerals}) {
      for (internal::Spelling variant : *found) {
        internal::FoldRepeatedCharacters(&variant, NeverFolds);
        if (variant.size() > kMaxWordUnits) continue;
        syms.clear();
        for (const Unit& u : variant) syms.push_back(alphabet.Add(u.sym));
        patterns.AddVariant(syms, variant, h.entry,
                            VariantEdges(han_words[k], variant, h.edges), kind);
      }
    }
  }

  auto add_keywords = [&](const auto& words, PatternKind kind) {
    for (const char* word : words) {
      normalize(word, &syms);
      const WordEdges edges =
          IsAsciiWord(units) ? WordEdges::kBoth : WordEdges::kNone;
      patterns.Add(syms, units, 0, edges, kind);
      patterns.AddSpelledVariant(syms, units, 0, edges, kind);
    }
  };
  add_keywords(kQqKeywords, PatternKind::kQqKeyword);
  add_keywords(kWechatKeywords, PatternKind::kWechatKeyword);

  impl->symbols = alphabet.Derive(*normalization);
  impl->digit_value.assign(alphabet.size(), internal::kNotDigit);
  for (uint32_t d = 0; d < 10; ++d) {
    impl->digit_value[internal::kFirstDigitSym + d] = static_cast<uint8_t>(d);
  }
  for (size_t k = 0; k < std::size(internal::kChineseDigits); ++k) {
    impl->digit_value[internal::kFirstChineseDigitSym + k] =
        internal::kChineseDigitValues[k];
  }
  impl->matcher = std::make_unique<internal::AhoCorasick>(patterns.symbols(),
                                                          alphabet.size());
  const uint32_t phone_digits =
      options.contact.phone == Action::kAllow ? 0 : internal::kPhoneDigits;
  std::vector<std::vector<uint32_t>> storage;
  impl->prefilter = internal::MakePrefilter(
      impl->symbols, patterns.MatchingSymbols(&storage), phone_digits);
  return std::shared_ptr<const Lexicon>(new Lexicon(std::move(impl)));
}

absl::Status ValidateLexiconEntry(const LexiconEntry& entry) {
  const absl::StatusOr<CharTable>& normalization =
      internal::NormalizationTable();
  if (!normalization.ok()) return normalization.status();
  std::vector<Unit> units;
  internal::Scan(*normalization, entry.word, kNoGapLimit, &units);
  return CheckEntry(entry, 0, units.size());
}

Lexicon::Lexicon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Lexicon::~Lexicon() = default;

size_t Lexicon::entry_count() const { return impl_->entries.size(); }

size_t Lexicon::MemoryUsage() const {
  size_t bytes =
      sizeof(Impl) + impl_->symbols.MemoryUsage() +
      impl_->matcher->MemoryUsage() + impl_->prefilter->MemoryUsage() +
      impl_->patterns.capacity() * sizeof(internal::Pattern) +
      impl_->runs.capacity() * sizeof(uint16_t) + impl_->digit_value.capacity();
  for (const LexiconEntry& e : impl_->entries) {
    bytes += sizeof(e) + e.word.capacity() + e.category.capacity();
  }
  return bytes;
}

}  // namespace moderation
