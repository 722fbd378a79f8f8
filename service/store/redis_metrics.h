#ifndef COMMENTS_SERVICE_STORE_REDIS_METRICS_H_
#define COMMENTS_SERVICE_STORE_REDIS_METRICS_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "metrics/metrics.h"
#include "redis/redis_observer.h"

namespace comments {

// The Redis client's traffic as Prometheus series (a RedisObserver to pass
// in RedisClientOptions::observer):
//   comments_redis_round_trips_total{node}
//   comments_redis_latency_seconds{node}          (a histogram; its _count
//                                                   is the round trips)
//   comments_redis_errors_total{kind}
//   comments_redis_redirections_total{kind}       (moved, ask)
//   comments_redis_reconnects_total{node}
// `node` is "host:port" (or a unix socket's path), from the configuration
// and the cluster's slot table, never from a request. `kind` of an error is
// the Redis error code in lower case for the codes the client knows
// (noscript, loading, busy, tryagain, clusterdown, masterdown, readonly,
// noauth, oom), "other" for the rest (ERR, WRONGTYPE, a script's own
// errors), and for calls that got no reply "unavailable" (no connection, or
// lost) and "deadline_exceeded". Label sets are bounded: the first
// kMaxNodes nodes have their own series, later ones share node="other".
//
// Thread-safe. The request path (the node observers' calls) takes no lock:
// each report is one or two relaxed atomic adds.
class RedisMetrics final : public RedisObserver {
 public:
  // Nodes with series of their own: a cluster's primaries, the nodes its
  // MOVED replies name, and the replicas a failover promotes.
  static constexpr size_t kMaxNodes = 64;

  // Adds the families to `registry`, once per registry.
  // REQUIRES: `registry` outlives this.
  explicit RedisMetrics(metrics::Registry& registry);
  ~RedisMetrics() override;
  RedisMetrics(const RedisMetrics&) = delete;
  RedisMetrics& operator=(const RedisMetrics&) = delete;

  // RedisObserver: the same observer for an address asked twice (two
  // clients, say).
  RedisNodeObserver* ForNode(absl::string_view address) override;

 private:
  class Node;

  Node* AddNode(const std::string& label) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  metrics::CounterFamily& round_trips_;
  metrics::HistogramFamily& latency_;
  metrics::CounterFamily& reconnects_;
  metrics::CounterFamily& errors_family_;
  metrics::CounterFamily& redirections_;
  // Indexed by RedisErrorKind, then the two failures without a reply.
  std::vector<metrics::Counter*> errors_;
  metrics::Counter* const moved_;
  metrics::Counter* const ask_;

  absl::Mutex mu_;
  std::vector<std::unique_ptr<Node>> nodes_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Node*> by_address_ ABSL_GUARDED_BY(mu_);
  Node* other_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace comments

#endif  // COMMENTS_SERVICE_STORE_REDIS_METRICS_H_
