#ifndef COMMENTS_REDIS_REDIS_ERROR_H_
#define COMMENTS_REDIS_REDIS_ERROR_H_

// Redis error replies by kind. Redis starts every error message with an
// error code, one upper-case word ("OOM command not allowed ...", "MOVED
// 3999 127.0.0.1:6381"); the client reads that word here, once, and every
// decision about an error reply reads the kind, never the message.
//
// A status made from an error reply (RedisReply::error_status, and so every
// call of RedisClient and LuaScript that fails on one) carries the reply's
// error code as a payload under kRedisErrorCodeUrl; RedisErrorKindOf reads
// it back. Transport failures (UNAVAILABLE for a connection, DEADLINE_
// EXCEEDED) carry none: they are not replies.

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace comments {

// The error codes the client acts on. Any other code (ERR, WRONGTYPE,
// CROSSSLOT, EXECABORT, and the words a Lua script raises) is kOther.
enum class RedisErrorKind {
  kOther,
  // NOSCRIPT: EVALSHA of a script Redis does not hold (it restarted or
  // flushed its scripts). LuaScript sends the source again.
  kNoScript,
  // MOVED and ASK: a Redis Cluster node that does not serve the key's slot
  // names the node that does. The client follows them.
  kMoved,
  kAsk,
  // Passing refusals: Redis ran nothing and will accept the command later
  // (IsPassingRefusal).
  kLoading,      // LOADING: reading its dataset back after a restart.
  kBusy,         // BUSY: a script ran past busy-reply-threshold.
  kTryAgain,     // TRYAGAIN: a multi-key command during a slot migration.
  kClusterDown,  // CLUSTERDOWN: the cluster cannot serve the slot now.
  kMasterDown,   // MASTERDOWN: a replica lost its primary.
  kReadOnly,     // READONLY: a write reached a primary demoted by failover.
  kNoAuth,       // NOAUTH: Redis wants a password this client lacks.
  // OOM: maxmemory reached under noeviction. Not passing: it lasts until an
  // operator frees memory or raises maxmemory. Redis refuses a script at its
  // first write, so nothing was half-written.
  kOutOfMemory,  // Keep last: kRedisErrorKinds counts up to it.
};

// How many kinds there are: a table indexed by kind has this many entries.
inline constexpr size_t kRedisErrorKinds =
    static_cast<size_t>(RedisErrorKind::kOutOfMemory) + 1;

// Where a status made from an error reply keeps its error code (the first
// word of Redis's message, as Redis sent it: "OOM", "LOADING", "NOTFOUND").
inline constexpr absl::string_view kRedisErrorCodeUrl =
    "type.comments/redis.ErrorCode";

// The kind of the error reply whose message (without the leading '-') is
// `message`: its first word looked up among the codes above, exactly (so
// "LOADINGS" is kOther).
RedisErrorKind RedisErrorKindOfMessage(absl::string_view message);

// The error code of `kind` as Redis writes it ("NOSCRIPT", "OOM"), or ""
// for kOther, which stands for every other code.
absl::string_view RedisErrorCodeOf(RedisErrorKind kind);

// The kind of the error reply `status` was made from, or nullopt when it was
// made from none (OK, a transport failure, an error of any other layer).
std::optional<RedisErrorKind> RedisErrorKindOf(const absl::Status& status);

// True for the kinds that refuse a command for a while only, without running
// it: retrying is safe, and the status is UNAVAILABLE.
bool IsPassingRefusal(RedisErrorKind kind);

// True for kMoved and kAsk.
bool IsRedirection(RedisErrorKind kind);

// The status for the error reply whose message is `message`, with its code
// as payload: UNAVAILABLE ("redis: " and the message) for a passing refusal,
// RESOURCE_EXHAUSTED (likewise) for kOutOfMemory, INTERNAL with the message
// as it is for anything else (a script's own errors included). Messages are
// for logs; code decides by the status code and RedisErrorKindOf.
absl::Status RedisErrorStatus(absl::string_view message);

}  // namespace comments

#endif  // COMMENTS_REDIS_REDIS_ERROR_H_
