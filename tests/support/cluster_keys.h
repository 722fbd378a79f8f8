#ifndef COMMENTS_TESTS_SUPPORT_CLUSTER_KEYS_H_
#define COMMENTS_TESTS_SUPPORT_CLUSTER_KEYS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "redis/internal/redis_cluster.h"

namespace comments::testing {

// A key of Redis Cluster slot `slot`: the first "k<i>" that hashes there.
// Header-only, so that only tests that link comments_redis (for KeySlot)
// pull it in.
inline std::string KeyInSlot(int slot) {
  for (int i = 0;; ++i) {
    std::string key = absl::StrCat("k", i);
    if (KeySlot(key) == slot) return key;
  }
}

}  // namespace comments::testing

#endif  // COMMENTS_TESTS_SUPPORT_CLUSTER_KEYS_H_
