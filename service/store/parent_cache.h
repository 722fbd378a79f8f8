#ifndef COMMENTS_SERVICE_STORE_PARENT_CACHE_H_
#define COMMENTS_SERVICE_STORE_PARENT_CACHE_H_

#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace comments {

// Remembers which comment each comment replies to. A script that updates a
// comment's rank must be handed the key of the index holding it, which
// depends on the parent; a comment's parent never changes, so a remembered
// one is always right, and a wrong guess costs one more round trip (the
// script checks and says CHAIN). Bounded: when full it starts over.
//
// Thread-safe.
class ParentCache final {
 public:
  explicit ParentCache(size_t max_entries) : max_entries_(max_entries) {}
  ParentCache(const ParentCache&) = delete;
  ParentCache& operator=(const ParentCache&) = delete;

  std::optional<std::string> Find(absl::string_view article_id,
                                  absl::string_view comment_id) const {
    absl::MutexLock lock(&mu_);
    auto it = parents_.find(Key(article_id, comment_id));
    if (it == parents_.end()) return std::nullopt;
    return it->second;
  }

  void Remember(absl::string_view article_id, absl::string_view comment_id,
                absl::string_view parent_id) {
    // Top level is the guess when nothing is remembered, and a parent never
    // changes: such entries would only cost memory and a lock per comment
    // listed.
    if (parent_id.empty()) return;
    absl::MutexLock lock(&mu_);
    if (parents_.size() >= max_entries_) parents_.clear();
    parents_.insert_or_assign(Key(article_id, comment_id),
                              std::string(parent_id));
  }

 private:
  static std::string Key(absl::string_view article_id,
                         absl::string_view comment_id) {
    return absl::StrCat(article_id, "/", comment_id);
  }

  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> parents_ ABSL_GUARDED_BY(mu_);
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_PARENT_CACHE_H_
