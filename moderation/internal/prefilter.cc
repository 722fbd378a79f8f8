#include "moderation/internal/prefilter.h"

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

}  // namespace

size_t Prefilter::CountPairs(
    const std::vector<std::vector<uint32_t>>& patterns) {
  absl::flat_hash_set<uint64_t> pairs;
  for (const std::vector<uint32_t>& p : patterns) {
    if (p.size() >= 2 && !NeedsLatin(p)) {
      pairs.insert(uint64_t{p[0]} << 32 | p[1]);
    }
  }
  return pairs.size();
}

Prefilter::Prefilter(const CharTable& symbols,
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
  three_.resize(size_t{1} << 18);
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

uint32_t Prefilter::ClassOf(uint32_t entry) const {
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

int Prefilter::SlowClass(const CharTable& symbols, const unsigned char* p,
                         const unsigned char* end, uint32_t* k) const {
  char32_t c;
  const int n = DecodeUtf8(p, end, &c);
  if (c == kReplacementChar && n == 1) return 0;
  *k = ClassOf(symbols.Lookup(c));
  return n;
}

bool Prefilter::ProvesClean(const CharTable& symbols,
                            std::string_view text) const {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  // Held in locals: nothing here may alias them.
  const uint8_t* const ascii = ascii_.data();
  const uint8_t* const three = three_.data();
  const uint8_t* const pairs = pairs_.data();
  uint32_t prev = kInert;  // The last class, skipping noise.
  // Bit 0: a pair in the bitmap was seen; bits 6-7 and 14-15: a malformed
  // continuation byte. One variable, so the loop's state fits in registers.
  uint32_t flags = 0;
  uint32_t digit_run = 0;
  // Takes one character's class; false when the text needs the full
  // pipeline for its digits.
  const auto step = [&](uint32_t k) {
    flags |= pairs[prev << 8 | k];
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
        // Three bytes: most CJK text. Overlong forms and surrogates have
        // the class that ends the pass; a malformed continuation byte sets
        // bits 6-7 or 14-15 of `flags`.
        const uint32_t tail = p[1] | p[2] << 8;
        flags |= (tail & 0xC0C0) ^ 0x8080;
        k = three[ThreeByteIndex(b0, tail)];
        p += 3;
      } else {
        const int n = SlowClass(symbols, p, end, &k);
        if (n == 0) return false;
        p += n;
      }
      if (!step(k)) return false;
    }
    if ((flags & 0xC0C1) != 0) return false;
  }
  while (p < end) {
    uint32_t k;
    const int n = SlowClass(symbols, p, end, &k);
    if (n == 0 || !step(k)) return false;
    p += n;
  }
  return (flags & 0xC0C1) == 0;
}

bool AutomatonProvesClean(const CharTable& symbols, const AhoCorasick& matcher,
                          uint32_t phone_digits, std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  const uint32_t digits_limit = phone_digits == 0 ? UINT32_MAX : phone_digits;
  uint32_t state = AhoCorasick::kRoot;
  uint32_t digit_run = 0;  // Digit units since the last other unit.
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
        continue;
      }
      if ((e & ~(kValueMask | kDigit | kNumeral)) != 0) return false;
      if (++digit_run >= digits_limit) return false;
    } else {
      digit_run = 0;
    }
    state = matcher.Step(state, e & kValueMask);
    if (matcher.HasOutput(state)) return false;
  }
  return true;
}

size_t Prefilter::MemoryUsage() const {
  return ascii_.capacity() + three_.capacity() + symbol_class_.capacity() +
         pairs_.capacity();
}

}  // namespace moderation::internal
