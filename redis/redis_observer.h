#ifndef COMMENTS_REDIS_REDIS_OBSERVER_H_
#define COMMENTS_REDIS_REDIS_OBSERVER_H_

// What a RedisClient tells about its traffic, for metrics: round trips and
// their latency, error replies by kind, MOVED/ASK redirections and
// reconnects, per node. The client library knows nothing of metrics; a
// server implements these interfaces with its metrics library and passes
// the observer in RedisClientOptions::observer.
//
// Cost: a client without an observer does none of this (one null test per
// call). With one, each round trip reads the monotonic clock twice and
// makes one virtual call on the I/O thread; nothing allocates. A node's
// observer is asked for once, when the client first uses the node, so the
// request path never looks a node up.

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "redis/redis_error.h"

namespace comments {

// How a round trip ended.
enum class RedisRoundTripResult {
  // Every reply arrived. Some may be error replies: each is reported on
  // its own (ErrorReply, Redirected).
  kAnswered,
  // The connection could not be made, or broke before the replies came.
  kUnavailable,
  // The call's deadline passed first (its replies, if they come, are
  // dropped).
  kDeadlineExceeded,
};

// The reports about one Redis node. Called on the I/O threads of the
// node's connections, several at once when the node has more than one:
// implementations must be thread-safe, quick, and must never block or call
// the client.
class RedisNodeObserver {
 public:
  virtual ~RedisNodeObserver() = default;

  // One call's pipeline (or the part of it that went to this node) sent on
  // one connection and finished: `latency` from when the caller submitted
  // it (queueing in the client included, as the caller sees it) to its
  // last reply or its failure. Calls refused before anything is sent (a
  // node in reconnect backoff, a client closing) are not round trips and
  // are not reported.
  virtual void RoundTrip(absl::Duration latency,
                         RedisRoundTripResult result) = 0;

  // A call failed with UNAVAILABLE before it was sent: the node could not
  // be connected to (or was in its reconnect backoff after a failed
  // connect). Not reported while the client closes.
  virtual void NotSent() = 0;

  // An error reply from this node, other than MOVED and ASK (those are
  // Redirected): NOSCRIPT, LOADING, OOM, a script's own error (kOther)...
  // Counted per reply, including a reply that arrives after its call's
  // deadline.
  virtual void ErrorReply(RedisErrorKind kind) = 0;

  // A MOVED or ASK reply from this node: the client sends the command
  // again to the node the cluster names. `kind` is kMoved or kAsk.
  virtual void Redirected(RedisErrorKind kind) = 0;

  // A connection to this node was made again after it had been connected
  // and was lost (a restart, a failover, a network break, a demotion to
  // replica). Not called for a connection's first connect.
  virtual void Reconnected() = 0;
};

// Hands out the observer of each node a client uses.
class RedisObserver {
 public:
  virtual ~RedisObserver() = default;

  // The observer of the node at `address` ("host:port", or the unix
  // socket's path), asked once per node, before any report about it: the
  // configured endpoint at once, then each node a cluster names. The
  // result must stay valid as long as this observer; null reports nothing
  // for the node. Several nodes may share one (to bound a label set).
  // Called with the client's topology lock held: must not call the client.
  virtual RedisNodeObserver* ForNode(absl::string_view address) = 0;
};

}  // namespace comments

#endif  // COMMENTS_REDIS_REDIS_OBSERVER_H_
