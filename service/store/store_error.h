#ifndef COMMENTS_SERVICE_STORE_STORE_ERROR_H_
#define COMMENTS_SERVICE_STORE_STORE_ERROR_H_

// The errors the stores' Lua scripts refuse a call with, by kind. A script
// raises a word (lua/*.lua: {err = 'NOTFOUND comment_id 7'}); the store
// decodes it once (internal/script_error.h) into a status with the most
// specific code, a message for the client, and its StoreError as a payload
// under kStoreErrorUrl. Code that must tell kinds apart reads StoreErrorOf
// (or the code alone where it suffices), never the message.

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace comments {

enum class StoreError {
  // NOT_FOUND: the comment (or the parent a reply names) is not there, or
  // not visible.
  kNotFound,
  // PERMISSION_DENIED: only the author may delete a comment.
  kDenied,
  // FAILED_PRECONDITION: the article is closed to new comments.
  kClosed,
  // RESOURCE_EXHAUSTED: the author reached the post limit on the article
  // (CommentStoreOptions::post_limit); the message says when to retry.
  kRateLimited,
  // RESOURCE_EXHAUSTED: the user reached a flood limit across all articles
  // (posts, likes or reports per account; FloodStore), or the client address
  // did (kAddressLimited); the message names the limit and when to retry.
  kUserLimited,
  kAddressLimited,
  // ALREADY_EXISTS: the author posted the same body under the same parent
  // within CommentStoreOptions::duplicate_window.
  kDuplicate,
  // FAILED_PRECONDITION: a moderation decision on a comment that is in no
  // such queue, and whose decision is not already in force.
  kNotQueued,
  // FAILED_PRECONDITION: a replay-only post (NewComment::replay_only) found
  // no earlier post with its idempotency key. The caller answers with its
  // own refusal instead.
  kNoReplay,
  // INTERNAL: the store guessed the parent (or grandparent) of the comment
  // wrong; it calls again with the truth, so this reaches a caller only
  // when the guesses never settle.
  kChain,
};

// Where a status keeps its StoreError.
inline constexpr absl::string_view kStoreErrorUrl = "type.comments/store.Error";

// The kind of script refusal `status` stands for, or nullopt when it is none
// (OK, a Redis or transport failure, a malformed reply, a validation error).
std::optional<StoreError> StoreErrorOf(const absl::Status& status);

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_STORE_ERROR_H_
