#ifndef COMMENTS_SERVICE_INTERNAL_KEYSPACE_H_
#define COMMENTS_SERVICE_INTERNAL_KEYSPACE_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace comments {

// The Redis keys of one article. Every key carries the article id as its
// hash tag, so an article lives in one Redis Cluster slot and each write is
// one atomic script over its keys. (Article ids are validated to
// [A-Za-z0-9_.:-], so they hold no brace.) docs/data-model.md gives each
// key's type, contents and cost.
//
//   c:{A}:c          hash   comment id -> MessagePack record (lua/prelude.lua)
//   c:{A}:s          hash   seq: last comment id; n: visible comments
//   c:{A}:p          hash   user id -> visible comments + likes (HLEN =
//                           participants)
//   c:{A}:n, c:{A}:h zset   top-level comments by id (newest) and by hot score
//   c:{A}:rn:P       zset   replies of comment P by id
//   c:{A}:rh:P       zset   replies of comment P by hot score
//   c:{A}:l:X        set    users who like comment X
//   c:{A}:i:N:U:K    string comment id created by author U (N = byte length of
//                           U) with idempotency key K; expires after 24 h
class Keyspace final {
 public:
  explicit Keyspace(absl::string_view article_id)
      : prefix_(absl::StrCat("c:{", article_id, "}:")) {}

  std::string Comments() const { return Key("c"); }
  std::string Stats() const { return Key("s"); }
  std::string Participants() const { return Key("p"); }
  // The index listing the children of `parent` ("" for the top level).
  std::string NewestIndex(absl::string_view parent) const {
    return parent.empty() ? Key("n") : Key("rn:", parent);
  }
  std::string HotIndex(absl::string_view parent) const {
    return parent.empty() ? Key("h") : Key("rh:", parent);
  }
  std::string Likers(absl::string_view comment_id) const {
    return Key("l:", comment_id);
  }
  std::string Idempotency(absl::string_view author_id,
                          absl::string_view key) const {
    return Key(absl::StrCat("i:", author_id.size(), ":"), author_id, ":", key);
  }

 private:
  template <typename... Parts>
  std::string Key(const Parts&... parts) const {
    return absl::StrCat(prefix_, parts...);
  }

  std::string prefix_;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_INTERNAL_KEYSPACE_H_
