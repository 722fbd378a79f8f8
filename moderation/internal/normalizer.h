// The process-wide normalization table, built once from ICU and OpenCC.
#ifndef MODERATION_INTERNAL_NORMALIZER_H_
#define MODERATION_INTERNAL_NORMALIZER_H_

#include "absl/status/statusor.h"
#include "moderation/internal/char_table.h"

namespace moderation::internal {

// Returns the normalization table (see char_table.h): each code point's
// value is its normalized code point. Built on first use (about a second),
// then shared by every lexicon; thread-safe. Fails with FailedPrecondition
// when ICU's confusables data or OpenCC's t2s configuration cannot be
// loaded, and keeps returning that error.
const absl::StatusOr<CharTable>& NormalizationTable();

}  // namespace moderation::internal

#endif  // MODERATION_INTERNAL_NORMALIZER_H_
