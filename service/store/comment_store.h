#ifndef COMMENTS_SERVICE_STORE_COMMENT_STORE_H_
#define COMMENTS_SERVICE_STORE_COMMENT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/comments.pb.h"
#include "comments/v1/moderation.pb.h"
#include "moderation/moderation.h"
#include "redis/await.h"
#include "redis/lua_script.h"
#include "redis/redis_client.h"
#include "service/store/lua_words.h"
#include "service/store/parent_cache.h"

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
  // Flood control, per author and article. At most `post_limit` comments in
  // a window of `post_limit_window` from the first (0: no limit); more are
  // RESOURCE_EXHAUSTED. Both >= 0; the window positive when there is a limit.
  int post_limit = 0;
  absl::Duration post_limit_window = absl::Minutes(1);
  // The same text under the same parent as the author's last comment on the
  // article, within this long of it, is ALREADY_EXISTS (0: allowed). >= 0.
  absl::Duration duplicate_window = absl::ZeroDuration();
};

// A comment to store; fields already validated and normalized.
struct NewComment {
  std::string article_id;
  std::string parent_id;
  std::string author_id;
  std::string author_name;
  std::string body;
  std::string idempotency_key;
  // What moderation said of the text.
  moderation::Action verdict = moderation::Action::kAllow;
  // The policy to apply when the article has none: POST or PRE moderation.
  v1::Policy default_policy = v1::POLICY_POST_MODERATION;
  // Kept with the comment for moderators (a serialized v1::QueueItem).
  std::string detail;
  // Only answer a retry of an earlier post with the same idempotency key
  // (PostResult::created false); store nothing new, and fail with
  // StoreError kNoReplay when there was none. For a post a flood limit
  // refused, whose retry must still find the comment it stored.
  bool replay_only = false;
};

// A comment with what only moderators see.
struct StoredComment {
  v1::Comment comment;
  std::string detail;  // As given in NewComment::detail.
  int64_t report_count = 0;
};

struct PostResult {
  StoredComment stored;
  bool created = false;  // False: an earlier call with the same key made it.
  // The article's policy when the comment was posted.
  v1::Policy policy = v1::POLICY_POST_MODERATION;
};

struct CommentRef {
  std::string article_id;
  std::string comment_id;
};

// The outcome of one moderator decision.
struct Decided {
  v1::CommentStatus status = v1::COMMENT_STATUS_UNSPECIFIED;
  // The queue the comment left: PENDING, REPORTED, or UNSPECIFIED when the
  // decision was already in force.
  v1::Queue left_queue = v1::QUEUE_UNSPECIFIED;
  // A rejection from ModerationQueue::kAnywhere unpublished a comment that
  // was in no queue (left_queue is then UNSPECIFIED).
  bool unpublished = false;
};

struct ReportResult {
  int64_t report_count = 0;
  bool queued = false;  // This report put the comment in the reported queue.
  int64_t queued_at_us = 0;
  // False when the user had reported the comment before (nothing changed).
  bool added = false;
};

// A position in an index: the score and member of the entry last read.
struct IndexPosition {
  std::string score;
  // The member as the index stores it: the comment id in an article's own
  // indexes, "ARTICLE/ID" in the cross-article queue index (keyspace.h,
  // ModerationStore::Range).
  std::string comment_id;
};

struct ListQuery {
  // Which of the article's indexes to read.
  enum class Index { kComments, kPendingQueue, kReportedQueue };
  std::string article_id;
  Index index = Index::kComments;
  std::string parent_id;  // Empty: the top level. Comments only.
  // Comments: HOT, NEWEST or OLDEST. Queues are read oldest first.
  v1::Order order = v1::ORDER_NEWEST;
  std::optional<IndexPosition> after;
  int limit = 20;
  // Comments only: when set, each comment's viewer_liked says whether this
  // user likes it.
  std::string viewer_id;
  // When set, the page's comments are decoded straight into it (on its
  // arena, if it has one) instead of into ListPage::comments. Must outlive
  // the call.
  google::protobuf::RepeatedPtrField<v1::Comment>* into = nullptr;
};

struct ListPage {
  std::vector<StoredComment> comments;
  // Queues only: each comment's score, as Redis prints it (when it was
  // queued, in microseconds). Empty for comment lists.
  std::vector<std::string> scores;
  // Where the next page starts; empty when there is none.
  std::optional<IndexPosition> next;
};

struct LikeState {
  int64_t like_count = 0;
  bool liked = false;
  // False when the like (or unlike) was already in force.
  bool changed = false;
};

// The article's comments in Redis: every write is one atomic Lua script over
// the article's keys (keyspace.h), so a reader never sees a half-done write;
// reads are a script (lists), an HGET of the record, or one pipeline (stats).
// Errors: NOT_FOUND and PERMISSION_DENIED as the RPCs document; a script's
// refusal (those, and FAILED_PRECONDITION, ALREADY_EXISTS, RESOURCE_EXHAUSTED
// for the post limit) carries its kind (store_error.h: StoreErrorOf);
// UNAVAILABLE / DEADLINE_EXCEEDED / RESOURCE_EXHAUSTED (out of memory) from
// RedisClient, with their RedisErrorKind; INTERNAL for a reply the store
// cannot read.
//
// Each call comes in the form its callers use: the readers' calls
// (CommentService) are asynchronous, taking a Callback that runs once on a
// RedisClient I/O thread (or at once on the caller's, when the call fails
// before reaching Redis); the moderators' calls, which run on threads that
// may wait, block. A caller that wants to wait on an asynchronous call
// wraps it in Await (redis/await.h); List has both forms, for both kinds
// of caller.
//
// Thread-safe. Holds no article state of its own beyond ParentCache.
class CommentStore final {
 public:
  // REQUIRES: `redis` outlives the store; options valid (see above).
  CommentStore(RedisClient* redis, CommentStoreOptions options);
  CommentStore(const CommentStore&) = delete;
  CommentStore& operator=(const CommentStore&) = delete;

  void Post(NewComment comment, absl::Time deadline, Callback<PostResult> done);
  // Posts many comments in one round trip (for seeding and imports); each
  // is atomic on its own and has its own result. Replies whose parent's
  // place was guessed wrong are posted again one by one.
  absl::StatusOr<std::vector<absl::StatusOr<PostResult>>> PostMany(
      const std::vector<NewComment>& comments, absl::Time deadline);
  // Reads one comment of any status; with a `viewer_id`, its viewer_liked
  // says whether that user likes it (in the same round trip).
  void Get(CommentRef ref, std::string viewer_id, absl::Time deadline,
           Callback<StoredComment> done);
  void List(ListQuery query, absl::Time deadline, Callback<ListPage> done);
  absl::StatusOr<ListPage> List(const ListQuery& query, absl::Time deadline);
  // Likes (like=true) or unlikes the comment for `user_id`.
  void SetLike(CommentRef ref, std::string user_id, bool like,
               absl::Time deadline, Callback<LikeState> done);
  // Gives the moderation queue the comment left (QUEUE_UNSPECIFIED when
  // none).
  void Delete(CommentRef ref, std::string user_id, absl::Time deadline,
              Callback<v1::Queue> done);
  // One round trip for all articles, answered in the order asked.
  void Stats(std::vector<std::string> article_ids, absl::Time deadline,
             Callback<std::vector<v1::ArticleStats>> done);
  void Report(CommentRef ref, std::string user_id, std::string reason,
              int threshold, absl::Time deadline, Callback<ReportResult> done);

  // Moderation. Reads comments of any status, with their detail, in one
  // round trip; a missing comment is NOT_FOUND in its slot.
  absl::StatusOr<std::vector<absl::StatusOr<StoredComment>>> GetMany(
      const std::vector<CommentRef>& refs, absl::Time deadline);
  // Approves or rejects each comment, taking it out of `queue` (its
  // article's pending or reported queue, or whichever holds it). One round
  // trip for the batch (plus one per comment whose parent was guessed
  // wrong); each decision atomic on its own. Per-comment errors: NOT_FOUND;
  // FAILED_PRECONDITION when it is in no such queue and the decision is not
  // already in force.
  absl::StatusOr<std::vector<absl::StatusOr<Decided>>> Decide(
      const std::vector<CommentRef>& refs, bool approve, ModerationQueue queue,
      absl::Time deadline);
  // Up to `limit` report reasons per comment.
  absl::StatusOr<std::vector<std::vector<std::string>>> ReportReasons(
      const std::vector<CommentRef>& refs, size_t limit, absl::Time deadline);
  // Features a visible comment, or takes the feature back (any comment);
  // idempotent. Returns the comment as it stands. NOT_FOUND when featuring a
  // comment that is not visible.
  absl::StatusOr<v1::Comment> SetFeatured(const CommentRef& ref, bool featured,
                                          absl::Time deadline);
  // The article's policy, or POLICY_UNSPECIFIED when none is set. INTERNAL
  // for a stored policy this build does not know (lua_words.h).
  absl::StatusOr<v1::Policy> GetPolicy(const std::string& article_id,
                                       absl::Time deadline);
  // REQUIRES: `policy` is POST, PRE or CLOSED moderation.
  absl::Status SetPolicy(const std::string& article_id, v1::Policy policy,
                         absl::Time deadline);

 private:
  // Builds a script call for a guess of the parent and grandparent of the
  // comment the call is about.
  using ChainCall = std::function<LuaScript::Call(
      const std::string& parent, const std::string& grandparent)>;
  struct ChainState;
  // Runs a script whose keys depend on `subject`'s parent and grandparent,
  // guessing them and calling again while the script answers CHAIN.
  void RunWithChain(const LuaScript& script, const std::string& article_id,
                    const std::string& subject, ChainCall build,
                    absl::Time deadline, Callback<RedisReply> done);
  void ChainStep(std::unique_ptr<ChainState> state, const std::string& parent,
                 const std::string& grandparent);
  LuaScript::Call PostCall(const NewComment& comment,
                           const std::string& grandparent) const;
  absl::StatusOr<PostResult> DecodePost(const NewComment& comment,
                                        RedisReply& reply);
  LuaScript::Call DecideCall(const CommentRef& ref, bool approve,
                             ModerationQueue queue, const std::string& parent,
                             const std::string& grandparent) const;
  absl::StatusOr<Decided> DecodeDecided(
      const absl::StatusOr<RedisReply>& reply) const;
  absl::StatusOr<ListPage> DecodePage(const ListQuery& query,
                                      absl::StatusOr<RedisReply>& reply);
  std::string ParentGuess(const std::string& article_id,
                          const std::string& comment_id) const;

  RedisClient* const redis_;
  const CommentStoreOptions options_;
  ParentCache parents_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_COMMENT_STORE_H_
