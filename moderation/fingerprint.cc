#include "moderation/fingerprint.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "moderation/internal/char_table.h"
#include "moderation/internal/normalizer.h"
#include "moderation/internal/utf8.h"

namespace moderation {
namespace {

// splitmix64's finalizer: a fixed, well-mixed 64-bit permutation. Replicas
// must agree on every hash, so nothing here may depend on the process (as
// absl::Hash does).
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Appends the normalized code point(s) of one table entry, noise dropped.
void AppendNormalized(const internal::CharTable& table, uint32_t entry,
                      std::u32string& out) {
  if (entry & internal::kExpansion) {
    const uint32_t* begin;
    const uint32_t* end;
    table.Expansion(entry, &begin, &end);
    for (const uint32_t* e = begin; e != end; ++e) {
      if (!(*e & internal::kNoise)) out.push_back(*e & internal::kValueMask);
    }
    return;
  }
  // Soft and star noise stand for letters only inside Latin words, which a
  // skeleton does not need: they are dropped with the rest.
  if (entry & internal::kNoise) return;
  out.push_back(entry & internal::kValueMask);
}

absl::StatusOr<std::u32string> SkeletonCodePoints(std::string_view text) {
  const absl::StatusOr<internal::CharTable>& table =
      internal::NormalizationTable();
  if (!table.ok()) return table.status();
  std::u32string normalized;
  normalized.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    char32_t c;
    p += internal::DecodeUtf8(p, end, &c);
    AppendNormalized(*table, table->Lookup(c), normalized);
  }
  // Fold runs: "顶顶顶顶" and "!!!!" say no more than once.
  normalized.erase(std::unique(normalized.begin(), normalized.end()),
                   normalized.end());
  return normalized;
}

constexpr size_t kShingle = 3;

}  // namespace

absl::StatusOr<std::string> Skeleton(std::string_view text) {
  absl::StatusOr<std::u32string> points = SkeletonCodePoints(text);
  if (!points.ok()) return points.status();
  std::string out;
  for (char32_t c : *points) internal::AppendUtf8(c, &out);
  return out;
}

absl::StatusOr<TextFingerprint> Fingerprint(std::string_view text,
                                            const FingerprintOptions& options) {
  if (options.bands < 1 || options.bands > 32 || options.rows < 1 ||
      options.rows > 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("fingerprint bands and rows must be in [1, 32]; they are ",
                     options.bands, " and ", options.rows));
  }
  absl::StatusOr<std::u32string> points = SkeletonCodePoints(text);
  if (!points.ok()) return points.status();
  TextFingerprint fp;
  for (char32_t c : *points) internal::AppendUtf8(c, &fp.skeleton);
  fp.informative_chars = static_cast<int>(points->size());

  fp.exact = Mix(points->size());
  for (char32_t c : *points) fp.exact = Mix(fp.exact ^ c);

  // The shingles' base hashes; a text shorter than a shingle is one shingle.
  std::vector<uint64_t> shingles;
  const size_t n = points->size();
  const size_t count = n < kShingle ? (n == 0 ? 0 : 1) : n - kShingle + 1;
  shingles.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint64_t h = 0x5348494E474C45ull;  // "SHINGLE"
    for (size_t j = i; j < std::min(n, i + kShingle); ++j) h = Mix(h ^ (*points)[j]);
    shingles.push_back(h);
  }
  std::sort(shingles.begin(), shingles.end());
  shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());

  // Hash function k of the MinHash family is Mix(base ^ seed_k), one
  // independent-looking permutation per k.
  const int functions = options.bands * options.rows;
  std::vector<uint64_t> minima(functions, std::numeric_limits<uint64_t>::max());
  for (int k = 0; k < functions; ++k) {
    const uint64_t seed = Mix(0xA5A5A5A5ull + static_cast<uint64_t>(k));
    for (uint64_t s : shingles) minima[k] = std::min(minima[k], Mix(s ^ seed));
  }
  fp.signature.reserve(functions);
  for (uint64_t m : minima) fp.signature.push_back(static_cast<uint16_t>(m));
  fp.band_hashes.reserve(options.bands);
  for (int b = 0; b < options.bands; ++b) {
    uint64_t h = Mix(0xBA4Dull + static_cast<uint64_t>(b));
    for (int r = 0; r < options.rows; ++r) {
      h = Mix(h ^ minima[b * options.rows + r]);
    }
    fp.band_hashes.push_back(h);
  }
  return fp;
}

double SignatureSimilarity(const std::vector<uint16_t>& a,
                           const std::vector<uint16_t>& b) {
  if (a.size() != b.size() || a.empty()) return 0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return static_cast<double>(same) / static_cast<double>(a.size());
}

}  // namespace moderation
