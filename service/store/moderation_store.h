#ifndef COMMENTS_SERVICE_STORE_MODERATION_STORE_H_
#define COMMENTS_SERVICE_STORE_MODERATION_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "comments/v1/moderation.pb.h"
#include "redis/redis_client.h"
#include "service/store/comment_store.h"

namespace comments {

// The moderation state shared by all articles: the cross-article queue
// indexes, the keyword lexicon, bans and the audit log (keyspace.h,
// global_keys).
//
// The queues: an article's own queues (c:{A}:qp / qr) change in the same
// script as the comment, so they are always right. The cross-article index
// (mq:{q}:*) lives in another Cluster slot, so it is written just after, by
// idempotent commands, and is only a derived view: a listing skips and drops
// entries whose comment has left the queue, and RepairQueues re-adds entries
// a crash left out.
//
// Thread-safe.
class ModerationStore final {
 public:
  // REQUIRES: `redis` outlives the store.
  explicit ModerationStore(RedisClient* redis) : redis_(redis) {}
  ModerationStore(const ModerationStore&) = delete;
  ModerationStore& operator=(const ModerationStore&) = delete;

  struct QueueEntry {
    CommentRef ref;
    std::string score;  // Time queued (us), as Redis prints it.
  };

  // Adds to / removes from the cross-article index; idempotent. The
  // callbacks run as RedisClient::Send describes.
  void Enqueue(v1::Queue queue, const CommentRef& ref, int64_t queued_at_us,
               absl::Time deadline, StatusCallback done);
  void Dequeue(v1::Queue queue, const std::vector<CommentRef>& refs,
               absl::Time deadline, StatusCallback done);
  absl::Status Dequeue(v1::Queue queue, const std::vector<CommentRef>& refs,
                       absl::Time deadline);
  // Entries of the cross-article index after `after`, oldest first, with a
  // score at most `max_score` ("+inf" for all). `after->comment_id` is the
  // index's member, "ARTICLE/ID", not the bare comment id.
  absl::StatusOr<std::vector<QueueEntry>> Range(
      v1::Queue queue, const std::optional<IndexPosition>& after, int limit,
      const std::string& max_score, absl::Time deadline);
  // The oldest entries of one article's own queue, scored at most
  // `max_score`.
  absl::StatusOr<std::vector<CommentRef>> ArticleQueueHead(
      v1::Queue queue, const std::string& article_id,
      const std::string& max_score, int limit, absl::Time deadline);
  // Whether each comment is still in its article's queue (the truth the
  // cross-article index is derived from).
  absl::StatusOr<std::vector<bool>> StillQueued(
      v1::Queue queue, const std::vector<CommentRef>& refs,
      absl::Time deadline);
  // The article queue a comment is in (QUEUE_UNSPECIFIED for none), in one
  // round trip.
  absl::StatusOr<v1::Queue> QueueOf(const CommentRef& ref, absl::Time deadline);
  // Comments in the queue: all articles' when `article_id` is empty.
  absl::StatusOr<int64_t> QueueSize(v1::Queue queue,
                                    const std::string& article_id,
                                    absl::Time deadline);
  // Puts back into the cross-article index every entry of every article's
  // queues that is missing from it. Scans the keyspace in small steps.
  // Returns how many it re-added.
  absl::StatusOr<int64_t> RepairQueues(absl::Time deadline);

  // What a replica compares to learn that the keywords or the bans changed:
  // the counter every change bumps, and the random stamp every change
  // writes beside it. The counter alone can come back to a value a replica
  // has loaded, with other contents, when Redis loses its last writes (a
  // failover to a replica that lagged, a restore of an older backup) and
  // later changes count up again; the stamp then differs.
  struct Revision {
    int64_t counter = 0;
    std::string stamp;  // Empty when never written.
    friend bool operator==(const Revision&, const Revision&) = default;
  };

  // Keywords. `seed`: apply only if the lexicon was never seeded.
  struct KeywordsState {
    int64_t count = 0;
    int64_t version = 0;
  };
  absl::StatusOr<KeywordsState> UpdateKeywords(
      const std::vector<v1::Keyword>& add,
      const std::vector<std::string>& remove, bool seed, absl::Time deadline);
  absl::StatusOr<Revision> KeywordRevision(absl::Time deadline);
  absl::StatusOr<std::vector<v1::Keyword>> AllKeywords(absl::Time deadline);
  // Keywords after `after_word` in byte order, and the total count.
  absl::StatusOr<std::pair<std::vector<v1::Keyword>, int64_t>> ListKeywords(
      const std::string& after_word, int limit, absl::Time deadline);

  // Bans (ban=true, with the reason) or unbans the user, and moves the ban
  // version that replicas poll (ban_list.h).
  absl::Status SetBanned(const std::string& user_id, bool ban,
                         const std::string& reason, absl::Time deadline);
  absl::StatusOr<Revision> BanRevision(absl::Time deadline);
  absl::StatusOr<std::vector<std::string>> BannedUsers(absl::Time deadline);
  void IsBanned(const std::string& user_id, absl::Time deadline,
                Callback<bool> done);

  // Appends entries, in one round trip (their ids and times are set by
  // Redis).
  absl::Status Audit(const std::vector<v1::AuditEntry>& entries,
                     absl::Time deadline);
  // Newest first, strictly older than `before_id` when it is not empty.
  absl::StatusOr<std::vector<v1::AuditEntry>> ListAudit(
      const std::string& before_id, int limit, absl::Time deadline);

 private:
  // The counter (0 when missing) and stamp keys, of one slot.
  absl::StatusOr<Revision> ReadRevision(absl::string_view counter_key,
                                        absl::string_view stamp_key,
                                        absl::Time deadline);
  // Calls `each` for every field of the hash, a page at a time.
  absl::Status ScanHash(
      absl::string_view key, absl::Time deadline,
      const std::function<void(std::string field, std::string value)>& each);

  RedisClient* const redis_;
};

// "ARTICLE/ID", the member of a cross-article queue (article ids hold no
// '/'), and back.
std::string QueueMember(const CommentRef& ref);
std::optional<CommentRef> ParseQueueMember(const std::string& member);

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_MODERATION_STORE_H_
