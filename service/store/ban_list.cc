#include "service/store/ban_list.h"

#include <utility>
#include <vector>

namespace comments {

BanList::BanList(ModerationStore* store, absl::Duration poll_interval)
    : store_(store),
      poller_(poll_interval, "ban list reload", [this] { return SyncNow(); }) {}

std::optional<bool> BanList::Contains(absl::string_view user_id) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!users_.has_value()) return std::nullopt;
  return users_->contains(user_id);
}

absl::Status BanList::SyncNow() {
  absl::MutexLock sync(&sync_mu_);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  // The version first: a ban landing between the two reads is then in the
  // users read, or moves the version again for the next poll.
  absl::StatusOr<ModerationStore::Revision> revision =
      store_->BanRevision(deadline);
  if (!revision.ok()) return revision.status();
  if (*revision == loaded_revision_) return absl::OkStatus();
  absl::StatusOr<std::vector<std::string>> users =
      store_->BannedUsers(deadline);
  if (!users.ok()) return users.status();
  absl::flat_hash_set<std::string> loaded(
      std::make_move_iterator(users->begin()),
      std::make_move_iterator(users->end()));
  {
    absl::MutexLock lock(&mu_);
    users_ = std::move(loaded);
  }
  loaded_revision_ = *revision;
  return absl::OkStatus();
}

void BanList::Apply(const std::string& user_id, bool banned) {
  {
    absl::MutexLock lock(&mu_);
    if (users_.has_value()) {
      if (banned) {
        users_->insert(user_id);
      } else {
        users_->erase(user_id);
      }
    }
  }
  // A reload that read the set just before this change would undo it here;
  // the version has moved, so the next reload restores it. Ask for it now.
  poller_.Poke();
}

}  // namespace comments
