#ifndef COMMENTS_SERVICE_INTERNAL_REDIS_CLIENT_H_
#define COMMENTS_SERVICE_INTERNAL_REDIS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct redisContext;

namespace comments {

// An owned copy of one Redis reply. hiredis replies are copied into this
// value type at once and freed, so no hiredis memory outlives a call.
struct RedisReply {
  enum class Type { kNil, kInteger, kString, kStatus, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;                   // kString and kStatus.
  std::vector<RedisReply> elements;  // kArray.

  bool is_nil() const { return type == Type::kNil; }
};

// Where Redis listens: "redis://HOST:PORT" or "unix:///path/to.sock".
struct RedisEndpoint {
  std::string host;  // Empty for a unix socket.
  int port = 0;
  std::string unix_path;  // Empty for TCP.

  static absl::StatusOr<RedisEndpoint> Parse(const std::string& url);
  std::string ToString() const;
};

struct RedisClientOptions {
  RedisEndpoint endpoint;
  // Connections kept open at most; each serves one call at a time.
  int pool_size = 8;
  // Cap on connecting; a call's own deadline may cut it shorter.
  absl::Duration connect_timeout = absl::Milliseconds(500);
  // After a failed connect, calls fail fast with UNAVAILABLE for this long
  // instead of each waiting on a dead server.
  absl::Duration reconnect_backoff = absl::Milliseconds(100);
};

// Arguments of one command, passed to Redis as binary-safe strings.
using RedisArgv = std::vector<std::string>;

// A blocking Redis client over a small pool of hiredis connections.
//
// Errors: a connection that cannot be made or breaks mid-call is
// UNAVAILABLE; a call whose deadline passes first is DEADLINE_EXCEEDED (the
// connection is then dropped, since a late reply would poison it); an error
// reply from Redis is returned as INTERNAL with Redis's message, which
// callers that expect a script error decode themselves. Messages are for
// logs: the RPC layer never shows them to a client.
//
// Constructing a client ignores SIGPIPE process-wide (hiredis cannot ask the
// kernel not to raise it), as most Redis clients require.
//
// Thread-safe. A broken connection is discarded and a new one is made by
// the next call, so the client recovers by itself when Redis comes back.
class RedisClient final {
 public:
  explicit RedisClient(RedisClientOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command.
  absl::StatusOr<RedisReply> Command(const RedisArgv& argv,
                                     absl::Time deadline);

  // Sends all commands in one write and reads their replies in order: one
  // round trip. An error reply to one command is returned in its slot as
  // a RedisReply of type kStatus with str prefixed "ERR:"; only transport
  // failures fail the whole call.
  absl::StatusOr<std::vector<RedisReply>> Pipeline(
      const std::vector<RedisArgv>& commands, absl::Time deadline);

  const RedisClientOptions& options() const { return options_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

  absl::StatusOr<ContextPtr> Acquire(absl::Time deadline);
  void Release(ContextPtr context);
  absl::StatusOr<ContextPtr> Connect(absl::Time deadline);
  absl::StatusOr<std::vector<RedisReply>> RunOn(
      redisContext* context, const std::vector<RedisArgv>& commands,
      bool errors_in_slots, absl::Time deadline);

  const RedisClientOptions options_;
  absl::Mutex mu_;
  std::vector<ContextPtr> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time fail_fast_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_INTERNAL_REDIS_CLIENT_H_
