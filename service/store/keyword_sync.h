#ifndef COMMENTS_SERVICE_STORE_KEYWORD_SYNC_H_
#define COMMENTS_SERVICE_STORE_KEYWORD_SYNC_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "moderation/moderation.h"
#include "service/store/moderation_store.h"
#include "service/store/poller.h"

namespace comments {

// Keeps this replica's compiled lexicon equal to the keywords in Redis.
//
// A background thread polls the keywords' revision (ModerationStore::Revision)
// every `poll_interval`; when it changed, the thread reads all keywords, compiles them off the request
// path and swaps them into the holder. Readers of the holder never wait.
// Redis being down only delays the next reload.
//
// Thread-safe.
class KeywordSync final {
 public:
  // REQUIRES: `store` and `holder` outlive this object.
  KeywordSync(ModerationStore* store, moderation::LexiconHolder* holder,
              moderation::EngineOptions engine_options,
              absl::Duration poll_interval);
  ~KeywordSync() = default;  // Stops the thread.
  KeywordSync(const KeywordSync&) = delete;
  KeywordSync& operator=(const KeywordSync&) = delete;

  // Keywords to write to Redis as its first keyword list, unless one was
  // seeded before (by any replica). Every sync tries this until Redis takes
  // it, and before it reads the keywords: a replica that started while Redis
  // was down must not swap Redis's empty list in for its seed.
  void SetSeed(std::vector<v1::Keyword> seed);

  // Seeds if still needed, then loads and compiles the keywords if their
  // revision changed.
  absl::Status SyncNow();
  // Starts the polling thread.
  void Start() { poller_.Start(); }
  // Asks the thread to poll at once (after a local update).
  void Poke() { poller_.Poke(); }

  // What the last load swapped in, for metrics.
  struct Loaded {
    int64_t version = -1;  // -1: nothing loaded from Redis yet.
    size_t keywords = 0;
    absl::Duration compile_time;
  };
  Loaded loaded() const;

 private:
  ModerationStore* const store_;
  moderation::LexiconHolder* const holder_;
  const moderation::EngineOptions engine_options_;
  absl::Mutex sync_mu_;  // One reload at a time.
  // What was loaded last; {-1, ""} before the first load.
  ModerationStore::Revision loaded_revision_ ABSL_GUARDED_BY(sync_mu_) = {
      .counter = -1};
  std::vector<v1::Keyword> seed_ ABSL_GUARDED_BY(sync_mu_);  // Not yet written.
  // Apart from sync_mu_, which a compile holds for seconds.
  mutable absl::Mutex loaded_mu_;
  Loaded loaded_ ABSL_GUARDED_BY(loaded_mu_);
  Poller poller_;  // Last: its thread stops before the rest goes.
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_KEYWORD_SYNC_H_
