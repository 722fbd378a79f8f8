#ifndef COMMENTS_REDIS_LUA_SCRIPT_H_
#define COMMENTS_REDIS_LUA_SCRIPT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "redis/await.h"
#include "redis/redis_client.h"

namespace comments {

// A Lua script run by its SHA1. Redis forgets scripts on restart or SCRIPT
// FLUSH; the first call after that gets NOSCRIPT and is sent once more with
// the full source, which loads it again.
class LuaScript final {
 public:
  // `source` must outlive the script (the generated k*Lua constants do).
  explicit LuaScript(const char* source);
  LuaScript(const LuaScript&) = delete;
  LuaScript& operator=(const LuaScript&) = delete;

  // One invocation's KEYS and ARGV.
  struct Call {
    std::vector<std::string> keys;
    std::vector<std::string> args;
  };

  // Runs the script without blocking; `done` runs as RedisClient::Send
  // describes. An error the script raises (redis.error_reply, {err = ...})
  // comes back as its RedisReply::error_status: INTERNAL with the script's
  // message, and its first word as the error code payload (RedisErrorKind
  // kOther), unless that word is one of Redis's own codes.
  void Send(RedisClient& redis, Call call, absl::Time deadline,
            Callback<RedisReply> done) const;

  // The blocking form of Send.
  absl::StatusOr<RedisReply> Run(RedisClient& redis,
                                 const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args,
                                 absl::Time deadline) const;

  // Runs the script once per call, all in one pipeline (one round trip);
  // each call's outcome is in its slot, as Run would return it. Slots that
  // found the script missing are run again one by one. Fails as a whole only
  // when Redis cannot be reached.
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> RunMany(
      RedisClient& redis, const std::vector<Call>& calls,
      absl::Time deadline) const;

  const std::string& sha1() const { return sha1_; }

 private:
  // Appends EVALSHA (or EVAL with the source, `by_source`) of `call`.
  void Append(const Call& call, bool by_source, RedisBatch& batch) const;

  const std::string source_;
  const std::string sha1_;
};

}  // namespace comments

#endif  // COMMENTS_REDIS_LUA_SCRIPT_H_
