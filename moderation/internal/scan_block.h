// The scanner's SIMD block step: runs of three-byte (CJK) characters,
// eight at a time, with exactly the output of the per-character step in
// scanner.cc. Private to scanner.cc.
#ifndef MODERATION_INTERNAL_SCAN_BLOCK_H_
#define MODERATION_INTERNAL_SCAN_BLOCK_H_

#include <cstddef>
#include <cstdint>

#include "moderation/internal/char_table.h"
#include "moderation/internal/scanner.h"

// The SIMD block step needs x86-64 and a compiler that takes per-function
// target attributes; elsewhere every character takes the scalar step.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MODERATION_SCAN_AVX2 1
#include <immintrin.h>
#else
#define MODERATION_SCAN_AVX2 0
#endif

namespace moderation::internal {

// The scan's state between characters, shared by the per-character step
// (scanner.cc) and the block step.
struct ScanState {
  const unsigned char* p;
  uint32_t index = 0;     // Code points read so far.
  uint32_t last_end = 0;  // One past the last code point that was not noise.
  // The last unit is a run of inert characters (symbol 0, no flags), which
  // the next inert character extends, noise in between included.
  uint32_t tail_inert = 0;
  uint32_t run_start = 0;
  uint8_t run_gap = kGapNone;
  uint8_t noise_gap = kGapOther;  // The kind of the last noise seen.
};

// No SIMD: every character takes the scalar step.
struct NoBlock {
  static constexpr bool kEnabled = false;
  static constexpr ptrdiff_t kReadAhead = 0;
  static constexpr size_t kRoom = 0;
  static constexpr int kMaxGapInBlock = 0;
  static uint32_t Run(const uint32_t*, ScanState*, bool, Unit*, size_t*) {
    return 0;
  }
};

#if MODERATION_SCAN_AVX2
// Per 8-bit lane mask (bit i: lane i). Byte t of set[mask] is the t-th set
// lane (0 past the last), byte t of next[mask] the one after it (8 past
// the last); byte i of last[mask] is the last set lane <= i (0xFF: none).
struct BlockTables {
  uint64_t set[256];
  uint64_t next[256];
  uint64_t last[256];
};
constexpr BlockTables MakeBlockTables() {
  BlockTables t{};
  for (uint32_t m = 0; m < 256; ++m) {
    uint64_t count = 0;
    uint64_t last = 0xFF;
    t.next[m] = 0x0808080808080808ull;
    for (uint64_t i = 0; i < 8; ++i) {
      if ((m >> i) & 1) {
        t.set[m] |= i << (8 * count);
        if (count > 0) {
          t.next[m] &= ~(uint64_t{0xFF} << (8 * (count - 1)));
          t.next[m] |= i << (8 * (count - 1));
        }
        ++count;
        last = i;
      }
      t.last[m] |= last << (8 * i);
    }
  }
  return t;
}
inline constexpr BlockTables kBlockTables = MakeBlockTables();

// Eight three-byte characters (CJK) at a time: decode them with a shuffle,
// look all eight up with one gather, and write the units of the plain ones
// (inert or lexicon characters: no flag) and skip the noise (punctuation)
// without a branch per character. Chinese text is mostly such characters,
// and the scalar step spends its time in branches between their kinds.
// Writes exactly the units the scalar step would.
//
// Noise is taken only where no break can arise inside the block (max_gap
// >= 7: at most 7 noise characters fit before a later lane) and after the
// first unit (before it, noise sets no gap); trailing noise is left for the
// scalar step to close, since the next block wants no noise before it.
struct Avx2Block {
  static constexpr bool kEnabled = true;
  static constexpr ptrdiff_t kReadAhead = 28;  // Two 16-byte loads, 12 apart.
  static constexpr size_t kRoom = 8;           // Units written past *n.
  static constexpr int kMaxGapInBlock = 7;

  static bool Supported() {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  }

  // Bit i: the sign bit of lane i.
  [[gnu::target("avx2")]] static inline uint32_t MoveMask(__m256i v) {
    return static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(v)));
  }
  // Lane i: all ones where bit i of `bits` is set.
  [[gnu::target("avx2")]] static inline __m256i LaneMask(uint32_t bits) {
    const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return _mm256_cmpeq_epi32(
        _mm256_and_si256(_mm256_set1_epi32(static_cast<int>(bits)), bit), bit);
  }
  // Lane i: byte i of `bytes`, zero-extended.
  [[gnu::target("avx2")]] static inline __m256i Bytes(uint64_t bytes) {
    return _mm256_cvtepu8_epi32(
        _mm_cvtsi64_si128(static_cast<long long>(bytes)));
  }

  // Consumes 0..8 characters at state->p, stopping at the first one that is
  // not a well-formed three-byte character with a plain or plain-noise
  // entry; returns how many. The caller advances state->p and
  // state->index: see ScanLoop. Writes units [*n, *n + kRoom) (those past
  // the new *n are scratch) and may extend units[*n - 1]. `noise_ok`: the
  // noise conditions above hold. REQUIRES: kReadAhead readable bytes at
  // state->p; no noise between the previous character and this one, unless
  // *n == 0.
  [[gnu::target("avx2,popcnt")]] static inline uint32_t Run(
      const uint32_t* entries, ScanState* state, bool noise_ok, Unit* units,
      size_t* n) {
    const unsigned char* p = state->p;
    const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hi =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 12));
    const __m256i bytes =
        _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    // Lane j: lead << 16 | second << 8 | third, for character j.
    const __m256i x = _mm256_shuffle_epi8(
        bytes,
        _mm256_setr_epi8(2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1,
                         2, 1, 0, -1, 5, 4, 3, -1, 8, 7, 6, -1, 11, 10, 9, -1));
    const __m256i shape =
        _mm256_cmpeq_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0xF0C0C0)),
                           _mm256_set1_epi32(0xE08080));
    const __m256i c = _mm256_or_si256(
        _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(x, 4),
                                         _mm256_set1_epi32(0xF000)),
                        _mm256_and_si256(_mm256_srli_epi32(x, 2),
                                         _mm256_set1_epi32(0x0FC0))),
        _mm256_and_si256(x, _mm256_set1_epi32(0x3F)));
    // What DecodeUtf8 rejects besides the shape: overlong forms, surrogates.
    const __m256i overlong = _mm256_cmpgt_epi32(_mm256_set1_epi32(0x800), c);
    const __m256i surrogate =
        _mm256_cmpeq_epi32(_mm256_and_si256(c, _mm256_set1_epi32(0xF800)),
                           _mm256_set1_epi32(0xD800));
    // c < 0x10000 < kTableSize whatever the bytes, so the gather stays in
    // the table even in lanes that turn out invalid.
    const __m256i e =
        _mm256_i32gather_epi32(reinterpret_cast<const int*>(entries), c, 4);
    const uint32_t invalid = MoveMask(_mm256_or_si256(overlong, surrogate)) |
                             (~MoveMask(shape) & 0xFF);
    const __m256i flags =
        _mm256_and_si256(e, _mm256_set1_epi32(static_cast<int>(~kValueMask)));
    const uint32_t plain =
        MoveMask(_mm256_cmpeq_epi32(flags, _mm256_setzero_si256())) & ~invalid;
    const uint32_t noise =
        noise_ok
            ? MoveMask(_mm256_cmpeq_epi32(flags, _mm256_set1_epi32(kNoise))) &
                  ~invalid
            : 0;
    const auto k = static_cast<uint32_t>(__builtin_ctz(~(plain | noise)));
    if (k == 0) return 0;
    const uint32_t lanes = (1u << k) - 1;
    const uint32_t m = noise & lanes;
    const uint32_t inert =
        MoveMask(_mm256_cmpeq_epi32(e, _mm256_setzero_si256())) & plain & lanes;

    // The scalar rule: an inert character extends the last unit when that
    // is an inert run, noise in between or not; every other plain character
    // starts a unit. In bit i + 1 (bit 0: before the block), `tail` says
    // whether the last unit is an inert run after lane i: lanes that start
    // a unit set it to whether they are inert, noise lanes carry it, which
    // adding the first noise lane of each run to the run does.
    const uint32_t set = (inert << 1) | state->tail_inert;
    const uint32_t noise_at = m << 1;
    const uint32_t carried = noise_at & ~(noise_at + ((set << 1) & noise_at));
    const uint32_t tail = set | carried;
    const uint32_t extends = inert & tail;
    const uint32_t starts = lanes & ~m & ~extends;
    const auto count = static_cast<uint32_t>(__builtin_popcount(starts));
    // A unit ends after the last non-noise lane before the next unit (or
    // before k): an inert run takes in the inert lanes after it, any other
    // unit is followed by noise only.
    const uint64_t last_unit_lane = kBlockTables.last[lanes & ~m];

    // A unit after noise records its kind: only U+3000 among three-byte
    // characters is a space.
    const uint32_t space =
        MoveMask(_mm256_cmpeq_epi32(c, _mm256_set1_epi32(0x3000)));
    const uint32_t gap_space = ((m & space) << 1) & lanes;
    const uint32_t gap_other = ((m & ~space) << 1) & lanes;
    // run = 1, flags = 0, gap in the top byte.
    const __m256i misc = _mm256_or_si256(
        _mm256_set1_epi32(1),
        _mm256_or_si256(_mm256_and_si256(LaneMask(gap_space),
                                         _mm256_set1_epi32(kGapSpace << 24)),
                        _mm256_and_si256(LaneMask(gap_other),
                                         _mm256_set1_epi32(kGapOther << 24))));

    // The units, compacted: lane t describes the t-th lane that starts one.
    const __m256i lane = Bytes(kBlockTables.set[starts]);
    const __m256i next_lane =
        _mm256_min_epu32(Bytes(kBlockTables.next[starts]),
                         _mm256_set1_epi32(static_cast<int>(k)));
    const __m256i index = _mm256_set1_epi32(static_cast<int>(state->index));
    const __m256i sym = _mm256_permutevar8x32_epi32(e, lane);
    const __m256i start = _mm256_add_epi32(index, lane);
    const __m256i end = _mm256_add_epi32(
        _mm256_add_epi32(index, _mm256_set1_epi32(1)),
        _mm256_permutevar8x32_epi32(
            Bytes(last_unit_lane),
            _mm256_sub_epi32(next_lane, _mm256_set1_epi32(1))));
    const __m256i gap = _mm256_permutevar8x32_epi32(misc, lane);
    // Transpose to Unit layout: lane j of u_i holds unit 4 * j + i.
    const __m256i sym_start_lo = _mm256_unpacklo_epi32(sym, start);
    const __m256i sym_start_hi = _mm256_unpackhi_epi32(sym, start);
    const __m256i end_gap_lo = _mm256_unpacklo_epi32(end, gap);
    const __m256i end_gap_hi = _mm256_unpackhi_epi32(end, gap);
    const __m256i u0 = _mm256_unpacklo_epi64(sym_start_lo, end_gap_lo);
    const __m256i u1 = _mm256_unpackhi_epi64(sym_start_lo, end_gap_lo);
    const __m256i u2 = _mm256_unpacklo_epi64(sym_start_hi, end_gap_hi);
    const __m256i u3 = _mm256_unpackhi_epi64(sym_start_hi, end_gap_hi);
    auto* out = reinterpret_cast<__m128i*>(units + *n);
    _mm_storeu_si128(out + 0, _mm256_castsi256_si128(u0));
    _mm_storeu_si128(out + 1, _mm256_castsi256_si128(u1));
    _mm_storeu_si128(out + 2, _mm256_castsi256_si128(u2));
    _mm_storeu_si128(out + 3, _mm256_castsi256_si128(u3));
    _mm_storeu_si128(out + 4, _mm256_extracti128_si256(u0, 1));
    _mm_storeu_si128(out + 5, _mm256_extracti128_si256(u1, 1));
    _mm_storeu_si128(out + 6, _mm256_extracti128_si256(u2, 1));
    _mm_storeu_si128(out + 7, _mm256_extracti128_si256(u3, 1));

    // Lanes before the first unit may extend the inert run before the
    // block (then *n > 0).
    const auto first = static_cast<uint32_t>(__builtin_ctz(starts | 1u << k));
    if (extends & ((1u << first) - 1)) {
      units[*n - 1].end =
          state->index + ((last_unit_lane >> (8 * (first - 1))) & 0xFF) + 1;
    }
    if (count > 0) {
      const uint32_t final =
          (kBlockTables.set[starts] >> (8 * (count - 1))) & 0xFF;
      state->run_start = state->index + final;
      state->run_gap = (gap_space >> final) & 1   ? kGapSpace
                       : (gap_other >> final) & 1 ? kGapOther
                                                  : kGapNone;
    }
    *n += count;
    state->tail_inert = (tail >> k) & 1;
    if (m != 0) {
      const uint32_t last_noise = 31 - __builtin_clz(m);
      state->noise_gap = (space >> last_noise) & 1 ? kGapSpace : kGapOther;
    }
    if (const uint32_t units_in = lanes & ~m; units_in != 0) {
      state->last_end = state->index + 32 - __builtin_clz(units_in);
    }
    return k;
  }
};
#endif  // MODERATION_SCAN_AVX2

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_SCAN_BLOCK_H_
