#include "moderation/internal/prefilter.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/container/flat_hash_set.h"
#include "moderation/internal/lexicon_impl.h"
#include "moderation/internal/utf8.h"

namespace moderation::internal {
namespace {

// A Latin unit comes only from a code point whose entry says kLatin (or an
// expansion), and a wildcard only from a '*' between Latin letters; the
// prefilter sends both kinds of text to the full pipeline, so it need not
// test the pairs of patterns that hold such a symbol.
bool NeedsLatin(const std::vector<uint32_t>& pattern) {
  for (uint32_t sym : pattern) {
    if (sym >= kFirstLetterSym && sym <= kWildcardSym) return true;
  }
  return false;
}

// The symbol's index among the digits and Chinese numerals, or -1.
int DigitIndex(uint32_t sym) {
  if (sym >= kFirstDigitSym && sym < kFirstDigitSym + 10) {
    return static_cast<int>(sym - kFirstDigitSym);
  }
  if (sym >= kFirstChineseDigitSym && sym < kReservedSyms) {
    return static_cast<int>(10 + sym - kFirstChineseDigitSym);
  }
  return -1;
}

// Whether the bucket `slots` holds `triple` or `pair` (or overflowed): every
// slot compared, without a branch.
inline bool BucketHas(const uint32_t* slots, int count, uint32_t triple,
                      uint32_t pair, uint32_t overflow) {
#if defined(__SSE2__)
  const __m128i t = _mm_set1_epi32(static_cast<int>(triple));
  const __m128i q = _mm_set1_epi32(static_cast<int>(pair));
  __m128i found = _mm_setzero_si128();
#pragma GCC unroll 4
  for (int i = 0; i < count; i += 4) {
    const __m128i x =
        _mm_load_si128(reinterpret_cast<const __m128i*>(slots + i));
    found = _mm_or_si128(
        found, _mm_or_si128(_mm_cmpeq_epi32(x, t), _mm_cmpeq_epi32(x, q)));
  }
  return (_mm_movemask_epi8(found) != 0) | (slots[count - 1] == overflow);
#else
  uint32_t found = slots[count - 1] == overflow;
  for (int i = 0; i < count; ++i) {
    found |= (slots[i] == triple) | (slots[i] == pair);
  }
  return found != 0;
#endif
}

}  // namespace

std::unique_ptr<Prefilter> MakePrefilter(
    const CharTable& symbols,
    const std::vector<std::vector<uint32_t>>& patterns, uint32_t phone_digits) {
  if (PairFilter::CountPairs(patterns) <= PairFilter::kMaxPairs) {
    return std::make_unique<PairFilter>(symbols, patterns, phone_digits);
  }
  return std::make_unique<TripleFilter>(patterns, phone_digits);
}

size_t PairFilter::CountPairs(
    const std::vector<std::vector<uint32_t>>& patterns) {
  absl::flat_hash_set<uint64_t> pairs;
  for (const std::vector<uint32_t>& p : patterns) {
    if (p.size() >= 2 && !NeedsLatin(p)) {
      pairs.insert(uint64_t{p[0]} << 32 | p[1]);
    }
  }
  return pairs.size();
}

PairFilter::PairFilter(const CharTable& symbols,
                       const std::vector<std::vector<uint32_t>>& patterns,
                       uint32_t phone_digits)
    : pairs_(256 * 256, 0),
      phone_digits_(phone_digits == 0 ? UINT32_MAX : phone_digits) {
  static_assert(kDigitClass + kDigitClasses == kFullPipeline);
  static_assert(10 + (kReservedSyms - kFirstChineseDigitSym) == kDigitClasses);
  // Symbols in the first two places of a pattern get classes in order of
  // appearance, wrapping around when there are more than classes.
  uint32_t next = 1;
  auto assign = [&](uint32_t sym) {
    if (symbol_class_.size() <= sym) symbol_class_.resize(sym + 1, kInert);
    if (symbol_class_[sym] != kInert) return;
    const int digit = DigitIndex(sym);
    if (digit >= 0) {
      symbol_class_[sym] = static_cast<uint8_t>(kDigitClass + digit);
      return;
    }
    symbol_class_[sym] = static_cast<uint8_t>(next);
    next = next + 1 == kDigitClass ? 1 : next + 1;
  };
  for (const std::vector<uint32_t>& p : patterns) {
    if (NeedsLatin(p)) continue;
    for (size_t i = 0; i < p.size() && i < 2; ++i) assign(p[i]);
  }
  for (uint32_t first = 0; first < 256; ++first) {
    SetPair(first, kFullPipeline);
  }
  for (const std::vector<uint32_t>& p : patterns) {
    if (NeedsLatin(p)) continue;
    const uint32_t second = symbol_class_[p[p.size() > 1 ? 1 : 0]];
    if (p.size() > 1) {
      SetPair(symbol_class_[p[0]], second);
    } else {
      for (uint32_t first = 0; first < 256; ++first) SetPair(first, second);
    }
  }
  ascii_.resize(0x80);
  for (char32_t c = 0; c < 0x80; ++c) {
    ascii_[c] = static_cast<uint8_t>(ClassOf(symbols.Lookup(c)));
  }
  // Every byte pair not listed below is a malformed continuation.
  three_.assign(size_t{1} << 20, kFullPipeline);
  for (uint32_t b0 = 0xE0; b0 < 0xF0; ++b0) {
    for (uint32_t b1 = 0x80; b1 < 0xC0; ++b1) {
      for (uint32_t b2 = 0x80; b2 < 0xC0; ++b2) {
        const char32_t c = (b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F);
        const bool valid = c >= 0x800 && (c < 0xD800 || c > 0xDFFF);
        three_[ThreeByteIndex(b0, b1 | b2 << 8)] = static_cast<uint8_t>(
            valid ? ClassOf(symbols.Lookup(c)) : kFullPipeline);
      }
    }
  }
}

uint32_t PairFilter::ClassOf(uint32_t entry) const {
  const uint32_t sym = entry & kValueMask;
  if (entry & kNoise) {
    // Soft and star symbols are noise unless a Latin letter is next to them.
    constexpr uint32_t kKnown = kValueMask | kNoise | kSoft | kStar;
    return (entry & ~kKnown) == 0 ? kNoiseClass : kFullPipeline;
  }
  constexpr uint32_t kKnown = kValueMask | kDigit | kNumeral;
  if ((entry & ~kKnown) != 0) return kFullPipeline;  // Latin, expansions.
  if (sym >= kFirstLetterSym && sym <= kWildcardSym) return kFullPipeline;
  const int digit = DigitIndex(sym);
  if (digit >= 0) return kDigitClass + static_cast<uint32_t>(digit);
  return sym < symbol_class_.size() ? symbol_class_[sym] : kInert;
}

int PairFilter::SlowClass(const CharTable& symbols, const unsigned char* p,
                          const unsigned char* end, uint32_t* k) const {
  char32_t c;
  const int n = DecodeUtf8(p, end, &c);
  if (c == kReplacementChar && n == 1) return 0;
  *k = ClassOf(symbols.Lookup(c));
  return n;
}

bool PairFilter::ProvesClean(const CharTable& symbols,
                             std::string_view text) const {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  // Held in locals: nothing here may alias them.
  const uint8_t* const ascii = ascii_.data();
  const uint8_t* const three = three_.data();
  const uint8_t* const pairs = pairs_.data();
  uint32_t prev = kInert;  // The last class, skipping noise.
  uint32_t hit = 0;        // 1 once a pair in the table was seen.
  uint32_t digit_run = 0;
  // Takes one character's class; false when the text needs the full
  // pipeline for its digits.
  const auto step = [&](uint32_t k) {
    hit |= pairs[prev << 8 | k];
    if (k - kDigitClass < kDigitClasses) {
      // Rare in text, so a branch: the run goes on when the last character
      // that was not noise was a digit too.
      digit_run = prev - kDigitClass < kDigitClasses ? digit_run + 1 : 1;
      if (digit_run >= phone_digits_) return false;
    }
    // A conditional move: noise is common and comes in no predictable
    // order, so a branch here would be mispredicted often.
    prev = k == kNoiseClass ? prev : k;
    return true;
  };
  // The main loop reads three bytes at a time, so it stops two bytes short
  // of the end; it works in blocks, so that a text that must take the full
  // pipeline (English, say) stops early without a branch per character.
  while (end - p >= 3) {
    const unsigned char* const block_end = end - p > 66 ? p + 64 : end - 2;
    while (p < block_end) {
      const uint32_t b0 = *p;
      uint32_t k;
      if (b0 < 0x80) {
        k = ascii[b0];
        ++p;
      } else if ((b0 & 0xF0) == 0xE0) {
        // Three bytes: most CJK text. Malformed continuation bytes,
        // overlong forms and surrogates have the class that ends the pass.
        k = three[ThreeByteIndex(b0, p[1] | p[2] << 8)];
        p += 3;
      } else {
        const int n = SlowClass(symbols, p, end, &k);
        if (n == 0) return false;
        p += n;
      }
      if (!step(k)) return false;
    }
    if (hit != 0) return false;
  }
  while (p < end) {
    uint32_t k;
    const int n = SlowClass(symbols, p, end, &k);
    if (n == 0 || !step(k)) return false;
    p += n;
  }
  return hit == 0;
}

TripleFilter::TripleFilter(const std::vector<std::vector<uint32_t>>& patterns,
                           uint32_t phone_digits)
    : phone_digits_(phone_digits == 0 ? UINT32_MAX : phone_digits) {
  // About four fingerprints a bucket: few overflow. Patterns with a Latin
  // letter add none (the wildcard variants of a Latin word are a quarter
  // of all patterns at 100,000 words), so they do not count.
  const auto added = static_cast<size_t>(std::count_if(
      patterns.begin(), patterns.end(),
      [](const std::vector<uint32_t>& p) { return !NeedsLatin(p); }));
  int bits = 4;
  while ((size_t{4} << bits) < added && bits < 40) ++bits;
  buckets_.assign(size_t{1} << bits, Bucket{});
  bucket_shift_ = 64 - bits;
  for (const std::vector<uint32_t>& p : patterns) {
    if (NeedsLatin(p)) continue;
    if (p.size() >= 3) {
      Add(p[0], p[1], p[2]);
    } else if (p.size() == 2) {
      Add(0, p[0], p[1]);
    } else if (p.size() == 1) {
      if (singles_.size() <= p[0]) singles_.resize(p[0] + 1);
      singles_[p[0]] = true;
    }
  }
}

void TripleFilter::Add(uint32_t a, uint32_t b, uint32_t c) {
  uint32_t* const slots = buckets_[BucketOf(b, c)].fingerprints;
  const uint32_t fingerprint = Fingerprint(a, b, c);
  for (int i = 0; i < kSlots; ++i) {
    if (slots[i] == fingerprint || slots[i] == kOverflow) return;
    if (slots[i] == 0) {
      slots[i] = fingerprint;
      return;
    }
  }
  slots[kSlots - 1] = kOverflow;
}

bool TripleFilter::ProvesClean(const CharTable& symbols,
                               std::string_view text) const {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  // The last two symbols, skipping noise; 0 after an inert character.
  uint32_t first = 0;
  uint32_t second = 0;
  uint32_t digit_run = 0;  // Digit units since the last other unit.
  bool maybe = false;
  bool glued = false;  // No noise since the last symbol.
  const bool any_singles = !singles_.empty();
  while (p < end) {
    char32_t c;
    const int n = DecodeUtf8(p, end, &c);
    if (c == kReplacementChar && n == 1) return false;
    p += n;
    const uint32_t e = symbols.Lookup(c);
    if ((e & ~kValueMask) != 0) {
      if (e & kNoise) {
        // Soft and star symbols are noise unless a Latin letter is next to
        // them, and a Latin letter ends the pass.
        if ((e & ~(kValueMask | kNoise | kSoft | kStar)) != 0) return false;
        glued = false;
        continue;
      }
      if ((e & ~(kValueMask | kDigit | kNumeral)) != 0) return false;
      if (++digit_run >= phone_digits_) return false;
    } else {
      digit_run = 0;
      // A glued repeat folds into the character before it
      // (FoldRepeatedCharacters), so the triple window skips it: 百家家乐
      // holds the triple 百家乐.
      if ((e == second) & glued & (e != 0)) continue;
    }
    glued = true;
    const uint32_t sym = e & kValueMask;
    if (any_singles && sym < singles_.size() && singles_[sym]) {
      return false;
    }
    // Accumulated rather than tested: the answer is almost always no.
    maybe |= BucketHas(buckets_[BucketOf(second, sym)].fingerprints, kSlots,
                       Fingerprint(first, second, sym),
                       Fingerprint(0, second, sym), kOverflow) &
             (sym != 0);
    first = second;
    second = sym;
  }
  return !maybe;
}

size_t TripleFilter::MemoryUsage() const {
  return buckets_.capacity() * sizeof(Bucket) + singles_.capacity() / 8;
}

size_t PairFilter::MemoryUsage() const {
  return ascii_.capacity() + three_.capacity() + symbol_class_.capacity() +
         pairs_.capacity();
}

}  // namespace moderation::internal
