#ifndef COMMENTS_FSCK_FSCK_H_
#define COMMENTS_FSCK_FSCK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "redis/redis_client.h"

namespace comments::fsck {

// comment-fsck: proves that what the service keeps in Redis is consistent,
// and repairs what can be derived. docs/reliability.md says what it covers;
// docs/data-model.md (and service/store/keyspace.h) what each key holds.
//
// The truth is each comment's record and each visible comment's likers set.
// Everything else of an article is derived from them and checked against
// them: counts (comments, participants, replies, likes), the newest bitmap,
// the hot and reply indexes, the featured index, the article's queues, each
// user's liked set, idempotency and last-post keys. Then the cross-article
// queue indexes (mq:{q}:*) against the articles' queues.
//
// How it treats a live Redis: articles are found with SCAN in small steps
// (every primary of a cluster), and steps and articles are paced by
// `rate`; one article is checked by one Lua script over its slot (an atomic
// view, so a write in flight is never reported as damage), which holds
// Redis for a time proportional to the article's comments and likes. A
// repair is that script again in repair mode: it re-derives under the same
// atomicity, so no concurrent post or like is lost, and it never deletes a
// comment's data. What cannot be derived is reported, not repaired.

struct Options {
  // Repair what can be derived (else only report).
  bool repair = false;
  // SCAN steps and article checks per second, each (> 0).
  double rate = 50;
  // The server's --hot_half_life and --hot_reply_weight: the hot scores
  // are checked against the formula with these.
  absl::Duration hot_half_life = absl::Hours(6);
  double hot_reply_weight = 2.0;
  // The server's idempotency keys' lifetime: a key found without one gets
  // it.
  absl::Duration idempotency_ttl = absl::Hours(24);
  // Deadline of each Redis call (a check script included).
  absl::Duration call_timeout = absl::Seconds(30);
};

// One disagreement. `kind` is a stable word (docs/reliability.md lists
// them: like_count, hot_missing, queue_index_stale, ...), `key` the Redis
// key that holds the wrong data, `detail` which entry and what was found.
struct Finding {
  std::string article;  // Empty for a cross-article key.
  std::string kind;
  std::string key;
  std::string detail;
  bool repairable = false;  // Derivable from the truth.
  bool repaired = false;    // Repaired, and gone on checking again.
};

// What a run found, and what it means for the exit code.
struct Report {
  enum class Outcome {
    kClean,     // Nothing found.
    kRepaired,  // Damage found, and all of it repaired.
    kDamaged,   // Damage left: not repairable, or not repaired (no
                // --repair).
  };
  int64_t articles = 0;  // Articles checked.
  std::vector<Finding> findings;

  Outcome outcome() const;
  // The process's exit code for this outcome: 0 clean, 1 repaired, 2
  // damaged (3 is comment-fsck's for "could not run").
  int exit_code() const;
  // {"outcome": "clean|repaired|damaged", "articles": N, "findings":
  // [{"article", "kind", "key", "detail", "repairable", "repaired"}]}.
  std::string ToJson() const;
  // One line per finding and a summary line.
  std::string ToText() const;
};

inline constexpr int kExitCouldNotRun = 3;

// Checks (and with Options::repair, repairs) articles on one Redis or
// Redis Cluster. Not thread-safe; one run at a time.
class Checker final {
 public:
  // REQUIRES: `redis` outlives the checker.
  Checker(RedisClient* redis, Options options);
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // One article (SCAN finds its per-user keys), and its entries in the
  // cross-article queue indexes.
  absl::StatusOr<Report> CheckArticle(const std::string& article_id);
  // Every article SCAN finds, then the whole cross-article queue indexes.
  absl::StatusOr<Report> CheckAll();

 private:
  RedisClient* const redis_;
  const Options options_;
};

}  // namespace comments::fsck

#endif  // COMMENTS_FSCK_FSCK_H_
