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
// control characters.
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

// Returns the body as stored: CR LF folded to LF, leading and trailing white
// space trimmed. Fails unless the input is valid UTF-8 with no control
// character other than newline and 1 to `max_chars` code points remain.
absl::StatusOr<std::string> NormalizeBody(absl::string_view body,
                                          int max_chars);

// AIP-158: page_size 0 means `default_size`, above `max_size` it is lowered
// to it, negative is INVALID_ARGUMENT.
absl::StatusOr<int> ResolvePageSize(int32_t requested, int default_size,
                                    int max_size);

inline constexpr int kMaxReasonChars = 500;

// A moderator's or reporter's reason: trimmed, at most kMaxReasonChars code
// points, newlines allowed, no other control characters; may be empty.
absl::StatusOr<std::string> NormalizeReason(absl::string_view reason,
                                            absl::string_view field = "reason");

// Trimmed display name of at most kMaxAuthorNameChars code points, no
// control characters; may be empty.
absl::StatusOr<std::string> NormalizeAuthorName(absl::string_view name);

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_VALIDATION_H_
