#ifndef COMMENTS_REDIS_INTERNAL_REDIS_CONNECTION_H_
#define COMMENTS_REDIS_INTERNAL_REDIS_CONNECTION_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "redis/redis_client.h"
#include "redis/redis_observer.h"

namespace comments {

// What a connection tells the client that owns it. Called on the
// connection's I/O thread: implementations must not block.
class RedisConnectionObserver {
 public:
  virtual ~RedisConnectionObserver() = default;

  // A call's replies include a MOVED or ASK redirection. The observer now
  // owns the call: it must call `done` exactly once. `wire` is the call's
  // pipeline as it was sent (empty unless it was submitted resendable),
  // `redirects` how many times it had already been redirected.
  virtual void Redirected(const RedisEndpoint& from, std::string wire,
                          RedisReplies replies, absl::Time deadline,
                          int redirects, RedisDone done) = 0;

  // The connection could not be made, or was lost.
  virtual void ConnectionFailed(const RedisEndpoint& endpoint) = 0;
};

// One connection to one Redis server and the I/O thread that drives it.
// Callers append their commands to a queue; the thread moves them to the
// socket in one write and matches replies to calls in order (pipelining),
// reconnecting after a failure. The error contract is RedisClient's.
//
// Thread-safe.
class RedisConnection final {
 public:
  // `options`, `observer` and `node_observer` (either may be null) must
  // outlive the connection. `node_observer` is told of this connection's
  // round trips, error replies, redirections and reconnects.
  RedisConnection(const RedisClientOptions& options, RedisEndpoint endpoint,
                  RedisConnectionObserver* observer,
                  RedisNodeObserver* node_observer);
  // Stop()s.
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Queues the `commands` commands of `wire` (Redis's wire form) and calls
  // `done` once with their replies, on the I/O thread, or on the calling
  // thread when the connection is stopped. A `resendable` call keeps a copy
  // of its bytes for the observer, should a cluster redirect it.
  void Submit(std::string wire, size_t commands, absl::Time deadline,
              int redirects, bool resendable, RedisDone done);

  // Fails the calls in flight with UNAVAILABLE and joins the I/O thread.
  // Later calls fail at once. Idempotent.
  void Stop();

  // Calls submitted and not yet answered.
  int waiting() const;

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

// True on a RedisConnection's I/O thread, where blocking on a Redis call
// would deadlock.
bool OnRedisIoThread();

}  // namespace comments

#endif  // COMMENTS_REDIS_INTERNAL_REDIS_CONNECTION_H_
