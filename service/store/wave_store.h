#ifndef COMMENTS_SERVICE_STORE_WAVE_STORE_H_
#define COMMENTS_SERVICE_STORE_WAVE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "moderation/fingerprint.h"
#include "redis/await.h"
#include "redis/redis_client.h"
#include "service/store/comment_store.h"

namespace comments {

struct WaveStoreOptions {
  // A band key lives this long after the last text with its band hash, and
  // a wave's accounts are counted over this window. Positive.
  absl::Duration window = absl::Minutes(10);
  // How long a wave that two accounts or more posted stays listable after
  // its last copy (at least `window`).
  absl::Duration retention = absl::Hours(24);
  // A text joins the wave a shared band names only when its MinHash
  // signature agrees with the signature kept with that band on at least
  // this fraction of positions (moderation::SignatureSimilarity): bands
  // shared by chance, or by templated text with a few words in common, do
  // not make a wave. In (0, 1].
  double min_similarity = 0.5;
};

// What Redis knows of a text's wave once the text is recorded.
struct WaveSighting {
  std::string wave_id;  // 16 hex digits.
  // Distinct accounts that posted the wave within the window, this text's
  // author included; and ever (within the retention), and articles ever.
  int64_t recent_accounts = 0;
  int64_t accounts = 0;
  int64_t articles = 0;
};

// A wave as moderators see it.
struct WaveSummary {
  std::string wave_id;
  std::string sample;  // Its first text as posted.
  int64_t copies = 0;  // Texts seen (stored or not).
  int64_t accounts = 0;
  int64_t articles = 0;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  // Its score in the moderators' index (List only): a List cursor's score.
  std::string index_score;
};

// A position in the list of waves, newest first: the last wave's last-seen
// time (as Redis printed it) and id.
struct WavePosition {
  std::string score;
  std::string wave_id;
};

// Copy-paste waves in Redis (keyspace.h, WaveKeys): near-duplicate band
// keys that map a text to its wave, and per wave the accounts, articles and
// stored copies that RejectWave rejects together.
//
// A text is recorded in two steps, each idempotent enough to retry: See
// (one pipelined round trip of one small script per band key, each its own
// Cluster slot; then one script on the wave's own slot), before the post
// decides whether to hold it; AddCopy, after the comment is stored. The
// cross-wave index mod:{waves} is a derived view, like the cross-article
// queues: it is written after the wave (AddCopy) and List drops entries
// whose wave has expired.
//
// Errors: UNAVAILABLE / DEADLINE_EXCEEDED from RedisClient; INTERNAL for a
// reply the store cannot read. Callbacks run as RedisClient::Send says.
// Thread-safe.
class WaveStore final {
 public:
  // REQUIRES: `redis` outlives the store; options valid (see above).
  WaveStore(RedisClient* redis, WaveStoreOptions options);
  WaveStore(const WaveStore&) = delete;
  WaveStore& operator=(const WaveStore&) = delete;

  // Finds the wave of a text by its fingerprint (the wave a shared band
  // already names, when the signatures confirm it, else a new one named by
  // the text's exact hash) and records the author, article and (for a new
  // wave) `sample` in it.
  // REQUIRES: `fingerprint.band_hashes` not empty.
  void See(const moderation::TextFingerprint& fingerprint,
           const std::string& author_id, const std::string& article_id,
           const std::string& sample, absl::Time deadline,
           Callback<WaveSighting> done);
  // Adds a stored comment to the wave it was seen in, and the wave to the
  // moderators' index once two accounts posted it. Idempotent.
  void AddCopy(const WaveSighting& sighting, const CommentRef& ref,
               absl::Time deadline, StatusCallback done);

  // Moderators' calls; they block.
  // Waves seen by two accounts or more, most recently seen first, after
  // `after` (nullopt: from the start); up to `limit`.
  absl::StatusOr<std::vector<WaveSummary>> List(
      const std::optional<WavePosition>& after, int limit,
      absl::Time deadline);
  // One wave; NOT_FOUND when it is unknown or has expired.
  absl::StatusOr<WaveSummary> Get(const std::string& wave_id,
                                  absl::Time deadline);
  // The wave's stored copies in the order they were stored, from position
  // `offset`, up to `limit`.
  absl::StatusOr<std::vector<CommentRef>> Copies(const std::string& wave_id,
                                                 int64_t offset, int limit,
                                                 absl::Time deadline);

  // "0123456789abcdef" for a 64-bit hash: wave ids and band keys.
  static std::string Hex(uint64_t hash);

 private:
  struct BandJoin;
  void SeeWave(const std::string& wave_id, const std::string& author_id,
               const std::string& article_id, const std::string& sample,
               absl::Time deadline, Callback<WaveSighting> done);
  // Reads the summaries of `ids` in one round trip; nullopt for an expired
  // wave.
  absl::StatusOr<std::vector<std::optional<WaveSummary>>> Summaries(
      const std::vector<std::string>& ids, absl::Time deadline);

  RedisClient* const redis_;
  const WaveStoreOptions options_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_WAVE_STORE_H_
