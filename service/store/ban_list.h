#ifndef COMMENTS_SERVICE_STORE_BAN_LIST_H_
#define COMMENTS_SERVICE_STORE_BAN_LIST_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/store/moderation_store.h"
#include "service/store/poller.h"

namespace comments {

// This replica's copy of the banned users, so that posting a comment costs
// one Redis round trip, not two. The copy is reloaded whenever the ban
// version in Redis moves (polled every `poll_interval`, as the keywords
// are); a ban taken through this replica applies here at once, and on the
// other replicas within the interval.
//
// Thread-safe.
class BanList final {
 public:
  // REQUIRES: `store` outlives the list.
  BanList(ModerationStore* store, absl::Duration poll_interval);
  BanList(const BanList&) = delete;
  BanList& operator=(const BanList&) = delete;

  // Whether the user is banned, or nullopt while the list has never been
  // loaded (Redis unreachable so far): the caller must then ask Redis.
  std::optional<bool> Contains(absl::string_view user_id) const;

  // Loads the list now if its version moved.
  absl::Status SyncNow();
  // Starts the polling thread.
  void Start() { poller_.Start(); }
  // Records a ban (banned=true) or unban just made through this replica.
  void Apply(const std::string& user_id, bool banned);

 private:
  ModerationStore* const store_;
  mutable absl::Mutex mu_;
  std::optional<absl::flat_hash_set<std::string>> users_ ABSL_GUARDED_BY(mu_);
  absl::Mutex sync_mu_;  // One reload at a time.
  // What was loaded last; {-1, ""} before the first load.
  ModerationStore::Revision loaded_revision_ ABSL_GUARDED_BY(sync_mu_) = {
      .counter = -1};
  Poller poller_;  // Last: its thread stops before the rest goes.
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_BAN_LIST_H_
