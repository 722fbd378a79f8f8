#ifndef COMMENTS_SERVICE_RPC_WAVE_GATE_H_
#define COMMENTS_SERVICE_RPC_WAVE_GATE_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "metrics/metrics.h"
#include "moderation/fingerprint.h"
#include "redis/await.h"
#include "service/store/comment_store.h"
#include "service/store/wave_store.h"

namespace comments {

struct WaveGateOptions {
  // Copies are held once more than this many distinct accounts posted the
  // wave within the window (WaveStoreOptions::window): the first
  // `accounts` accounts' copies are published. 0 turns the gate off.
  // >= 0.
  int accounts = 0;
  // Texts with fewer informative characters than this (fingerprint.h:
  // characters left once the engine's noise and repeats are gone) are never
  // fingerprinted, so short common comments (支持, 写得好, 顶) are never held.
  // >= 1.
  int min_chars = 12;
  moderation::FingerprintOptions fingerprint;
};

// Holds copies of copy-paste waves for review: posts the comment through
// the wave check when its text is long enough to fingerprint. Counts
//   comments_wave_posts_total{outcome="tracked"|"held"}
// (tracked: fingerprinted and recorded in a wave; held: held because of it).
//
// A post's way: Fingerprint on the caller's thread (CPU), then Post: the
// wave is recorded (WaveStore::See, before the post: the decision needs
// it), the comment is stored, held (PENDING, with a "wave" match and the
// wave's id in its moderation detail) when the wave is past the threshold,
// and added to the wave's copies (WaveStore::AddCopy) so that RejectWave
// reaches it. A failure of that last step is logged, not returned: the
// comment is stored, and only its place in the wave is lost.
//
// Thread-safe.
class WaveGate final {
 public:
  // REQUIRES: the pointers and `registry` outlive the gate; options valid.
  WaveGate(WaveGateOptions options, WaveStore* waves, CommentStore* comments,
           metrics::Registry& registry);
  WaveGate(const WaveGate&) = delete;
  WaveGate& operator=(const WaveGate&) = delete;

  // The fingerprint of a comment's body, or nothing when the gate is off or
  // the text is too short to say anything. Pure CPU; thread-safe.
  std::optional<moderation::TextFingerprint> Fingerprint(
      const std::string& body) const;

  // Posts `comment` as CommentStore::Post does, holding it when its wave
  // (by `fingerprint`) is past the threshold. `sample` is the text as
  // posted (kept as the wave's sample when it starts one). Errors: those of
  // CommentStore::Post and WaveStore::See.
  void Post(NewComment comment, const moderation::TextFingerprint& fingerprint,
            std::string sample, absl::Time deadline, Callback<PostResult> done);

 private:
  WaveGate(WaveGateOptions options, WaveStore* waves, CommentStore* comments,
           metrics::CounterFamily& posts);
  // Marks the comment held for `wave_id` in its verdict and detail.
  static void Hold(const std::string& wave_id, NewComment& comment);

  const WaveGateOptions options_;
  WaveStore* const waves_;
  CommentStore* const comments_;
  metrics::Counter* const tracked_;
  metrics::Counter* const held_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_RPC_WAVE_GATE_H_
