#ifndef COMMENTS_SERVICE_INTERNAL_COMMENT_STORE_H_
#define COMMENTS_SERVICE_INTERNAL_COMMENT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/comments.pb.h"
#include "service/internal/parent_cache.h"
#include "service/internal/redis_client.h"

namespace comments {

struct CommentStoreOptions {
  // Age that is worth a doubling of engagement in the hot order (the
  // "gravity"; docs/hot-ranking.md). Must be positive.
  absl::Duration hot_half_life = absl::Hours(6);
  // How many likes one reply is worth in the hot order. Must be >= 0.
  double hot_reply_weight = 2.0;
  // How long an idempotency key is remembered.
  absl::Duration idempotency_ttl = absl::Hours(24);
  // Comments whose parent is remembered (parent_cache.h).
  size_t parent_cache_entries = 1 << 20;
};

// A comment to store; fields already validated and normalized.
struct NewComment {
  std::string article_id;
  std::string parent_id;
  std::string author_id;
  std::string author_name;
  std::string body;
  std::string idempotency_key;
  v1::CommentStatus status = v1::COMMENT_STATUS_PUBLISHED;
};

struct PostResult {
  v1::Comment comment;
  bool created = false;  // False: an earlier call with the same key made it.
};

// A position in an index: the score and id of a comment.
struct IndexPosition {
  std::string score;
  std::string comment_id;
};

struct ListQuery {
  std::string article_id;
  std::string parent_id;  // Empty: the top level.
  v1::Order order = v1::ORDER_NEWEST;  // HOT, NEWEST or OLDEST.
  std::optional<IndexPosition> after;
  int limit = 20;
};

struct ListPage {
  std::vector<v1::Comment> comments;
  // Where the next page starts; empty when there is none.
  std::optional<IndexPosition> next;
};

struct LikeState {
  int64_t like_count = 0;
  bool liked = false;
};

// The article's comments in Redis: every call is one atomic Lua script (or
// one pipeline for stats) over the article's keys (keyspace.h), so a reader
// never sees a half-done write. Errors: NOT_FOUND and PERMISSION_DENIED as
// the RPCs document; UNAVAILABLE / DEADLINE_EXCEEDED from RedisClient;
// INTERNAL for a reply the store cannot read.
//
// Thread-safe. Holds no article state of its own beyond ParentCache.
class CommentStore final {
 public:
  // REQUIRES: `redis` outlives the store; options valid (see above).
  CommentStore(RedisClient* redis, CommentStoreOptions options);
  CommentStore(const CommentStore&) = delete;
  CommentStore& operator=(const CommentStore&) = delete;

  absl::StatusOr<PostResult> Post(const NewComment& comment,
                                  absl::Time deadline);
  absl::StatusOr<v1::Comment> Get(const std::string& article_id,
                                  const std::string& comment_id,
                                  absl::Time deadline);
  absl::StatusOr<ListPage> List(const ListQuery& query, absl::Time deadline);
  // Likes (like=true) or unlikes the comment for `user_id`.
  absl::StatusOr<LikeState> SetLike(const std::string& article_id,
                                    const std::string& comment_id,
                                    const std::string& user_id, bool like,
                                    absl::Time deadline);
  absl::Status Delete(const std::string& article_id,
                      const std::string& comment_id,
                      const std::string& user_id, absl::Time deadline);
  // One round trip for all articles, answered in the order asked.
  absl::StatusOr<std::vector<v1::ArticleStats>> Stats(
      const std::vector<std::string>& article_ids, absl::Time deadline);

 private:
  std::string ParentGuess(const std::string& article_id,
                          const std::string& comment_id) const;
  std::vector<std::string> HotArgs() const;

  RedisClient* const redis_;
  const CommentStoreOptions options_;
  ParentCache parents_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_INTERNAL_COMMENT_STORE_H_
