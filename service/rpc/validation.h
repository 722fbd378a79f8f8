#ifndef COMMENTS_SERVICE_RPC_VALIDATION_H_
#define COMMENTS_SERVICE_RPC_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace comments {

// Input checks shared by every RPC. Each failure is INVALID_ARGUMENT with a
// message that starts with the field's name, for the developer calling us.

inline constexpr size_t kMaxIdBytes = 128;
inline constexpr int kMaxAuthorNameChars = 64;

// 1-128 characters of [A-Za-z0-9_.:-].
absl::Status ValidateArticleId(absl::string_view id,
                               absl::string_view field = "article_id");

// A user id (author_id, user_id): 1-128 bytes of valid UTF-8 without
// control or format characters (ids are no place for emoji sequences).
absl::Status ValidateUserId(absl::string_view id, absl::string_view field);

// Required and at most 128 bytes. Whether it names a comment is the store's
// question: see IsWellFormedCommentId.
absl::Status ValidateCommentIdPresent(absl::string_view id,
                                      absl::string_view field);

// Comment ids are the decimal numbers the store assigns; anything else
// cannot name a comment, so callers answer NOT_FOUND without asking Redis.
bool IsWellFormedCommentId(absl::string_view id);

// Validates an (article_id, comment_id) pair. An id the store cannot have
// issued is NOT_FOUND, like any other id it does not hold.
absl::Status ValidateCommentRef(absl::string_view article_id,
                                absl::string_view comment_id,
                                absl::string_view field = "comment_id");

// Free text (bodies, names, reasons) follows the format-character rules:
//   control characters (Cc): refused, naming the character, except newline
//     where the field allows it; a tab becomes a space;
//   format characters (Cf): FormatRuleFor says which are kept (the joiners
//     of emoji sequences and scripts, U+200D and U+200C, and the other
//     harmless ones), dropped (zero-width space U+200B, word joiner, BOM) or
//     refused with a message naming the character as "U+202E RIGHT-TO-LEFT
//     OVERRIDE" (bidi embeddings, overrides and isolates, U+202A-U+202E and
//     U+2066-U+2069, which can reverse the rendered text).
// The moderation engine ignores the invisible characters that are kept
// when it matches (moderation/internal/normalizer.cc), so a joiner inside a
// keyword does not hide it.
enum class FormatRule { kKeep, kDrop, kRefuse };
FormatRule FormatRuleFor(char32_t format_character);

struct CleanText {
  std::string text;  // Rules applied, leading/trailing white space trimmed.
  int32_t code_points = 0;
};
// Applies the rules above to `text`; INVALID_ARGUMENT naming `field` when it
// is not valid UTF-8 or holds a refused character.
absl::StatusOr<CleanText> CleanFreeText(absl::string_view text,
                                        absl::string_view field,
                                        bool allow_newline);

// Returns the body as stored: CR LF folded to LF, the format-character rules
// applied, leading and trailing white space trimmed. Fails unless the input
// is valid UTF-8 without refused characters (a control character other than
// newline and tab, a bidi control) and 1 to `max_chars` code points remain.
absl::StatusOr<std::string> NormalizeBody(absl::string_view body,
                                          int max_chars);

// AIP-158: page_size 0 means `default_size`, above `max_size` it is lowered
// to it, negative is INVALID_ARGUMENT.
absl::StatusOr<int> ResolvePageSize(int32_t requested, int default_size,
                                    int max_size);

inline constexpr int kMaxReasonChars = 500;

// A moderator's or reporter's reason: the free-text rules, trimmed, at most
// kMaxReasonChars code points, newlines allowed; may be empty.
absl::StatusOr<std::string> NormalizeReason(absl::string_view reason,
                                            absl::string_view field = "reason");

// Display name: the free-text rules without newlines, trimmed, at most
// kMaxAuthorNameChars code points; may be empty.
absl::StatusOr<std::string> NormalizeAuthorName(absl::string_view name);

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_VALIDATION_H_
