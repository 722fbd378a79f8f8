#ifndef COMMENTS_REDIS_INTERNAL_REDIS_CLUSTER_H_
#define COMMENTS_REDIS_INTERNAL_REDIS_CLUSTER_H_

// The Redis Cluster protocol as RedisClient needs it: which slot a key lives
// in, which parts of a pipeline must go to one node together, what a
// redirection says, and the slot ranges CLUSTER SLOTS lists. Pure functions
// over bytes and replies; the client does the I/O.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "redis/redis_client.h"

namespace comments {

inline constexpr int kClusterSlots = 16384;

// The slot of `key`: CRC16 (XMODEM) of the key, or of its hash tag (the
// bytes between the first "{" and the next "}", when not empty), mod 16384.
int KeySlot(absl::string_view key);

// A piece of a pipeline that must reach one node as a whole: one command,
// or a MULTI ... EXEC transaction with the commands it queues.
struct BatchUnit {
  size_t begin = 0;  // Byte range of the unit in the wire form.
  size_t end = 0;
  size_t first_reply = 0;  // Index of its first command in the pipeline.
  size_t commands = 0;
  int slot = -1;  // Its first key's slot; -1: no key (any node).
};

// Splits a pipeline in Redis's wire form (as RedisBatch builds it) into
// units. The key of a command is its first argument, except for EVAL,
// EVALSHA and FCALL (their first KEYS entry, if any) and for commands that
// take no key (MULTI, EXEC, SCAN, INFO, SCRIPT, CLUSTER, PING, ...).
// REQUIRES: `wire` is well-formed (only RedisBatch's output is passed).
std::vector<BatchUnit> SplitBatch(absl::string_view wire);

// What a MOVED or ASK error reply tells the client.
struct Redirect {
  bool ask = false;  // ASK: this once, after ASKING; MOVED: from now on.
  int slot = 0;
  std::string host;  // Empty when the node does not know its address.
  int port = 0;
};

// The redirection in `reply`, if it is a MOVED or ASK error.
std::optional<Redirect> ParseRedirect(const RedisReply& reply);

// One range of slots and the primary that serves it, from CLUSTER SLOTS.
struct SlotRange {
  int first = 0;
  int last = 0;
  std::string host;  // Empty when the node does not know its address.
  int port = 0;
  std::string node_id;
};

// The ranges of a CLUSTER SLOTS reply, or INTERNAL when it is malformed.
absl::StatusOr<std::vector<SlotRange>> ParseClusterSlots(
    const RedisReply& reply);

}  // namespace comments

#endif  // COMMENTS_REDIS_INTERNAL_REDIS_CLUSTER_H_
