// Near-duplicate fingerprints of comment texts, for finding copy-paste
// waves: the same or nearly the same text posted by many accounts.
//
// A text is first reduced to its *skeleton*: the moderation engine's
// normalized form (full-width, traditional characters, look-alike letters
// and case folded as moderation.h describes) with every noise character
// (spaces, punctuation, symbols, emoji, invisible characters) dropped and
// runs of one character folded to one. Evasions that the engine sees
// through therefore give the same skeleton: "人生就是博官网", "人生 就是.博官網"
// and "人生就是博官网！！！" are one text.
//
// The skeleton's character 3-shingles are then summarized by MinHash: for
// each of bands * rows hash functions, the least hash over the shingles.
// Two texts whose shingle sets have Jaccard similarity J agree on one such
// minimum with probability J. The minima are grouped into `bands` bands of
// `rows`; each band is hashed to one 64-bit *band hash*, and two texts are
// candidate near-duplicates when any band hash is equal (locality-sensitive
// hashing); a caller confirms a candidate by comparing the two signatures
// (SignatureSimilarity), which weeds out the pairs that share one band by
// chance. With the defaults (8 bands of 3 rows) a pair with J = 0.8 (one
// character changed in a 30-character text) shares a band with probability
// 0.997, J = 0.5 with 0.66, and unrelated texts (J < 0.05) with under 0.001.
// docs/moderation.md gives the measured rates.
//
// Everything here is deterministic across processes and machines (fixed
// hash functions, no seeds from the environment), so replicas that share
// band hashes in Redis agree on them.

#ifndef MODERATION_FINGERPRINT_H_
#define MODERATION_FINGERPRINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace moderation {

// A value type; the defaults are the production settings.
struct FingerprintOptions {
  // MinHash bands and rows per band. Both in [1, 32].
  int bands = 8;
  int rows = 3;
};

struct TextFingerprint {
  // The skeleton (see above), UTF-8.
  std::string skeleton;
  // Code points in the skeleton: how much the text says once noise and
  // repetition are gone. Callers skip texts shorter than their minimum
  // ("支持", "写得好！！" are 2 and 3).
  int informative_chars = 0;
  // A hash of the whole skeleton: equal for texts with equal skeletons.
  uint64_t exact = 0;
  // `bands` band hashes, each already mixed with its band's index (equal
  // values at different indexes mean nothing).
  std::vector<uint64_t> band_hashes;
  // The MinHash signature: the low 16 bits of each of the bands * rows
  // minima. SignatureSimilarity of two signatures estimates the Jaccard
  // similarity of the texts' shingle sets, to confirm a candidate pair.
  std::vector<uint16_t> signature;
};

// The skeleton of `text` (UTF-8; invalid bytes are kept as U+FFFD).
// Errors: FailedPrecondition when the Unicode data (ICU, OpenCC) cannot be
// loaded, as Lexicon::Compile. Linear in the text's length; thread-safe.
absl::StatusOr<std::string> Skeleton(std::string_view text);

// The fingerprint of `text`. Errors: InvalidArgument for options out of
// range; FailedPrecondition as Skeleton. A text with no informative
// character has informative_chars 0 and band hashes of an empty shingle set
// (all equal among such texts). Thread-safe.
absl::StatusOr<TextFingerprint> Fingerprint(
    std::string_view text, const FingerprintOptions& options = {});

// The fraction of positions at which two signatures agree: an estimate of
// the Jaccard similarity of the two texts' shingle sets (standard error
// about 0.1 with the default 24 minima). 0 when the lengths differ.
double SignatureSimilarity(const std::vector<uint16_t>& a,
                           const std::vector<uint16_t>& b);

}  // namespace moderation

#endif  // MODERATION_FINGERPRINT_H_
