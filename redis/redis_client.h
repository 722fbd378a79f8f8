#ifndef COMMENTS_REDIS_REDIS_CLIENT_H_
#define COMMENTS_REDIS_REDIS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "redis/await.h"
#include "redis/redis_error.h"
#include "redis/redis_observer.h"

namespace comments {

// An owned copy of one Redis reply. hiredis replies are copied into this
// value type at once and freed, so no hiredis memory outlives a call. A
// field that its type does not use is left empty (zero).
struct RedisReply {
  enum class Type {
    kNil,      // A missing value (GET of no key, an aborted EXEC): no field.
    kInteger,  // `integer`.
    kString,   // A bulk string: `str`, binary safe.
    kStatus,   // A simple string such as "OK" or "QUEUED": `str`.
    kArray,    // `elements`, each a reply of its own (errors included).
    kError,    // An error reply: `str` is Redis's message without the '-',
               // its error code first ("ERR unknown command", "MOVED 3999
               // 127.0.0.1:6381"); see error_kind and redis/redis_error.h.
  };
  Type type = Type::kNil;
  int64_t integer = 0;               // kInteger.
  std::string str;                   // kString, kStatus and kError.
  std::vector<RedisReply> elements;  // kArray.

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
  // The kind of error code `str` starts with.
  // REQUIRES: is_error().
  RedisErrorKind error_kind() const { return RedisErrorKindOfMessage(str); }
  // What an error reply means for the call (RedisErrorStatus): UNAVAILABLE
  // when Redis refused the command without running it, for a while only
  // (LOADING a dataset after a restart, BUSY running a long script,
  // TRYAGAIN, CLUSTERDOWN, MASTERDOWN, READONLY from a primary demoted by a
  // failover; NOAUTH, until this client is given the password Redis now
  // requires), so that retrying is safe; RESOURCE_EXHAUSTED for OOM;
  // INTERNAL with Redis's message for anything else (a script's own errors
  // included). Every one carries the reply's error code as a payload:
  // RedisErrorKindOf reads its kind.
  // REQUIRES: is_error().
  absl::Status error_status() const { return RedisErrorStatus(str); }
};

using RedisReplies = std::vector<RedisReply>;

// The error_status of the first error reply among `replies`, or OK: for
// pipelines whose replies only mean something all together.
absl::Status FirstError(const RedisReplies& replies);

// Where Redis listens: "redis://HOST:PORT" or "unix:///path/to.sock". For a
// Redis Cluster, any one of its nodes.
struct RedisEndpoint {
  std::string host;  // Empty for a unix socket.
  int port = 0;
  std::string unix_path;  // Empty for TCP.

  static absl::StatusOr<RedisEndpoint> Parse(const std::string& url);
  // A comma-separated list of a cluster's nodes, as people write it:
  // "redis://h1:7000,redis://h2:7001" or "redis://h1:7000,h2:7001" (an
  // element after the first may leave out the scheme); spaces around
  // elements are ignored. INVALID_ARGUMENT names the element at fault.
  static absl::StatusOr<std::vector<RedisEndpoint>> ParseList(
      const std::string& urls);
  std::string ToString() const;
};

struct RedisClientOptions {
  RedisEndpoint endpoint;
  // Connections, each with its own I/O thread. Every call on a connection
  // is pipelined with all others in flight on it. Calls go to the first
  // connection until it has 32 waiting, then to the least busy: one
  // connection batches best at low load, and the others add I/O threads to
  // decode replies when there is a full pipeline of them.
  int connections = 2;
  // Cap on connecting; a call's own deadline may cut it shorter.
  absl::Duration connect_timeout = absl::Milliseconds(500);
  // After a failed connect, calls fail fast with UNAVAILABLE for this long
  // instead of each waiting on a dead server.
  absl::Duration reconnect_backoff = absl::Milliseconds(100);
  // A connection whose oldest unanswered command is this far past its
  // deadline is presumed dead (a peer that vanished without a reset) and is
  // dropped.
  absl::Duration stall_timeout = absl::Seconds(10);
  // Sent with AUTH on every new connection when `password` is not empty:
  // the ACL user's password, or with no `username` the one `requirepass`
  // sets. A refusal fails the connection like any other connect error.
  std::string username;
  std::string password;
  // More nodes of the same Redis Cluster to read the slot table from when
  // `endpoint` does not answer (at start, say). Calls go to `endpoint` until
  // a table has been read.
  std::vector<RedisEndpoint> other_seeds;
  // Told of every round trip, error reply, redirection and reconnect, per
  // node (redis/redis_observer.h), for metrics. Not owned; must outlive the
  // client. Null (the default): nothing is measured and nothing costs.
  RedisObserver* observer = nullptr;
};

// Options for a client of the Redis, or Redis Cluster, named by `seeds`
// (RedisEndpoint::ParseList: the first is `endpoint`, the others
// `other_seeds`), authenticating as `username` (empty: the default user)
// with the password on the first line of `password_file` (empty: no AUTH).
// What comment-server and comment-fsck take as --redis, --redis_user and
// --redis_password_file. INVALID_ARGUMENT for a bad seed list, a user
// without a password file or a file with an empty first line; NOT_FOUND for
// a file that cannot be read.
absl::StatusOr<RedisClientOptions> RedisClientOptionsFor(
    const std::string& seeds, const std::string& username,
    const std::string& password_file);

// Arguments of one command, passed to Redis as binary-safe strings.
using RedisArgv = std::vector<std::string>;

// Commands in Redis's wire format, ready to be sent as one batch. Building
// the wire form directly spares a copy of every argument per call.
class RedisBatch final {
 public:
  // Starts a command of `argc` arguments: exactly `argc` Arg calls follow.
  RedisBatch& Begin(size_t argc);
  RedisBatch& Arg(absl::string_view arg);
  RedisBatch& Arg(int64_t arg);
  // A whole command.
  RedisBatch& Add(const RedisArgv& argv);

  size_t commands() const { return commands_; }
  bool empty() const { return commands_ == 0; }

 private:
  friend class RedisClient;
  std::string wire_;
  size_t commands_ = 0;
};

// What an asynchronous call gets: each command's reply in order (a Redis
// error reply in its slot, see RedisReply::is_error), or the transport error
// that kept them all from arriving.
using RedisDone = Callback<RedisReplies>;

// A Redis client that pipelines every concurrent call over a few
// connections, each driven by its own I/O thread. Calls from many threads
// are written together and their replies read together, so Redis sees few
// large reads and the caller's thread never waits on a socket.
//
// Errors: a connection that cannot be made or breaks mid-call is
// UNAVAILABLE (and so is a connection that meets READONLY: it is dropped,
// and the next call connects afresh); a call whose deadline passes first is
// DEADLINE_EXCEEDED (its late replies are read and dropped, so they never
// reach another call); an error reply from Redis is its error_status in
// Command, and stays in its slot elsewhere. Messages are for logs: the RPC
// layer never shows them to a client.
//
// Constructing a client ignores SIGPIPE process-wide (a write to a closed
// socket must fail, not kill the process), as most Redis clients require.
//
// Redis Cluster: the endpoint may be any node of a cluster. The client
// finds the slot table, keeps connections to every primary it needs, sends
// each command (a MULTI ... EXEC transaction as a whole) to the primary of
// its key's slot, splits a pipeline whose keys live on several primaries
// and puts the replies back in order, follows MOVED and ASK redirections
// while slots move, and asks for the table again after a redirection or a
// lost node (a failover). A command's keys must share one slot, as the
// cluster requires (CROSSSLOT otherwise). A call redirected five times is
// UNAVAILABLE.
//
// Measuring: an observer in the options (redis/redis_observer.h) is told of
// every round trip with its latency, every error reply by kind, every
// redirection and every reconnect, per node.
//
// Thread-safe. A broken connection is dropped and made again by the next
// call, so the client recovers by itself when Redis comes back.
class RedisClient final {
 public:
  explicit RedisClient(RedisClientOptions options);
  // Fails calls still in flight with UNAVAILABLE, then joins the threads.
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends the batch on one connection and calls `done` once with the
  // replies. `done` runs on an I/O thread of this client (or on the calling
  // thread when the call fails before it is sent): it must be quick and must
  // never call the blocking methods below. An empty batch completes at once.
  void Send(RedisBatch batch, absl::Time deadline, RedisDone done);
  // Sends one command; an error reply fails it with its error_status.
  void Send(const RedisArgv& argv, absl::Time deadline,
            Callback<RedisReply> done);

  // Blocking forms of Send. Never call them from a `done` callback.
  // Command, like the one-command Send, fails with an error reply's
  // error_status.
  absl::StatusOr<RedisReply> Command(const RedisArgv& argv,
                                     absl::Time deadline);
  absl::StatusOr<RedisReplies> Pipeline(const std::vector<RedisArgv>& commands,
                                        absl::Time deadline);
  absl::StatusOr<RedisReplies> Wait(RedisBatch batch, absl::Time deadline);

  // SCAN over the whole keyspace: every primary of a cluster, or the one
  // server. `options` are SCAN's words after the cursor (MATCH, COUNT,
  // TYPE); `page` gets each reply's array of keys, and an error it returns
  // stops the scan and is returned. A key may be seen twice (SCAN's own
  // guarantee, and a slot that moves during the scan). Blocking.
  absl::Status Scan(
      const RedisArgv& options, absl::Time deadline,
      absl::FunctionRef<absl::Status(const RedisReply& keys)> page);

  // Whether Redis can serve every key now, for a health check: a PING to
  // a plain Redis; on a Redis Cluster, a CLUSTER INFO to every primary in
  // the client's slot table, each of which must answer cluster_state:ok.
  // OK when all do. UNAVAILABLE when a node cannot be reached (or refuses
  // for a while, such as LOADING), when a primary reports
  // cluster_state:fail, or when some slots have no known primary (the
  // client then asks for the table again, as after any failure, so a
  // failover is seen at a later check); DEADLINE_EXCEEDED when a node
  // does not answer by `deadline`. The message names the node. The nodes
  // are asked at once, one command each, over the connections calls use.
  // Blocking; never call it from a `done` callback.
  absl::Status PingAll(absl::Time deadline);

  // True once the client has found that its endpoint is a Redis Cluster
  // node, and routes calls by slot.
  bool cluster() const;

  const RedisClientOptions& options() const { return options_; }

 private:
  class Impl;

  const RedisClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace comments

#endif  // COMMENTS_REDIS_REDIS_CLIENT_H_
